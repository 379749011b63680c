package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"time"

	"github.com/motcua/motcua/flows"
	"github.com/motcua/motcua/roles"
	"github.com/motcua/motcua/store"
	"github.com/motcua/motcua/tickets"
)

// TicketStore is what the bot needs of the volunteers' tickets;
// tickets.Store has it.
type TicketStore interface {
	Create(ctx context.Context, t tickets.Ticket) (tickets.Ticket, error)
	Get(ctx context.Context, id string) (tickets.Ticket, error)
	Claim(ctx context.Context, id, volunteer, name string, now time.Time) (tickets.Ticket, error)
	Release(ctx context.Context, id, volunteer string) (tickets.Ticket, error)
	Answered(ctx context.Context, id string, now time.Time) (tickets.Ticket, error)
	Close(ctx context.Context, id string, now time.Time) (tickets.Ticket, error)
	MarkEscalated(ctx context.Context, id string) error
	Open(ctx context.Context, volunteer string) (mine, unclaimed []tickets.Ticket, err error)
	DeleteChat(ctx context.Context, chat string) error
}

// Volunteers connects citizens' questions to the commune's volunteer team:
// tickets posted to the volunteers' group, claimed there, answered through
// the bot.
type Volunteers struct {
	Tickets TicketStore
	// Roles says who is a volunteer or staff ("tg:456"), and keeps the
	// invite codes staff hand out.
	Roles roles.Store
	// Group is the volunteers' group chat, Staff the staff chat.
	Group, Staff string
	// Conversations lets a ticket's change reach the other side's
	// conversation (who holds which ticket).
	Conversations store.Conversations
	Messages      *Messages
	// Catalog words where in a procedure a question was asked.
	Catalog *flows.Catalog
	Now     func() time.Time
	Logger  *slog.Logger
}

// Ticket effects, carried out after the update is saved.
const (
	effectAsk      = "ticket_ask"      // id, question, flow, step, name
	effectClaim    = "ticket_claim"    // id, user, name
	effectAnswer   = "ticket_answer"   // id, user, text
	effectFollowUp = "ticket_followup" // id, text
	effectClose    = "ticket_close"    // id, user
	effectRelease  = "ticket_release"  // id, user
	effectStaff    = "ticket_staff"    // id, user
	effectList     = "ticket_list"     // user
	effectInvite   = "ticket_invite"   // user, role
	effectJoin     = "ticket_join"     // user, code
)

// Ticket buttons: "t:<id>:<what>".
const (
	ticketButton = "t"
	tkClaim      = "claim"
	tkClose      = "close"
	tkRelease    = "release"
	tkStaff      = "staff"
)

func ticketData(id, what string) string { return itemData(ticketButton, id, what) }

func parseTicketData(data string) (id, what string, ok bool) {
	return parseItemData(ticketButton, data)
}

// ticketRef finds "#<id>" in the text of a ticket's post, the message a
// volunteer replies to in the group.
var ticketRef = regexp.MustCompile(`#([A-Z2-7]{8})\b`)

