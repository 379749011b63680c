-- Delete tickets with their index entries, in one atomic step. Run by
-- tickets.Redis for DeleteChat (/xoadulieu) and Purge (retention). The
-- figures are not touched.
--
-- KEYS[1]   open tickets (sorted set)
-- KEYS[2]   claimed tickets (sorted set)
-- KEYS[3]   closed tickets (sorted set)
-- KEYS[4]   the re-post queue (sorted set)
-- KEYS[5]   the staff queue (sorted set)
-- KEYS[6]   tickets under way: chat → id
-- KEYS[7]   posts: post → id
-- KEYS[8], KEYS[9], ...  for each ticket: the ticket (hash) and its
--           chat's tickets (set)
-- ARGV[1]   '' to delete each whatever its state; or a time (Unix ms):
--           delete only the closed ones that closed at or before it
-- ARGV[2..] the tickets' ids, one per pair of keys
--
-- Returns how many tickets it deleted. An id whose ticket is missing
-- leaves the indexes too, so that no index names a deleted ticket.
local cut = ARGV[1]
local removed = 0
for i = 2, #ARGV do
  local id = ARGV[i]
  local tkey, ckey = KEYS[8 + 2 * (i - 2)], KEYS[9 + 2 * (i - 2)]
  local f = redis.call('HMGET', tkey, 'st', 'cd', 'chat', 'posts')
  local st, cd, chat, posts = f[1], f[2], f[3], f[4]
  local go = not st or cut == '' or (st == 'closed' and tonumber(cd) <= tonumber(cut))
  if go then
    for k = 1, 5 do redis.call('ZREM', KEYS[k], id) end
    redis.call('SREM', ckey, id)
    if st then
      if redis.call('HGET', KEYS[6], chat) == id then
        redis.call('HDEL', KEYS[6], chat)
      end
      for post in string.gmatch(posts or '', '%S+') do
        if redis.call('HGET', KEYS[7], post) == id then
          redis.call('HDEL', KEYS[7], post)
        end
      end
      redis.call('DEL', tkey)
      removed = removed + 1
    end
  end
end
return removed
