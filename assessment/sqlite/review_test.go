package sqlite_test

import (
	"context"
	"testing"

	"github.com/dti-platform/dti/assessment"
)

func TestSaveReview(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	s, err := f.db.TransitionSubmission(ctx, f.editorActor(), assessment.Transition{SubmissionID: f.sub.ID, Version: f.sub.Version, To: assessment.SubmissionSubmitted})
	if err != nil {
		t.Fatal(err)
	}
	rev := f.reviewer.Actor()
	tests := []struct {
		name  string
		r     assessment.Review
		check func(*assessment.Period, *assessment.Unit, *assessment.Submission) error
		want  error
	}{
		{"accept", assessment.Review{Indicator: "A", Decision: assessment.DecisionAccept}, nil, nil},
		{"adjust value", assessment.Review{Indicator: "B", Decision: assessment.DecisionAdjustValue, Reason: "sai số liệu",
			AdjustedValues: []assessment.AdjustedValue{{Input: "x", Text: "3", Num: fp(3)}}}, nil, nil},
		{"adjust score", assessment.Review{Indicator: "C", Decision: assessment.DecisionAdjustScore, Reason: "thiếu", AdjustedPoints: fp(2.5)}, nil, nil},
		{"adjust without reason", assessment.Review{Indicator: "C", Decision: assessment.DecisionAdjustScore, AdjustedPoints: fp(1)}, nil, assessment.ErrInvalid},
		{"negative points", assessment.Review{Indicator: "C", Decision: assessment.DecisionAdjustScore, Reason: "x", AdjustedPoints: fp(-1)}, nil, assessment.ErrInvalid},
		{"values on accept", assessment.Review{Indicator: "A", Decision: assessment.DecisionAccept,
			AdjustedValues: []assessment.AdjustedValue{{Input: "x", Text: "1"}}}, nil, assessment.ErrInvalid},
		{"request evidence needs comment", assessment.Review{Indicator: "D", Decision: assessment.DecisionRequestEvidence}, nil, assessment.ErrInvalid},
		{"unknown decision", assessment.Review{Indicator: "D", Decision: "maybe"}, nil, assessment.ErrInvalid},
		{"check refuses (pillar scope)", assessment.Review{Indicator: "E", Decision: assessment.DecisionAccept},
			func(*assessment.Period, *assessment.Unit, *assessment.Submission) error {
				return assessment.NewError(assessment.ErrForbidden, "review.pillar", "ngoài trụ cột", "outside your pillars")
			}, assessment.ErrForbidden},
		{"unknown submission", assessment.Review{SubmissionID: 999, Indicator: "A", Decision: assessment.DecisionAccept}, nil, assessment.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.r
			if r.SubmissionID == 0 {
				r.SubmissionID = s.ID
			}
			if err := f.db.SaveReview(ctx, rev, &r, tt.check); !isErr(err, tt.want) {
				t.Fatalf("SaveReview = %v; want %v", err, tt.want)
			}
		})
	}
	// Deciding again in the same round replaces the decision.
	again := assessment.Review{SubmissionID: s.ID, Indicator: "B", Decision: assessment.DecisionAccept}
	if err := f.db.SaveReview(ctx, rev, &again, nil); err != nil {
		t.Fatal(err)
	}
	got, err := f.db.FindReviews(ctx, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("FindReviews = %d; want 3 (A, B, C)", len(got))
	}
	if got[1].Indicator != "B" || got[1].Decision != assessment.DecisionAccept || len(got[1].AdjustedValues) != 0 || got[1].Round != 1 {
		t.Errorf("replaced decision = %+v", got[1])
	}
	if got[2].AdjustedPoints == nil || *got[2].AdjustedPoints != 2.5 || got[2].ReviewerID != f.reviewer.ID {
		t.Errorf("adjust score = %+v", got[2])
	}
	entries, _, _ := f.db.FindAudit(ctx, assessment.AuditFilter{Action: assessment.ActionReviewDecided})
	var replaced *assessment.AuditEntry
	for _, e := range entries {
		if e.Field == "B" && e.To == "accept" {
			replaced = e
		}
	}
	if replaced == nil || replaced.From != "adjust_value x=3" {
		t.Errorf("audit of the replaced decision = %+v", replaced)
	}
	// A new round keeps the old decisions.
	s = mustSub(t)(f.db.TransitionSubmission(ctx, rev, assessment.Transition{SubmissionID: s.ID, Version: s.Version, To: assessment.SubmissionReturned, Comment: "x"}))
	s = mustSub(t)(f.db.TransitionSubmission(ctx, f.editorActor(), assessment.Transition{SubmissionID: s.ID, Version: s.Version, To: assessment.SubmissionResubmitted}))
	r2 := assessment.Review{SubmissionID: s.ID, Indicator: "B", Decision: assessment.DecisionAdjustValue, Reason: "vẫn sai",
		AdjustedValues: []assessment.AdjustedValue{{Input: "x", Text: "4", Num: fp(4)}}}
	if err := f.db.SaveReview(ctx, rev, &r2, nil); err != nil {
		t.Fatal(err)
	}
	got, err = f.db.FindReviews(ctx, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 || got[3].Round != 2 || got[3].AdjustedValues[0].Text != "4" {
		t.Errorf("after round 2: %d reviews, last %+v", len(got), got[len(got)-1])
	}
}
