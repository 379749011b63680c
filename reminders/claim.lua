-- Claim due reminders: take up to ARGV[3] names whose due score is at most
-- ARGV[1], lowest first, and move their score to ARGV[2], the end of the
-- lease, in one atomic step. Run by reminders.Redis.Claim. One key, so
-- that it runs on any Redis Cluster node that holds the due set.
--
-- KEYS[1]  the due set: name "<chat>|<id>" scored by due time (Unix ms)
-- ARGV[1]  now, Unix ms
-- ARGV[2]  the end of the lease, Unix ms
-- ARGV[3]  how many to take at most
--
-- Returns the names taken. Another replica's claim, run before or after,
-- sees them at the lease's end, not at now: nobody else takes them until
-- the lease ends.
local names = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
-- One ZADD per few hundred names: unpack is bounded by Lua's C stack.
local args = {}
for i = 1, #names do
  args[#args + 1] = ARGV[2]
  args[#args + 1] = names[i]
  if #args == 1000 or i == #names then
    redis.call('ZADD', KEYS[1], unpack(args))
    args = {}
  end
end
return names
