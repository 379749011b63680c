-- End a notice's job: done (unless it was canceled meanwhile) or
-- canceled, its total made exact, its record and done set kept for the
-- retention only, and its stream entry acknowledged and deleted. Run by
-- the worker.
--
-- KEYS[1] the notice's record   KEYS[2] its done set
-- KEYS[3] the jobs' stream      KEYS[4] the day's figures
-- ARGV[1] 'done' or 'canceled'  ARGV[2] now, Unix ms
-- ARGV[3] the stream entry      ARGV[4] the consumer group
-- ARGV[5] seconds to keep the record, the done set and the figures
-- Returns the status it ended with, '' when the record expired.
local st = redis.call('HGET', KEYS[1], 'status')
if st then
  if st == 'sending' or st == 'queued' then st = ARGV[1] end
  local first = redis.call('HSETNX', KEYS[1], 'finished', ARGV[2])
  local c = redis.call('HMGET', KEYS[1], 'sent', 'blocked', 'failed', 'skipped')
  local total = 0
  for _, v in ipairs(c) do total = total + tonumber(v or '0') end
  redis.call('HSET', KEYS[1], 'status', st, 'total', total)
  redis.call('HDEL', KEYS[1], 'waiting')
  redis.call('EXPIRE', KEYS[1], ARGV[5])
  redis.call('EXPIRE', KEYS[2], ARGV[5])
  if st == 'done' and first == 1 then
    redis.call('HINCRBY', KEYS[4], 'notices', 1)
    redis.call('EXPIRE', KEYS[4], ARGV[5])
  end
end
redis.call('XACK', KEYS[3], ARGV[4], ARGV[3])
redis.call('XDEL', KEYS[3], ARGV[3])
return st or ''
