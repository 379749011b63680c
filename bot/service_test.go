package bot_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/bot/console"
	"github.com/motcua/motcua/flows"
	"github.com/motcua/motcua/store"
)

var ict = time.FixedZone("ICT", 7*3600)

// now is 23/11/2026 09:00 in Vietnam.
func now() time.Time { return time.Date(2026, time.November, 23, 9, 0, 0, 0, ict) }

func engine(t testing.TB) *flows.Engine {
	t.Helper()
	cat, iss := flows.Load(os.DirFS("../flows/testdata/good"), "good", nil, "")
	if err := iss.Err(); err != nil {
		t.Fatal(err)
	}
	return flows.NewEngine(cat, flows.DefaultMessages())
}

func newService(t testing.TB, st store.Conversations) *bot.Service {
	return bot.New(engine(t), st, bot.Options{Location: ict, Now: now, Retries: []time.Duration{}})
}

// chat drives a service as one citizen, numbering updates.
type chat struct {
	t   *testing.T
	svc *bot.Service
	id  string
	n   atomic.Int64
	// last is the last reply, for pressing its buttons.
	last bot.Reply
}

func newChat(t *testing.T, svc *bot.Service) *chat {
	return &chat{t: t, svc: svc, id: "tg:1"}
}

func (c *chat) send(u bot.Update) string {
	c.t.Helper()
	u.ID = fmt.Sprintf("u%d", c.n.Add(1))
	u.Chat = bot.Chat{ID: c.id, Private: true}
	reply, err := c.svc.Handle(context.Background(), u)
	if err != nil {
		c.t.Fatalf("handle %+v: %v", u, err)
	}
	// As a channel does once the messages are sent.
	if err := c.svc.Delivered(context.Background(), u, reply, len(reply.Messages)); err != nil {
		c.t.Fatalf("delivered %+v: %v", u, err)
	}
	c.last = reply
	return console.RenderReply(reply)
}

func (c *chat) say(text string) string { c.t.Helper(); return c.send(bot.Update{Text: text}) }

// press presses the button with the given label in the last reply.
func (c *chat) press(label string) string {
	c.t.Helper()
	return c.send(bot.Update{Data: c.button(label).Data})
}

func (c *chat) button(label string) bot.Button {
	c.t.Helper()
	for _, m := range c.last.Messages {
		for _, b := range append(m.Buttons, m.Nav...) {
			if b.Label == label {
				return b
			}
		}
	}
	c.t.Fatalf("no button %q in %+v", label, c.last)
	return bot.Button{}
}

func contains(t *testing.T, got string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("missing %q in:\n%s", w, got)
		}
	}
}

func TestStartMenuAndChoices(t *testing.T) {
	c := newChat(t, newService(t, store.NewMemory(store.Options{Now: now})))
	// The menu lists procedures in the order of their files.
	contains(t, c.say("/start"), "Xin chào!", "1. Thủ tục thử thứ hai\n", "2. Thủ tục thử")
	contains(t, c.say("2"), "Chào bạn.", "Ai đi làm?", "1. Cha hoặc mẹ", "(Gõ số để chọn")
	if nav := c.last.Messages[1].Nav; len(nav) != 2 {
		t.Fatalf("a question carries back and cancel: %+v", nav)
	}
	contains(t, c.press("Ông bà"), "Bé sinh ngày nào?")
	contains(t, c.say("31/02/2025"), "không có trên lịch")
	contains(t, c.say("10/11/2026"), "Hạn là 09/01/2027 (còn 47 ngày).", "Nhà có mấy người?")
	contains(t, c.say("quay lại"), "Bé sinh ngày nào?")
	contains(t, c.say("10/11/2026"), "Nhà có mấy người?")
	contains(t, c.say("4"), "Có giấy chứng sinh chưa?", "1. Có", "2. Không")
	contains(t, c.press("Có"), "Giấy tờ (Ông bà, 4 người):", "• Giấy chứng sinh", "Xong.", "1. 📚 Nguồn", "2. 📋 Thủ tục khác")
	contains(t, c.say("2"), "Các thủ tục mình hướng dẫn được:")
}

