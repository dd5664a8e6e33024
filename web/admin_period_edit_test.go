package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/dti-platform/dti/assessment"
)

func TestEditPeriod(t *testing.T) {
	s, fx := newFixtureServer(t)
	ctx := context.Background()
	admin := fx.signIn(t, "admin")
	period := func() *assessment.Period {
		p, err := fx.store.FindPeriodByCode(ctx, "DTI-2025")
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	_, list := get(t, s, "/admin/periods", admin)
	if len(findAll(parseHTML(t, list), byAttr("a", "href", "/admin/periods/DTI-2025/edit"))) != 1 {
		t.Fatal("the period list has no link to the settings page")
	}
	resp, page := get(t, s, "/admin/periods/DTI-2025/edit", admin)
	if resp.StatusCode != 200 {
		t.Fatalf("edit page: %d", resp.StatusCode)
	}
	doc := parseHTML(t, page)
	if in := findAll(doc, byAttr("input", "name", "name")); len(in) != 1 {
		t.Fatal("no name input")
	} else if v, _ := attr(in[0], "value"); v != period().Name {
		t.Errorf("name input = %q; want %q", v, period().Name)
	}
	if in := findAll(doc, byAttr("input", "name", "version")); len(in) != 1 {
		t.Fatal("no version input")
	}

	form := func(version int64, name, closes string, public bool) url.Values {
		f := url.Values{"_csrf": {"csrf-admin"}, "version": {jsonNum(version)}, "name": {name}, "closes_at": {closes}, "show_in_progress": {"1"}}
		if public {
			f.Set("public", "1")
		}
		return f
	}
	before := period()
	tests := []struct {
		name       string
		form       url.Values
		status     int
		errorID    string // the field whose error is shown
		wantInBody string
	}{
		{"empty name", form(before.Version, " ", "2026-03-31", true), 422, "f-name-error", ""},
		{"bad date", form(before.Version, "DTI 2025", "31/03/2026", true), 422, "f-closes_at-error", ""},
		{"name with markup", form(before.Version, "DTI \x07", "2026-03-31", true), 422, "f-name-error", ""},
		{"deadline before opening", func() url.Values {
			f := form(before.Version, "DTI 2025", "2025-01-31", true)
			f.Set("opens_at", "2025-06-01")
			return f
		}(), 422, "f-closes_at-error", ""},
		{"stale version", form(before.Version-1, "Kỳ cũ", "2026-03-31", true), 409, "", "Kỳ cũ"},
		{"no CSRF", url.Values{"version": {jsonNum(before.Version)}, "name": {"X"}}, 403, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := postForm(t, s, "/admin/periods/DTI-2025/edit", tc.form, admin)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d; want %d", resp.StatusCode, tc.status)
			}
			if tc.errorID != "" && len(findAll(parseHTML(t, body), byAttr("p", "id", tc.errorID))) != 1 {
				t.Errorf("no error next to the field (%s)", tc.errorID)
			}
			if tc.wantInBody != "" && !strings.Contains(body, tc.wantInBody) {
				t.Errorf("the form lost the value entered %q", tc.wantInBody)
			}
			if p := period(); p.Version != before.Version || p.Name != before.Name || p.Public != before.Public {
				t.Errorf("a refused edit changed the period: %+v", p)
			}
		})
	}

	// A good edit: saved, audited, back to the list.
	resp, _ = postForm(t, s, "/admin/periods/DTI-2025/edit", form(before.Version, "Chỉ số DTI năm 2025 <b>", "2026-03-31", !before.Public), admin)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/periods" {
		t.Fatalf("save: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	p := period()
	if p.Name != "Chỉ số DTI năm 2025 <b>" || p.Public == before.Public || !p.ShowInProgress || p.Version != before.Version+1 {
		t.Errorf("saved period = %+v", p)
	}
	if got := p.ClosesAt.In(s.cfg.Location).Format("2006-01-02 15:04:05"); got != "2026-03-31 23:59:59" {
		t.Errorf("deadline = %s; want the end of 31 March in the platform's zone", got)
	}
	if p.Status != before.Status || p.IndexHash != before.IndexHash {
		t.Error("editing the settings changed the status or the index")
	}
	entries, _, err := fx.store.FindAudit(ctx, assessment.AuditFilter{Action: string(assessment.ActionPeriodUpdated)})
	if err != nil {
		t.Fatal(err)
	}
	fields := map[string]bool{}
	for _, e := range entries {
		fields[e.Field] = true
	}
	for _, f := range []string{"name", "public", "closes_at"} {
		if !fields[f] {
			t.Errorf("no audit entry for %s (got %v)", f, fields)
		}
	}
	_, list = get(t, s, "/admin/periods", admin)
	if !strings.Contains(list, "Chỉ số DTI năm 2025 &lt;b&gt;") {
		t.Error("the new name is not shown escaped in the list")
	}
	// The page shows the saved deadline as a date.
	_, page = get(t, s, "/admin/periods/DTI-2025/edit", admin)
	if !strings.Contains(page, `value="2026-03-31"`) {
		t.Error("the edit page does not show the saved deadline")
	}
	if resp, _ := get(t, s, "/admin/periods/NOPE/edit", admin); resp.StatusCode != 404 {
		t.Errorf("unknown period: %d; want 404", resp.StatusCode)
	}
}

// TestEditPeriod_PublishedMadePublic: a period published privately is
// made public from its settings page and visitors then see its ranking.
func TestEditPeriod_PublishedMadePublic(t *testing.T) {
	s, fx := newFixtureServer(t)
	cur, _ := testResults()
	p := fx.publish(t, "NOIBO-2024", 2024, false, cur)
	if resp, _ := get(t, s, "/results/NOIBO-2024"); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("a visitor on the private ranking: %d; want 404", resp.StatusCode)
	}
	admin := fx.signIn(t, "admin")
	fx.setLang(t, "admin", "en")
	_, page := get(t, s, "/admin/periods/NOIBO-2024/edit", admin)
	if !strings.Contains(page, "Edit the period settings") || !strings.Contains(page, "Make the results public") {
		t.Error("the page is not in the admin's language (English)")
	}
	resp, _ := postForm(t, s, "/admin/periods/NOIBO-2024/edit", url.Values{"_csrf": {"csrf-admin"}, "version": {jsonNum(p.Version)},
		"name": {p.Name}, "public": {"1"}}, admin)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("make public: %d", resp.StatusCode)
	}
	got, err := fx.store.FindPeriodByCode(context.Background(), "NOIBO-2024")
	if err != nil {
		t.Fatal(err)
	}
	if !got.Public || got.Status != assessment.PeriodPublished {
		t.Errorf("period = public %v, %s; want public and still published", got.Public, got.Status)
	}
	if resp, body := get(t, s, "/results/NOIBO-2024"); resp.StatusCode != http.StatusOK || !strings.Contains(body, "Sở Y tế") {
		t.Errorf("a visitor on the now public ranking: %d", resp.StatusCode)
	}
}
