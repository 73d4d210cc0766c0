-- wrk script for make bench-field: each connection sends prepared requests (a member's token, a
-- visit to one of their households) round the list; done() prints one JSON line for the bench.
-- FIELD_REQUESTS: a file of lines "METHOD<TAB>PATH<TAB>TOKEN<TAB>BODY".

local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  requests = {}
  for line in io.lines(os.getenv("FIELD_REQUESTS")) do
    local method, path, token, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
    local headers = {["Content-Type"] = "application/json"}
    if token ~= "" then
      headers["Authorization"] = "Bearer " .. token
    end
    table.insert(requests, wrk.format(method, path, headers, body))
  end
  -- threads start at different places in the list
  index = (id * 7919) % #requests
  wrong = 0
end

function request()
  index = index % #requests + 1
  return requests[index]
end

function response(status, headers, body)
  if status ~= 201 then
    wrong = wrong + 1
    if wrong <= 3 then
      io.stderr:write("unexpected " .. status .. ": " .. body:sub(1, 300) .. "\n")
    end
  end
end

function done(summary, latency, requests)
  local wrong_total = 0
  for _, t in ipairs(threads) do
    wrong_total = wrong_total + t:get("wrong")
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d, "not_201": %d, "p50_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    wrong_total, latency:percentile(50), latency:percentile(99), latency.max))
end
