-- Closed-loop login and refresh load for wrk (bench/run.sh). Each thread takes its own share of
-- the lines of a file:
--   wrk -s bench/wrk/auth.lua URL/api/auth/login   -- login   <users file: emails> <threads> <password>
--   wrk -s bench/wrk/auth.lua URL/api/auth/refresh -- refresh <tokens file: one per session> <threads>
-- login: a thread cycles through its users, so no two connections sign one user in at once (a
-- login locks its user row). refresh: one session per connection, each always refreshed with its
-- newest token; the thread's pool holds one token per connection, a response puts the successor
-- back and the connection's next request takes one out (wrk calls response() before request()).
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  mode = args[1]
  local threads, i = tonumber(args[3]), 0
  lines = {}
  for line in io.lines(args[2]) do
    if i % threads == id then lines[#lines + 1] = line end
    i = i + 1
  end
  password = args[4]
  turn = 0
  -- wrk calls request() once on thread 0 to check the request, and throws that one away.
  checked = id ~= 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  if mode == "login" then
    turn = turn % #lines + 1
    return wrk.format(nil, nil, nil, '{"email":"' .. lines[turn] .. '","password":"' .. password .. '"}')
  end
  if not checked then
    checked = true
    return wrk.format(nil, nil, nil, '{"refreshToken":"ghr_check"}')
  end
  -- An empty pool only after an error lost a token: the request then fails and counts as one.
  local token = table.remove(lines) or "ghr_lost"
  return wrk.format(nil, nil, nil, '{"refreshToken":"' .. token .. '"}')
end

function response(status, headers, body)
  if mode == "refresh" then
    local token = body:match('"refreshToken":"(ghr_[%w_%-]+)"')
    if token then lines[#lines + 1] = token end
  end
end
