package sqlite

import (
	"database/sql/driver"
	"strings"
	"unicode"

	"modernc.org/sqlite"
)

// Searches ignore case and Vietnamese diacritics, so "so tai chinh" finds
// "Sở Tài chính": SQLite's lower() and LIKE fold ASCII only. The SQL
// function dti_fold(text) applies fold inside queries.

// vietnameseBase maps each precomposed Vietnamese lower-case letter to its
// base letter.
var vietnameseBase = func() map[rune]rune {
	m := map[rune]rune{}
	for base, letters := range map[rune]string{
		'a': "àáạảãâầấậẩẫăằắặẳẵ",
		'e': "èéẹẻẽêềếệểễ",
		'i': "ìíịỉĩ",
		'o': "òóọỏõôồốộổỗơờớợởỡ",
		'u': "ùúụủũưừứựửữ",
		'y': "ỳýỵỷỹ",
		'd': "đ",
	} {
		for _, r := range letters {
			m[r] = base
		}
	}
	return m
}()

// fold lower-cases s and removes Vietnamese diacritics, whether the text
// is precomposed (NFC) or decomposed (combining marks are dropped).
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range strings.ToLower(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		if base, ok := vietnameseBase[r]; ok {
			r = base
		}
		b.WriteRune(r)
	}
	return b.String()
}

func init() {
	sqlite.MustRegisterDeterministicScalarFunction("dti_fold", 1, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		switch v := args[0].(type) {
		case string:
			return fold(v), nil
		case []byte:
			return fold(string(v)), nil
		case nil:
			return "", nil
		default:
			return v, nil
		}
	})
}
