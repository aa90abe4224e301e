-- wrk's done() callback for bench/mixed.py: one line of figures from the
-- latency histogram that `wrk --latency` prints (microseconds), so the
-- count over one second is counted, not guessed from four percentiles.
--
-- wrk 4.1 corrects that histogram for coordinated omission before done()
-- sees it: a reply slower than twice the mean interval between requests on
-- one connection also adds the replies that requests sent on time would
-- have got (its latency minus one interval, minus two, ...). So the
-- histogram can hold more samples than wrk completed requests; both are
-- printed, and "over_1s" counts samples.
--
-- Lua sees neither the histogram's size nor its buckets cheaply (latency(i)
-- rescans it for every i), but latency:percentile(p) is the value at rank
-- round(p / 100 * size + 0.5), so the rank where the value first exceeds a
-- limit sits at p = 100 * rank / size, found by bisection on p.

local function first_beyond(latency, limit)
  -- The smallest p whose percentile is above `limit` (0 means past the end).
  local low, high = 0, 100
  for _ = 1, 60 do
    local middle = (low + high) / 2
    local value = latency:percentile(middle)
    if value == 0 or value > limit then high = middle else low = middle end
  end
  return high
end

done = function(summary, latency, requests)
  local size, over = 0, 0
  if summary.requests > 0 and latency.max > 0 then
    local fastest, at_fastest = latency(1)
    if latency.max == fastest then
      size = at_fastest
    else
      -- Samples at the fastest value make up the first at_fastest ranks.
      size = math.floor(100 * at_fastest / first_beyond(latency, fastest) + 0.5)
    end
    if fastest > 1000000 then
      over = size
    elseif latency.max > 1000000 then
      over = size - math.floor(first_beyond(latency, 1000000) * size / 100 + 0.5)
    end
  end
  io.write(string.format(
    "bench-latency completed=%d samples=%d over_1s=%d p50_us=%d p99_us=%d max_us=%d "
      .. "status_errors=%d socket_errors=%d\n",
    summary.requests, size, over, latency:percentile(50), latency:percentile(99), latency.max,
    summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
