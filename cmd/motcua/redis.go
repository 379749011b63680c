package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// The three ways to run Redis, as the configuration names them.
const (
	topologySingle   = "single"   // redis.url alone
	topologySentinel = "sentinel" // redis.addrs are sentinels; redis.master_name
	topologyCluster  = "cluster"  // redis.addrs are seed nodes
)

// redisSetup is the client the configuration describes, not yet connected:
// exactly one of its options is set.
type redisSetup struct {
	topology string
	single   *redis.Options
	failover *redis.FailoverOptions
	cluster  *redis.ClusterOptions
}

// Query options of redis.url that motcua refuses, and why. go-redis
// understands them, but honouring them would break a promise: a replica
// may answer a read with what the master no longer holds, so a
// conversation's version check would loop and an update seen by the
// master could look new; and motcua bounds every command by its context.
var refusedOptions = map[string]string{
	"read_only":                 "reads from replicas may be stale, and motcua reads what it is about to write",
	"replica_only":              "reads from replicas may be stale, and motcua reads what it is about to write",
	"route_by_latency":          "reads from replicas may be stale, and motcua reads what it is about to write",
	"route_randomly":            "reads from replicas may be stale, and motcua reads what it is about to write",
	"use_disconnected_replicas": "reads from replicas may be stale, and motcua reads what it is about to write",
	"context_timeout_enabled":   "motcua always bounds each command by its context's deadline",
	"addr":                      "list the nodes in redis.addrs (MOTCUA_REDIS_ADDRS)",
	"master_name":               "set redis.master_name (MOTCUA_REDIS_MASTER_NAME)",
	"username":                  "write the user before the host: redis://user:password@…",
	"password":                  "write the password before the host: redis://user:password@…",
}

// parseRedis reads the client's options from the configuration: the
// topology from redis.master_name and redis.addrs, everything else from
// redis.url, whose query options go-redis parses for that topology (an
// option it does not know there is an error, never ignored). Timeouts and
// retries the URL leaves unset come from their keys; every command is
// bounded by its context's deadline.
func parseRedis(c RedisConfig) (redisSetup, error) {
	u, err := url.Parse(c.URL)
	if err != nil {
		// url.Error quotes the URL, password and all.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return redisSetup{}, fmt.Errorf("redis.url is not a URL: %w", err)
	}
	if strings.Contains(u.Host, ",") {
		return redisSetup{}, fmt.Errorf("redis.url names several hosts (%s): a URL names one; list a cluster's nodes or the sentinels in redis.addrs (MOTCUA_REDIS_ADDRS)", u.Host)
	}
	q := u.Query()
	for name, why := range refusedOptions {
		if q.Has(name) {
			return redisSetup{}, fmt.Errorf("redis.url: option %s is refused: %s", name, why)
		}
	}
	if len(c.Addrs) == 0 {
		o, err := redis.ParseURL(c.URL)
		if err != nil {
			return redisSetup{}, fmt.Errorf("redis.url: %w", err)
		}
		c.bound(&o.DialTimeout, &o.ReadTimeout, &o.WriteTimeout, &o.PoolTimeout, &o.MaxRetries)
		sizeBuffers(&o.ReadBufferSize, &o.WriteBufferSize, &o.PipelineReadBufferSize, &o.PipelineWriteBufferSize)
		o.ContextTimeoutEnabled = true
		return redisSetup{topology: topologySingle, single: o}, nil
	}

	// Several nodes: redis.addrs says where they are, so the URL must not.
	if u.Host != "" {
		return redisSetup{}, fmt.Errorf("redis.url names the host %s, but redis.addrs lists the nodes: leave the host out (redis://user:password@ or redis://)", u.Host)
	}
	if u.Scheme != "redis" && u.Scheme != "rediss" {
		return redisSetup{}, fmt.Errorf("redis.url: with redis.addrs the scheme is redis:// or rediss:// (TLS), not %q", u.Scheme)
	}
	user, password := "", ""
	if u.User != nil {
		user = u.User.Username()
		password, _ = u.User.Password()
	}
	nodes := *u
	nodes.User = nil
	nodes.Host = c.Addrs[0]
	for _, a := range c.Addrs[1:] {
		q.Add("addr", a)
	}

	if c.MasterName != "" {
		q.Set("master_name", c.MasterName)
		nodes.RawQuery = q.Encode()
		o, err := redis.ParseFailoverURL(nodes.String())
		if err != nil {
			return redisSetup{}, fmt.Errorf("redis.url with redis.addrs and redis.master_name: %w", err)
		}
		// ParseFailoverURL would take the URL's user for the sentinels';
		// here it is the data nodes', as in every topology.
		o.Username, o.Password = user, password
		o.SentinelUsername, o.SentinelPassword = c.SentinelUsername, c.SentinelPassword
		c.bound(&o.DialTimeout, &o.ReadTimeout, &o.WriteTimeout, &o.PoolTimeout, &o.MaxRetries)
		sizeBuffers(&o.ReadBufferSize, &o.WriteBufferSize, &o.PipelineWriteBufferSize)
		o.ContextTimeoutEnabled = true
		if o.TLSConfig != nil {
			// Each server's certificate is checked against the address it
			// is reached at, not the first sentinel's.
			o.TLSConfig.ServerName = ""
		}
		return redisSetup{topology: topologySentinel, failover: o}, nil
	}

	if db := strings.Trim(u.Path, "/"); db != "" && db != "0" {
		return redisSetup{}, fmt.Errorf("redis.url: a cluster has only database 0, not %s", db)
	}
	nodes.Path = ""
	nodes.RawQuery = q.Encode()
	o, err := redis.ParseClusterURL(nodes.String())
	if err != nil {
		return redisSetup{}, fmt.Errorf("redis.url with redis.addrs: %w", err)
	}
	o.Username, o.Password = user, password
	c.bound(&o.DialTimeout, &o.ReadTimeout, &o.WriteTimeout, &o.PoolTimeout, &o.MaxRetries)
	sizeBuffers(&o.ReadBufferSize, &o.WriteBufferSize, &o.PipelineWriteBufferSize)
	o.ContextTimeoutEnabled = true
	if o.TLSConfig != nil {
		o.TLSConfig.ServerName = ""
	}
	return redisSetup{topology: topologyCluster, cluster: o}, nil
}

