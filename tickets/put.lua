-- Write one ticket, compare-and-set on its version, and keep every index
-- in step with it, in one atomic step. Run by tickets.Redis for every
-- change of a ticket: Create, Claim, Release, Answered, Close, SetPost,
-- MarkNotified, MarkEscalated.
--
-- KEYS[1]   the ticket: a hash (see record.go for its fields)
-- KEYS[2]   open tickets: a sorted set of ids by Created (Unix ms)
-- KEYS[3]   claimed tickets: the same
-- KEYS[4]   closed tickets: ids by Closed (Unix ms), for the purge
-- KEYS[5]   the re-post queue: ids by Created, or by a lease Due took
-- KEYS[6]   the staff queue: the same
-- KEYS[7]   tickets under way: a hash, chat → id
-- KEYS[8]   posts: a hash, post → id
-- KEYS[9]   the chat's tickets: a set of ids
-- KEYS[10]  the figures of the day of this write's events: a sorted set
--           of events by when (Unix ms); every event of one write
--           happens at its time, so on one day
-- ARGV[1]   the ticket's id
-- ARGV[2]   the version the writer read ('0': the ticket must not exist)
-- ARGV[3]   a token unique to this write
-- ARGV[4]   'create' to refuse when the chat has a ticket under way
-- ARGV[5]   n, the number of events
-- ARGV[6 .. 5+2n]      time, member of each event
-- ARGV[6+2n ..]        field, value of every field of the ticket but v, tok
--
-- Returns 'ok', 'conflict' (the version moved) or 'active <id>' (create,
-- and the chat has ticket <id> under way); only 'ok' writes.
--
-- The token makes a re-sent script harmless: when a reply is lost the
-- client sends the same EVALSHA again, and the second run must report
-- 'ok' for the write the first one made, not 'conflict'. Events are
-- sorted-set members naming the ticket, so they count once too.
local id, want, token = ARGV[1], ARGV[2], ARGV[3]

local cur = redis.call('HGET', KEYS[1], 'v') or '0'
if cur ~= want then
  if redis.call('HGET', KEYS[1], 'tok') == token then return 'ok' end
  return 'conflict'
end

local nev = tonumber(ARGV[5])
local first = 6 + 2 * nev
local f = {}
for i = first, #ARGV, 2 do f[ARGV[i]] = ARGV[i + 1] end

if ARGV[4] == 'create' then
  local other = redis.call('HGET', KEYS[7], f.chat)
  if other then return 'active ' .. other end
end

local version = string.format('%d', tonumber(want) + 1)
redis.call('HSET', KEYS[1], 'v', version, 'tok', token, unpack(ARGV, first))

-- Exactly one of open, claimed, closed.
local st = f.st
for k = 2, 4 do redis.call('ZREM', KEYS[k], id) end
if st == 'open' then
  redis.call('ZADD', KEYS[2], f.cr, id)
elseif st == 'claimed' then
  redis.call('ZADD', KEYS[3], f.cr, id)
else
  redis.call('ZADD', KEYS[4], f.cd, id)
end

-- The Due queues: NX, so that a write never takes back a lease.
if st == 'open' and tonumber(f.n) < 2 then
  redis.call('ZADD', KEYS[5], 'NX', f.cr, id)
else
  redis.call('ZREM', KEYS[5], id)
end
if st == 'open' and f.esc == '0' then
  redis.call('ZADD', KEYS[6], 'NX', f.cr, id)
else
  redis.call('ZREM', KEYS[6], id)
end

if st ~= 'closed' then
  redis.call('HSET', KEYS[7], f.chat, id)
elseif redis.call('HGET', KEYS[7], f.chat) == id then
  redis.call('HDEL', KEYS[7], f.chat)
end
redis.call('SADD', KEYS[9], id)
for post in string.gmatch(f.posts, '%S+') do
  redis.call('HSET', KEYS[8], post, id)
end

for i = 6, first - 1, 2 do
  redis.call('ZADD', KEYS[10], ARGV[i], ARGV[i + 1])
end
return 'ok'
