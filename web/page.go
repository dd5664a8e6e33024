package web

import (
	"github.com/gofiber/fiber/v2"
)

// Page is what every template receives: the request's language and
// localizer, its CSRF token, the signed-in user, and the page's own data.
type Page struct {
	Lang string
	L    *Localizer
	// Title is the translated page title (the layout appends the site name).
	Title string
	// Nav names the active navigation item.
	Nav string
	// CSRF is the token every form posts as _csrf.
	CSRF string
	// Path is the request path, for the language switch to come back to.
	Path      string
	RequestID string
	// User is the signed-in user, nil for visitors.
	User *User
	// Flash is a one-time notice shown above the content.
	Flash string
	// Data is the page's own view model.
	Data any
}

// newPage starts the Page of a request; titleKey is a message key.
func (s *Server) newPage(c *fiber.Ctx, titleKey, nav string, data any) *Page {
	l := s.localizer(c)
	var flash string
	if c.Method() == fiber.MethodGet {
		flash = s.takeFlash(c, l)
	}
	return &Page{
		Lang:      l.Lang,
		L:         l,
		Title:     l.T(titleKey),
		Nav:       nav,
		CSRF:      csrfTokenOf(c),
		Path:      c.Path(),
		RequestID: requestID(c),
		User:      currentUser(c),
		Flash:     flash,
		Data:      data,
	}
}
