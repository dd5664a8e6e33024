package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/scoring"
)

func TestSaveValues(t *testing.T) {
	ctx := context.Background()
	text := func(ind, in, v string) assessment.ValueChange {
		return assessment.ValueChange{Indicator: ind, Input: in, Text: v}
	}
	tests := []struct {
		name    string
		setup   func(t *testing.T, f *fixture) // optional
		version func(f *fixture) int64         // default: current
		changes []assessment.ValueChange
		check   func(*assessment.Period, *assessment.Unit, *assessment.Submission) error
		want    error
		// wantValues is the stored values afterwards, "IND/input=text".
		wantValues []string
	}{
		{name: "first save", changes: []assessment.ValueChange{num("NTS.01", "count", 3), text("NTS.02", "role", "head")},
			wantValues: []string{"NTS.01/count=3", "NTS.02/role=head"}},
		{name: "stale version", version: func(f *fixture) int64 { return f.sub.Version - 1 },
			changes: []assessment.ValueChange{num("NTS.01", "count", 3)}, want: assessment.ErrConflict},
		{name: "future version", version: func(f *fixture) int64 { return f.sub.Version + 1 },
			changes: []assessment.ValueChange{num("NTS.01", "count", 3)}, want: assessment.ErrConflict},
		{name: "negative version", version: func(*fixture) int64 { return -1 },
			changes: []assessment.ValueChange{num("NTS.01", "count", 3)}, want: assessment.ErrInvalid},
		{name: "stale save with version -1 does not overwrite", setup: func(t *testing.T, f *fixture) {
			s, err := f.db.SaveValues(ctx, f.editorActor(), assessment.ValueSave{SubmissionID: f.sub.ID, Version: f.sub.Version,
				Changes: []assessment.ValueChange{num("A", "x", 1)}})
			if err != nil {
				t.Fatal(err)
			}
			f.sub = s
		}, version: func(*fixture) int64 { return -1 },
			changes: []assessment.ValueChange{num("A", "x", 9)}, want: assessment.ErrInvalid, wantValues: []string{"A/x=1"}},
		{name: "very negative version", version: func(*fixture) int64 { return -1 << 62 },
			changes: []assessment.ValueChange{num("NTS.01", "count", 3)}, want: assessment.ErrInvalid},
		{name: "bad code", changes: []assessment.ValueChange{num("NTS 01", "count", 3)}, want: assessment.ErrInvalid},
		{name: "same input twice", changes: []assessment.ValueChange{num("A", "x", 1), num("A", "x", 2)}, want: assessment.ErrInvalid},
		{name: "check refuses", changes: []assessment.ValueChange{num("A", "x", 1)},
			check: func(*assessment.Period, *assessment.Unit, *assessment.Submission) error {
				return assessment.NewError(assessment.ErrForbidden, "deadline", "quá hạn", "past the deadline")
			}, want: assessment.ErrForbidden},
		{name: "period closed", setup: func(t *testing.T, f *fixture) {
			if _, err := f.db.SetPeriodStatus(ctx, admin, f.period.ID, f.period.Version, assessment.PeriodClosed, "", nil); err != nil {
				t.Fatal(err)
			}
		}, changes: []assessment.ValueChange{num("A", "x", 1)}, want: assessment.ErrForbidden},
		{name: "submitted form", setup: func(t *testing.T, f *fixture) {
			s, err := f.db.TransitionSubmission(ctx, admin, assessment.Transition{SubmissionID: f.sub.ID, Version: f.sub.Version, To: assessment.SubmissionSubmitted})
			if err != nil {
				t.Fatal(err)
			}
			f.sub = s
		}, changes: []assessment.ValueChange{num("A", "x", 1)}, want: assessment.ErrForbidden},
		{name: "locked value, whole batch refused", setup: func(t *testing.T, f *fixture) {
			importOne(t, f, "SYS.01", "uptime", 99.5)
		}, changes: []assessment.ValueChange{num("A", "x", 1), num("SYS.01", "uptime", 100)}, want: assessment.ErrForbidden,
			wantValues: []string{"SYS.01/uptime=99.5"}},
		{name: "clear and overwrite", setup: func(t *testing.T, f *fixture) {
			s, err := f.db.SaveValues(ctx, f.editorActor(), assessment.ValueSave{SubmissionID: f.sub.ID, Version: f.sub.Version,
				Changes: []assessment.ValueChange{num("A", "x", 1), num("A", "y", 2)}})
			if err != nil {
				t.Fatal(err)
			}
			f.sub = s
		}, changes: []assessment.ValueChange{{Indicator: "A", Input: "x", Clear: true}, num("A", "y", 5), {Indicator: "B", Input: "z", Clear: true}},
			wantValues: []string{"A/y=5"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			if tt.setup != nil {
				tt.setup(t, f)
			}
			version := f.sub.Version
			if tt.version != nil {
				version = tt.version(f)
			}
			before := f.sub.Version
			_, auditBefore, _ := f.db.FindAudit(ctx, assessment.AuditFilter{})
			s, err := f.db.SaveValues(ctx, f.editorActor(), assessment.ValueSave{SubmissionID: f.sub.ID, Version: version,
				Changes: tt.changes, Check: tt.check})
			if !isErr(err, tt.want) {
				t.Fatalf("SaveValues = %v; want %v", err, tt.want)
			}
			cur, _ := f.db.FindSubmissionByID(ctx, f.sub.ID)
			if err == nil && (s.Version != before+1 || cur.Version != s.Version) {
				t.Errorf("version after save = %d (stored %d); want %d", s.Version, cur.Version, before+1)
			}
			if err != nil && cur.Version != before {
				t.Errorf("a refused save changed the version: %d → %d", before, cur.Version)
			}
			_, auditAfter, _ := f.db.FindAudit(ctx, assessment.AuditFilter{})
			if err != nil && auditAfter != auditBefore {
				t.Errorf("a refused save wrote %d audit entries", auditAfter-auditBefore)
			}
			if err == nil && auditAfter <= auditBefore {
				t.Errorf("a save wrote no audit entry")
			}
			vals, err := f.db.FindValues(ctx, f.sub.ID)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, v := range vals {
				got = append(got, fmt.Sprintf("%s/%s=%s", v.Indicator, v.Input, v.Text))
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.wantValues) {
				t.Errorf("stored values = %v; want %v", got, tt.wantValues)
			}
			if err := f.db.CheckPacked(ctx); err != nil {
				t.Errorf("packed values: %v", err)
			}
		})
	}
}

