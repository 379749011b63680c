package main

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"reflect"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/flows"
)

// Config is motcua's configuration: config.yaml, then MOTCUA_<SECTION>_<KEY>
// environment variables over it (MOTCUA_REDIS_URL, MOTCUA_LOG_LEVEL…).
// Secrets come only from the environment.
type Config struct {
	Timezone     string             `yaml:"timezone"`
	Commune      bot.Commune        `yaml:"commune"`
	Redis        RedisConfig        `yaml:"redis"`
	Conversation ConversationConfig `yaml:"conversation"`
	Procedures   ProceduresConfig   `yaml:"procedures"`
	Log          LogConfig          `yaml:"log"`
	Telegram     TelegramConfig     `yaml:"telegram"`
	HTTP         HTTPConfig         `yaml:"http"`
	Reminders    RemindersConfig    `yaml:"reminders"`
	Volunteers   VolunteersConfig   `yaml:"volunteers"`
	Notices      NoticesConfig      `yaml:"notices"`
	Zalo         ZaloConfig         `yaml:"zalo"`
	Updates      UpdatesConfig      `yaml:"updates"`
}

// UpdatesConfig bounds the handling of what citizens send, on every
// channel.
type UpdatesConfig struct {
	// Deadline bounds the handling of one update, its reply sent: past
	// it, a webhook answers 503 (Telegram delivers the update again),
	// polling asks for it again, Zalo's worker tries again later.
	Deadline Duration `yaml:"deadline"`
	// ChatRate and ChatBurst bound one chat: a token bucket of ChatBurst
	// updates refilled at ChatRate a second. An update over it is dropped,
	// the first of a burst answered "bạn gửi nhanh quá". 0: no bound.
	ChatRate  float64 `yaml:"chat_rate"`
	ChatBurst int     `yaml:"chat_burst"`
}

// Longest is how long the delivery of one update may last: its Deadline
// and 10 s more. Past the deadline the handling is cancelled, but what
// was under way takes a moment to return and the answer is still to be
// written; the margin, generous against that moment, keeps a delivery
// still live from being cut short (the HTTP server's write timeout) or
// doubled (the hold on its reply against a redelivery).
func (u UpdatesConfig) Longest() time.Duration {
	return time.Duration(u.Deadline) + 10*time.Second
}

// NoticesConfig sets how staff's notices are sent (they need Redis).
type NoticesConfig struct {
	// Workers are the recipients a replica sends to at once; the outbox
	// paces them.
	Workers int `yaml:"workers"`
	// Lease is how long a notice's job may go without its replica
	// renewing it before another replica takes it over; the replica
	// renews it every third of it.
	Lease Duration `yaml:"lease"`
	// ReportEvery is how often staff's progress message is edited.
	ReportEvery Duration `yaml:"report_every"`
	// Retention is how long a finished notice is kept.
	Retention Duration `yaml:"retention"`
}

// ZaloConfig runs the bot on Zalo's Bot Platform too. The token and the
// webhook secret come only from the environment (MOTCUA_ZALO_TOKEN,
// MOTCUA_ZALO_WEBHOOK_SECRET).
type ZaloConfig struct {
	Token         string `yaml:"token"`
	WebhookSecret string `yaml:"webhook_secret"`
	APIURL        string `yaml:"api_url"`
	// WebhookURL, when set, is the public address Zalo posts updates to;
	// empty: long polling.
	WebhookURL string   `yaml:"webhook_url"`
	Workers    int      `yaml:"workers"`
	Timeout    Duration `yaml:"timeout"`
	// Quota is how many messages the bot may send unasked in a calendar
	// month (Zalo's free plan: 3,000); 0 for none.
	Quota int `yaml:"quota"`
	// PerSecond paces unasked messages on Zalo.
	PerSecond float64 `yaml:"per_second"`
}

