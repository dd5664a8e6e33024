package web

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// errorView is the data of the error page.
type errorView struct {
	Status  int
	Heading string
	Message string
}

// handleError is the single place where an error returned by a handler
// becomes a response: a known condition gets its status and a friendly page
// (or JSON for API and fetch calls); anything else is logged with the
// request id and answered with a generic 500 that reveals nothing.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	// Fiber calls this directly for requests it refuses before routing
	// (a body over the limit): those need the headers too.
	setSecurityHeaders(c)
	if strings.HasPrefix(c.Path(), apiPrefix+"/") {
		// Refused before routing (a body over the limit): the API's form.
		return s.apiWriteError(c, err)
	}
	status, key := classify(err)
	if status >= 500 {
		s.log.Error("request failed",
			"request_id", requestID(c),
			"method", c.Method(),
			"path", c.Path(),
			"err", err.Error(),
		)
	}
	// A handler may have set headers for the answer it meant to give.
	c.Response().Header.Del(fiber.HeaderCacheControl)
	c.Response().Header.Del(fiber.HeaderContentDisposition)
	c.Response().Header.Del(fiber.HeaderETag)
	c.Set(fiber.HeaderCacheControl, "no-store")

	l := s.localizer(c)
	msg := l.T(key + ".message")
	if status < 500 {
		// Domain refusals explain themselves ("the period closed on ...").
		if m := domainMessage(err, l.Lang); m != "" {
			msg = m
		}
	}
	if wantsJSON(c) {
		return c.Status(status).JSON(fiber.Map{
			"error":      msg,
			"status":     status,
			"request_id": requestID(c),
		})
	}
	p := s.newPage(c, key+".title", "", errorView{
		Status:  status,
		Heading: l.T(key + ".title"),
		Message: msg,
	})
	return s.render(c, status, "error", p)
}

// classify maps an error to its status and the message key prefix of its
// page.
func classify(err error) (status int, key string) {
	var fe *fiber.Error
	switch {
	case errors.Is(err, errCSRF):
		return fiber.StatusForbidden, "error.csrf"
	case isNotFound(err):
		return fiber.StatusNotFound, "error.404"
	case isForbidden(err):
		return fiber.StatusForbidden, "error.403"
	case isConflict(err):
		return fiber.StatusConflict, "error.409"
	case isInvalid(err):
		return fiber.StatusUnprocessableEntity, "error.422"
	case errors.As(err, &fe):
		switch fe.Code {
		case fiber.StatusUnauthorized, fiber.StatusForbidden, fiber.StatusNotFound, fiber.StatusMethodNotAllowed,
			fiber.StatusConflict, fiber.StatusRequestEntityTooLarge, fiber.StatusTooManyRequests:
			// Each of these codes has its own page: "error.404"...
			return fe.Code, "error." + strconv.Itoa(fe.Code)
		}
		if fe.Code >= 400 && fe.Code < 500 {
			return fe.Code, "error.400"
		}
		return fiber.StatusInternalServerError, "error.500"
	}
	return fiber.StatusInternalServerError, "error.500"
}

// wantsJSON reports whether the client expects a JSON answer: API routes
// and fetch() calls from our scripts.
func wantsJSON(c *fiber.Ctx) bool {
	if strings.HasPrefix(c.Path(), "/api/") {
		return true
	}
	accept := c.Get(fiber.HeaderAccept)
	return strings.Contains(accept, fiber.MIMEApplicationJSON) && !strings.Contains(accept, "text/html")
}
