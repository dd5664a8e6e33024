package assessment

import (
	"testing"

	"github.com/dti-platform/dti/scoring"
)

func TestLatestReviewsAndAppraisedValues(t *testing.T) {
	n := func(f float64) *float64 { return &f }
	reviews := []*Review{
		{ID: 1, Indicator: "A.01", Round: 1, Decision: DecisionAdjustValue, AdjustedValues: []AdjustedValue{{Input: "x", Text: "5", Num: n(5)}}},
		{ID: 2, Indicator: "A.02", Round: 1, Decision: DecisionAdjustValue, AdjustedValues: []AdjustedValue{{Input: "y", Text: "true", Num: n(1)}}},
		// Round 2 accepts A.01 as typed: the round-1 correction no longer counts.
		{ID: 3, Indicator: "A.01", Round: 2, Decision: DecisionAccept},
		{ID: 4, Indicator: "A.03", Round: 2, Decision: DecisionRequestEvidence, Comment: "c"},
		{ID: 5, Indicator: "A.03", Round: 2, Decision: DecisionAdjustScore, AdjustedPoints: n(3)},
	}
	latest := LatestReviews(reviews)
	for code, want := range map[string]int64{"A.01": 3, "A.02": 2, "A.03": 5} {
		if got := latest[code]; got == nil || got.ID != want {
			t.Errorf("LatestReviews()[%s] = %+v; want review %d", code, got, want)
		}
	}
	self := map[scoring.InputKey]scoring.Value{
		{Indicator: "A.01", Input: "x"}: {Set: true, Num: 2, Text: "2"},
		{Indicator: "A.02", Input: "y"}: {Set: true, Num: 0, Text: "false"},
	}
	got := AppraisedValues(self, latest)
	if v := got[scoring.InputKey{Indicator: "A.01", Input: "x"}]; v.Num != 2 {
		t.Errorf("A.01/x = %+v; want the unit's 2 (accepted in round 2)", v)
	}
	if v := got[scoring.InputKey{Indicator: "A.02", Input: "y"}]; v.Num != 1 || v.Text != "true" {
		t.Errorf("A.02/y = %+v; want the corrected true", v)
	}
	if v := self[scoring.InputKey{Indicator: "A.02", Input: "y"}]; v.Num != 0 {
		t.Errorf("self values changed: %+v", v)
	}
}
