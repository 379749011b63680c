package bot_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/motcua/motcua/bot"
	"github.com/motcua/motcua/bot/console"
	"github.com/motcua/motcua/roles"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/tickets"
)

const group = "tg:-100500"

// party is one person in a conversation with the bot: a citizen, or a
// volunteer in her private chat or in the volunteers' group.
type party struct {
	t    *testing.T
	svc  *bot.Service
	chat bot.Chat
	user bot.User
	n    *int
	last bot.Reply
}

func (p *party) send(u bot.Update) string {
	p.t.Helper()
	*p.n++
	u.ID = "u" + strings.Repeat("x", *p.n)
	u.Chat, u.From = p.chat, p.user
	reply, err := p.svc.Handle(context.Background(), u)
	if err != nil {
		p.t.Fatalf("%+v: %v", u, err)
	}
	if err := p.svc.Delivered(context.Background(), u, reply, len(reply.Messages)); err != nil {
		p.t.Fatalf("delivered %+v: %v", u, err)
	}
	p.last = reply
	return console.RenderReply(reply)
}

func (p *party) data(label string) string {
	p.t.Helper()
	for _, m := range p.last.Messages {
		for _, b := range append(m.Buttons, m.Nav...) {
			if b.Label == label {
				return b.Data
			}
		}
	}
	p.t.Fatalf("no button %q in %+v", label, p.last)
	return ""
}

