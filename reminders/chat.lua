-- Read, or delete, every reminder of one chat. Run by reminders.Redis for
-- List, SetPaused and DeleteChat.
--
-- KEYS[1]  the due set: "<chat>|<id> <record>" scored by due time (Unix ms)
-- KEYS[2]  the leased set: name "<chat>|<id>" scored by its lease's end
-- KEYS[3]  the records' bucket that holds the chat: a hash, name → record
-- ARGV[1]  the chat's names' prefix, "<chat>|"
-- ARGV[2]  'del' to delete them with their due entries and claims, '' to
--          read only
--
-- Returns name, record, name, record... A bucket holds a few hundred
-- records, so reading it whole is cheap, and it keeps the chat's ids out
-- of a second key.
local all = redis.call('HGETALL', KEYS[3])
local prefix, n = ARGV[1], #ARGV[1]
local out = {}
for i = 1, #all, 2 do
  if string.sub(all[i], 1, n) == prefix then
    out[#out + 1] = all[i]
    out[#out + 1] = all[i + 1]
  end
end
if ARGV[2] == 'del' then
  for i = 1, #out, 2 do
    redis.call('HDEL', KEYS[3], out[i])
    redis.call('ZREM', KEYS[1], out[i] .. ' ' .. out[i + 1], out[i])
    redis.call('ZREM', KEYS[2], out[i])
  end
end
return out
