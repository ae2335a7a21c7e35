#!/usr/bin/env bash
# The finance benchmarks (issue 5) on generated books: 1,000,000 cash flows over 50 accounts,
# 3 years and 200 sites (bench/generate_books.py), measured with wrk and curl on loopback.
#
#   bench/finance.sh [--flows N] [--duration S] [--threads N]
#
# Figures: GET /api/flows latency (p99 target < 20 ms), dashboard and account-balance report
# time (< 100 ms), authenticated GET /api/accounts rate (>= 20,000 req/s), POST /api/flows
# durable writes from 32 connections (>= 2,000/s).
set -euo pipefail
cd "$(dirname "$0")/.."

FLOWS=1000000 DURATION=10 THREADS=$(nproc)
while [ $# -gt 0 ]; do
  case "$1" in
    --flows) FLOWS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --threads) THREADS=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
PORT=18787
prepare_data() {
  "$CAIWU" migrate up --data-dir "$1" > /dev/null
  /usr/bin/python3 bench/generate_books.py "$1/caiwu.sqlite" --flows "$FLOWS"
}
. bench/signed_in_server.sh
BASE=http://127.0.0.1:$PORT
login > /dev/null
use_login
AUTH="Authorization: Bearer $TOKEN"

# A voucher for the posted flows: a 1x1 PNG.
echo 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGBgAAAABQABpfZFQAAAAABJRU5ErkJggg==' | base64 -d > "$WORK/r.png"
VOUCHER=$(curl -sS -H "$AUTH" -F "file=@$WORK/r.png;type=image/png" "$BASE/api/upload/voucher" \
  | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["url"])')

cat > "$WORK/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer $TOKEN"
wrk.headers["Content-Type"] = "application/json"
local today = os.date("%Y-%m-%d")
request = function()
  local body = string.format('{"type":"expense","accountId":"bench-a%d","categoryId":"bench-ce1","amountCents":%d,'
    .. '"bizDate":"%s","voucherUrls":["$VOUCHER"]}', math.random(0, 49), math.random(100, 100000), today)
  return wrk.format(nil, nil, nil, body)
end
LUA

run_wrk() { # connections url script -> wrk's report; complains about errors
  local out
  out=$(wrk -t2 -c"$1" -d"${DURATION}s" --latency -s "$3" "$2")
  if echo "$out" | grep -qE 'Non-2xx|Socket errors'; then echo "$out" | grep -E 'Non-2xx|Socket errors' >&2; fi
  echo "$out"
}
timed() { # url -> median and max of 20 requests, in ms
  for _ in $(seq 20); do curl -sS -o /dev/null -w '%{time_total}\n' -H "$AUTH" "$1"; done | sort -n \
    | awk '{ t[NR] = $1 * 1000 } END { printf "median %.1f ms, max %.1f ms\n", t[int((NR + 1) / 2)], t[NR] }'
}

echo "== GET /api/flows (200 newest, with names), 8 connections"
run_wrk 8 "$BASE/api/flows" "$WORK/token.lua" | grep -E 'Requests/sec|  50%|  99%'
echo "== GET /api/flows?accountId=bench-a7&limit=50&offset=1000 (filtered page), 8 connections"
run_wrk 8 "$BASE/api/flows?accountId=bench-a7&limit=50&offset=1000" "$WORK/token.lua" | grep -E 'Requests/sec|  50%|  99%'
echo "== dashboard: $(timed "$BASE/api/reports/dashboard/stats")"
echo "== account balance report: $(timed "$BASE/api/reports/account/balance")"
echo "== GET /api/accounts, 64 connections"
run_wrk 64 "$BASE/api/accounts" "$WORK/token.lua" | grep -E 'Requests/sec|  99%'
echo "== POST /api/flows (durable), 32 connections"
before=$(curl -sS -H "$AUTH" "$BASE/api/flows?limit=1" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
run_wrk 32 "$BASE/api/flows" "$WORK/post.lua" | grep -E 'Requests/sec|  50%|  99%'
after=$(curl -sS -H "$AUTH" "$BASE/api/flows?limit=1" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
echo "   flows recorded: $((after - before))"
