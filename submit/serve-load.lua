-- wrk's script for submit/benchmark.sh --serve (submit/benchmark/serve.sh): every request POSTs the
-- file $BODY with Content-Type $CONTENT_TYPE; the summary is one line for the benchmark to read (latencies in ms).
local file = assert(io.open(os.getenv("BODY"), "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = os.getenv("CONTENT_TYPE")

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d seconds=%.3f p50=%.3f p99=%.3f p999=%.3f errors=%d non2xx=%d\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(99) / 1e3,
    latency:percentile(99.9) / 1e3, e.connect + e.read + e.write + e.timeout, e.status))
end
