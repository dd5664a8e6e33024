package web

import (
	"io/fs"

	"github.com/gofiber/fiber/v2"
)

// openAPIFile is the API's OpenAPI 3 document under static/, embedded with
// the other static files. A test checks that it names every /api/v1 route
// and nothing else.
const openAPIFile = "static/openapi.json"

// apiOpenAPI serves the OpenAPI document; it needs no token.
func (s *Server) apiOpenAPI(c *fiber.Ctx) error {
	b, err := fs.ReadFile(staticFS, openAPIFile)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return c.Send(b)
}
