-- Renew claims: move the lease of each name still held to ARGV[1]. Run by
-- reminders.Redis.Renew while a replica sends what it claimed.
--
-- KEYS[1]  the leased set: the names claimed, scored by their lease's end
-- ARGV[1]  the new end of the lease, Unix ms
-- ARGV     then two per claim: the name, and the end of the lease its
--          holder has (Unix ms)
--
-- Returns 1 per claim renewed, 0 per claim no longer held: recorded Done,
-- changed since (each write takes a name out of the leased set), or
-- claimed again by another replica once its lease had ended (its score is
-- that replica's lease then). The score is the holder's token.
local out = {}
for i = 2, #ARGV, 2 do
  local score = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if score and tonumber(score) == tonumber(ARGV[i + 1]) then
    redis.call('ZADD', KEYS[1], ARGV[1], ARGV[i])
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
return out
