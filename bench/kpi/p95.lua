-- wrk: print latency percentiles in microseconds as one line for bench/kpi.sh
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d errors=%d p50=%d p95=%d p99=%d mean=%.0f\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.mean))
end
