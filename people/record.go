package people

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// decode reads a record of Redis, "first,last,off,village": the times in
// Unix milliseconds, off "1" when she stopped ordinary notices, the
// village last so that it may hold any byte. person.lua writes it.
func decode(chat, rec string) (Person, error) {
	parts := strings.SplitN(rec, ",", 4)
	if len(parts) != 4 {
		return Person{}, fmt.Errorf("people: unreadable record of %s", chat)
	}
	first, err1 := strconv.ParseInt(parts[0], 10, 64)
	last, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil || (parts[2] != "0" && parts[2] != "1") {
		return Person{}, fmt.Errorf("people: unreadable record of %s", chat)
	}
	return Person{
		Chat:      chat,
		Village:   parts[3],
		NoNotices: parts[2] == "1",
		FirstSeen: time.UnixMilli(first),
		LastSeen:  time.UnixMilli(last),
	}, nil
}
