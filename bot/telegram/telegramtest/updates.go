package telegramtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// queued is an update waiting to be confirmed by a getUpdates offset.
type queued struct {
	id   int
	kind string // message, callback_query, my_chat_member…
	body json.RawMessage
}

// webhook is what setWebhook recorded.
type webhook struct {
	url, secret string
}

// PushUpdate queues u for getUpdates under the next update_id, which it
// returns; any UpdateID u carries is replaced.
func (s *Server) PushUpdate(u tgbotapi.Update) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastUpdate++
	u.UpdateID = s.lastUpdate
	body, err := json.Marshal(u)
	if err != nil {
		panic(fmt.Sprintf("telegramtest: encode an update: %v", err))
	}
	s.queueLocked(u.UpdateID, body)
	return u.UpdateID
}

// PushJSON queues an update given as a JSON object, for update kinds
// tgbotapi does not know, under the next update_id, which it returns.
func (s *Server) PushJSON(update []byte) (int, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(update, &obj); err != nil {
		return 0, fmt.Errorf("telegramtest: push an update: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastUpdate++
	obj["update_id"] = json.RawMessage(fmt.Sprint(s.lastUpdate))
	body, err := json.Marshal(obj)
	if err != nil {
		return 0, fmt.Errorf("telegramtest: push an update: %w", err)
	}
	s.queueLocked(s.lastUpdate, body)
	return s.lastUpdate, nil
}

func (s *Server) queueLocked(id int, body []byte) {
	s.queue = append(s.queue, queued{id: id, kind: updateKind(body), body: body})
	s.signalLocked()
}

// updateKind is the field of an update that holds it: "message",
// "my_chat_member"…
func updateKind(body []byte) string {
	var obj map[string]json.RawMessage
	if json.Unmarshal(body, &obj) != nil {
		return ""
	}
	for k, v := range obj {
		if k != "update_id" && string(v) != "null" {
			return k
		}
	}
	return ""
}

// allowLocked remembers the allowed_updates of a getUpdates or setWebhook
// that gives them, as Telegram does; an empty list allows every kind, and
// null (what tgbotapi sends for no list) is no list.
func (s *Server) allowLocked(p params) error {
	raw, given := p["allowed_updates"]
	if !given || raw == "" || raw == "null" {
		return nil
	}
	var kinds []string
	if err := json.Unmarshal([]byte(raw), &kinds); err != nil {
		return errors.New("can't parse allowed updates JSON array")
	}
	s.allowed = nil
	if len(kinds) > 0 {
		s.allowed = map[string]bool{}
		for _, k := range kinds {
			s.allowed[k] = true
		}
	}
	return nil
}

// dropDisallowedLocked forgets the queued updates of kinds the bot did
// not ask for: Telegram never sends them.
func (s *Server) dropDisallowedLocked() {
	if s.allowed == nil {
		return
	}
	s.queue = slices.DeleteFunc(s.queue, func(q queued) bool { return !s.allowed[q.kind] })
}

// AllowedUpdates are the kinds of update the last getUpdates or
// setWebhook that gave allowed_updates asked for; nil when none did.
func (s *Server) AllowedUpdates() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.allowed == nil {
		return nil
	}
	return slices.Sorted(maps.Keys(s.allowed))
}

// Webhook is the URL and secret token setWebhook recorded; both are empty
// when no webhook is set.
func (s *Server) Webhook() (url, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhook.url, s.webhook.secret
}

// Pending is the number of updates not yet confirmed by a getUpdates
// offset.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.queue)
}

var (
	errWebhookActive = apiError(http.StatusConflict,
		"Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first", nil)
	errOtherPoll = apiError(http.StatusConflict,
		"Conflict: terminated by other getUpdates request; make sure that only one bot instance is running", nil)
)

