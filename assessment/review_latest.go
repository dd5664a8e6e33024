package assessment

import "github.com/dti-platform/dti/scoring"

// LatestReviews returns the decision that counts for each indicator: the
// latest (highest round, then latest ID) of reviews, keyed by indicator
// code. Store.FindReviews gives the list.
func LatestReviews(reviews []*Review) map[string]*Review {
	out := make(map[string]*Review, len(reviews))
	for _, r := range reviews {
		cur, ok := out[r.Indicator]
		if !ok || r.Round > cur.Round || r.Round == cur.Round && r.ID > cur.ID {
			out[r.Indicator] = r
		}
	}
	return out
}

// AppraisedValues returns the unit's values as appraised: its own values
// with the inputs corrected by the latest adjust_value decisions (see
// LatestReviews) replaced. self is not changed.
func AppraisedValues(self map[scoring.InputKey]scoring.Value, latest map[string]*Review) map[scoring.InputKey]scoring.Value {
	out := make(map[scoring.InputKey]scoring.Value, len(self))
	for k, v := range self {
		out[k] = v
	}
	for code, r := range latest {
		if r.Decision != DecisionAdjustValue {
			continue
		}
		for _, a := range r.AdjustedValues {
			v := scoring.Value{Set: true, Text: a.Text}
			if a.Num != nil {
				v.Num = *a.Num
			}
			out[scoring.InputKey{Indicator: code, Input: a.Input}] = v
		}
	}
	return out
}
