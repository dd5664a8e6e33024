package web

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/dti-platform/dti/assessment"
)

// Keys of the session in fiber's locals.
const (
	localSession = "dti.session"
	localUser    = "dti.user"
)

// cookieSession holds the session secret; the store keeps only its hash.
const cookieSession = "dti_session"

// touchEvery is how stale a session's last-seen time may get before a
// request extends it: extending on every request would make every page
// view a database write.
const touchEvery = time.Minute

// User is the signed-in user as handlers and pages see it.
type User struct {
	ID    int64
	Login string
	Name  string
	Lang  string
	// IsAdmin is a province-wide admin.
	IsAdmin bool
	// Reviews: the user appraises forms (reviewer or admin of any scope).
	Reviews bool
	// MustChangePassword sends the user to the password page first.
	MustChangePassword bool
	// Actor is the user as the workflow rules see it.
	Actor assessment.Actor
}

// signedIn is the session of a signed-in request.
type signedIn struct {
	session *assessment.Session
	user    *assessment.User
}

func userView(u *assessment.User) *User {
	a := u.Actor()
	return &User{
		ID: u.ID, Login: u.Username, Name: u.FullName, Lang: u.Lang,
		IsAdmin: a.IsAdmin(), MustChangePassword: u.MustChangePassword, Actor: a,
		Reviews: a.HasRole(assessment.RoleReviewer) || a.HasRole(assessment.RoleAdmin),
	}
}

// currentUser returns the signed-in user of the request, nil for visitors.
func currentUser(c *fiber.Ctx) *User {
	u, _ := c.Locals(localUser).(*User)
	return u
}

// sessionOf returns the session of a signed-in request, nil for visitors.
func sessionOf(c *fiber.Ctx) *signedIn {
	s, _ := c.Locals(localSession).(*signedIn)
	return s
}

// loadSession recognises a signed-in browser by its session cookie. An
// unknown, expired or disabled user's session is dropped and the request
// goes on as a visitor's. A live session slides its expiry forward.
func (s *Server) loadSession(c *fiber.Ctx) error {
	secret := c.Cookies(cookieSession)
	if secret == "" {
		return c.Next()
	}
	ctx := c.UserContext()
	st := s.cfg.Store
	sess, err := st.FindSession(ctx, assessment.HashSecret(secret))
	if isNotFound(err) {
		s.setCookie(c, cookieSession, "", -1)
		return c.Next()
	}
	if err != nil {
		return err
	}
	u, err := st.FindUserByID(ctx, sess.UserID)
	if isNotFound(err) || (err == nil && u.Disabled) {
		if err := st.DeleteSession(ctx, sess.ID); err != nil {
			return err
		}
		s.setCookie(c, cookieSession, "", -1)
		return c.Next()
	}
	if err != nil {
		return err
	}
	now := s.cfg.Now()
	if now.Sub(sess.LastSeenAt) >= touchEvery {
		exp := now.Add(s.cfg.SessionLifetime)
		if err := st.TouchSession(ctx, sess.ID, exp); err != nil && !isNotFound(err) {
			return err
		}
		sess.LastSeenAt, sess.ExpiresAt = now, exp
		s.setCookie(c, cookieSession, secret, s.cfg.SessionLifetime)
	}
	c.Locals(localSession, &signedIn{session: sess, user: u})
	c.Locals(localUser, userView(u))
	// A signed-in user's saved language wins over the cookie.
	if supportedLang(u.Lang) {
		c.Locals(localLang, u.Lang)
	}
	return c.Next()
}

// requireUser lets signed-in users through; a visitor's GET goes to the
// sign-in page (and comes back after), anything else is refused.
func (s *Server) requireUser(c *fiber.Ctx) error {
	if currentUser(c) != nil {
		return c.Next()
	}
	if c.Method() == fiber.MethodGet && !wantsJSON(c) {
		return c.Redirect("/login?next="+urlQueryEscape(c.OriginalURL()), fiber.StatusSeeOther)
	}
	return fiber.ErrUnauthorized
}

// requireAdmin lets province-wide admins through.
func (s *Server) requireAdmin(c *fiber.Ctx) error {
	u := currentUser(c)
	if u == nil {
		return s.requireUser(c)
	}
	if !u.IsAdmin {
		return fiber.ErrForbidden
	}
	return c.Next()
}

// forcePasswordChange keeps a user whose password an admin reset on the
// password page until they choose their own.
func (s *Server) forcePasswordChange(c *fiber.Ctx) error {
	u := currentUser(c)
	if u == nil || !u.MustChangePassword {
		return c.Next()
	}
	switch c.Path() {
	case "/account/password", "/logout":
		return c.Next()
	}
	if c.Method() == fiber.MethodGet && !wantsJSON(c) {
		return c.Redirect("/account/password", fiber.StatusSeeOther)
	}
	return fiber.ErrForbidden
}
