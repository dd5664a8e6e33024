package web

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dti-platform/dti/assessment"
)

// newIndexVersion returns the test index as version 2025.2 with a lower
// budget limit (100) on NT.03.
func newIndexVersion(t *testing.T) []byte {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", "index.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(src), `version: "2025.1"`, `version: "2025.2"`, 1)
	s = strings.Replace(s, "max: 5000.5}", "max: 100}", 1)
	if s == string(src) {
		t.Fatal("the test index changed: update newIndexVersion")
	}
	return []byte(s)
}

func TestAdminMigrate(t *testing.T) {
	s, fx := newFixtureServer(t)
	t.Cleanup(func() { s.imports.close() })
	ctx := context.Background()
	ck := fx.signIn(t, "admin")
	// SO-TC's budget (2000) fits the old limit, not the new one.
	ed := fx.signIn(t, "editor.tc")
	get(t, s, tcForm, ed)
	if code, _ := saveJSON(t, s, ed, "csrf-editor.tc", tcForm+"/values", fx.submission(t, "SO-TC").Version, map[string]any{"v|NT.03|budget": "2000"}); code != 200 {
		t.Fatalf("save = %d", code)
	}
	base := "/admin/periods/DTI-2025/migrate"
	if resp, _ := get(t, s, base, ck); resp.StatusCode != 200 {
		t.Fatalf("GET = %d", resp.StatusCode)
	}

	// A broken file: every problem with its line, nothing kept.
	resp, body := postMultipart(t, s, base, map[string]string{"_csrf": "csrf-admin"}, "bad.yaml",
		[]byte("schema_version: 1\nindex:\n  code: X\n  nope: 1\n"), ck)
	if resp.StatusCode != 422 {
		t.Fatalf("bad index = %d", resp.StatusCode)
	}
	if probs := findAll(parseHTML(t, body), byAttr("ul", "id", "index-problems")); len(probs) != 1 || !strings.Contains(text(probs[0]), "4") {
		t.Errorf("no problem list naming line 4:\n%.800s", body)
	}
	// The same version is refused.
	src, _ := os.ReadFile(filepath.Join("testdata", "index.yaml"))
	if resp, _ := postMultipart(t, s, base, map[string]string{"_csrf": "csrf-admin"}, "same.yaml", src, ck); resp.StatusCode != 422 {
		t.Errorf("same version = %d; want 422", resp.StatusCode)
	}

	// The new version: the report lists the budget, confirming needs a
	// reason, then re-pins the period with an audit entry.
	resp, body = postMultipart(t, s, base, map[string]string{"_csrf": "csrf-admin"}, "v2.yaml", newIndexVersion(t), ck)
	if resp.StatusCode != 303 {
		t.Fatalf("upload = %d\n%.500s", resp.StatusCode, body)
	}
	report := resp.Header.Get("Location")
	_, body = get(t, s, report, ck)
	doc := parseHTML(t, body)
	issues := findAll(doc, byAttr("table", "id", "migration-issues"))
	if len(issues) != 1 || !strings.Contains(text(issues[0]), "SO-TC") || !strings.Contains(text(issues[0]), "NT.03/budget") || !strings.Contains(text(issues[0]), "2.000") {
		t.Fatalf("report does not list SO-TC's budget:\n%s", body)
	}
	if p, _ := fx.store.FindPeriodByCode(ctx, "DTI-2025"); p.IndexVersion != "2025.1" {
		t.Fatalf("the report changed the period")
	}
	version := jsonNum(fx.period.Version)
	resp, _ = postForm(t, s, report, url.Values{"_csrf": {"csrf-admin"}, "version": {version}, "reason": {" "}}, ck)
	if resp.StatusCode != 422 {
		t.Errorf("confirm without reason = %d; want 422", resp.StatusCode)
	}
	resp, _ = postForm(t, s, report, url.Values{"_csrf": {"csrf-admin"}, "version": {"0"}, "reason": {"Bộ chỉ số sửa đổi"}}, ck)
	if resp.StatusCode != 409 {
		t.Errorf("confirm with a stale version = %d; want 409", resp.StatusCode)
	}
	resp, _ = postForm(t, s, report, url.Values{"_csrf": {"csrf-admin"}, "version": {version}, "reason": {"Bộ chỉ số sửa đổi"}}, ck)
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/admin/periods" {
		t.Fatalf("confirm = %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	p, _ := fx.store.FindPeriodByCode(ctx, "DTI-2025")
	if p.IndexVersion != "2025.2" {
		t.Errorf("period index = %s; want 2025.2", p.IndexVersion)
	}
	es, _, err := fx.store.FindAudit(ctx, assessment.AuditFilter{PeriodID: &p.ID, Action: assessment.ActionPeriodUpdated})
	if err != nil || len(es) != 1 || es[0].Field != "index" || es[0].Reason != "Bộ chỉ số sửa đổi" {
		t.Errorf("audit = %+v, %v", es, err)
	}
}

func TestAdminMigrate_refused(t *testing.T) {
	s, fx := newFixtureServer(t)
	t.Cleanup(func() { s.imports.close() })
	cur, _ := testResults()
	fx.publish(t, "DTI-2024", 2024, true, cur)
	tests := []struct {
		name, user, path string
		want             int
	}{
		{"published period", "admin", "/admin/periods/DTI-2024/migrate", 403},
		{"unknown period", "admin", "/admin/periods/NOPE/migrate", 404},
		{"reviewer", "reviewer", "/admin/periods/DTI-2025/migrate", 403},
		{"unknown upload", "admin", "/admin/periods/DTI-2025/migrate/0123456789abcdef0123456789abcdef", 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if resp, _ := get(t, s, tt.path, fx.signIn(t, tt.user)); resp.StatusCode != tt.want {
				t.Errorf("GET %s = %d; want %d", tt.path, resp.StatusCode, tt.want)
			}
		})
	}
}
