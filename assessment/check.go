package assessment

import (
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/dti-platform/dti/scoring"
)

// MaxTextLen is the longest free text (in characters) an input accepts.
const MaxTextLen = 5000

// ParseValue parses raw, as typed in a form, an Excel cell or a CSV field,
// into a value of the input in, and checks it against the input's type and
// limits. An empty (or blank) raw is a missing value, not an error: whether
// the input is required is CheckSubmission's business.
//
// Accepted forms:
//   - numbers: Vietnamese "1.234,5" and "12,5" and English "1,234.5"; a
//     single separator is a decimal mark ("1,234" is 1.234, as Vietnamese
//     reads it); thousands groups by ".", "," or spaces must have three
//     digits; percent inputs accept a trailing "%";
//   - count: a whole number ≥ 0 ("1.234" and "1,234" are thousands there);
//     percent: 0..100 unless the input's limits
//     say otherwise;
//   - boolean: có/không, yes/no, true/false, 1/0, x (ticked), đạt/không đạt;
//   - choice: an option's value or label (any case, accents optional);
//     multi_choice: several, separated by "," ";" or new lines, kept in
//     option order without duplicates;
//   - date: dd/mm/yyyy (or d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy) and yyyy-mm-dd;
//   - url: an absolute http or https link; text: up to MaxTextLen characters.
//
// Errors are *Error matching ErrInvalid, naming the input by its label;
// ParseForm gathers them per field.
func ParseValue(in *scoring.Input, raw string) (scoring.Value, error) {
	if !utf8.ValidString(raw) {
		return scoring.Value{}, valueErr(in, "value.text_invalid", labelOf(in))
	}
	s := strings.TrimSpace(raw)
	if s == "" {
		return scoring.Value{}, nil
	}
	switch in.Type {
	case scoring.InputBoolean:
		b, ok := parseBool(s)
		if !ok {
			return scoring.Value{}, valueErr(in, "value.boolean", labelOf(in), s)
		}
		if b {
			return scoring.Value{Set: true, Num: 1}, nil
		}
		return scoring.Value{Set: true, Num: 0}, nil

	case scoring.InputCount, scoring.InputNumber, scoring.InputPercent:
		num := s
		if in.Type == scoring.InputPercent {
			num = strings.TrimSpace(strings.TrimSuffix(num, "%"))
		}
		f, ok := ParseNumber(num)
		if ok && in.Type == scoring.InputCount && f != math.Trunc(f) && singleThousands(num) {
			// "1.234" or "1,234" for a count can only mean one thousand two
			// hundred and thirty-four.
			f, ok = ParseNumber(strings.NewReplacer(".", "", ",", "").Replace(num))
		}
		if !ok {
			return scoring.Value{}, valueErr(in, "value.number", labelOf(in), s)
		}
		if in.Type == scoring.InputCount && (f < 0 || f != math.Trunc(f)) {
			return scoring.Value{}, valueErr(in, "value.whole", labelOf(in), s)
		}
		lo, hi := limits(in)
		if lo != nil && f < *lo {
			return scoring.Value{}, valueErr(in, "value.min", labelOf(in), *lo)
		}
		if hi != nil && f > *hi {
			return scoring.Value{}, valueErr(in, "value.max", labelOf(in), *hi)
		}
		return scoring.Value{Set: true, Num: f}, nil

	case scoring.InputChoice:
		o, ok := matchOption(in, s)
		if !ok {
			return scoring.Value{}, valueErr(in, "value.option", labelOf(in), s)
		}
		return scoring.Value{Set: true, Text: o}, nil

	case scoring.InputMultiChoice:
		chosen := make(map[string]bool)
		for _, part := range strings.FieldsFunc(s, func(r rune) bool {
			return r == ',' || r == ';' || r == '\n' || r == '\r'
		}) {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			o, ok := matchOption(in, part)
			if !ok {
				return scoring.Value{}, valueErr(in, "value.option", labelOf(in), part)
			}
			chosen[o] = true
		}
		if len(chosen) == 0 {
			return scoring.Value{}, nil
		}
		codes := make([]string, 0, len(chosen))
		for _, o := range in.Options {
			if chosen[o.Value] {
				codes = append(codes, o.Value)
			}
		}
		return scoring.Value{Set: true, Text: strings.Join(codes, ",")}, nil

	case scoring.InputDate:
		d, ok := ParseDate(s)
		if !ok {
			return scoring.Value{}, valueErr(in, "value.date", labelOf(in), s)
		}
		return scoring.Value{Set: true, Text: d.Format("2006-01-02")}, nil

	case scoring.InputURL:
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(s) > 2000 ||
			strings.ContainsAny(s, " \t\r\n") {
			return scoring.Value{}, valueErr(in, "value.url", labelOf(in), s)
		}
		return scoring.Value{Set: true, Text: s}, nil

	case scoring.InputText:
		// The store keeps at most MaxTextValueLen bytes (Vietnamese takes
		// two or three bytes a letter).
		if n := utf8.RuneCountInString(s); n > MaxTextLen || len(s) > MaxTextValueLen {
			return scoring.Value{}, valueErr(in, "value.text_long", labelOf(in), MaxTextLen)
		}
		for _, r := range s {
			if unicode.IsControl(r) && r != '\n' && r != '\r' && r != '\t' {
				return scoring.Value{}, valueErr(in, "value.text_invalid", labelOf(in))
			}
		}
		return scoring.Value{Set: true, Text: s}, nil
	}
	return scoring.Value{}, valueErr(in, "value.unknown_type", labelOf(in), string(in.Type))
}

