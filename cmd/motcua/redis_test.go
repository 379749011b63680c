package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/store/redistest"
)

// redisKeys is the default configuration's Redis keys with url and addrs.
func redisKeys(url string, addrs ...string) RedisConfig {
	c := defaults().Redis
	c.URL, c.Addrs = url, addrs
	return c
}

// TestParseRedis checks the client each topology's keys make: the URL's
// options honoured or refused, the timeouts the URL leaves unset taken
// from their keys, commands bounded by their context.
func TestParseRedis(t *testing.T) {
	sentinel := func(url string) RedisConfig {
		c := redisKeys(url, "10.0.0.1:26379", "10.0.0.2:26379", "10.0.0.3:26379")
		c.MasterName, c.SentinelUsername, c.SentinelPassword = "mymaster", "watcher", "s-pw"
		return c
	}
	tests := []struct {
		name    string
		keys    RedisConfig
		check   func(t *testing.T, s redisSetup)
		wantErr string
	}{
		{name: "one node with an ACL user and options", keys: redisKeys("redis://motcua:pw@10.0.0.9:6380/2?pool_size=7&read_timeout=3s"),
			check: func(t *testing.T, s redisSetup) {
				o := s.single
				if s.topology != topologySingle || o.Addr != "10.0.0.9:6380" || o.DB != 2 || o.Username != "motcua" || o.Password != "pw" || o.PoolSize != 7 {
					t.Errorf("%s %+v", s.topology, o)
				}
				if o.ReadTimeout != 3*time.Second || o.WriteTimeout != time.Second || o.DialTimeout != 2*time.Second || o.PoolTimeout != time.Second || o.MaxRetries != -1 || !o.ContextTimeoutEnabled {
					t.Errorf("timeouts: read %v write %v dial %v pool %v, retries %d, context %v", o.ReadTimeout, o.WriteTimeout, o.DialTimeout, o.PoolTimeout, o.MaxRetries, o.ContextTimeoutEnabled)
				}
			}},
		{name: "one node over TLS", keys: redisKeys("rediss://redis.xa.vn:6380?skip_verify=true"),
			check: func(t *testing.T, s redisSetup) {
				if tc := s.single.TLSConfig; tc == nil || tc.ServerName != "redis.xa.vn" || !tc.InsecureSkipVerify {
					t.Errorf("TLS %+v", tc)
				}
			}},
		{name: "retries from the key", keys: func() RedisConfig { c := redisKeys("redis://h:1"); c.MaxRetries = 2; return c }(),
			check: func(t *testing.T, s redisSetup) {
				if s.single.MaxRetries != 2 {
					t.Errorf("MaxRetries %d, want 2", s.single.MaxRetries)
				}
			}},
		{name: "retries from the URL", keys: redisKeys("redis://h:1?max_retries=3"),
			check: func(t *testing.T, s redisSetup) {
				if s.single.MaxRetries != 3 {
					t.Errorf("MaxRetries %d, want the URL's 3", s.single.MaxRetries)
				}
			}},
		{name: "an option go-redis does not know", keys: redisKeys("redis://h:1?pool_sise=3"), wantErr: "unexpected option: pool_sise"},
		{name: "reads from replicas", keys: redisKeys("redis://h:1?read_only=true"), wantErr: "option read_only is refused"},
		{name: "a context without deadlines", keys: redisKeys("redis://h:1?context_timeout_enabled=false"), wantErr: "option context_timeout_enabled is refused"},
		{name: "several hosts", keys: redisKeys("redis://127.0.0.1:7101,127.0.0.1:7102/0"), wantErr: "list a cluster's nodes or the sentinels in redis.addrs"},
		{name: "not a URL", keys: redisKeys("redis://:s3cret@h:1:2:3/%zz"), wantErr: "redis.url is not a URL"},

		{name: "cluster", keys: redisKeys("rediss://motcua:pw@?pool_size=9&max_redirects=5", "10.0.0.1:7000", "10.0.0.2:7000", "10.0.0.3:7000"),
			check: func(t *testing.T, s redisSetup) {
				o := s.cluster
				if s.topology != topologyCluster || strings.Join(o.Addrs, ",") != "10.0.0.1:7000,10.0.0.2:7000,10.0.0.3:7000" || o.Username != "motcua" || o.Password != "pw" || o.PoolSize != 9 || o.MaxRedirects != 5 {
					t.Errorf("%s %+v", s.topology, o)
				}
				if o.ReadTimeout != time.Second || o.MaxRetries != -1 || !o.ContextTimeoutEnabled {
					t.Errorf("read %v, retries %d, context %v", o.ReadTimeout, o.MaxRetries, o.ContextTimeoutEnabled)
				}
				if o.TLSConfig == nil || o.TLSConfig.ServerName != "" {
					t.Errorf("TLS %+v: each node checked against its own address", o.TLSConfig)
				}
			}},
		{name: "cluster with an empty URL", keys: redisKeys("redis://", "10.0.0.1:7000"),
			check: func(t *testing.T, s redisSetup) {
				if s.topology != topologyCluster || len(s.cluster.Addrs) != 1 || s.cluster.Username != "" {
					t.Errorf("%s %+v", s.topology, s.cluster)
				}
			}},
		{name: "cluster and a host in the URL", keys: redisKeys("redis://10.0.0.1:7000", "10.0.0.2:7000"), wantErr: "leave the host out"},
		{name: "cluster and a database", keys: redisKeys("redis:///3", "10.0.0.2:7000"), wantErr: "only database 0"},
		{name: "cluster and an option its parser does not know", keys: redisKeys("rediss://?skip_verify=true", "10.0.0.2:7000"), wantErr: "unexpected option: skip_verify"},
		{name: "cluster reading replicas", keys: redisKeys("redis://?route_randomly=true", "10.0.0.2:7000"), wantErr: "option route_randomly is refused"},
		{name: "cluster and addr in the URL", keys: redisKeys("redis://?addr=10.0.0.3:7000", "10.0.0.2:7000"), wantErr: "redis.addrs"},

		{name: "sentinel", keys: sentinel("redis://motcua:pw@/1?pool_size=4&dial_timeout=5s"),
			check: func(t *testing.T, s redisSetup) {
				o := s.failover
				if s.topology != topologySentinel || o.MasterName != "mymaster" || len(o.SentinelAddrs) != 3 || o.SentinelAddrs[2] != "10.0.0.3:26379" {
					t.Errorf("%s %+v", s.topology, o)
				}
				if o.Username != "motcua" || o.Password != "pw" || o.SentinelUsername != "watcher" || o.SentinelPassword != "s-pw" || o.DB != 1 || o.PoolSize != 4 {
					t.Errorf("credentials, db, pool: %+v", o)
				}
				if o.DialTimeout != 5*time.Second || o.ReadTimeout != time.Second || !o.ContextTimeoutEnabled {
					t.Errorf("dial %v, read %v, context %v", o.DialTimeout, o.ReadTimeout, o.ContextTimeoutEnabled)
				}
			}},
		{name: "sentinel with a password in the query", keys: sentinel("redis:///?password=pw"), wantErr: "option password is refused"},
		{name: "sentinel reading replicas", keys: sentinel("redis://?replica_only=true"), wantErr: "option replica_only is refused"},
		{name: "sentinel over a socket", keys: sentinel("unix:///run/redis.sock"), wantErr: "redis:// or rediss://"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := parseRedis(tt.keys)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "s3cret") {
					t.Errorf("the error shows the password: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, s)
		})
	}
}

