package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/net/html"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/reports"
)

// sheetText returns every cell of the first sheet, tab-separated by row.
func sheetText(t *testing.T, body string) string {
	t.Helper()
	f, err := excelize.OpenReader(strings.NewReader(body))
	if err != nil {
		t.Fatalf("not a workbook: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, "\t"))
		b.WriteByte('\n')
	}
	return b.String()
}

func TestScorecard_WithReviewReasonsAndEvidence(t *testing.T) {
	s, fx := newFixtureServer(t)
	fx.ix = profileIndex(t)
	ctx := context.Background()
	sys := assessment.SystemActor
	fx.scoredPeriod(t, s, "RES-2025", 2025, false, map[string]unitValues{
		"SO-TC": {"NT.01/has_board": "có", "NT.02/meetings": "4", "NT.03/online": "80", "HD.01/chair": "head", "HD.02/dvc": "12"},
		"SO-YT": {"NT.01/has_board": "có", "NT.02/meetings": "2", "NT.03/online": "40", "HD.01/chair": "deputy", "HD.02/dvc": "6"},
	}, func(p *assessment.Period, subs map[string]*assessment.Submission) {
		sub := subs["SO-TC"]
		if err := fx.store.AddEvidence(ctx, sys, &assessment.Evidence{SubmissionID: sub.ID, Indicator: "NT.01",
			Kind: assessment.EvidenceLink, URL: "https://so-tc.example.gov.vn/qd-123"}, nil); err != nil {
			t.Fatal(err)
		}
		sub, err := fx.store.TransitionSubmission(ctx, sys, assessment.Transition{SubmissionID: sub.ID, Version: sub.Version, To: assessment.SubmissionSubmitted})
		if err != nil {
			t.Fatal(err)
		}
		two := 2.0
		if err := fx.store.SaveReview(ctx, fx.users["reviewer"].Actor(), &assessment.Review{SubmissionID: sub.ID, Indicator: "NT.02",
			Decision: assessment.DecisionAdjustValue, AdjustedValues: []assessment.AdjustedValue{{Input: "meetings", Text: "2", Num: &two}},
			Reason: "Biên bản chỉ có 2 cuộc họp"}, nil); err != nil {
			t.Fatal(err)
		}
		ten := 10.0
		if err := fx.store.SaveReview(ctx, fx.users["reviewer"].Actor(), &assessment.Review{SubmissionID: sub.ID, Indicator: "HD.01",
			Decision: assessment.DecisionAdjustScore, AdjustedPoints: &ten, Reason: "Trưởng ban chưa được bổ nhiệm"}, nil); err != nil {
			t.Fatal(err)
		}
	})
	const path = "/results/RES-2025/units/SO-TC/scorecard.xlsx"
	for _, user := range []string{"editor.tc", "approver.tc", "reviewer", "admin"} {
		resp, body := get(t, s, path, fx.signIn(t, user))
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != reports.ContentTypeXLSX {
			t.Fatalf("scorecard as %s: %d", user, resp.StatusCode)
		}
		if user != "editor.tc" {
			continue
		}
		if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, `filename="Phieu-diem-RES-2025-SO-TC.xlsx"`) {
			t.Errorf("Content-Disposition = %q", cd)
		}
		txt := sheetText(t, body)
		for _, want := range []string{"Sở Tài chính", "Biên bản chỉ có 2 cuộc họp", "Người dùng reviewer", "https://so-tc.example.gov.vn/qd-123"} {
			if !strings.Contains(txt, want) {
				t.Errorf("the scorecard lacks %q", want)
			}
		}
	}
	// Self 4 meetings (10 points), appraised and final 2 (5 points).
	txt := func() string { _, b := get(t, s, path, fx.signIn(t, "admin")); return sheetText(t, b) }()
	var nt02 string
	for _, line := range strings.Split(txt, "\n") {
		if strings.HasPrefix(line, "NT.02\t") {
			nt02 = line
		}
	}
	// Columns: max, self, appraised, final, decision, reason.
	if !strings.Contains(nt02, "\t10.00\t10.00\t5.00\t5.00\tĐiều chỉnh giá trị\tBiên bản chỉ có 2 cuộc họp") {
		t.Errorf("NT.02 row = %q; want max 10, self 10, appraised 5, final 5 with the reason", nt02)
	}
	for user, want := range map[string]int{"viewer": 403, "editor.yt": 403, "approver.yt": 403} {
		if resp, _ := get(t, s, path, fx.signIn(t, user)); resp.StatusCode != want {
			t.Errorf("scorecard as %s: %d; want %d", user, resp.StatusCode, want)
		}
	}
	if resp, _ := get(t, s, path); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login?next=") {
		t.Errorf("scorecard as a visitor: %d to %q; want 303 to sign in", resp.StatusCode, resp.Header.Get("Location"))
	}
	// The profile offers it to the unit, not to a viewer; its
	// explanations show the appraisal's corrections.
	_, body := get(t, s, "/results/RES-2025/units/SO-TC", fx.signIn(t, "editor.tc"))
	if !strings.Contains(body, path) {
		t.Error("the unit's profile does not offer its scorecard")
	}
	expl := findAll(parseHTML(t, body), byAttr("details", "class", "explanation"))
	if len(expl) != 5 {
		t.Fatalf("%d explanations; want 5", len(expl))
	}
	if got := text(expl[1]); !strings.Contains(got, "NT.02") || !strings.Contains(got, "Số cuộc họp: 2") || !strings.Contains(got, "5,00 / 10,00") {
		t.Errorf("NT.02 explanation = %q; want the appraised 2 meetings, 5 points", got)
	}
	if got := text(expl[3]); !strings.Contains(got, "HD.01") || !strings.Contains(got, "10,00 / 30,00") || !strings.Contains(got, "Điểm do Hội đồng thẩm định quyết định") {
		t.Errorf("HD.01 explanation = %q; want the council's 10 points", got)
	}
	_, body = get(t, s, "/results/RES-2025/units/SO-TC", fx.signIn(t, "viewer"))
	if strings.Contains(body, path) {
		t.Error("a viewer is offered the scorecard")
	}
	// The form page of the published period links the results.
	_, body = get(t, s, "/periods/RES-2025/units/SO-TC/form", fx.signIn(t, "editor.tc"))
	doc := parseHTML(t, body)
	if len(findAll(doc, byAttr("a", "href", path))) != 1 {
		t.Error("the form page of a published period does not offer the scorecard")
	}
}

