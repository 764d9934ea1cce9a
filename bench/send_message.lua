-- wrk script: POST a message to the channel named by the environment, with the bearer token.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = os.getenv("SD_TOKEN")
wrk.path = "/api/v10/channels/" .. os.getenv("SD_CHANNEL") .. "/messages"
wrk.body = '{"content": "benchmark message"}'

done = function(summary, latency, requests)
  io.write(string.format('{"requests": %d, "non_200": %d, "seconds": %.3f, "per_second": %.1f, "p50_ms": %.2f, "p99_ms": %.2f}\n',
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
