// Package roles keeps who may do more than ask: the commune's volunteers,
// who claim and answer citizens' tickets, and its staff, who can do all a
// volunteer can and also invite others and are told of the tickets
// nobody took.
//
// # Two sources, config wins
//
// Users are named across channels, "tg:456". Some are listed in the
// configuration: they are the commune's roots of trust, set by whoever
// deploys the bot, and WithConfig puts them on top of a Store so that
// they always have their role. Nothing at runtime can revoke, demote or
// promote them (ErrConfigured): a staff member pressing the wrong button
// cannot lock the commune out, and a configured volunteer is made staff
// in the configuration, where such decisions are written down.
//
// Everyone else gets a role at runtime: Grant and Revoke, or an invite.
//
//	Staff: /moi tinhnguyenvien  → Invite(Volunteer, now) → "7KQ2MXPA"
//	       (passes it on, privately)
//	Him:   /thamgia 7KQ2MXPA    → Join(code, "tg:456", now) → Volunteer
//
// # Invite codes
//
// A code is 8 characters drawn with crypto/rand from 31 that are not
// mistaken for each other (no 0/O, no 1/I/L), about 2^39.6 codes; Join
// reads it in any case, with spaces or dashes. It works once, for
// Options.InviteTTL (48 hours) after Invite. ErrInvalidCode answers an
// unknown, used or expired code alike, so trying codes teaches nothing;
// the bot should still limit how often a chat may try (a few a minute
// against 2^39.6 makes guessing hopeless).
//
// Join is atomic: of two people joining with one code at once, one gets
// the role and the other ErrInvalidCode. Two exceptions keep it
// forgiving without weakening it: a user who already has the code's role
// or a higher one keeps his and leaves the code unused (nothing to give,
// nothing to waste, and staff are never demoted by a volunteer's code);
// and the user who used a code may present it again and is told his role,
// so that a retry after a lost reply is not told the code is bad. A used
// code still names its user until it expires, so no one else can use it.
//
// No method reads a clock: Invite and Join take the time of the update,
// and a code carries its expiry by that time, so tests move a clock
// instead of sleeping. Redis also deletes a code's key InviteTTL after
// Invite by its own clock, only to tidy.
//
// # Keys in Redis
//
// With the default prefix "mc":
//
//	mc:{roles}:users        hash: user → role ("tinhnguyenvien", "canbo")
//	mc:{roles}:code:<code>  "<role> <expires, Unix ms>", then " <user>"
//	                        once used; expires InviteTTL after Invite
//
// Role, Grant, Revoke and List are one command each (HGET, HSET, HDEL,
// HGETALL); Invite is a SET NX with the key's TTL; Join is one script,
// join.lua, which reads the code and the user's role and writes both. The
// hash tag {roles} keeps every key in one Redis Cluster slot, so the
// script may touch the code and the users together. The users are few (a
// commune's volunteers and staff, tens), so one hash serves them all. No
// command walks the key space.
//
// Errors from a Redis that cannot be reached match store.ErrUnavailable
// (store.IsUnavailable sorts them).
//
// # Backends
//
// NewRedis is for production, NewMemory for trial runs and tests of other
// packages. Both pass the conformance suite in package rolestest, which
// also checks WithConfig over each.
package roles
