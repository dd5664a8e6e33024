package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/assessment/sqlite"
	"github.com/dti-platform/dti/scoring"
)

// loadSmallIndex parses the scoring package's small test index.
func loadSmallIndex(t testing.TB) *scoring.Index {
	t.Helper()
	src, err := os.ReadFile("../../scoring/testdata/small.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ix, err := scoring.ParseIndex(src)
	if err != nil {
		t.Fatalf("ParseIndex: %v", err)
	}
	return ix
}

// slotValue returns the value of an input of a unit in ds.
func slotValue(t *testing.T, ix *scoring.Index, ds *scoring.Dataset, unit, ind, in string) scoring.Value {
	t.Helper()
	s, ok := ix.Slot(ind, in)
	if !ok {
		t.Fatalf("no slot for %s/%s", ind, in)
	}
	for _, u := range ds.Units {
		if u.Code == unit {
			return u.Values[s]
		}
	}
	t.Fatalf("unit %s not in dataset", unit)
	return scoring.Value{}
}

func TestLoadDataset(t *testing.T) {
	ctx := context.Background()
	db, _ := MustOpen(t)
	ix := loadSmallIndex(t)
	p := &assessment.Period{Code: "SMALL-2025", Name: "Small 2025", Year: 2025, Status: assessment.PeriodOpen,
		IndexCode: ix.Code, IndexVersion: ix.Version, IndexHash: ix.Hash, IndexSource: ix.Source}
	if err := db.CreatePeriod(ctx, admin, p); err != nil {
		t.Fatal(err)
	}
	units := map[string]*assessment.Unit{}
	for _, u := range []*assessment.Unit{
		{Code: "SO-TC", NameVI: "Sở Tài chính", Type: "department", Active: true, Attrs: map[string]string{"staff": "120"}},
		{Code: "SO-YT", NameVI: "Sở Y tế", Type: "department", Active: true},
		{Code: "H-CP", NameVI: "Huyện Cao Phong", Type: "district", Active: true, Block: "HUYEN"},
		{Code: "SO-CU", NameVI: "Sở đã giải thể", Type: "department", Active: false},
		{Code: "H-LS", NameVI: "Huyện đã sáp nhập", Type: "district", Active: true},
		{Code: "X-BP", NameVI: "Xã Bắc Phong", Type: "commune", Active: true},
	} {
		if err := db.CreateUnit(ctx, admin, u); err != nil {
			t.Fatal(err)
		}
		units[u.Code] = u
	}
	save := func(unit string, changes ...assessment.ValueChange) *assessment.Submission {
		s, err := db.EnsureSubmission(ctx, admin, p.ID, units[unit].ID)
		if err != nil {
			t.Fatal(err)
		}
		s, err = db.SaveValues(ctx, admin, assessment.ValueSave{SubmissionID: s.ID, Version: s.Version, Changes: changes})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	text := func(ind, in, v string) assessment.ValueChange {
		return assessment.ValueChange{Indicator: ind, Input: in, Text: v}
	}
	tc := save("SO-TC", num("A.1", "has_plan", 1), text("A.2", "chair_role", "head"), num("A.4", "signed_pct", 70),
		num("GONE.1", "x", 5)) // an input the index does not know is skipped
	save("SO-YT", text("A.2", "chair_role", "none"))
	save("SO-CU", text("A.2", "chair_role", "head"))
	// H-LS submitted, then was merged away (deactivated): it still counts
	// in this period.
	ls := save("H-LS", text("A.2", "chair_role", "deputy"))
	if _, err := db.TransitionSubmission(ctx, admin, assessment.Transition{SubmissionID: ls.ID, Version: ls.Version, To: assessment.SubmissionSubmitted}); err != nil {
		t.Fatal(err)
	}
	inactive := false
	if _, err := db.UpdateUnit(ctx, admin, units["H-LS"].ID, assessment.UnitUpdate{Active: &inactive}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ImportValues(ctx, admin, assessment.CentralImport{PeriodID: p.ID, Source: scoring.SourceSecretariat,
		Values: []assessment.CentralValue{{UnitID: units["SO-TC"].ID, ValueChange: num("BONUS.01", "awards", 1)}}}); err != nil {
		t.Fatal(err)
	}
	tc = mustSub(t)(db.FindSubmissionByID(ctx, tc.ID))

	// Review: round 1 adjusts A.2's value and then A.1's score; round 2
	// accepts A.2 again, which replaces the adjustment.
	tc, err := db.TransitionSubmission(ctx, admin, assessment.Transition{SubmissionID: tc.ID, Version: tc.Version, To: assessment.SubmissionSubmitted})
	if err != nil {
		t.Fatal(err)
	}
	decide := func(r assessment.Review) {
		r.SubmissionID = tc.ID
		if err := db.SaveReview(ctx, admin, &r, nil); err != nil {
			t.Fatal(err)
		}
	}
	decide(assessment.Review{Indicator: "A.2", Decision: assessment.DecisionAdjustValue, Reason: "biên bản ghi cấp phó",
		AdjustedValues: []assessment.AdjustedValue{{Input: "chair_role", Text: "deputy"}}})
	decide(assessment.Review{Indicator: "A.1", Decision: assessment.DecisionAdjustScore, Reason: "kế hoạch chưa đủ nội dung", AdjustedPoints: fp(5)})
	decide(assessment.Review{Indicator: "A.4", Decision: assessment.DecisionNotApplicable, Reason: "không có văn bản đi"})

	tests := []struct {
		kind          assessment.DatasetKind
		wantChair     string
		wantOverrides string
	}{
		{assessment.DatasetSelf, "head", "map[]"},
		{assessment.DatasetAppraised, "deputy", "map[]"},
		{assessment.DatasetFinal, "deputy", "map[A.1:5]"},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			ds, err := db.LoadDataset(ctx, p.ID, tt.kind, ix)
			if err != nil {
				t.Fatal(err)
			}
			var codes []string
			for _, u := range ds.Units {
				codes = append(codes, u.Code+":"+u.Block)
				if len(u.Values) != ix.NumSlots() {
					t.Errorf("%s has %d values; want %d slots", u.Code, len(u.Values), ix.NumSlots())
				}
			}
			if got := strings.Join(codes, " "); got != "H-CP:HUYEN H-LS:HUYEN SO-TC:SO SO-YT:SO" || ds.Year != 2025 {
				t.Errorf("units = %s, year %d; want H-CP:HUYEN H-LS:HUYEN SO-TC:SO SO-YT:SO (inactive without submission and unknown types left out), 2025", got, ds.Year)
			}
			if v := slotValue(t, ix, ds, "SO-TC", "A.2", "chair_role"); !v.Set || v.Text != tt.wantChair {
				t.Errorf("SO-TC A.2 chair_role = %+v; want %q", v, tt.wantChair)
			}
			if v := slotValue(t, ix, ds, "SO-TC", "A.1", "has_plan"); !v.Set || v.Num != 1 {
				t.Errorf("SO-TC A.1 has_plan = %+v; want 1", v)
			}
			if v := slotValue(t, ix, ds, "SO-TC", "BONUS.01", "awards"); !v.Set || v.Num != 1 {
				t.Errorf("SO-TC BONUS.01 awards = %+v; want 1", v)
			}
			if v := slotValue(t, ix, ds, "SO-YT", "A.1", "has_plan"); v.Set {
				t.Errorf("SO-YT A.1 has_plan = %+v; want missing", v)
			}
			tcData := ds.Units[2]
			if got := fmt.Sprint(tcData.Overrides); got != tt.wantOverrides {
				t.Errorf("overrides = %s; want %s", got, tt.wantOverrides)
			}
			if !tcData.NotApplicable["A.4"] || tcData.Attrs["staff"] != "120" {
				t.Errorf("SO-TC not applicable = %v, attrs = %v", tcData.NotApplicable, tcData.Attrs)
			}
			res, err := scoring.Score(ix, ds, scoring.Options{})
			if err != nil {
				t.Fatalf("Score: %v", err)
			}
			if len(res.Units) != 4 {
				t.Errorf("Score gave %d units", len(res.Units))
			}
		})
	}

	// A later round's acceptance replaces the round-1 value adjustment.
	tc = mustSub(t)(db.FindSubmissionByID(ctx, tc.ID))
	tc = mustSub(t)(db.TransitionSubmission(ctx, admin, assessment.Transition{SubmissionID: tc.ID, Version: tc.Version, To: assessment.SubmissionReturned, Comment: "x"}))
	tc = mustSub(t)(db.TransitionSubmission(ctx, admin, assessment.Transition{SubmissionID: tc.ID, Version: tc.Version, To: assessment.SubmissionResubmitted}))
	decide(assessment.Review{Indicator: "A.2", Decision: assessment.DecisionAccept})
	ds, err := db.LoadDataset(ctx, p.ID, assessment.DatasetFinal, ix)
	if err != nil {
		t.Fatal(err)
	}
	if v := slotValue(t, ix, ds, "SO-TC", "A.2", "chair_role"); v.Text != "head" {
		t.Errorf("after round 2 acceptance, A.2 chair_role = %q; want head", v.Text)
	}
	if ds.Units[2].Overrides["A.1"] != 5 {
		t.Errorf("round-1 score adjustment on A.1 lost: %v", ds.Units[2].Overrides)
	}

	if err := db.CheckPacked(ctx); err != nil {
		t.Errorf("packed values: %v", err)
	}
	if _, err := db.LoadDataset(ctx, 999, assessment.DatasetSelf, ix); !errors.Is(err, assessment.ErrNotFound) {
		t.Errorf("LoadDataset(missing period) = %v; want ErrNotFound", err)
	}
	if _, err := db.LoadDataset(ctx, p.ID, "other", ix); !errors.Is(err, assessment.ErrInvalid) {
		t.Errorf("LoadDataset(bad kind) = %v; want ErrInvalid", err)
	}
}

// bigIndex returns a points index with n indicators of one count input
// each, in groups of 10.
func bigIndex(tb testing.TB, n int) *scoring.Index {
	tb.Helper()
	var b strings.Builder
	b.WriteString(`schema_version: 1
index: {code: BIG, version: "1", name: {vi: Lớn}, style: points, scale: 1000, rounding: {value_decimals: 4, points_decimals: 2}}
unit_types:
  - {code: department, name: {vi: Sở}}
  - {code: commune, name: {vi: Xã}, enabled: true}
blocks:
  - {code: SO, name: {vi: Khối sở}, unit_types: [department], ranked: true}
  - {code: XA, name: {vi: Khối xã}, unit_types: [commune], ranked: true}
bands:
  - {code: A, name: {vi: A}, min_percent: 50}
  - {code: B, name: {vi: B}, min_percent: 0}
defaults: {missing: {policy: zero}, peers: block}
tree:
`)
	groups := n / 10
	for g := range groups {
		fmt.Fprintf(&b, "  - code: G%02d\n    name: {vi: Nhóm %d}\n    children:\n", g, g)
		for i := range 10 {
			fmt.Fprintf(&b, `      - code: G%02d.%d
        name: {vi: Chỉ số %d}
        max_points: %g
        inputs: [{key: v, label: {vi: Giá trị}, type: count}]
        scoring: {method: count_capped, input: v, per_item: 0.1}
`, g, i, i, 1000.0/float64(n))
		}
	}
	ix, err := scoring.ParseIndex([]byte(b.String()))
	if err != nil {
		tb.Fatalf("ParseIndex: %v", err)
	}
	return ix
}

// BenchmarkLoadDataset loads the final dataset of 3,500 units × 100
// indicators (350,000 values) with a few hundred review decisions.
func BenchmarkLoadDataset(b *testing.B) {
	ctx := context.Background()
	db, _ := MustOpen(b)
	ix := bigIndex(b, 100)
	p := &assessment.Period{Code: "BIG", Name: "Big", Year: 2025, Status: assessment.PeriodOpen,
		IndexCode: ix.Code, IndexVersion: ix.Version, IndexHash: ix.Hash, IndexSource: ix.Source}
	if err := db.CreatePeriod(ctx, admin, p); err != nil {
		b.Fatal(err)
	}
	const nUnits = 3500
	var vals []sqlite.BulkValue
	var subs []*assessment.Submission
	for i := range nUnits {
		typ := "commune"
		if i < 50 {
			typ = "department"
		}
		u := &assessment.Unit{Code: fmt.Sprintf("U%04d", i), NameVI: fmt.Sprintf("Đơn vị %d", i), Type: typ, Active: true}
		if err := db.CreateUnit(ctx, admin, u); err != nil {
			b.Fatal(err)
		}
		s, err := db.EnsureSubmission(ctx, admin, p.ID, u.ID)
		if err != nil {
			b.Fatal(err)
		}
		subs = append(subs, s)
		for _, n := range ix.Indicators() {
			v := float64((i + len(n.Code)) % 12)
			vals = append(vals, sqlite.BulkValue{SubmissionID: s.ID, Indicator: n.Code, Input: "v", Text: formatNum(v), Num: v})
		}
	}
	if err := db.BulkInsertValues(vals); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < 300; i++ {
		r := &assessment.Review{SubmissionID: subs[i*10].ID, Indicator: "G03.4", Decision: assessment.DecisionAdjustValue, Reason: "x",
			AdjustedValues: []assessment.AdjustedValue{{Input: "v", Text: "3", Num: fp(3)}}}
		if i%2 == 1 {
			r = &assessment.Review{SubmissionID: subs[i*10].ID, Indicator: "G05.1", Decision: assessment.DecisionAdjustScore, Reason: "x", AdjustedPoints: fp(1)}
		}
		if err := db.SaveReview(ctx, admin, r, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	cpu0 := processCPU()
	for b.Loop() {
		ds, err := db.LoadDataset(ctx, p.ID, assessment.DatasetFinal, ix)
		if err != nil {
			b.Fatal(err)
		}
		if len(ds.Units) != nUnits {
			b.Fatalf("%d units", len(ds.Units))
		}
	}
	// CPU time is steadier than wall time on a shared machine.
	b.ReportMetric(float64((processCPU()-cpu0).Milliseconds())/float64(b.N), "cpu-ms/op")
}

// processCPU returns the user and system CPU time of the process so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