// TestRedisConfig checks the Redis keys as the configuration reads them.
func TestRedisConfig(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		env     map[string]string
		check   func(t *testing.T, c RedisConfig)
		wantErr string
	}{
		{name: "defaults", check: func(t *testing.T, c RedisConfig) {
			if c.DialTimeout != Duration(2*time.Second) || c.ReadTimeout != Duration(time.Second) || c.WriteTimeout != Duration(time.Second) || c.PoolTimeout != Duration(time.Second) || c.MaxRetries != 0 {
				t.Errorf("%+v", c)
			}
		}},
		{name: "sentinel from the environment", env: map[string]string{
			"MOTCUA_REDIS_ADDRS": "10.0.0.1:26379,10.0.0.2:26379", "MOTCUA_REDIS_MASTER_NAME": "mymaster",
			"MOTCUA_REDIS_SENTINEL_PASSWORD": "s-pw", "MOTCUA_REDIS_READ_TIMEOUT": "500ms", "MOTCUA_REDIS_MAX_RETRIES": "2",
		}, check: func(t *testing.T, c RedisConfig) {
			if len(c.Addrs) != 2 || c.Addrs[1] != "10.0.0.2:26379" || c.MasterName != "mymaster" || c.SentinelPassword != "s-pw" || c.ReadTimeout != Duration(500*time.Millisecond) || c.MaxRetries != 2 {
				t.Errorf("%+v", c)
			}
			if c.URL != "redis://" {
				t.Errorf("url %q: with addrs and no URL, Redis is on, without a password", c.URL)
			}
		}},
		{name: "cluster seeds as a YAML list", env: map[string]string{"MOTCUA_REDIS_ADDRS": "[10.0.0.1:7000, 10.0.0.2:7000]", "MOTCUA_REDIS_URL": "redis://:pw@"},
			check: func(t *testing.T, c RedisConfig) {
				if len(c.Addrs) != 2 || c.Addrs[0] != "10.0.0.1:7000" {
					t.Errorf("%+v", c)
				}
			}},
		{name: "master name without sentinels", env: map[string]string{"MOTCUA_REDIS_URL": "redis://h:1", "MOTCUA_REDIS_MASTER_NAME": "m"}, wantErr: "redis.master_name needs redis.addrs"},
		{name: "sentinel password without sentinels", env: map[string]string{"MOTCUA_REDIS_ADDRS": "h:1", "MOTCUA_REDIS_SENTINEL_PASSWORD": "x"}, wantErr: "are for Sentinel"},
		{name: "sentinel password in the file", file: "redis:\n  sentinel_password: x\n", wantErr: "set MOTCUA_REDIS_SENTINEL_PASSWORD in the environment"},
		{name: "an address without a port", env: map[string]string{"MOTCUA_REDIS_ADDRS": "10.0.0.1"}, wantErr: `"10.0.0.1" is not host:port`},
		{name: "negative retries", env: map[string]string{"MOTCUA_REDIS_MAX_RETRIES": "-1"}, wantErr: "redis.max_retries -1"},
		{name: "a bad timeout", env: map[string]string{"MOTCUA_REDIS_READ_TIMEOUT": "0s"}, wantErr: "MOTCUA_REDIS_READ_TIMEOUT"},
		{name: "a URL option refused at load", env: map[string]string{"MOTCUA_REDIS_URL": "redis://h:1?read_only=true"}, wantErr: "option read_only is refused"},
	}
	dir := t.TempDir()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, dir, strings.ReplaceAll(tt.name, " ", "_")+".yaml", tt.file)
			c, err := loadConfig(path, envOf(tt.env))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c.Redis)
		})
	}
}

