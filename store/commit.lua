-- Commit one conversation: compare-and-swap on its version, and remember
-- the update id with the reply still to deliver for it, in one atomic
-- step. Run by store.Redis.Commit.
--
-- KEYS[1]  the conversation: a string "<version> <token> <data>", where
--          token names the commit that wrote it. One string, not a hash:
--          a hash whose data exceeds 64 bytes leaves Redis's compact
--          listpack encoding and costs twice the memory.
-- KEYS[2]  the chat's "blocked the bot" mark, cleared: she wrote again
-- KEYS[3]  the update key; absent when the update has no id. Its value is
--          "<token>" once nothing is left to deliver, or
--          "<token> <held until, ms> <reply>" while the reply is
--          undelivered (see claim.lua)
-- ARGV[1]  the version the caller loaded ("0" for a missing record)
-- ARGV[2]  idle TTL of the conversation, in milliseconds
-- ARGV[3]  how long the update id is remembered, in milliseconds
-- ARGV[4]  a token unique to this Commit call
-- ARGV[5]  how long the committer holds the reply, in milliseconds
-- ARGV[6]  the reply to deliver; "" for none
-- ARGV[7]  "1" when the caller did not load the conversation but started
--          from what it committed last (store/recent.go): it read neither
--          the update key nor the block mark, so a block mark is a
--          conflict too, for the caller to see it; "0" otherwise
-- ARGV[8]  the data to save; absent to delete the conversation
--
-- Returns 'ok'; {'dup', <update key's value>} when the update was already
-- handled; {'conflict', <record or false>, <1 if the chat is marked
-- blocked, else 0>} when the version moved (or, for ARGV[7] = "1", the
-- chat is marked blocked). 'dup' and 'conflict' write nothing, and carry
-- what the caller would load to try again.
--
-- The token makes a re-sent script harmless: when a reply is lost the
-- client sends the same EVALSHA again, and the second run must report 'ok'
-- for the write the first run made, not 'dup' or 'conflict'.
local token = ARGV[4]

if KEYS[3] then
  local seen = redis.call('GET', KEYS[3])
  if seen then
    local by = seen
    local sp = string.find(seen, ' ', 1, true)
    if sp then by = string.sub(seen, 1, sp - 1) end
    if by == token then return 'ok' end
    return {'dup', seen}
  end
end

local version, wrote = '0', nil
local rec = redis.call('GET', KEYS[1])
if rec then
  local a = string.find(rec, ' ', 1, true)
  local b = string.find(rec, ' ', a + 1, true)
  version = string.sub(rec, 1, a - 1)
  wrote = string.sub(rec, a + 1, b - 1)
end
if version ~= ARGV[1] then
  if wrote == token then return 'ok' end
  return {'conflict', rec or false, redis.call('EXISTS', KEYS[2])}
end
if ARGV[7] == '1' and redis.call('EXISTS', KEYS[2]) == 1 then
  return {'conflict', rec or false, 1}
end

if ARGV[8] then
  local next = string.format('%d', tonumber(version) + 1)
  redis.call('SET', KEYS[1], next .. ' ' .. token .. ' ' .. ARGV[8], 'PX', ARGV[2])
else
  redis.call('DEL', KEYS[1])
end

-- From a remembered start the mark was just found absent; otherwise clear
-- it, set or not: she wrote again.
if ARGV[7] ~= '1' then redis.call('DEL', KEYS[2]) end
if KEYS[3] then
  local value = token
  if ARGV[6] ~= '' then
    local t = redis.call('TIME')
    local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
    value = token .. ' ' .. string.format('%d', now + tonumber(ARGV[5])) .. ' ' .. ARGV[6]
  end
  redis.call('SET', KEYS[3], value, 'PX', ARGV[3])
end
return 'ok'