func TestVolunteersAnswerThroughTheBot(t *testing.T) {
	ts := tickets.NewMemory(tickets.Options{})
	conv := store.NewMemory(store.Options{Now: now})
	eng := engine(t)
	vol := &bot.Volunteers{
		Tickets: ts, Group: group, Staff: "tg:-100600", Conversations: conv, Messages: bot.DefaultMessages(), Now: now, Catalog: eng.Catalog(),
		Roles: roles.WithConfig(roles.NewMemory(roles.Options{}), []string{"tg:901"}, []string{"tg:800"}),
	}
	svc := bot.New(eng, conv, bot.Options{Location: ict, Now: now, Volunteers: vol})
	n := 0
	citizen := &party{t: t, svc: svc, chat: bot.Chat{ID: "tg:1", Private: true}, user: bot.User{ID: "tg:1", Name: "Chị Lan"}, n: &n}
	an := &party{t: t, svc: svc, chat: bot.Chat{ID: group}, user: bot.User{ID: "tg:901", Name: "An"}, n: &n}
	binh := &party{t: t, svc: svc, chat: bot.Chat{ID: group}, user: bot.User{ID: "tg:902", Name: "Bình"}, n: &n}
	stranger := &party{t: t, svc: svc, chat: bot.Chat{ID: group}, user: bot.User{ID: "tg:999", Name: "Khách"}, n: &n}
	anPrivate := &party{t: t, svc: svc, chat: bot.Chat{ID: "tg:901", Private: true}, user: bot.User{ID: "tg:901", Name: "An"}, n: &n}
	staff := &party{t: t, svc: svc, chat: bot.Chat{ID: "tg:800", Private: true}, user: bot.User{ID: "tg:800", Name: "Cán bộ Hà"}, n: &n}
	binhPrivate := &party{t: t, svc: svc, chat: bot.Chat{ID: "tg:902", Private: true}, user: bot.User{ID: "tg:902", Name: "Bình"}, n: &n}

	// Bình joins with a one-time code from staff; An cannot make codes.
	contains(t, anPrivate.send(bot.Update{Text: "/moi tinhnguyenvien"}), "Chỉ cán bộ xã mới tạo được mã mời.")
	got := staff.send(bot.Update{Text: "/moi tinhnguyenvien"})
	contains(t, got, "Mã mời tình nguyện viên: ")
	code := strings.Fields(strings.TrimPrefix(got, "Mã mời tình nguyện viên: "))[0]
	contains(t, binhPrivate.send(bot.Update{Text: "/thamgia " + code}), "Chào mừng bạn tham gia với vai trò tình nguyện viên!")
	strangerPrivate := &party{t: t, svc: svc, chat: bot.Chat{ID: "tg:999", Private: true}, user: bot.User{ID: "tg:999", Name: "Khách"}, n: &n}
	contains(t, strangerPrivate.send(bot.Update{Text: "/thamgia " + code}), "Mã mời không đúng, đã dùng hoặc đã hết hạn.")

	// From the middle of a procedure: every question offers a volunteer.
	citizen.send(bot.Update{Text: "/start thu"})
	citizen.send(bot.Update{Text: "1"})
	contains(t, citizen.send(bot.Update{Data: citizen.data("🙋 Hỏi tình nguyện viên")}), "Bạn gõ câu hỏi của bạn")
	got = citizen.send(bot.Update{Text: "Con tôi sinh ở nhà thì lấy giấy chứng sinh ở đâu?"})
	contains(t, got, "• Câu hỏi: Con tôi sinh ở nhà", "thủ tục “Thủ tục thử”, câu: Bé sinh ngày nào?", "Tên hiển thị của bạn: Chị Lan", "không được gửi")
	got = citizen.send(bot.Update{Text: "1"})
	contains(t, got, "Đã gửi câu hỏi (phiếu #", "[→ "+group+"] 📨 Phiếu #", "Chị Lan hỏi:", "1. ✋ Nhận")
	post := citizen.last.Messages[1]
	claim := post.Buttons[0].Data

	// A stranger cannot claim; of two volunteers pressing, one wins.
	contains(t, stranger.send(bot.Update{Data: claim}), "Chỉ tình nguyện viên và cán bộ xã")
	contains(t, an.send(bot.Update{Data: claim}), "✋ An đã nhận phiếu", "[→ tg:1] Tình nguyện viên An đã nhận", "[→ tg:901] Bạn đã nhận phiếu")
	contains(t, binh.send(bot.Update{Data: claim}), "đã có An nhận rồi")

	// An answers in his private chat; the citizen follows up; he answers in
	// the group by replying to the post.
	contains(t, anPrivate.send(bot.Update{Text: "Chị xin xác nhận của trạm y tế xã nhé."}), "Đã chuyển.", "[→ tg:1] 💬 An (tình nguyện viên) trả lời:\nChị xin xác nhận")
	contains(t, citizen.send(bot.Update{Text: "Trạm y tế mở cửa thứ bảy không?"}), "Đã chuyển.", "[→ tg:901] Phiếu #", "Chị Lan nhắn thêm:")
	contains(t, an.send(bot.Update{Text: "Có, sáng thứ bảy.", ReplyTo: post.Text}), "[→ tg:1] 💬 An (tình nguyện viên) trả lời:\nCó, sáng thứ bảy.")
	// Binh replying to the post is not the claimer.
	contains(t, binh.send(bot.Update{Text: "Để em trả lời", ReplyTo: post.Text}), "không do bạn giữ")

	// She closes it; what she types goes back to the procedure she was in.
	contains(t, citizen.send(bot.Update{Text: "Đã rõ, cảm ơn"}), "[→ "+group+"] Phiếu #", "đã đóng", "Câu hỏi đã đóng. Cảm ơn bạn!")
	contains(t, citizen.send(bot.Update{Text: "10/11/2026"}), "Hạn là 09/01/2027")
	contains(t, anPrivate.send(bot.Update{Text: "/phieu"}), "Không có phiếu nào đang mở.")

	st, err := ts.Stats(context.Background(), now().Add(-time.Hour), now().Add(time.Hour))
	if err != nil || st.Asked != 1 || st.Answered != 1 || st.Closed != 1 {
		t.Errorf("figures: %+v %v", st, err)
	}
}

