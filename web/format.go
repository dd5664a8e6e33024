package web

import (
	"math"
	"strconv"
	"strings"
)

// formatNumber writes v with exactly decimals digits after the decimal mark,
// grouping the integer part by thousands. Negative zero and values that
// round to zero print without a sign; NaN and infinities print as "–".
func formatNumber(v float64, decimals int, thousands, mark byte) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	if decimals < 0 {
		decimals = 0
	}
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	neg := strings.HasPrefix(s, "-")
	if neg {
		s = s[1:]
		if strings.Trim(s, "0.") == "" {
			neg = false
		}
	}
	intPart, frac := s, ""
	if i := strings.IndexByte(s, '.'); i >= 0 {
		intPart, frac = s[:i], s[i+1:]
	}
	var b strings.Builder
	b.Grow(len(s) + len(s)/3 + 2)
	if neg {
		b.WriteByte('-')
	}
	for i := 0; i < len(intPart); i++ {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(thousands)
		}
		b.WriteByte(intPart[i])
	}
	if frac != "" {
		b.WriteByte(mark)
		b.WriteString(frac)
	}
	return b.String()
}
