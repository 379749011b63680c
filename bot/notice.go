package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/motcua/motcua/flows"
)

// Audiences of a notice, NoticeDraft.Audience.
const (
	AudienceAll       = "all"       // every citizen using the bot
	AudienceVillages  = "villages"  // the citizens of some villages
	AudienceReminders = "reminders" // the families with a BHYT reminder
	AudienceGroups    = "groups"    // the village groups (all when no village)
)

// NoticeDraft is a notice staff confirmed.
type NoticeDraft struct {
	// Author is the staff member's private chat, where progress and the
	// report go; AuthorName her name.
	Author, AuthorName string
	Audience           string
	Villages           []string
	Text               string
	Photo              *Photo
	// Urgent notices reach those who stopped ordinary ones, and are sent
	// in quiet hours.
	Urgent bool
	// At is when to send; zero: at once.
	At time.Time
	// Key, when set, names the confirmation that sends the notice: a
	// second Send with the same key (the confirmation carried out again
	// after a replica died) queues nothing new and returns the first id.
	Key string `json:",omitempty"`
}

// NoticePreview is what staff see before they confirm.
type NoticePreview struct {
	// Recipients is how many chats the notice goes to: people, or groups
	// for AudienceGroups.
	Recipients int
	// Short lists the channels whose monthly quota the notice would
	// exceed.
	Short []QuotaShort
	// TextOnly counts the recipients who will get the words without the
	// photo: a picture held by one channel cannot go on another.
	TextOnly int
}

// QuotaShort says a channel's monthly quota is short of a notice.
type QuotaShort struct {
	Channel    string
	Left, Need int
}

// NoticeDesk queues staff's notices; the notices package, wired in
// cmd/motcua, is one.
type NoticeDesk interface {
	Preview(ctx context.Context, d NoticeDraft) (NoticePreview, error)
	// Send queues the notice (for d.At when set) and returns its id;
	// ErrNoRecipients when nobody would get it.
	Send(ctx context.Context, d NoticeDraft) (id string, err error)
	// Cancel stops a notice waiting or under way; false when there is no
	// such notice, or it has ended.
	Cancel(ctx context.Context, id string) (bool, error)
	// List returns the latest notices, newest first.
	List(ctx context.Context, max int) ([]NoticeSummary, error)
	// DeleteChat forgets that chat received notices (/xoadulieu).
	DeleteChat(ctx context.Context, chat string) error
}

// ErrNoRecipients refuses a notice nobody would get.
var ErrNoRecipients = errors.New("bot: a notice without recipients")

// NoticeSummary is a notice as staff see it in /dsthongbao.
type NoticeSummary struct {
	ID     string
	Draft  NoticeDraft
	Status string
	// Created is when staff confirmed it.
	Created     time.Time
	Sent, Total int
}

// Statuses of a notice, NoticeSummary.Status.
const (
	NoticeScheduled = "scheduled"
	NoticeQueued    = "queued"
	NoticeSending   = "sending"
	NoticeDone      = "done"
	NoticeCanceled  = "canceled"
)

// listed is how many notices /dsthongbao shows.
const listed = 10

// maxNotice bounds a notice's text: a caption of a photo on Telegram is
// shorter, but the channel then sends the text after the photo.
const maxNotice = 3000

// draft is a notice being written, kept in the staff member's
// conversation until she confirms or drops it.
type draft struct {
	Step     string   `json:"st"`
	Audience string   `json:"a,omitempty"`
	Villages []string `json:"v,omitempty"`
	Text     string   `json:"t,omitempty"`
	Photo    *Photo   `json:"ph,omitempty"`
	Urgent   bool     `json:"u,omitempty"`
	// At is when to send, in Unix seconds; 0: at once.
	At int64 `json:"at,omitempty"`
}

// Steps of a draft.
const (
	stepAudience = "audience"
	stepVillages = "villages"
	stepText     = "text"
	stepUrgent   = "urgent"
	stepWhen     = "when"
	stepTime     = "time"
	stepConfirm  = "confirm"
)

