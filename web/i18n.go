package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"
)

// Languages the interface speaks. Vietnamese is the default.
const (
	LangVI = "vi"
	LangEN = "en"
)

// languages lists the supported languages, the default first.
var languages = []string{LangVI, LangEN}

func supportedLang(lang string) bool { return lang == LangVI || lang == LangEN }

//go:embed i18n/*.json
var catalogFS embed.FS

// catalog maps a message key to its text in one language. Texts may hold
// fmt verbs (%s, %d) filled from the arguments of T.
type catalog map[string]string

// loadCatalogs reads one JSON catalog per supported language from fsys
// (files i18n/vi.json, i18n/en.json) and checks that all of them have the
// same keys, so a missing translation fails at start-up, not in a page.
func loadCatalogs(fsys fs.FS) (map[string]catalog, error) {
	cats := make(map[string]catalog, len(languages))
	for _, lang := range languages {
		b, err := fs.ReadFile(fsys, path.Join("i18n", lang+".json"))
		if err != nil {
			return nil, fmt.Errorf("message catalog %s: %w", lang, err)
		}
		var c catalog
		if err := json.Unmarshal(b, &c); err != nil {
			return nil, fmt.Errorf("message catalog i18n/%s.json: %w", lang, err)
		}
		cats[lang] = c
	}
	base := cats[LangVI]
	for _, lang := range languages[1:] {
		if missing := missingKeys(base, cats[lang]); len(missing) > 0 {
			return nil, fmt.Errorf("message catalog i18n/%s.json lacks keys of vi.json: %s", lang, strings.Join(missing, ", "))
		}
		if extra := missingKeys(cats[lang], base); len(extra) > 0 {
			return nil, fmt.Errorf("message catalog i18n/vi.json lacks keys of %s.json: %s", lang, strings.Join(extra, ", "))
		}
	}
	return cats, nil
}

// missingKeys returns the keys of a that b lacks, sorted.
func missingKeys(a, b catalog) []string {
	var out []string
	for k := range a {
		if _, ok := b[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// Localizer translates messages and formats numbers and dates for one
// language. Templates reach it through the t, num, date and datetime
// functions; handlers through the request's localizer.
type Localizer struct {
	Lang string
	cat  catalog
	loc  *time.Location
}

// T returns the message for key, with args filled into its fmt verbs. An
// unknown key returns the key itself, so the gap is visible; start-up and
// tests check that every key used exists.
func (l *Localizer) T(key string, args ...any) string {
	s, ok := l.cat[key]
	if !ok {
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Has reports whether key is in the catalog.
func (l *Localizer) Has(key string) bool {
	_, ok := l.cat[key]
	return ok
}

// Num formats v with a fixed number of decimals in the language's
// convention: 1.234,56 in Vietnamese, 1,234.56 in English.
func (l *Localizer) Num(v float64, decimals int) string {
	return formatNumber(v, decimals, l.Lang)
}

// Date formats the calendar day of t in the platform's time zone:
// 31/12/2025 in Vietnamese, 31 Dec 2025 in English. The zero time is "".
func (l *Localizer) Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(l.loc)
	if l.Lang == LangEN {
		return t.Format("2 Jan 2006")
	}
	return t.Format("02/01/2006")
}

// DateTime formats t with hours and minutes: 31/12/2025 10:42 in
// Vietnamese, 31 Dec 2025 10:42 in English. The zero time is "".
func (l *Localizer) DateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return l.Date(t) + " " + t.In(l.loc).Format("15:04")
}

// Clock formats the time of day of t (10:42), used by "saved at" notes.
func (l *Localizer) Clock(t time.Time) string {
	return t.In(l.loc).Format("15:04")
}