// aclUser gives each server a user motcua with password pw and every
// right, as an operator who turns ACLs on does.
func aclUser(t *testing.T, servers ...*redistest.Server) {
	t.Helper()
	for _, s := range servers {
		if err := s.Client(t).Do(context.Background(), "ACL", "SETUSER", "motcua", "on", ">pw", "~*", "&*", "+@all").Err(); err != nil {
			t.Fatalf("ACL SETUSER on %s: %v", s.Addr(), err)
		}
	}
}

// TestConnectRedis connects, as serve does, to one node, a cluster and a
// master named by sentinels, each with an ACL user (and the sentinels with
// a user of their own): each takes a write and a read through the client,
// /readyz is ready on each, and the wrong password is refused, so the user
// is really the one used.
func TestConnectRedis(t *testing.T) {
	ctx := context.Background()
	single := redistest.Start(t)
	cluster := redistest.StartCluster(t, redistest.ClusterOptions{})
	sentinel := redistest.StartSentinel(t)
	aclUser(t, single)
	aclUser(t, append(cluster.Masters(), cluster.Replicas()...)...)
	aclUser(t, sentinel.Data()...)
	for _, s := range sentinel.Sentinels() {
		if err := s.Client(t).Do(ctx, "ACL", "SETUSER", "watcher", "on", ">s-pw", "allchannels", "+@all").Err(); err != nil {
			t.Fatalf("ACL SETUSER on sentinel %s: %v", s.Addr(), err)
		}
	}
	withSentinel := func(c RedisConfig, password string) RedisConfig {
		c.MasterName, c.SentinelUsername, c.SentinelPassword = redistest.MasterName, "watcher", password
		return c
	}
	tests := []struct {
		name     string
		keys     RedisConfig
		wrong    RedisConfig
		topology string
	}{
		{"single", redisKeys("redis://motcua:pw@" + single.Addr() + "/0"), redisKeys("redis://motcua:nope@" + single.Addr() + "/0"), topologySingle},
		{"cluster", redisKeys("redis://motcua:pw@", cluster.Addrs()...), redisKeys("redis://motcua:nope@", cluster.Addrs()...), topologyCluster},
		{"sentinel", withSentinel(redisKeys("redis://motcua:pw@/0", sentinel.Addrs()...), "s-pw"), withSentinel(redisKeys("redis://motcua:pw@/0", sentinel.Addrs()...), "nope"), topologySentinel},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client, topology, err := connectRedis(ctx, tt.keys)
			if err != nil {
				t.Fatal(err)
			}
			defer client.Close()
			if topology != tt.topology {
				t.Errorf("topology %s, want %s", topology, tt.topology)
			}
			key := "connect:{" + tt.name + "}"
			if err := client.Set(ctx, key, "v", time.Minute).Err(); err != nil {
				t.Fatalf("SET: %v", err)
			}
			if got, err := client.Get(ctx, key).Result(); err != nil || got != "v" {
				t.Errorf("GET = %q, %v", got, err)
			}
			if who, err := client.Do(ctx, "ACL", "WHOAMI").Text(); err != nil || who != "motcua" {
				t.Errorf("ACL WHOAMI = %q, %v; want motcua", who, err)
			}
			rd := newReadiness(client, "ready-"+tt.name, slog.New(slog.NewTextHandler(io.Discard, nil)))
			if code, _ := readyz(rd); code != http.StatusOK {
				t.Errorf("/readyz: %d, want 200", code)
			}
			if c, _, err := connectRedis(ctx, tt.wrong); err == nil {
				c.Close()
				t.Errorf("connected with a wrong password")
			} else if strings.Contains(err.Error(), "nope") {
				t.Errorf("the error shows the password: %v", err)
			}
		})
	}
}