// Menu entries of the notice dialogue: "nb:<what>".
const noticePrefix = "nb:"

// Notice buttons outside a conversation's turn: "nt:<id>:cancel" on the
// progress message, pressable as long as the notice runs.
const (
	noticeButton = "nt"
	ntCancel     = "cancel"
)

// option is a choice of a dialogue step: its label and its menu entry.
type option struct{ label, entry string }

// noticeRoom is the commune staff's notices: /thongbao's dialogue (who,
// the text or a photo, urgent or not, now or later, the preview with its
// count, confirm), /dsthongbao, /huythongbao and the "⏹ Dừng gửi" of a
// progress message. Sending is the notices worker's (package notices);
// the effects are carried out by the Community, which checks again that
// she is staff. Its part of the conversation is noticeState.
type noticeRoom struct{}

// noticeState is the notices' part of the conversation.
type noticeState struct {
	// Draft is a notice staff are writing.
	Draft *draft `json:"nd,omitempty"`
}

func (s noticeState) empty() bool { return s.Draft == nil }

// readStaff names whether she is staff, read before /thongbao.
const readStaff = "staff"

func (noticeRoom) register(r *router) {
	n := noticeRoom{}
	r.command(func(t *turn, _ string) { n.begin(t) }, "thongbao")
	r.command(n.stop, "huythongbao")
	r.command(func(t *turn, _ string) { n.list(t) }, "dsthongbao")
	r.item(noticeButton, func(t *turn, id, what string) {
		if what != ntCancel {
			t.say(t.s.msg.StaleButton)
			return
		}
		n.stop(t, id)
	})
	r.entry(noticePrefix, func(t *turn, entry string) {
		if t.s.com == nil {
			return
		}
		n.choose(t, entry)
	})
	r.wait(pendingNotice, func(t *turn, _, text string) bool {
		if t.conv.Draft == nil || t.s.com == nil {
			t.conv.Pending = ""
			return false
		}
		switch flows.Normalize(text) {
		case "huy", "huy bo", "thoat":
			r.doCancel(t)
		case "quay lai", "tro lai":
			r.doBack(t)
		default:
			n.typed(t, text)
		}
		return true
	})
	r.photoWaits[pendingNotice] = true
	r.actor("notice_", community, false)
	r.cancel = append(r.cancel, func(t *turn) bool {
		if t.conv.Draft == nil {
			return false
		}
		n.end(t)
		t.say(t.s.com.Texts.NoticeDiscarded)
		return true
	})
	r.back = append(r.back, func(t *turn) bool {
		if t.conv.Draft == nil {
			return false
		}
		n.back(t)
		return true
	})
	r.prereads = append(r.prereads, preread{
		name:    readStaff,
		command: "thongbao",
		on:      func(s *Service) bool { return s.com != nil && s.com.Notices != nil },
		read: func(ctx context.Context, s *Service, u Update) (any, error) {
			return s.com.isStaff(ctx, userOf(u), "notice", u.Chat.ID)
		},
	})
}

// begin starts /thongbao for staff; the staff check was made, and a
// refusal logged, before the update (a preread), since the turn does no
// I/O.
func (n noticeRoom) begin(t *turn) {
	c := t.s.com
	if c == nil || c.Notices == nil {
		t.say(t.s.com.textsOr().NoticeOff)
		return
	}
	if staff, _ := t.read[readStaff].(bool); !staff {
		t.say(c.Texts.NoticeNotStaff) // the refusal was logged with the check
		return
	}
	t.quit()
	t.wait(pendingNotice, "")
	t.conv.Draft = &draft{Step: stepAudience}
	n.askStep(t)
}

const pendingNotice = "notice"

