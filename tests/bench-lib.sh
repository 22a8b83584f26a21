# Shared by tests/bench.sh and tests/bench-broadcast.sh (sourced: functions only). The caller defines die().

# A free TCP port on 127.0.0.1.
free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((20000 + RANDOM % 20000))
    (echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
  die "no free port"
}

# wait_for_gateway WRAPPER_PID BASE_URL LOG_FILE: sets GW_PID to the dotnet process started under the wrapper
# (timeout …) and waits until GET /health answers 200; dies with the log's tail if it exits or never answers.
wait_for_gateway() {
  local wrapper=$1 base=$2 logfile=$3 code i
  GW_PID=""
  for _ in $(seq 1 100); do
    GW_PID=$(pgrep -P "$wrapper" -x dotnet || true)
    [[ -n "$GW_PID" ]] && break
    sleep 0.1
  done
  [[ -n "$GW_PID" ]] || die "gateway did not start"
  for i in $(seq 1 120); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "$base/health" || true)
    [[ "$code" == 200 ]] && return 0
    kill -0 "$GW_PID" 2>/dev/null || { tail -30 "$logfile" >&2; die "gateway exited during start-up"; }
    ((i == 120)) && { tail -30 "$logfile" >&2; die "GET /health never answered 200"; }
    sleep 0.5
  done
}

cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }          # user + system of one process
machine_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }          # busy time of all cores
status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"; }               # VmRSS, VmHWM, …
verdict() { awk -v v="$1" -v t="$2" -v op="$3" 'BEGIN { ok = (op == ">=") ? (v >= t) : (v <= t); print ok ? "met" : "MISSED" }'; }
