package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/reports"
	"github.com/dti-platform/dti/scoring"
)

// publish creates a closed period and publishes res as its snapshot.
func (fx *fixture) publish(t testing.TB, code string, year int, public bool, res *scoring.Results) *assessment.Period {
	t.Helper()
	p := fx.addPeriod(t, code, year, assessment.PeriodClosed, public)
	p, err := fx.store.PublishPeriod(context.Background(), assessment.SystemActor, p.ID, p.Version, &assessment.Snapshot{
		IndexHash: fx.ix.Hash,
		Results:   assessment.SnapshotResults{Self: *res, Appraised: *res, Final: *res},
	})
	if err != nil {
		t.Fatalf("PublishPeriod %s: %v", code, err)
	}
	return p
}

func TestResults_PublicAndPrivate(t *testing.T) {
	s, fx := newFixtureServer(t)
	cur, prev := testResults()
	fx.publish(t, "DTI-2024", 2024, true, prev)
	fx.publish(t, "DTI-2025P", 2025, true, cur)
	fx.publish(t, "NOIBO-2025", 2025, false, cur)

	// A visitor lands on the newest public results.
	resp, _ := get(t, s, "/")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/results/") {
		t.Fatalf("visitor on /: %d to %q; want the public results", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, body := get(t, s, "/results/DTI-2025P")
	if resp.StatusCode != 200 {
		t.Fatalf("public ranking: %d", resp.StatusCode)
	}
	doc := parseHTML(t, body)
	rows := findAll(doc, func(n *html.Node) bool { return n.Data == "tr" && n.Parent != nil && n.Parent.Data == "tbody" })
	if len(rows) != 4 {
		t.Errorf("%d rows; want 4 units", len(rows))
	}
	// The change since 2024 comes from the previous public period.
	if !strings.Contains(body, "&#43;31,50") {
		t.Error("no change since the previous period")
	}
	// A private period is invisible to visitors, visible to users.
	if resp, _ := get(t, s, "/results/NOIBO-2025"); resp.StatusCode != 404 {
		t.Errorf("visitor on a private period: %d; want 404", resp.StatusCode)
	}
	if resp, _ := get(t, s, "/results/NOIBO-2025", fx.signIn(t, "viewer")); resp.StatusCode != 200 {
		t.Errorf("viewer on a private period: %d; want 200", resp.StatusCode)
	}
	// An open period has no results page.
	if resp, _ := get(t, s, "/results/DTI-2025", fx.signIn(t, "admin")); resp.StatusCode != 404 {
		t.Errorf("open period: %d; want 404", resp.StatusCode)
	}
	// The Excel workbook of the ranking, with the same visibility.
	resp, xlsx := get(t, s, "/results/DTI-2025P/ranking.xlsx")
	if resp.StatusCode != 200 || !strings.HasPrefix(xlsx, "PK") || resp.Header.Get("Content-Type") != reports.ContentTypeXLSX {
		t.Errorf("workbook: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, `filename="Xep-hang-DTI-2025P.xlsx"`) || !strings.Contains(cd, "filename*=UTF-8''X%E1%BA%BFp%20h%E1%BA%A1ng%20DTI-2025P.xlsx") {
		t.Errorf("workbook Content-Disposition = %q", cd)
	}
	if resp, _ := get(t, s, "/results/NOIBO-2025/ranking.xlsx"); resp.StatusCode != 404 {
		t.Errorf("visitor's workbook of a private period: %d; want 404", resp.StatusCode)
	}
	_, list := get(t, s, "/results")
	if !strings.Contains(list, "/results/DTI-2025P") || strings.Contains(list, "NOIBO-2025") {
		t.Error("the visitor's results list is wrong")
	}
}

func TestAdminPeriods(t *testing.T) {
	s, fx := newFixtureServer(t)
	get(t, s, tcForm, fx.signIn(t, "editor.tc"))
	fx.addPeriod(t, "DTI-2026", 2026, assessment.PeriodDraft, false)
	resp, body := get(t, s, "/admin/periods", fx.signIn(t, "admin"))
	if resp.StatusCode != 200 {
		t.Fatalf("admin periods: %d", resp.StatusCode)
	}
	for _, want := range []string{"DTI-2025", "DTI-2026", "Đang mở", "Đang chuẩn bị", "0/1"} {
		if !strings.Contains(body, want) {
			t.Errorf("the period list lacks %q", want)
		}
	}
}
