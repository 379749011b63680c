package tickets_test

import (
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/motcua/motcua/store/redistest"
	"github.com/motcua/motcua/tickets"
	"github.com/motcua/motcua/tickets/ticketstest"
)

func TestRedis(t *testing.T) {
	srv := redistest.Start(t)
	client := srv.Client(t)
	var n atomic.Int64
	prefixes := make(map[tickets.Store]string)
	ticketstest.Run(t, ticketstest.Harness{
		// A prefix of its own per store: Open, Due and Purge see every
		// ticket under it.
		New: func(t *testing.T, o tickets.Options) tickets.Store {
			o.Prefix = "t" + strconv.FormatInt(n.Add(1), 10)
			s := tickets.NewRedis(client, o)
			prefixes[s] = o.Prefix
			return s
		},
		// A new client and a new store on the same Redis, as a restarted
		// replica gets.
		Reopen: func(t *testing.T, s tickets.Store) tickets.Store {
			c := redis.NewClient(&redis.Options{Addr: srv.Addr()})
			t.Cleanup(func() { _ = c.Close() })
			return tickets.NewRedis(c, tickets.Options{Prefix: prefixes[s]})
		},
	})
}