// FormatValue renders a stored value the way a form shows it for editing in
// lang: the inverse of ParseValue (ParseValue(in, FormatValue(in, v, lang))
// gives v back).
func FormatValue(in *scoring.Input, v scoring.Value, lang string) string {
	if !v.Set {
		return ""
	}
	switch in.Type {
	case scoring.InputBoolean:
		switch {
		case v.Num != 0 && lang == "en":
			return "yes"
		case v.Num != 0:
			return "có"
		case lang == "en":
			return "no"
		default:
			return "không"
		}
	case scoring.InputCount, scoring.InputNumber, scoring.InputPercent:
		return formatArg(v.Num, lang).(string)
	case scoring.InputDate:
		if d, err := time.Parse("2006-01-02", v.Text); err == nil {
			return d.Format("02/01/2006")
		}
	}
	return v.Text
}

// DisplayValue renders a stored value for reading in lang: as FormatValue,
// except that the options of choice and multi_choice inputs show their
// labels in lang ("Cấp phó" rather than the code "deputy"), joined by
// "; " as the appraisal page shows them (labels may hold commas). A code the input no longer lists is shown as stored.
func DisplayValue(in *scoring.Input, v scoring.Value, lang string) string {
	if !v.Set || (in.Type != scoring.InputChoice && in.Type != scoring.InputMultiChoice) {
		return FormatValue(in, v, lang)
	}
	codes := []string{v.Text}
	if in.Type == scoring.InputMultiChoice {
		codes = strings.Split(v.Text, ",")
	}
	shown := make([]string, 0, len(codes))
	for _, code := range codes {
		label := code
		for _, o := range in.Options {
			if o.Value == code {
				if l := o.Label.In(lang); l != "" {
					label = l
				}
				break
			}
		}
		shown = append(shown, label)
	}
	return strings.Join(shown, "; ")
}

// limits returns an input's effective bounds: its own, and for percents
// 0..100 on each side its limits leave open.
func limits(in *scoring.Input) (lo, hi *float64) {
	lo, hi = in.Min, in.Max
	switch in.Type {
	case scoring.InputPercent:
		if lo == nil {
			lo = ptr(0.0)
		}
		if hi == nil {
			hi = ptr(100.0)
		}
	case scoring.InputCount:
		if lo == nil {
			lo = ptr(0.0)
		}
	}
	return lo, hi
}

// labelOf returns the input's label, or its key when it has none, so a
// message always names the field.
func labelOf(in *scoring.Input) scoring.Text {
	if in.Label.VI == "" {
		return scoring.Text{VI: in.Key, EN: in.Key}
	}
	return in.Label
}

func ptr[T any](v T) *T { return &v }

func valueErr(_ *scoring.Input, key string, args ...any) *Error {
	return ruleError(ErrInvalid, key, args...)
}

