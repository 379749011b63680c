package channel_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

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
	d := channel.NewDispatcher(4, 8, func(_ context.Context, u update) error {
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

// TestChatsInParallel: a chat whose update is stuck does not hold the
// chats on other workers.
func TestChatsInParallel(t *testing.T) {
	release := make(chan struct{})
	d := channel.NewDispatcher(2, 16, func(ctx context.Context, u update) error {
		if u.chat == "a" {
			<-release
		}
		return nil
	})
	stuck := d.Submit(context.Background(), "a", update{chat: "a"})
	// Of ten chats some go to the other worker of two, and are handled
	// while a's update is stuck.
	others := make(chan error, 10)
	for i := range 10 {
		go func() { others <- <-d.Submit(context.Background(), fmt.Sprint("b", i), update{}) }()
	}
	if err := <-others; err != nil {
		t.Fatal(err)
	}
	close(release)
	if err := <-stuck; err != nil {
		t.Fatal(err)
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
	d := channel.NewDispatcher(3, 4, func(ctx context.Context, u update) error {
		if ctx.Err() != nil {
			t.Errorf("update %d handled in an ended context", u.n)
		}
		mu.Lock()
		defer mu.Unlock()
		handled++
		return nil
	})
	for n := range 30 {
		ctx, cancel := context.WithCancel(context.Background())
		if err := d.Enqueue(ctx, fmt.Sprint("zl:", n%5), update{n: n}); err != nil {
			t.Fatal(err)
		}
		cancel() // a webhook request ends at once
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
	if err := d.Enqueue(context.Background(), "zl:1", update{}); !errors.Is(err, channel.ErrClosed) {
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
	d := channel.NewDispatcher(1, 1, func(ctx context.Context, u update) error {
		close(started)
		<-ctx.Done() // the store never answers
		close(gaveUp)
		return ctx.Err()
	})
	if err := d.Enqueue(context.Background(), "zl:1", update{}); err != nil {
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

func BenchmarkSubmit(b *testing.B) {
	d := channel.NewDispatcher(16, 64, func(context.Context, int) error { return nil })
	defer d.Close(context.Background())
	chats := []string{"tg:123456789", "tg:-1001234567890", "zl:2b3c4d5e6f", "tg:42"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		<-d.Submit(context.Background(), chats[i%len(chats)], i)
	}
}
