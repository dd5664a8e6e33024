package web

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/dti-platform/dti/assessment"
)

// saveLanguage stores the signed-in user's language (audited as a user
// change) and goes back to the page the user was on. The saved language
// applies to every request of the user (loadSession); the cookie also
// keeps it for the pages seen after signing out.
func (s *Server) saveLanguage(c *fiber.Ctx) error {
	u := currentUser(c)
	code := c.FormValue("lang")
	if !supportedLang(code) {
		return fiber.NewError(fiber.StatusBadRequest, "unknown language")
	}
	if code != u.Lang {
		if _, err := s.cfg.Store.UpdateUser(c.UserContext(), u.Actor, u.ID, assessment.UserUpdate{Lang: &code}); err != nil {
			return err
		}
	}
	s.setCookie(c, cookieLang, code, 365*24*time.Hour)
	return c.Redirect(localPath(c.FormValue("next")), fiber.StatusSeeOther)
}
