package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/dti-platform/dti/assessment"
)

// fillAndSubmit fills SO-TC's required inputs, gives NT.01 its evidence
// and submits the form as its approver.
func fillAndSubmit(t *testing.T, s *Server, fx *fixture) {
	t.Helper()
	ck := fx.signIn(t, "approver.tc")
	get(t, s, tcForm, ck)
	sub := fx.submission(t, "SO-TC")
	if st, out := saveJSON(t, s, ck, "csrf-approver.tc", tcForm+"/values", sub.Version, map[string]any{
		"v|NT.01|has_board": "1", "v|NT.02|meetings": "2", "v|NT.03|online": "75",
		"v|NT.04|chair": "head", "v|NT.06|plan_date": "2025-03-01",
	}); st != 200 {
		t.Fatalf("save: %d %v", st, out)
	}
	err := fx.store.AddEvidence(context.Background(), fx.users["approver.tc"].Actor(), &assessment.Evidence{
		SubmissionID: sub.ID, Indicator: "NT.01", Kind: assessment.EvidenceExplanation, Text: "Đang trình ký quyết định",
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, _ := postForm(t, s, tcForm+"/submit", url.Values{"_csrf": {"csrf-approver.tc"}, "version": {jsonNum(fx.submission(t, "SO-TC").Version)}}, ck)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d", resp.StatusCode)
	}
}

func TestReviewReturnAndApprove(t *testing.T) {
	s, fx := newFixtureServer(t)
	rv := fx.signIn(t, "reviewer")
	_, queue := get(t, s, "/reviews", rv)
	if !strings.Contains(queue, "Không có biểu mẫu nào chờ thẩm định") {
		t.Error("the queue is not empty before any submission")
	}
	fillAndSubmit(t, s, fx)
	_, queue = get(t, s, "/reviews", rv)
	if !strings.Contains(queue, tcForm) {
		t.Fatal("the submitted form is not in the reviewer's queue")
	}
	if resp, _ := get(t, s, "/reviews", fx.signIn(t, "editor.tc")); resp.StatusCode != 403 {
		t.Errorf("an editor's queue: %d; want 403", resp.StatusCode)
	}
	_, page := get(t, s, tcForm, rv)
	if !strings.Contains(page, tcForm+"/approve") || !strings.Contains(page, tcForm+"/return") {
		t.Fatal("the reviewer is not offered approve and return")
	}
	decide := func(ck *http.Cookie, csrf, action, comment string) int {
		resp, _ := postForm(t, s, tcForm+"/"+action, url.Values{"_csrf": {csrf}, "version": {jsonNum(fx.submission(t, "SO-TC").Version)}, "comment": {comment}}, ck)
		return resp.StatusCode
	}
	if got := decide(fx.signIn(t, "approver.tc"), "csrf-approver.tc", "approve", ""); got != 403 {
		t.Errorf("the unit approves its own form: %d; want 403", got)
	}
	if got := decide(rv, "csrf-reviewer", "return", "  "); got != 422 {
		t.Errorf("return without a comment: %d; want 422", got)
	}
	if got := decide(rv, "csrf-reviewer", "return", "Bổ sung quyết định thành lập"); got != http.StatusSeeOther {
		t.Fatalf("return: %d", got)
	}
	if st := fx.submission(t, "SO-TC").Status; st != assessment.SubmissionReturned {
		t.Fatalf("status %s; want returned", st)
	}
	// Returned: the unit edits and resubmits.
	ed := fx.signIn(t, "editor.tc")
	if st, _ := saveJSON(t, s, ed, "csrf-editor.tc", tcForm+"/values", fx.submission(t, "SO-TC").Version, map[string]any{"v|NT.02|meetings": "4"}); st != 200 {
		t.Fatalf("edit a returned form: %d", st)
	}
	ap := fx.signIn(t, "approver.tc")
	resp, _ := postForm(t, s, tcForm+"/submit", url.Values{"_csrf": {"csrf-approver.tc"}, "version": {jsonNum(fx.submission(t, "SO-TC").Version)}}, ap)
	if resp.StatusCode != http.StatusSeeOther || fx.submission(t, "SO-TC").Status != assessment.SubmissionResubmitted {
		t.Fatalf("resubmit: %d, %s", resp.StatusCode, fx.submission(t, "SO-TC").Status)
	}
	if got := decide(rv, "csrf-reviewer", "approve", ""); got != http.StatusSeeOther {
		t.Fatalf("approve: %d", got)
	}
	if st := fx.submission(t, "SO-TC").Status; st != assessment.SubmissionApproved {
		t.Errorf("status %s; want approved", st)
	}
	if _, page := get(t, s, tcForm, rv); strings.Contains(page, tcForm+"/approve") {
		t.Error("an approved form still offers approve")
	}
}
