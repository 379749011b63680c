package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/motcua/motcua/bot/telegram/telegramtest"
	"github.com/motcua/motcua/store/redistest"
)

// The fault tests drive `motcua serve` as a process (webhook mode), with a
// fake Bot API that can fail, limit per chat and answer slowly, and a
// private redis-server they can pause, kill and fill. Each is one row of
// the table of issue 12, reversed: what was lost or stalled is not.

const (
	faultToken  = "77:fault-token"
	faultSecret = "fault_secret_77"
	hookPath    = "/telegram"
)

// faultRig is the world of one fault test: a fake Bot API, a Redis, and
// the environment every motcua process of the test shares.
type faultRig struct {
	t     *testing.T
	api   *telegramtest.Server
	redis *redistest.Server
	env   map[string]string
}

func newFaultRig(t *testing.T) *faultRig {
	t.Helper()
	r := &faultRig{t: t, api: telegramtest.New(t, faultToken), redis: redistest.Start(t)}
	r.env = map[string]string{
		"MOTCUA_TELEGRAM_TOKEN":          faultToken,
		"MOTCUA_TELEGRAM_API_URL":        r.api.URL(),
		"MOTCUA_TELEGRAM_WEBHOOK_URL":    "https://bot.example.vn" + hookPath,
		"MOTCUA_TELEGRAM_WEBHOOK_SECRET": faultSecret,
		"MOTCUA_REDIS_URL":               "redis://" + r.redis.Addr() + "/0",
		"MOTCUA_PROCEDURES_DIR":          "testdata/faults",
		"MOTCUA_LOG_LEVEL":               "warn",
		"MOTCUA_LOG_FORMAT":              "json",
		"MOTCUA_REMINDERS_QUIET_FROM":    "00:00",
		"MOTCUA_REMINDERS_QUIET_TO":      "00:00",
	}
	return r
}

// serve starts a motcua process on a free address, with vars over the
// rig's environment.
func (r *faultRig) serve(vars map[string]string) *proc {
	r.t.Helper()
	env := map[string]string{"MOTCUA_HTTP_LISTEN": freeAddr(r.t)}
	for k, v := range r.env {
		env[k] = v
	}
	for k, v := range vars {
		env[k] = v
	}
	return startProc(r.t, env)
}

// courier posts updates to webhooks as Telegram does: once more after a
// non-2xx answer or a failed connection, a moment later, to the next
// webhook in turn (several replicas behind a balancer).
type courier struct {
	hooks []string
	pause time.Duration
	next  atomic.Int64
}

func newCourier(procs ...*proc) *courier {
	c := &courier{pause: 100 * time.Millisecond}
	for _, p := range procs {
		c.hooks = append(c.hooks, p.url(hookPath))
	}
	return c
}

// post makes one delivery of u to hook, for at most a minute, and
// returns the status.
func (c *courier) post(ctx context.Context, hook string, u tgbotapi.Update) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	resp, err := telegramtest.Deliver(ctx, hook, faultSecret, u)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// deliver delivers u until a webhook answers 200, for up to a minute, and
// returns how many deliveries it took.
func (c *courier) deliver(ctx context.Context, u tgbotapi.Update) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for attempt := 1; ; attempt++ {
		hook := c.hooks[int(c.next.Add(1))%len(c.hooks)]
		code, err := c.post(ctx, hook, u)
		if err == nil && code == http.StatusOK {
			return attempt, nil
		}
		select {
		case <-ctx.Done():
			return attempt, fmt.Errorf("update %d not taken after %d deliveries (last: %d, %v)", u.UpdateID, attempt, code, err)
		case <-time.After(c.pause):
		}
	}
}

// walk is the form of testdata/faults: what a citizen types, and the
// start of what the bot must answer.
var walk = []struct{ text, want string }{
	{"/start thu-loi", "Bước một:"},
	{"Nguyễn Thị Lan", "Bước hai:"},
	{"01/02/1990", "Bước ba:"},
	{"3", "Bước bốn:"},
	{"1", "Đã ghi nhận: Nguyễn Thị Lan."},
}

