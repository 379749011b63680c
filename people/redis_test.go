package people_test

import (
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/motcua/motcua/people"
	"github.com/motcua/motcua/people/peopletest"
	"github.com/motcua/motcua/store/redistest"
)

func TestRedis(t *testing.T) {
	client := redistest.Start(t).Client(t)
	var n atomic.Int64
	peopletest.Run(t, peopletest.Harness{
		// A prefix of its own per store: Audience and Figures see
		// everyone under it.
		New: func(t *testing.T) people.Store {
			return people.NewRedis(client, people.Options{Prefix: "t" + strconv.FormatInt(n.Add(1), 10)})
		},
		Down: func(t *testing.T) people.Store {
			srv := redistest.Start(t)
			srv.Stop(t)
			// No retries: each call fails at its first refused dial.
			c := redis.NewClient(&redis.Options{Addr: srv.Addr(), MaxRetries: -1})
			t.Cleanup(func() { _ = c.Close() })
			return people.NewRedis(c, people.Options{})
		},
	})
}
