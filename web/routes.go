package web

import (
	"fmt"
	"runtime/debug"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"
)

// routes registers every route of the application. Fiber runs middleware
// and handlers in the order they are registered, so this list reads top
// down as a request travels: what is registered before a Use is not
// affected by it.
func (s *Server) routes() {
	app := s.app

	// Every request: request id, security headers, error pages, log; then
	// panics become errors.
	app.Use(s.frame)
	app.Use(recover.New(recover.Config{
		EnableStackTrace: true,
		StackTraceHandler: func(c *fiber.Ctx, e any) {
			s.log.Error("panic", "request_id", requestID(c), "panic", fmt.Sprint(e), "stack", string(debug.Stack()))
		},
	}))

	// Static files and the health check: no session, no CSRF, no language.
	app.Get("/static/:hash/*", s.assets.serve)
	app.Get("/healthz", s.healthz)

	// Everything else: the language, the session and the CSRF check
	// (every method but GET/HEAD/OPTIONS must carry the token).
	app.Use(s.language, s.csrf)

	// Public pages.
	app.Get("/", s.home)
	app.Get("/lang/:code", s.switchLang)

	// The default index: its structure and the form each unit type fills.
	app.Get("/index", s.indexOverview)
	app.Get("/index/form/:type", s.formPreview)
}
