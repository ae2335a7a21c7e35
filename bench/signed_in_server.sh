# Sourced by the benchmarks that call authenticated routes: a private `caiwu serve` on
# 127.0.0.1:$PORT with $THREADS workers and one administrator ($EMAIL / $PASSWORD), stopped
# and removed on exit. Needs PORT and THREADS; sets WORK and CAIWU_PID and defines:
#   login          one POST /api/auth/login; prints its time, keeps the answer in $WORK/login.json
#   use_login      TOKEN from the last login, and $WORK/token.lua that makes wrk send it
# A benchmark that needs data first defines prepare_data DATA_DIR before sourcing this.
CAIWU=build/app/caiwu
[ -x "$CAIWU" ] || ./build.sh build
command -v wrk >/dev/null && command -v curl >/dev/null || { echo "needs wrk and curl (./build.sh build installs wrk)"; exit 1; }

EMAIL=bench@office.test PASSWORD=bench-password-1
WORK=$(mktemp -d)
export HOME=$WORK/home XDG_CONFIG_HOME=$WORK/home/.config
export CAIWU_SECRETS_BACKEND=${CAIWU_SECRETS_BACKEND:-systemd-creds} CAIWU_LOG_REQUESTS=false CAIWU_MAIL_PORT=0
CAIWU_PID=""
cleanup() {
  [ -n "$CAIWU_PID" ] && kill "$CAIWU_PID" 2>/dev/null && wait "$CAIWU_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$HOME"

if declare -F prepare_data > /dev/null; then prepare_data "$WORK/data"; fi
printf %s "$PASSWORD" | "$CAIWU" admin create --email "$EMAIL" --name bench --data-dir "$WORK/data" > /dev/null
"$CAIWU" serve --data-dir "$WORK/data" --listen 127.0.0.1 --api-port "$PORT" --threads "$THREADS" > "$WORK/caiwu.out" 2> "$WORK/caiwu.err" &
CAIWU_PID=$!
for _ in $(seq 300); do grep -q "serving API" "$WORK/caiwu.out" 2>/dev/null && break; sleep 0.1; done
grep -q "serving API" "$WORK/caiwu.out" || { cat "$WORK/caiwu.err"; exit 1; }

login() {
  curl -sS -o "$WORK/login.json" -w '%{time_total}' -H 'Content-Type: application/json' \
    -d "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" "http://127.0.0.1:$PORT/api/auth/login"
}
use_login() {
  TOKEN=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["token"])' "$WORK/login.json")
  printf 'wrk.headers["Authorization"] = "Bearer %s"\n' "$TOKEN" > "$WORK/token.lua"
}
