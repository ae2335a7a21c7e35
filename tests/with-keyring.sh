#!/bin/sh
# CTest WRAPPER: runs "$@" inside a private D-Bus session with a throw-away, unlocked
# GNOME Keyring, so keychain tests never touch the real user's keyring and tests that
# run in parallel never share one. Returns the command's exit code.
set -u

if [ -z "${CAIWU_KEYRING_SESSION:-}" ]; then
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/caiwu-keyring.XXXXXX") || exit 1
    trap 'rm -rf "$tmp"' EXIT
    trap 'exit 130' INT TERM
    chmod 700 "$tmp"
    mkdir -m 700 "$tmp/home" "$tmp/data" "$tmp/config" "$tmp/cache" "$tmp/runtime"
    HOME="$tmp/home"
    XDG_DATA_HOME="$tmp/data"
    XDG_CONFIG_HOME="$tmp/config"
    XDG_CACHE_HOME="$tmp/cache"
    XDG_RUNTIME_DIR="$tmp/runtime"
    CAIWU_KEYRING_SESSION="$tmp"
    export HOME XDG_DATA_HOME XDG_CONFIG_HOME XDG_CACHE_HOME XDG_RUNTIME_DIR CAIWU_KEYRING_SESSION
    # Our own bus, not the user's: dbus-run-session ends it (and the keyring with it) when
    # the command ends.
    unset DBUS_SESSION_BUS_ADDRESS
    dbus-run-session -- /bin/sh "$0" "$@"
    exit $?
fi

# Inside the private session: a new login keyring, created and unlocked with a throw-away
# password. The daemon prints variables (e.g. GNOME_KEYRING_CONTROL) for its clients.
env_file="$CAIWU_KEYRING_SESSION/keyring.env"
if ! printf test | gnome-keyring-daemon --unlock --components=secrets >"$env_file"; then
    echo "with-keyring.sh: gnome-keyring-daemon did not start" >&2
    exit 1
fi
while IFS= read -r line; do
    case "$line" in
        [A-Za-z_]*=*) export "$line" ;;
    esac
done <"$env_file"

"$@"