// TestHungRedisBounded: against a Redis that hangs (SIGSTOP), a command
// with the default keys fails within read_timeout × (1 + max_retries),
// not minutes; with a context deadline it fails at that deadline.
func TestHungRedisBounded(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)
	keys := redisKeys("redis://" + srv.Addr() + "/0")
	client, _, err := connectRedis(ctx, keys)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	srv.Pause(t)
	defer srv.Resume(t)

	start := time.Now()
	err = client.Set(ctx, "k", "v", 0).Err()
	hung := time.Since(start)
	bound := time.Duration(keys.ReadTimeout)*time.Duration(1+keys.MaxRetries) + time.Second
	if err == nil || hung > bound+2*time.Second {
		t.Errorf("SET on a hung Redis: %v after %v, want an error within about %v", err, hung, bound)
	}

	dctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	start = time.Now()
	err = client.Set(dctx, "k", "v", 0).Err()
	took := time.Since(start)
	if !errors.Is(err, context.DeadlineExceeded) && !isTimeout(err) || took > 2*time.Second {
		t.Errorf("SET with a 300 ms deadline on a hung Redis: %v after %v, want a timeout at about 300 ms", err, took)
	}
	t.Logf("a hung Redis cost a command %v with the default keys, %v under a 300 ms deadline", hung.Round(time.Millisecond), took.Round(time.Millisecond))
}

func isTimeout(err error) bool {
	var te interface{ Timeout() bool }
	return errors.As(err, &te) && te.Timeout()
}
