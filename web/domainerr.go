package web

import "errors"

// Errors of the web layer itself.
var (
	errNotFound  = errors.New("web: not found")
	errForbidden = errors.New("web: forbidden")
	errConflict  = errors.New("web: conflict")
)

func isNotFound(err error) bool  { return errors.Is(err, errNotFound) }
func isForbidden(err error) bool { return errors.Is(err, errForbidden) }
func isConflict(err error) bool  { return errors.Is(err, errConflict) }