// VolunteersConfig connects citizens' questions to the commune's volunteer
// team. Without a group, asking volunteers is off.
type VolunteersConfig struct {
	// Group is the volunteers' group chat ("tg:-1001234567890"), where
	// tickets are posted and claimed; StaffChat the staff's.
	Group     string `yaml:"group"`
	StaffChat string `yaml:"staff_chat"`
	// Volunteers and Staff are user ids ("tg:123456") that always have
	// their role; others join with invite codes (/moi, /thamgia).
	Volunteers []string `yaml:"volunteers"`
	Staff      []string `yaml:"staff"`
	// RenotifyAfter: an unclaimed ticket is posted again; EscalateAfter:
	// staff are told, within DeskHours (e.g. "07:30-11:30,13:30-17:00",
	// Monday to Friday).
	RenotifyAfter Duration `yaml:"renotify_after"`
	EscalateAfter Duration `yaml:"escalate_after"`
	DeskHours     string   `yaml:"desk_hours"`
	// Retention is how long a closed ticket's content is kept.
	Retention Duration `yaml:"retention"`
}

// RemindersConfig sets when BHYT reminders are sent and how fast.
type RemindersConfig struct {
	// Procedure is the procedure whose `reminder:` texts word the reminders.
	Procedure string `yaml:"procedure"`
	// Flow is the procedure that sets a reminder (/nhacnho's "add").
	Flow string `yaml:"flow"`
	// Leads are the days before expiry a reminder is sent; After the days
	// after it, when she has not said the card was renewed (0: none).
	Leads []int `yaml:"leads"`
	After int   `yaml:"after"`
	// At is the time of day reminders are sent, HH:MM.
	At string `yaml:"at"`
	// SnoozeDays is how long "Nhắc lại sau" waits.
	SnoozeDays int `yaml:"snooze_days"`
	// QuietFrom and QuietTo bound the hours nothing but urgent notices is
	// sent (HH:MM; equal for none).
	QuietFrom string `yaml:"quiet_from"`
	QuietTo   string `yaml:"quiet_to"`
	// Spec is the cron schedule of the sending job ("@every 5s").
	Spec string `yaml:"spec"`
	// Lease is how long a claimed reminder is held, without renewal,
	// before another replica may send it; the replica sending renews it
	// every third of it.
	Lease Duration `yaml:"lease"`
	// PerSecond is the bot's pace of unasked messages. Telegram allows 30,
	// but at exactly 30 network jitter meets a 429 every 40–50 sends, each
	// pausing every send for a second: 29 is the default.
	PerSecond float64 `yaml:"per_second"`
}

// TelegramConfig runs the bot on Telegram. The token and the webhook secret
// come only from the environment (MOTCUA_TELEGRAM_TOKEN,
// MOTCUA_TELEGRAM_WEBHOOK_SECRET).
type TelegramConfig struct {
	Token         string `yaml:"token"`
	WebhookSecret string `yaml:"webhook_secret"`
	// APIURL is the Bot API server; a self-hosted one works too.
	APIURL string `yaml:"api_url"`
	// WebhookURL, when set, is the public address Telegram posts updates to
	// (webhook mode); its path is served on http.listen. Empty: long
	// polling.
	WebhookURL string   `yaml:"webhook_url"`
	Workers    int      `yaml:"workers"`
	Timeout    Duration `yaml:"timeout"`
}

// HTTPConfig is the one HTTP listener: /healthz, /readyz, /metrics and the
// webhook.
type HTTPConfig struct {
	Listen string `yaml:"listen"`
	// MetricsListen, when set, serves /metrics there instead of on
	// Listen, so that it need not face the internet.
	MetricsListen string `yaml:"metrics_listen"`
	// ShutdownTimeout bounds how long updates in flight may take to finish
	// on SIGTERM.
	ShutdownTimeout Duration `yaml:"shutdown_timeout"`
	// ReadTimeout bounds reading a request, body included; IdleTimeout
	// how long a kept-alive connection may wait for its next request.
	ReadTimeout Duration `yaml:"read_timeout"`
	IdleTimeout Duration `yaml:"idle_timeout"`
	// MaxConnections bounds the connections open at once; more wait to
	// be accepted. 0: a quarter of the process's open-file limit, at
	// most 1024.
	MaxConnections int `yaml:"max_connections"`
}

