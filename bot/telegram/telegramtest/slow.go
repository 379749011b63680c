package telegramtest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"path"
	"strings"
	"sync"
	"testing"
	"time"
)

// Slow is a front for a Server whose calls take time on the wire, as
// Telegram's do (about 100 ms for a round trip): a request reaches the
// Server half the latency after it was sent, and its answer reaches the
// client half the latency after the Server wrote it. A client that goes
// away meanwhile (a process killed) does not stop a request it had sent:
// it still arrives, as it would at Telegram, which is how a message is
// delivered and never recorded as sent. Give a client Slow's URL instead
// of the Server's.
//
// Slow records when each call reached the Server, so a test with several
// clients (replicas) tells whose calls were whose by giving each a Slow of
// its own.
type Slow struct {
	latency time.Duration
	http    *httptest.Server

	mu    sync.Mutex
	calls []SlowCall
}

// SlowCall is a call that passed through a Slow.
type SlowCall struct {
	// Method is the method's name as the request spelled it.
	Method string
	// At is when it reached the Server.
	At time.Time
}

// NewSlow starts a front for s with the given round-trip latency, closed
// when the test ends.
func NewSlow(t testing.TB, s *Server, latency time.Duration) *Slow {
	t.Helper()
	target, err := url.Parse(s.URL())
	if err != nil {
		t.Fatal(err)
	}
	f := &Slow{latency: latency}
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ModifyResponse = func(*http.Response) error {
		time.Sleep(latency / 2) // the answer on its way back
		return nil
	}
	f.http = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Sent is sent: the client's going away does not recall it.
		r = r.WithContext(context.WithoutCancel(r.Context()))
		time.Sleep(latency / 2)
		f.mu.Lock()
		f.calls = append(f.calls, SlowCall{Method: path.Base(r.URL.Path), At: time.Now()})
		f.mu.Unlock()
		proxy.ServeHTTP(plainWriter{w}, r)
	}))
	t.Cleanup(f.http.Close)
	return f
}

// plainWriter hides the server's CloseNotifier, with which the proxy
// would cancel a request whose client went away.
type plainWriter struct{ http.ResponseWriter }

// URL is the front's base URL, to give a client in place of Server.URL.
func (f *Slow) URL() string { return f.http.URL }

// CallsOf are the calls of method (any case) that passed through so far,
// oldest first; every call when method is "".
func (f *Slow) CallsOf(method string) []SlowCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []SlowCall
	for _, c := range f.calls {
		if method == "" || strings.EqualFold(c.Method, method) {
			out = append(out, c)
		}
	}
	return out
}
