package zalotest

import (
	"encoding/json"
)

// fault is an answer prepared for the next call of a method.
type fault struct {
	method string // "" for any
	answer answer
}

// FailNext makes the next call of method ("" for any) answer the HTTP
// status and body as they are: an HTML page from a proxy, a JSON the Bot
// Platform would not send. Faults queue: each takes the first call that
// matches, in the order they were set.
func (s *Server) FailNext(method string, status int, body string) {
	contentType := "text/html; charset=utf-8"
	if json.Valid([]byte(body)) {
		contentType = "application/json"
	}
	s.addFault(method, answer{status: status, contentType: contentType, body: []byte(body)})
}

// FailNextAPI makes the next call of method ("" for any) answer a Bot
// Platform error with code (403, 400…) as the HTTP status too. It queues
// with FailNext.
func (s *Server) FailNextAPI(method string, code int, description string) {
	s.addFault(method, s.apiError(code, description))
}

func (s *Server) addFault(method string, a answer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, fault{method: method, answer: a})
}

// takeFaultLocked removes and returns the answer of the first fault for
// method.
func (s *Server) takeFaultLocked(method string) (answer, bool) {
	for i, f := range s.faults {
		if f.method == "" || f.method == method {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
			return f.answer, true
		}
	}
	return answer{}, false
}
