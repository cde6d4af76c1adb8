-- wrk script for bench/run.sh: POST /api/heartbeat with the key of a random registered agent per request.
--   wrk -t2 -c64 -d20s --latency -s bench/heartbeat.lua http://127.0.0.1:PORT/api/heartbeat -- AGENTS
-- Agents are 'bench-key-1' .. 'bench-key-AGENTS' (registered by run.sh). The requests are formatted once per
-- thread in init() so that the load generator spends as little CPU as possible on the shared 2 cores.

local body = '{"status":"ok","agent_version":"1.0.0","uptime_seconds":60,"messages_handled":1,'
  .. '"failed_runs":0,"queue_depth":0,"latency_p50_ms":12,"latency_p95_ms":40}'

local requests = {}
local count = 0
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

function init(args)
  count = tonumber(args[1]) or 1000
  math.randomseed(os.time() * 100 + (id or 0)) -- a different sequence per thread
  for i = 1, count do
    requests[i] = wrk.format("POST", nil, {
      ["Content-Type"] = "application/json",
      ["X-Agent-Key"] = "bench-key-" .. i,
    }, body)
  end
end

function request()
  return requests[math.random(count)]
end

-- One machine-readable line for run.sh (latencies in microseconds).
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d connect_err=%d read_err=%d write_err=%d timeout_err=%d non2xx=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.timeout, e.status))
end