// importOne imports one locked value for the fixture's first department.
func importOne(t *testing.T, f *fixture, ind, in string, v float64) {
	t.Helper()
	n, err := f.db.ImportValues(context.Background(), admin, assessment.CentralImport{PeriodID: f.period.ID, Source: scoring.SourceSystem,
		Values: []assessment.CentralValue{{UnitID: f.so1.ID, ValueChange: num(ind, in, v)}}})
	if err != nil || n != 1 {
		t.Fatalf("ImportValues = %d, %v", n, err)
	}
	s, err := f.db.FindSubmissionByID(context.Background(), f.sub.ID)
	if err != nil {
		t.Fatal(err)
	}
	f.sub = s
}

func TestSaveValues_NoChangeKeepsVersionAndAudits(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	save := func(v int64, changes ...assessment.ValueChange) *assessment.Submission {
		s, err := f.db.SaveValues(ctx, f.editorActor(), assessment.ValueSave{SubmissionID: f.sub.ID, Version: v, Changes: changes})
		if err != nil {
			t.Fatalf("SaveValues: %v", err)
		}
		return s
	}
	s1 := save(f.sub.Version, num("A", "x", 1))
	f.clock.Add(60e9)
	s2 := save(s1.Version, num("A", "x", 1))
	if s2.Version != s1.Version {
		t.Errorf("saving the same value bumped the version %d → %d", s1.Version, s2.Version)
	}
	s3 := save(s2.Version, num("A", "x", 2))
	vals, _ := f.db.FindValues(ctx, f.sub.ID)
	if len(vals) != 1 || vals[0].Version != s3.Version || vals[0].Source != scoring.SourceSelf || vals[0].UpdatedBy != f.editor.ID ||
		!vals[0].UpdatedAt.Equal(testNow.Add(60e9)) || *vals[0].Num != 2 {
		t.Errorf("stored value = %+v", vals[0])
	}
	sid := s3.ID
	entries, total, _ := f.db.FindAudit(ctx, assessment.AuditFilter{Entity: "submission", EntityID: &sid, Action: assessment.ActionValueSet})
	if total != 2 || entries[0].From != "1" || entries[0].To != "2" || entries[0].ActorName != "editor1" || entries[0].Field != "A/x" {
		t.Errorf("value audit = %d entries, newest %+v", total, entries[0])
	}
}