// noticeOptions are the choices of the draft's step.
func (n noticeRoom) options(t *turn) []option {
	ct := t.s.com.Texts
	d := t.conv.Draft
	switch d.Step {
	case stepAudience:
		opts := []option{{ct.NoticeAll, "a:" + AudienceAll}}
		if len(t.s.com.Villages) > 0 {
			opts = append(opts, option{ct.NoticeVillages, "a:" + AudienceVillages})
		}
		return append(opts, option{ct.NoticeReminders, "a:" + AudienceReminders}, option{ct.NoticeGroups, "a:" + AudienceGroups})
	case stepVillages:
		var opts []option
		for _, v := range t.s.com.Villages {
			label := v.Name
			if slices.Contains(d.Villages, v.ID) {
				label = flows.Fill(ct.NoticePicked, "village", v.Name)
			}
			opts = append(opts, option{label, "v:" + v.ID})
		}
		return append(opts, option{ct.NoticeDonePicking, "done"})
	case stepUrgent:
		return []option{{ct.NoticeUrgentNo, "u:0"}, {ct.NoticeUrgentYes, "u:1"}}
	case stepWhen:
		return []option{{ct.NoticeNow, "w:now"}, {ct.NoticeLater, "w:later"}}
	case stepConfirm:
		return []option{{ct.NoticeConfirm, "ok"}, {ct.NoticeDiscard, "no"}}
	}
	return nil
}

// noticeAsk asks the draft's step.
func (n noticeRoom) askStep(t *turn) {
	ct := t.s.com.Texts
	d := t.conv.Draft
	var text string
	switch d.Step {
	case stepAudience:
		text = ct.NoticeAudience
	case stepVillages:
		text = ct.NoticePickVillages
		if d.Audience == AudienceGroups {
			text = ct.NoticePickGroups
		}
	case stepText:
		text = ct.NoticeAskText
		if d.Photo != nil {
			text = ct.NoticeAskTextAfterPhoto
		}
	case stepUrgent:
		text = ct.NoticeAskUrgent
	case stepWhen:
		text = ct.NoticeAskWhen
	case stepTime:
		text = ct.NoticeAskTime
	case stepConfirm:
		n.preview(t)
		return
	}
	m := Message{Text: text, Hint: t.s.msg.TypedHintInput}
	t.conv.Menu = nil
	for _, o := range n.options(t) {
		m.Buttons = append(m.Buttons, t.choice(o.label, noticePrefix+o.entry))
	}
	if len(m.Buttons) > 0 {
		m.Hint = t.s.msg.TypedHint
	}
	m.Nav = []Button{t.button(t.s.msg.Cancel, actCancel, "")}
	t.out = append(t.out, m)
}

// noticePreview asks the desk to count the recipients; the preview and
// its two buttons come back from the effect.
func (n noticeRoom) preview(t *turn) {
	t.conv.Menu = []string{noticePrefix + "ok", noticePrefix + "no"}
	d := n.draftOf(t)
	raw, _ := json.Marshal(d) // a struct of strings and a time: cannot fail
	t.act(effectPreview, map[string]string{
		"draft": string(raw),
		"ok":    buttonData(t.turnNo(), actMenu, "0"),
		"no":    buttonData(t.turnNo(), actMenu, "1"),
	})
}

// noticeDraft is the draft as the desk takes it.
func (n noticeRoom) draftOf(t *turn) NoticeDraft {
	d := t.conv.Draft
	nd := NoticeDraft{
		Author: t.u.Chat.ID, AuthorName: t.u.From.Name, Audience: d.Audience,
		Villages: d.Villages, Text: d.Text, Photo: d.Photo, Urgent: d.Urgent,
	}
	if d.At != 0 {
		nd.At = time.Unix(d.At, 0).In(t.now.Location())
	}
	return nd
}

