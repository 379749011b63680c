package channel

import (
	"crypto/subtle"
	"net/http"
)

// Webhook guards the handler a platform posts updates to: a request that
// is not a POST is answered 405; one without secret in header (compared
// in constant time; an empty secret accepts nothing) is answered 401,
// counted as an "unauthorized" update, its body not read and its
// connection closed (a stranger trickling a body keeps nothing open). The
// rest go to next.
func Webhook(header, secret string, m *Metrics, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "POST only", http.StatusMethodNotAllowed)
			return
		}
		if secret == "" || subtle.ConstantTimeCompare([]byte(r.Header.Get(header)), []byte(secret)) != 1 {
			m.Update("unauthorized")
			w.Header().Set("Connection", "close")
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}