// RedisConfig says where conversations are kept. With no URL (and no
// Addrs) they are kept in memory, for a trial run. See redis.go for how the
// keys make a client.
type RedisConfig struct {
	// URL such as rediss://user:password@localhost:6379/0?pool_size=20:
	// TLS, the ACL user, the database and go-redis's options. A password
	// belongs in MOTCUA_REDIS_URL, never in the file. With Addrs it names
	// no host, and may be left empty.
	URL    string `yaml:"url"`
	Prefix string `yaml:"prefix"`
	// Addrs (host:port) are the sentinels when MasterName is set, else a
	// Redis Cluster's seed nodes.
	Addrs      []string `yaml:"addrs"`
	MasterName string   `yaml:"master_name"`
	// SentinelUsername and SentinelPassword (MOTCUA_REDIS_SENTINEL_PASSWORD,
	// never in the file) are the sentinels' own, when they ask for one.
	SentinelUsername string `yaml:"sentinel_username"`
	SentinelPassword string `yaml:"sentinel_password"`
	// Bounds on each try of a command, and how many times one that got no
	// answer is tried again (0: never). A deadline of the caller's context
	// bounds the whole.
	DialTimeout  Duration `yaml:"dial_timeout"`
	ReadTimeout  Duration `yaml:"read_timeout"`
	WriteTimeout Duration `yaml:"write_timeout"`
	PoolTimeout  Duration `yaml:"pool_timeout"`
	MaxRetries   int      `yaml:"max_retries"`
}

// ConversationConfig sets how long an idle conversation is kept.
type ConversationConfig struct {
	IdleTTL Duration `yaml:"idle_ttl"`
}

// ProceduresConfig names a directory of procedure files laid over the
// shipped ones: same id replaces, a new id adds.
type ProceduresConfig struct {
	Dir string `yaml:"dir"`
}

// LogConfig sets the log level (debug, info, warn, error) and format (text,
// json).
type LogConfig struct {
	Level  string `yaml:"level"`
	Format string `yaml:"format"`
	// RepeatEvery: a warning or error of one kind (its message) is
	// written once per this interval, the next one saying how many were
	// dropped.
	RepeatEvery Duration `yaml:"repeat_every"`
}