func TestStaleButton(t *testing.T) {
	c := newChat(t, newService(t, store.NewMemory(store.Options{Now: now})))
	c.say("/start thu")
	old := c.button("Cha hoặc mẹ")
	c.press("Ông bà")
	got := c.send(bot.Update{Data: old.Data})
	contains(t, got, "Nút này thuộc một câu hỏi cũ")
	// The stale press changed nothing: the date question still waits.
	contains(t, c.say("10/11/2026"), "Nhà có mấy người?")
}

func TestCancelAndBackOutsideAFlow(t *testing.T) {
	c := newChat(t, newService(t, store.NewMemory(store.Options{Now: now})))
	contains(t, c.say("/huy"), "Hiện bạn không làm dở thủ tục nào.")
	contains(t, c.say("quay lai"), "Bạn chưa bắt đầu thủ tục nào.")
	c.say("/start thu")
	contains(t, c.say("HỦY"), "Đã dừng thủ tục “Thủ tục thử”.", "2. Thủ tục thử")
	contains(t, c.say("/start khong-co"), "Mình không tìm thấy thủ tục “khong-co”.")
}

func TestSearch(t *testing.T) {
	c := newChat(t, newService(t, store.NewMemory(store.Options{Now: now})))
	contains(t, c.say("thu nghiem"), "Có phải bạn cần: Thủ tục thử?", "1. Thủ tục thử", "2. 📋 Thủ tục khác")
	contains(t, c.say("1"), "Ai đi làm?")
	c.say("/huy")
	contains(t, c.say("thủ tục không có"), "Mình chưa tìm được thủ tục khớp với “thủ tục không có”.", "2. Thủ tục thử")
	contains(t, c.say("xin chào"), "Xin chào!", "2. Thủ tục thử")
	contains(t, c.say("/thutuc chuyen tiep"), "Thủ tục thử thứ hai")
}

func TestEraseAsksFirst(t *testing.T) {
	st := store.NewMemory(store.Options{Now: now})
	c := newChat(t, newService(t, st))
	c.say("/start thu")
	contains(t, c.say("/xoadulieu"), "Bạn muốn xóa mọi thông tin", "1. Xóa hết", "2. Không xóa")
	contains(t, c.say("2"), "Mình giữ nguyên")
	snap, _ := st.Load(context.Background(), c.id, "")
	if snap.Data == nil {
		t.Fatal("keeping must keep the conversation")
	}
	c.say("/xoadulieu")
	contains(t, c.press("Xóa hết"), "Đã xóa mọi thông tin")
	snap, err := st.Load(context.Background(), c.id, "")
	if err != nil || snap.Data != nil {
		t.Fatalf("erased conversation still there: %q %v", snap.Data, err)
	}
}

