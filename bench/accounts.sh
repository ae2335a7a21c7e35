#!/usr/bin/env bash
# The account list the web client asks for on every page: GET /api/accounts, authenticated,
# with 50 accounts of 200 ledger rows each (balances from the ledger), measured with wrk on
# loopback. Target (master data): >= 20,000 req/s on 2 cores. Also times the first answer
# after a change (the list is recomputed once per worker thread, then served from memory).
#
#   bench/accounts.sh [--threads N] [--duration S] [--connections C] [--accounts A] [--rows R]
set -euo pipefail
cd "$(dirname "$0")/.."

THREADS=$(nproc) DURATION=10 CONNECTIONS=64 ACCOUNTS=50 ROWS=200
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) THREADS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --accounts) ACCOUNTS=$2; shift 2 ;;
    --rows) ROWS=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
PORT=18789
. bench/signed_in_server.sh

login > /dev/null
use_login
api() { curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' "$@"; }
for i in $(seq "$ACCOUNTS"); do
  code=$(api -d "{\"name\":\"账户$i\",\"type\":\"bank\",\"currency\":\"CNY\",\"accountNumber\":\"6222-$i\",\"openingCents\":$((i * 100))}" \
    "http://127.0.0.1:$PORT/api/accounts")
  [ "$code" = 200 ] || { echo "creating account $i answered $code"; exit 1; }
done
# The ledger as the posting code writes it: consecutive rows, each balance_after = before + amount.
python3 - "$WORK/data/caiwu.sqlite" "$ROWS" <<'PY'
import sqlite3, sys, uuid
db = sqlite3.connect(sys.argv[1], timeout=10)
rows = []
for account, opening in db.execute("SELECT id, opening_cents FROM accounts").fetchall():
    balance = opening
    for k in range(int(sys.argv[2])):
        amount = 100 + k
        rows.append((str(uuid.uuid4()), account, str(uuid.uuid4()), "2026-%02d-%02d" % (1 + k // 28 % 12, 1 + k % 28),
                     "income", amount, balance, balance + amount, 1000 + k))
        balance += amount
db.executemany("INSERT INTO account_transactions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
db.commit()
PY

URL="http://127.0.0.1:$PORT/api/accounts"
echo "first answer after a change: $(curl -sS -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $TOKEN" "$URL") s"
out=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" -s "$WORK/token.lua" "$URL")
if echo "$out" | grep -qE 'Non-2xx|Socket errors'; then echo "$out" >&2; fi
rate=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
printf 'GET /api/accounts (%d accounts, %d ledger rows each): %.0f req/s (target >= 20000)\n' "$ACCOUNTS" "$ROWS" "$rate"