// ParseNumber parses a number written the Vietnamese way ("1.234,5",
// "12,5") or the English way ("1,234.5"), with optional thousands groups
// separated by ".", ",", spaces or no-break spaces, and an optional sign.
// A single "." or "," is a decimal mark. It rejects exponents, NaN and
// infinities, and anything else that is not plainly a number.
func ParseNumber(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	neg := false
	switch {
	case strings.HasPrefix(s, "-"), strings.HasPrefix(s, "−"):
		neg = true
		_, n := utf8.DecodeRuneInString(s)
		s = s[n:]
	case strings.HasPrefix(s, "+"):
		s = s[1:]
	}
	// Spaces (plain, no-break, thin) can only group thousands.
	var groups []string
	if strings.ContainsAny(s, " \u00a0\u202f\u2009") {
		groups = strings.FieldsFunc(s, func(r rune) bool {
			return r == ' ' || r == '\u00a0' || r == '\u202f' || r == '\u2009'
		})
		s = strings.Join(groups, "")
		if !validGroups(groups) {
			return 0, false
		}
	}
	dots, commas := strings.Count(s, "."), strings.Count(s, ",")
	var intPart, frac string
	switch {
	case dots == 0 && commas == 0:
		intPart = s
	case dots > 0 && commas > 0:
		// The last separator is the decimal mark; the other groups thousands.
		dec, thou := ",", "."
		if strings.LastIndex(s, ".") > strings.LastIndex(s, ",") {
			dec, thou = ".", ","
		}
		if strings.Count(s, dec) != 1 {
			return 0, false
		}
		i := strings.LastIndex(s, dec)
		intPart, frac = s[:i], s[i+1:]
		if !validGroups(strings.Split(intPart, thou)) {
			return 0, false
		}
		intPart = strings.ReplaceAll(intPart, thou, "")
	case dots+commas == 1:
		i := strings.IndexAny(s, ".,")
		intPart, frac = s[:i], s[i+1:]
		if intPart == "" {
			intPart = "0"
		}
	default:
		// Several of one separator: thousands groups only.
		sep := "."
		if commas > 0 {
			sep = ","
		}
		parts := strings.Split(s, sep)
		if !validGroups(parts) {
			return 0, false
		}
		intPart = strings.Join(parts, "")
	}
	if !allDigits(intPart) || (frac != "" && !allDigits(frac)) || intPart == "" {
		return 0, false
	}
	num := intPart
	if frac != "" {
		num += "." + frac
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsInf(f, 0) {
		return 0, false
	}
	if neg {
		f = -f
	}
	return f, true
}

// singleThousands reports whether s is digits with one "." or "," followed
// by exactly three digits ("1.234"), which a count reads as thousands.
func singleThousands(s string) bool {
	s = strings.TrimSpace(s)
	i := strings.IndexAny(s, ".,")
	return i > 0 && i <= 3 && strings.Count(s, ".")+strings.Count(s, ",") == 1 &&
		len(s)-i-1 == 3 && allDigits(s[:i]) && allDigits(s[i+1:])
}

// validGroups reports whether parts are thousands groups: the first 1..3
// digits, the others exactly 3 (before any decimal mark).
func validGroups(parts []string) bool {
	if len(parts) == 0 {
		return false
	}
	for i, p := range parts {
		// The last group may carry a decimal part ("1 234,5").
		if i == len(parts)-1 {
			if j := strings.IndexAny(p, ".,"); j >= 0 {
				p = p[:j]
			}
		}
		if i == 0 && (len(p) < 1 || len(p) > 3) {
			if len(parts) > 1 {
				return false
			}
		}
		if i > 0 && len(p) != 3 {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// ParseDate parses dd/mm/yyyy (also d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy) and
// yyyy-mm-dd (an optional time part "T..." or " 00:00:00" is ignored, as
// spreadsheets add it). It rejects dates that do not exist (31/02).
func ParseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "T "); i >= 8 {
		s = s[:i]
	}
	var d, m, y string
	if len(s) == 10 && s[4] == '-' && s[7] == '-' {
		y, m, d = s[:4], s[5:7], s[8:]
	} else {
		parts := strings.FieldsFunc(s, func(r rune) bool { return r == '/' || r == '-' || r == '.' })
		if len(parts) != 3 || strings.Count(s, string(s[len(parts[0])])) != 2 {
			return time.Time{}, false
		}
		d, m, y = parts[0], parts[1], parts[2]
	}
	if len(y) != 4 || len(m) < 1 || len(m) > 2 || len(d) < 1 || len(d) > 2 ||
		!allDigits(y) || !allDigits(m) || !allDigits(d) {
		return time.Time{}, false
	}
	yi, _ := strconv.Atoi(y)
	mi, _ := strconv.Atoi(m)
	di, _ := strconv.Atoi(d)
	t := time.Date(yi, time.Month(mi), di, 0, 0, 0, 0, time.UTC)
	if t.Year() != yi || int(t.Month()) != mi || t.Day() != di || yi < 1900 {
		return time.Time{}, false
	}
	return t, true
}

// parseBool reads yes/no in Vietnamese or English.
func parseBool(s string) (value, ok bool) {
	switch Fold(s) {
	case "co", "yes", "y", "true", "1", "x", "dat", "c":
		return true, true
	case "khong", "no", "n", "false", "0", "khong dat", "k":
		return false, true
	}
	return false, false
}

// matchOption finds the option s names: its exact value first, then its
// value or label compared with Fold.
func matchOption(in *scoring.Input, s string) (string, bool) {
	for _, o := range in.Options {
		if o.Value == s {
			return o.Value, true
		}
	}
	f := Fold(s)
	for _, o := range in.Options {
		if Fold(o.Value) == f || (o.Label.VI != "" && Fold(o.Label.VI) == f) ||
			(o.Label.EN != "" && Fold(o.Label.EN) == f) {
			return o.Value, true
		}
	}
	return "", false
}

// Fold lower-cases s, removes Vietnamese diacritics (precomposed or
// combining), turns đ into d and collapses runs of spaces, so "Có", "co"
// and "CÓ" compare equal. It is for matching what people type against
// known words, never for storing.
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range strings.TrimSpace(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		r = unicode.ToLower(r)
		if base, ok := foldTable[r]; ok {
			r = base
		}
		b.WriteRune(r)
	}
	return b.String()
}

// foldTable maps the precomposed Vietnamese letters to their base letter.
var foldTable = func() map[rune]rune {
	m := make(map[rune]rune)
	for base, letters := range map[rune]string{
		'a': "àáảãạăằắẳẵặâầấẩẫậ",
		'e': "èéẻẽẹêềếểễệ",
		'i': "ìíỉĩị",
		'o': "òóỏõọôồốổỗộơờớởỡợ",
		'u': "ùúủũụưừứửữự",
		'y': "ỳýỷỹỵ",
		'd': "đ",
	} {
		for _, r := range letters {
			m[r] = base
		}
	}
	return m
}()
