package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"

	"github.com/gofiber/fiber/v2"
)

// errCSRF is returned when a state-changing request lacks the CSRF token of
// its session; the error handler shows a 403 page that asks to reload.
var errCSRF = errors.New("web: missing or wrong CSRF token")

// Where a request may carry its CSRF token: the hidden form field of every
// form, or a header set by fetch() calls (autosave).
const (
	csrfField  = "_csrf"
	csrfHeader = "X-CSRF-Token"
)

// csrf gives every request a token tied to its session and refuses every
// request that is not GET, HEAD or OPTIONS unless it presents that token.
// A signed-in session has a random token stored with it (the synchronizer
// pattern); a visitor (the sign-in form) gets an HMAC of an anonymous
// cookie under the server key, which needs no storage and differs per
// browser. The comparison takes constant time.
func (s *Server) csrf(c *fiber.Ctx) error {
	token := s.csrfToken(c)
	c.Locals(localCSRF, token)
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	got := c.Get(csrfHeader)
	if got == "" {
		got = c.FormValue(csrfField)
	}
	if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1 {
		return errCSRF
	}
	return c.Next()
}

// csrfToken computes the request's token, creating the anonymous cookie a
// first-time visitor lacks.
func (s *Server) csrfToken(c *fiber.Ctx) string {
	if si := sessionOf(c); si != nil {
		// Signed in: the random token stored with the session.
		return si.session.CSRFToken
	}
	anon := c.Cookies(cookieAnon)
	if !validRandomToken(anon) {
		anon = newRandomToken()
		s.setCookie(c, cookieAnon, anon, 0)
	}
	return s.mac("csrf-anon", anon)
}

// mac returns the base64url HMAC-SHA256 of purpose and value under the
// server secret.
func (s *Server) mac(purpose, value string) string {
	m := hmac.New(sha256.New, s.cfg.Secret)
	m.Write([]byte(purpose))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// csrfTokenOf returns the token the csrf middleware computed for c.
func csrfTokenOf(c *fiber.Ctx) string {
	t, _ := c.Locals(localCSRF).(string)
	return t
}

// newRandomToken returns 32 random bytes, base64url without padding.
func newRandomToken() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// validRandomToken reports whether s looks like a newRandomToken value.
func validRandomToken(s string) bool {
	if len(s) != 43 {
		return false
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil && len(b) == 32
}
