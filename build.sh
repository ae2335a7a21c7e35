#!/usr/bin/env bash
# Caiwu's one entry point on a Debian 12 machine:
#   ./build.sh run    install what is missing, build, start the appliance on its defaults
#   ./build.sh test   install what is missing, build, run every test
#   ./build.sh build  install what is missing and build only
set -euo pipefail
cd "$(dirname "$0")"

# Debian packages the build, the appliance and the tests need.
PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config
  qt6-base-dev libqt6sql6-sqlite qt6-qpa-plugins libgl-dev
  qtkeychain-qt6-dev libsqlite3-dev libssl-dev libcurl4-openssl-dev
  libargon2-dev libcrypt-dev liboath-dev libqrencode-dev
  sqlite3 systemd dbus gnome-keyring openssl python3-aiosmtpd
  xvfb xauth
  nginx-light wrk bc
)

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

install_missing() {
  local missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "build.sh: installing ${missing[*]}"
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
}

build() {
  # Configure once; later runs only build what changed (ccache keeps rebuilds cheap).
  if [ ! -f build/build.ninja ]; then
    cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER_LAUNCHER=ccache
  fi
  cmake --build build -j"$(nproc)"
}

case "${1:-run}" in
  run)
    install_missing
    build
    shift || true
    # With a display this opens the admin window, without one it serves headless.
    exec build/app/caiwu "$@"
    ;;
  test)
    install_missing
    build
    ctest --test-dir build -j2 --output-on-failure
    ;;
  build)
    install_missing
    build
    ;;
  *)
    echo "usage: ./build.sh [run|test|build]" >&2
    exit 2
    ;;
esac
