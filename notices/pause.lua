-- Hold an ordinary notice that met quiet hours until they end: it goes
-- back to the scheduled set at their end (promote.lua queues it again,
-- still sending) and its stream entry is acknowledged, so no worker holds
-- it through the night. Run by the worker.
--
-- KEYS[1] the notice's record   KEYS[2] scheduled   KEYS[3] the stream
-- ARGV[1] id   ARGV[2] until, Unix ms   ARGV[3] the stream entry
-- ARGV[4] the consumer group
-- Returns the notice's status: when it is not sending (canceled
-- meanwhile) nothing is changed, and the worker finishes it.
local st = redis.call('HGET', KEYS[1], 'status')
if st ~= 'sending' then return st or '' end
redis.call('HSET', KEYS[1], 'waiting', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
redis.call('XACK', KEYS[3], ARGV[4], ARGV[3])
redis.call('XDEL', KEYS[3], ARGV[3])
return st
