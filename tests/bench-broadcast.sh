#!/usr/bin/env bash
# Broadcast benchmark: a whole-province broadcast to BENCH_RESIDENTS (1,000,000) residents on the embedded default
# (SQLite, in-memory bus). Measures
#   1. seconds from approval to every delivery row rendered and persisted (broadcasts.expanded = 1 and one
#      notice_deliveries row per resident who did not opt out)            target ≤ 10 s on a 2-core box
#   2. the gateway's peak memory over the whole run (VmHWM)                 target ≤ 300 MB
#   3. the send rate at a fake Twilio against Channels:twilio-demo:MessagesPerSecond = BENCH_RATE (200): the
#      average over BENCH_SEND_SECONDS (30) after expansion, and the most in any sliding one-second window
#                                                                          target ≥ 98% of the limit, never above
#
#   bash tests/bench-broadcast.sh
#
# Builds src/Gateway.App and tests/Gateway.Benchmarks in Release, creates a fresh SQLite file (ext4 under /tmp, not
# tmpfs) with `Gateway.App --migrate`, seeds the residents straight into it (`Gateway.Benchmarks seed-residents`),
# starts the fake Twilio and the gateway on 127.0.0.1, then through the API: a token for `phutho`, a template, a
# whole-province broadcast, approval by `phuthoduyet`. It polls the database read-only until the run is expanded,
# lets it send, cancels it and stops everything. Loopback only, every step bounded in time, and whatever it started
# is stopped on every exit path.
#
# Knobs (environment): BENCH_RESIDENTS (1000000), BENCH_RATE (200 messages/s), BENCH_SEND_SECONDS (30),
# BENCH_EXPAND_TIMEOUT (600 s), BENCH_NICE (-10; 0 = as is), BENCH_NO_BUILD=1, BENCH_GATEWAY_DLL (another, already
# built Gateway.App.dll), BENCH_KEEP=1 (keep the temporary folder with the database and the logs),
# BENCH_GATEWAY_ENV ("Name=value …" extra settings for the gateway, e.g. "Notices__ChunkSize=10000").
# Exit status: 0 when the run completed, whether or not it met the targets; 1 when something broke.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RESIDENTS=${BENCH_RESIDENTS:-1000000}
RATE=${BENCH_RATE:-200}
SEND_SECONDS=${BENCH_SEND_SECONDS:-30}
EXPAND_TIMEOUT=${BENCH_EXPAND_TIMEOUT:-600}
NICE=${BENCH_NICE:--10}
PRIO=(); [[ "$NICE" == 0 ]] || PRIO=(nice -n "$NICE")
PASSWORD=bench-$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')

# Targets (the issue), on a 2-core box.
TARGET_EXPAND_S=10
TARGET_RSS_MB=300
TARGET_RATE_SHARE=0.98

log() { printf '%s\n' "$*" >&2; }
die() { log "bench-broadcast: $*"; exit 1; }
command -v curl >/dev/null || die "curl is not on PATH"
command -v jq >/dev/null || die "jq is not on PATH"
command -v dotnet >/dev/null || die "dotnet is not on PATH"