// walkForm takes chat through the form, each update delivered until
// taken, and returns how long each took to be taken.
func walkForm(ctx context.Context, c *courier, chat int64) ([]time.Duration, error) {
	var took []time.Duration
	for _, s := range walk {
		start := time.Now()
		if _, err := c.deliver(ctx, telegramtest.TextUpdate(chat, "private", chat, s.text)); err != nil {
			return took, fmt.Errorf("chat %d, %q: %w", chat, s.text, err)
		}
		took = append(took, time.Since(start))
	}
	return took, nil
}

// sentWith counts the messages to chat that start with prefix.
func sentWith(api *telegramtest.Server, chat int64, prefix string) int {
	n := 0
	for _, m := range api.SentTo(chat) {
		if strings.HasPrefix(m.Text, prefix) {
			n++
		}
	}
	return n
}

// answered counts, for each step of the walk, how many messages to chat
// start with its answer: 1 each when nothing was lost nor repeated.
func answered(api *telegramtest.Server, chat int64) []int {
	counts := make([]int, len(walk))
	for _, m := range api.SentTo(chat) {
		for i, s := range walk {
			if strings.HasPrefix(m.Text, s.want) {
				counts[i]++
			}
		}
	}
	return counts
}

// TestFaultBotAPIFailsAfterTheSave: the Bot API answers 502 to sendMessage
// four times in a row, after the conversation was saved. The webhook says
// 503 rather than 200; Telegram's redelivery gets the saved reply — the
// question she had not seen — once, and the conversation moved once.
func TestFaultBotAPIFailsAfterTheSave(t *testing.T) {
	r := newFaultRig(t)
	p := r.serve(nil)
	c := newCourier(p)
	ctx := context.Background()
	const chat = 9001
	if _, err := c.deliver(ctx, telegramtest.TextUpdate(chat, "private", chat, walk[0].text)); err != nil {
		t.Fatal(err)
	}
	for range 4 {
		r.api.FailNext("sendMessage", http.StatusBadGateway, "<html><body>502 Bad Gateway</body></html>")
	}
	u := telegramtest.TextUpdate(chat, "private", chat, walk[1].text)
	code, err := c.post(ctx, p.url(hookPath), u)
	if err != nil || code != http.StatusServiceUnavailable {
		t.Fatalf("the webhook answered %d, %v while the reply could not be sent; want 503 so that Telegram delivers it again", code, err)
	}
	if got := answered(r.api, chat)[1]; got != 0 {
		t.Fatalf("the question was sent %d times through four 502s", got)
	}
	if _, err := c.deliver(ctx, u); err != nil {
		t.Fatal(err)
	}
	for _, s := range walk[2:] {
		if _, err := c.deliver(ctx, telegramtest.TextUpdate(chat, "private", chat, s.text)); err != nil {
			t.Fatal(err)
		}
	}
	if got := answered(r.api, chat); !slices.Equal(got, []int{1, 1, 1, 1, 1}) {
		t.Errorf("answers per step %v, want each once: the redelivery sends the saved reply, and the conversation moved once", got)
	}
}

// TestFaultReplicaKilledUnderLoad: two replicas under load; one is killed
// (SIGKILL) midway; Telegram redelivers what it did not take to the other.
// Every update gets its reply; an answer is repeated only for an update in
// flight at the kill (its reply sent, not yet recorded).
func TestFaultReplicaKilledUnderLoad(t *testing.T) {
	r := newFaultRig(t)
	r.api.SetLatency(20 * time.Millisecond)
	// A short deadline, so that the dead replica's hold on the replies it
	// was sending ends soon (the deadline and 10 s).
	vars := map[string]string{"MOTCUA_UPDATES_DEADLINE": "2s"}
	a, b := r.serve(vars), r.serve(vars)
	c := newCourier(a, b)
	ctx := context.Background()

	const walkers = 24
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		errs     []error
		progress atomic.Int64
	)
	killed := make(chan struct{})
	for w := range walkers {
		wg.Go(func() {
			chat := int64(9100 + w)
			for _, s := range walk {
				if _, err := c.deliver(ctx, telegramtest.TextUpdate(chat, "private", chat, s.text)); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
					return
				}
				if progress.Add(1) == walkers*int64(len(walk))/3 {
					go func() { a.kill(); close(killed) }()
				}
			}
		})
	}
	wg.Wait()
	<-killed
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	lost, repeated := 0, 0
	for w := range walkers {
		for i, n := range answered(r.api, int64(9100+w)) {
			switch {
			case n == 0:
				lost++
				t.Errorf("chat %d: step %d (%q) never answered", 9100+w, i, walk[i].text)
			case n > 1:
				repeated += n - 1
			}
		}
	}
	t.Logf("%d updates, replica killed after a third: %d lost, %d answers repeated", walkers*len(walk), lost, repeated)
	// At most the updates in flight at the kill: one a walker.
	if repeated > walkers {
		t.Errorf("%d answers repeated; at most the %d updates in flight at the kill may be", repeated, walkers)
	}
}

