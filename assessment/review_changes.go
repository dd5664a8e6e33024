package assessment

import (
	"context"
	"strings"
)

// IndicatorChange is what a unit changed on one indicator since its form
// was last returned.
type IndicatorChange struct {
	// Values counts the inputs whose value differs from the value at the
	// return (set, changed or cleared; changed and changed back counts
	// nothing).
	Values int
	// Evidence counts the evidence items added or deleted (an item added
	// and deleted again counts nothing).
	Evidence int
	// Inputs are the changed inputs by key: the value's canonical text at
	// the return (From, "" when it had none) and now (To, "" when
	// cleared).
	Inputs map[string]ValueDiff
}

// ValueDiff is an input's value before and after a change, as canonical
// text (see InputValue.Text).
type ValueDiff struct {
	From, To string
}

// maxAuditRead bounds the audit entries read for one form.
const maxAuditRead = 10000

// ChangesSinceReturn returns, by indicator code, what the unit changed in
// submission s since the form was last returned, so the reviewer of a
// resubmission sees what is new. It reads the audit log, where the store
// records every change; nil when the form was never returned or nothing
// changed.
func ChangesSinceReturn(ctx context.Context, st Store, s *Submission) (map[string]IndicatorChange, error) {
	// Read only the entries since the latest return, so a long history
	// never pushes the return out of the page read.
	ret, err := LastReturn(ctx, st, s.ID)
	if ret == nil || err != nil {
		return nil, err
	}
	entries, _, err := st.FindAudit(ctx, AuditFilter{PeriodID: &s.PeriodID, UnitID: &s.UnitID, From: ret.At, Limit: maxAuditRead})
	if err != nil {
		return nil, err
	}
	return IndicatorChanges(s.ID, entries), nil
}

// LastReturn returns the audit entry of the submission's latest return
// (its Reason is the reviewer's comment), nil if it was never returned.
func LastReturn(ctx context.Context, st Store, submissionID int64) (*AuditEntry, error) {
	entries, _, err := st.FindAudit(ctx, AuditFilter{Entity: "submission", EntityID: &submissionID,
		Action: ActionSubmissionStatus, Limit: maxAuditRead})
	if err != nil {
		return nil, err
	}
	for _, e := range entries { // newest first
		if e.To == string(SubmissionReturned) {
			return e, nil
		}
	}
	return nil, nil
}

// IndicatorChanges returns, by indicator code, what changed on a
// submission since it was last returned, from the audit entries of its
// unit and period newest first (as Store.FindAudit returns them). It reads
// back to the latest "submission.status" entry to "returned" of the
// submission; nil when there is none (never returned) or nothing changed.
func IndicatorChanges(submissionID int64, entries []*AuditEntry) map[string]IndicatorChange {
	type span struct{ orig, cur string }
	values := map[string]*span{}
	var fields []string
	evidence := map[int64]int{} // item -> +1 added, -1 deleted, 0 both
	evidenceOf := map[int64]string{}
	returned := false
	for _, e := range entries {
		if e.Entity == "submission" && e.EntityID == submissionID && e.Action == ActionSubmissionStatus {
			if e.To == string(SubmissionReturned) {
				returned = true
				break
			}
			continue
		}
		switch e.Action {
		case ActionValueSet, ActionValueCleared:
			if e.Entity != "submission" || e.EntityID != submissionID {
				continue
			}
			sp := values[e.Field]
			if sp == nil {
				sp = &span{cur: e.To}
				values[e.Field] = sp
				fields = append(fields, e.Field)
			}
			sp.orig = e.From
		case ActionEvidenceAdded, ActionEvidenceDeleted:
			if e.Entity != "evidence" {
				continue
			}
			d := 1
			if e.Action == ActionEvidenceDeleted {
				d = -1
			}
			evidence[e.EntityID] += d
			evidenceOf[e.EntityID] = e.Field
		}
	}
	if !returned {
		return nil
	}
	out := map[string]IndicatorChange{}
	for _, f := range fields {
		sp := values[f]
		ind, in, ok := strings.Cut(f, "/")
		if !ok || sp.orig == sp.cur {
			continue
		}
		c := out[ind]
		c.Values++
		if c.Inputs == nil {
			c.Inputs = map[string]ValueDiff{}
		}
		c.Inputs[in] = ValueDiff{From: sp.orig, To: sp.cur}
		out[ind] = c
	}
	for id, d := range evidence {
		if d == 0 {
			continue
		}
		c := out[evidenceOf[id]]
		c.Evidence++
		out[evidenceOf[id]] = c
	}
	if len(out) == 0 {
		return nil
	}
	return out
}
