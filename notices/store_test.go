package notices_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/notices"
	"github.com/motcua/motcua/people"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/store/redistest"
)

func TestCreateInvalid(t *testing.T) {
	s := notices.NewStore(redistest.Start(t).Client(t), notices.Options{})
	ok := notice("Họp dân.")
	tests := []struct {
		name   string
		change func(n *notices.Notice)
	}{
		{"no author", func(n *notices.Notice) { n.Author = "" }},
		{"no text nor photo", func(n *notices.Notice) { n.Text = "  " }},
		{"a drawn picture", func(n *notices.Notice) { n.Photo = &bot.Photo{PNG: []byte{1}} }},
		{"no audience", func(n *notices.Notice) { n.Audience = notices.Audience{} }},
		{"unknown channel", func(n *notices.Notice) { n.Audience.Filter.Channel = "fb" }},
		{"empty village", func(n *notices.Notice) { n.Audience.Filter.Villages = []string{""} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := ok
			tt.change(&n)
			if _, err := s.Create(context.Background(), n, time.Now()); !errors.Is(err, notices.ErrInvalid) {
				t.Errorf("Create = %v, want ErrInvalid", err)
			}
		})
	}
	photo := ok
	photo.Text = ""
	photo.Photo = &bot.Photo{URL: "https://xa.example.vn/lich.jpg"}
	if _, err := s.Create(context.Background(), photo, time.Now()); err != nil {
		t.Errorf("a photo without text: %v", err)
	}
}

func TestGetListStats(t *testing.T) {
	r := newRig(t, noLimits)
	ctx := context.Background()
	chats := r.addPeople(t, 100, 10)
	r.api.Block(105)
	rep := newReporter()
	r.run(t, notices.WorkerOptions{Senders: fast(r), Reporter: rep, Block: 20 * time.Millisecond})
	now := time.Now()
	a := create(t, r.store, notice("Một."), now)
	if f := rep.awaitFinal(t); f.ID != a.ID {
		t.Fatal(f.ID)
	}
	b := notice("Hai.")
	b.Author, b.Urgent = "tg:43", true
	b.Audience.Filter = people.Filter{Channel: people.Telegram}
	b = create(t, r.store, b, now.Add(time.Second))
	rep.awaitFinal(t)
	later := notice("Ba, ngày mai.")
	later.At = now.Add(24 * time.Hour)
	later = create(t, r.store, later, now.Add(2*time.Second))

	got, err := r.store.Get(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Author != "tg:43" || !got.Urgent || got.Text != "Hai." || !got.Audience.People || got.Audience.Filter.Channel != "tg" ||
		!got.Audience.Filter.Urgent || got.Status != notices.Done || got.Counts != (notices.Counts{Total: 10, Sent: 9, Blocked: 1}) ||
		got.Started.IsZero() || got.Finished.Before(got.Started) || got.Created.IsZero() {
		t.Errorf("Get = %+v", got)
	}
	if _, err := r.store.Get(ctx, "999"); !errors.Is(err, notices.ErrNotFound) {
		t.Errorf("Get of no notice = %v, want ErrNotFound", err)
	}

	all, err := r.store.List(ctx, "", 10)
	if err != nil || len(all) != 3 || all[0].ID != later.ID || all[1].ID != b.ID || all[2].ID != a.ID {
		t.Errorf("List = %v, %v; want the three, newest first", ids(all), err)
	}
	mine, err := r.store.List(ctx, "tg:42", 1)
	if err != nil || len(mine) != 1 || mine[0].ID != later.ID || mine[0].Status != notices.Scheduled {
		t.Errorf("List of tg:42, 1 = %v, %v; want the scheduled one", ids(mine), err)
	}

	f, err := r.store.Stats(ctx, now.Add(-24*time.Hour), now)
	if err != nil {
		t.Fatal(err)
	}
	if f != (notices.Figures{Notices: 2, Delivered: 18, Blocked: 2}) {
		t.Errorf("Stats = %+v, want 2 notices, 18 delivered, 2 blocked", f)
	}
	if f, _ := r.store.Stats(ctx, now.Add(-72*time.Hour), now.Add(-48*time.Hour)); f != (notices.Figures{}) {
		t.Errorf("Stats of days before = %+v", f)
	}
	if _, err := r.store.Stats(ctx, now.AddDate(-2, 0, 0), now); !errors.Is(err, notices.ErrInvalid) {
		t.Errorf("Stats over two years = %v, want ErrInvalid", err)
	}
	exactlyOnce(t, r.delivered(), append(chats[:5:5], chats[6:]...), "Hai.")
}

// TestKeys checks the layout the package doc describes: one hash tag,
// and a finished notice kept for the retention only.
func TestKeys(t *testing.T) {
	r := newRig(t, noLimits)
	ctx := context.Background()
	r.addPeople(t, 100, 3)
	rep := newReporter()
	r.run(t, notices.WorkerOptions{Senders: fast(r), Reporter: rep, Block: 20 * time.Millisecond})
	n := create(t, r.store, notice("Một."), time.Now())
	rep.awaitFinal(t)
	for _, key := range []string{"mc:{notices}:n:" + n.ID, "mc:{notices}:d:" + n.ID} {
		ttl, err := r.client.TTL(ctx, key).Result()
		if err != nil || ttl < 89*24*time.Hour || ttl > 90*24*time.Hour {
			t.Errorf("TTL %s = %v, %v; want the 90 days' retention", key, ttl, err)
		}
	}
	if k := r.client.SCard(ctx, "mc:{notices}:d:"+n.ID).Val(); k != 3 {
		t.Errorf("done set holds %d, want 3", k)
	}
	if k := r.client.XLen(ctx, "mc:{notices}:jobs").Val(); k != 0 {
		t.Errorf("the stream holds %d entries after the job, want none", k)
	}
	keys := r.client.Keys(ctx, "mc:{notices}:*").Val()
	if len(keys) != 6 { // seq, recent, jobs, n:1, d:1, day:…
		t.Errorf("keys %v", keys)
	}
}

func TestUnavailable(t *testing.T) {
	srv := redistest.Start(t)
	srv.Stop(t)
	// No retries: each call fails at its first refused dial.
	c := redis.NewClient(&redis.Options{Addr: srv.Addr(), MaxRetries: -1})
	t.Cleanup(func() { _ = c.Close() })
	s := notices.NewStore(c, notices.Options{})
	if _, err := s.Create(context.Background(), notice("x"), time.Now()); !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("Create with Redis down = %v, want store.ErrUnavailable", err)
	}
	if _, err := s.Get(context.Background(), "1"); !errors.Is(err, store.ErrUnavailable) {
		t.Errorf("Get with Redis down = %v, want store.ErrUnavailable", err)
	}
}

