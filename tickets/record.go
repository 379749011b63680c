package tickets

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// record is a ticket as both backends keep it: the fields of a Redis hash.
// The memory backend holds the same maps, so that the two read and write
// the same thing.
//
//	v       version: 1 at creation, one more at every write
//	tok     the token of the write that made this version (see put.lua)
//	chat name q flow step shared village vol voln post
//	        the Ticket's strings
//	st      open, claimed or closed
//	cr cl fa cd
//	        Created, Claimed, FirstAnswer and Closed in Unix ms; "" for zero
//	n       Notified
//	esc     Escalated, 0 or 1
//	posts   every post that announced it, separated by spaces, oldest first
type record map[string]string

// stored is a ticket as read, with what the store keeps beside it.
type stored struct {
	Ticket
	posts   []string
	version int64
}

// encode writes every field of s but v and tok, which put sets.
func encode(s stored) record {
	esc := "0"
	if s.Escalated {
		esc = "1"
	}
	return record{
		"chat":    s.Chat,
		"name":    s.Name,
		"q":       s.Question,
		"flow":    s.Flow,
		"step":    s.Step,
		"shared":  s.Shared,
		"village": s.Village,
		"st":      s.Status.String(),
		"vol":     s.Volunteer,
		"voln":    s.VolunteerName,
		"cr":      millis(s.Created),
		"cl":      millis(s.Claimed),
		"fa":      millis(s.FirstAnswer),
		"cd":      millis(s.Closed),
		"n":       strconv.Itoa(s.Notified),
		"esc":     esc,
		"post":    s.Post,
		"posts":   strings.Join(s.posts, " "),
	}
}

// decode reads the record of ticket id.
func decode(id string, r record) (stored, error) {
	st, ok := parseStatus(r["st"])
	if !ok {
		return stored{}, fmt.Errorf("record of ticket %s: status %q", id, r["st"])
	}
	version, err1 := strconv.ParseInt(r["v"], 10, 64)
	notified, err2 := strconv.Atoi(r["n"])
	created, err3 := parseMillis(r["cr"])
	claimed, err4 := parseMillis(r["cl"])
	answered, err5 := parseMillis(r["fa"])
	closed, err6 := parseMillis(r["cd"])
	for _, err := range []error{err1, err2, err3, err4, err5, err6} {
		if err != nil {
			return stored{}, fmt.Errorf("record of ticket %s: %w", id, err)
		}
	}
	return stored{
		Ticket: Ticket{
			ID:            id,
			Chat:          r["chat"],
			Name:          r["name"],
			Question:      r["q"],
			Flow:          r["flow"],
			Step:          r["step"],
			Shared:        r["shared"],
			Village:       r["village"],
			Status:        st,
			Volunteer:     r["vol"],
			VolunteerName: r["voln"],
			Created:       created,
			Claimed:       claimed,
			FirstAnswer:   answered,
			Closed:        closed,
			Notified:      notified,
			Escalated:     r["esc"] == "1",
			Post:          r["post"],
		},
		posts:   strings.Fields(r["posts"]),
		version: version,
	}, nil
}

// addPost records post as the latest announcement of s.
func (s *stored) addPost(post string) {
	s.Post = post
	if !slices.Contains(s.posts, post) {
		s.posts = append(s.posts, post)
	}
}

// millis writes t in Unix milliseconds, "" for the zero time.
func millis(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return strconv.FormatInt(t.UnixMilli(), 10)
}

// parseMillis is the inverse of millis.
func parseMillis(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	ms, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, err
	}
	return time.UnixMilli(ms), nil
}