// TestFaultRedisHangs: Redis stops answering (SIGSTOP). A webhook request
// is answered 503 within the update's deadline, not minutes later; once
// Redis is back, the redelivered update is answered once.
func TestFaultRedisHangs(t *testing.T) {
	r := newFaultRig(t)
	p := r.serve(map[string]string{"MOTCUA_UPDATES_DEADLINE": "2s"})
	c := newCourier(p)
	ctx := context.Background()
	const chat = 9201
	if _, err := c.deliver(ctx, telegramtest.TextUpdate(chat, "private", chat, walk[0].text)); err != nil {
		t.Fatal(err)
	}
	r.redis.Pause(t)
	resumed := false
	defer func() {
		if !resumed {
			r.redis.Resume(t)
		}
	}()
	u := telegramtest.TextUpdate(chat, "private", chat, walk[1].text)
	start := time.Now()
	code, err := c.post(ctx, p.url(hookPath), u)
	took := time.Since(start)
	t.Logf("webhook on a hung Redis: %d after %v", code, took.Round(time.Millisecond))
	if err != nil || code != http.StatusServiceUnavailable {
		t.Fatalf("webhook on a hung Redis: %d, %v; want 503", code, err)
	}
	// The deadline is 2 s; what is left is a busy machine's slack.
	if took > 10*time.Second {
		t.Errorf("the 503 came after %v; the deadline is 2 s", took)
	}
	r.redis.Resume(t)
	resumed = true
	if _, err := c.deliver(ctx, u); err != nil {
		t.Fatal(err)
	}
	if got := answered(r.api, chat)[1]; got != 1 {
		t.Errorf("the question after the hang was sent %d times, want 1", got)
	}
}

// TestFaultRedisFull: Redis refuses writes (maxmemory, noeviction). Updates
// are answered 503, not 200 — they come again — with one apology each, a
// few log lines rather than one per update; once memory is freed, the
// redelivered updates are answered.
func TestFaultRedisFull(t *testing.T) {
	r := newFaultRig(t)
	p := r.serve(nil)
	c := newCourier(p)
	ctx := context.Background()
	client := r.redis.Client(t)
	// Full: a limit below what the server uses already.
	used := redistest.UsedMemory(t, client)
	if err := client.ConfigSet(ctx, "maxmemory-policy", "noeviction").Err(); err != nil {
		t.Fatal(err)
	}
	if err := client.ConfigSet(ctx, "maxmemory", fmt.Sprint(used/2)).Err(); err != nil {
		t.Fatal(err)
	}
	const chats = 10
	updates := make([]tgbotapi.Update, chats)
	for i := range updates {
		chat := int64(9300 + i)
		updates[i] = telegramtest.TextUpdate(chat, "private", chat, walk[0].text)
		for range 3 { // Telegram delivers each three times meanwhile
			code, err := c.post(ctx, p.url(hookPath), updates[i])
			if err != nil || code != http.StatusServiceUnavailable {
				t.Fatalf("update to a full Redis: %d, %v; want 503", code, err)
			}
		}
	}
	for i := range chats {
		sent := r.api.SentTo(int64(9300 + i))
		if len(sent) != 1 || !strings.HasPrefix(sent[0].Text, "Xin lỗi, hệ thống đang bận") {
			t.Errorf("chat %d got %d messages for an update delivered three times to a full Redis, want one apology", 9300+i, len(sent))
		}
	}
	if n := strings.Count(p.logs.String(), `"msg":"store unavailable"`); n == 0 || n > 5 {
		t.Errorf("%d log lines of the store being unavailable for 30 deliveries; want a few (one an interval, with a count)", n)
	}
	if err := client.ConfigSet(ctx, "maxmemory", "0").Err(); err != nil {
		t.Fatal(err)
	}
	for i, u := range updates {
		if _, err := c.deliver(ctx, u); err != nil {
			t.Fatal(err)
		}
		if got := answered(r.api, int64(9300+i))[0]; got != 1 {
			t.Errorf("chat %d: first question sent %d times once Redis had room, want 1", 9300+i, got)
		}
	}
}