func ids(ns []notices.Notice) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.ID
	}
	return out
}

// TestDeleteChat: /xoadulieu takes her out of every notice's record of
// recipients; the others stay.
func TestDeleteChat(t *testing.T) {
	ctx := context.Background()
	client := redistest.Start(t).Client(t)
	s := notices.NewStore(client, notices.Options{})
	var ids []string
	for _, text := range []string{"Họp dân.", "Tiêm chủng."} {
		n, err := s.Create(ctx, notice(text), time.Now())
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, n.ID)
		// The worker records each recipient so (see the package doc).
		client.SAdd(ctx, "mc:{notices}:d:"+n.ID, "tg:1", "tg:2")
	}
	if err := s.DeleteChat(ctx, "tg:1"); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		got, err := client.SMembers(ctx, "mc:{notices}:d:"+id).Result()
		if err != nil || len(got) != 1 || got[0] != "tg:2" {
			t.Errorf("notice %s recipients = %v, %v; want [tg:2]", id, got, err)
		}
	}
	if err := notices.NewStore(client, notices.Options{Prefix: "empty"}).DeleteChat(ctx, "tg:1"); err != nil {
		t.Errorf("no notices: %v", err)
	}
}

// TestCreateWithKeyOnce checks that a notice created twice under one key
// (a staff member's confirmation carried out again after a replica died)
// is queued once, the second Create returning the first notice; another
// key is another notice.
func TestCreateWithKeyOnce(t *testing.T) {
	r := newRig(t, noLimits)
	ctx := context.Background()
	n := notice("Mất điện chiều nay.")
	n.Key = "tg:u:77"
	first := create(t, r.store, n, time.Now())
	second := create(t, r.store, n, time.Now())
	if second.ID != first.ID || second.Text != first.Text {
		t.Errorf("second Create under one key = %+v, want notice %s again", second, first.ID)
	}
	if k := r.client.XLen(ctx, "mc:{notices}:jobs").Val(); k != 1 {
		t.Errorf("%d jobs queued for one notice created twice, want 1", k)
	}
	n.Key = "tg:u:78"
	if other := create(t, r.store, n, time.Now()); other.ID == first.ID {
		t.Errorf("another key gave the same notice %s", other.ID)
	}
	if ttl := r.client.TTL(ctx, "mc:{notices}:k:tg:u:77").Val(); ttl < 89*24*time.Hour {
		t.Errorf("the key is kept %v, want the 90 days' retention", ttl)
	}
}
