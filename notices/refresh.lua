-- Renew a worker's hold on the stream entry of the job it runs: its idle
-- time goes back to zero, so that no other worker's XAUTOCLAIM takes a
-- live job. Only while the entry is still this consumer's: one that lost
-- it (stalled longer than the lease) must not take it back.
--
-- KEYS[1] the stream   ARGV[1] group   ARGV[2] consumer   ARGV[3] entry
-- Returns 1 when renewed, 0 when the entry is no longer this consumer's.
local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[3], ARGV[3], 1, ARGV[2])
if #p == 0 then return 0 end
redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[3], 'JUSTID')
return 1
