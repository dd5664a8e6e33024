package web

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/dti-platform/dti/assessment"
)

// Sign-in throttling. Every attempt spends from its address's budget (an
// office shares one address, so it is generous). Only failed attempts
// spend from an account's budgets: a few quick retries per account and
// address, then one per minute, so whoever guesses from elsewhere cannot
// lock the real user out of their own address; and a much higher ceiling
// per account over all addresses, which bounds guessing spread over many
// addresses.
const (
	loginBurstPerUser    = 5
	loginEveryPerUser    = time.Minute
	loginBurstPerAccount = 100
	loginEveryPerAccount = time.Hour / loginBurstPerAccount
	loginBurstPerIP      = 30
	loginEveryPerIP      = 10 * time.Second
)

// dummyHash is checked when the username is unknown, so a wrong name
// takes as long as a wrong password and does not reveal which names exist.
var (
	dummyHashOnce sync.Once
	dummyHash     string
)

func dummyPasswordHash() string {
	dummyHashOnce.Do(func() {
		h, err := assessment.HashPassword("not a password of anyone")
		if err != nil {
			panic(err)
		}
		dummyHash = h
	})
	return dummyHash
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// loginView is the data of the sign-in page.
type loginView struct {
	Username string
	Next     string
	Error    string
}

// loginPage shows the sign-in form.
func (s *Server) loginPage(c *fiber.Ctx) error {
	if currentUser(c) != nil {
		return c.Redirect(localPath(c.Query("next")), fiber.StatusSeeOther)
	}
	next := c.Query("next")
	if localPath(next) == "/" {
		next = ""
	}
	return s.render(c, fiber.StatusOK, "login", s.newPage(c, "login.title", "login", loginView{Next: next}))
}

// login checks a username and password and starts a session. Wrong names
// and wrong passwords get the same answer; attempts are throttled per
// account and per address.
func (s *Server) login(c *fiber.Ctx) error {
	ctx := c.UserContext()
	l := s.localizer(c)
	username := strings.ToLower(strings.TrimSpace(c.FormValue("username")))
	password := c.FormValue("password")
	v := loginView{Username: username, Next: c.FormValue("next")}
	fail := func(status int, key string, args ...any) error {
		v.Error = l.T(key, args...)
		return s.render(c, status, "login", s.newPage(c, "login.title", "login", v))
	}
	ip := s.clientIP(c)
	throttled := func(wait time.Duration) error {
		c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(wait.Seconds())+1))
		return fail(fiber.StatusTooManyRequests, "login.throttled", int(wait.Minutes())+1)
	}
	if ok, wait := s.loginIP.allow(throttleKey(ip)); !ok {
		return throttled(wait)
	}
	if username == "" || password == "" {
		return fail(fiber.StatusUnprocessableEntity, "login.required")
	}
	// The account's tokens are taken now (so parallel attempts cannot
	// overspend them) and given back when the password is right.
	userKey := username + "\x00" + throttleKey(ip)
	okUser, waitUser := s.loginUser.allow(userKey)
	okAcct, waitAcct := s.loginAccount.allow(username)
	if !okUser || !okAcct {
		if okUser {
			s.loginUser.refund(userKey)
		}
		if okAcct {
			s.loginAccount.refund(username)
		}
		return throttled(max(waitUser, waitAcct))
	}
	u, err := s.cfg.Store.FindUserByUsername(ctx, username)
	switch {
	case isNotFound(err):
		_ = assessment.CheckPassword(dummyPasswordHash(), password)
		return fail(fiber.StatusUnprocessableEntity, "login.failed")
	case err != nil:
		return err
	}
	if err := assessment.CheckPassword(u.PasswordHash, password); err != nil || u.Disabled {
		if err != nil && !errors.Is(err, assessment.ErrMismatchedPassword) {
			s.log.Error("password hash unreadable", "user", u.Username, "err", err)
		}
		if aerr := s.cfg.Store.AddAudit(ctx, &assessment.AuditEntry{
			ActorID: u.ID, ActorName: u.Username, Action: "user.login_failed", Entity: "user", EntityID: u.ID, To: ip,
		}); aerr != nil {
			s.log.Error("audit", "err", aerr)
		}
		return fail(fiber.StatusUnprocessableEntity, "login.failed")
	}
	s.loginUser.reset(userKey)
	s.loginAccount.refund(username)

	// A fresh session on every sign-in (no fixation): an old one ends.
	if old := sessionOf(c); old != nil {
		if err := s.cfg.Store.DeleteSession(ctx, old.session.ID); err != nil {
			return err
		}
	}
	secret, hash, err := assessment.NewSecret("")
	if err != nil {
		return err
	}
	sess := &assessment.Session{
		ID:        hash,
		UserID:    u.ID,
		CSRFToken: newRandomToken(),
		ExpiresAt: s.cfg.Now().Add(s.cfg.SessionLifetime),
		IP:        ip,
		UserAgent: c.Get(fiber.HeaderUserAgent),
	}
	if err := s.cfg.Store.CreateSession(ctx, sess); err != nil {
		return err
	}
	s.setCookie(c, cookieSession, secret, s.cfg.SessionLifetime)
	s.setCookie(c, cookieAnon, "", -1)
	if supportedLang(u.Lang) {
		s.setCookie(c, cookieLang, u.Lang, 365*24*time.Hour)
	}
	if u.MustChangePassword {
		return c.Redirect("/account/password", fiber.StatusSeeOther)
	}
	return c.Redirect(localPath(v.Next), fiber.StatusSeeOther)
}

