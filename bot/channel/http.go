package channel

import (
	"context"
	"net/http"
	"time"
)

// Defaults of a channel's options.
const (
	// DefaultWorkers bound the updates of different chats handled at
	// once. A worker is a goroutine, and one waiting out its chat's 429
	// must not keep the others waiting: there are many.
	DefaultWorkers = 256
	// DefaultDeadline bounds the handling of one update, reply sent: well
	// under the minute Telegram waits for a webhook's answer, and long
	// enough for a reply of several messages to wait out its chat's
	// limit of about one message a second.
	DefaultDeadline = 15 * time.Second
	// DefaultTimeout bounds each call to the platform but a long poll.
	DefaultTimeout = 10 * time.Second
)

// maxIdle bounds the idle connections kept to a platform: enough for the
// updates a bot really has in flight at once.
const maxIdle = 64

// HTTPClient is the client a channel calls its platform with. It keeps an
// idle connection for each of workers, and two more: the default
// transport keeps 2, and every other call then opens a new connection (a
// TLS handshake with the platform; 16 % of the Telegram bot's CPU under
// load). timeout bounds a whole call, and must be longer than a long poll
// holds its request, or every idle poll would end in an error of ours.
func HTTPClient(workers int, timeout time.Duration) *http.Client {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = min(workers, maxIdle) + 2
	return &http.Client{Timeout: timeout, Transport: transport}
}

// Backoff is the pause before the n-th retry of a transient failure:
// 250 ms, 500 ms, 1 s…
func Backoff(n int) time.Duration {
	return time.Duration(250<<n) * time.Millisecond
}

// Sleep waits for d unless ctx ends first; it is a channel's Wait between
// retries, which tests replace.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
