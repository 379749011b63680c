-- Every change of one person: op is "seen", "village", "notices" or
-- "delete". The record and every index change in one atomic step.
--
-- KEYS[1] records (hash: chat → "first,last,off,village")
-- KEYS[2] all (sorted set, score 0: every chat)
-- KEYS[3] off (set: chats that stopped ordinary notices)
-- KEYS[4] villages (set: the villages with at least one person)
-- KEYS[5] groups (hash: group chat → village)
-- ARGV[1] the villages' key prefix, "mc:{people}:v:": a village's key is
--         derived from the record, so it cannot be passed; it shares the
--         hash tag, hence the slot, of KEYS.
-- ARGV[2] chat, ARGV[3] op, ARGV[4] the op's argument:
--         seen: the time (ms); village: the village ("" none);
--         notices: "1" stopped, "0" on.
-- Returns 1, or 0 when the person is unknown (not for seen and delete).
local recs, all, off, villages, groups = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local vprefix, chat, op, arg = ARGV[1], ARGV[2], ARGV[3], ARGV[4]

local rec = redis.call('HGET', recs, chat)
local first, last, stopped, village
if rec then
  first, last, stopped, village = string.match(rec, '^(%-?%d+),(%-?%d+),([01]),(.*)$')
  if not first then
    return redis.error_reply('people: unreadable record of ' .. chat)
  end
end

local function leave(v)
  if v and v ~= '' then
    redis.call('ZREM', vprefix .. v, chat)
    if redis.call('EXISTS', vprefix .. v) == 0 then
      redis.call('SREM', villages, v)
    end
  end
end

if op == 'delete' then
  leave(village)
  redis.call('ZREM', all, chat)
  redis.call('SREM', off, chat)
  redis.call('HDEL', recs, chat)
  redis.call('HDEL', groups, chat)
  return 1
end

if op == 'seen' then
  local now = tonumber(arg)
  if not rec then
    redis.call('HSET', recs, chat, arg .. ',' .. arg .. ',0,')
    redis.call('ZADD', all, 0, chat)
    return 1
  end
  local changed = false
  if now < tonumber(first) then first, changed = arg, true end
  if now > tonumber(last) then last, changed = arg, true end
  if not changed then return 1 end
elseif not rec then
  return 0
elseif op == 'village' then
  if arg == village then return 1 end
  leave(village)
  if arg ~= '' then
    redis.call('ZADD', vprefix .. arg, 0, chat)
    redis.call('SADD', villages, arg)
  end
  village = arg
elseif op == 'notices' then
  if arg == stopped then return 1 end
  if arg == '1' then
    redis.call('SADD', off, chat)
  else
    redis.call('SREM', off, chat)
  end
  stopped = arg
else
  return redis.error_reply('people: unknown op ' .. op)
end
redis.call('HSET', recs, chat, first .. ',' .. last .. ',' .. stopped .. ',' .. village)
return 1
