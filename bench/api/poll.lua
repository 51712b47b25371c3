-- wrk script for the target-state polling benchmark (see bench/api/run.sh).
--
-- Usage: wrk -t THREADS ... -s poll.lua URL -- DEVICES_FILE MODE THREADS
--   DEVICES_FILE  lines of "UUID DEVICE_KEY ETAG", as setup.py writes them
--   MODE          "conditional": every request sends If-None-Match with the device's ETag, so the
--                 server responds 304 while the state is unchanged; "full": no If-None-Match, so
--                 the server responds 200 with the whole state
--   THREADS       the same number as wrk's -t, to spread the threads' starting places
--
-- Each request is GET /device/v1/UUID/state with the device's own key. The requests rotate over
-- all devices; each wrk thread starts at a different place in the list. They are formatted once,
-- in init(), so that the client does little work per request.
--
-- When the environment variable POLL_DELAY_MS is set, each connection waits that many milliseconds
-- after a response before it sends its next request, as a device waits between polls. wrk then
-- no longer runs flat out, and the rate is about connections / (delay + latency). delay() is
-- defined only then, so that the flat-out modes run without wrk's timer between requests.
--
-- done() prints one line that run.sh parses:
--   RESULT requests=N seconds=S rps=R p50_ms=.. p90_ms=.. p99_ms=.. p999_ms=.. max_ms=..
--          status_200=N status_304=N status_other=N errors=N
-- The status counts come from response(); errors add up wrk's connect, read, write and timeout
-- errors.

local poll_delay_ms = tonumber(os.getenv("POLL_DELAY_MS") or "0")
if poll_delay_ms > 0 then
  function delay()
    return poll_delay_ms
  end
end

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local requests = {}
local position = 1
status_200 = 0
status_304 = 0
status_other = 0

function init(args)
  local path, mode, thread_count = args[1], args[2], tonumber(args[3] or "1")
  if mode ~= "conditional" and mode ~= "full" then
    error("mode must be 'conditional' or 'full', was '" .. tostring(mode) .. "'")
  end
  for line in io.lines(path) do
    local uuid, key, etag = line:match("^(%S+) (%S+) (%S+)$")
    if uuid then
      local headers = { ["Authorization"] = "Bearer " .. key }
      if mode == "conditional" then
        headers["If-None-Match"] = etag
      end
      table.insert(requests, wrk.format("GET", "/device/v1/" .. uuid .. "/state", headers))
    end
  end
  if #requests == 0 then
    error("no devices in " .. path)
  end
  position = math.floor(id * #requests / thread_count) % #requests + 1
end

function request()
  local formatted = requests[position]
  position = position % #requests + 1
  return formatted
end

function response(status, headers, body)
  if status == 304 then
    status_304 = status_304 + 1
  elseif status == 200 then
    status_200 = status_200 + 1
  else
    status_other = status_other + 1
  end
end

function done(summary, latency, _)
  local counts = { status_200 = 0, status_304 = 0, status_other = 0 }
  for _, thread in ipairs(threads) do
    for name, _ in pairs(counts) do
      counts[name] = counts[name] + thread:get(name)
    end
  end
  local errors = summary.errors
  local seconds = summary.duration / 1e6
  local function ms(microseconds)
    return string.format("%.3f", microseconds / 1000)
  end
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f rps=%.1f p50_ms=%s p90_ms=%s p99_ms=%s p999_ms=%s"
      .. " max_ms=%s status_200=%d status_304=%d status_other=%d errors=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    ms(latency:percentile(50)), ms(latency:percentile(90)), ms(latency:percentile(99)),
    ms(latency:percentile(99.9)), ms(latency.max),
    counts.status_200, counts.status_304, counts.status_other,
    errors.connect + errors.read + errors.write + errors.timeout))
end