// TestRepeatedUpdateGetsWhatWasNotDelivered checks the reply's life: while
// the delivery that handled an update holds its reply, a repeated delivery
// is told to come again; what the channel could not deliver is sent to
// the next repeat, not computed again; once all of it was delivered, a
// repeat gets nothing.
func TestRepeatedUpdateGetsWhatWasNotDelivered(t *testing.T) {
	ctx := context.Background()
	svc := newService(t, store.NewMemory(store.Options{Now: now}))
	u := bot.Update{ID: "tg:u:7", Chat: bot.Chat{ID: "tg:1", Private: true}, Text: "/start thu"}
	first, err := svc.Handle(ctx, u)
	if err != nil || len(first.Messages) < 2 {
		t.Fatalf("first: %v %+v; want a reply of two messages or more", err, first)
	}
	if again, err := svc.Handle(ctx, u); !errors.Is(err, bot.ErrTryLater) || len(again.Messages) != 0 {
		t.Fatalf("a repeat while the first delivery holds the reply = %+v, %v; want ErrTryLater and nothing", again, err)
	}
	// The first message got through, the second did not.
	if err := svc.Delivered(ctx, u, first, 1); err != nil {
		t.Fatalf("Delivered(1): %v", err)
	}
	rest, err := svc.Handle(ctx, u)
	if err != nil {
		t.Fatalf("repeat after a partial delivery: %v", err)
	}
	if got, want := console.RenderReply(rest), console.RenderReply(bot.Reply{Messages: first.Messages[1:]}); got != want {
		t.Fatalf("repeat after a partial delivery sent:\n%s\nwant the rest of the first reply:\n%s", got, want)
	}
	if err := svc.Delivered(ctx, u, rest, len(rest.Messages)); err != nil {
		t.Fatalf("Delivered(all): %v", err)
	}
	again, err := svc.Handle(ctx, u)
	if err != nil || len(again.Messages) != 0 {
		t.Fatalf("a repeat of a delivered update must get no reply: %v %+v", err, again)
	}
	// The conversation moved once: the next update is the procedure's
	// next step, not its start again.
	c := newChat(t, svc)
	c.n.Store(100)
	contains(t, c.say("1"), "Bé sinh ngày nào?")
}

func TestGroupGetsAShortAnswerAndALink(t *testing.T) {
	st := store.NewMemory(store.Options{Now: now})
	svc := newService(t, st)
	reply, err := svc.Handle(context.Background(), bot.Update{ID: "g1", Chat: bot.Chat{ID: "tg:-100"}, Text: "/thutuc thu nghiem"})
	if err != nil {
		t.Fatal(err)
	}
	if len(reply.Messages) != 1 {
		t.Fatalf("one short message in a group: %+v", reply)
	}
	m := reply.Messages[0]
	contains(t, m.Text, "Thủ tục phù hợp: Thủ tục thử.", "nhắn riêng")
	if len(m.Buttons) != 1 || !m.Buttons[0].OpenChat || m.Buttons[0].OpenFlow != "thu" {
		t.Errorf("the button opens a private chat at the procedure: %+v", m.Buttons)
	}
	if snap, _ := st.Load(context.Background(), "tg:-100", ""); snap.Data != nil {
		t.Errorf("nothing is kept for a group: %s", snap.Data)
	}
}

// failing is a store that cannot be reached.
type failing struct{ store.Conversations }

func (failing) Load(context.Context, string, string) (store.Snapshot, error) {
	return store.Snapshot{}, fmt.Errorf("load: %w", store.ErrUnavailable)
}

func TestStoreDownGetsAnApology(t *testing.T) {
	svc := newService(t, failing{})
	reply, err := svc.Handle(context.Background(), bot.Update{ID: "1", Chat: bot.Chat{ID: "tg:1", Private: true}, Text: "/start"})
	if err == nil || !strings.Contains(err.Error(), "unavailable") {
		t.Fatalf("err = %v, want one wrapping store.ErrUnavailable", err)
	}
	if len(reply.Messages) != 1 || !strings.HasPrefix(reply.Messages[0].Text, "Xin lỗi, hệ thống đang bận") {
		t.Fatalf("reply = %+v", reply)
	}
}

func TestShippedMessagesComplete(t *testing.T) {
	m := bot.DefaultMessages()
	if m.Greeting == "" || m.StoreDown == "" || len(m.Commands) != 11 {
		t.Fatal("messages missing")
	}
	if ct := bot.DefaultCommunityTexts(); ct.VillageAsk == "" || ct.NoticeReport == "" {
		t.Fatal("community texts missing")
	}
}

