package main

import (
	"fmt"
	"net"
	"net/http"
	"time"

	"golang.org/x/net/netutil"
)

// maxConnections is the cap on connections open at once: the configured
// one, or a quarter of the open-file limit (the rest is for Redis, the
// Bot API and the process), between 16 and 1024.
func maxConnections(cfg HTTPConfig) int {
	if cfg.MaxConnections > 0 {
		return cfg.MaxConnections
	}
	n := openFileLimit() / 4
	return int(min(max(n, 16), 1024))
}

// listen opens the HTTP listener with its cap on open connections: past
// it, a new connection waits in the kernel's queue until one closes,
// rather than the process running out of files for Redis and the Bot
// API.
func listen(addr string, limit int) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	return netutil.LimitListener(ln, limit), nil
}

// newServer is an HTTP server that bounds every connection's time: the
// headers (a connection that sends nothing is closed after it), the whole
// request, the answer — as long as an update's delivery may last, since
// a webhook answers once its update is handled — and the wait between
// requests of a kept-alive connection.
func newServer(h http.Handler, cfg Config) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: min(10*time.Second, time.Duration(cfg.HTTP.ReadTimeout)),
		ReadTimeout:       time.Duration(cfg.HTTP.ReadTimeout),
		WriteTimeout:      cfg.Updates.Longest(),
		IdleTimeout:       time.Duration(cfg.HTTP.IdleTimeout),
		MaxHeaderBytes:    16 << 10,
	}
}
