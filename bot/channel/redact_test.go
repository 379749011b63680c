package channel_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/motcua/motcua/bot/channel"
)

// TestRedact: no error in the chain holds the token, the rest of the text
// stays, and errors.Is and errors.As see what they saw.
func TestRedact(t *testing.T) {
	const token = "123456:AAE-secret"
	ue := func(cause error) *url.Error {
		return &url.Error{Op: "Post", URL: "https://api.example/bot" + token + "/sendMessage", Err: cause}
	}
	refused := errors.New("connection refused")
	tests := []struct {
		name string
		err  error
		want string
		is   error
	}{
		{"url error", ue(refused), `Post "https://api.example/bot<token>/sendMessage": connection refused`, refused},
		{"wrapped url error", fmt.Errorf("zalo sendMessage: %w", ue(context.DeadlineExceeded)), `zalo sendMessage: Post "https://api.example/bot<token>/sendMessage": context deadline exceeded`, context.DeadlineExceeded},
		{"text", fmt.Errorf("read the answer of /bot%s/getMe: %w", token, context.Canceled), "read the answer of /bot<token>/getMe: context canceled", context.Canceled},
		{"joined", errors.Join(errors.New("token "+token), context.DeadlineExceeded), "token <token>\ncontext deadline exceeded", context.DeadlineExceeded},
		{"no token", refused, "connection refused", refused},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := channel.Redact(tt.err, token)
			if got.Error() != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if !errors.Is(got, tt.is) {
				t.Errorf("%q is not %v", got, tt.is)
			}
			for e := got; e != nil; e = errors.Unwrap(e) {
				if strings.Contains(e.Error(), "AAE-secret") {
					t.Errorf("token in %q, in the chain of %q", e, got)
				}
			}
			var u *url.Error
			if errors.As(tt.err, &u) && !errors.As(got, &u) {
				t.Errorf("%q is no longer a *url.Error", got)
			}
		})
	}
}
