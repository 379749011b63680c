-- Begin (or resume) sending a notice taken from the stream: queued or
-- sending becomes sending, with its start time kept from the first run.
-- Run by the worker. A canceled or finished notice is left as it is.
--
-- KEYS[1] the notice's record   ARGV[1] now, Unix ms
-- Returns the record, field, value… (empty when it expired).
local st = redis.call('HGET', KEYS[1], 'status')
if st == 'queued' or st == 'sending' then
  redis.call('HSET', KEYS[1], 'status', 'sending')
  redis.call('HSETNX', KEYS[1], 'started', ARGV[1])
end
return redis.call('HGETALL', KEYS[1])
