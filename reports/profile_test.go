package reports

import (
	"math"
	"strings"
	"testing"

	"github.com/dti-platform/dti/scoring"
)

// profileResults are chartTestResults with max points on the indicators:
// NTS.01 10, TCS.01 20, CQ.01 30, HD.01 40.
func profileResults() *scoring.Results {
	res := chartTestResults()
	maxes := map[string]float64{"NTS.01": 10, "TCS.01": 20, "CQ.01": 30, "HD.01": 40}
	for i := range res.Units {
		for k := range res.Units[i].Nodes {
			nr := &res.Units[i].Nodes[k]
			if m, ok := maxes[nr.Code]; ok {
				nr.MaxPoints = m
				nr.Points = nr.Value * m
			}
		}
	}
	return res
}

func TestUnitProfile(t *testing.T) {
	ix := chartTestIndex()
	res := profileResults()
	p, err := UnitProfile(ix, res, "S1", 2)
	if err != nil {
		t.Fatal(err)
	}
	if p.Unit.Code != "S1" || p.BlockUnits != 3 {
		t.Errorf("unit %s in a block of %d; want S1 in a block of 3", p.Unit.Code, p.BlockUnits)
	}
	// Pillars: the block SO has S1 (0.6 0.8 0.7), S2 (1 – 0.9), S3 (0.2 0.3 0.4).
	wantPillars := []struct {
		code     string
		value    float64
		avg      float64
		hasValue bool
	}{
		{"CQS", 0.6, 0.6, true},
		{"KTS", 0.8, 0.55, true},
		{"XHS", 0.7, 2.0 / 3, true},
	}
	if len(p.Pillars) != len(wantPillars) {
		t.Fatalf("%d pillars; want %d", len(p.Pillars), len(wantPillars))
	}
	for i, w := range wantPillars {
		got := p.Pillars[i]
		if got.Code != w.code || got.Value != w.value || math.Abs(got.BlockAverage-w.avg) > 1e-9 || got.HasValue != w.hasValue {
			t.Errorf("pillar %d = %+v; want %+v", i, got, w)
		}
	}
	// Groups in tree order with depth; CQ's average leaves out S2, for
	// which it does not apply.
	var groups []string
	for _, g := range p.Groups {
		groups = append(groups, g.Code)
		if g.Code == "CQ" && math.Abs(g.BlockAverage-0.6) > 1e-9 {
			t.Errorf("CQ block average = %v; want 0.6", g.BlockAverage)
		}
		if g.Code == "NTS" && g.Depth != 1 {
			t.Errorf("NTS depth = %d; want 1", g.Depth)
		}
	}
	if got := strings.Join(groups, " "); got != "NT NTS TCS HD CQ" {
		t.Errorf("groups = %s; want NT NTS TCS HD CQ", got)
	}
	// S1's value is 0.7; its indicators: NTS.01 0.5 (10), TCS.01 0.7 (20),
	// CQ.01 0.8 (30), HD.01 0.8 (40). Equal shares: the one worth more
	// first.
	if got := codes(p.Strengths); got != "HD.01 CQ.01" {
		t.Errorf("strengths = %s; want HD.01 CQ.01", got)
	}
	// TCS.01 scores the unit's own value 0.7: neither.
	if got := codes(p.Weaknesses); got != "NTS.01" {
		t.Errorf("weaknesses = %s; want NTS.01", got)
	}
}

func TestUnitProfile_Highlights(t *testing.T) {
	tests := []struct {
		name         string
		values       []float64 // NTS.01 TCS.01 CQ.01 HD.01; the unit's value is 0.7
		n            int
		strong, weak string
	}{
		{"one each", []float64{0.5, 0.7, 0.8, 0.8}, 1, "HD.01", "NTS.01"},
		{"more asked than there are", []float64{0.5, 0.6, 0.8, 0.9}, 10, "HD.01 CQ.01", "NTS.01 TCS.01"},
		{"at the unit's value: neither", []float64{0.7, 0.7, 0.7, 0.7}, 3, "", ""},
		{"all full: no weakness", []float64{1, 1, 1, 1}, 2, "HD.01 CQ.01", ""},
		{"all zero: no strength", []float64{0, 0, 0, 0}, 2, "", "HD.01 CQ.01"},
		{"not applicable left out", []float64{math.NaN(), 0.2, 0.4, 0.9}, 3, "HD.01", "TCS.01 CQ.01"},
		{"none asked", []float64{0.5, 0.7, 0.8, 0.8}, 0, "", ""},
	}
	codesAt := map[string]int{"NTS.01": 2, "TCS.01": 4, "CQ.01": 7, "HD.01": 8}
	order := []string{"NTS.01", "TCS.01", "CQ.01", "HD.01"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := profileResults()
			u := &res.Units[0]
			for i, c := range order {
				nr := &u.Nodes[codesAt[c]]
				nr.Value = tt.values[i]
				nr.Applicable = !math.IsNaN(tt.values[i])
			}
			p, err := UnitProfile(chartTestIndex(), res, "S1", tt.n)
			if err != nil {
				t.Fatal(err)
			}
			if got := codes(p.Strengths); got != tt.strong {
				t.Errorf("strengths = %q; want %q", got, tt.strong)
			}
			if got := codes(p.Weaknesses); got != tt.weak {
				t.Errorf("weaknesses = %q; want %q", got, tt.weak)
			}
		})
	}
}

func TestUnitProfile_Errors(t *testing.T) {
	ix := chartTestIndex()
	res := profileResults()
	if _, err := UnitProfile(ix, res, "NOPE", 3); err == nil || !strings.Contains(err.Error(), `"NOPE"`) {
		t.Errorf("unknown unit: %v; want an error naming it", err)
	}
	res.IndexCode = "OTHER"
	if _, err := UnitProfile(ix, res, "S1", 3); err == nil || !strings.Contains(err.Error(), "OTHER") {
		t.Errorf("other index: %v; want an error naming it", err)
	}
	if _, err := UnitProfile(nil, res, "S1", 3); err == nil {
		t.Error("nil index: no error")
	}
}

func codes(ns []ProfileNode) string {
	var out []string
	for _, n := range ns {
		out = append(out, n.Code)
	}
	return strings.Join(out, " ")
}
