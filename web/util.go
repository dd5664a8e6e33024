package web

import "strconv"

// parseVersion reads a version number posted by a form.
func parseVersion(s string) (int64, bool) {
	v, err := strconv.ParseInt(s, 10, 64)
	return v, err == nil && v >= 0
}