// TestMenuCommandsAreKnown: every command of the menu does something of
// its own, rather than fall to the help text as an unknown one would.
func TestMenuCommandsAreKnown(t *testing.T) {
	svc := bot.New(engine(t), store.NewMemory(store.Options{Now: now}), bot.Options{Location: ict, Now: now, Retries: []time.Duration{}})
	help := bot.DefaultMessages().HelpIntro
	for i, c := range bot.DefaultMessages().Commands {
		if c.Command == "trogiup" {
			continue
		}
		reply, err := svc.Handle(context.Background(), bot.Update{ID: fmt.Sprint("m", i), Chat: bot.Chat{ID: "tg:77", Private: true}, Text: "/" + c.Command})
		if err != nil || len(reply.Messages) == 0 || reply.Messages[0].Text == help {
			t.Errorf("/%s: %v, %+v", c.Command, err, reply.Messages)
		}
	}
}

func TestFAQAnswerThenRelatedProcedure(t *testing.T) {
	c := newChat(t, newService(t, store.NewMemory(store.Options{Now: now})))
	contains(t, c.say("mat giay thu thi lam sao"), "Bạn xin cấp lại giấy thử ở xã.", "1. Thủ tục thử", "2. 📚 Nguồn", "3. 📋 Thủ tục khác")
	// The sources are one tap away, and the menu stays.
	contains(t, c.say("2"), "📚 Nguồn của “", "• Không có căn cứ, chỉ để thử (kiểm tra ngày 23/11/2026)", "1. Thủ tục thử", "2. 📋 Thủ tục khác")
	contains(t, c.say("1"), "Ai đi làm?")
}

func TestCommuneProfile(t *testing.T) {
	commune := bot.Commune{
		Name: "xã Thử Nghiệm", Hours: "sáng 7:30–11:30, chiều 13:30–17:00, thứ Hai đến thứ Sáu",
		Phone: "0262 3 000 000", Notices: []string{"Thứ Tư 25/11: tiêm chủng tại trạm y tế."}, Updated: "23/11/2026",
	}
	faqs, err := commune.FAQ()
	if err != nil {
		t.Fatal(err)
	}
	if len(faqs) != 3 {
		t.Fatalf("%d questions, want hours, phone and notices (no address, no volunteers)", len(faqs))
	}
	cat, iss := flows.Load(os.DirFS("../flows/testdata/good"), "good", shippedIntents(t), "shipped", faqs...)
	if err := iss.Err(); err != nil {
		t.Fatal(err)
	}
	svc := bot.New(flows.NewEngine(cat, flows.DefaultMessages()), store.NewMemory(store.Options{Now: now}), bot.Options{Location: ict, Now: now})
	c := newChat(t, svc)
	contains(t, c.say("uy ban lam viec may gio"), "Trung tâm Phục vụ hành chính công xã Thử Nghiệm làm việc: sáng 7:30–11:30", "1. 📚 Nguồn")
	contains(t, c.say("1"), "• Thông tin của xã Thử Nghiệm, do cán bộ xã cập nhật (kiểm tra ngày 23/11/2026)")
	contains(t, c.say("so dien thoai xa"), "0262 3 000 000")
	contains(t, c.say("/xa"), "làm việc: sáng", "0262 3 000 000", "• Thứ Tư 25/11: tiêm chủng")

	none := newChat(t, newService(t, store.NewMemory(store.Options{Now: now})))
	contains(t, none.say("/xa"), "Bạn hỏi trực tiếp cán bộ tại Trung tâm Phục vụ hành chính công xã", "1800 1096") // never "not configured" alone
	if faqs, _ := (bot.Commune{}).FAQ(); len(faqs) != 0 {
		t.Error("no name, no questions")
	}
}

