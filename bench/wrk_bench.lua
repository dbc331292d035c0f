-- wrk script of the benchmark suite (bench/throughput.py).
-- Arguments after "--": [body file] [header file]. With a body file every request is a POST of
-- that file (a callback request captured from the browser); without, a GET of the URL's path.
-- The header file holds "Name: value" lines sent with every request.
-- done() prints one machine-readable line: "WRKJSON {...}" (latencies in microseconds).

local body = nil
local headers = {}

function init(args)
  if args[1] and args[1] ~= "" then
    local f = assert(io.open(args[1], "rb"))
    body = f:read("*a")
    f:close()
  end
  if args[2] and args[2] ~= "" then
    for line in io.lines(args[2]) do
      local name, value = line:match("^([^:]+):%s*(.*)$")
      if name then
        headers[name] = value
      end
    end
  end
end

local req = nil

function request()
  if req == nil then
    if body then
      req = wrk.format("POST", nil, headers, body)
    else
      req = wrk.format("GET", nil, headers, nil)
    end
  end
  return req
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,' ..
    '"mean_us":%.1f,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max))
end
