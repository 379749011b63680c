package channel_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/bot/channel"
)

type update struct {
	chat string
	n    int
}

// TestSubmitInOrderPerChat: the updates of one chat are handled in the
// order submitted, whatever the other chats do, and each result comes back.
func TestSubmitInOrderPerChat(t *testing.T) {
	var mu sync.Mutex
	seen := map[string][]int{}
	d := channel.NewDispatcher(channel.DispatchOptions[update]{Workers: 4}, func(_ context.Context, u update) error {
		mu.Lock()
		defer mu.Unlock()
		seen[u.chat] = append(seen[u.chat], u.n)
		if u.n == 7 {
			return fmt.Errorf("update %d: %w", u.n, errTry)
		}
		return nil
	})
	var results []<-chan error
	for n := range 20 {
		for _, chat := range []string{"tg:1", "tg:2", "zl:abc", "tg:-100"} {
			results = append(results, d.Submit(context.Background(), chat, update{chat, n}))
		}
	}
	failed := 0
	for _, r := range results {
		if err := <-r; errors.Is(err, errTry) {
			failed++
		} else if err != nil {
			t.Fatal(err)
		}
	}
	if failed != 4 {
		t.Errorf("%d failures returned, want 4", failed)
	}
	if err := d.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	for chat, ns := range seen {
		if len(ns) != 20 || !slices.IsSorted(ns) {
			t.Errorf("chat %s handled %v, want 0…19 in order", chat, ns)
		}
	}
}

var errTry = errors.New("try again")

