package scoring

import (
	"slices"
	"testing"
)

func TestMethod_PeerRelative(t *testing.T) {
	peer := &Method{Kind: MethodBestInBlock}
	alone := &Method{Kind: MethodBoolean}
	tests := []struct {
		name string
		m    *Method
		want bool
	}{
		{"nil", nil, false},
		{"boolean", &Method{Kind: MethodBoolean}, false},
		{"choice", &Method{Kind: MethodChoice}, false},
		{"ratio", &Method{Kind: MethodRatio}, false},
		{"percent", &Method{Kind: MethodPercent}, false},
		{"tiers", &Method{Kind: MethodTiers}, false},
		{"count capped", &Method{Kind: MethodCountCapped}, false},
		{"survey", &Method{Kind: MethodSurvey}, false},
		{"deadline", &Method{Kind: MethodDeadline}, false},
		{"formula", &Method{Kind: MethodFormula}, false},
		{"best in block", &Method{Kind: MethodBestInBlock}, true},
		{"rank", &Method{Kind: MethodRank}, true},
		{"percentile", &Method{Kind: MethodPercentile}, true},
		{"zscore", &Method{Kind: MethodZScore}, true},
		{"minmax over peers", &Method{Kind: MethodMinMax}, true},
		{"minmax with goalposts", &Method{Kind: MethodMinMax, Goalposts: &Goalposts{Low: 0, High: 10}}, false},
		{"parts alone", &Method{Kind: MethodSumOfParts, Parts: []Part{{Share: 1, Method: alone}}}, false},
		{"parts with a peer part", &Method{Kind: MethodSumOfParts, Parts: []Part{{Share: 0.5, Method: alone}, {Share: 0.5, Method: peer}}}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.m.PeerRelative(); got != tt.want {
				t.Errorf("PeerRelative(%+v) = %v; want %v", tt.m, got, tt.want)
			}
		})
	}
}

func TestScoreProvisional(t *testing.T) {
	ix := scParseFile(t, "small.yaml")
	tests := []struct {
		name       string
		typ, block string
		vals       scIn
		wantPts    float64
		wantMax    float64
		wantPeer   []string
	}{
		{
			name: "department: best in block left out", typ: "department", block: "SO",
			vals:    scIn{"A.1/has_plan": true, "A.2/chair_role": "head", "B.1/services": 3, "BONUS.01/awards": 1},
			wantPts: 25, wantMax: 90, wantPeer: []string{"B.1"},
		},
		{
			name: "alone with nothing typed", typ: "department", block: "SO",
			vals: scIn{"B.1/services": 3}, wantPts: 0, wantMax: 90, wantPeer: []string{"B.1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ud := scUnit(t, ix, "U1", tt.typ, tt.block, tt.vals)
			pr, err := ScoreProvisional(ix, 2025, ud)
			if err != nil {
				t.Fatal(err)
			}
			if !pr.HasTotal || pr.Points != tt.wantPts || pr.MaxPoints != tt.wantMax {
				t.Errorf("ScoreProvisional = %v / %v (has total %v); want %v / %v", pr.Points, pr.MaxPoints, pr.HasTotal, tt.wantPts, tt.wantMax)
			}
			if !slices.Equal(pr.PeerRelative, tt.wantPeer) {
				t.Errorf("PeerRelative = %v; want %v", pr.PeerRelative, tt.wantPeer)
			}
			// The full result still scores B.1 against the unit itself:
			// full points, which is why it is left out.
			if pr.Result == nil || pr.Result.Points < pr.Points {
				t.Errorf("Result.Points = %v; want at least the provisional %v", pr.Result.Points, pr.Points)
			}
		})
	}
}

func TestScoreProvisional_Composite(t *testing.T) {
	ix := scParseFile(t, "composite.yaml")
	if ix.Style != StyleComposite {
		t.Skip("composite.yaml is not composite-style")
	}
	ud := UnitData{Code: "U1", Type: ix.UnitTypes[0].Code, Block: ix.Blocks[0].Code, Values: make([]Value, ix.NumSlots())}
	pr, err := ScoreProvisional(ix, 2025, ud)
	if err != nil {
		t.Fatal(err)
	}
	if pr.HasTotal || pr.Points != 0 || pr.MaxPoints != 0 {
		t.Errorf("composite: HasTotal %v, %v / %v; want no total", pr.HasTotal, pr.Points, pr.MaxPoints)
	}
}
