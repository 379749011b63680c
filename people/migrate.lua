-- A group's new chat id takes the old one's village.
--
-- KEYS[1] groups; ARGV[1] old chat, ARGV[2] new chat
local v = redis.call('HGET', KEYS[1], ARGV[1])
if not v then return 0 end
redis.call('HSET', KEYS[1], ARGV[2], v)
redis.call('HDEL', KEYS[1], ARGV[1])
return 1