func ticketIn(text string) (string, bool) {
	m := ticketRef.FindStringSubmatch(text)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// Apply carries out a ticket effect and returns the messages it sends.
func (v *Volunteers) Apply(ctx context.Context, chat Chat, e flows.Effect) ([]Message, error) {
	a, m := e.Args, v.Messages
	switch e.Action {
	case effectAsk:
		t, err := v.Tickets.Create(ctx, tickets.Ticket{ID: a["id"], Chat: chat.ID, Name: a["name"], Question: a["question"], Flow: a["flow"], Step: a["step"], Created: v.Now()})
		if errors.Is(err, tickets.ErrActive) || errors.Is(err, tickets.ErrExists) {
			if same, gerr := v.Tickets.Get(ctx, a["id"]); gerr == nil && same.Chat == chat.ID {
				// This very ticket, created by this action before a replica
				// died: its post may not have gone out, so it goes (again).
				return []Message{v.post(same)}, nil
			}
		}
		if errors.Is(err, tickets.ErrActive) {
			return []Message{{Text: m.TicketActive}}, v.forget(ctx, chat.ID, a["id"])
		}
		if err != nil {
			return nil, fmt.Errorf("ask: %w", err)
		}
		return []Message{v.post(t)}, nil
	case effectClaim:
		if ok, err := v.allowed(ctx, a["user"]); err != nil || !ok {
			// Said where the button was pressed, never posted to the
			// group: a made-up button pressed in a private chat must
			// not reach the volunteers.
			return []Message{{Text: m.TicketNotVolunteer}}, err
		}
		t, err := v.Tickets.Claim(ctx, a["id"], a["user"], a["name"], v.Now())
		switch {
		case errors.Is(err, tickets.ErrTaken):
			return []Message{{Text: flows.Fill(m.TicketTaken, "id", t.ID, "name", t.VolunteerName)}}, nil
		case errors.Is(err, tickets.ErrClosed):
			return []Message{{Text: flows.Fill(m.TicketGone, "id", a["id"])}}, nil
		case errors.Is(err, tickets.ErrNotFound):
			return []Message{{Text: flows.Fill(m.TicketNotFound, "id", cut(a["id"], 16))}}, nil
		case err != nil:
			return nil, fmt.Errorf("claim: %w", err)
		}
		toHim := Message{Text: flows.Fill(m.TicketClaimedVolunteer, "id", t.ID, "question", t.Question, "where", v.where(t)), To: t.Volunteer, Buttons: []Button{
			{Label: m.TicketRelease, Data: ticketData(t.ID, tkRelease)},
			{Label: m.TicketToStaff, Data: ticketData(t.ID, tkStaff)},
			{Label: m.TicketCloseButton, Data: ticketData(t.ID, tkClose)},
		}}
		// Her choices are his last numbered list, for a channel without
		// buttons (Zalo): he types their number.
		if err := v.patch(ctx, t.Volunteer, func(c *conversation) {
			c.Serving = t.ID
			c.Menu = choicesOf(toHim)
		}); err != nil {
			return nil, err
		}
		return []Message{
			{Text: flows.Fill(m.TicketClaimedGroup, "id", t.ID, "name", t.VolunteerName), To: v.Group},
			{Text: flows.Fill(m.TicketClaimedCitizen, "name", t.VolunteerName), To: t.Chat},
			toHim,
		}, nil
	case effectAnswer:
		t, err := v.held(ctx, a["id"], a["user"])
		if err != nil {
			return []Message{{Text: flows.Fill(m.TicketNotYours, "id", a["id"]), To: a["user"]}}, nil
		}
		if _, err := v.Tickets.Answered(ctx, t.ID, v.Now()); err != nil {
			return nil, fmt.Errorf("answer: %w", err)
		}
		toHer := Message{Text: flows.Fill(m.TicketAnswer, "name", t.VolunteerName, "text", a["text"]), To: t.Chat,
			Buttons: []Button{{Label: m.TicketThanks, Data: ticketData(t.ID, tkClose)}}}
		if err := offerChoices(ctx, v.Conversations, t.Chat, toHer); err != nil {
			return nil, err
		}
		return []Message{toHer}, nil
	case effectFollowUp:
		t, err := v.Tickets.Get(ctx, a["id"])
		if err != nil || t.Status == tickets.Closed {
			return []Message{{Text: m.TicketClosedCitizen}}, v.forget(ctx, chat.ID, a["id"])
		}
		if t.Status == tickets.Claimed {
			return []Message{{Text: flows.Fill(m.TicketFollowUp, "id", t.ID, "name", t.Name, "text", a["text"]), To: t.Volunteer}}, nil
		}
		return []Message{{Text: flows.Fill(m.TicketFollowUp, "id", t.ID, "name", t.Name, "text", a["text"]), To: v.Group}}, nil
	case effectClose:
		t, err := v.Tickets.Get(ctx, a["id"])
		if err != nil {
			return nil, fmt.Errorf("close: %w", err)
		}
		if a["user"] != t.Chat && a["user"] != t.Volunteer {
			return []Message{{Text: flows.Fill(m.TicketNotYours, "id", t.ID)}}, nil
		}
		if _, err := v.Tickets.Close(ctx, t.ID, v.Now()); err != nil {
			return nil, fmt.Errorf("close: %w", err)
		}
		err = errors.Join(v.forget(ctx, t.Chat, t.ID), v.patch(ctx, t.Volunteer, func(c *conversation) {
			if c.Serving == t.ID {
				c.Serving = ""
			}
			dropTicketMenu(c, t.ID)
		}))
		out := []Message{{Text: flows.Fill(m.TicketClosed, "id", t.ID), To: v.Group}}
		if t.Volunteer != "" {
			out = append(out, Message{Text: flows.Fill(m.TicketClosed, "id", t.ID), To: t.Volunteer})
		}
		return append(out, Message{Text: m.TicketClosedCitizen, To: t.Chat}), err
	case effectRelease:
		t, err := v.Tickets.Release(ctx, a["id"], a["user"])
		if err != nil {
			return []Message{{Text: flows.Fill(m.TicketNotYours, "id", a["id"])}}, nil
		}
		err = v.patch(ctx, a["user"], func(c *conversation) {
			c.Serving = ""
			dropTicketMenu(c, t.ID)
		})
		return []Message{{Text: flows.Fill(m.TicketReleased, "id", t.ID)}, v.post(t)}, err
	case effectStaff:
		t, err := v.held(ctx, a["id"], a["user"])
		if err != nil {
			return []Message{{Text: flows.Fill(m.TicketNotYours, "id", a["id"])}}, nil
		}
		if err := v.Tickets.MarkEscalated(ctx, t.ID); err != nil {
			return nil, fmt.Errorf("to staff: %w", err)
		}
		return []Message{{Text: flows.Fill(m.TicketToStaffDone, "id", t.ID)}, {Text: v.staffText(t), To: v.Staff}}, nil
	case effectErase:
		return nil, v.Tickets.DeleteChat(ctx, chat.ID)
	case effectInvite:
		staff, err := roles.Has(ctx, v.Roles, a["user"], roles.Staff)
		if err != nil {
			return nil, fmt.Errorf("invite: %w", err)
		}
		if !staff {
			v.log().Warn("a user who is not staff asked for an invite code")
			return []Message{{Text: m.InviteNotStaff}}, nil
		}
		r, err := roles.ParseRole(a["role"])
		if err != nil {
			return []Message{{Text: m.InviteUsage}}, nil
		}
		code, err := v.Roles.Invite(ctx, r, v.Now())
		if err != nil {
			return nil, fmt.Errorf("invite: %w", err)
		}
		return []Message{{Text: flows.Fill(m.InviteCode, "code", code, "role", roleName(m, r))}}, nil
	case effectJoin:
		r, err := v.Roles.Join(ctx, a["code"], a["user"], v.Now())
		switch {
		case errors.Is(err, roles.ErrInvalidCode):
			v.log().Warn("a wrong invite code", "user", a["user"])
			return []Message{{Text: m.JoinInvalid}}, nil
		case errors.Is(err, roles.ErrTooManyTries):
			v.log().Warn("invite codes tried too often: refused without looking", "user", a["user"])
			return []Message{{Text: m.JoinLimited}}, nil
		case errors.Is(err, roles.ErrConfigured):
			return []Message{{Text: m.JoinConfigured}}, nil
		}
		if err != nil {
			return nil, fmt.Errorf("join: %w", err)
		}
		out := []Message{{Text: flows.Fill(m.JoinDone, "role", roleName(m, r))}}
		if r.Includes(roles.Staff) {
			out = append(out, Message{Text: m.StaffCommands})
		}
		return out, nil
	case effectList:
		if ok, err := v.allowed(ctx, a["user"]); err != nil || !ok {
			return []Message{{Text: m.TicketNotVolunteer}}, err
		}
		mine, open, err := v.Tickets.Open(ctx, a["user"])
		if err != nil {
			return nil, fmt.Errorf("list: %w", err)
		}
		return []Message{v.list(mine, open)}, nil
	}
	return nil, fmt.Errorf("bot: unknown ticket effect %q", e.Action)
}

// post announces a ticket in the volunteers' group, with the claim button.
func (v *Volunteers) post(t tickets.Ticket) Message {
	return Message{
		Text:    flows.Fill(v.Messages.TicketPost, "id", t.ID, "name", t.Name, "question", t.Question, "where", v.where(t)),
		To:      v.Group,
		Buttons: []Button{{Label: v.Messages.TicketClaim, Data: ticketData(t.ID, tkClaim)}},
	}
}

// Repost words a ticket posted again to the volunteers (the scheduler's).
func (v *Volunteers) Repost(t tickets.Ticket) Message {
	m := v.post(t)
	m.Text = v.Messages.TicketRepostPrefix + " " + m.Text
	m.To = ""
	return m
}

// Escalate words a ticket for the staff chat (the scheduler's).
func (v *Volunteers) Escalate(t tickets.Ticket) Message { return Message{Text: v.staffText(t)} }

func (v *Volunteers) staffText(t tickets.Ticket) string {
	return flows.Fill(v.Messages.TicketStaff, "id", t.ID, "name", t.Name, "question", t.Question, "where", v.where(t))
}

// where says where in a procedure she asked.
func (v *Volunteers) where(t tickets.Ticket) string {
	if t.Flow == "" || v.Catalog == nil {
		return v.Messages.TicketNowhere
	}
	return describeWhere(v.Catalog, v.Messages, t.Flow, t.Step)
}

func (v *Volunteers) list(mine, open []tickets.Ticket) Message {
	m := v.Messages
	if len(mine)+len(open) == 0 {
		return Message{Text: m.TicketListNone}
	}
	lines := []string{m.TicketListTitle}
	var buttons []Button
	for _, t := range mine {
		lines = append(lines, flows.Fill(m.TicketListMine, "id", t.ID, "name", t.Name, "question", t.Question))
	}
	for _, t := range open {
		lines = append(lines, flows.Fill(m.TicketListOpen, "id", t.ID, "name", t.Name, "question", t.Question))
		buttons = append(buttons, Button{Label: flows.Fill(m.TicketClaimID, "id", t.ID), Data: ticketData(t.ID, tkClaim)})
	}
	return Message{Text: strings.Join(lines, "\n"), Buttons: buttons}
}

// allowed reports whether user may claim and list tickets, logging a
// refusal for staff to see.
func (v *Volunteers) allowed(ctx context.Context, user string) (bool, error) {
	ok, err := roles.Has(ctx, v.Roles, user, roles.Volunteer)
	if err != nil {
		return false, fmt.Errorf("role of a user: %w", err)
	}
	if !ok {
		v.log().Warn("a user who is not a volunteer tried to take a ticket")
	}
	return ok, nil
}

func (v *Volunteers) log() *slog.Logger {
	if v.Logger == nil {
		return slog.Default()
	}
	return v.Logger
}

// roleName is how a role reads to people.
func roleName(m *Messages, r roles.Role) string {
	if r == roles.Staff {
		return m.RoleStaff
	}
	return m.RoleVolunteer
}

// held returns the ticket if user holds it.
func (v *Volunteers) held(ctx context.Context, id, user string) (tickets.Ticket, error) {
	t, err := v.Tickets.Get(ctx, id)
	if err != nil {
		return t, err
	}
	if t.Status != tickets.Claimed || t.Volunteer != user {
		return t, tickets.ErrNotYours
	}
	return t, nil
}

// forget clears the citizen's ticket from her conversation.
func (v *Volunteers) forget(ctx context.Context, chat, id string) error {
	return v.patch(ctx, chat, func(c *conversation) {
		if c.Ticket == id {
			c.Ticket = ""
		}
		dropTicketMenu(c, id)
	})
}

// dropTicketMenu forgets a menu of a ticket's choices once it is over, so
// that a number typed later is not taken for one.
func dropTicketMenu(c *conversation, id string) {
	for _, entry := range c.Menu {
		if tid, _, ok := parseTicketData(entry); ok && tid == id {
			c.Menu = nil
			return
		}
	}
}

// patch changes another chat's conversation (who holds which ticket).
func (v *Volunteers) patch(ctx context.Context, chat string, change func(*conversation)) error {
	return patchConversation(ctx, v.Conversations, chat, change)
}