func TestRawData(t *testing.T) {
	s, fx := resultsServer(t)
	admin := fx.signIn(t, "admin")
	resp, body := get(t, s, "/admin/periods/RES-2025/rawdata.csv", admin)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != reports.ContentTypeCSV {
		t.Fatalf("raw CSV: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if !strings.HasPrefix(body, "\ufeff") || !strings.Contains(body, "NT.02/meetings") || !strings.Contains(body, "SO-TC") {
		t.Errorf("raw CSV = %.300q", body)
	}
	resp, body = get(t, s, "/admin/periods/RES-2025/rawdata.xlsx", admin)
	if resp.StatusCode != 200 || !strings.HasPrefix(body, "PK") {
		t.Fatalf("raw workbook: %d", resp.StatusCode)
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, "filename*=UTF-8''D%E1%BB%AF%20li%E1%BB%87u%20th%C3%B4%20RES-2025.xlsx") {
		t.Errorf("Content-Disposition = %q", cd)
	}
	entries, _, err := fx.store.FindAudit(context.Background(), assessment.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	exports := 0
	for _, e := range entries {
		if e.Action == "period.export_raw" {
			exports++
		}
	}
	if exports != 2 {
		t.Errorf("%d raw exports in the audit log; want 2", exports)
	}
	for user, want := range map[string]int{"reviewer": 403, "viewer": 403, "editor.tc": 403} {
		if resp, _ := get(t, s, "/admin/periods/RES-2025/rawdata.csv", fx.signIn(t, user)); resp.StatusCode != want {
			t.Errorf("raw data as %s: %d; want %d", user, resp.StatusCode, want)
		}
	}
	// The admin's period list links it.
	_, body = get(t, s, "/admin/periods", admin)
	if !strings.Contains(body, "/admin/periods/RES-2025/rawdata.xlsx") {
		t.Error("the period list does not link the raw data")
	}
}

func TestCharts(t *testing.T) {
	s, fx := resultsServer(t)
	tests := []struct {
		kind     string
		charts   int
		download string
	}{
		{"ranking", 2, "/results/RES-2025/charts/ranking/download?block=SO"},
		{"heatmap", 2, "/results/RES-2025/charts/heatmap/download?block=HUYEN"},
		{"distribution", 2, "/results/RES-2025/charts/distribution/download?shape=boxplot"},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			resp, body := get(t, s, "/results/RES-2025/charts/"+tt.kind)
			if resp.StatusCode != 200 {
				t.Fatalf("chart page: %d", resp.StatusCode)
			}
			doc := parseHTML(t, body)
			if n := len(findAll(doc, byAttr("div", "class", "chart"))); n != tt.charts {
				t.Errorf("%d charts; want %d", n, tt.charts)
			}
			if n := len(findAll(doc, byAttr("details", "class", "chart-table"))); n != tt.charts {
				t.Errorf("%d data tables; want %d", n, tt.charts)
			}
			if len(findAll(doc, byAttr("a", "href", tt.download))) != 1 {
				t.Errorf("no download link %s", tt.download)
			}
			if n := len(findAll(doc, func(n *html.Node) bool {
				return n.Data == "script" && strings.HasPrefix(attrOr(n, "src"), "/static/charts/")
			})); n == 0 {
				t.Error("the chart scripts are not loaded")
			}
			resp, file := get(t, s, tt.download)
			if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
				t.Fatalf("download: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, "filename*=UTF-8''") {
				t.Errorf("Content-Disposition = %q", cd)
			}
			if !strings.HasPrefix(file, "<!DOCTYPE html>") || !strings.Contains(file, "Content-Security-Policy") {
				t.Errorf("the download is not a standalone chart file: %.200q", file)
			}
		})
	}
	for path, want := range map[string]int{
		"/results/RES-2025/charts/nope":                      404,
		"/results/RES-2025/charts/ranking/download?block=XX": 404,
		"/results/NOIBO-2025/charts/heatmap":                 404,
		"/results/NOIBO-2025/units/SO-TC/radar.html":         404,
		"/results/RES-2025/units/SO-TC/radar.html":           200,
		"/results/RES-2025/units/SO-TC/trend.html":           200,
		"/results/RES-2024/units/SO-TC/trend.html":           200,
	} {
		if resp, _ := get(t, s, path); resp.StatusCode != want {
			t.Errorf("visitor GET %s: %d; want %d", path, resp.StatusCode, want)
		}
	}
	if resp, _ := get(t, s, "/results/NOIBO-2025/charts/heatmap", fx.signIn(t, "viewer")); resp.StatusCode != 200 {
		t.Errorf("viewer on a private period's charts: %d; want 200", resp.StatusCode)
	}
	// The ranking page links the charts and every unit's profile.
	_, body := get(t, s, "/results/RES-2025")
	doc := parseHTML(t, body)
	if len(findAll(doc, byAttr("a", "href", "/results/RES-2025/charts/ranking"))) != 1 {
		t.Error("the ranking page does not link the charts")
	}
	if len(findAll(doc, byAttr("a", "href", "/results/RES-2025/units/H-A"))) != 1 {
		t.Error("the ranking page does not link the profiles")
	}
}

