-- Claim the tickets due for a re-post and for staff, in one atomic step.
-- Run by tickets.Redis.Due.
--
-- KEYS[1]  the re-post queue: ids of open tickets not yet re-posted
-- KEYS[2]  the staff queue: ids of open tickets staff were not told of
--          Both are scored by Created (Unix ms), or by the lease a claim
--          took: lease end - after, so that an unmarked claim comes due
--          again exactly when its lease ends (for the same after: the
--          scheduler's configuration).
-- ARGV[1]  the re-post cut: now - after (Unix ms); '' to claim none
-- ARGV[2]  the score a claimed id gets: lease end - after
-- ARGV[3]  the staff cut; '' to claim none
-- ARGV[4]  the score a claimed id gets
-- ARGV[5]  how many of each to claim at most
--
-- Returns two lists of ids: those claimed from each queue. Another
-- replica's claim, before the lease ends, does not see them.
local out = {}
for k = 1, 2 do
  local ids = {}
  local cut = ARGV[2 * k - 1]
  if cut ~= '' then
    ids = redis.call('ZRANGEBYSCORE', KEYS[k], '-inf', cut, 'LIMIT', 0, ARGV[5])
    for _, id in ipairs(ids) do
      redis.call('ZADD', KEYS[k], ARGV[2 * k], id)
    end
  end
  out[k] = ids
end
return out