func TestImportValues(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	imp := assessment.CentralImport{PeriodID: f.period.ID, Source: scoring.SourceSecretariat, Reason: "số liệu Sở TT&TT",
		Values: []assessment.CentralValue{
			{UnitID: f.so1.ID, ValueChange: num("SYS.01", "uptime", 98)},
			{UnitID: f.so2.ID, ValueChange: num("SYS.01", "uptime", 91)}, // creates so2's submission
		}}
	n, err := f.db.ImportValues(ctx, admin, imp)
	if err != nil || n != 2 {
		t.Fatalf("ImportValues = %d, %v", n, err)
	}
	s2, err := f.db.FindSubmission(ctx, f.period.ID, f.so2.ID)
	if err != nil {
		t.Fatalf("submission created by the import: %v", err)
	}
	vals, _ := f.db.FindValues(ctx, s2.ID)
	if len(vals) != 1 || !vals[0].Locked || vals[0].Source != scoring.SourceSecretariat {
		t.Errorf("imported value = %+v", vals)
	}
	// Each value's audit entry gives the source and the import's reason.
	entries, _, err := f.db.FindAudit(ctx, assessment.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	reasons := 0
	for _, e := range entries {
		if e.Action == assessment.ActionValueSet && e.Field == "SYS.01/uptime" {
			if e.Reason != "source: secretariat; số liệu Sở TT&TT" {
				t.Errorf("audit reason = %q; want the source and the import's reason", e.Reason)
			}
			reasons++
		}
	}
	if reasons != 2 {
		t.Errorf("%d audited values; want 2", reasons)
	}

	bad := []struct {
		name string
		imp  assessment.CentralImport
		want error
	}{
		{"self source", assessment.CentralImport{PeriodID: f.period.ID, Source: scoring.SourceSelf}, assessment.ErrInvalid},
		{"unknown period", assessment.CentralImport{PeriodID: 999, Source: scoring.SourceSystem,
			Values: []assessment.CentralValue{{UnitID: f.so1.ID, ValueChange: num("A", "x", 1)}}}, assessment.ErrNotFound},
		{"unknown unit, nothing written", assessment.CentralImport{PeriodID: f.period.ID, Source: scoring.SourceSystem,
			Values: []assessment.CentralValue{{UnitID: f.so1.ID, ValueChange: num("NEW.01", "x", 1)},
				{UnitID: 9999, ValueChange: num("NEW.01", "x", 1)}}}, assessment.ErrInvalid},
		{"repeated row", assessment.CentralImport{PeriodID: f.period.ID, Source: scoring.SourceSystem,
			Values: []assessment.CentralValue{{UnitID: f.so1.ID, ValueChange: num("NEW.01", "x", 1)},
				{UnitID: f.so1.ID, ValueChange: num("NEW.01", "x", 2)}}}, assessment.ErrInvalid},
	}
	if err := f.db.CheckPacked(ctx); err != nil {
		t.Errorf("packed values: %v", err)
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := f.db.ImportValues(ctx, admin, tt.imp); !errors.Is(err, tt.want) {
				t.Errorf("ImportValues = %v; want %v", err, tt.want)
			}
			vals, _ := f.db.FindValues(ctx, f.sub.ID)
			for _, v := range vals {
				if v.Indicator == "NEW.01" {
					t.Errorf("a refused import wrote %+v", v)
				}
			}
		})
	}
}