func TestHistory(t *testing.T) {
	s, fx := resultsServer(t)
	resp, body := get(t, s, "/units/SO-TC/history", fx.signIn(t, "editor.tc"))
	if resp.StatusCode != 200 {
		t.Fatalf("history: %d", resp.StatusCode)
	}
	doc := parseHTML(t, body)
	table := findAll(doc, byAttr("table", "class", "data"))[0]
	rows := findAll(table, func(n *html.Node) bool { return n.Data == "tr" && n.Parent.Data == "tbody" })
	var periods []string
	for _, r := range rows {
		periods = append(periods, text(findAll(r, func(n *html.Node) bool { return n.Data == "a" })[0]))
	}
	// Newest first; the 2025 periods by code.
	if got := strings.Join(periods, " | "); got != "Đánh giá DTI RES-2025 | Đánh giá DTI NOIBO-2025 | Đánh giá DTI RES-2024" {
		t.Errorf("periods = %s", got)
	}
	if got := text(rows[2]); !strings.Contains(got, "2024") || !strings.Contains(got, "Khối sở") {
		t.Errorf("2024 row = %q", got)
	}
	// Both 2025 periods compare with 2024 (52,50 points, rank 2).
	for _, r := range rows[:2] {
		if got := text(r); !strings.HasSuffix(got, "+47,50 +1") {
			t.Errorf("2025 row = %q; want the change since 2024", got)
		}
	}
	if len(findAll(doc, byAttr("div", "id", "chart-trend-so-tc"))) != 1 {
		t.Error("no trend chart")
	}
	for user, want := range map[string]int{"viewer": 200, "admin": 200, "reviewer": 200, "approver.tc": 200, "editor.yt": 403} {
		if resp, _ := get(t, s, "/units/SO-TC/history", fx.signIn(t, user)); resp.StatusCode != want {
			t.Errorf("history as %s: %d; want %d", user, resp.StatusCode, want)
		}
	}
	if resp, _ := get(t, s, "/units/SO-TC/history"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("history as a visitor: %d; want 303 to sign in", resp.StatusCode)
	}
	// The unit's dashboard links it.
	_, body = get(t, s, "/", fx.signIn(t, "editor.tc"))
	if !strings.Contains(body, `href="/units/SO-TC/history"`) {
		t.Error("the dashboard does not link the unit's history")
	}
}

