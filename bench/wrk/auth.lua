-- Closed-loop login and refresh load for wrk (bench/run.sh). Each thread takes its own share of
-- the lines of a file:
--   wrk -s bench/wrk/auth.lua URL/api/auth/login   -- login   <users file: emails> <threads> <password> [protocol]
--   wrk -s bench/wrk/auth.lua URL/api/auth/refresh -- refresh <tokens file: one per session> <threads> - [protocol]
-- protocol: "gatehouse" (default: JSON bodies, docs/api.md "POST /api/auth/refresh") or "oidc"
-- (the peer's token endpoint: form bodies, grant_type password / refresh_token, public client "bench").
-- login: a thread cycles through its users, so no two connections sign one user in at once (a
-- login locks its user row). refresh: one session per connection, each always refreshed with its
-- newest token; the thread's pool holds one token per connection, a response puts the successor
-- back and the connection's next request takes one out (wrk calls response() before request()).
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

local function form_encode(s)
  return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
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
  oidc = args[5] == "oidc"
  turn = 0
  -- wrk calls request() once on thread 0 to check the request, and throws that one away.
  checked = id ~= 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = oidc and "application/x-www-form-urlencoded" or "application/json"
end

local function login_body(user)
  if oidc then
    return "grant_type=password&client_id=bench&scope=openid&username=" .. form_encode(user)
      .. "&password=" .. form_encode(password)
  end
  return '{"email":"' .. user .. '","password":"' .. password .. '"}'
end

local function refresh_body(token)
  if oidc then return "grant_type=refresh_token&client_id=bench&refresh_token=" .. token end
  return '{"refreshToken":"' .. token .. '"}'
end

function request()
  if mode == "login" then
    turn = turn % #lines + 1
    return wrk.format(nil, nil, nil, login_body(lines[turn]))
  end
  if not checked then
    checked = true
    return wrk.format(nil, nil, nil, refresh_body("check"))
  end
  -- An empty pool only after an error lost a token: the request then fails and counts as one.
  return wrk.format(nil, nil, nil, refresh_body(table.remove(lines) or "lost"))
end

function response(status, headers, body)
  if mode == "refresh" then
    local token
    if oidc then token = body:match('"refresh_token":"([^"]+)"')
    else token = body:match('"refreshToken":"(gatehouse_rt_[%w_%-]+)"') end
    if token then lines[#lines + 1] = token end
  end
end
