-- Reserve the next free instant of one bot's sending schedule, shared by
-- every replica (the generic cell rate algorithm). Run by RedisPacer.Reserve.
--
-- KEYS[1]  the next free instant, in µs since the epoch
-- KEYS[2]  the end of a pause after a rate limit, in µs (may be missing)
-- ARGV[1]  now, in µs
-- ARGV[2]  the interval between two sends, in µs
--
-- Returns how long the caller waits, in µs. The instant is taken: the
-- next caller gets the one after.
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local nextFree = tonumber(redis.call('GET', KEYS[1]) or '0')
local pausedUntil = tonumber(redis.call('GET', KEYS[2]) or '0')
local at = math.max(nextFree, now, pausedUntil)
-- Keep the key a little longer than the schedule it holds.
local ttl = math.floor((at - now + interval) / 1000) + 60000
redis.call('SET', KEYS[1], string.format('%d', at + interval), 'PX', ttl)
return at - now