// TestFaultFloodingChat: one chat sends 1,000 updates while 20 chats walk
// the form, on a Bot API that answers in 50 ms and allows a chat one
// message a second, as Telegram does. The walkers' 95th percentile stays
// within three times what it is without the flood, measured in the same
// test; the flood is dropped at the door, counted, and its chat told to
// slow down once a burst.
func TestFaultFloodingChat(t *testing.T) {
	r := newFaultRig(t)
	r.api.SetLatency(50 * time.Millisecond)
	r.api.SetLimits(telegramtest.Limits{PerChatPerSecond: 1})
	// The default flood limit, not the tests' raised one.
	p := r.serve(map[string]string{"MOTCUA_UPDATES_CHAT_BURST": "10"})
	c := newCourier(p)
	ctx := context.Background()

	walkers := func(base int64) []time.Duration {
		var (
			wg   sync.WaitGroup
			mu   sync.Mutex
			took []time.Duration
		)
		for w := range 20 {
			wg.Go(func() {
				d, err := walkForm(ctx, c, base+int64(w))
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				took = append(took, d...)
				mu.Unlock()
			})
		}
		wg.Wait()
		return took
	}
	quiet := p95(walkers(9400))

	const flooder = 9499
	flood := make(chan struct{})
	var floodWG sync.WaitGroup
	var sent atomic.Int64
	for range 40 { // Telegram's default max_connections to a webhook
		floodWG.Go(func() {
			for {
				select {
				case <-flood:
					return
				default:
				}
				if sent.Add(1) > 1000 {
					return
				}
				// Telegram would redeliver a non-2xx; a flood answered 200 is
				// dropped.
				code, err := c.post(ctx, p.url(hookPath), telegramtest.TextUpdate(flooder, "private", flooder, "alo"))
				if err != nil || code != http.StatusOK {
					t.Logf("flood post: %d %v", code, err)
				}
			}
		})
	}
	loud := p95(walkers(9500))
	close(flood)
	floodWG.Wait()
	t.Logf("flood: %d posts", sent.Load())
	t.Logf("walkers' p95: %v without a flood, %v with one chat sending 1,000 updates", quiet.Round(time.Millisecond), loud.Round(time.Millisecond))
	if loud > 3*quiet {
		t.Errorf("a flooding chat made the walkers' p95 %v, more than three times %v", loud, quiet)
	}
	if slowDowns := sentWith(r.api, flooder, "Bạn gửi nhanh quá"); slowDowns == 0 || slowDowns > 10 {
		t.Errorf("the flooding chat was told to slow down %d times; want once a burst", slowDowns)
	}
	if got := metricSum(t, p, "motcua_telegram_throttled_total", ""); got < 900 {
		t.Errorf("motcua_telegram_throttled_total = %v after 1,000 updates of a flood, want most of them", got)
	}
}

// p95 is the 95th percentile of ds.
func p95(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[(len(s)*95+99)/100-1]
}

// TestFaultIdleConnections: 300 connections opened and left silent are
// closed by the server, and meanwhile a webhook request is answered.
func TestFaultIdleConnections(t *testing.T) {
	r := newFaultRig(t)
	p := r.serve(map[string]string{"MOTCUA_HTTP_READ_TIMEOUT": "2s"})
	c := newCourier(p)
	ctx := context.Background()
	var conns []net.Conn
	defer func() {
		for _, conn := range conns {
			conn.Close()
		}
	}()
	for range 300 {
		conn, err := net.DialTimeout("tcp", p.addr, 5*time.Second)
		if err != nil {
			t.Fatalf("open an idle connection: %v", err)
		}
		conns = append(conns, conn)
	}
	const chat = 9601
	if _, err := c.deliver(ctx, telegramtest.TextUpdate(chat, "private", chat, walk[0].text)); err != nil {
		t.Fatalf("a webhook request beside 300 idle connections: %v", err)
	}
	if got := answered(r.api, chat)[0]; got != 1 {
		t.Errorf("answered %d times, want once", got)
	}
	// Each silent connection is closed by the server: a read ends (EOF)
	// well before the test's own deadline.
	closed := 0
	for _, conn := range conns {
		conn.SetReadDeadline(time.Now().Add(30 * time.Second))
		if _, err := conn.Read(make([]byte, 1)); err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
			closed++
		}
	}
	if closed != len(conns) {
		t.Errorf("%d of %d idle connections closed by the server", closed, len(conns))
	}
}

