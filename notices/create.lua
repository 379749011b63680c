-- Store a new notice and queue it: on the stream when it is due now, in
-- the sorted set of scheduled notices otherwise. Run by Store.Create.
--
-- KEYS[1] the notice's record (hash)   KEYS[2] recent (sorted set)
-- KEYS[3] scheduled (sorted set)       KEYS[4] the jobs' stream
-- ARGV[1] the notice (JSON)  ARGV[2] 'scheduled' or 'queued'
-- ARGV[3] due, Unix ms       ARGV[4] created, Unix ms
-- ARGV[5] id                 ARGV[6] the preview's total
-- ARGV[7] recent notices older than this (Unix ms) are forgotten
-- ARGV[8] the retention, seconds
-- KEYS[5] the notice's key (Notice.Key), when it has one: a notice
--         already created under it is returned, and nothing stored
--
-- Returns the id of the notice: ARGV[5], or the one created before under
-- the same key.
if KEYS[5] then
  local before = redis.call('GET', KEYS[5])
  if before then return before end
  redis.call('SET', KEYS[5], ARGV[5], 'EX', ARGV[8])
end
redis.call('HSET', KEYS[1], 'n', ARGV[1], 'status', ARGV[2], 'total', ARGV[6],
  'sent', 0, 'blocked', 0, 'failed', 0, 'skipped', 0)
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[7])
if ARGV[2] == 'scheduled' then
  redis.call('ZADD', KEYS[3], ARGV[3], ARGV[5])
else
  redis.call('XADD', KEYS[4], '*', 'id', ARGV[5])
end
return ARGV[5]