// getUpdates answers the queued updates from offset on, confirming (and
// forgetting) those before it; a negative offset keeps only that many of
// the newest. With nothing queued it waits up to timeout seconds (at most
// maxPollWait) for an update. A newer getUpdates ends it with 409, as
// Telegram does when two instances poll the same bot.
func (s *Server) getUpdates(ctx context.Context, p params) answer {
	offset, err := p.int("offset", 0)
	if err != nil {
		return badRequest(err.Error())
	}
	limit, err := p.int("limit", 100)
	if err != nil {
		return badRequest(err.Error())
	}
	limit = min(max(limit, 1), 100)
	timeout, err := p.int("timeout", 0)
	if err != nil {
		return badRequest(err.Error())
	}
	wait := time.Duration(min(max(timeout, 0), int(maxPollWait/time.Second))) * time.Second

	s.mu.Lock()
	if s.webhook.url != "" {
		s.mu.Unlock()
		return errWebhookActive
	}
	if err := s.allowLocked(p); err != nil {
		s.mu.Unlock()
		return badRequest(err.Error())
	}
	s.polls++
	poll := s.polls
	s.signalLocked()
	s.confirmLocked(offset)
	s.mu.Unlock()

	var expired <-chan time.Time
	if wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		expired = t.C
	}
	for {
		s.mu.Lock()
		switch {
		case s.closed:
			s.mu.Unlock()
			return result([]any{})
		case s.polls != poll:
			s.mu.Unlock()
			return errOtherPoll
		case s.webhook.url != "":
			s.mu.Unlock()
			return errWebhookActive
		}
		s.dropDisallowedLocked()
		if len(s.queue) > 0 {
			n := min(limit, len(s.queue))
			updates := make([]json.RawMessage, n)
			for i, q := range s.queue[:n] {
				updates[i] = q.body
			}
			s.mu.Unlock()
			return result(updates)
		}
		changed := s.changed
		s.mu.Unlock()
		if expired == nil {
			return result([]any{})
		}
		select {
		case <-changed:
		case <-expired:
			expired = nil // look once more, then answer []
		case <-ctx.Done():
			return result([]any{})
		}
	}
}

// confirmLocked forgets the updates a getUpdates offset confirms.
func (s *Server) confirmLocked(offset int) {
	switch {
	case offset > 0:
		i := 0
		for i < len(s.queue) && s.queue[i].id < offset {
			i++
		}
		s.queue = s.queue[i:]
	case offset < 0 && -offset < len(s.queue):
		s.queue = s.queue[len(s.queue)+offset:]
	}
}

// secretToken is what the Bot API allows in a webhook's secret_token.
var secretToken = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

// setWebhook records the webhook; an empty url removes it. Updates are
// not delivered to it: call Deliver.
func (s *Server) setWebhook(_ context.Context, p params) answer {
	url, secret := p["url"], p["secret_token"]
	if secret != "" && !secretToken.MatchString(secret) {
		return badRequest("secret token contains unallowed characters")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.allowLocked(p); err != nil {
		return badRequest(err.Error())
	}
	if p.bool("drop_pending_updates") {
		s.queue = nil
	}
	if url == "" {
		return s.deleteWebhookLocked()
	}
	s.webhook = webhook{url: url, secret: secret}
	s.signalLocked()
	return envelope(http.StatusOK, tgbotapi.APIResponse{Ok: true, Result: json.RawMessage("true"), Description: "Webhook was set"})
}

func (s *Server) deleteWebhook(_ context.Context, p params) answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p.bool("drop_pending_updates") {
		s.queue = nil
	}
	return s.deleteWebhookLocked()
}

func (s *Server) deleteWebhookLocked() answer {
	description := "Webhook is already deleted"
	if s.webhook.url != "" {
		description = "Webhook was deleted"
	}
	s.webhook = webhook{}
	s.signalLocked()
	return envelope(http.StatusOK, tgbotapi.APIResponse{Ok: true, Result: json.RawMessage("true"), Description: description})
}

func (s *Server) getWebhookInfo(context.Context, params) answer {
	s.mu.Lock()
	defer s.mu.Unlock()
	return result(struct {
		URL                  string `json:"url"`
		HasCustomCertificate bool   `json:"has_custom_certificate"`
		PendingUpdateCount   int    `json:"pending_update_count"`
	}{s.webhook.url, false, len(s.queue)})
}
