-- The scale cells' load for wrk (bench/run.sh --scale): every request carries another session's
-- token, round-robin over the first N sessions of a token file ("<sessionId> <token>" a line, as
-- bench/ScaleSessions.java writes them); each wrk thread takes its own share of those sessions.
--   wrk -s bench/wrk/scale.lua URL/api/users/me      -- me      <access file>  <N> <threads>
--   wrk -s bench/wrk/scale.lua URL/api/auth/refresh  -- refresh <refresh file> <N> <threads> <dump file>
-- me: GET with "Authorization: Bearer <access token>", the thread's sessions in turn.
-- refresh: each session always sends its newest refresh token. A thread's sessions wait in a FIFO
-- queue; a request takes the first one out, and its answer (which names the session: sessionId)
-- stores the successor and puts the session back at the end. So with 32 connections over N
-- sessions each session is refreshed once per N requests, never twice at once. At the end done()
-- writes every session's newest token to the dump file, with 1 for the sessions whose request was
-- still in flight when wrk stopped (their answer, and so maybe their successor, was never read:
-- bench/ScaleSessions.java settle sends those once more within the reuse grace).
local threads = {}
function setup(thread)
  thread:set("id", #threads)
  threads[#threads + 1] = thread
end

function init(args)
  mode = args[1]
  local n, nthreads = tonumber(args[3]), tonumber(args[4])
  dump = args[5]
  sids, tok = {}, {}
  local i = 0
  for line in io.lines(args[2]) do
    if i >= n then break end
    if i % nthreads == id then
      local sid, token = line:match("^(%S+) (%S+)$")
      sids[#sids + 1] = sid
      tok[sid] = token
    end
    i = i + 1
  end
  if mode == "me" then
    response = nil -- wrk then skips reading the answers' bodies (asked on thread 0, after init)
    turn = 0
    return
  end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  queue, head, tail = {}, 1, 0
  for _, sid in ipairs(sids) do tail = tail + 1; queue[tail] = sid end
  inflight = {}
  -- wrk calls request() once on thread 0 to check the request, and throws that one away.
  checked = id ~= 0
end

function request()
  if mode == "me" then
    turn = turn % #sids + 1
    return wrk.format(nil, nil, {Authorization = "Bearer " .. tok[sids[turn]]})
  end
  if not checked then
    checked = true
    return wrk.format(nil, nil, nil, '{"refreshToken":"check"}')
  end
  -- An empty queue only when fewer sessions than connections, or after errors lost sessions: the
  -- request then fails and counts as an error.
  if head > tail then return wrk.format(nil, nil, nil, '{"refreshToken":"lost"}') end
  local sid = queue[head]
  queue[head] = nil
  head = head + 1
  inflight[sid] = true
  return wrk.format(nil, nil, nil, '{"refreshToken":"' .. tok[sid] .. '"}')
end

function response(status, headers, body)
  local sid = body:match('"sessionId":"([%x%-]+)"')
  local token = body:match('"refreshToken":"(gatehouse_rt_[%w_%-]+)"')
  if sid and token and inflight[sid] then
    inflight[sid] = nil
    tok[sid] = token
    tail = tail + 1
    queue[tail] = sid
  end
end

function done(summary, latency, requests)
  local path = threads[1]:get("dump")
  if not path then return end
  local out = assert(io.open(path, "w"))
  for _, thread in ipairs(threads) do
    local tokens, flying = thread:get("tok"), thread:get("inflight")
    for sid, token in pairs(tokens) do
      out:write(sid, " ", token, " ", flying[sid] and "1" or "0", "\n")
    end
  end
  out:close()
end