TMP=$(mktemp -d /tmp/gateway-bench-broadcast.XXXXXX)
GW_WRAPPER=""; GW_PID=""; FAKE_PID=""
cleanup() {
  local rc=$?
  [[ -n "$GW_WRAPPER" ]] && kill "$GW_WRAPPER" 2>/dev/null && wait "$GW_WRAPPER" 2>/dev/null || true
  [[ -n "$GW_PID" ]] && kill "$GW_PID" 2>/dev/null || true
  [[ -n "$FAKE_PID" ]] && kill "$FAKE_PID" 2>/dev/null && wait "$FAKE_PID" 2>/dev/null || true
  if [[ "${BENCH_KEEP:-0}" == 1 ]]; then log "bench-broadcast: kept $TMP"; else rm -rf "$TMP"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- build ------------------------------------------------------------------------------------------------
GW_DLL=${BENCH_GATEWAY_DLL:-$ROOT/src/Gateway.App/bin/Release/net10.0/Gateway.App.dll}
BENCH_DLL=$ROOT/tests/Gateway.Benchmarks/bin/Release/net10.0/Gateway.Benchmarks.dll
if [[ "${BENCH_NO_BUILD:-0}" != 1 ]]; then
  log "bench-broadcast: dotnet build (Release)"
  [[ -n "${BENCH_GATEWAY_DLL:-}" ]] || dotnet build "$ROOT/src/Gateway.App" -c Release -nologo -v q >"$TMP/build-app.log" 2>&1 || { tail -30 "$TMP/build-app.log" >&2; die "gateway build failed"; }
  dotnet build "$ROOT/tests/Gateway.Benchmarks" -c Release -nologo -v q >"$TMP/build-bench.log" 2>&1 || { tail -30 "$TMP/build-bench.log" >&2; die "benchmark helper build failed"; }
fi
[[ -f "$GW_DLL" && -f "$BENCH_DLL" ]] || die "build output missing"
bench() { dotnet "$BENCH_DLL" "$@"; }
field() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p" | head -1; }
now_ms() { date +%s%3N; }

# shellcheck source=tests/bench-lib.sh
source "$ROOT/tests/bench-lib.sh"
PORT=$(free_port)
FAKE_PORT=$(free_port)
[[ "$PORT" != "$FAKE_PORT" ]] || FAKE_PORT=$(free_port)
BASE=http://127.0.0.1:$PORT
BUDGET=$((EXPAND_TIMEOUT + SEND_SECONDS + 300)) # hard stop for the processes started here

# --- schema and residents ---------------------------------------------------------------------------------
DB=$TMP/gateway.db
ACCOUNT_SID=AC$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
AUTH_TOKEN=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
GW_ENV=(
  ASPNETCORE_ENVIRONMENT=Development # demo mode (the demo officials sign in below) runs only in Development
  DOTNET_ENVIRONMENT=Development
  Database__ConnectionString="Data Source=$DB"
  Gateway__PublicBaseUrl="$BASE"
  Demo__Enabled=true
  GATEWAY_DEMO_PASSWORD="$PASSWORD"
  Channels__twilio-demo__Type=twilio
  Channels__twilio-demo__AccountSid="$ACCOUNT_SID"
  Channels__twilio-demo__AuthToken="$AUTH_TOKEN"
  Channels__twilio-demo__From=+15005550006
  Channels__twilio-demo__ApiBaseUrl="http://127.0.0.1:$FAKE_PORT"
  Channels__twilio-demo__MessagesPerSecond="$RATE"
  Notices__SmsChannel=twilio-demo
  Notices__ChannelOrder=sms
  Notices__QuietHours__Start=00:00
  Notices__QuietHours__End=00:00
  Logging__LogLevel__Default=Warning
  Logging__LogLevel__Gateway.App.Features.Notices=Information
)
# shellcheck disable=SC2206
EXTRA_ENV=(${BENCH_GATEWAY_ENV:-})
log "bench-broadcast: migrating a fresh database in $TMP"
env "${GW_ENV[@]}" "${EXTRA_ENV[@]}" timeout 120 dotnet "$GW_DLL" --migrate >"$TMP/migrate.log" 2>&1 || { tail -20 "$TMP/migrate.log" >&2; die "--migrate failed"; }
log "bench-broadcast: seeding $RESIDENTS residents of Phú Thọ (25)"
SEED=$(timeout 900 dotnet "$BENCH_DLL" seed-residents --db "$DB" --count "$RESIDENTS" --province 25 \
  --communes-csv "$ROOT/src/Gateway.App/Features/Directory/Data/vn_communes_2026.csv") || die "seeding failed"
OPTED_OUT=$(field "$SEED" opted_out)
EXPECTED=$((RESIDENTS - OPTED_OUT))
log "  $SEED"

# --- fake Twilio and the gateway --------------------------------------------------------------------------
"${PRIO[@]}" timeout -s TERM "$BUDGET" dotnet "$BENCH_DLL" fake-twilio --port "$FAKE_PORT" --seconds "$BUDGET" >"$TMP/fake.log" 2>&1 &
FAKE_PID=$!
env "${GW_ENV[@]}" "${EXTRA_ENV[@]}" "${PRIO[@]}" timeout -s TERM "$BUDGET" dotnet "$GW_DLL" --urls "$BASE" >"$TMP/gateway.log" 2>&1 &
GW_WRAPPER=$!
wait_for_gateway "$GW_WRAPPER" "$BASE" "$TMP/gateway.log"
for i in $(seq 1 60); do
  [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$FAKE_PORT/count" || true)" == 200 ]] && break
  ((i == 60)) && die "the fake Twilio never answered"
  sleep 0.5