func TestNothingFoundOffersAVolunteer(t *testing.T) {
	conv := store.NewMemory(store.Options{Now: now})
	vol := &bot.Volunteers{
		Tickets: tickets.NewMemory(tickets.Options{}), Group: group, Conversations: conv, Messages: bot.DefaultMessages(), Now: now,
		Roles: roles.NewMemory(roles.Options{}),
	}
	svc := bot.New(engine(t), conv, bot.Options{Location: ict, Now: now, Volunteers: vol})
	n := 0
	c := &party{t: t, svc: svc, chat: bot.Chat{ID: "tg:2", Private: true}, user: bot.User{ID: "tg:2"}, n: &n}
	got := c.send(bot.Update{Text: "tranh chấp đất đai với hàng rào bên cạnh"})
	contains(t, got, "Mình chưa tìm được thủ tục", "3. 🙋 Hỏi tình nguyện viên")
	contains(t, c.send(bot.Update{Text: "3"}), "• Câu hỏi: tranh chấp đất đai với hàng rào bên cạnh", "chưa xem thủ tục nào", "Tên hiển thị của bạn: Người dân")
	contains(t, c.send(bot.Update{Text: "2"}), "Mình không gửi câu hỏi.")
}

// TestVolunteersWithoutButtons: on a channel without buttons (Zalo) the
// volunteers claim by typing "/nhan <id>" in the group, and each side
// answers the bot's choices by typing their number.
func TestVolunteersWithoutButtons(t *testing.T) {
	conv := store.NewMemory(store.Options{Now: now})
	eng := engine(t)
	const zgroup = "zl:g1"
	vol := &bot.Volunteers{
		Tickets: tickets.NewMemory(tickets.Options{}), Group: zgroup, Conversations: conv, Messages: bot.DefaultMessages(), Now: now, Catalog: eng.Catalog(),
		Roles: roles.WithConfig(roles.NewMemory(roles.Options{}), []string{"zl:v1"}, nil),
	}
	svc := bot.New(eng, conv, bot.Options{Location: ict, Now: now, Volunteers: vol})
	n := 0
	citizen := &party{t: t, svc: svc, chat: bot.Chat{ID: "zl:c1", Private: true}, user: bot.User{ID: "zl:c1", Name: "Chị Mai"}, n: &n}
	inGroup := &party{t: t, svc: svc, chat: bot.Chat{ID: zgroup}, user: bot.User{ID: "zl:v1", Name: "Hùng"}, n: &n}
	private := &party{t: t, svc: svc, chat: bot.Chat{ID: "zl:v1", Private: true}, user: bot.User{ID: "zl:v1", Name: "Hùng"}, n: &n}

	citizen.send(bot.Update{Text: "/hoi Làm lại thẻ BHYT bị mất ở đâu?"})
	got := citizen.send(bot.Update{Text: "1"})
	contains(t, got, "gõ /nhan ")
	id := strings.Fields(got[strings.Index(got, "gõ /nhan ")+len("gõ /nhan "):])[0]
	contains(t, inGroup.send(bot.Update{Text: "/nhan " + strings.ToLower(id)}), "✋ Hùng đã nhận phiếu #"+id, "[→ zl:v1] Bạn đã nhận phiếu", "3. ✅ Đóng phiếu")
	contains(t, private.send(bot.Update{Text: "Chị ra bưu điện xã làm lại nhé."}), "[→ zl:c1] 💬 Hùng (tình nguyện viên) trả lời:", "1. ✅ Đã rõ, cảm ơn")
	// She types the number of "Đã rõ, cảm ơn".
	contains(t, citizen.send(bot.Update{Text: "1"}), "Câu hỏi đã đóng. Cảm ơn bạn!")
	// A typed "/nhan" of a closed ticket says so; his "1" is no longer
	// "Trả lại".
	contains(t, inGroup.send(bot.Update{Text: "/nhan " + id}), "không còn")
	if got := private.send(bot.Update{Text: "1"}); strings.Contains(got, "không do bạn giữ") || strings.Contains(got, "Trả lại") {
		t.Errorf("a number after the ticket closed: %s", got)
	}
}