// Duration reads "720h", "30m" or a number of days such as "30d".
type Duration time.Duration

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Duration) UnmarshalText(b []byte) error {
	s := strings.TrimSpace(string(b))
	if days, ok := strings.CutSuffix(s, "d"); ok {
		var n int
		if _, err := fmt.Sscanf(days, "%d", &n); err != nil || n <= 0 || fmt.Sprint(n) != days {
			return fmt.Errorf("%q is not a duration such as 30d or 12h", s)
		}
		*d = Duration(time.Duration(n) * 24 * time.Hour)
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil || v <= 0 {
		return fmt.Errorf("%q is not a duration such as 30d or 12h", s)
	}
	*d = Duration(v)
	return nil
}

func defaults() Config {
	return Config{
		Timezone:     "Asia/Ho_Chi_Minh",
		Redis:        defaultRedis(),
		Conversation: ConversationConfig{IdleTTL: Duration(30 * 24 * time.Hour)},
		Log:          LogConfig{Level: "info", Format: "text", RepeatEvery: Duration(10 * time.Second)},
		Telegram:     TelegramConfig{APIURL: "https://api.telegram.org", Workers: 256, Timeout: Duration(10 * time.Second)},
		HTTP: HTTPConfig{
			Listen: ":8080", ShutdownTimeout: Duration(20 * time.Second),
			ReadTimeout: Duration(10 * time.Second), IdleTimeout: Duration(60 * time.Second),
		},
		Updates: UpdatesConfig{Deadline: Duration(15 * time.Second), ChatRate: 1, ChatBurst: 10},
		Reminders: RemindersConfig{
			Procedure: "bhyt-gia-han", Flow: "nhac-nho", Leads: []int{30, 7, 1}, After: 1, At: "08:00",
			SnoozeDays: 3, QuietFrom: "21:00", QuietTo: "07:00", Spec: "@every 5s",
			Lease: Duration(10 * time.Second), PerSecond: 29,
		},
		Volunteers: VolunteersConfig{
			RenotifyAfter: Duration(30 * time.Minute), EscalateAfter: Duration(4 * time.Hour),
			DeskHours: "07:30-11:30,13:30-17:00", Retention: Duration(30 * 24 * time.Hour),
		},
		Notices: NoticesConfig{
			Workers: 8, Lease: Duration(10 * time.Second), ReportEvery: Duration(5 * time.Second),
			Retention: Duration(90 * 24 * time.Hour),
		},
		Zalo: ZaloConfig{
			APIURL: "https://bot-api.zaloplatforms.com", Workers: 256, Timeout: Duration(10 * time.Second),
			Quota: 3000, PerSecond: 5,
		},
	}
}

// loadConfig reads the file at path (none when path is empty and
// config.yaml is absent), then the environment. Every problem is reported at
// once.
func loadConfig(path string, env func(string) (string, bool)) (Config, error) {
	cfg := defaults()
	explicit := path != ""
	if path == "" {
		path = "config.yaml"
	}
	data, err := os.ReadFile(path)
	switch {
	case err == nil:
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
			return Config{}, fmt.Errorf("config %s: %w", path, err)
		}
		if err := secretsInFile(cfg); err != nil {
			return Config{}, fmt.Errorf("config %s: %w", path, err)
		}
	case explicit || !errors.Is(err, os.ErrNotExist):
		return Config{}, fmt.Errorf("config: %w", err)
	}
	if err := applyEnv(&cfg, env); err != nil {
		return Config{}, err
	}
	if cfg.Redis.URL == "" && len(cfg.Redis.Addrs) > 0 {
		cfg.Redis.URL = "redis://" // the nodes need no password
	}
	return cfg, cfg.validate()
}

// secretsInFile refuses a secret written in the committed file.
func secretsInFile(cfg Config) error {
	if cfg.Zalo.Token != "" {
		return errors.New("zalo.token is a secret: set MOTCUA_ZALO_TOKEN in the environment instead")
	}
	if cfg.Zalo.WebhookSecret != "" {
		return errors.New("zalo.webhook_secret is a secret: set MOTCUA_ZALO_WEBHOOK_SECRET in the environment instead")
	}
	if cfg.Telegram.Token != "" {
		return errors.New("telegram.token is a secret: set MOTCUA_TELEGRAM_TOKEN in the environment instead")
	}
	if cfg.Telegram.WebhookSecret != "" {
		return errors.New("telegram.webhook_secret is a secret: set MOTCUA_TELEGRAM_WEBHOOK_SECRET in the environment instead")
	}
	if cfg.Redis.SentinelPassword != "" {
		return errors.New("redis.sentinel_password is a secret: set MOTCUA_REDIS_SENTINEL_PASSWORD in the environment instead")
	}
	if u, err := url.Parse(cfg.Redis.URL); err == nil && u.User != nil {
		if _, ok := u.User.Password(); ok {
			return errors.New("redis.url holds a password: set it in the environment as MOTCUA_REDIS_URL instead")
		}
	}
	return nil
}

