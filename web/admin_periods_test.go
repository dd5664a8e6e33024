package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/dti-platform/dti/assessment"
)

func TestPeriodLifecycle(t *testing.T) {
	s, fx := newFixtureServer(t)
	ctx := context.Background()
	admin := fx.signIn(t, "admin")
	// The unit fills a little, so the ranking has something to show.
	ed := fx.signIn(t, "editor.tc")
	get(t, s, tcForm, ed)
	saveJSON(t, s, ed, "csrf-editor.tc", tcForm+"/values", fx.submission(t, "SO-TC").Version, map[string]any{"v|NT.04|chair": "head"})

	period := func() *assessment.Period {
		p, err := fx.store.FindPeriodByCode(ctx, "DTI-2025")
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	act := func(ck *http.Cookie, csrf, action string, version int64, reason string) int {
		resp, _ := postForm(t, s, "/admin/periods/DTI-2025/"+action, url.Values{"_csrf": {csrf}, "version": {jsonNum(version)}, "reason": {reason}}, ck)
		return resp.StatusCode
	}
	_, page := get(t, s, "/admin/periods", admin)
	if !strings.Contains(page, `action="/admin/periods/DTI-2025/close"`) || strings.Contains(page, `action="/admin/periods/DTI-2025/publish"`) {
		t.Error("an open period should offer close, not publish")
	}
	if got := act(fx.signIn(t, "reviewer"), "csrf-reviewer", "close", period().Version, ""); got != 403 {
		t.Errorf("reviewer closes: %d; want 403", got)
	}
	if got := act(admin, "csrf-admin", "publish", period().Version, ""); got != 403 {
		t.Errorf("publish an open period: %d; want 403", got)
	}
	if got := act(admin, "csrf-admin", "close", period().Version-1, ""); got != 409 {
		t.Errorf("close on a stale version: %d; want 409", got)
	}
	if got := act(admin, "csrf-admin", "close", period().Version, ""); got != http.StatusSeeOther || period().Status != assessment.PeriodClosed {
		t.Fatalf("close: %d, status %s", got, period().Status)
	}
	// Closed: the unit can no longer save.
	if st, _ := saveJSON(t, s, ed, "csrf-editor.tc", tcForm+"/values", fx.submission(t, "SO-TC").Version, map[string]any{"v|NT.04|chair": "deputy"}); st != 403 {
		t.Errorf("save in a closed period: %d; want 403", st)
	}
	resp, body := get(t, s, "/admin/periods/DTI-2025/preview", admin)
	if resp.StatusCode != 200 || !strings.Contains(body, "Sở Tài chính") {
		t.Fatalf("preview: %d", resp.StatusCode)
	}
	if got := act(admin, "csrf-admin", "publish", period().Version, ""); got != http.StatusSeeOther || period().Status != assessment.PeriodPublished {
		t.Fatalf("publish: %d, status %s", got, period().Status)
	}
	resp, body = get(t, s, "/results/DTI-2025", fx.signIn(t, "viewer"))
	if resp.StatusCode != 200 || !strings.Contains(body, "Sở Tài chính") || !strings.Contains(body, "lần 1") {
		t.Fatalf("published results: %d", resp.StatusCode)
	}
	// Re-opening needs a reason.
	if got := act(admin, "csrf-admin", "reopen", period().Version, " "); got != 422 {
		t.Errorf("reopen without a reason: %d; want 422", got)
	}
	if got := act(admin, "csrf-admin", "reopen", period().Version, "Sở Tài chính bổ sung minh chứng"); got != http.StatusSeeOther || period().Status != assessment.PeriodOpen {
		t.Fatalf("reopen: %d, status %s", got, period().Status)
	}
	entries, _, err := fx.store.FindAudit(ctx, assessment.AuditFilter{Action: "period."})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range entries {
		if strings.Contains(e.Reason, "bổ sung minh chứng") {
			found = true
		}
	}
	if !found {
		t.Error("the re-open reason is not in the audit log")
	}
	// Publishing again needs a reason too, and keeps the first snapshot.
	act(admin, "csrf-admin", "close", period().Version, "")
	if got := act(admin, "csrf-admin", "publish", period().Version, ""); got != 422 {
		t.Errorf("republish without a reason: %d; want 422", got)
	}
	if got := act(admin, "csrf-admin", "publish", period().Version, "Điều chỉnh sau phúc tra"); got != http.StatusSeeOther {
		t.Fatalf("republish: %d", got)
	}
	snaps, _ := fx.store.FindSnapshots(ctx, period().ID)
	if len(snaps) != 2 {
		t.Errorf("%d snapshots; want both kept", len(snaps))
	}
}

func TestCreatePeriod(t *testing.T) {
	s, fx := newFixtureServer(t)
	admin := fx.signIn(t, "admin")
	resp, body := get(t, s, "/admin/periods/new", admin)
	if resp.StatusCode != 200 || !strings.Contains(body, `value="DTI-2024"`) {
		t.Fatalf("new period form: %d", resp.StatusCode)
	}
	post := func(f url.Values) (*http.Response, string) {
		f.Set("_csrf", "csrf-admin")
		return postForm(t, s, "/admin/periods", f, admin)
	}
	tests := []struct {
		name  string
		form  url.Values
		field string
	}{
		{"taken code", url.Values{"code": {"DTI-2025"}, "name": {"X"}, "year": {"2025"}}, "f-code-error"},
		{"bad code", url.Values{"code": {"kỳ 1"}, "name": {"X"}, "year": {"2025"}}, "f-code-error"},
		{"no name", url.Values{"code": {"DTI-2030"}, "name": {" "}, "year": {"2030"}}, "f-name-error"},
		{"bad year", url.Values{"code": {"DTI-2030"}, "name": {"X"}, "year": {"năm"}}, "f-year-error"},
		{"closes before it opens", url.Values{"code": {"DTI-2030"}, "name": {"X"}, "year": {"2030"}, "opens_at": {"2031-03-01"}, "closes_at": {"2031-02-01"}}, "f-closes_at-error"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := post(tc.form)
			if resp.StatusCode != 422 || !strings.Contains(body, `id="`+tc.field+`"`) {
				t.Errorf("status %d; want 422 with #%s", resp.StatusCode, tc.field)
			}
		})
	}
	resp, _ = post(url.Values{"code": {"DTI-2026"}, "name": {"Chỉ số chuyển đổi số năm 2026"}, "year": {"2026"},
		"opens_at": {"2027-01-05"}, "closes_at": {"2027-03-31"}, "public": {"1"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	p, err := fx.store.FindPeriodByCode(context.Background(), "DTI-2026")
	if err != nil {
		t.Fatal(err)
	}
	if p.Status != assessment.PeriodDraft || p.IndexHash != fx.ix.Hash || !p.Public || p.Year != 2026 {
		t.Errorf("period = %+v", p)
	}
	// The deadline is the end of the day in Vietnam.
	if got := p.ClosesAt.In(vietnam).Format("2006-01-02 15:04:05"); got != "2027-03-31 23:59:59" {
		t.Errorf("closes at %s; want the end of 31/03/2027 in Vietnam", got)
	}
	if resp, _ := get(t, s, "/admin/periods/new", fx.signIn(t, "reviewer")); resp.StatusCode != 403 {
		t.Errorf("reviewer on the new period form: %d; want 403", resp.StatusCode)
	}
}
