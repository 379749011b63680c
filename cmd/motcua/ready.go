package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

const (
	// readyLimit bounds /readyz's answer, whatever Redis does.
	readyLimit = 2 * time.Second
	// probeTimeout bounds the probe itself, a little under readyLimit so
	// that its own error, not the limit, is usually what is reported.
	probeTimeout = 1500 * time.Millisecond
	// probeTTL is how long a probe's key lives.
	probeTTL = 10 * time.Second
	// clusterSlots is how many hash slots a Redis Cluster has.
	clusterSlots = 16384
)

// readiness answers /readyz: ready when the store can take a write now.
// On Redis it writes a tiny key that expires by itself (SET … PX) under
// the configured prefix, so a server that answers PING but refuses writes
// — out of memory with noeviction, a read-only replica, loading, a master
// down, a cluster down — is not ready; on a cluster it writes one key on
// every master and first checks that every slot has a master. Probes do
// not pile up: requests that come while one is under way wait for it.
type readiness struct {
	client redis.UniversalClient // nil on the memory stores: always ready
	prefix string
	log    *slog.Logger

	mu      sync.Mutex
	running chan struct{} // closed when the probe under way ends; nil if none
	last    error         // the outcome of the last probe that ended
	failing bool          // what was last logged: not ready
}

func newReadiness(client redis.UniversalClient, prefix string, log *slog.Logger) *readiness {
	return &readiness{client: client, prefix: prefix, log: log}
}

// ServeHTTP answers 200 "ready" or 503, within readyLimit. The reason for
// a 503 goes to the log (once per change), not to the answer: /readyz may
// face the internet.
func (rd *readiness) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), readyLimit)
	defer cancel()
	if err := rd.check(ctx); err != nil {
		http.Error(w, "store unavailable", http.StatusServiceUnavailable)
		return
	}
	fmt.Fprintln(w, "ready")
}

// check runs a probe, or joins the one under way, and waits for its end
// or ctx's.
func (rd *readiness) check(ctx context.Context) error {
	if rd.client == nil {
		return nil
	}
	rd.mu.Lock()
	done := rd.running
	if done == nil {
		done = make(chan struct{})
		rd.running = done
		go rd.run(done)
	}
	rd.mu.Unlock()
	select {
	case <-done:
		rd.mu.Lock()
		defer rd.mu.Unlock()
		return rd.last
	case <-ctx.Done():
		err := fmt.Errorf("redis gave no answer within %v", readyLimit)
		rd.note(err)
		return err
	}
}

// run probes Redis once and records the outcome.
func (rd *readiness) run(done chan struct{}) {
	ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
	defer cancel()
	err := rd.probe(ctx)
	rd.note(err)
	rd.mu.Lock()
	rd.last = err
	rd.running = nil
	rd.mu.Unlock()
	close(done)
}

// note logs a change between ready and not.
func (rd *readiness) note(err error) {
	rd.mu.Lock()
	changed := (err != nil) != rd.failing
	rd.failing = err != nil
	rd.mu.Unlock()
	switch {
	case !changed:
	case err != nil:
		rd.log.Warn("not ready: Redis cannot take a write", "err", err)
	default:
		rd.log.Info("ready: Redis takes writes again")
	}
}

// probe writes the probe key, or on a cluster one per master.
func (rd *readiness) probe(ctx context.Context) error {
	cc, ok := rd.client.(*redis.ClusterClient)
	if !ok {
		return rd.client.Set(ctx, rd.prefix+":{ready}", "1", probeTTL).Err()
	}
	slots, err := cc.ClusterSlots(ctx).Result()
	if err != nil {
		return fmt.Errorf("CLUSTER SLOTS: %w", err)
	}
	if err := covered(slots); err != nil {
		return err
	}
	pipe := cc.Pipeline()
	masters := map[string]bool{}
	for _, s := range slots {
		if master := s.Nodes[0].Addr; !masters[master] {
			masters[master] = true
			pipe.Set(ctx, rd.prefix+":{"+tagFor(s.Start, s.End)+"}", "1", probeTTL)
		}
	}
	cmds, err := pipe.Exec(ctx)
	for _, c := range cmds {
		if c.Err() != nil {
			return fmt.Errorf("%s: %w", c.Args()[1], c.Err())
		}
	}
	return err
}

// covered checks that every slot has a master.
func covered(slots []redis.ClusterSlot) error {
	ranges := slices.Clone(slots)
	slices.SortFunc(ranges, func(a, b redis.ClusterSlot) int { return a.Start - b.Start })
	next := 0
	for _, r := range ranges {
		if len(r.Nodes) == 0 || r.Nodes[0].Addr == "" {
			return fmt.Errorf("slots %d-%d have no master", r.Start, r.End)
		}
		if r.Start > next {
			break
		}
		next = max(next, r.End+1)
	}
	if next < clusterSlots {
		return fmt.Errorf("slot %d is not served by any node", next)
	}
	return nil
}

// tagFor returns a hash tag whose slot lies in [first, last]. A range of
// one slot takes some 16,000 tries, microseconds each.
func tagFor(first, last int) string {
	tag := "ready"
	for n := range 1 << 22 {
		tag = "ready-" + strconv.Itoa(n)
		if s := int(crc16(tag)) % clusterSlots; s >= first && s <= last {
			break
		}
	}
	return tag
}

// crc16 is Redis Cluster's key hash (CRC-16/XMODEM); a key's slot is its
// value modulo 16384.
func crc16(s string) uint16 {
	var crc uint16
	for i := 0; i < len(s); i++ {
		crc ^= uint16(s[i]) << 8
		for range 8 {
			if crc&0x8000 != 0 {
				crc = crc<<1 ^ 0x1021
			} else {
				crc <<= 1
			}
		}
	}
	return crc
}
