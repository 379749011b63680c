package roles_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/motcua/motcua/roles"
	"github.com/motcua/motcua/roles/rolestest"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/redistest"
)

func TestRedis(t *testing.T) {
	client := redistest.Start(t).Client(t)
	var n atomic.Int64
	rolestest.Run(t, rolestest.Harness{
		// A prefix of its own per store: List sees every user under it.
		New: func(t *testing.T, o roles.Options) roles.Store {
			o.Prefix = "r" + strconv.FormatInt(n.Add(1), 10)
			return roles.NewRedis(client, o)
		},
	})
}

var ctx = context.Background()

// t0 is when the tests below start: 09:00 in Vietnam.
var t0 = time.Date(2026, 7, 15, 9, 0, 0, 0, time.FixedZone("ICT", 7*3600))

// TestRedisKeys checks the key layout the package doc describes: the
// users' hash and one key a code, with its TTL, all under one hash tag.
func TestRedisKeys(t *testing.T) {
	client := redistest.Start(t).Client(t)
	s := roles.NewRedis(client, roles.Options{})
	if err := s.Grant(ctx, "tg:1", roles.Staff); err != nil {
		t.Fatal(err)
	}
	code, err := s.Invite(ctx, roles.Volunteer, t0)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := client.Keys(ctx, "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"mc:{roles}:users": true, "mc:{roles}:code:" + code: true}
	if len(keys) != len(want) || !want[keys[0]] || !want[keys[1]] {
		t.Errorf("keys %q, want %v", keys, want)
	}
	ttl, err := client.PTTL(ctx, "mc:{roles}:code:"+code).Result()
	if err != nil || ttl <= roles.DefaultInviteTTL-time.Minute || ttl > roles.DefaultInviteTTL {
		t.Errorf("the code's TTL is %v, %v; want about %v", ttl, err, roles.DefaultInviteTTL)
	}
	val, err := client.Get(ctx, "mc:{roles}:code:"+code).Result()
	if wantVal := "tinhnguyenvien " + strconv.FormatInt(t0.Add(roles.DefaultInviteTTL).UnixMilli(), 10); err != nil || val != wantVal {
		t.Errorf("the code's value is %q, %v; want %q", val, err, wantVal)
	}
	if _, err := s.Join(ctx, code, "tg:2", t0); err != nil {
		t.Fatal(err)
	}
	// A used code keeps its TTL and names its user.
	if ttl2, err := client.PTTL(ctx, "mc:{roles}:code:"+code).Result(); err != nil || ttl2 <= 0 || ttl2 > ttl {
		t.Errorf("after Join the code's TTL is %v, %v; want at most %v, kept", ttl2, err, ttl)
	}
	if val, err := client.Get(ctx, "mc:{roles}:code:"+code).Result(); err != nil || !strings.HasSuffix(val, " tg:2") {
		t.Errorf("after Join the code's value is %q, %v; want it to name tg:2", val, err)
	}
	users, err := client.HGetAll(ctx, "mc:{roles}:users").Result()
	if err != nil || len(users) != 2 || users["tg:1"] != "canbo" || users["tg:2"] != "tinhnguyenvien" {
		t.Errorf("the users' hash is %v, %v", users, err)
	}
}

// TestRedisDown checks that every call fails with store.ErrUnavailable
// while Redis is down, but for configured users, whose role needs no
// Redis; and that a restart (empty, without the script) ends it.
func TestRedisDown(t *testing.T) {
	srv := redistest.Start(t)
	// No retries, short timeouts: the test fails fast.
	client := redis.NewClient(&redis.Options{
		Addr:          srv.Addr(),
		DialTimeout:   200 * time.Millisecond,
		ReadTimeout:   200 * time.Millisecond,
		WriteTimeout:  200 * time.Millisecond,
		MaxRetries:    -1,
		DialerRetries: 1,
	})
	t.Cleanup(func() { _ = client.Close() })
	inner := roles.NewRedis(client, roles.Options{})
	code, err := inner.Invite(ctx, roles.Volunteer, t0)
	if err != nil {
		t.Fatal(err)
	}
	s := roles.WithConfig(inner, nil, []string{"tg:1"})
	srv.Stop(t)
	ops := map[string]func() error{
		"Role":   func() error { _, _, err := s.Role(ctx, "tg:2"); return err },
		"Grant":  func() error { return s.Grant(ctx, "tg:2", roles.Staff) },
		"Revoke": func() error { return s.Revoke(ctx, "tg:2") },
		"Invite": func() error { _, err := s.Invite(ctx, roles.Staff, t0); return err },
		"Join":   func() error { _, err := s.Join(ctx, code, "tg:2", t0); return err },
		"List":   func() error { _, err := s.List(ctx); return err },
	}
	for name, op := range ops {
		if err := op(); !errors.Is(err, store.ErrUnavailable) {
			t.Errorf("%s with Redis down = %v, want store.ErrUnavailable", name, err)
		}
	}
	if r, ok, err := s.Role(ctx, "tg:1"); err != nil || !ok || r != roles.Staff {
		t.Errorf("Role of configured staff with Redis down = %q, %v, %v; want %q", r, ok, err, roles.Staff)
	}

	srv.Restart(t)
	code, err = s.Invite(ctx, roles.Volunteer, t0)
	if err != nil {
		t.Fatalf("Invite after a restart: %v", err)
	}
	if r, err := s.Join(ctx, code, "tg:2", t0); err != nil || r != roles.Volunteer {
		t.Errorf("Join after a restart (the script unknown to Redis) = %q, %v; want %q", r, err, roles.Volunteer)
	}
}

func TestRedisPrefixWithBrace(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Errorf("NewRedis with a brace in the prefix did not panic")
		}
	}()
	roles.NewRedis(nil, roles.Options{Prefix: "a{b"})
}