done
log "bench-broadcast: gateway pid $GW_PID on $BASE, fake Twilio on 127.0.0.1:$FAKE_PORT, limit $RATE messages/s"
LOADAVG=$(cut -d' ' -f1-3 /proc/loadavg)

TICK=$(getconf CLK_TCK)
cores() { awk -v a="$1" -v b="$2" -v t="$TICK" -v s="$3" -v e="$4" 'BEGIN { printf "%.2f", (b - a) / t / ((e - s) / 1000) }'; }

# --- the API ----------------------------------------------------------------------------------------------
# api METHOD PATH TOKEN [JSON] → body on stdout; dies unless 2xx.
api() {
  local out=$TMP/api.out code args=(-s -o "$TMP/api.out" -w '%{http_code}' -X "$1" "$BASE$2" --max-time 120 -H 'content-type: application/json')
  [[ -n "${3:-}" ]] && args+=(-H "authorization: Bearer $3")
  [[ -n "${4:-}" ]] && args+=(--data-binary "$4")
  code=$(curl "${args[@]}") || die "$1 $2: curl failed"
  [[ "$code" == 2* ]] || die "$1 $2: HTTP $code $(head -c 600 "$out")"
  cat "$out"
}
token() { api POST /api/auth/token "" "$(jq -nc --arg u "$1" --arg p "$PASSWORD" '{username: $u, password: $p}')" | jq -r .token; }
CREATOR=$(token phutho)
APPROVER=$(token phuthoduyet)
TEMPLATE=bench-$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')
# One SMS segment once rendered (UCS-2, ≤ 70 characters), so messages and the pacer's segments are the same count.
api POST /api/templates "$CREATOR" "$(jq -nc --arg k "$TEMPLATE" '{
  key: $k, title: "Cảnh báo sạt lở (benchmark)", category: "canh-bao",
  variables: [{name: "ngay", type: "date"}, {name: "xa", type: "commune"}],
  bodies: {vi: {sms: "UBND {xa}: {ngay} nguy cơ sạt lở, tránh xa sườn đồi.", zalo: null}}}')" >/dev/null
BROADCAST=$(api POST /api/broadcasts "$CREATOR" "$(jq -nc --arg k "$TEMPLATE" '{
  templateKey: $k, variables: {ngay: "2026-12-10", xa: "04960"}, audience: {wholeProvince: true},
  sendAt: null, recurrence: null, emergency: false}')" | jq -r .id)
[[ -n "$BROADCAST" && "$BROADCAST" != null ]] || die "no broadcast id"
log "bench-broadcast: broadcast $BROADCAST created; approving as phuthoduyet"

RSS_BEFORE_MB=$(($(status_kb "$GW_PID" VmRSS) / 1024))
C0=$(cpu_ticks "$GW_PID"); M0=$(machine_ticks); T0=$(now_ms)
api POST "/api/broadcasts/$BROADCAST/approve" "$APPROVER" >/dev/null
APPROVED_MS=$(now_ms)
WAIT=$(bench wait --db "$DB" --sql "SELECT expanded FROM broadcasts WHERE id = '$BROADCAST'" --equals 1 \
  --timeout "$EXPAND_TIMEOUT" --interval-ms 100 \
  --then "SELECT approved_at, started_at, updated_at, opted_out_count, status FROM broadcasts WHERE id = '$BROADCAST'") || true
