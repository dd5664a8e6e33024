package web

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestCatalogs_SameKeys(t *testing.T) {
	cats, err := loadCatalogs(catalogFS)
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range languages {
		if len(cats[lang]) == 0 {
			t.Fatalf("catalog %s is empty", lang)
		}
		for k, v := range cats[lang] {
			if strings.TrimSpace(v) == "" {
				t.Errorf("catalog %s: key %q has an empty text", lang, k)
			}
		}
	}
	// Texts with fmt verbs must have the same verbs in both languages.
	verbs := regexp.MustCompile(`%[sdv]`)
	for k, vi := range cats[LangVI] {
		if a, b := verbs.FindAllString(vi, -1), verbs.FindAllString(cats[LangEN][k], -1); strings.Join(a, "") != strings.Join(b, "") {
			t.Errorf("key %q: verbs %v in vi but %v in en", k, a, b)
		}
	}
}

func TestLoadCatalogs_MissingKey(t *testing.T) {
	fsys := fstest.MapFS{
		"i18n/vi.json": {Data: []byte(`{"a": "A", "b": "B"}`)},
		"i18n/en.json": {Data: []byte(`{"a": "A"}`)},
	}
	_, err := loadCatalogs(fsys)
	if err == nil || !strings.Contains(err.Error(), "en.json lacks keys of vi.json: b") {
		t.Errorf("loadCatalogs with a missing key = %v; want an error naming en.json and b", err)
	}
}

// TestCatalogs_KeysUsed checks that every message key named in templates
// and Go code exists, including keys built from a prefix in templates
// (source.*) and Go code (error.*, index.style.*).
func TestCatalogs_KeysUsed(t *testing.T) {
	cats, err := loadCatalogs(catalogFS)
	if err != nil {
		t.Fatal(err)
	}
	vi := cats[LangVI]
	used := map[string]string{}
	tmplKey := regexp.MustCompile(`\bt "([a-z0-9_.]+)"`)
	err = fs.WalkDir(templateFS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(templateFS, p)
		if err != nil {
			return err
		}
		for _, m := range tmplKey.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = p
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	goKey := regexp.MustCompile(`\b(?:T|newPage\(c,|titleKey:|msgKey:)\s*\(?"([a-z0-9_]+(?:\.[a-z0-9_]+)+)"`)
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range goKey.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = f
		}
	}
	for _, src := range []string{"self", "system", "survey", "secretariat"} {
		used["source."+src] = "templates/partials/form.html"
	}
	for _, st := range []string{"points", "composite"} {
		used["index.style."+st] = "indexpages.go"
	}
	for _, code := range []string{"csrf", "400", "401", "403", "404", "405", "409", "413", "429", "500"} {
		used["error."+code+".title"] = "errors.go"
		used["error."+code+".message"] = "errors.go"
	}
	if len(used) < 50 {
		t.Fatalf("found only %d keys in use: the scan is broken", len(used))
	}
	for k, where := range used {
		if _, ok := vi[k]; !ok {
			t.Errorf("%s uses message key %q, missing from the catalogs", where, k)
		}
	}
}

func TestFormatNumber(t *testing.T) {
	tests := []struct {
		v   float64
		dec int
		vi  string
		en  string
	}{
		{731.61, 2, "731,61", "731.61"},
		{1234.5, 1, "1.234,5", "1,234.5"},
		{1234.5, 2, "1.234,50", "1,234.50"},
		{0.73456, 4, "0,7346", "0.7346"},
		{1000, 0, "1.000", "1,000"},
		{1234567.891, 2, "1.234.567,89", "1,234,567.89"},
		{-12.345, 2, "-12,35", "-12.35"},
		{-1234, 0, "-1.234", "-1,234"},
		{-0.001, 2, "0,00", "0.00"},
		{0, 2, "0,00", "0.00"},
		{999.999, 2, "1.000,00", "1,000.00"},
		{12, 0, "12", "12"},
	}
	vi := &Localizer{Lang: LangVI}
	en := &Localizer{Lang: LangEN}
	for _, tc := range tests {
		if got := vi.Num(tc.v, tc.dec); got != tc.vi {
			t.Errorf("vi Num(%v, %d) = %q; want %q", tc.v, tc.dec, got, tc.vi)
		}
		if got := en.Num(tc.v, tc.dec); got != tc.en {
			t.Errorf("en Num(%v, %d) = %q; want %q", tc.v, tc.dec, got, tc.en)
		}
	}
}

func TestFormatDate(t *testing.T) {
	late := time.Date(2025, 12, 31, 16, 30, 0, 0, time.UTC) // 23:30 in Vietnam
	next := time.Date(2025, 12, 31, 17, 5, 0, 0, time.UTC)  // 00:05 on 1 Jan in Vietnam
	tests := []struct {
		name     string
		lang     string
		tm       time.Time
		date, dt string
	}{
		{"vi", LangVI, late, "31/12/2025", "31/12/2025 23:30"},
		{"en", LangEN, late, "31 Dec 2025", "31 Dec 2025 23:30"},
		{"vi next day in Vietnam", LangVI, next, "01/01/2026", "01/01/2026 00:05"},
		{"en next day in Vietnam", LangEN, next, "1 Jan 2026", "1 Jan 2026 00:05"},
		{"zero", LangVI, time.Time{}, "", ""},
	}
	for _, tc := range tests {
		l := &Localizer{Lang: tc.lang, loc: vietnam}
		if got := l.Date(tc.tm); got != tc.date {
			t.Errorf("%s: Date(%v) = %q; want %q", tc.name, tc.tm, got, tc.date)
		}
		if got := l.DateTime(tc.tm); got != tc.dt {
			t.Errorf("%s: DateTime(%v) = %q; want %q", tc.name, tc.tm, got, tc.dt)
		}
	}
}

func TestTemplates_UnknownKeyFailsAtStart(t *testing.T) {
	cats, err := loadCatalogs(catalogFS)
	if err != nil {
		t.Fatal(err)
	}
	_, static := embeddedFS()
	a, err := loadAssets(static, false)
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{
		"layouts/base.html": {Data: []byte(`{{define "base"}}<title>{{t "app.name"}}</title>{{template "content" .}}{{end}}`)},
		"pages/x.html":      {Data: []byte(`{{define "content"}}{{if .}}{{t "no.such.key"}}{{end}}<link href="{{asset "css/missing.css"}}">{{end}}`)},
	}
	_, err = newViews(fsys, cats, a, vietnam, false)
	if err == nil || !strings.Contains(err.Error(), `"no.such.key"`) || !strings.Contains(err.Error(), `"css/missing.css"`) {
		t.Errorf("newViews with an unknown key and file = %v; want both named", err)
	}
	bad := fstest.MapFS{
		"layouts/base.html": {Data: []byte(`{{define "base"}}{{template "content" .}}{{end}}`)},
		"pages/x.html":      {Data: []byte(`{{define "content"}}{{if}}{{end}}`)},
	}
	if _, err := newViews(bad, cats, a, vietnam, false); err == nil {
		t.Error("newViews with a broken template: no error")
	}
}
