package reports

import (
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/dti-platform/dti/scoring"
)

// This file turns input values into text (canonical and for people) and
// back: the forms of numbers, yes/no, options and dates the template import
// accepts.

// Canonical text of input values, as CanonicalText returns them.
const (
	canonTrue  = "true"
	canonFalse = "false"
)

// CanonicalText returns the canonical text of value v of input in: ""
// when v is not set; "true"/"false" for yes/no; numbers in Go's shortest
// decimal form with a point ("12.5"); the option code of a choice; option
// codes joined by "," for a multiple choice (in option order); YYYY-MM-DD
// for a date; the text itself for text and links.
func CanonicalText(in *scoring.Input, v scoring.Value) string {
	if !v.Set {
		return ""
	}
	switch in.Type {
	case scoring.InputBoolean:
		if v.Num != 0 {
			return canonTrue
		}
		return canonFalse
	case scoring.InputCount, scoring.InputNumber, scoring.InputPercent:
		return strconv.FormatFloat(v.Num, 'f', -1, 64)
	default:
		return v.Text
	}
}

// displayValue returns value v of input in as a person reads it in lang:
// "Có"/"Yes", "12,5" (Vietnamese decimal comma), option labels.
func displayValue(in *scoring.Input, v scoring.Value, lang string) string {
	if !v.Set {
		return ""
	}
	switch in.Type {
	case scoring.InputBoolean:
		if v.Num != 0 {
			return lblYes.in(lang)
		}
		return lblNo.in(lang)
	case scoring.InputCount, scoring.InputNumber, scoring.InputPercent:
		return formatNumber(v.Num, lang)
	case scoring.InputChoice:
		return optionLabel(in, v.Text, lang)
	case scoring.InputMultiChoice:
		var labels []string
		for _, code := range splitCodes(v.Text) {
			labels = append(labels, optionLabel(in, code, lang))
		}
		return strings.Join(labels, "; ")
	default:
		return v.Text
	}
}

// formatNumber formats v with the shortest exact decimals, with a decimal
// comma in Vietnamese.
func formatNumber(v float64, lang string) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if lang != LangEN {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// optionLabel returns the label of option code in lang, or the code.
func optionLabel(in *scoring.Input, code, lang string) string {
	for _, o := range in.Options {
		if o.Value == code {
			if l := o.Label.In(lang); l != "" {
				return l
			}
			return code
		}
	}
	return code
}

// splitCodes splits a multiple-choice canonical text.
func splitCodes(s string) []string {
	if s == "" {
		return nil
	}
	parts := strings.Split(s, ",")
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parseNumberText parses a number typed as text. It accepts a decimal point
// ("12.5") or a Vietnamese decimal comma ("12,5"), Vietnamese thousands
// separators ("1.234.567", "1.234,5"), spaces as thousands separators and a
// trailing "%". A lone "." or "," is read as the decimal separator.
func parseNumberText(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(s, "%")
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u00a0' || r == '\u202f' {
			return -1
		}
		return r
	}, s)
	if s == "" {
		return 0, false
	}
	dots, commas := strings.Count(s, "."), strings.Count(s, ",")
	var ok bool
	switch {
	case dots > 0 && commas > 0:
		// Whichever comes last is the decimal separator: 1.234,5 or 1,234.5.
		if strings.LastIndex(s, ",") > strings.LastIndex(s, ".") {
			if commas > 1 {
				return 0, false
			}
			i := strings.Index(s, ",")
			whole, ok := ungroup(s[:i], ".")
			if !ok {
				return 0, false
			}
			s = whole + "." + s[i+1:]
		} else {
			if dots > 1 {
				return 0, false
			}
			i := strings.Index(s, ".")
			whole, ok := ungroup(s[:i], ",")
			if !ok {
				return 0, false
			}
			s = whole + s[i:]
		}
	case commas == 1:
		s = strings.Replace(s, ",", ".", 1)
	case commas > 1:
		if s, ok = ungroup(s, ","); !ok {
			return 0, false
		}
	case dots > 1:
		if s, ok = ungroup(s, "."); !ok {
			return 0, false
		}
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r == '.' || r == '-' || r == '+' || r == 'e' || r == 'E') {
			return 0, false
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}

// ungroup removes thousands separators sep from the whole part of a
// number, checking that every group after the first has three digits.
func ungroup(whole, sep string) (string, bool) {
	groups := strings.Split(whole, sep)
	for i, g := range groups {
		digits := strings.TrimLeft(g, "+-")
		if i > 0 && (len(g) != 3 || digits != g) || i == 0 && (len(digits) == 0 || len(digits) > 3) {
			return "", false
		}
	}
	return strings.Join(groups, ""), true
}

// boolWords are the yes/no texts accepted, lower case, in both languages.
var boolWords = map[string]bool{
	"có": true, "co": true, "yes": true, "y": true, "true": true, "1": true, "x": true, "đúng": true, "đạt": true,
	"không": false, "khong": false, "no": false, "n": false, "false": false, "0": false, "sai": false,
}

// parseBoolText parses a yes/no text.
func parseBoolText(s string) (bool, bool) {
	v, ok := boolWords[strings.ToLower(strings.TrimSpace(s))]
	return v, ok
}

// matchOption returns the code of the option whose code or label (in either
// language, ignoring case and surrounding spaces) is s.
func matchOption(in *scoring.Input, s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, o := range in.Options {
		if s == o.Value {
			return o.Value, true
		}
	}
	for _, o := range in.Options {
		if strings.EqualFold(s, strings.TrimSpace(o.Label.VI)) ||
			(o.Label.EN != "" && strings.EqualFold(s, strings.TrimSpace(o.Label.EN))) {
			return o.Value, true
		}
	}
	return "", false
}

// parseMultiChoice parses options separated by ";" or new lines (labels or
// codes), or codes separated by ",". It returns the canonical text (codes
// in option order) or the first token that matches no option.
func parseMultiChoice(in *scoring.Input, s string) (string, string, bool) {
	tokens := strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '\n' || r == '\r' })
	chosen := map[string]bool{}
	for _, t := range tokens {
		t = strings.TrimSpace(t)
		if t == "" {
			continue
		}
		if code, ok := matchOption(in, t); ok {
			chosen[code] = true
			continue
		}
		// "a,b" of codes (the canonical form) is accepted too.
		if strings.Contains(t, ",") {
			all := true
			var codes []string
			for _, c := range strings.Split(t, ",") {
				code, ok := matchOption(in, c)
				if !ok {
					all = false
					break
				}
				codes = append(codes, code)
			}
			if all {
				for _, c := range codes {
					chosen[c] = true
				}
				continue
			}
		}
		return "", t, false
	}
	var out []string
	for _, o := range in.Options {
		if chosen[o.Value] {
			out = append(out, o.Value)
		}
	}
	return strings.Join(out, ","), "", true
}

// dateLayouts are the date texts accepted, day first as in Vietnam.
var dateLayouts = []string{"2006-01-02", "2/1/2006", "2-1-2006", "2.1.2006", "02/01/2006", "2006/01/02"}

// parseDateText parses a date typed as text and returns it as YYYY-MM-DD.
func parseDateText(s string) (string, bool) {
	s = strings.TrimSpace(s)
	// A date with a time part ("2025-03-15 00:00:00", "2025-03-15T...")
	// keeps the date.
	if i := strings.IndexAny(s, " T"); i == 10 {
		s = s[:10]
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.Format("2006-01-02"), true
		}
	}
	return "", false
}

// validURL reports whether s is an absolute http or https link.
func validURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
