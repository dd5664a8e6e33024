package web

import (
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

// healthz answers load balancers and monitoring.
func (s *Server) healthz(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"status": "ok"})
}

// switchLang remembers the visitor's language and goes back to the page
// they came from (only a path of this site, never another host).
func (s *Server) switchLang(c *fiber.Ctx) error {
	code := c.Params("code")
	if !supportedLang(code) {
		return fiber.ErrNotFound
	}
	s.setCookie(c, cookieLang, code, 365*24*time.Hour)
	return c.Redirect(localPath(c.Query("next")), fiber.StatusSeeOther)
}

// localPath returns p if it is a path on this site, else "/". It refuses
// "//host" and "/\host" (browsers read both as another host) and anything
// with a scheme.
func localPath(p string) string {
	if p == "" || p[0] != '/' || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") {
		return "/"
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return "/"
	}
	return p
}