// logout ends the session.
func (s *Server) logout(c *fiber.Ctx) error {
	if si := sessionOf(c); si != nil {
		if err := s.cfg.Store.DeleteSession(c.UserContext(), si.session.ID); err != nil {
			return err
		}
	}
	s.setCookie(c, cookieSession, "", -1)
	return c.Redirect("/", fiber.StatusSeeOther)
}

// passwordView is the data of the password page.
type passwordView struct {
	Forced bool
	// Errors by field: current, new, confirm.
	Errors map[string]string
}

// passwordPage shows the change-password form.
func (s *Server) passwordPage(c *fiber.Ctx) error {
	u := currentUser(c)
	return s.render(c, fiber.StatusOK, "password", s.newPage(c, "password.title", "account",
		passwordView{Forced: u.MustChangePassword}))
}

// changePassword checks the current password and sets a new one; the
// user's other sessions end, this one stays.
func (s *Server) changePassword(c *fiber.Ctx) error {
	ctx := c.UserContext()
	l := s.localizer(c)
	si := sessionOf(c)
	u := si.user
	current, next, confirm := c.FormValue("current"), c.FormValue("new"), c.FormValue("confirm")
	v := passwordView{Forced: u.MustChangePassword, Errors: map[string]string{}}
	if ok, _ := s.loginUser.allow("password:" + u.Username); !ok {
		return fiber.ErrTooManyRequests
	}
	if err := assessment.CheckPassword(u.PasswordHash, current); err != nil {
		v.Errors["current"] = l.T("password.wrong_current")
	}
	if err := assessment.CheckPasswordPolicy(next); err != nil {
		v.Errors["new"] = domainMessage(err, l.Lang)
	} else if next == current {
		v.Errors["new"] = l.T("password.same")
	}
	if confirm != next {
		v.Errors["confirm"] = l.T("password.mismatch")
	}
	if len(v.Errors) > 0 {
		return s.render(c, fiber.StatusUnprocessableEntity, "password", s.newPage(c, "password.title", "account", v))
	}
	hash, err := assessment.HashPassword(next)
	if err != nil {
		return err
	}
	if err := s.cfg.Store.SetPassword(ctx, u.Actor(), u.ID, hash, false, si.session.ID); err != nil {
		return err
	}
	s.loginUser.reset("password:" + u.Username)
	s.setFlash(c, "flash.password_changed")
	return c.Redirect("/", fiber.StatusSeeOther)
}

// cookieFlash carries a one-time notice (a message key) across a redirect.
const cookieFlash = "dti_flash"

// setFlash shows the message key on the next page.
func (s *Server) setFlash(c *fiber.Ctx, key string) {
	s.setCookie(c, cookieFlash, key, 5*time.Minute)
}

// takeFlash returns and clears the pending notice; only catalog keys are
// shown, so a forged cookie can show no text of its own.
func (s *Server) takeFlash(c *fiber.Ctx, l *Localizer) string {
	key := c.Cookies(cookieFlash)
	if key == "" {
		return ""
	}
	s.setCookie(c, cookieFlash, "", -1)
	if !strings.HasPrefix(key, "flash.") || !l.Has(key) {
		return ""
	}
	return l.T(key)
}