C1=$(cpu_ticks "$GW_PID"); M1=$(machine_ticks); T1=$(now_ms)
RSS_EXPANDED_MB=$(($(status_kb "$GW_PID" VmRSS) / 1024))
[[ "$(field "$WAIT" matched)" == 1 ]] || { tail -20 "$TMP/gateway.log" >&2; die "not expanded after ${EXPAND_TIMEOUT}s: $WAIT"; }
SEEN_MS=$(field "$WAIT" seen_ms)
EXPAND_WALL_S=$(awk -v a="$APPROVED_MS" -v b="$SEEN_MS" 'BEGIN { printf "%.2f", (b - a) / 1000 }')
EXPAND_DB_S=$(awk -v a="$(field "$WAIT" approved_at)" -v b="$(field "$WAIT" updated_at)" 'BEGIN { printf "%.2f", (b - a) / 1000 }')
START_DB_S=$(awk -v a="$(field "$WAIT" approved_at)" -v b="$(field "$WAIT" started_at)" 'BEGIN { printf "%.2f", (b - a) / 1000 }')
q() { bench scalar --db "$DB" --sql "$1"; }
ROWS=$(q "SELECT COUNT(*) FROM notice_deliveries WHERE broadcast_id = '$BROADCAST'")
DISTINCT=$(q "SELECT COUNT(DISTINCT resident_id) FROM notice_deliveries WHERE broadcast_id = '$BROADCAST'")
VERSIONS=$(q "SELECT group_concat(language || ':' || length(sms_text), ' ') FROM broadcast_versions WHERE broadcast_id = '$BROADCAST'")
EXPANDER_LINE=$(grep -m1 -o "run [0-9]*: [0-9]* delivery rows written in [0-9]* ms" "$TMP/gateway.log" || echo "")
EXPANDER_ROWS=$(sed -n 's/.*: \([0-9]*\) delivery rows.*/\1/p' <<<"$EXPANDER_LINE")
EXPANDER_MS=$(sed -n 's/.* written in \([0-9]*\) ms/\1/p' <<<"$EXPANDER_LINE")
ROWS_PER_S=$(awk -v r="$ROWS" -v s="$EXPAND_DB_S" 'BEGIN { printf "%.0f", (s > 0 ? r / s : 0) }')
EXPAND_GW_CORES=$(cores "$C0" "$C1" "$T0" "$T1")
EXPAND_ALL_CORES=$(cores "$M0" "$M1" "$T0" "$T1")
log "bench-broadcast: expanded: $ROWS rows, $EXPAND_DB_S s from approval (database clock), ${EXPAND_WALL_S} s seen by the poller"

# --- sending ----------------------------------------------------------------------------------------------
log "bench-broadcast: letting it send for ${SEND_SECONDS}s at a limit of $RATE/s"
SEND_FROM=$((SEEN_MS + 1000))
sleep 1
C2=$(cpu_ticks "$GW_PID"); M2=$(machine_ticks); T2=$(now_ms)
sleep "$SEND_SECONDS"
SEND_TO=$((SEND_FROM + SEND_SECONDS * 1000))
C3=$(cpu_ticks "$GW_PID"); M3=$(machine_ticks); T3=$(now_ms)
STATS=$(curl -s "http://127.0.0.1:$FAKE_PORT/stats?from=$SEND_FROM&to=$SEND_TO")
DURING=$(curl -s "http://127.0.0.1:$FAKE_PORT/stats?from=$APPROVED_MS&to=$SEEN_MS")
curl -s "http://127.0.0.1:$FAKE_PORT/series" >"$TMP/series.txt" || true
curl -s "http://127.0.0.1:$FAKE_PORT/series?ms=50" >"$TMP/series-50ms.txt" || true
PEAK_BEFORE_CANCEL_MB=$(($(status_kb "$GW_PID" VmHWM) / 1024))
SEND_GW_CORES=$(cores "$C2" "$C3" "$T2" "$T3")
SEND_ALL_CORES=$(cores "$M2" "$M3" "$T2" "$T3")
api POST "/api/broadcasts/$BROADCAST/cancel" "$CREATOR" >/dev/null
CANCELLED_AT=$(curl -s "http://127.0.0.1:$FAKE_PORT/count")
sleep 3
AFTER_CANCEL=$(( $(curl -s "http://127.0.0.1:$FAKE_PORT/count") - CANCELLED_AT ))
BY_STATUS=$(q "SELECT group_concat(status || '=' || n, ' ') FROM (SELECT status, COUNT(*) AS n FROM notice_deliveries WHERE broadcast_id = '$BROADCAST' GROUP BY status ORDER BY status)")
FINAL_STATUS=$(q "SELECT status FROM broadcasts WHERE id = '$BROADCAST'")
PEAK_RSS_MB=$(($(status_kb "$GW_PID" VmHWM) / 1024))
WARNINGS=$(grep -c 'warn:' "$TMP/gateway.log" || true)
FAILS=$(grep -c 'fail:' "$TMP/gateway.log" || true)

# --- report -----------------------------------------------------------------------------------------------
AVG=$(field "$STATS" window_avg_per_s)
AVG_SEG=$(field "$STATS" window_avg_segments_per_s)
MAX_SLIDE=$(field "$STATS" max_sliding_1s)
MAX_SLIDE_SEG=$(field "$STATS" max_sliding_1s_segments)
MAX_CAL=$(field "$STATS" max_calendar_1s)
SHARE=$(awk -v a="$AVG_SEG" -v r="$RATE" 'BEGIN { printf "%.1f", 100 * a / r }')
DURING_AVG=$(field "$DURING" window_avg_per_s)

