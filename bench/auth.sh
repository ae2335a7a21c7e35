#!/usr/bin/env bash
# Authenticated requests against the health check: GET /api/my-permissions with a valid
# Bearer token (JWT verification plus the in-memory session lookup) interleaved with
# GET /api/health (a live database ping), measured with wrk on loopback.
# Target (issue 3): my-permissions >= 0.7 x health. Also times one login (argon2id),
# target 50-250 ms on the appliance.
#
#   bench/auth.sh [--threads N] [--duration S] [--rounds R] [--connections C] [--logins L]
set -euo pipefail
cd "$(dirname "$0")/.."

THREADS=$(nproc) DURATION=10 ROUNDS=3 CONNECTIONS=64 LOGINS=20
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) THREADS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --rounds) ROUNDS=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --logins) LOGINS=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
PORT=18787
. bench/signed_in_server.sh

echo "login (argon2id m=64 MiB, t=3, p=1), $LOGINS times:"
times=()
for _ in $(seq "$LOGINS"); do times+=("$(login)"); done
printf '%s\n' "${times[@]}" | sort -n | awk '{ t[NR] = $1 * 1000 } END {
  printf "  min %.0f ms, median %.0f ms, max %.0f ms\n", t[1], t[int((NR + 1) / 2)], t[NR] }'
use_login
rate() { # url [script] -> requests/s; shows wrk's report when there were errors
  local out
  out=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" ${2:+-s "$2"} "$1")
  if echo "$out" | grep -qE 'Non-2xx|Socket errors'; then echo "$out" >&2; fi
  echo "$out" | awk '/Requests\/sec/ {print $2}'
}
health_sum=0 auth_sum=0
for round in $(seq "$ROUNDS"); do
  h=$(rate "http://127.0.0.1:$PORT/api/health")
  a=$(rate "http://127.0.0.1:$PORT/api/my-permissions" "$WORK/token.lua")
  echo "round $round: /api/health $h req/s, /api/my-permissions $a req/s"
  health_sum=$(echo "$health_sum + $h" | bc -l) auth_sum=$(echo "$auth_sum + $a" | bc -l)
done
ratio=$(echo "$auth_sum / $health_sum" | bc -l)
printf 'mean: health %.0f req/s, my-permissions %.0f req/s, ratio %.2f (target >= 0.70)\n' \
  "$(echo "$health_sum / $ROUNDS" | bc -l)" "$(echo "$auth_sum / $ROUNDS" | bc -l)" "$ratio"
