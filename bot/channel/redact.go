package channel

import (
	"context"
	"errors"
	"net/url"
	"strings"
)

// Redact keeps token out of err: a bot's token sits in every request URL,
// and Go's *url.Error repeats the URL. Neither the error returned nor any
// error it unwraps to holds the token: where one did, "<token>" stands in
// its place. A *url.Error stays one (its URL and cause redacted), so that
// errors.As and Timeout still work; any other error holding the token
// becomes a text that unwraps to its cause, redacted in turn, so that
// errors.Is still sees context.DeadlineExceeded. An error of another type
// whose own text holds the token loses its type: a caller that needs it
// (an API error echoing the URL) cleans it in place first.
func Redact(err error, token string) error {
	if err == nil || token == "" || !strings.Contains(err.Error(), token) {
		return err
	}
	if ue, ok := err.(*url.Error); ok {
		return &url.Error{Op: ue.Op, URL: strings.ReplaceAll(ue.URL, token, "<token>"), Err: Redact(ue.Err, token)}
	}
	r := redacted{msg: strings.ReplaceAll(err.Error(), token, "<token>"), err: Redact(errors.Unwrap(err), token)}
	if r.err == nil {
		// Joined errors, or none: keep what a caller asks errors.Is about.
		for _, e := range []error{context.Canceled, context.DeadlineExceeded} {
			if errors.Is(err, e) {
				r.err = e
			}
		}
	}
	return r
}

// redacted is an error whose text no longer holds the token.
type redacted struct {
	msg string
	err error
}

func (r redacted) Error() string { return r.msg }
func (r redacted) Unwrap() error { return r.err }
