package web

import (
	"math"
	"strconv"
	"strings"

	"github.com/dti-platform/dti/scoring"
)

// formatNumber writes v with exactly decimals digits after the decimal
// mark, thousands grouped in the convention of lang (scoring's
// LocalizeDecimal). Values that round to zero print without a sign; NaN and
// infinities print as "–".
func formatNumber(v float64, decimals int, lang string) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	s := strconv.FormatFloat(v, 'f', max(decimals, 0), 64)
	if strings.HasPrefix(s, "-") && strings.Trim(s[1:], "0.") == "" {
		s = s[1:]
	}
	return scoring.LocalizeDecimal(s, lang)
}