// noticeChoice acts on a choice of the dialogue, pressed or typed.
func (n noticeRoom) choose(t *turn, entry string) {
	d := t.conv.Draft
	if d == nil {
		t.say(t.s.msg.StaleButton)
		return
	}
	kind, arg, _ := strings.Cut(entry, ":")
	switch {
	case d.Step == stepAudience && kind == "a":
		d.Audience, d.Villages = arg, nil
		d.Step = stepText
		if arg == AudienceVillages || (arg == AudienceGroups && len(t.s.com.Villages) > 0) {
			d.Step = stepVillages
		}
	case d.Step == stepVillages && kind == "v":
		if i := slices.Index(d.Villages, arg); i >= 0 {
			d.Villages = slices.Delete(d.Villages, i, i+1)
		} else if _, ok := t.s.com.village(arg); ok {
			d.Villages = t.s.com.inOrder(append(d.Villages, arg))
		}
	case d.Step == stepVillages && kind == "done":
		if d.Audience == AudienceVillages && len(d.Villages) == 0 {
			t.say(t.s.com.Texts.NoticePickOne)
			break
		}
		d.Step = stepText
	case d.Step == stepUrgent && kind == "u":
		d.Urgent = arg == "1"
		d.Step = stepWhen
	case d.Step == stepWhen && kind == "w":
		if arg == "now" {
			d.At = 0
			d.Step = stepConfirm
		} else {
			d.Step = stepTime
		}
	case d.Step == stepConfirm && kind == "ok":
		nd := n.draftOf(t)
		nd.Key = t.u.ID // a repeat of this confirmation queues nothing new
		raw, _ := json.Marshal(nd)
		t.act(effectSend, map[string]string{"draft": string(raw), "user": t.user()})
		n.end(t)
		return
	case d.Step == stepConfirm && kind == "no":
		n.end(t)
		t.say(t.s.com.Texts.NoticeDiscarded)
		return
	default:
		t.say(t.s.msg.StaleButton)
		return
	}
	n.askStep(t)
}

// noticeTyped reads what staff typed (or the photo they sent) at the
// draft's step.
func (n noticeRoom) typed(t *turn, text string) {
	ct := t.s.com.Texts
	d := t.conv.Draft
	switch d.Step {
	case stepText:
		if t.u.Photo != nil && t.u.Photo.PNG == nil {
			d.Photo = t.u.Photo
		}
		if text == "" {
			n.askStep(t)
			return
		}
		if n := utf8.RuneCountInString(text); n > maxNotice {
			t.say(flows.Fill(ct.NoticeTooLong, "n", strconv.Itoa(n), "max", strconv.Itoa(maxNotice)))
			return
		}
		d.Text = text
		d.Step = stepUrgent
		n.askStep(t)
		return
	case stepTime:
		at, err := parseWhen(text, t.now)
		switch {
		case err == errWhenPast:
			t.say(ct.NoticeTimePast)
		case err != nil:
			t.say(ct.NoticeTimeHint)
		default:
			d.At = at.Unix()
			d.Step = stepConfirm
			n.askStep(t)
		}
		return
	case stepVillages:
		if picked, ok := n.pickVillages(t, text); ok {
			if len(picked) > 0 {
				d.Villages = picked
			}
			n.choose(t, "done")
			return
		}
	case stepWhen:
		if at, err := parseWhen(text, t.now); err == nil {
			d.At = at.Unix()
			d.Step = stepConfirm
			n.askStep(t)
			return
		}
	case stepUrgent:
		if yes, ok := flows.ParseYesNo(text); ok && !isNumber(text) {
			n.choose(t, "u:"+map[bool]string{true: "1", false: "0"}[yes])
			return
		}
	}
	if entry, ok := n.typedOption(t, text); ok {
		n.choose(t, entry)
		return
	}
	if d.Step == stepVillages {
		t.say(ct.NoticePickHint)
		return
	}
	t.say(t.s.msg.TypedHint)
}

// typedOption reads a typed choice of the step: its number or its label,
// with or without diacritics.
func (n noticeRoom) typedOption(t *turn, text string) (string, bool) {
	opts := n.options(t)
	norm := flows.Normalize(text)
	if i, err := strconv.Atoi(norm); err == nil && i >= 1 && i <= len(opts) {
		return opts[i-1].entry, true
	}
	for _, o := range opts {
		if flows.Normalize(o.label) == norm {
			return o.entry, true
		}
	}
	return "", false
}

