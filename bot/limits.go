package bot

import "unicode/utf8"

// maxInput bounds what is read of one text: Telegram's own limit on a
// message. A longer text (only a forged update can carry one) is cut.
const maxInput = 4096

// maxEcho bounds what a reply repeats of what she typed (a search that
// found nothing, a question to confirm): a long text is not sent back.
const maxEcho = 200

// cut returns s cut to at most n characters, ending in "…" when it was
// cut.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for j := range s {
		if i == n-1 {
			return s[:j] + "…"
		}
		i++
	}
	return s
}
