package notices_test

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/motcua/motcua/notices"
	"github.com/motcua/motcua/store/redistest"
)

func TestMain(m *testing.M) { redistest.Main(m) }

// prefixes keeps the topology tests apart on the shared servers.
var prefixes atomic.Int64

func topoRig(t *testing.T, top redistest.Topology) *rig {
	t.Helper()
	return newRigOn(t, noLimits, top.Client(t), "topo"+strconv.FormatInt(prefixes.Add(1), 10))
}

// TestTopologies runs the store and its workers on a Redis Cluster and on
// a master named by Sentinel, as the tests above do on one node: two
// replicas' workers share two notices, each delivered once to each
// person, with exact counts, the list and the figures; a chat's erasure
// reaches every notice; a worker stopped mid-notice is taken over after
// its lease, with at most its sends in flight repeated.
func TestTopologies(t *testing.T) {
	redistest.Topologies(t, func(t *testing.T, top redistest.Topology) {
		t.Run("TwoReplicas", func(t *testing.T) {
			ctx := context.Background()
			r := topoRig(t, top)
			chats := r.addPeople(t, 3000, 300)
			rep := newReporter()
			opts := notices.WorkerOptions{Senders: fast(r), Reporter: rep, Batch: 40, Block: 50 * time.Millisecond}
			r.run(t, opts)
			r.run(t, opts)
			now := time.Now()
			one := create(t, r.store, notice("Họp dân thôn Đông 19 giờ tối nay."), now)
			two := create(t, r.store, notice("Nộp thuế đất trước ngày 31/12."), now.Add(time.Second))
			for range 2 {
				if f := rep.awaitFinal(t); f.Counts != (notices.Counts{Total: 300, Sent: 300}) {
					t.Errorf("notice %s: final counts %+v", f.ID, f.Counts)
				}
			}
			got := r.delivered()
			exactlyOnce(t, got, chats, one.Text)
			exactlyOnce(t, got, chats, two.Text)
			list, err := r.store.List(ctx, "", 10)
			if err != nil || len(list) != 2 || list[0].ID != two.ID || list[0].Status != notices.Done {
				t.Errorf("List = %v, %v", ids(list), err)
			}
			if f, err := r.store.Stats(ctx, now.Add(-time.Hour), now.Add(time.Hour)); err != nil || f != (notices.Figures{Notices: 2, Delivered: 600}) {
				t.Errorf("Stats = %+v, %v", f, err)
			}
			if err := r.store.DeleteChat(ctx, chats[0]); err != nil {
				t.Errorf("DeleteChat: %v", err)
			}
		})
		t.Run("KillAndResume", func(t *testing.T) {
			r := topoRig(t, top)
			chats := r.addPeople(t, 5000, 600)
			rep := newReporter()
			const workers = 8
			opts := notices.WorkerOptions{Senders: fast(r), Reporter: rep, Workers: workers, Batch: 50, Lease: 600 * time.Millisecond, Block: 50 * time.Millisecond}
			a := r.run(t, opts)
			n := create(t, r.store, notice("Cắt điện thôn Đông từ 8 giờ đến 11 giờ."), time.Now())
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if err := r.api.AwaitCalls(ctx, "sendMessage", 150); err != nil {
				t.Fatal(err)
			}
			a.stop()
			r.run(t, opts)
			if f := rep.awaitFinal(t); f.Status != notices.Done || f.Counts != (notices.Counts{Total: 600, Sent: 600}) {
				t.Errorf("final report: %s %+v, want done with 600 sent", f.Status, f.Counts)
			}
			got := r.delivered()
			twice := 0
			for _, c := range chats {
				switch k := got[c+" "+n.Text]; {
				case k == 0:
					t.Errorf("%s never got the notice", c)
				case k == 2:
					twice++
				case k > 2:
					t.Errorf("%s got it %d times", c, k)
				}
			}
			if twice > workers {
				t.Errorf("%d chats got the notice twice, want at most the %d in flight", twice, workers)
			}
		})
	})
}
