-- Claim due reminders: take up to ARGV[3] whose due score is at most
-- ARGV[1], lowest first, that no lease holds, and lease them until
-- ARGV[2], in one atomic step. Run by reminders.Redis.Claim.
--
-- KEYS[1]  the due set: "<chat>|<id> <record>" scored by due time (Unix ms)
-- KEYS[2]  the leased set: name "<chat>|<id>" scored by its lease's end
-- ARGV[1]  now, Unix ms
-- ARGV[2]  the end of the lease, Unix ms
-- ARGV[3]  how many to take at most
--
-- Returns the due entries taken, each the name and its record: what to
-- send, with no lookup of the record. Another replica's claim, run before
-- or after, skips them until the lease ends; then they are due again
-- where they were, the longest due first.
--
-- A claim leaves the due set as it is: it holds every reminder, a million
-- or more, and a change to each entry taken would cost a search of it (as
-- a lease used to be kept, by moving the entry to the lease's end). The
-- leased set holds only what replicas are sending, and costs the same
-- however many reminders there are. Done and every other write take the
-- name out of it.
local now, max = tonumber(ARGV[1]), tonumber(ARGV[3])

-- name is an entry's name: all of it in the layout before, which kept the
-- record in the buckets only.
local function name(entry)
  local space = string.find(entry, ' ', 1, true)
  if space then
    return string.sub(entry, 1, space - 1)
  end
  return entry
end

local taken
if redis.call('EXISTS', KEYS[2]) == 0 then
  taken = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, max)
else
  -- A window at a time: the entries leased stay at the head, skipped.
  taken = {}
  local from = 0
  while #taken < max do
    local window = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', from, max)
    for i = 1, #window do
      local lease = redis.call('ZSCORE', KEYS[2], name(window[i]))
      if not lease or tonumber(lease) <= now then
        taken[#taken + 1] = window[i]
        if #taken == max then break end
      end
    end
    if #window < max then break end
    from = from + max
  end
end
-- One ZADD per few hundred names: unpack is bounded by Lua's C stack.
local args = {}
for i = 1, #taken do
  args[#args + 1] = ARGV[2]
  args[#args + 1] = name(taken[i])
  if #args == 1000 or i == #taken then
    redis.call('ZADD', KEYS[2], unpack(args))
    args = {}
  end
end
return taken
