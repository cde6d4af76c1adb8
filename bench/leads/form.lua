-- wrk: POST /api/leads (the lead form as JSON), a new e-mail and a new client address on every request (no rate
-- limit bucket fills up, every submission is a new lead); prints one RESULT line for bench/leads.sh (microseconds).
local counter = 0

function setup(thread)
  thread:set("prefix", string.format("%d%d", os.time() % 100000, math.random(1, 99999)))
end

function init(args)
  prefix = prefix or tostring(math.random(1, 1e9))
end

request = function()
  counter = counter + 1
  local email = "form-" .. prefix .. "-" .. counter .. "@bench.invalid"
  local body = '{"name":"Bench Formular","email":"' .. email .. '","company":"Bench GmbH","consent":true,' ..
               '"consent_text_version":"2026-11-25","source":"bench","utm_source":"bench"}'
  local client = string.format("10.%d.%d.%d", math.random(0, 255), math.floor(counter / 250) % 256, counter % 250 + 1)
  return wrk.format("POST", "/api/leads", { ["Content-Type"] = "application/json", ["X-Forwarded-For"] = client }, body)
end

done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d errors=%d rps=%.1f p50=%d p95=%d p99=%d mean=%.0f\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.requests / (summary.duration / 1e6), latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.mean))
end
