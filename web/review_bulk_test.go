package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/dti-platform/dti/assessment"
)

const ytForm = "/periods/DTI-2025/units/SO-YT/form"

// submitYT fills and submits SO-YT's form as its approver.
func submitYT(t *testing.T, s *Server, fx *fixture) {
	t.Helper()
	ck := fx.signIn(t, "approver.yt")
	get(t, s, ytForm, ck)
	sub := fx.submission(t, "SO-YT")
	if st, out := saveJSON(t, s, ck, "csrf-approver.yt", ytForm+"/values", sub.Version, map[string]any{
		"v|NT.01|has_board": "0", "v|NT.02|meetings": "1", "v|NT.03|online": "40",
		"v|NT.04|chair": "deputy", "v|NT.06|plan_date": "2025-05-01",
	}); st != 200 {
		t.Fatalf("save SO-YT: %d %v", st, out)
	}
	err := fx.store.AddEvidence(context.Background(), fx.users["approver.yt"].Actor(), &assessment.Evidence{
		SubmissionID: sub.ID, Indicator: "NT.01", Kind: assessment.EvidenceExplanation, Text: "Chưa thành lập",
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, _ := postForm(t, s, ytForm+"/submit", url.Values{"_csrf": {"csrf-approver.yt"}, "version": {jsonNum(fx.submission(t, "SO-YT").Version)}}, ck)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit SO-YT: %d", resp.StatusCode)
	}
}

// queueRows returns the unit names of the queue's rows, in order.
func queueRows(t *testing.T, body string) []string {
	t.Helper()
	var out []string
	for _, tr := range findAll(parseHTML(t, body), func(n *html.Node) bool { return n.Data == "tr" && hasAttr(n, "data-unit-row") }) {
		th := findAll(tr, func(n *html.Node) bool { return n.Data == "label" })
		if len(th) == 1 {
			out = append(out, text(th[0]))
		}
	}
	return out
}

// statusCount returns the count shown on the queue's tab of a status.
func statusCount(t *testing.T, body, status string) string {
	t.Helper()
	tabs := findAll(parseHTML(t, body), byAttr("a", "data-status", status))
	if len(tabs) != 1 {
		t.Fatalf("%d tabs for %s", len(tabs), status)
	}
	c := findAll(tabs[0], func(n *html.Node) bool { return n.Data == "span" })
	return text(c[0])
}

func TestReviewQueue_FiltersCountsSort(t *testing.T) {
	s, fx := newFixtureServer(t)
	fillAndSubmit(t, s, fx)
	fx.now = fx.now.Add(30 * time.Minute)
	submitYT(t, s, fx)
	rv := fx.signIn(t, "reviewer")
	// Return SO-YT: one waiting, one returned.
	resp, _ := postForm(t, s, ytForm+"/return", url.Values{"_csrf": {"csrf-reviewer"}, "version": {jsonNum(fx.submission(t, "SO-YT").Version)}, "comment": {"Bổ sung"}}, rv)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("return: %d", resp.StatusCode)
	}
	_, body := get(t, s, "/reviews", rv)
	for st, want := range map[string]string{"waiting": "1", "submitted": "1", "returned": "1", "approved": "0", "all": "2"} {
		if got := statusCount(t, body, st); got != want {
			t.Errorf("count %s = %s; want %s", st, got, want)
		}
	}
	tests := []struct {
		query string
		want  []string
	}{
		{"", []string{"Sở Tài chính"}},
		{"?status=returned", []string{"Sở Y tế"}},
		{"?status=all", []string{"Sở Tài chính", "Sở Y tế"}},
		{"?status=all&sort=new", []string{"Sở Y tế", "Sở Tài chính"}},
		{"?status=all&type=district", nil},
		{"?status=all&type=department&block=SO", []string{"Sở Tài chính", "Sở Y tế"}},
		{"?status=all&block=HUYEN", nil},
		{"?status=all&pillar=KTS", []string{"Sở Tài chính", "Sở Y tế"}},
	}
	for _, tt := range tests {
		_, body := get(t, s, "/reviews"+tt.query, rv)
		if got := queueRows(t, body); strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("/reviews%s rows = %v; want %v", tt.query, got, tt.want)
		}
	}
	// Once NT.05 (the only KTS indicator) is decided on SO-TC, the KTS
	// filter leaves it out.
	if resp, _ := decideForm(t, s, rv, "csrf-reviewer", url.Values{"indicator": {"NT.05"}, "decision": {"accept"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept NT.05: %d", resp.StatusCode)
	}
	_, body = get(t, s, "/reviews?status=all&pillar=KTS", rv)
	if got := queueRows(t, body); strings.Join(got, "|") != "Sở Y tế" {
		t.Errorf("KTS filter after deciding NT.05 = %v; want only Sở Y tế", got)
	}
	// The admin sees the same forms; the English page translates the
	// statuses.
	_, body = get(t, s, "/reviews?status=all", fx.signIn(t, "admin"))
	if got := queueRows(t, body); len(got) != 2 {
		t.Errorf("admin's queue = %v", got)
	}
}

func TestReviewQueue_BulkApprove(t *testing.T) {
	s, fx := newFixtureServer(t)
	fillAndSubmit(t, s, fx)
	submitYT(t, s, fx)
	addPillarReviewer(t, fx)
	rv := fx.signIn(t, "reviewer")
	tc, yt := fx.submission(t, "SO-TC"), fx.submission(t, "SO-YT")

	// The queue offers a checkbox per form the user may approve.
	_, body := get(t, s, "/reviews", rv)
	if n := len(findAll(parseHTML(t, body), byAttr("input", "name", "sub"))); n != 2 {
		t.Fatalf("%d checkboxes; want 2", n)
	}
	// A reviewer scoped to a pillar approves nothing: no checkbox.
	_, body = get(t, s, "/reviews", fx.signIn(t, "reviewer.kts"))
	if n := len(findAll(parseHTML(t, body), byAttr("input", "name", "sub"))); n != 0 {
		t.Errorf("the pillar reviewer gets %d checkboxes; want 0", n)
	}

	// SO-TC at its current version; SO-YT at a stale one.
	f := url.Values{"_csrf": {"csrf-reviewer"}, "sub": {jsonNum(tc.ID) + ":" + jsonNum(tc.Version), jsonNum(yt.ID) + ":" + jsonNum(yt.Version-1)}}
	resp, _ := postForm(t, s, "/reviews/approve", f, rv)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/reviews" {
		t.Fatalf("bulk approve: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if st := fx.submission(t, "SO-TC").Status; st != assessment.SubmissionApproved {
		t.Errorf("SO-TC is %s; want approved", st)
	}
	if st := fx.submission(t, "SO-YT").Status; st != assessment.SubmissionSubmitted {
		t.Errorf("SO-YT is %s; want still submitted", st)
	}
	var outcome *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == cookieBulk {
			outcome = c
		}
	}
	if outcome == nil {
		t.Fatal("no outcome of the bulk approval")
	}
	_, body = get(t, s, "/reviews", rv, outcome)
	doc := parseHTML(t, body)
	sec := findAll(doc, byAttr("section", "aria-labelledby", "bulk-h"))
	if len(sec) != 1 {
		t.Fatal("the queue does not show the outcome")
	}
	got := text(sec[0])
	for _, want := range []string{"Đã duyệt 1 biểu mẫu", "Sở Tài chính", "1 biểu mẫu không duyệt được", "Sở Y tế", "đã thay đổi sau khi tải danh sách"} {
		if !strings.Contains(got, want) {
			t.Errorf("outcome %q lacks %q", got, want)
		}
	}

	// Approving again: SO-TC is approved already, the reason says so; a
	// pillar reviewer is refused on SO-YT with the workflow's reason.
	tc = fx.submission(t, "SO-TC")
	resp, _ = postForm(t, s, "/reviews/approve", url.Values{"_csrf": {"csrf-reviewer"}, "sub": {jsonNum(tc.ID) + ":" + jsonNum(tc.Version)}}, rv)
	for _, c := range resp.Cookies() {
		if c.Name == cookieBulk {
			outcome = c
		}
	}
	_, body = get(t, s, "/reviews", rv, outcome)
	if got := text(findAll(parseHTML(t, body), byAttr("section", "aria-labelledby", "bulk-h"))[0]); !strings.Contains(got, "Sở Tài chính") || strings.Contains(got, "Đã duyệt 1") {
		t.Errorf("second approval outcome %q; want SO-TC refused", got)
	}
	yt = fx.submission(t, "SO-YT")
	resp, _ = postForm(t, s, "/reviews/approve", url.Values{"_csrf": {"csrf-reviewer.kts"}, "sub": {jsonNum(yt.ID) + ":" + jsonNum(yt.Version)}}, fx.signIn(t, "reviewer.kts"))
	if resp.StatusCode != http.StatusSeeOther || fx.submission(t, "SO-YT").Status != assessment.SubmissionSubmitted {
		t.Errorf("pillar reviewer bulk approve: %d, SO-YT %s; want refused", resp.StatusCode, fx.submission(t, "SO-YT").Status)
	}

	// A forged outcome naming forms the user does not appraise shows
	// nothing of them; bad input is refused and changes nothing.
	_, body = get(t, s, "/reviews", fx.signIn(t, "reviewer.kts"), &http.Cookie{Name: cookieBulk, Value: "a=999999.abc|r="})
	if len(findAll(parseHTML(t, body), byAttr("section", "aria-labelledby", "bulk-h"))) != 0 {
		t.Error("a forged outcome is shown")
	}
	for _, bad := range []string{"x", "1", "1:-2", "-1:1"} {
		resp, _ := postForm(t, s, "/reviews/approve", url.Values{"_csrf": {"csrf-reviewer"}, "sub": {bad}}, rv)
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("sub=%q: %d; want 400", bad, resp.StatusCode)
		}
	}
	if resp, _ := postForm(t, s, "/reviews/approve", url.Values{"sub": {"1:1"}}, rv); resp.StatusCode != http.StatusForbidden {
		t.Errorf("without CSRF: %d; want 403", resp.StatusCode)
	}
}

