-- Claim due reminders: take up to ARGV[3] names whose due score is at most
-- ARGV[1], lowest first, that no lease holds, and lease them until
-- ARGV[2], in one atomic step. Run by reminders.Redis.Claim.
--
-- KEYS[1]  the due set: name "<chat>|<id>" scored by due time (Unix ms)
-- KEYS[2]  the leased set: the names claimed, scored by their lease's end
-- ARGV[1]  now, Unix ms
-- ARGV[2]  the end of the lease, Unix ms
-- ARGV[3]  how many to take at most
--
-- Returns the names taken. Another replica's claim, run before or after,
-- skips them until the lease ends; then they are due again where they
-- were, the longest due first.
--
-- A claim leaves the due set as it is: it holds every reminder, a million
-- or more, and a change to each name taken would cost a search of it (as
-- a lease used to be kept, by moving the name to the lease's end). The
-- leased set holds only what replicas are sending, and costs the same
-- however many reminders there are. Done and every other write take the
-- name out of it.
local now, max = tonumber(ARGV[1]), tonumber(ARGV[3])
local names
if redis.call('EXISTS', KEYS[2]) == 0 then
  names = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, max)
else
  -- A window at a time: the names leased stay at the head, skipped.
  names = {}
  local from = 0
  while #names < max do
    local window = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', from, max)
    for i = 1, #window do
      local lease = redis.call('ZSCORE', KEYS[2], window[i])
      if not lease or tonumber(lease) <= now then
        names[#names + 1] = window[i]
        if #names == max then break end
      end
    end
    if #window < max then break end
    from = from + max
  end
end
-- One ZADD per few hundred names: unpack is bounded by Lua's C stack.
local args = {}
for i = 1, #names do
  args[#args + 1] = ARGV[2]
  args[#args + 1] = names[i]
  if #args == 1000 or i == #names then
    redis.call('ZADD', KEYS[2], unpack(args))
    args = {}
  end
end
return names
