package sqlite_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/dti-platform/dti/assessment"
)

func TestFindLatestReviews(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	rev := f.reviewer.Actor()
	submit := func(unit *assessment.Unit) *assessment.Submission {
		s, err := f.db.EnsureSubmission(ctx, admin, f.period.ID, unit.ID)
		if err != nil {
			t.Fatal(err)
		}
		return mustSub(t)(f.db.TransitionSubmission(ctx, admin, assessment.Transition{SubmissionID: s.ID, Version: s.Version, To: assessment.SubmissionSubmitted}))
	}
	decide := func(r assessment.Review) {
		t.Helper()
		if err := f.db.SaveReview(ctx, rev, &r, nil); err != nil {
			t.Fatalf("SaveReview %s: %v", r.Indicator, err)
		}
	}
	s1, s2, s3 := submit(f.so1), submit(f.so2), submit(f.dist)
	// s1: three decisions in round 1, one of them changed in round 2.
	decide(assessment.Review{SubmissionID: s1.ID, Indicator: "A", Decision: assessment.DecisionAccept})
	decide(assessment.Review{SubmissionID: s1.ID, Indicator: "B", Decision: assessment.DecisionAdjustValue, Reason: "sai",
		AdjustedValues: []assessment.AdjustedValue{{Input: "x", Text: "3", Num: fp(3)}, {Input: "y", Text: "có"}}})
	decide(assessment.Review{SubmissionID: s1.ID, Indicator: "C", Decision: assessment.DecisionAdjustScore, Reason: "thiếu", AdjustedPoints: fp(2.5)})
	s1 = mustSub(t)(f.db.TransitionSubmission(ctx, rev, assessment.Transition{SubmissionID: s1.ID, Version: s1.Version, To: assessment.SubmissionReturned, Comment: "x"}))
	s1 = mustSub(t)(f.db.TransitionSubmission(ctx, admin, assessment.Transition{SubmissionID: s1.ID, Version: s1.Version, To: assessment.SubmissionResubmitted}))
	decide(assessment.Review{SubmissionID: s1.ID, Indicator: "B", Decision: assessment.DecisionAdjustValue, Reason: "vẫn sai",
		AdjustedValues: []assessment.AdjustedValue{{Input: "x", Text: "4", Num: fp(4)}}})
	// s2: one decision; s3: none.
	decide(assessment.Review{SubmissionID: s2.ID, Indicator: "A", Decision: assessment.DecisionRequestEvidence, Comment: "bổ sung"})

	got, err := f.db.FindLatestReviews(ctx, []int64{s1.ID, s2.ID, s3.ID, 9999})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []*assessment.Submission{s1, s2} {
		all, err := f.db.FindReviews(ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := assessment.LatestReviews(all)
		if !reflect.DeepEqual(got[s.ID], want) {
			t.Errorf("submission %d: latest = %v; want %v", s.ID, got[s.ID], want)
		}
	}
	if b := got[s1.ID]["B"]; b == nil || b.Round != 2 || len(b.AdjustedValues) != 1 || b.AdjustedValues[0].Text != "4" {
		t.Errorf("s1 B = %+v; want the round-2 adjustment", b)
	}
	if a := got[s1.ID]["A"]; a == nil || a.Round != 1 {
		t.Errorf("s1 A = %+v; want the round-1 decision kept", a)
	}
	if _, ok := got[s3.ID]; ok {
		t.Error("a submission without decisions is in the map")
	}
	if len(got) != 2 {
		t.Errorf("%d submissions in the map; want 2", len(got))
	}
	if empty, err := f.db.FindLatestReviews(ctx, nil); err != nil || len(empty) != 0 {
		t.Errorf("no submissions: %v, %v", empty, err)
	}
}