func TestAppraisal_ChangesSinceReturn(t *testing.T) {
	s, fx := newFixtureServer(t)
	fillAndSubmit(t, s, fx)
	rv := fx.signIn(t, "reviewer")
	// First submission: no summary of changes.
	_, body := get(t, s, tcReview, rv)
	if strings.Contains(body, "changes-h") {
		t.Error("a first submission shows changes")
	}
	resp, _ := postForm(t, s, tcForm+"/return", url.Values{"_csrf": {"csrf-reviewer"}, "version": {jsonNum(fx.submission(t, "SO-TC").Version)}, "comment": {"Bổ sung"}}, rv)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("return: %d", resp.StatusCode)
	}
	ap := fx.signIn(t, "approver.tc")
	// NT.02 changes; NT.03 changes and changes back; NT.04 gets evidence.
	for _, vals := range []map[string]any{{"v|NT.02|meetings": "4", "v|NT.03|online": "80"}, {"v|NT.03|online": "75"}} {
		if st, out := saveJSON(t, s, ap, "csrf-approver.tc", tcForm+"/values", fx.submission(t, "SO-TC").Version, vals); st != 200 {
			t.Fatalf("save: %d %v", st, out)
		}
	}
	if err := fx.store.AddEvidence(context.Background(), fx.users["approver.tc"].Actor(), &assessment.Evidence{
		SubmissionID: fx.submission(t, "SO-TC").ID, Indicator: "NT.04", Kind: assessment.EvidenceLink, URL: "https://example.org/qd",
	}, nil); err != nil {
		t.Fatal(err)
	}
	resp, _ = postForm(t, s, tcForm+"/submit", url.Values{"_csrf": {"csrf-approver.tc"}, "version": {jsonNum(fx.submission(t, "SO-TC").Version)}}, ap)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("resubmit: %d", resp.StatusCode)
	}
	_, body = get(t, s, tcReview, rv)
	doc := parseHTML(t, body)
	sum := findAll(doc, byAttr("section", "aria-labelledby", "changes-h"))
	if len(sum) != 1 {
		t.Fatal("no summary of changes on a resubmitted form")
	}
	items := findAll(sum[0], func(n *html.Node) bool { return n.Data == "li" })
	var got []string
	for _, li := range items {
		got = append(got, text(li))
	}
	want := []string{"NT.02 · Số cuộc họp — 1 giá trị thay đổi", "NT.04 · Người đứng đầu — 1 tài liệu kiểm chứng thêm hoặc bỏ"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("changes = %q; want %q", got, want)
	}
	for code, kind := range map[string]string{"NT.02": "values", "NT.04": "evidence"} {
		if len(findAll(indicatorNode(t, body, code), byAttr("span", "data-changed", kind))) != 1 {
			t.Errorf("%s is not highlighted as changed (%s)", code, kind)
		}
	}
	changed := findAll(indicatorNode(t, body, "NT.02"), byAttr("div", "data-changed-input", ""))
	if len(changed) != 1 || !strings.Contains(text(changed[0]), "Số cuộc họp") || !strings.Contains(text(changed[0]), "4") ||
		!strings.Contains(text(changed[0]), "trước khi trả lại: 2") {
		t.Errorf("NT.02's changed value = %v; want 4, before the return 2", changed)
	}
	if len(findAll(indicatorNode(t, body, "NT.03"), byAttr("span", "data-changed", "values"))) != 0 {
		t.Error("NT.03, changed and changed back, is highlighted")
	}
}