// pickVillages reads "1, 3", "thôn 1, thôn Đắk Lư" or "xong" (ok with no
// villages).
func (n noticeRoom) pickVillages(t *turn, text string) ([]string, bool) {
	if n := flows.Normalize(text); n == "xong" || n == "tat ca" {
		return nil, true
	}
	var ids []string
	for part := range strings.FieldsFuncSeq(text, func(r rune) bool { return r == ',' || r == ';' }) {
		words := strings.TrimSpace(part)
		if v, ok := t.s.com.findVillage(words); ok {
			ids = append(ids, v.ID)
			continue
		}
		// "1 3" without commas.
		for w := range strings.FieldsSeq(words) {
			v, ok := t.s.com.findVillage(w)
			if !ok || !isNumber(w) {
				return nil, false
			}
			ids = append(ids, v.ID)
		}
	}
	return t.s.com.inOrder(ids), len(ids) > 0
}

func isNumber(s string) bool {
	_, err := strconv.Atoi(strings.TrimSpace(s))
	return err == nil
}

// endNotice leaves the dialogue.
func (n noticeRoom) end(t *turn) {
	t.conv.Draft, t.conv.Pending, t.conv.Menu = nil, "", nil
}

// stop stops a notice queued or under way: /huythongbao <id>, or
// the button of its progress message.
func (n noticeRoom) stop(t *turn, id string) {
	if t.s.com == nil || t.s.com.Notices == nil {
		t.say(t.s.com.textsOr().NoticeOff)
		return
	}
	if id == "" {
		t.say(t.s.com.Texts.NoticeCancelUsage)
		return
	}
	t.act(effectCancel, map[string]string{"user": t.user(), "id": id})
}

// textsOr returns the community's texts, the shipped ones when there is no
// community.
func (c *Community) textsOr() *CommunityTexts {
	if c == nil || c.Texts == nil {
		return DefaultCommunityTexts()
	}
	return c.Texts
}

// applyNotice carries out the notice effects, checking again that the
// user is staff: a role may have been taken away while she wrote.
func (c *Community) applyNotice(ctx context.Context, chat Chat, e flows.Effect) ([]Message, error) {
	ct := c.Texts
	if c.Notices == nil {
		return []Message{{Text: ct.NoticeOff}}, nil
	}
	switch e.Action {
	case effectPreview:
		var d NoticeDraft
		if err := json.Unmarshal([]byte(e.Args["draft"]), &d); err != nil {
			return nil, fmt.Errorf("read a notice draft: %w", err)
		}
		p, err := c.Notices.Preview(ctx, d)
		if err != nil {
			return nil, fmt.Errorf("preview a notice: %w", err)
		}
		return []Message{c.preview(d, p, e.Args["ok"], e.Args["no"])}, nil
	case effectSend:
		var d NoticeDraft
		if err := json.Unmarshal([]byte(e.Args["draft"]), &d); err != nil {
			return nil, fmt.Errorf("read a notice draft: %w", err)
		}
		if refusal, ok, err := c.requireStaff(ctx, e.Args["user"], "send a notice", chat.ID, ct.NoticeNotStaff); !ok {
			return refusal, err
		}
		id, err := c.Notices.Send(ctx, d)
		if errors.Is(err, ErrNoRecipients) {
			return []Message{{Text: ct.NoticeNobody}}, nil
		}
		if err != nil {
			// The draft left her conversation when she confirmed: give
			// her its words back, so nothing she wrote is lost.
			c.log().Error("queue a notice", "err", err)
			return []Message{{Text: flows.Fill(ct.NoticeSendFailed, "text", d.Text)}}, nil
		}
		if !d.At.IsZero() {
			return []Message{{Text: flows.Fill(ct.NoticeScheduled, "id", id, "when", c.when(d.At))}}, nil
		}
		return []Message{{Text: flows.Fill(ct.NoticeQueued, "id", id)}}, nil
	case effectNoticeList:
		if refusal, ok, err := c.requireStaff(ctx, e.Args["user"], "list notices", chat.ID, ct.NoticeNotStaff); !ok {
			return refusal, err
		}
		ns, err := c.Notices.List(ctx, listed)
		if err != nil {
			return nil, fmt.Errorf("list notices: %w", err)
		}
		return []Message{c.noticeList(ns)}, nil
	case effectCancel:
		if refusal, ok, err := c.requireStaff(ctx, e.Args["user"], "cancel a notice", chat.ID, ct.NoticeNotStaff); !ok {
			return refusal, err
		}
		id := e.Args["id"]
		found, err := c.Notices.Cancel(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("cancel notice %s: %w", id, err)
		}
		if !found {
			return []Message{{Text: flows.Fill(ct.NoticeCancelGone, "id", id)}}, nil
		}
		return []Message{{Text: flows.Fill(ct.NoticeCancelled, "id", id)}}, nil
	}
	return nil, fmt.Errorf("community: unknown action %q", e.Action)
}