func TestPreviewWorkbook(t *testing.T) {
	s, fx := newFixtureServer(t)
	admin := fx.signIn(t, "admin")
	_, page := get(t, s, "/admin/periods/DTI-2025/preview", admin)
	if !strings.Contains(page, `href="/admin/periods/DTI-2025/preview.xlsx"`) {
		t.Error("the preview page does not offer its workbook")
	}
	resp, body := get(t, s, "/admin/periods/DTI-2025/preview.xlsx", admin)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != reports.ContentTypeXLSX {
		t.Fatalf("preview workbook: %d", resp.StatusCode)
	}
	f, err := excelize.OpenReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if sheets := strings.Join(f.GetSheetList(), "|"); !strings.Contains(sheets, "Ma trận điểm") {
		t.Errorf("sheets = %s; want the unit × indicator matrix", sheets)
	}
	for user, want := range map[string]int{"reviewer": 403, "viewer": 403, "editor.tc": 403} {
		if resp, _ := get(t, s, "/admin/periods/DTI-2025/preview.xlsx", fx.signIn(t, user)); resp.StatusCode != want {
			t.Errorf("preview workbook as %s: %d; want %d", user, resp.StatusCode, want)
		}
	}
}

func TestHasGroupAt(t *testing.T) {
	ix := profileIndex(t)
	for depth, want := range map[int]bool{0: true, 1: true, 2: false} {
		if got := hasGroupAt(ix.Nodes, depth); got != want {
			t.Errorf("hasGroupAt(profile index, %d) = %v; want %v", depth, got, want)
		}
	}
	// The web test index: NT holds indicators only.
	ix = testIndex()
	if hasGroupAt(ix.Nodes, 1) || !hasGroupAt(ix.Nodes, 0) {
		t.Error("hasGroupAt(test index) is wrong")
	}
}