// applyEnv sets every field that has a MOTCUA_<SECTION>_<KEY> variable, or
// MOTCUA_<KEY> for top-level fields.
func applyEnv(cfg *Config, env func(string) (string, bool)) error {
	var errs []error
	var walk func(v reflect.Value, prefix string)
	walk = func(v reflect.Value, prefix string) {
		for i := 0; i < v.NumField(); i++ {
			name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("yaml"), ",")
			key := prefix + "_" + strings.ToUpper(name)
			f := v.Field(i)
			if f.Kind() == reflect.Struct {
				walk(f, key)
				continue
			}
			val, ok := env(key)
			if !ok {
				continue
			}
			if err := yaml.Unmarshal([]byte(quoteScalar(val, f.Kind())), f.Addr().Interface()); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", key, err))
			}
		}
	}
	walk(reflect.ValueOf(cfg).Elem(), "MOTCUA")
	return errors.Join(errs...)
}

// quoteScalar makes an environment value YAML of the field's kind:
// strings are quoted so that "yes" or "08" stay as typed; a list may be
// written without its brackets ("10.0.0.1:26379,10.0.0.2:26379").
func quoteScalar(val string, kind reflect.Kind) string {
	switch {
	case kind == reflect.String:
		return fmt.Sprintf("%q", val)
	case kind == reflect.Slice && !strings.HasPrefix(strings.TrimSpace(val), "["):
		return "[" + val + "]"
	}
	return val
}

// deskHours reads "07:30-11:30,13:30-17:00" into a test of whether a time
// is within the desk's hours, Monday to Friday.
func deskHours(spec string) (func(time.Time) bool, error) {
	type span struct{ from, to time.Duration }
	var spans []span
	for _, part := range strings.Split(spec, ",") {
		from, to, ok := strings.Cut(strings.TrimSpace(part), "-")
		f, err1 := clock(strings.TrimSpace(from))
		t, err2 := clock(strings.TrimSpace(to))
		if !ok || err1 != nil || err2 != nil || t <= f {
			return nil, fmt.Errorf("write spans HH:MM-HH:MM separated by commas")
		}
		spans = append(spans, span{f, t})
	}
	return func(at time.Time) bool {
		if at.Weekday() == time.Saturday || at.Weekday() == time.Sunday {
			return false
		}
		since := time.Duration(at.Hour())*time.Hour + time.Duration(at.Minute())*time.Minute
		for _, s := range spans {
			if since >= s.from && since < s.to {
				return true
			}
		}
		return false
	}, nil
}