// preview words the draft as it will go, with its recipients and a
// warning when a channel's quota is short.
func (c *Community) preview(d NoticeDraft, p NoticePreview, ok, no string) Message {
	ct := c.Texts
	if p.Recipients == 0 {
		return Message{Text: ct.NoticeNobody}
	}
	count := flows.Fill(ct.NoticePreviewPeople, "n", thousands(p.Recipients))
	if d.Audience == AudienceGroups {
		count = flows.Fill(ct.NoticePreviewGroups, "n", thousands(p.Recipients))
	}
	kind := ct.NoticeOrdinaryLabel
	if d.Urgent {
		kind = ct.NoticeUrgentLabel
	}
	when := ct.NoticeNowLabel
	if !d.At.IsZero() {
		when = c.when(d.At)
	}
	text := d.Text
	if d.Photo != nil {
		text += "\n" + ct.NoticePreviewPhoto
	}
	lines := []string{flows.Fill(ct.NoticePreview, "text", text, "audience", c.audienceLabel(d), "count", count, "kind", kind, "when", when)}
	if p.TextOnly > 0 && d.Photo != nil {
		lines = append(lines, flows.Fill(ct.NoticePreviewTextOnly, "n", thousands(p.TextOnly)))
	}
	for _, s := range p.Short {
		lines = append(lines, flows.Fill(ct.NoticeQuotaWarning, "left", thousands(s.Left), "need", thousands(s.Need), "short", thousands(s.Need-s.Left)))
	}
	return Message{Text: strings.Join(lines, "\n\n"), Buttons: []Button{{Label: ct.NoticeConfirm, Data: ok}, {Label: ct.NoticeDiscard, Data: no}}}
}

// audienceLabel words who a notice goes to.
func (c *Community) audienceLabel(d NoticeDraft) string {
	ct := c.Texts
	var names []string
	for _, v := range c.Villages {
		if slices.Contains(d.Villages, v.ID) {
			names = append(names, v.Name)
		}
	}
	list := strings.Join(names, ", ")
	switch d.Audience {
	case AudienceVillages:
		return flows.Fill(ct.NoticeVillagesLabel, "list", list)
	case AudienceReminders:
		return ct.NoticeRemindersLabel
	case AudienceGroups:
		if len(names) == 0 {
			return ct.NoticeGroupsAllLabel
		}
		return flows.Fill(ct.NoticeGroupsLabel, "list", list)
	}
	return ct.NoticeAllLabel
}

// when words a time as staff read it: "07:00 ngày 24/11/2026".
func (c *Community) when(t time.Time) string {
	if c.Location != nil {
		t = t.In(c.Location)
	}
	return t.Format("15:04") + " " + flows.DateOf(t).String()
}

// thousands writes n the Vietnamese way: 12.345.
func thousands(n int) string {
	s := strconv.Itoa(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "." + s[i:]
	}
	return s
}

