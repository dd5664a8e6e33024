package assessment

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors. Every error the store and the workflow rules return
// matches one of them with errors.Is, so the web layer can map them to
// HTTP statuses (404, 409, 403, 422) without knowing the details.
var (
	// ErrNotFound means the requested row does not exist (or is not
	// visible, e.g. an expired session).
	ErrNotFound = errors.New("not found")
	// ErrConflict means a write was based on stale data (optimistic
	// version mismatch) or would break a uniqueness rule.
	ErrConflict = errors.New("conflict")
	// ErrForbidden means the actor may not do this, or not now (e.g. the
	// period is closed or a value is centrally sourced).
	ErrForbidden = errors.New("forbidden")
	// ErrInvalid means the input is malformed; the details are in a
	// *ValidationError or an *Error.
	ErrInvalid = errors.New("invalid")
)

// Error is a domain error with a user-facing message in Vietnamese and
// English. Code is one of the sentinels (errors.Is(err, ErrForbidden)
// works through Unwrap); Key is a stable message key that a translation
// catalog may use instead of the ready-made texts, with Args its
// parameters.
type Error struct {
	Code error
	Key  string
	Args []any
	VI   string
	EN   string
}

// NewError returns an *Error. vi and en are the complete user-facing
// messages; key is a stable identifier such as "period.closed".
func NewError(code error, key, vi, en string, args ...any) *Error {
	return &Error{Code: code, Key: key, Args: args, VI: vi, EN: en}
}

// Error returns the code and the English message, e.g.
// "forbidden: the period closed on 31/03/2026".
func (e *Error) Error() string {
	code := "error"
	if e.Code != nil {
		code = e.Code.Error()
	}
	if e.EN == "" {
		return code
	}
	return code + ": " + e.EN
}

// Unwrap returns the sentinel code.
func (e *Error) Unwrap() error { return e.Code }

// Message returns the message in lang ("vi" or "en"); Vietnamese is the
// default and the fallback.
func (e *Error) Message(lang string) string {
	if lang == "en" && e.EN != "" {
		return e.EN
	}
	if e.VI != "" {
		return e.VI
	}
	return e.EN
}

// FieldError is the problem of one form field.
type FieldError struct {
	// Field names the field, e.g. "code" or "NTS.01/chair_role".
	Field string
	VI    string
	EN    string
}

// Message returns the message in lang ("vi" or "en").
func (f FieldError) Message(lang string) string {
	if lang == "en" && f.EN != "" {
		return f.EN
	}
	return f.VI
}

// ValidationError lists the problems of a form or request field by field,
// in the order they were found. It matches ErrInvalid.
type ValidationError struct {
	Fields []FieldError
}

// Add records a problem of field.
func (v *ValidationError) Add(field, vi, en string) {
	v.Fields = append(v.Fields, FieldError{Field: field, VI: vi, EN: en})
}

// Get returns the first problem recorded for field.
func (v *ValidationError) Get(field string) (FieldError, bool) {
	for _, f := range v.Fields {
		if f.Field == field {
			return f, true
		}
	}
	return FieldError{}, false
}

// Err returns v when it holds problems and nil otherwise, so a validator
// can end with "return v.Err()".
func (v *ValidationError) Err() error {
	if v == nil || len(v.Fields) == 0 {
		return nil
	}
	return v
}

// Error lists every field and its English message.
func (v *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("invalid")
	for i, f := range v.Fields {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s: %s", f.Field, f.EN)
	}
	return b.String()
}

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (v *ValidationError) Unwrap() error { return ErrInvalid }

// ErrorMessage returns a message for err that is safe to show a user in
// lang: the message of an *Error, the field messages of a
// *ValidationError, a generic text for a bare sentinel, and a generic
// "internal error" text for anything else (whose details must be logged,
// not shown).
func ErrorMessage(err error, lang string) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message(lang)
	}
	var v *ValidationError
	if errors.As(err, &v) {
		msgs := make([]string, len(v.Fields))
		for i, f := range v.Fields {
			msgs[i] = f.Message(lang)
		}
		return strings.Join(msgs, "; ")
	}
	pick := func(vi, en string) string {
		if lang == "en" {
			return en
		}
		return vi
	}
	switch {
	case errors.Is(err, ErrNotFound):
		return pick("Không tìm thấy dữ liệu.", "Not found.")
	case errors.Is(err, ErrConflict):
		return pick("Dữ liệu đã được người khác thay đổi; vui lòng tải lại trang.",
			"The data were changed by someone else; please reload the page.")
	case errors.Is(err, ErrForbidden):
		return pick("Bạn không có quyền thực hiện thao tác này.", "You are not allowed to do this.")
	case errors.Is(err, ErrInvalid):
		return pick("Dữ liệu không hợp lệ.", "The data are not valid.")
	}
	return pick("Lỗi hệ thống; vui lòng thử lại sau.", "Internal error; please try again later.")
}

// ConflictError returns the standard *Error for a stale write to entity
// (e.g. "submission"): it matches ErrConflict.
func ConflictError(entity string) *Error {
	return NewError(ErrConflict, "conflict.stale",
		"Dữ liệu đã được thay đổi ở nơi khác; vui lòng tải lại trang.",
		fmt.Sprintf("the %s was changed elsewhere (stale version); please reload", entity), entity)
}