// TestChatsInParallel: chats whose updates are stuck (waiting out a 429)
// hold no other chat, however many of them there are below Workers.
func TestChatsInParallel(t *testing.T) {
	release := make(chan struct{})
	d := channel.NewDispatcher(channel.DispatchOptions[update]{Workers: 64}, func(ctx context.Context, u update) error {
		if u.chat != "other" {
			<-release
		}
		return nil
	})
	var stuck []<-chan error
	for i := range 20 {
		for n := range 3 {
			stuck = append(stuck, d.Submit(context.Background(), fmt.Sprint("flood", i), update{chat: "flood", n: n}))
		}
	}
	// Every other chat is handled while twenty chats are stuck.
	for i := range 10 {
		if err := <-d.Submit(context.Background(), "other", update{chat: "other", n: i}); err != nil {
			t.Fatal(err)
		}
	}
	close(release)
	for _, r := range stuck {
		if err := <-r; err != nil {
			t.Fatal(err)
		}
	}
	if err := d.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestEnqueueSettleAndClose: enqueued updates run in the dispatcher's
// context, apart from the caller's; Settled tells when all are handled;
// Close refuses more.
func TestEnqueueSettleAndClose(t *testing.T) {
	var mu sync.Mutex
	handled := 0
	d := channel.NewDispatcher(channel.DispatchOptions[update]{Workers: 3}, func(ctx context.Context, u update) error {
		if ctx.Err() != nil {
			t.Errorf("update %d handled in an ended context", u.n)
		}
		mu.Lock()
		defer mu.Unlock()
		handled++
		return nil
	})
	for n := range 30 {
		if err := d.Enqueue(fmt.Sprint("zl:", n%5), update{n: n}); err != nil {
			t.Fatal(err)
		}
	}
	<-d.Settled()
	mu.Lock()
	if handled != 30 {
		t.Errorf("settled after %d updates, want 30", handled)
	}
	mu.Unlock()
	if err := d.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := d.Enqueue("zl:1", update{}); !errors.Is(err, channel.ErrClosed) {
		t.Errorf("enqueue after close: %v, want ErrClosed", err)
	}
	if err := <-d.Submit(context.Background(), "zl:1", update{}); !errors.Is(err, channel.ErrClosed) {
		t.Errorf("submit after close: %v, want ErrClosed", err)
	}
}

// TestCloseGivesUp: when Close's context ends first, an enqueued update
// still being tried sees its context end, and Close returns the error.
func TestCloseGivesUp(t *testing.T) {
	started := make(chan struct{})
	gaveUp := make(chan struct{})
	d := channel.NewDispatcher(channel.DispatchOptions[update]{Workers: 1, QueueLen: 1}, func(ctx context.Context, u update) error {
		close(started)
		<-ctx.Done() // the store never answers
		close(gaveUp)
		return ctx.Err()
	})
	if err := d.Enqueue("zl:1", update{}); err != nil {
		t.Fatal(err)
	}
	<-started
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := d.Close(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("close: %v, want context.Canceled", err)
	}
	<-gaveUp
	<-d.Settled()
}

// TestFloodIsThrottled: a chat over its rate is refused at the door, the
// first refusal of a burst marked First, the others not; within its rate
// again, it is taken, and its next burst is marked again. Other chats
// keep their own limits.
func TestFloodIsThrottled(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	d := channel.NewDispatcher(channel.DispatchOptions[update]{Rate: 1, Burst: 3, Now: clock}, func(context.Context, update) error { return nil })
	defer d.Close(context.Background())
	submit := func(chat string) error { return <-d.Submit(context.Background(), chat, update{chat: chat}) }
	for i := range 3 {
		if err := submit("tg:1"); err != nil {
			t.Fatalf("update %d of a burst of 3: %v", i, err)
		}
	}
	var firsts, refused int
	for range 10 {
		err := submit("tg:1")
		var th *channel.Throttled
		if !errors.As(err, &th) || !errors.Is(err, channel.ErrThrottled) {
			t.Fatalf("update over the burst = %v, want a *Throttled", err)
		}
		refused++
		if th.First {
			firsts++
		}
	}
	if firsts != 1 {
		t.Errorf("%d of %d refusals marked First, want 1", firsts, refused)
	}
	if err := submit("tg:2"); err != nil {
		t.Errorf("another chat = %v; its limit is its own", err)
	}
	mu.Lock()
	now = now.Add(time.Second)
	mu.Unlock()
	if err := submit("tg:1"); err != nil {
		t.Fatalf("a second later = %v, want taken", err)
	}
	var th *channel.Throttled
	if err := submit("tg:1"); !errors.As(err, &th) || !th.First {
		t.Errorf("the next burst's first refusal = %v, want a *Throttled marked First", err)
	}
}

// TestRedeliveryNotThrottled: a delivery of an update the limit took
// before (it failed, and came again) is taken even when the chat's limit
// is spent: a limit drops floods, never a redelivery.
func TestRedeliveryNotThrottled(t *testing.T) {
	now := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	d := channel.NewDispatcher(channel.DispatchOptions[update]{
		Rate: 1, Burst: 2, Now: func() time.Time { return now },
		ID: func(u update) string { return fmt.Sprint(u.n) },
	}, func(_ context.Context, u update) error { return errTry })
	defer d.Close(context.Background())
	for n := range 2 {
		if err := <-d.Submit(context.Background(), "c", update{n: n}); !errors.Is(err, errTry) {
			t.Fatalf("update %d = %v, want it handled (and failed)", n, err)
		}
	}
	if err := <-d.Submit(context.Background(), "c", update{n: 2}); !errors.Is(err, channel.ErrThrottled) {
		t.Fatalf("a new update over the limit = %v, want ErrThrottled", err)
	}
	for range 20 {
		if err := <-d.Submit(context.Background(), "c", update{n: 1}); !errors.Is(err, errTry) {
			t.Fatalf("a redelivery of update 1 = %v, want it handled", err)
		}
	}
}

// TestQueueBounded: a chat with QueueLen updates waiting gets ErrBusy
// for the next, and the others are still handled in order.
func TestQueueBounded(t *testing.T) {
	release := make(chan struct{})
	started := make(chan struct{}, 1)
	var mu sync.Mutex
	var got []int
	d := channel.NewDispatcher(channel.DispatchOptions[update]{QueueLen: 2}, func(_ context.Context, u update) error {
		select {
		case started <- struct{}{}:
		default:
		}
		<-release
		mu.Lock()
		defer mu.Unlock()
		got = append(got, u.n)
		return nil
	})
	defer d.Close(context.Background())
	// One being handled (taken off the queue), two waiting.
	var results []<-chan error
	results = append(results, d.Submit(context.Background(), "c", update{n: 0}))
	<-started
	for n := 1; n <= 2; n++ {
		results = append(results, d.Submit(context.Background(), "c", update{n: n}))
	}
	if err := <-d.Submit(context.Background(), "c", update{n: 3}); !errors.Is(err, channel.ErrBusy) {
		t.Errorf("a third waiting update = %v, want ErrBusy", err)
	}
	close(release)
	for _, r := range results {
		if err := <-r; err != nil {
			t.Fatal(err)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if want := []int{0, 1, 2}; !slices.Equal(got, want) {
		t.Errorf("handled %v, want %v", got, want)
	}
}

// TestDeadlineWhileWaiting: an update whose context ends while it waits
// for a worker is not handled, and its result is the context's error.
func TestDeadlineWhileWaiting(t *testing.T) {
	release := make(chan struct{})
	handled := make(chan int, 4)
	d := channel.NewDispatcher(channel.DispatchOptions[update]{Workers: 1}, func(_ context.Context, u update) error {
		handled <- u.n
		if u.n == 0 {
			<-release
		}
		return nil
	})
	defer d.Close(context.Background())
	first := d.Submit(context.Background(), "a", update{n: 0})
	if n := <-handled; n != 0 {
		t.Fatalf("handled %d first", n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	late := d.Submit(ctx, "b", update{n: 1})
	cancel() // its webhook gave up: 503
	if err := <-late; !errors.Is(err, context.Canceled) {
		t.Errorf("an update whose context ended while waiting = %v, want context.Canceled", err)
	}
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	select {
	case n := <-handled:
		t.Errorf("update %d was handled after its context ended", n)
	default:
	}
}

func BenchmarkSubmit(b *testing.B) {
	d := channel.NewDispatcher(channel.DispatchOptions[int]{}, func(context.Context, int) error { return nil })
	defer d.Close(context.Background())
	chats := []string{"tg:123456789", "tg:-1001234567890", "zl:2b3c4d5e6f", "tg:42"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		<-d.Submit(context.Background(), chats[i%len(chats)], i)
	}
}

// waitFor polls cond until it holds, or fails the test after a generous
// while.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition never held")
		}
		time.Sleep(time.Millisecond)
	}
}

// TestDoInOrder: Do handles an update of an idle chat in the caller's
// goroutine, and one of a busy chat after those before it, in order;
// Close waits for an update being handled by Do.
func TestDoInOrder(t *testing.T) {
	var mu sync.Mutex
	var got []int
	release := make(chan struct{})
	started := make(chan struct{})
	d := channel.NewDispatcher(channel.DispatchOptions[update]{}, func(_ context.Context, u update) error {
		if u.n == 0 {
			close(started)
			<-release
		}
		mu.Lock()
		defer mu.Unlock()
		got = append(got, u.n)
		return nil
	})
	first := make(chan error, 1)
	go func() { first <- d.Do(context.Background(), "c", update{n: 0}) }()
	<-started
	var later []<-chan error
	for n := 1; n <= 4; n++ {
		later = append(later, d.Submit(context.Background(), "c", update{n: n}))
	}
	// A Do of the busy chat waits its turn, after those queued before.
	last := make(chan error, 1)
	go func() { last <- d.Do(context.Background(), "c", update{n: 5}) }()
	later = append(later, last)
	waitFor(t, func() bool { return d.Waiting("c") == 5 })
	closed := make(chan error, 1)
	go func() { closed <- d.Close(context.Background()) }()
	close(release)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	for _, ch := range later {
		if err := <-ch; err != nil {
			t.Fatal(err)
		}
	}
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(got, []int{0, 1, 2, 3, 4, 5}) {
		t.Errorf("handled %v, want 0…5 in order", got)
	}
}

// TestDoOnABusyChatCountsOnce: an update given to Do while its chat is
// busy is counted once against the chat's limit, as one given while it is
// idle: a burst of 3 takes the update handled and two that wait, and only
// the fourth is refused.
func TestDoOnABusyChatCountsOnce(t *testing.T) {
	now := time.Date(2026, 12, 6, 9, 0, 0, 0, time.UTC)
	release := make(chan struct{})
	unblock := sync.OnceFunc(func() { close(release) })
	started := make(chan struct{})
	d := channel.NewDispatcher(channel.DispatchOptions[update]{
		Rate: 1, Burst: 3, Now: func() time.Time { return now },
	}, func(_ context.Context, u update) error {
		if u.n == 0 {
			close(started)
			<-release
		}
		return nil
	})
	defer d.Close(context.Background())
	defer unblock() // before Close, when the test ends early
	first := make(chan error, 1)
	go func() { first <- d.Do(context.Background(), "c", update{n: 0}) }()
	<-started
	waiting := make([]chan error, 2)
	for i := range waiting {
		waiting[i] = make(chan error, 1)
		go func() { waiting[i] <- d.Do(context.Background(), "c", update{n: i + 1}) }()
		waitFor(t, func() bool { return d.Waiting("c") == i+1 || len(waiting[i]) > 0 })
		if len(waiting[i]) > 0 {
			t.Fatalf("update %d of a burst of 3, given while the chat is busy = %v, want it to wait its turn", i+1, <-waiting[i])
		}
	}
	if err := d.Do(context.Background(), "c", update{n: 3}); !errors.Is(err, channel.ErrThrottled) {
		t.Errorf("the 4th update of a burst of 3 = %v, want ErrThrottled", err)
	}
	unblock()
	for i, ch := range append([]chan error{first}, waiting...) {
		if err := <-ch; err != nil {
			t.Errorf("update %d of the burst = %v, want handled", i, err)
		}
	}
}