func TestTransitionSubmission(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	step := func(to assessment.SubmissionStatus, actor assessment.Actor, comment string) *assessment.Submission {
		t.Helper()
		s, err := f.db.TransitionSubmission(ctx, actor, assessment.Transition{SubmissionID: f.sub.ID, Version: f.sub.Version, To: to, Comment: comment})
		if err != nil {
			t.Fatalf("TransitionSubmission(%s): %v", to, err)
		}
		f.sub = s
		return s
	}
	s := step(assessment.SubmissionSubmitted, f.editorActor(), "")
	if s.Round != 1 || s.SubmittedBy != f.editor.ID || !s.SubmittedAt.Equal(testNow) {
		t.Errorf("submitted = %+v", s)
	}
	step(assessment.SubmissionReturned, f.reviewer.Actor(), "bổ sung minh chứng")
	s = step(assessment.SubmissionResubmitted, f.editorActor(), "")
	if s.Round != 2 {
		t.Errorf("round after resubmit = %d; want 2", s.Round)
	}
	s = step(assessment.SubmissionApproved, f.reviewer.Actor(), "")
	if s.ApprovedBy != f.reviewer.ID || s.ApprovedAt.IsZero() {
		t.Errorf("approved = %+v", s)
	}
	if _, err := f.db.TransitionSubmission(ctx, admin, assessment.Transition{SubmissionID: f.sub.ID, Version: f.sub.Version - 1,
		To: assessment.SubmissionReturned}); !errors.Is(err, assessment.ErrConflict) {
		t.Errorf("stale transition = %v; want ErrConflict", err)
	}
	if _, err := f.db.TransitionSubmission(ctx, admin, assessment.Transition{SubmissionID: f.sub.ID, Version: f.sub.Version,
		To: assessment.SubmissionApproved}); !errors.Is(err, assessment.ErrInvalid) {
		t.Errorf("transition to the same status = %v; want ErrInvalid", err)
	}
	if _, err := f.db.TransitionSubmission(ctx, admin, assessment.Transition{SubmissionID: 999, To: assessment.SubmissionApproved}); !errors.Is(err, assessment.ErrNotFound) {
		t.Errorf("transition of a missing submission = %v; want ErrNotFound", err)
	}
	sid := f.sub.ID
	entries, _, _ := f.db.FindAudit(ctx, assessment.AuditFilter{Action: assessment.ActionSubmissionStatus, EntityID: &sid})
	if len(entries) != 4 || entries[2].Reason != "bổ sung minh chứng" || entries[2].To != "returned" {
		t.Errorf("status audit = %+v", entries)
	}

	// Submissions list.
	pid := f.period.ID
	if _, err := f.db.EnsureSubmission(ctx, admin, pid, f.so2.ID); err != nil {
		t.Fatal(err)
	}
	subs, total, err := f.db.FindSubmissions(ctx, assessment.SubmissionFilter{PeriodID: &pid})
	if err != nil || total != 2 || subs[0].UnitID != f.so1.ID || subs[1].UnitID != f.so2.ID {
		t.Errorf("FindSubmissions = %v, %d, %v", subs, total, err)
	}
	subs, _, _ = f.db.FindSubmissions(ctx, assessment.SubmissionFilter{PeriodID: &pid,
		Statuses: []assessment.SubmissionStatus{assessment.SubmissionApproved, assessment.SubmissionSubmitted}})
	if len(subs) != 1 || subs[0].ID != f.sub.ID {
		t.Errorf("FindSubmissions(approved or submitted) = %v; want the approved one", subs)
	}
	subs, _, _ = f.db.FindSubmissions(ctx, assessment.SubmissionFilter{PeriodID: &pid, UnitIDs: []int64{}})
	if len(subs) != 0 {
		t.Errorf("FindSubmissions(no units) = %d; want none", len(subs))
	}
	if _, err := f.db.EnsureSubmission(ctx, admin, pid, 9999); !errors.Is(err, assessment.ErrNotFound) {
		t.Errorf("EnsureSubmission(missing unit) = %v; want ErrNotFound", err)
	}
}

