#!/usr/bin/env bash
# The mail service's two figures (issue 4):
#   1. /send acceptance, durable (each 200 means the message is committed to the outbox):
#      wrk POSTs for --duration seconds with no SMTP server configured, so only acceptance
#      is measured. Target >= 2,000 requests/s.
#   2. sustained delivery: Caiwu restarts with the SMTP sink on loopback (aiosmtpd, the
#      tests' sink) and drains what phase 1 queued; messages/s = count / time to drain.
#      Target >= 100 messages/s.
#
#   bench/mail.sh [--duration S] [--connections C] [--deliver N]
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=10 CONNECTIONS=32 DELIVER=2000
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION=$2; shift 2 ;;
    --connections) CONNECTIONS=$2; shift 2 ;;
    --deliver) DELIVER=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
CAIWU=build/app/caiwu
[ -x "$CAIWU" ] || ./build.sh build

WORK=$(mktemp -d)
CAIWU_PID="" SINK_PID=""
cleanup() {
  [ -n "$CAIWU_PID" ] && kill "$CAIWU_PID" 2>/dev/null && wait "$CAIWU_PID" 2>/dev/null || true
  [ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null && wait "$SINK_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
export CAIWU_SECRETS_BACKEND=${CAIWU_SECRETS_BACKEND:-systemd-creds} CAIWU_LOG_REQUESTS=false
export CAIWU_MAIL_FROM_ADDRESS=bench@office.test CAIWU_SMTP_SECURITY=none

start_caiwu() {
  "$CAIWU" serve --data-dir "$WORK/data" --listen 127.0.0.1 --api-port 0 --mail-port 18788 > "$WORK/caiwu.out" 2> "$WORK/caiwu.err" &
  CAIWU_PID=$!
  for _ in $(seq 100); do grep -q "mail service on" "$WORK/caiwu.out" 2>/dev/null && return; sleep 0.1; done
  cat "$WORK/caiwu.err"; exit 1
}
stop_caiwu() { kill "$CAIWU_PID"; wait "$CAIWU_PID" 2>/dev/null || true; CAIWU_PID=""; }

cat > "$WORK/send.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"to":"staff@office.test","subject":"基准测试 benchmark","text":"hello","html":"<p>hello</p>"}'
LUA

echo "phase 1: /send acceptance, $CONNECTIONS connections, ${DURATION}s, no SMTP configured"
CAIWU_SMTP_HOST= start_caiwu
out=$(wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$WORK/send.lua" http://127.0.0.1:18788/send)
echo "$out" | grep -E 'Requests/sec|Latency|99%|Non-2xx|Socket errors' | sed 's/^/  /'
stop_caiwu
queued=$("$CAIWU" mail queue --data-dir "$WORK/data" | tail -1)
echo "  outbox after phase 1: $queued"

echo "phase 2: delivery of the first $DELIVER queued messages to the loopback SMTP sink"
# Keep only DELIVER messages queued so the run has a fixed size.
sqlite3 "$WORK/data/caiwu.sqlite" "UPDATE outbox SET status='discarded' WHERE status='queued' AND id NOT IN
  (SELECT id FROM outbox WHERE status='queued' ORDER BY created_at LIMIT $DELIVER)"
mkdir -p "$WORK/spool"
/usr/bin/python3 tests/mail/smtp_sink.py --spool "$WORK/spool" --tls none > "$WORK/sink.out" &
SINK_PID=$!
for _ in $(seq 100); do grep -q READY "$WORK/sink.out" 2>/dev/null && break; sleep 0.1; done
SINK_PORT=$(awk '/READY/ {print $2}' "$WORK/sink.out")
start=$(date +%s.%N)
CAIWU_SMTP_HOST=127.0.0.1 CAIWU_SMTP_PORT=$SINK_PORT start_caiwu
while [ "$(find "$WORK/spool" -name '*.json' | wc -l)" -lt "$DELIVER" ]; do
  sleep 0.2
  if ! kill -0 "$CAIWU_PID" 2>/dev/null; then echo "caiwu stopped"; exit 1; fi
done
end=$(date +%s.%N)
stop_caiwu
awk -v n="$DELIVER" -v s="$start" -v e="$end" 'BEGIN { printf "  %d messages delivered in %.2f s (including start-up): %.0f messages/s\n", n, e - s, n / (e - s) }'
echo "  outbox after phase 2: $("$CAIWU" mail queue --data-dir "$WORK/data" | tail -1)"
