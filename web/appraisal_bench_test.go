package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/scoring"
)

// BenchmarkAppraisalPage renders the appraisal page of a submitted form
// with decisions (two engine runs with explanations, the evidence, the
// reviews and the workflow rule per indicator).
func BenchmarkAppraisalPage(b *testing.B) {
	s, fx := newFixtureServer(b)
	ctx := context.Background()
	ap := fx.users["approver.tc"].Actor()
	sub, err := fx.store.EnsureSubmission(ctx, ap, fx.period.ID, fx.units["SO-TC"].ID)
	if err != nil {
		b.Fatal(err)
	}
	changes, err := assessment.FormChanges(fx.ix, "department", map[scoring.InputKey]string{
		{Indicator: "NT.01", Input: "has_board"}: "1", {Indicator: "NT.02", Input: "meetings"}: "2",
		{Indicator: "NT.03", Input: "online"}: "75", {Indicator: "NT.04", Input: "chair"}: "head",
		{Indicator: "NT.06", Input: "plan_date"}: "2025-03-01",
	})
	if err != nil {
		b.Fatal(err)
	}
	if sub, err = fx.store.SaveValues(ctx, ap, assessment.ValueSave{SubmissionID: sub.ID, Version: sub.Version, Changes: changes}); err != nil {
		b.Fatal(err)
	}
	if err := fx.store.AddEvidence(ctx, ap, &assessment.Evidence{SubmissionID: sub.ID, Indicator: "NT.01",
		Kind: assessment.EvidenceExplanation, Text: "Đang trình ký"}, nil); err != nil {
		b.Fatal(err)
	}
	if sub, err = fx.store.FindSubmissionByID(ctx, sub.ID); err != nil {
		b.Fatal(err)
	}
	if _, err := fx.store.TransitionSubmission(ctx, ap, assessment.Transition{SubmissionID: sub.ID, Version: sub.Version, To: assessment.SubmissionSubmitted}); err != nil {
		b.Fatal(err)
	}
	rv := fx.users["reviewer"].Actor()
	pts := 2.5
	for _, r := range []*assessment.Review{
		{SubmissionID: sub.ID, Indicator: "NT.02", Decision: assessment.DecisionAdjustScore, AdjustedPoints: &pts, Reason: "Biên bản"},
		{SubmissionID: sub.ID, Indicator: "NT.01", Decision: assessment.DecisionRequestEvidence, Comment: "Gửi quyết định"},
		{SubmissionID: sub.ID, Indicator: "NT.04", Decision: assessment.DecisionAccept},
	} {
		if err := fx.store.SaveReview(ctx, rv, r, nil); err != nil {
			b.Fatal(err)
		}
	}
	ck := fx.signIn(b, "reviewer")
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, tcReview, nil)
		req.AddCookie(ck)
		resp, err := s.App().Test(req, -1)
		if err != nil {
			b.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("GET %s: %d", tcReview, resp.StatusCode)
		}
		resp.Body.Close()
	}
}
