-- Commit one conversation: compare-and-swap on its version, and remember
-- the update id, in one atomic step. Run by store.Redis.Commit.
--
-- KEYS[1]  the conversation: a hash with v (version), d (data) and
--          t (token of the commit that wrote it)
-- KEYS[2]  the update key; absent when the update has no id
-- ARGV[1]  the version the caller loaded ("0" for a missing record)
-- ARGV[2]  idle TTL of the conversation, in milliseconds
-- ARGV[3]  how long the update id is remembered, in milliseconds
-- ARGV[4]  a token unique to this Commit call
-- ARGV[5]  the data to save; absent to delete the conversation
--
-- Returns 'ok', 'dup' (the update was already handled) or 'conflict' (the
-- version moved); 'dup' and 'conflict' write nothing.
--
-- The token makes a re-sent script harmless: when a reply is lost the
-- client sends the same EVALSHA again, and the second run must report 'ok'
-- for the write the first run made, not 'dup' or 'conflict'.
local token = ARGV[4]

if KEYS[2] then
  local seen = redis.call('GET', KEYS[2])
  if seen then
    if seen == token then return 'ok' end
    return 'dup'
  end
end

local rec = redis.call('HMGET', KEYS[1], 'v', 't')
if (rec[1] or '0') ~= ARGV[1] then
  if rec[2] == token then return 'ok' end
  return 'conflict'
end

if ARGV[5] then
  redis.call('HSET', KEYS[1], 'd', ARGV[5], 't', token)
  redis.call('HINCRBY', KEYS[1], 'v', 1)
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
else
  redis.call('DEL', KEYS[1])
end

if KEYS[2] then
  redis.call('SET', KEYS[2], token, 'PX', ARGV[3])
end
return 'ok'