// TestStaffJoinLearnsTheirCommands: who joins as staff is told the staff's
// commands, which the public menu does not show.
func TestStaffJoinLearnsTheirCommands(t *testing.T) {
	conv := store.NewMemory(store.Options{Now: now})
	vol := &bot.Volunteers{
		Tickets: tickets.NewMemory(tickets.Options{}), Group: group, Conversations: conv, Messages: bot.DefaultMessages(), Now: now,
		Roles: roles.WithConfig(roles.NewMemory(roles.Options{}), nil, []string{"tg:800"}),
	}
	svc := bot.New(engine(t), conv, bot.Options{Location: ict, Now: now, Volunteers: vol})
	n := 0
	staff := &party{t: t, svc: svc, chat: bot.Chat{ID: "tg:800", Private: true}, user: bot.User{ID: "tg:800"}, n: &n}
	got := staff.send(bot.Update{Text: "/moi canbo"})
	code := strings.Fields(got[strings.Index(got, ": ")+2:])[0]
	newcomer := &party{t: t, svc: svc, chat: bot.Chat{ID: "tg:801", Private: true}, user: bot.User{ID: "tg:801"}, n: &n}
	contains(t, newcomer.send(bot.Update{Text: "/thamgia " + code}), "vai trò cán bộ xã", "/thongbao", "/dsthongbao", "/thongke")
	volunteer := &party{t: t, svc: svc, chat: bot.Chat{ID: "tg:802", Private: true}, user: bot.User{ID: "tg:802"}, n: &n}
	got = staff.send(bot.Update{Text: "/moi tinhnguyenvien"})
	code = strings.Fields(got[strings.Index(got, ": ")+2:])[0]
	if got := volunteer.send(bot.Update{Text: "/thamgia " + code}); strings.Contains(got, "/thongbao") {
		t.Errorf("a volunteer is told the staff's commands: %s", got)
	}
}

// TestAskRepeatedAfterACrash: the replica that handled "send my question"
// died before its reply was recorded delivered. Once the hold is over, the
// redelivery of the update carries the action out again: the same ticket,
// posted (again) to the volunteers, her confirmation sent; not a second
// ticket, not "you have a question under way".
func TestAskRepeatedAfterACrash(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	clock := now()
	tick := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	ts := tickets.NewMemory(tickets.Options{})
	conv := store.NewMemory(store.Options{Now: tick, ReplyHold: time.Minute})
	eng := engine(t)
	vol := &bot.Volunteers{
		Tickets: ts, Group: group, Conversations: conv, Messages: bot.DefaultMessages(), Now: tick, Catalog: eng.Catalog(),
		Roles: roles.NewMemory(roles.Options{}),
	}
	svc := bot.New(eng, conv, bot.Options{Location: ict, Now: tick, Volunteers: vol})
	n := 0
	citizen := &party{t: t, svc: svc, chat: bot.Chat{ID: "tg:1", Private: true}, user: bot.User{ID: "tg:1", Name: "Chị Lan"}, n: &n}
	citizen.send(bot.Update{Text: "/hoi Giấy chứng sinh mất thì làm lại ở đâu?"})

	send := bot.Update{ID: "tg:u:send", Chat: citizen.chat, From: citizen.user, Text: "1"}
	first, err := svc.Handle(ctx, send)
	if err != nil {
		t.Fatal(err)
	}
	contains(t, console.RenderReply(first), "Đã gửi câu hỏi (phiếu #", "[→ "+group+"] 📨 Phiếu #")
	// The replica dies here: nothing is recorded delivered.
	if _, err := svc.Handle(ctx, send); !errors.Is(err, bot.ErrTryLater) {
		t.Fatalf("a redelivery while the dead replica's hold lasts = %v, want ErrTryLater", err)
	}
	mu.Lock()
	clock = clock.Add(time.Minute)
	mu.Unlock()
	again, err := svc.Handle(ctx, send)
	if err != nil {
		t.Fatalf("the redelivery once the hold is over: %v", err)
	}
	if got, want := console.RenderReply(again), console.RenderReply(first); got != want {
		t.Errorf("the redelivery sent:\n%s\nwant what the first delivery would have:\n%s", got, want)
	}
	if err := svc.Delivered(ctx, send, again, len(again.Messages)); err != nil {
		t.Fatal(err)
	}
	_, open, err := ts.Open(ctx, "tg:901")
	if err != nil || len(open) != 1 {
		t.Errorf("open tickets after the action ran twice: %d, %v; want 1", len(open), err)
	}
}
