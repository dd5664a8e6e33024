package sqlite_test

import (
	"context"
	"fmt"
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

// BenchmarkFindLatestReviews reads the latest decisions of 500 submitted
// forms with 10 decisions each: in one query, and form by form as the
// review queue used to.
func BenchmarkFindLatestReviews(b *testing.B) {
	f := newFixture(b)
	ctx := context.Background()
	const forms, decisions = 500, 10
	ids := make([]int64, 0, forms)
	for i := range forms {
		u := &assessment.Unit{Code: fmt.Sprintf("X-%03d", i), NameVI: fmt.Sprintf("Xã %03d", i), Type: "commune", ParentID: f.dist.ID, Active: true}
		if err := f.db.CreateUnit(ctx, admin, u); err != nil {
			b.Fatal(err)
		}
		s, err := f.db.EnsureSubmission(ctx, admin, f.period.ID, u.ID)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := f.db.TransitionSubmission(ctx, admin, assessment.Transition{SubmissionID: s.ID, Version: s.Version, To: assessment.SubmissionSubmitted}); err != nil {
			b.Fatal(err)
		}
		for d := range decisions {
			r := &assessment.Review{SubmissionID: s.ID, Indicator: fmt.Sprintf("IND.%02d", d), Decision: assessment.DecisionAccept}
			if err := f.db.SaveReview(ctx, admin, r, nil); err != nil {
				b.Fatal(err)
			}
		}
		ids = append(ids, s.ID)
	}
	b.Run("one-query", func(b *testing.B) {
		for b.Loop() {
			got, err := f.db.FindLatestReviews(ctx, ids)
			if err != nil || len(got) != forms {
				b.Fatalf("FindLatestReviews: %d, %v", len(got), err)
			}
		}
	})
	b.Run("per-form", func(b *testing.B) {
		for b.Loop() {
			for _, id := range ids {
				all, err := f.db.FindReviews(ctx, id)
				if err != nil || len(assessment.LatestReviews(all)) != decisions {
					b.Fatalf("FindReviews: %v", err)
				}
			}
		}
	})
}
