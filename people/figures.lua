-- The figures, in one consistent read.
--
-- KEYS[1] all, KEYS[2] off, KEYS[3] villages
-- ARGV[1] the villages' key prefix (see person.lua)
-- Returns {people, stopped, village, count, village, count...}.
local out = {redis.call('ZCARD', KEYS[1]), redis.call('SCARD', KEYS[2])}
for _, v in ipairs(redis.call('SMEMBERS', KEYS[3])) do
  out[#out + 1] = v
  out[#out + 1] = redis.call('ZCARD', ARGV[1] .. v)
end
return out
