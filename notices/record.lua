-- Record how one recipient of a notice ended, right after it is known:
-- the chat joins the notice's done set and, only if it was not in it, the
-- outcome's counter goes up by one, so the counts stay exact when a
-- resumed run sends again a message that was in flight. Run by the worker
-- for every recipient.
--
-- KEYS[1] the notice's record   KEYS[2] its done set
-- KEYS[3] the day's figures (hash: delivered, blocked, notices)
-- ARGV[1] chat   ARGV[2] the counter: sent, blocked, failed or skipped
-- ARGV[3] seconds to keep the day's figures
-- Returns {1 if counted, 0 if it was already, the notice's status}: the
-- worker learns of a cancel at its next recipient.
local added = redis.call('SADD', KEYS[2], ARGV[1])
if added == 1 then
  redis.call('HINCRBY', KEYS[1], ARGV[2], 1)
  local day = nil
  if ARGV[2] == 'sent' then day = 'delivered' elseif ARGV[2] == 'blocked' then day = 'blocked' end
  if day then
    redis.call('HINCRBY', KEYS[3], day, 1)
    redis.call('EXPIRE', KEYS[3], ARGV[3])
  end
end
return {added, redis.call('HGET', KEYS[1], 'status') or ''}