// TestSaveValues_PerValue: two people fill one form from the same loaded
// state; saves touching different inputs both succeed, a save touching an
// input the other changed is refused whole and names it.
func TestSaveValues_PerValue(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	s0, err := f.db.SaveValues(ctx, f.editorActor(), assessment.ValueSave{SubmissionID: f.sub.ID, Version: f.sub.Version,
		Changes: []assessment.ValueChange{num("A", "x", 1), num("A", "y", 1)}})
	if err != nil {
		t.Fatal(err)
	}
	loaded := map[string]int64{} // what both people loaded
	vals, _ := f.db.FindValues(ctx, s0.ID)
	for _, v := range vals {
		loaded[v.Input] = v.Version
	}
	if loaded["x"] != s0.Version {
		t.Fatalf("value version = %d; want the submission version %d", loaded["x"], s0.Version)
	}
	change := func(in string, v float64) assessment.ValueChange {
		c := num("A", in, v)
		c.BaseVersion = loaded[in]
		return c
	}
	save := func(changes ...assessment.ValueChange) (*assessment.Submission, error) {
		return f.db.SaveValues(ctx, f.editorActor(), assessment.ValueSave{SubmissionID: s0.ID, PerValue: true, Changes: changes})
	}
	if _, err := save(change("x", 2)); err != nil {
		t.Fatalf("first person: %v", err)
	}
	if _, err := save(change("y", 3), change("z", 4)); err != nil {
		t.Fatalf("second person, other inputs: %v", err)
	}
	_, err = save(change("w", 5), change("x", 9))
	var de *assessment.Error
	if !errors.Is(err, assessment.ErrConflict) || !errors.As(err, &de) || !strings.Contains(de.EN, "A/x") || strings.Contains(de.EN, "A/w") {
		t.Fatalf("second person, same input = %v; want ErrConflict naming A/x only", err)
	}
	got := map[string]string{}
	vals, _ = f.db.FindValues(ctx, s0.ID)
	for _, v := range vals {
		got[v.Input] = v.Text
	}
	if fmt.Sprint(got) != "map[x:2 y:3 z:4]" {
		t.Errorf("values = %v; want map[x:2 y:3 z:4] (the refused save wrote nothing)", got)
	}

	// Clearing and setting again gives a new version: a client holding
	// the old one still conflicts.
	cur := map[string]int64{}
	for _, v := range vals {
		cur[v.Input] = v.Version
	}
	old := cur["z"]
	clr := assessment.ValueChange{Indicator: "A", Input: "z", Clear: true, BaseVersion: old}
	if _, err := save(clr); err != nil {
		t.Fatal(err)
	}
	if _, err := save(assessment.ValueChange{Indicator: "A", Input: "z", Text: "7", Num: fp(7)}); err != nil {
		t.Fatalf("setting a cleared input from base 0: %v", err)
	}
	stale := num("A", "z", 8)
	stale.BaseVersion = old
	if _, err := save(stale); !errors.Is(err, assessment.ErrConflict) {
		t.Errorf("save based on the value before clear and reset = %v; want ErrConflict", err)
	}
	if err := f.db.CheckPacked(ctx); err != nil {
		t.Error(err)
	}
}

// TestTransitionSubmission_NegativeVersion checks that a caller cannot
// skip the version check of a transition with a negative version.
func TestTransitionSubmission_NegativeVersion(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for _, v := range []int64{-1, -42} {
		_, err := f.db.TransitionSubmission(ctx, admin, assessment.Transition{SubmissionID: f.sub.ID, Version: v, To: assessment.SubmissionSubmitted})
		if !errors.Is(err, assessment.ErrInvalid) {
			t.Errorf("transition at version %d = %v; want ErrInvalid", v, err)
		}
	}
	cur, err := f.db.FindSubmissionByID(ctx, f.sub.ID)
	if err != nil {
		t.Fatal(err)
	}
	if cur.Status != f.sub.Status || cur.Version != f.sub.Version {
		t.Errorf("after refused transitions: %s v%d; want %s v%d", cur.Status, cur.Version, f.sub.Status, f.sub.Version)
	}
}
