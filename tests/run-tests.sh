#!/usr/bin/env bash
# Runs every test of the solution (command 2 of the README):
#   1. installs what the tests need (Debian rabbitmq-server and chromium) when missing;
#   2. starts RabbitMQ bound to 127.0.0.1 (or reuses one already listening on 5672);
#   3. builds the solution once;
#   4. runs `dotnet test` for every test project of Gateway.sln, one after the other;
#   5. prints "N passed, N failed, N skipped" as the very last line, summed over all projects.
# Exits non-zero on a build error or any failed test. Stops RabbitMQ only if it started it.
#
# Knobs (environment): CONFIGURATION (default Release), GATEWAY_TEST_FILTER (a dotnet test --filter
# applied to every project), GATEWAY_SKIP_DEPS=1 (do not apt-get), GATEWAY_TEST_HANG_TIMEOUT (default 15m).
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$(pwd)"
CONFIGURATION="${CONFIGURATION:-Release}"
RESULTS="$ROOT/.artifacts/test-results"
HANG_TIMEOUT="${GATEWAY_TEST_HANG_TIMEOUT:-15m}"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { echo "[run-tests] $*"; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
RABBIT_PORT=5672

# Summary printed on every exit path (build errors count as one failure so the line never says 0/0 by accident).
TOTAL_PASSED=0 TOTAL_FAILED=0 TOTAL_SKIPPED=0
STARTED_RABBIT=0 STARTED_EPMD=0
finish() {
  local code=$?
  if [ "$STARTED_RABBIT" = 1 ]; then
    log "stopping the RabbitMQ node this script started"
    rabbitmqctl stop >/dev/null 2>&1 || log "WARNING: rabbitmqctl stop failed"
    for _ in $(seq 1 30); do port_open "$RABBIT_PORT" || break; sleep 1; done
    if [ "$STARTED_EPMD" = 1 ]; then sleep 1; epmd -kill >/dev/null 2>&1 || true; fi
  fi
  echo "$TOTAL_PASSED passed, $TOTAL_FAILED failed, $TOTAL_SKIPPED skipped"
  exit "$code"
}
trap finish EXIT


# ---------------------------------------------------------------- 1. dependencies
if [ "${GATEWAY_SKIP_DEPS:-0}" != 1 ]; then
  if ! bash "$ROOT/tests/install-test-deps.sh"; then
    log "WARNING: could not install test dependencies; tests that need them fail under CI, skip otherwise"
  fi
fi

# ---------------------------------------------------------------- 2. RabbitMQ
if port_open "$RABBIT_PORT"; then
  log "RabbitMQ already listening on 127.0.0.1:$RABBIT_PORT; reusing it"
elif command -v rabbitmq-server >/dev/null 2>&1; then
  log "starting RabbitMQ bound to 127.0.0.1"
  pgrep -x epmd >/dev/null 2>&1 || STARTED_EPMD=1
  # Loopback only: AMQP listener, epmd and the Erlang distribution port.
  export ERL_EPMD_ADDRESS=127.0.0.1
  (cd /tmp && RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
     RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}" \
     rabbitmq-server -detached) || log "WARNING: rabbitmq-server -detached returned $?"
  STARTED_RABBIT=1
  ready=0
  for _ in $(seq 1 90); do
    if rabbitmqctl await_startup --timeout 5 >/dev/null 2>&1 && port_open "$RABBIT_PORT"; then ready=1; break; fi
    sleep 1
  done
  if [ "$ready" = 1 ]; then log "RabbitMQ is up"; else
    log "WARNING: RabbitMQ did not come up; see /var/log/rabbitmq/"
    tail -n 30 /var/log/rabbitmq/*.log 2>/dev/null || true
  fi
else
  log "WARNING: rabbitmq-server is not installed"
fi
if port_open "$RABBIT_PORT"; then
  export GATEWAY_TEST_RABBITMQ="${GATEWAY_TEST_RABBITMQ:-amqp://guest:guest@127.0.0.1:$RABBIT_PORT/}"
fi
if command -v rabbitmqctl >/dev/null 2>&1; then export GATEWAY_TEST_RABBITMQCTL="${GATEWAY_TEST_RABBITMQCTL:-$(command -v rabbitmqctl)}"; fi
for c in /usr/bin/chromium /usr/bin/chromium-browser; do
  if [ -x "$c" ]; then export GATEWAY_TEST_CHROMIUM="${GATEWAY_TEST_CHROMIUM:-$c}"; break; fi
done
log "GATEWAY_TEST_RABBITMQ=${GATEWAY_TEST_RABBITMQ:-<none>} GATEWAY_TEST_CHROMIUM=${GATEWAY_TEST_CHROMIUM:-<none>} CI=${CI:-}"

# ---------------------------------------------------------------- 3. build once
mkdir -p "$RESULTS"
rm -f "$RESULTS"/*.trx
log "building Gateway.sln ($CONFIGURATION)"
if ! dotnet build "$ROOT/Gateway.sln" -c "$CONFIGURATION" -nologo -v:minimal -clp:"ErrorsOnly;Summary" >"$RESULTS/build.log" 2>&1; then
  grep -E "error|Error" "$RESULTS/build.log" | sort -u | head -n 60
  tail -n 15 "$RESULTS/build.log"
  log "BUILD FAILED (counted as one failure)"
  TOTAL_FAILED=1
  exit 1
fi
log "build succeeded"

# ---------------------------------------------------------------- 4. test every test project
mapfile -t PROJECTS < <(dotnet sln "$ROOT/Gateway.sln" list 2>/dev/null | tr '\\' '/' | grep -E '\.csproj$' | sort)
TEST_PROJECTS=()
for p in "${PROJECTS[@]}"; do
  p="${p%$'\r'}"
  if [ -f "$ROOT/$p" ] && grep -q 'Microsoft.NET.Test.Sdk' "$ROOT/$p"; then TEST_PROJECTS+=("$p"); fi
done
if [ ${#TEST_PROJECTS[@]} -eq 0 ]; then
  log "no test project found in Gateway.sln"
  TOTAL_FAILED=1
  exit 1
fi

attr() { # attr NAME FILE -> value of NAME="…" on the <Counters> element
  grep -o "<Counters [^>]*>" "$2" | head -n 1 | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]\+' || echo 0
}

ANY_FAILED=0
for p in "${TEST_PROJECTS[@]}"; do
  name="$(basename "$p" .csproj)"
  trx="$RESULTS/$name.trx"
  log "testing $name"
  filter_args=()
  if [ -n "${GATEWAY_TEST_FILTER:-}" ]; then filter_args=(--filter "$GATEWAY_TEST_FILTER"); fi
  dotnet test "$ROOT/$p" -c "$CONFIGURATION" --no-build --nologo \
    --results-directory "$RESULTS" \
    --logger "trx;LogFileName=$name.trx" \
    --logger "console;verbosity=normal" \
    --blame-hang-timeout "$HANG_TIMEOUT" --blame-hang-dump-type none \
    "${filter_args[@]}"
  rc=$?
  if [ -f "$trx" ]; then
    passed=$(attr passed "$trx"); failed=$(attr failed "$trx"); notrun=$(attr notExecuted "$trx")
    # xUnit's skipped tests are counted in neither notExecuted nor executed: total - executed says how many.
    skipped=$(( $(attr total "$trx") - $(attr executed "$trx") ))
    if [ "$skipped" -gt "$notrun" ]; then notrun=$skipped; fi
    errors=$(attr error "$trx"); timeouts=$(attr timeout "$trx"); aborted=$(attr aborted "$trx")
    failed=$((failed + errors + timeouts + aborted))
    if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
      log "$name: dotnet test exited $rc with no failed test recorded (crash or hang); counted as one failure"
      failed=1
    fi
  else
    log "$name: no test results written (exit $rc); counted as one failure"
    passed=0 failed=1 notrun=0
  fi
  log "$name: $passed passed, $failed failed, $notrun skipped"
  TOTAL_PASSED=$((TOTAL_PASSED + passed))
  TOTAL_FAILED=$((TOTAL_FAILED + failed))
  TOTAL_SKIPPED=$((TOTAL_SKIPPED + notrun))
  if [ "$failed" -ne 0 ] || [ "$rc" -ne 0 ]; then ANY_FAILED=1; fi
done

if [ "$ANY_FAILED" -ne 0 ]; then exit 1; fi
if [ "$TOTAL_PASSED" -eq 0 ]; then log "no test ran"; exit 1; fi
exit 0
