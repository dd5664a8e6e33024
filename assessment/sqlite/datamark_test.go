package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/scoring"
)

// TestPeriodDataMark checks which audited events move a period's data
// mark: changes of the period's data do; reads, exports and other
// periods' or nobody's entries do not.
func TestPeriodDataMark(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	mark := func() int64 {
		t.Helper()
		m, err := f.db.PeriodDataMark(ctx, f.period.ID)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	m0 := mark()
	if m0 <= 0 {
		t.Fatalf("mark of a period with audited changes = %d; want > 0", m0)
	}
	for _, e := range []*assessment.AuditEntry{
		{Action: assessment.ActionExport, Entity: "period", PeriodID: f.period.ID, To: "xlsx"},
		{Action: "period.export_raw", Entity: "period", PeriodID: f.period.ID, To: "csv"},
		{Action: assessment.ActionUserLogin, Entity: "user", EntityID: f.editor.ID},
		{Action: assessment.ActionValueSet, Entity: "submission", PeriodID: f.period.ID + 1000},
	} {
		if err := f.db.AddAudit(ctx, e); err != nil {
			t.Fatal(err)
		}
		if got := mark(); got != m0 {
			t.Errorf("after %s (period %d): mark %d → %d; want unchanged", e.Action, e.PeriodID, m0, got)
		}
	}
	if _, err := f.db.SaveValues(ctx, f.editorActor(), assessment.ValueSave{SubmissionID: f.sub.ID, Version: f.sub.Version,
		Changes: []assessment.ValueChange{num("A", "x", 1)}}); err != nil {
		t.Fatal(err)
	}
	if got := mark(); got <= m0 {
		t.Errorf("after a value save: mark %d → %d; want it to move", m0, got)
	}
	if m, err := f.db.PeriodDataMark(ctx, f.period.ID+2000); err != nil || m != 0 {
		t.Errorf("mark of a period without entries = %d, %v; want 0", m, err)
	}
}

// TestPublishPeriod_DataMark checks that a publish whose results were
// computed before a concurrent change is refused and writes nothing, and
// that computing again (a fresh mark) publishes.
func TestPublishPeriod_DataMark(t *testing.T) {
	ctx := context.Background()
	changes := []struct {
		name   string
		change func(t *testing.T, f *fixture)
	}{
		{"approval", func(t *testing.T, f *fixture) {
			if _, err := f.db.TransitionSubmission(ctx, admin, assessment.Transition{SubmissionID: f.sub.ID, Version: f.sub.Version,
				To: assessment.SubmissionApproved}); err != nil {
				t.Fatal(err)
			}
		}},
		{"central push", func(t *testing.T, f *fixture) {
			if _, err := f.db.ImportValues(ctx, admin, assessment.CentralImport{PeriodID: f.period.ID, Source: scoring.SourceSystem,
				Values: []assessment.CentralValue{{UnitID: f.so1.ID, ValueChange: num("SYS.01", "uptime", 97)}}}); err != nil {
				t.Fatal(err)
			}
		}},
		{"evidence", func(t *testing.T, f *fixture) {
			if err := f.db.AddEvidence(ctx, admin, &assessment.Evidence{SubmissionID: f.sub.ID, Indicator: "A",
				Kind: assessment.EvidenceLink, URL: "https://example.gov.vn/qd-1.pdf"}, nil); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tc := range changes {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			p, err := f.db.SetPeriodStatus(ctx, admin, f.period.ID, f.period.Version, assessment.PeriodClosed, "", nil)
			if err != nil {
				t.Fatal(err)
			}
			before, err := f.db.PeriodDataMark(ctx, p.ID)
			if err != nil {
				t.Fatal(err)
			}
			tc.change(t, f) // lands while the results are computed
			_, err = f.db.PublishPeriod(ctx, admin, p.ID, p.Version, &assessment.Snapshot{DataMark: before})
			var de *assessment.Error
			if !errors.Is(err, assessment.ErrConflict) || !errors.As(err, &de) || de.Key != "period.data_changed" {
				t.Fatalf("publish with the mark read before the %s = %v; want ErrConflict period.data_changed", tc.name, err)
			}
			if snaps, _ := f.db.FindSnapshots(ctx, p.ID); len(snaps) != 0 {
				t.Errorf("a refused publish wrote %d snapshots", len(snaps))
			}
			if cur, _ := f.db.FindPeriodByID(ctx, p.ID); cur.Status != assessment.PeriodClosed || cur.Version != p.Version {
				t.Errorf("a refused publish changed the period: %s v%d", cur.Status, cur.Version)
			}
			fresh, err := f.db.PeriodDataMark(ctx, p.ID)
			if err != nil || fresh <= before {
				t.Fatalf("mark after the %s = %d, %v; want > %d", tc.name, fresh, err, before)
			}
			if _, err := f.db.PublishPeriod(ctx, admin, p.ID, p.Version, &assessment.Snapshot{DataMark: fresh}); err != nil {
				t.Fatalf("publish with the fresh mark: %v", err)
			}
		})
	}
}

func TestPublishPeriod_NegativeDataMark(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	p, err := f.db.SetPeriodStatus(ctx, admin, f.period.ID, f.period.Version, assessment.PeriodClosed, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.PublishPeriod(ctx, admin, p.ID, p.Version, &assessment.Snapshot{DataMark: -1}); !errors.Is(err, assessment.ErrInvalid) {
		t.Errorf("publish with mark -1 = %v; want ErrInvalid", err)
	}
}

// BenchmarkPeriodDataMark reads the data mark of a period whose audit log
// holds 100,000 value entries (500 units × 200 inputs), as a publish does
// once before computing and once in its transaction.
func BenchmarkPeriodDataMark(b *testing.B) {
	db, _ := MustOpen(b)
	ctx := context.Background()
	p, subs := seedPeriod(b, db, 500)
	var vals []assessment.CentralValue
	for _, s := range subs {
		for i := range 200 {
			vals = append(vals, assessment.CentralValue{UnitID: s.UnitID, ValueChange: num("SYS.01", fmt.Sprintf("in%03d", i), float64(i))})
		}
	}
	if _, err := db.ImportValues(ctx, admin, assessment.CentralImport{PeriodID: p.ID, Source: scoring.SourceSystem, Values: vals}); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if m, err := db.PeriodDataMark(ctx, p.ID); err != nil || m == 0 {
			b.Fatal(m, err)
		}
	}
}
