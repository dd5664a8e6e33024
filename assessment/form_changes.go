package assessment

import (
	"context"
	"sort"
	"strings"
	"time"
)

// FormChange is one thing a unit changed in its form after the form was
// returned: a value (first old text → last new text) or an evidence item
// added.
type FormChange struct {
	Indicator string
	// Input is the input key, "" for evidence.
	Input string
	// From and To are the value's canonical texts before and after ("" for
	// no value); for evidence To says what was added ("link: https://...").
	From, To string
	// At and By are the time and the user name of the last change.
	At time.Time
	By string
}

// maxAuditRead bounds the audit entries read for one form.
const maxAuditRead = 10000

// ChangesSinceReturn lists what the unit changed in submission s since
// the form was last returned, so the reviewer of a resubmission sees what
// is new: every input whose value differs (a value changed back to what it
// was is left out) and every evidence item added, in indicator and input
// order. It is empty for a form that was never returned. It reads the
// audit log, where the store records every change.
func ChangesSinceReturn(ctx context.Context, st Store, s *Submission) ([]FormChange, error) {
	statuses, _, err := st.FindAudit(ctx, AuditFilter{Entity: "submission", EntityID: &s.ID, Action: ActionSubmissionStatus, Limit: maxAuditRead})
	if err != nil {
		return nil, err
	}
	var since time.Time
	var returnID int64
	for _, e := range statuses { // newest first
		if e.To == string(SubmissionReturned) {
			since, returnID = e.At, e.ID
			break
		}
	}
	if returnID == 0 {
		return nil, nil
	}
	values, _, err := st.FindAudit(ctx, AuditFilter{Entity: "submission", EntityID: &s.ID, Action: "value.", From: since, Limit: maxAuditRead})
	if err != nil {
		return nil, err
	}
	// Oldest first, and only what came after the return (entries may share
	// its time).
	sort.Slice(values, func(i, j int) bool { return values[i].ID < values[j].ID })
	byField := map[string]*FormChange{}
	var fields []string
	for _, e := range values {
		if e.ID <= returnID {
			continue
		}
		c := byField[e.Field]
		if c == nil {
			ind, in, _ := strings.Cut(e.Field, "/")
			c = &FormChange{Indicator: ind, Input: in, From: e.From}
			byField[e.Field] = c
			fields = append(fields, e.Field)
		}
		c.To, c.At, c.By = e.To, e.At, e.ActorName
	}
	var out []FormChange
	for _, f := range fields {
		if c := byField[f]; c.From != c.To {
			out = append(out, *c)
		}
	}
	evidence, _, err := st.FindAudit(ctx, AuditFilter{Entity: "evidence", UnitID: &s.UnitID, PeriodID: &s.PeriodID,
		Action: ActionEvidenceAdded, From: since, Limit: maxAuditRead})
	if err != nil {
		return nil, err
	}
	for _, e := range evidence {
		if e.ID > returnID {
			out = append(out, FormChange{Indicator: e.Field, To: e.To, At: e.At, By: e.ActorName})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Indicator != out[j].Indicator {
			return out[i].Indicator < out[j].Indicator
		}
		if out[i].Input != out[j].Input {
			return out[i].Input < out[j].Input
		}
		return out[i].At.Before(out[j].At)
	})
	return out, nil
}
