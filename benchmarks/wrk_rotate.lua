-- wrk script: rotate through prepared requests listed in <dir>/index.tsv
-- (method, path, bearer token or "-", body file or "-", and optionally the body's content type and encoding;
-- without them a body is gzip JSON; an encoding of "-" sends none).
-- Thread k of T sends entries k, k+T, k+2T ... so the threads walk the list in step and never send one twice
-- until the list is used up. With a third argument "once", a thread stops when its share is sent, and the time
-- from the first thread's start to the last one's stop is printed as "elapsed_us N". Answers other than 2xx are
-- counted by status ("status 409 12").
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_usec; } bench_timeval;
  int gettimeofday(bench_timeval *tv, void *tz);
]]
local function now_us()
  local tv = ffi.new("bench_timeval")
  ffi.C.gettimeofday(tv, nil)
  return tonumber(tv.tv_sec) * 1000000 + tonumber(tv.tv_usec)
end

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  local dir = args[1]
  stride = tonumber(args[2])
  once = args[3] == "once"
  requests = {}
  for line in io.lines(dir .. "/index.tsv") do
    local method, path, token, body_file, media, encoding =
      line:match("^(%S+)\t(%S+)\t(%S+)\t(%S+)\t?(%S*)\t?(%S*)$")
    local headers, body = {}, nil
    if token ~= "-" then headers["Authorization"] = "Bearer " .. token end
    if body_file ~= "-" then
      local f = assert(io.open(dir .. "/" .. body_file, "rb"))
      body = f:read("*a")
      f:close()
      headers["Content-Type"] = media ~= "" and media or "application/json"
      if encoding == "" then encoding = "gzip" end
      if encoding ~= "-" then headers["Content-Encoding"] = encoding end
    end
    table.insert(requests, wrk.format(method, path, headers, body))
  end
  counter = id
  started = now_us()
  finished = 0
  filler = wrk.format("GET", "/healthz")
  statuses = {}
end

function response(status, headers, body)
  if status >= 300 then statuses[status] = (statuses[status] or 0) + 1 end
end

function request()
  if once and counter >= #requests then
    if finished == 0 then
      finished = now_us()
      wrk.thread:stop()
    end
    return filler -- at most one per connection, if the loop sends it before it stops
  end
  local r = requests[(counter % #requests) + 1]
  counter = counter + stride
  return r
end

function done(summary, latency, requests)
  local first, last = nil, 0
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do io.write(string.format("status %d %d\n", status, count)) end
  end
  for _, thread in ipairs(threads) do
    local started, finished = thread:get("started"), thread:get("finished")
    if finished == nil or finished == 0 then return end -- a thread did not get through its share
    first = first and math.min(first, started) or started
    last = math.max(last, finished)
  end
  io.write(string.format("elapsed_us %d\n", last - first))
end
