#!/usr/bin/env bash
# GET /api/health (with its live database ping) against nginx serving a static 17-byte
# JSON, both with the same number of workers, measured with wrk on loopback, rounds
# interleaved so both see the same machine. Target (issue 2): Caiwu >= 0.6 x nginx.
#
#   bench/health_vs_nginx.sh [--workers N] [--duration S] [--rounds R] [--connections C] [--log on|off|both]
#
# --log: "off" compares with request logging off on both sides, "on" with Caiwu's
# request log and nginx's access log both on, "both" runs the two comparisons.
set -euo pipefail
cd "$(dirname "$0")/.."

WORKERS=$(nproc) DURATION=10 ROUNDS=3 CONNECTIONS=64 LOG=both
while [ $# -gt 0 ]; do
  case "$1" in
    --workers) WORKERS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --log) LOG=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
CAIWU=build/app/caiwu
[ -x "$CAIWU" ] || ./build.sh build
command -v wrk >/dev/null && command -v nginx >/dev/null || { echo "needs wrk and nginx (./build.sh build installs them)"; exit 1; }

NGINX_PORT=18080 CAIWU_PORT=18787
WORK=$(mktemp -d)
chmod 777 "$WORK"
NGINX_PID="" CAIWU_PID=""
cleanup() {
  [ -n "$CAIWU_PID" ] && kill "$CAIWU_PID" 2>/dev/null && wait "$CAIWU_PID" 2>/dev/null || true
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

start_servers() { # $1 = on|off
  local access="access_log off;"
  [ "$1" = on ] && access="access_log $WORK/access.log;"
  cat > "$WORK/nginx.conf" <<CONF
worker_processes $WORKERS;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 4096; }
http {
  $access
  server {
    listen 127.0.0.1:$NGINX_PORT reuseport;
    location / { default_type application/json; return 200 '{"ok":true,"n":1}'; }
  }
}
CONF
  nginx -c "$WORK/nginx.conf"
  local requests=false
  [ "$1" = on ] && requests=true
  mkdir -p "$WORK/data-$1"
  CAIWU_LOG_REQUESTS=$requests CAIWU_SECRETS_BACKEND=${CAIWU_SECRETS_BACKEND:-systemd-creds} \
    "$CAIWU" serve --data-dir "$WORK/data-$1" --listen 127.0.0.1 --api-port $CAIWU_PORT --threads "$WORKERS" \
    > "$WORK/caiwu.out" 2> "$WORK/caiwu.err" &
  CAIWU_PID=$!
  for _ in $(seq 100); do grep -q "serving API" "$WORK/caiwu.out" 2>/dev/null && break; sleep 0.1; done
  grep -q "serving API" "$WORK/caiwu.out" || { cat "$WORK/caiwu.err"; exit 1; }
}

stop_servers() {
  kill "$CAIWU_PID"; wait "$CAIWU_PID" 2>/dev/null || true; CAIWU_PID=""
  kill "$(cat "$WORK/nginx.pid")"; sleep 0.5
}

rate() { # url -> requests/s; fails on errors
  local out
  out=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$1")
  if echo "$out" | grep -qE 'Non-2xx|Socket errors'; then echo "$out" >&2; fi
  echo "$out" | awk '/Requests\/sec/ {print $2}'
}

compare() { # $1 = on|off
  start_servers "$1"
  # Warm both up once, unmeasured.
  wrk -t2 -c"$CONNECTIONS" -d2s "http://127.0.0.1:$NGINX_PORT/" >/dev/null
  wrk -t2 -c"$CONNECTIONS" -d2s "http://127.0.0.1:$CAIWU_PORT/api/health" >/dev/null
  local n_sum=0 c_sum=0
  for r in $(seq "$ROUNDS"); do
    n=$(rate "http://127.0.0.1:$NGINX_PORT/")
    c=$(rate "http://127.0.0.1:$CAIWU_PORT/api/health")
    printf '  round %d: nginx %10.0f req/s   caiwu /api/health %10.0f req/s   ratio %.3f\n' "$r" "$n" "$c" "$(echo "$c / $n" | bc -l)"
    n_sum=$(echo "$n_sum + $n" | bc -l); c_sum=$(echo "$c_sum + $c" | bc -l)
  done
  printf 'logs %-3s  mean: nginx %10.0f req/s   caiwu %10.0f req/s   ratio %.3f (target >= 0.6)\n' "$1" \
    "$(echo "$n_sum / $ROUNDS" | bc -l)" "$(echo "$c_sum / $ROUNDS" | bc -l)" "$(echo "$c_sum / $n_sum" | bc -l)"
  stop_servers
}

echo "workers=$WORKERS connections=$CONNECTIONS duration=${DURATION}s rounds=$ROUNDS cores=$(nproc)"
case "$LOG" in
  off|on) compare "$LOG" ;;
  both) compare off; compare on ;;
  *) echo "--log takes on, off or both" >&2; exit 2 ;;
esac
