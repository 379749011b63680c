-- Move the scheduled notices due at now to the jobs' stream, atomically,
-- so that replicas promoting at once queue each notice once. Run by
-- Store.Promote, from every worker's loop.
--
-- KEYS[1] scheduled (sorted set, id by due Unix ms)
-- KEYS[2] the jobs' stream
-- ARGV[1] now, Unix ms   ARGV[2] at most this many
-- ARGV[3] the records' key prefix ("mc:{notices}:n:"): a record's key is
--         derived here, in the slot of KEYS (one hash tag)
-- Returns how many were queued.
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local n = 0
for _, id in ipairs(ids) do
  redis.call('ZREM', KEYS[1], id)
  local rec = ARGV[3] .. id
  local st = redis.call('HGET', rec, 'status')
  if st == 'scheduled' then
    redis.call('HSET', rec, 'status', 'queued')
    redis.call('XADD', KEYS[2], '*', 'id', id)
    n = n + 1
  elseif st == 'sending' then
    -- paused for quiet hours: it goes on where it stopped
    redis.call('HDEL', rec, 'waiting')
    redis.call('XADD', KEYS[2], '*', 'id', id)
    n = n + 1
  end
  -- canceled, done or expired: nothing to send
end
return n
