package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/dti-platform/dti/assessment"
)

// BenchmarkReviewQueue renders the queue of 500 submitted forms (units,
// reviews and the approve rule per form).
func BenchmarkReviewQueue(b *testing.B) {
	s, fx := newFixtureServer(b)
	ctx := context.Background()
	sys := assessment.SystemActor
	for i := range 500 {
		u := &assessment.Unit{Code: fmt.Sprintf("X-%03d", i), NameVI: fmt.Sprintf("Xã %03d", i), Type: "department", Active: true}
		if err := fx.store.CreateUnit(ctx, sys, u); err != nil {
			b.Fatal(err)
		}
		sub, err := fx.store.EnsureSubmission(ctx, sys, fx.period.ID, u.ID)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := fx.store.TransitionSubmission(ctx, sys, assessment.Transition{SubmissionID: sub.ID, Version: sub.Version, To: assessment.SubmissionSubmitted}); err != nil {
			b.Fatal(err)
		}
	}
	ck := fx.signIn(b, "reviewer")
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, "/reviews", nil)
		req.AddCookie(ck)
		resp, err := s.App().Test(req, -1)
		if err != nil {
			b.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("GET /reviews: %d", resp.StatusCode)
		}
		resp.Body.Close()
	}
}
