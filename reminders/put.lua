-- Change reminders of one chat: their records and their due entries, all
-- of them or none, in one atomic step. Run by reminders.Redis for every
-- write but DeleteChat.
--
-- KEYS[1]  the due set: "<chat>|<id> <record>" scored by due time (Unix ms)
-- KEYS[2]  the leased set: name "<chat>|<id>" scored by its lease's end
-- KEYS[3]  the records' bucket that holds the chat: a hash, name → record
-- ARGV     four per reminder:
--          name
--          the record expected: '*' for any, '' for none (compare and set:
--          a claim's Done must not undo a renewal, a snooze, a pause or a
--          deletion that came after the claim)
--          the new record, '' to delete it
--          the new due score, '' to take it out of the due set
--
-- A due entry carries the record, so it changes with it: the entry of the
-- record before goes (and the bare name a due entry was in the layout
-- before), the new one comes. Every change ends the reminder's claim, if
-- it has one: sent, renewed, snoozed, paused or deleted, the claim is over
-- (a holder's Renew then finds it gone, and does not send it).
--
-- Returns 1, or 0 without writing when a record is not the one expected.
for i = 1, #ARGV, 4 do
  local want = ARGV[i + 1]
  if want ~= '*' then
    local got = redis.call('HGET', KEYS[3], ARGV[i]) or ''
    if got ~= want then return 0 end
  end
end
for i = 1, #ARGV, 4 do
  local name, rec, due = ARGV[i], ARGV[i + 2], ARGV[i + 3]
  local old = redis.call('HGET', KEYS[3], name)
  if old then
    redis.call('ZREM', KEYS[1], name .. ' ' .. old)
  end
  redis.call('ZREM', KEYS[1], name)
  redis.call('ZREM', KEYS[2], name)
  if rec == '' then
    redis.call('HDEL', KEYS[3], name)
  else
    redis.call('HSET', KEYS[3], name, rec)
    if due ~= '' then
      redis.call('ZADD', KEYS[1], due, name .. ' ' .. rec)
    end
  end
end
return 1
