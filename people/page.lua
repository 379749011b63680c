-- One batch of an audience: the next chats of a sorted set in a range of
-- its members (by their bytes), less those who stopped ordinary notices
-- unless the notice is urgent.
--
-- KEYS[1] the sorted set (all, or a village's), KEYS[2] off
-- ARGV[1] min, ARGV[2] max (ZRANGE BYLEX bounds), ARGV[3] batch size,
-- ARGV[4] "1" when urgent
-- Returns {cursor, chat...}: cursor is the last member read, from which
-- the next batch starts after, or "" when the range is done.
local n = tonumber(ARGV[3])
local got = redis.call('ZRANGE', KEYS[1], ARGV[1], ARGV[2], 'BYLEX', 'LIMIT', 0, n)
local out = {''}
if #got == n then out[1] = got[n] end
for _, chat in ipairs(got) do
  if ARGV[4] == '1' or redis.call('SISMEMBER', KEYS[2], chat) == 0 then
    out[#out + 1] = chat
  end
end
return out