// noticeBack goes to the draft's previous step.
func (n noticeRoom) back(t *turn) {
	d := t.conv.Draft
	prev := map[string]string{
		stepVillages: stepAudience, stepUrgent: stepText,
		stepWhen: stepUrgent, stepTime: stepWhen, stepConfirm: stepWhen,
	}
	switch {
	case d.Step == stepAudience:
		t.say(t.s.msg.NothingToGoBack)
		return
	case d.Step == stepText && (d.Audience == AudienceVillages || (d.Audience == AudienceGroups && len(t.s.com.Villages) > 0)):
		d.Step = stepVillages
	case d.Step == stepText:
		d.Step = stepAudience
	default:
		d.Step = prev[d.Step]
	}
	n.askStep(t)
}

// inOrder returns the village ids once each, in the configuration's order.
func (c *Community) inOrder(ids []string) []string {
	var out []string
	for _, v := range c.Villages {
		if slices.Contains(ids, v.ID) {
			out = append(out, v.ID)
		}
	}
	return out
}

// NoticeStatus is where a notice's sending stands, for staff's progress
// message and final report.
type NoticeStatus struct {
	ID string
	// Done and Cancelled end the sending; otherwise it is under way, or
	// waits for the quiet hours to end (Waiting).
	Done, Cancelled                       bool
	Waiting                               time.Time
	Total, Sent, Blocked, Failed, Skipped int
}

// NoticeReport words a notice's progress, with a button to stop it while
// it runs, or its final report.
func (c *Community) NoticeReport(s NoticeStatus) Message {
	ct := c.Texts
	kv := []string{"id", s.ID, "sent", thousands(s.Sent), "total", thousands(s.Total), "blocked", thousands(s.Blocked),
		"failed", thousands(s.Failed), "skipped", thousands(s.Skipped)}
	switch {
	case s.Done:
		return Message{Text: flows.Fill(ct.NoticeReport, kv...)}
	case s.Cancelled:
		return Message{Text: flows.Fill(ct.NoticeReportCancelled, kv...)}
	}
	stop := []Button{{Label: ct.NoticeCancelButton, Data: itemData(noticeButton, s.ID, ntCancel)}}
	if !s.Waiting.IsZero() {
		return Message{Text: flows.Fill(ct.NoticeWaiting, append(kv, "when", c.when(s.Waiting))...), Buttons: stop}
	}
	// Under way, staff see one count of what did not arrive.
	return Message{Text: flows.Fill(ct.NoticeProgress, "id", s.ID, "sent", thousands(s.Sent), "total", thousands(s.Total),
		"failed", thousands(s.Failed+s.Blocked+s.Skipped)), Buttons: stop}
}

// listNotices asks for /dsthongbao; the staff check is in the effect.
func (n noticeRoom) list(t *turn) {
	if t.s.com == nil || t.s.com.Notices == nil {
		t.say(t.s.com.textsOr().NoticeOff)
		return
	}
	t.act(effectNoticeList, map[string]string{"user": t.user()})
}

// noticeList words the latest notices, a line or two each.
func (c *Community) noticeList(ns []NoticeSummary) Message {
	ct := c.Texts
	if len(ns) == 0 {
		return Message{Text: ct.NoticeListNone}
	}
	lines := []string{ct.NoticeListTitle}
	for _, n := range ns {
		kv := []string{"sent", thousands(n.Sent), "total", thousands(n.Total), "when", c.when(n.Draft.At)}
		status := map[string]string{
			NoticeScheduled: ct.NoticeStatusScheduled, NoticeQueued: ct.NoticeStatusQueued, NoticeSending: ct.NoticeStatusSending,
			NoticeDone: ct.NoticeStatusDone, NoticeCanceled: ct.NoticeStatusCanceled,
		}[n.Status]
		excerpt := []rune(strings.ReplaceAll(n.Draft.Text, "\n", " "))
		if len(excerpt) > 60 {
			excerpt = append(excerpt[:59], '…')
		}
		lines = append(lines, flows.Fill(ct.NoticeListLine, "id", n.ID, "status", flows.Fill(status, kv...),
			"audience", c.audienceLabel(n.Draft), "created", c.when(n.Created), "text", string(excerpt)))
	}
	return Message{Text: strings.Join(append(lines, ct.NoticeListHint), "\n")}
}
