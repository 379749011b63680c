-- Take the undelivered reply of an update for delivery, unless another
-- delivery holds it. Run by store.Redis.ClaimReply.
--
-- KEYS[1]  the update key: "<token>" when nothing is left to deliver,
--          "<token> <held until, ms> <reply>" while a reply is undelivered
-- ARGV[1]  how long the claimer holds the reply, in milliseconds
--
-- Returns {'none'} (nothing to deliver, or the update is not remembered),
-- {'held'} (another delivery holds it until its time) or {'ok', reply},
-- the reply now held by the caller. The key keeps its time to live.
local v = redis.call('GET', KEYS[1])
if not v then return {'none'} end
local a = string.find(v, ' ', 1, true)
if not a then return {'none'} end
local b = string.find(v, ' ', a + 1, true)
local until_ms = tonumber(string.sub(v, a + 1, b - 1))
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if until_ms > now then return {'held'} end
local reply = string.sub(v, b + 1)
redis.call('SET', KEYS[1], string.sub(v, 1, a - 1) .. ' ' .. string.format('%d', now + tonumber(ARGV[1])) .. ' ' .. reply, 'KEEPTTL')
return {'ok', reply}
