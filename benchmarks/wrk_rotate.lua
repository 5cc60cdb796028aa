-- wrk script: rotate through prepared requests listed in <dir>/index.tsv
-- (method, path, bearer token or "-", body file or "-", and optionally the body's content type and encoding;
-- without them a body is gzip JSON; an encoding of "-" sends none).
-- Thread k of T sends entries k, k+T, k+2T ... so the threads walk the list in step and never send one twice
-- until the list is used up.
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  local dir = args[1]
  stride = tonumber(args[2])
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
end

function request()
  local r = requests[(counter % #requests) + 1]
  counter = counter + stride
  return r
end
