package web

import (
	"errors"

	"github.com/dti-platform/dti/assessment"
)

func isNotFound(err error) bool  { return errors.Is(err, assessment.ErrNotFound) }
func isForbidden(err error) bool { return errors.Is(err, assessment.ErrForbidden) }
func isConflict(err error) bool  { return errors.Is(err, assessment.ErrConflict) }
func isInvalid(err error) bool   { return errors.Is(err, assessment.ErrInvalid) }

// domainMessage returns the user-facing message a domain error carries (an
// *assessment.Error or *assessment.ValidationError) in lang, or "".
func domainMessage(err error, lang string) string {
	var e *assessment.Error
	var v *assessment.ValidationError
	if errors.As(err, &e) || errors.As(err, &v) {
		return assessment.ErrorMessage(err, lang)
	}
	return ""
}
