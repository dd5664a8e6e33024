package web

import (
	"github.com/gofiber/fiber/v2"
)

// Keys of the session in fiber's locals.
const (
	localSessionToken = "dti.session"
	localUser         = "dti.user"
)

// User is the signed-in user as handlers and pages see it.
type User struct {
	ID    int64
	Login string
	Name  string
	Lang  string
}

// currentUser returns the signed-in user of the request, nil for visitors.
func currentUser(c *fiber.Ctx) *User {
	u, _ := c.Locals(localUser).(*User)
	return u
}

// sessionToken returns the raw session cookie value of a signed-in request,
// "" for visitors.
func sessionToken(c *fiber.Ctx) string {
	t, _ := c.Locals(localSessionToken).(string)
	return t
}
