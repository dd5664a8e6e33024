package assessment

import (
	"context"
	"sort"

	"github.com/dti-platform/dti/scoring"
)

// UnitCompleteness is how far one unit's form of a period is: what the
// admin checks before closing data entry.
type UnitCompleteness struct {
	Unit *Unit
	// Submission is nil when the unit has not opened its form yet.
	Submission *Submission
	Progress   Progress
	// Missing is what the unit must still provide before it can submit.
	Missing []MissingItem
}

// Status returns the form's status (draft when there is no form yet).
func (c UnitCompleteness) Status() SubmissionStatus {
	if c.Submission == nil {
		return SubmissionDraft
	}
	return c.Submission.Status
}

// PeriodCompleteness returns, for every active unit whose type is an
// enabled unit type of ix (the period's pinned index), its form's status
// and progress, in unit code order. Indicators the review declared not
// applicable to a unit are left out of its counts. ErrNotFound for an
// unknown period.
func PeriodCompleteness(ctx context.Context, st Store, periodID int64, ix *scoring.Index) ([]UnitCompleteness, error) {
	if _, err := st.FindPeriodByID(ctx, periodID); err != nil {
		return nil, err
	}
	active := true
	units, _, err := st.FindUnits(ctx, UnitFilter{Active: &active})
	if err != nil {
		return nil, err
	}
	subs, _, err := st.FindSubmissions(ctx, SubmissionFilter{PeriodID: &periodID})
	if err != nil {
		return nil, err
	}
	subOf := make(map[int64]*Submission, len(subs))
	for _, s := range subs {
		subOf[s.UnitID] = s
	}
	enabled := map[string]bool{}
	for _, ut := range ix.UnitTypes {
		enabled[ut.Code] = ut.Enabled
	}
	var out []UnitCompleteness
	for _, u := range units {
		if !enabled[u.Type] {
			continue
		}
		c := UnitCompleteness{Unit: u, Submission: subOf[u.ID]}
		values := map[scoring.InputKey]scoring.Value{}
		evidence := map[string]bool{}
		na := map[string]bool{}
		if c.Submission != nil {
			rows, err := st.FindValues(ctx, c.Submission.ID)
			if err != nil {
				return nil, err
			}
			values = ValuesOf(rows)
			items, err := st.FindEvidence(ctx, c.Submission.ID)
			if err != nil {
				return nil, err
			}
			evidence = EvidenceSet(items)
			reviews, err := st.FindReviews(ctx, c.Submission.ID)
			if err != nil {
				return nil, err
			}
			na = NotApplicable(reviews)
		}
		c.Progress = FormProgressOf(ix, u.Type, values, evidence, na).Overall
		c.Missing = CheckSubmission(ix, u.Type, values, evidence, na)
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Unit.Code < out[j].Unit.Code })
	return out, nil
}

// NotApplicable returns the indicators whose latest review decision (by
// round, then ID) declares them not applicable.
func NotApplicable(reviews []*Review) map[string]bool {
	latest := map[string]*Review{}
	for _, r := range reviews {
		if l := latest[r.Indicator]; l == nil || r.Round > l.Round || (r.Round == l.Round && r.ID > l.ID) {
			latest[r.Indicator] = r
		}
	}
	out := map[string]bool{}
	for code, r := range latest {
		if r.Decision == DecisionNotApplicable {
			out[code] = true
		}
	}
	return out
}