// TestTasksAreRemembered: the ticks of a tasks list outlive the procedure
// (cancelled or finished) and are erased with /xoadulieu.
func TestTasksAreRemembered(t *testing.T) {
	fsys := fstest.MapFS{"cds.yaml": {Data: []byte(`id: cds
title: Công dân số
summary: Việc cần làm.
keywords: [công dân số]
sources: [{title: Thử, checked: 23/11/2026}]
steps:
  - id: viec
    type: tasks
    text: "Đã xong {viec}:"
    items:
      - {id: vneid, text: VNeID mức độ 2}
      - {id: ngan_hang, text: Ứng dụng ngân hàng}
  - id: het
    type: end
    text: "Lưu {viec}."
`)}}
	cat, iss := flows.Load(fsys, "mem", nil, "")
	if err := iss.Err(); err != nil {
		t.Fatal(err)
	}
	svc := bot.New(flows.NewEngine(cat, flows.DefaultMessages()), store.NewMemory(store.Options{Now: now}), bot.Options{Location: ict, Now: now})
	c := newChat(t, svc)
	contains(t, c.say("/start cds"), "Đã xong 0/2:", "1. ⬜ VNeID mức độ 2", "3. ➡ Xong, đi tiếp")
	contains(t, c.say("2"), "Đã xong 1/2:", "2. ✅ Ứng dụng ngân hàng")
	c.say("/huy")
	contains(t, c.say("/start cds"), "Đã xong 1/2:", "2. ✅ Ứng dụng ngân hàng")
	contains(t, c.press("⬜ VNeID mức độ 2"), "Đã xong 2/2:")
	contains(t, c.say("3"), "Lưu 2/2.")
	contains(t, c.say("/start cds"), "Đã xong 2/2:")
	c.say("/xoadulieu")
	c.say("1")
	contains(t, c.say("/start cds"), "Đã xong 0/2:")
}

// recorder is an Effects that records what it is asked, failing when told.
type recorder struct {
	got  []flows.Effect
	fail error
}

func (r *recorder) Apply(_ context.Context, chat bot.Chat, e flows.Effect) ([]bot.Message, error) {
	r.got = append(r.got, e)
	return nil, r.fail
}

func TestActionsRunAfterTheStepIsSaved(t *testing.T) {
	fsys := fstest.MapFS{"nhac.yaml": {Data: []byte(`id: nhac
title: Nhắc hạn thẻ
summary: Đặt nhắc.
keywords: [nhắc]
sources: [{title: Thử, checked: 23/11/2026}]
steps:
  - id: han
    type: input
    text: Hết hạn ngày nào?
    save: han
    input: {kind: date, min: today}
  - id: dat
    type: action
    action: reminder
    with: {label: Tôi, expiry: han}
    text: Mình sẽ nhắc trước ngày {han}.
  - id: het
    type: end
    text: Xong.
`)}}
	cat, iss := flows.Load(fsys, "mem", nil, "")
	if err := iss.Err(); err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	svc := bot.New(flows.NewEngine(cat, flows.DefaultMessages()), store.NewMemory(store.Options{Now: now}), bot.Options{Location: ict, Now: now, Effects: rec})
	c := newChat(t, svc)
	c.say("/start nhac")
	contains(t, c.say("31/12/2026"), "Mình sẽ nhắc trước ngày 31/12/2026.")
	if len(rec.got) != 1 || rec.got[0].Args["label"] != "Tôi" || rec.got[0].Args["expiry"] != "2026-12-31" {
		t.Fatalf("effects: %+v", rec.got)
	}
	rec.fail = fmt.Errorf("redis down")
	c.say("/start nhac")
	contains(t, c.say("31/12/2026"), "Xin lỗi, mình chưa làm được việc vừa hẹn")
}

// BenchmarkHandle is the service's cost of one update on the memory
// store, reply delivered: a procedure started, then answered, over and
// over in one chat.
func BenchmarkHandle(b *testing.B) {
	svc := newService(b, store.NewMemory(store.Options{Now: now}))
	ctx := context.Background()
	texts := []string{"/start thu", "1", "10/11/2026"}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		u := bot.Update{ID: fmt.Sprint("u", i), Chat: bot.Chat{ID: "tg:1", Private: true}, Text: texts[i%len(texts)]}
		i++
		reply, err := svc.Handle(ctx, u)
		if err != nil {
			b.Fatal(err)
		}
		if err := svc.Delivered(ctx, u, reply, len(reply.Messages)); err != nil {
			b.Fatal(err)
		}
	}
}