// clock reads a time of day "HH:MM" as the time since midnight.
func clock(hm string) (time.Duration, error) {
	t, err := time.Parse("15:04", hm)
	if err != nil {
		return 0, err
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}

func (c Config) validate() error {
	var errs []error
	if _, err := time.LoadLocation(c.Timezone); err != nil {
		errs = append(errs, fmt.Errorf("timezone %q: %w", c.Timezone, err))
	}
	if strings.ContainsAny(c.Redis.Prefix, "{}") || c.Redis.Prefix == "" {
		errs = append(errs, fmt.Errorf("redis.prefix %q: must be non-empty, without { or }", c.Redis.Prefix))
	}
	errs = append(errs, c.Redis.validate()...)
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("log.level %q: one of debug, info, warn, error", c.Log.Level))
	}
	if c.Commune.Name != "" {
		if _, err := flows.ParseDate(c.Commune.Updated, flows.Date{Year: 2100}); err != nil {
			errs = append(errs, fmt.Errorf("commune.updated %q: the date (dd/mm/yyyy) staff last checked the commune's information", c.Commune.Updated))
		}
	}
	if c.Telegram.WebhookURL != "" {
		u, err := url.Parse(c.Telegram.WebhookURL)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			errs = append(errs, fmt.Errorf("telegram.webhook_url %q: an https:// address Telegram can reach", c.Telegram.WebhookURL))
		}
	}
	if _, err := bot.VillagesFromNames(c.Commune.Villages); err != nil {
		errs = append(errs, fmt.Errorf("commune.villages: %w", err))
	}
	if c.Zalo.WebhookURL != "" {
		u, err := url.Parse(c.Zalo.WebhookURL)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			errs = append(errs, fmt.Errorf("zalo.webhook_url %q: an https:// address Zalo can reach", c.Zalo.WebhookURL))
		}
	}
	if c.Telegram.WebhookURL != "" && c.Zalo.WebhookURL != "" {
		tu, _ := url.Parse(c.Telegram.WebhookURL)
		zu, _ := url.Parse(c.Zalo.WebhookURL)
		if tu != nil && zu != nil && cmp.Or(tu.Path, "/") == cmp.Or(zu.Path, "/") {
			errs = append(errs, fmt.Errorf("telegram.webhook_url and zalo.webhook_url: both are served on http.listen, so their paths must differ (e.g. /telegram and /zalo)"))
		}
	}
	if c.Zalo.Workers <= 0 || c.Notices.Workers <= 0 {
		errs = append(errs, fmt.Errorf("zalo.workers %d, notices.workers %d: at least 1", c.Zalo.Workers, c.Notices.Workers))
	}
	if c.Zalo.Quota < 0 || c.Zalo.PerSecond <= 0 {
		errs = append(errs, fmt.Errorf("zalo.quota %d, zalo.per_second %v: a quota of 0 (none) or more, a pace above 0", c.Zalo.Quota, c.Zalo.PerSecond))
	}
	if c.Telegram.Workers <= 0 {
		errs = append(errs, fmt.Errorf("telegram.workers %d: at least 1", c.Telegram.Workers))
	}
	for _, hm := range []struct{ name, v string }{{"reminders.at", c.Reminders.At}, {"reminders.quiet_from", c.Reminders.QuietFrom}, {"reminders.quiet_to", c.Reminders.QuietTo}} {
		if _, err := clock(hm.v); err != nil {
			errs = append(errs, fmt.Errorf("%s %q: a time of day HH:MM", hm.name, hm.v))
		}
	}
	if _, err := deskHours(c.Volunteers.DeskHours); err != nil {
		errs = append(errs, fmt.Errorf("volunteers.desk_hours %q: %w", c.Volunteers.DeskHours, err))
	}
	if c.Reminders.PerSecond <= 0 || c.Reminders.PerSecond > 30 {
		errs = append(errs, fmt.Errorf("reminders.per_second %v: more than 0, at most Telegram's 30", c.Reminders.PerSecond))
	}
	// Renewed every third: a lease shorter than a second would be lost to
	// a pause of the process or of Redis, and the work taken over.
	for _, l := range []struct {
		name string
		d    Duration
	}{{"reminders.lease", c.Reminders.Lease}, {"notices.lease", c.Notices.Lease}} {
		if time.Duration(l.d) < time.Second {
			errs = append(errs, fmt.Errorf("%s %v: at least 1s (it is renewed every third of it)", l.name, time.Duration(l.d)))
		}
	}
	switch c.Log.Format {
	case "text", "json":
	default:
		errs = append(errs, fmt.Errorf("log.format %q: text or json", c.Log.Format))
	}
	if c.Updates.ChatRate < 0 || (c.Updates.ChatRate > 0 && c.Updates.ChatBurst < 1) {
		errs = append(errs, fmt.Errorf("updates.chat_rate %v, updates.chat_burst %d: a rate of 0 (no bound) or more, with a burst of at least 1", c.Updates.ChatRate, c.Updates.ChatBurst))
	}
	if c.HTTP.MaxConnections < 0 {
		errs = append(errs, fmt.Errorf("http.max_connections %d: 0 (from the open-file limit) or more", c.HTTP.MaxConnections))
	}
	if c.HTTP.MetricsListen != "" && c.HTTP.MetricsListen == c.HTTP.Listen {
		errs = append(errs, fmt.Errorf("http.metrics_listen %q: another address than http.listen, or empty to serve /metrics there", c.HTTP.MetricsListen))
	}
	return errors.Join(errs...)
}