echo
echo "== Gateway broadcast benchmark — $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "machine:   $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), kernel $(uname -r)"
echo ".NET:      SDK $(dotnet --version), $(dotnet --list-runtimes | grep -m1 AspNetCore | cut -d' ' -f1-2)"
echo "source:    $([[ -n "${BENCH_GATEWAY_DLL:-}" ]] && echo "$BENCH_GATEWAY_DLL (given)" || echo "working tree at $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD -- src 2>/dev/null || echo ' + uncommitted src changes')")${BENCH_GATEWAY_ENV:+, extra settings: $BENCH_GATEWAY_ENV}"
echo "database:  SQLite WAL on $(df -T "$TMP" | awk 'NR == 2 { print $2 }'), synchronous as configured (default FULL); load average $LOADAVG at start; nice $NICE"
echo "residents: $SEED"
echo
echo "  expansion: $ROWS delivery rows ($DISTINCT residents, expected $EXPECTED = $RESIDENTS − $OPTED_OUT opted out; opted_out_count $(field "$WAIT" opted_out_count)); versions $VERSIONS"
echo "             approval → expanded: $EXPAND_DB_S s (database clock: approved_at → the expander's last update; the run started $START_DB_S s after approval)"
echo "                                  $EXPAND_WALL_S s (wall clock: approve answered → the 100 ms poller saw expanded = 1)"
echo "             the expander's own figure: ${EXPANDER_ROWS:-?} rows in ${EXPANDER_MS:-?} ms; $ROWS_PER_S rows/s from approval"
echo "             CPU while expanding: gateway $EXPAND_GW_CORES cores, whole machine $EXPAND_ALL_CORES cores; RSS before $RSS_BEFORE_MB MB, after $RSS_EXPANDED_MB MB"
echo "             sent meanwhile: $(field "$DURING" window_count) messages, $DURING_AVG/s"
echo "  sending:   limit $RATE/s; over ${SEND_SECONDS} s after expansion: $(field "$STATS" window_count) messages, $AVG/s ($AVG_SEG segments/s) = $SHARE% of the limit"
echo "             most in any sliding 1 s window (whole run): $MAX_SLIDE messages / $MAX_SLIDE_SEG segments; most in a calendar second: $MAX_CAL"
echo "             CPU while sending: gateway $SEND_GW_CORES cores, whole machine $SEND_ALL_CORES cores"
echo "  cancel:    broadcast $FINAL_STATUS; rows $BY_STATUS; $AFTER_CANCEL sends reached the fake in the 3 s after the cancel answered"
echo "  memory:    gateway peak RSS (VmHWM, whole run) $PEAK_RSS_MB MB; $PEAK_BEFORE_CANCEL_MB MB before the cancel (which updates every queued row in one transaction)"
echo "  log:       $WARNINGS warnings, $FAILS failures"
echo
printf '  %-46s %-12s %-14s %s\n' "" "target" "measured" ""
printf '  %-46s %-12s %-14s %s\n' "approval → every delivery row persisted" "≤ ${TARGET_EXPAND_S} s" "$EXPAND_DB_S s" "$(verdict "$EXPAND_DB_S" $TARGET_EXPAND_S '<=')"
printf '  %-46s %-12s %-14s %s\n' "peak memory (VmHWM)" "≤ ${TARGET_RSS_MB} MB" "$PEAK_RSS_MB MB" "$(verdict "$PEAK_RSS_MB" $TARGET_RSS_MB '<=')"
printf '  %-46s %-12s %-14s %s\n' "steady send rate / limit" "≥ 98%" "$SHARE%" "$(verdict "$SHARE" 98 '>=')"
printf '  %-46s %-12s %-14s %s\n' "most in any 1 s window (segments)" "≤ $RATE" "$MAX_SLIDE_SEG" "$(verdict "$MAX_SLIDE_SEG" "$RATE" '<=')"

broken=0
((ROWS == EXPECTED && DISTINCT == ROWS)) || { echo "  ROW CHECK FAILED: $ROWS rows for $EXPECTED residents"; broken=1; }
((FAILS == 0)) || { grep -m5 'fail:' -A3 "$TMP/gateway.log" >&2; broken=1; }
exit $broken
