-- join.lua: Join, in one atomic step (the rule of join in memory.go).
--
-- KEYS[1]  the invite code: "<role> <expires, Unix ms>", then " <user>"
--          once used; Redis expires it InviteTTL after Invite
-- KEYS[2]  the users: a hash, user → role
-- KEYS[3]  the user's tries: a counter that expires JoinWindow after his
--          first try
-- ARGV[1]  the user joining
-- ARGV[2]  now, Unix ms
-- ARGV[3]  the roles, lowest first, separated by spaces: a role
--          includes those before it
-- ARGV[4]  the tries a user has in a window (JoinTries)
-- ARGV[5]  the window, ms (JoinWindow)
--
-- Returns "limited" (too many tries: the code is not even looked at),
-- "invalid", or "ok <role>": the role the user has afterwards.

local function rank(r)
  local i = 0
  for name in string.gmatch(ARGV[3], '%S+') do
    i = i + 1
    if name == r then return i end
  end
  return 0
end

local tries = redis.call('INCR', KEYS[3])
if tries == 1 then redis.call('PEXPIRE', KEYS[3], ARGV[5]) end
if tries > tonumber(ARGV[4]) then return 'limited' end

local v = redis.call('GET', KEYS[1])
if not v then return 'invalid' end
local role, expires, usedBy = string.match(v, '^(%S+) (%d+) ?(%S*)$')
if not role then return redis.error_reply('roles: malformed invite code record') end
if tonumber(ARGV[2]) >= tonumber(expires) then return 'invalid' end

local have = redis.call('HGET', KEYS[2], ARGV[1])
if usedBy == ARGV[1] and have then return 'ok ' .. have end -- the user who used it, again
if usedBy ~= '' then return 'invalid' end
if have and rank(have) >= rank(role) then return 'ok ' .. have end -- nothing to give: the code stays unused

redis.call('SET', KEYS[1], v .. ' ' .. ARGV[1], 'KEEPTTL')
redis.call('HSET', KEYS[2], ARGV[1], role)
return 'ok ' .. role
