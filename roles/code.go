package roles

import (
	"crypto/rand"
	"strings"
)

// codeAlphabet writes invite codes: digits and upper-case letters without
// those read or typed for another (0 and O, 1, I and L), so that a code
// read aloud over the phone or copied from a screen arrives intact. 31
// characters.
const codeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// CodeLen is the length of an invite code: 31^8, about 2^39.6, codes.
const CodeLen = 8

// maxInviteAttempts bounds the tries at a fresh code when the one drawn
// is in use: with a few codes alive among 31^8 the first try wins.
const maxInviteAttempts = 3

// newCode draws a random invite code from crypto/rand, each character
// uniform over codeAlphabet.
func newCode() string {
	// A byte is kept only below the largest multiple of 31 that fits (248),
	// so that b%31 is uniform.
	const limit = 256 - 256%len(codeAlphabet)
	var code [CodeLen]byte
	var buf [2 * CodeLen]byte
	for n := 0; n < CodeLen; {
		_, _ = rand.Read(buf[:]) // never fails (crypto/rand since Go 1.24)
		for _, b := range buf {
			if int(b) < limit && n < CodeLen {
				code[n] = codeAlphabet[int(b)%len(codeAlphabet)]
				n++
			}
		}
	}
	return string(code[:])
}

// normalizeCode reads a code as typed: any case, with spaces and dashes
// anywhere. It reports false for what cannot be a code, which is then
// refused without asking the store.
func normalizeCode(s string) (string, bool) {
	s = strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, strings.ToUpper(s))
	if len(s) != CodeLen {
		return "", false
	}
	for i := range len(s) {
		if strings.IndexByte(codeAlphabet, s[i]) < 0 {
			return "", false
		}
	}
	return s, true
}