// TestFaultAbuse: what a stranger can try from her own chat. A thousand
// wrong invite codes reach the check five times, then are refused
// unlooked, a good code too; made-up buttons to claim a ticket are
// answered in her chat and never reach the volunteers' group; a text of
// 100,000 characters is not echoed back.
func TestFaultAbuse(t *testing.T) {
	r := newFaultRig(t)
	const (
		group    = int64(-1009700)
		staff    = int64(9700)
		stranger = int64(9701)
	)
	p := r.serve(map[string]string{
		"MOTCUA_VOLUNTEERS_GROUP": fmt.Sprint("tg:", group),
		"MOTCUA_VOLUNTEERS_STAFF": fmt.Sprint("[tg:", staff, "]"),
	})
	c := newCourier(p)
	ctx := context.Background()
	say := func(chat int64, text string) {
		t.Helper()
		if _, err := c.deliver(ctx, telegramtest.TextUpdate(chat, "private", chat, text)); err != nil {
			t.Fatal(err)
		}
	}

	// Brute force, as fast as Telegram would deliver it.
	var wg sync.WaitGroup
	for i := range 1000 {
		wg.Go(func() {
			code := fmt.Sprintf("%08d", i)
			code = strings.NewReplacer("0", "A", "1", "B").Replace(code)
			_, _ = c.post(ctx, p.url(hookPath), telegramtest.TextUpdate(stranger, "private", stranger, "/thamgia "+code))
		})
		if i%40 == 39 {
			wg.Wait()
		}
	}
	wg.Wait()
	waitFor(t, 30*time.Second, "the stranger told she tried too many codes", func() bool { return sentWith(r.api, stranger, "Bạn đã thử mã mời nhiều lần quá") > 0 })
	if n := sentWith(r.api, stranger, "Mã mời không đúng"); n > 5 {
		t.Errorf("%d wrong codes were looked at, want at most 5 an hour", n)
	}
	say(staff, "/moi tinhnguyenvien")
	var code string
	for _, m := range r.api.SentTo(staff) {
		if rest, ok := strings.CutPrefix(m.Text, "Mã mời tình nguyện viên: "); ok {
			code = strings.Fields(rest)[0]
		}
	}
	if code == "" {
		t.Fatal("staff got no invite code")
	}
	// Tried until the flood limit lets it through: until it is answered.
	before := sentWith(r.api, stranger, "Bạn đã thử mã mời nhiều lần quá")
	waitFor(t, 30*time.Second, "the good code answered", func() bool {
		say(stranger, "/thamgia "+code)
		return sentWith(r.api, stranger, "Bạn đã thử mã mời nhiều lần quá") > before || sentWith(r.api, stranger, "Chào mừng bạn") > 0
	})
	if sentWith(r.api, stranger, "Chào mừng bạn") != 0 {
		t.Errorf("a good code after the flood of wrong ones must be refused without looking")
	}

	// Made-up buttons: a claim of a ticket pressed in her private chat.
	postsBefore := len(r.api.SentTo(group))
	for i := range 30 {
		u := telegramtest.CallbackUpdate(stranger, 1+i, stranger, "t:ABCDEFGH:claim")
		if _, err := c.deliver(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	if got := len(r.api.SentTo(group)) - postsBefore; got != 0 {
		t.Errorf("%d messages posted to the volunteers' group by made-up buttons in a private chat, want none", got)
	}

	// A text of 100,000 characters.
	long := strings.Repeat("khai sinh ", 10000)
	const talker = 9702
	say(talker, long)
	for _, m := range r.api.SentTo(talker) {
		if strings.Contains(m.Text, strings.Repeat("khai sinh ", 25)) {
			t.Errorf("a reply echoes more than 200 characters of what she typed: %d characters", len([]rune(m.Text)))
		}
	}
}
