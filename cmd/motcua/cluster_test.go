package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/bot/telegram/telegramtest"
	"github.com/motcua/motcua/flows"
	"github.com/motcua/motcua/reminders"
	"github.com/motcua/motcua/store/redistest"
)

// TestServeOnCluster: motcua serve on a 3-master Redis Cluster (one
// replica each), in webhook mode. 20 citizens walk the birth registration
// at once and set the child's BHYT reminder; one reminder falls due and is
// sent; a citizen asks a question and a volunteer claims it; staff send a
// notice to everyone, which each citizen gets once. No citizen is told
// "Xin lỗi…", no log line speaks of MOVED or CROSSSLOT, and the keys are
// spread over every master.
func TestServeOnCluster(t *testing.T) {
	const (
		token     = "49:cluster-token"
		secret    = "cluster_s3cret"
		hook      = "https://bot.example.vn/tg"
		prefix    = "e2e"
		citizens  = 20
		first     = int64(5000)
		staff     = int64(900)
		volunteer = int64(401)
		group     = int64(-100777)
		text      = "Chủ nhật này, trạm y tế xã tiêm vắc-xin sởi cho trẻ từ 9 tháng tuổi."
	)
	ctx := context.Background()
	cluster := redistest.StartCluster(t, redistest.ClusterOptions{Replicas: 1})
	api := telegramtest.New(t, token)
	r := startReplica(t, "cluster", freeAddr(t), map[string]string{
		"MOTCUA_TELEGRAM_TOKEN":          token,
		"MOTCUA_TELEGRAM_API_URL":        api.URL(),
		"MOTCUA_TELEGRAM_WEBHOOK_URL":    hook,
		"MOTCUA_TELEGRAM_WEBHOOK_SECRET": secret,
		"MOTCUA_REDIS_ADDRS":             strings.Join(cluster.Addrs(), ","),
		"MOTCUA_REDIS_PREFIX":            prefix,
		"MOTCUA_LOG_LEVEL":               "info",
		"MOTCUA_VOLUNTEERS_GROUP":        fmt.Sprint("tg:", group),
		"MOTCUA_VOLUNTEERS_VOLUNTEERS":   fmt.Sprint("tg:", volunteer),
		"MOTCUA_VOLUNTEERS_STAFF":        fmt.Sprint("tg:", staff),
		"MOTCUA_REMINDERS_SPEC":          "@every 1s",
		"MOTCUA_REMINDERS_QUIET_FROM":    "00:00", // no quiet hours: the test runs at any hour
		"MOTCUA_REMINDERS_QUIET_TO":      "00:00",
		"MOTCUA_NOTICES_REPORT_EVERY":    "100ms",
	})
	waitHTTP(t, "http://"+r.addr+"/readyz", http.StatusOK)
	eventually(t, func() bool { url, _ := api.Webhook(); return url == hook })
	webhook := "http://" + r.addr + "/tg"

	loc := flows.Vietnam()
	today := flows.DateOf(time.Now().In(loc))
	born := today.AddDays(-5)
	w := newWalker(api, webhook, secret, fmt.Sprintf("%02d/%02d/%d", born.Day, born.Month, born.Year))
	ref := w.walk(ctx, 1)
	if ref.err != nil {
		t.Fatalf("reference walk: %v", ref.err)
	}
	walks := w.walkAll(ctx, first, citizens)
	for _, wk := range walks {
		if wk.err != nil {
			t.Errorf("walk: %v", wk.err)
		}
		if reasked, dup := compare(ref, wk); reasked+dup > 0 || wk.apologies+wk.redeliveries > 0 {
			t.Errorf("chat %d: replies %v, the reference %v; %d apologies, %d redeliveries", wk.chat, wk.replies, ref.replies, wk.apologies, wk.redeliveries)
		}
	}

	// Every citizen set the child's reminder; one falls due (the card
	// now ends today, set three days ago) and is sent.
	client := cluster.Client(t)
	sched := reminders.DefaultSchedule()
	rs := reminders.NewRedis(client, sched, reminders.Options{Prefix: prefix})
	list, err := rs.List(ctx, fmt.Sprint("tg:", first))
	if err != nil || len(list) != 1 {
		t.Fatalf("reminders of the first citizen: %+v, %v", list, err)
	}
	due := list[0]
	due.Expiry = today
	if err := rs.Save(ctx, sched.Begin(due, time.Now().Add(-72*time.Hour))); err != nil {
		t.Fatal(err)
	}
	remindee := &tgPerson{t: t, api: api, chat: first, seen: len(api.SentTo(first))}
	remindee.await("⏰ Nhắc gia hạn thẻ BHYT")

	// A question, claimed by a volunteer in the group.
	asker := &hookPerson{tgPerson: &tgPerson{t: t, api: api, chat: first + 1, seen: len(api.SentTo(first + 1))}, hook: webhook, secret: secret}
	asker.say("/hoi", "Bạn gõ câu hỏi của bạn vào đây")
	asker.say("Giấy chứng sinh bị mất thì làm sao?", "Mình sẽ gửi cho tình nguyện viên")
	asker.press("✉️ Gửi câu hỏi", "Đã gửi câu hỏi")
	var post telegramtest.Message
	eventually(t, func() bool {
		for _, m := range api.SentTo(group) {
			if strings.Contains(m.Text, "Giấy chứng sinh bị mất") && len(m.Keyboard) > 0 {
				post = m
				return true
			}
		}
		return false
	})
	claim := telegramtest.CallbackUpdate(group, post.MessageID, volunteer, post.Keyboard[0][0].CallbackData)
	(&hookPerson{tgPerson: &tgPerson{t: t, api: api, chat: group}, hook: webhook, secret: secret}).deliver(claim)
	asker.await("đã nhận câu hỏi của bạn")

	// A notice to everyone.
	(&hookPerson{tgPerson: &tgPerson{t: t, api: api, chat: staff}, hook: webhook, secret: secret}).queueNotice(text)
	eventually(t, func() bool { return noticeDone(api, staff) })
	counts := noticeCounts(api, text)
	for i := range citizens {
		chat := first + int64(i)
		if got := counts[chat]; got != 1 {
			t.Errorf("citizen %d got the notice %d times, want once", chat, got)
		}
	}

	msgs := bot.DefaultMessages()
	for _, m := range api.Sent() {
		if m.Text == msgs.InternalError || m.Text == msgs.StoreDown {
			t.Errorf("chat %d was told %q", m.ChatID, m.Text)
		}
	}
	// go-redis's own lines (its redirections, its reconnections) are in
	// serve's logs too, as msg="redis client": serve hands them its logger.
	for _, bad := range []string{"MOVED", "CROSSSLOT"} {
		if logs := r.logs.String(); strings.Contains(logs, bad) {
			t.Errorf("the logs speak of %s:\n%s", bad, logs)
		}
	}
	// Conversations spread over the masters (/readyz's probe keys, one a
	// master by design, left out).
	for _, m := range cluster.Masters() {
		keys, err := m.Client(t).Keys(ctx, prefix+":{tg:*}:conv").Result()
		if err != nil || len(keys) < 2 {
			t.Errorf("master %s holds %d conversations (%v), want a share of %d", m.Addr(), len(keys), err, citizens+3)
		}
	}
}
