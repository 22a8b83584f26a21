-- wrk script for tests/bench.sh: replays pre-generated, pre-signed Twilio webhooks.
--   BENCH_DATA=PREFIX BENCH_THREADS=K BENCH_RUN=NAME [BENCH_STATE=FILE] wrk -t K ... -s webhooks.lua URL
-- Thread k (1-based) reads PREFIX.(k-1) (one "signature TAB token TAB body" line per request) and builds
-- every raw request in init, so request() only hands out a prepared string: wrk stays cheap and nothing is
-- signed during the run. BENCH_STATE (optional) keeps each thread's position across wrk runs, so a warm-up and
-- the measured run never send the same MessageSid twice; "wrapped" in the summary says a file ran out and
-- requests started repeating (duplicates: answered 200, stored once).
local threads = {}
local next_id = 1

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local function read_state(file, id)
  if file == nil or file == "" then return 0 end
  local f = io.open(file, "r")
  if f == nil then return 0 end
  for line in f:lines() do
    local k, v = line:match("^(%d+) (%d+)$")
    if tonumber(k) == id then f:close(); return tonumber(v) end
  end
  f:close()
  return 0
end

function init(args)
  local prefix, state = os.getenv("BENCH_DATA"), os.getenv("BENCH_STATE")
  local started = os.clock()
  local f = assert(io.open(prefix .. "." .. (id - 1), "rb"))
  local data = f:read("*a")
  f:close()
  local host = wrk.headers["Host"] or (wrk.host .. ":" .. wrk.port)
  local head = "POST " .. wrk.path .. " HTTP/1.1\r\nHost: " .. host ..
    "\r\nUser-Agent: TwilioProxy/1.1\r\nAccept: */*\r\nContent-Type: application/x-www-form-urlencoded\r\nX-Twilio-Signature: "
  reqs = {}
  local n, pos = 0, 1
  while true do
    local nl = data:find("\n", pos, true)
    if nl == nil then break end
    local t1 = data:find("\t", pos, true)
    local t2 = data:find("\t", t1 + 1, true)
    local body = data:sub(t2 + 1, nl - 1)
    n = n + 1
    reqs[n] = head .. data:sub(pos, t1 - 1) .. "\r\nI-Twilio-Idempotency-Token: " .. data:sub(t1 + 1, t2 - 1) ..
      "\r\nContent-Length: " .. #body .. "\r\n\r\n" .. body
    pos = nl + 1
  end
  data = nil
  count = n
  start = read_state(state, id)
  i = start
  sent = 0
  wrapped = 0
  init_seconds = os.clock() - started
  -- wrk starts each thread as soon as its init returns and starts its clock only after the last one: the
  -- last thread to load says so in a file, and the others wait for it before their first request, so no
  -- request is sent (and counted) before the measured window.
  ready_file = prefix .. ".ready." .. (os.getenv("BENCH_RUN") or "")
  if id == tonumber(os.getenv("BENCH_THREADS") or "1") then
    local r = assert(io.open(ready_file, "w")); r:close()
    ready = true
  end
end

local function wait_ready()
  for _ = 1, 6000 do -- 60 s at most
    local r = io.open(ready_file, "r")
    if r ~= nil then r:close(); ready = true; return end
    os.execute("sleep 0.01")
  end
  ready = true
end

function request()
  if not ready then
    -- wrk calls request() once on thread 1 during start-up to check the request parses: answer that
    -- without waiting (the other threads are not loaded yet) and without using up a webhook.
    if id == 1 and not verified then verified = true; return reqs[(i % count) + 1] end
    wait_ready()
  end
  if i >= count then i = 0; wrapped = wrapped + 1 end
  i = i + 1
  sent = sent + 1
  return reqs[i]
end

function done(summary, latency, requests)
  local sent_total, wraps, init_max = 0, 0, 0
  local lines = {}
  for _, t in ipairs(threads) do
    sent_total = sent_total + t:get("sent")
    wraps = wraps + t:get("wrapped")
    init_max = math.max(init_max, t:get("init_seconds"))
    table.insert(lines, t:get("id") .. " " .. t:get("i"))
  end
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f max_ms=%.2f " ..
    "non2xx=%d connect_err=%d read_err=%d write_err=%d timeouts=%d sent=%d wrapped=%d init_s=%.2f\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.status, e.connect, e.read, e.write, e.timeout, sent_total, wraps, init_max))
  local state = os.getenv("BENCH_STATE")
  if state ~= nil and state ~= "" then
    local f = assert(io.open(state, "w"))
    f:write(table.concat(lines, "\n") .. "\n")
    f:close()
  end
end
