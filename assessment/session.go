package assessment

import "time"

// Session is a signed-in browser. The cookie holds a random secret; the
// store keeps only its hash (ID), so a leaked database does not leak
// sessions.
type Session struct {
	// ID is HashSecret of the cookie secret.
	ID     string
	UserID int64
	// CSRFToken is the per-session token that state-changing forms carry.
	CSRFToken  string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastSeenAt time.Time
	IP         string
	UserAgent  string
}

// Expired reports whether the session has expired at now.
func (s *Session) Expired(now time.Time) bool { return !now.Before(s.ExpiresAt) }