// defaultRedis are the Redis keys' defaults: a hung Redis (SIGSTOP) costs a
// command about read_timeout, 1 s (2 s on a new connection), and a webhook
// update 5.5 s (the bot tries three times), not minutes. go-redis tries
// nothing again by itself: each caller already does (the bot, the
// scheduler's next tick, the notices worker, Telegram's redelivery), and
// retries in both places would multiply the wait.
func defaultRedis() RedisConfig {
	return RedisConfig{
		Prefix: "mc", DialTimeout: Duration(2 * time.Second), ReadTimeout: Duration(time.Second),
		WriteTimeout: Duration(time.Second), PoolTimeout: Duration(time.Second), MaxRetries: 0,
	}
}

// validate checks the Redis keys: they must make a client, and nothing
// set may go unused.
func (c RedisConfig) validate() []error {
	var errs []error
	for _, a := range c.Addrs {
		if err := validAddr(a); err != nil {
			errs = append(errs, fmt.Errorf("redis.addrs: %w", err))
		}
	}
	switch {
	case c.MasterName != "" && len(c.Addrs) == 0:
		errs = append(errs, errors.New("redis.master_name needs redis.addrs: the sentinels' addresses"))
	case c.MasterName == "" && (c.SentinelUsername != "" || c.SentinelPassword != ""):
		errs = append(errs, errors.New("redis.sentinel_username and MOTCUA_REDIS_SENTINEL_PASSWORD are for Sentinel: set redis.master_name and redis.addrs too"))
	}
	if c.MaxRetries < 0 {
		errs = append(errs, fmt.Errorf("redis.max_retries %d: 0 (none) or more", c.MaxRetries))
	}
	if c.URL != "" && len(errs) == 0 {
		if _, err := parseRedis(c); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// bound sets the timeouts and retries the URL left unset from their keys.
func (c RedisConfig) bound(dial, read, write, pool *time.Duration, retries *int) {
	for _, d := range []struct {
		v   *time.Duration
		key Duration
	}{{dial, c.DialTimeout}, {read, c.ReadTimeout}, {write, c.WriteTimeout}, {pool, c.PoolTimeout}} {
		if *d.v == 0 {
			*d.v = time.Duration(d.key)
		}
	}
	if *retries == 0 {
		*retries = c.MaxRetries
		if *retries == 0 {
			*retries = -1 // go-redis reads 0 as its default, 3
		}
	}
}

// redisBuffer sizes each connection's buffers, both ways. go-redis's
// defaults are for large values: 32 KiB each way, 128 KiB for the pipeline
// pool's writes, 192 KiB for a pooled pipeline connection, megabytes for a
// pool. The bot's commands and replies are a few hundred bytes (a
// conversation, a kept reply) to a few KiB (a notice's batch of 100 chats);
// a longer reply is read in several fills, not refused.
const redisBuffer = 8 << 10

// sizeBuffers sets go-redis's buffer sizes to redisBuffer where a URL did
// not set them.
func sizeBuffers(sizes ...*int) {
	for _, n := range sizes {
		if *n == 0 {
			*n = redisBuffer
		}
	}
}

// client returns a new client; it connects on first use.
func (s redisSetup) client() redis.UniversalClient {
	switch {
	case s.failover != nil:
		return redis.NewFailoverClient(s.failover)
	case s.cluster != nil:
		return redis.NewClusterClient(s.cluster)
	default:
		return redis.NewClient(s.single)
	}
}

// where says where the client connects, for messages: never a password.
func (s redisSetup) where() string {
	switch {
	case s.failover != nil:
		return fmt.Sprintf("master %q of the sentinels %s", s.failover.MasterName, strings.Join(s.failover.SentinelAddrs, ", "))
	case s.cluster != nil:
		return "the cluster at " + strings.Join(s.cluster.Addrs, ", ")
	default:
		return s.single.Addr
	}
}

// connectRedis builds the configured client and checks that it can reach
// Redis within dial_timeout (at least 3 s): for a cluster, that it can map
// the slots; for Sentinel, that a sentinel names the master.
func connectRedis(ctx context.Context, c RedisConfig) (redis.UniversalClient, string, error) {
	s, err := parseRedis(c)
	if err != nil {
		return nil, "", err
	}
	client := s.client()
	pingCtx, cancel := context.WithTimeout(ctx, max(3*time.Second, time.Duration(c.DialTimeout)))
	defer cancel()
	if err := client.Ping(pingCtx).Err(); err != nil {
		client.Close()
		return nil, "", fmt.Errorf("cannot reach Redis (%s, %s): %w; unset MOTCUA_REDIS_URL to try the bot on the memory store", s.topology, s.where(), err)
	}
	return client, s.topology, nil
}

// validAddr checks a redis.addrs entry: host:port.
func validAddr(a string) error {
	host, port, err := net.SplitHostPort(a)
	if err != nil || host == "" || port == "" {
		return fmt.Errorf("%q is not host:port", a)
	}
	return nil
}
