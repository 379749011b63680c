-- Cancel a notice. Run by Store.Cancel.
--
-- KEYS[1] the notice's record   KEYS[2] scheduled   KEYS[3] the stream
-- KEYS[4] its done set
-- ARGV[1] id   ARGV[2] now, Unix ms   ARGV[3] seconds to keep it
-- Returns 1 when canceled, 0 when it had finished, -1 when there is no
-- such notice.
--
-- A notice that never started is finished here. One that started is left
-- for a worker to finish, with a final report: a running worker sees the
-- status at its next recipient; one paused for quiet hours is put on the
-- stream at once for a worker to take.
local st = redis.call('HGET', KEYS[1], 'status')
if not st then return -1 end
if st == 'done' or st == 'canceled' then return 0 end
redis.call('HSET', KEYS[1], 'status', 'canceled')
local waiting = redis.call('ZREM', KEYS[2], ARGV[1])
if redis.call('HEXISTS', KEYS[1], 'started') == 0 then
  redis.call('HSET', KEYS[1], 'finished', ARGV[2])
  redis.call('EXPIRE', KEYS[1], ARGV[3])
  redis.call('EXPIRE', KEYS[4], ARGV[3])
elseif waiting == 1 then
  redis.call('XADD', KEYS[3], '*', 'id', ARGV[1])
end
return 1
