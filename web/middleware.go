package web

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
)

// Keys of values kept in fiber's per-request locals.
const (
	localRequestID = "dti.rid"
	localLang      = "dti.lang"
	localCSRF      = "dti.csrf"
)

// Cookie names.
const (
	cookieLang = "dti_lang"
	cookieAnon = "dti_anon"
)

// contentSecurityPolicy allows only the site's own scripts, styles and
// images: no inline script or style anywhere.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"

// frame is the outermost middleware: it tags the request with an id, sets
// the security headers, turns an error returned by the rest of the chain
// into its page (so the log sees the final status), and logs the request.
func (s *Server) frame(c *fiber.Ctx) error {
	start := time.Now()
	rid := newRequestID()
	c.Locals(localRequestID, rid)
	c.Set("X-Request-ID", rid)
	setSecurityHeaders(c)

	err := c.Next()
	if err != nil {
		if herr := s.handleError(c, err); herr != nil {
			// The error page itself failed: answer in plain text.
			s.log.Error("error page failed", "request_id", rid, "err", herr)
			c.Status(fiber.StatusInternalServerError)
			c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
			c.Response().SetBodyString("500 Internal Server Error")
		}
	}
	status := c.Response().StatusCode()
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	s.log.LogAttrs(c.UserContext(), level, "request",
		slog.String("method", c.Method()),
		slog.String("path", c.Path()),
		slog.Int("status", status),
		slog.Duration("duration", time.Since(start)),
		slog.String("request_id", rid),
		slog.String("ip", s.clientIP(c)),
	)
	return nil
}

// setSecurityHeaders sets the headers every response carries.
func setSecurityHeaders(c *fiber.Ctx) {
	h := &c.Response().Header
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
	// HSTS only when the request really came over TLS (or through a
	// trusted proxy that says so): over plain HTTP it is ignored at best.
	if c.Protocol() == "https" {
		h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
	}
}

// newRequestID returns 8 random bytes in hex.
func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// requestID returns the id frame gave the request.
func requestID(c *fiber.Ctx) string {
	rid, _ := c.Locals(localRequestID).(string)
	return rid
}

// language picks the language of the request: the visitor's cookie, else
// Vietnamese. (A signed-in user's preference is applied by the session
// middleware.)
func (s *Server) language(c *fiber.Ctx) error {
	lang := c.Cookies(cookieLang)
	if !supportedLang(lang) {
		lang = LangVI
	}
	c.Locals(localLang, lang)
	return c.Next()
}

// lang returns the language of the request.
func lang(c *fiber.Ctx) string {
	if l, ok := c.Locals(localLang).(string); ok && supportedLang(l) {
		return l
	}
	return LangVI
}

// localizer returns the localizer for the request's language.
func (s *Server) localizer(c *fiber.Ctx) *Localizer {
	l := lang(c)
	return &Localizer{Lang: l, cat: s.cats[l], loc: s.cfg.Location}
}

// setCookie sets a cookie with the site's safe defaults: HttpOnly,
// SameSite=Lax, Secure over TLS, path /.
func (s *Server) setCookie(c *fiber.Ctx, name, value string, maxAge time.Duration) {
	ck := &fiber.Cookie{
		Name:     name,
		Value:    value,
		Path:     "/",
		HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode,
		Secure:   s.cfg.Secure,
	}
	if maxAge > 0 {
		ck.MaxAge = int(maxAge / time.Second)
		ck.Expires = s.cfg.Now().Add(maxAge)
	} else if maxAge < 0 {
		ck.MaxAge = -1
		ck.Expires = time.Unix(0, 0)
	}
	c.Cookie(ck)
}
