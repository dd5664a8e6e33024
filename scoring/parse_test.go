package scoring

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
)

func mustParseFile(t *testing.T, path string) *Index {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := ParseIndex(data)
	if err != nil {
		t.Fatalf("ParseIndex(%s): %v", path, err)
	}
	return ix
}

func TestParseIndex_Small(t *testing.T) {
	ix := mustParseFile(t, "testdata/small.yaml")

	if ix.SchemaVersion != 1 || ix.Code != "SMALL" || ix.Version != "2025.1" || ix.Style != StylePoints || ix.Scale != 100 {
		t.Errorf("header = %d %q %q %q %v", ix.SchemaVersion, ix.Code, ix.Version, ix.Style, ix.Scale)
	}
	if ix.Name != (Text{VI: "Chỉ số thử nghiệm", EN: "Test index"}) {
		t.Errorf("Name = %+v", ix.Name)
	}
	if ix.Rounding != (Rounding{ValueDecimals: 4, PointsDecimals: 2}) {
		t.Errorf("Rounding = %+v", ix.Rounding)
	}
	if len(ix.Hash) != 64 || string(ix.Source[:len("# A small")]) != "# A small" {
		t.Errorf("Hash %q / Source not kept", ix.Hash)
	}
	if got := len(ix.UnitTypes); got != 2 || !ix.UnitTypes[1].Enabled || ix.UnitTypes[0].Name.VI != "Sở, ban, ngành" {
		t.Errorf("UnitTypes = %+v", ix.UnitTypes)
	}
	if b, ok := ix.Block("HUYEN"); !ok || !b.Ranked || !reflect.DeepEqual(b.UnitTypes, []string{"district"}) {
		t.Errorf("Block(HUYEN) = %+v, %v", b, ok)
	}
	if _, ok := ix.Pillar("XHS"); !ok || len(ix.Pillars) != 3 {
		t.Errorf("Pillars = %+v", ix.Pillars)
	}
	if len(ix.Bands) != 5 || ix.Bands[0].Code != "XUAT_SAC" || ix.Bands[4].MinPercent != 0 {
		t.Errorf("Bands = %+v", ix.Bands)
	}
	if ix.Defaults.Missing.Policy != MissingAsZero || ix.Defaults.Peers != PeersBlock || ix.Defaults.Outliers.Method != "none" {
		t.Errorf("Defaults = %+v", ix.Defaults)
	}

	var codes []string
	for _, n := range ix.AllNodes() {
		codes = append(codes, n.Code)
	}
	wantCodes := "A A.1 A.2 A.3 A.4 A.5 A.6 B B.1 B.2 B.3 B.4 B.5"
	if got := strings.Join(codes, " "); got != wantCodes {
		t.Errorf("AllNodes = %s; want %s", got, wantCodes)
	}
	if got := len(ix.Indicators()); got != 11 {
		t.Errorf("len(Indicators) = %d; want 11", got)
	}
	a1 := ix.Node("A.1")
	if a1.Parent != ix.Node("A") || a1.Depth != 1 || a1.Pos != (Pos{44, 9}) {
		t.Errorf("A.1 Parent/Depth/Pos = %v %d %v", a1.Parent.Code, a1.Depth, a1.Pos)
	}
	if !reflect.DeepEqual(a1.Pillars, []string{"CQS", "KTS"}) {
		t.Errorf("A.1 pillars = %v; want inherited CQS + own KTS", a1.Pillars)
	}
	if !a1.Evidence.Required || a1.Evidence.Hint.EN != "Plan number and date" {
		t.Errorf("A.1 evidence = %+v", a1.Evidence)
	}
	if a := ix.Node("A"); a.Aggregation != AggSum || a.MissingChildren != MissingSkip || a.IsIndicator() {
		t.Errorf("A aggregation = %q %q", a.Aggregation, a.MissingChildren)
	}

	// Methods and their parameters.
	m := ix.Node("A.2").Method
	if m.Kind != MethodChoice || m.Input != "chair_role" || !reflect.DeepEqual(m.Fractions, map[string]float64{"head": 1, "deputy": 0.5, "none": 0}) {
		t.Errorf("A.2 method = %+v", m)
	}
	m = ix.Node("A.3").Method
	if m.Kind != MethodRatio || m.Numerator != "online" || m.Denominator != "total" || m.Target != 0.8 || m.OnZeroDiv != ZeroDivFull {
		t.Errorf("A.3 method = %+v", m)
	}
	if m = ix.Node("A.4").Method; m.Target != 80 || m.Value == nil || m.Value.Input != "signed_pct" || !ix.Node("A.4").Optional {
		t.Errorf("A.4 method = %+v", m)
	}
	m = ix.Node("A.5").Method
	if m.Value == nil || !reflect.DeepEqual(m.Value.RatioOf, []string{"trained", "staff"}) || m.Value.Multiply != 100 || len(m.Tiers) != 3 || *m.Tiers[1].Min != 50 || m.Tiers[1].Fraction != 0.5 {
		t.Errorf("A.5 method = %+v value %+v", m, m.Value)
	}
	if m = ix.Node("A.6").Method; m.PerItem != 0.25 || m.Cap != 1 {
		t.Errorf("A.6 method = %+v", m)
	}
	if m = ix.Node("B.1").Method; m.Kind != MethodBestInBlock || m.Peers != PeersBlock {
		t.Errorf("B.1 method = %+v", m)
	}
	m = ix.Node("B.2").Method
	if m.ScaleMin != 1 || m.ScaleMax != 5 || m.MinCount != 30 || m.CountInput != "responses" {
		t.Errorf("B.2 method = %+v", m)
	}
	m = ix.Node("B.3").Method
	if m.Due != "12-15" || !reflect.DeepEqual(m.LateTiers, []LateTier{{0, 1}, {10, 0.5}}) {
		t.Errorf("B.3 method = %+v", m)
	}
	m = ix.Node("B.4").Method
	if m.Formula == nil || !reflect.DeepEqual(m.Formula.Inputs, []string{"done", "planned"}) {
		t.Fatalf("B.4 formula = %+v", m.Formula)
	}
	if got, err := m.Formula.Eval(map[string]any{"done": 3.0, "planned": 4.0}); err != nil || got != 0.75 {
		t.Errorf("B.4 Eval = %v, %v; want 0.75", got, err)
	}
	m = ix.Node("B.5").Method
	if len(m.Parts) != 2 || m.Parts[0].Share != 0.4 || m.Parts[1].Method.Kind != MethodTiers || !m.Parts[1].Method.LowerIsBetter {
		t.Errorf("B.5 parts = %+v", m.Parts)
	}

	// Inputs: sources resolve to the indicator's when not overridden.
	if in, ok := ix.Input("B.2", "score"); !ok || in.Source != SourceSurvey || *in.Min != 1 || *in.Max != 5 {
		t.Errorf("Input(B.2, score) = %+v, %v", in, ok)
	}
	if in, ok := ix.Input("A.3", "online"); !ok || in.Source != SourceSystem || !in.Source.ReadOnlyForUnit() {
		t.Errorf("Input(A.3, online) = %+v", in)
	}
	if _, ok := ix.Input("A.3", "nope"); ok {
		t.Error("Input(A.3, nope) found")
	}

	// Adjustments.
	if len(ix.Adjustments) != 2 || ix.Adjustments[0].Adjustment != "bonus" || ix.Adjustments[1].Adjustment != "penalty" {
		t.Errorf("Adjustments = %+v", ix.Adjustments)
	}
	if m := ix.Node("BONUS.01").Method; m.PointsPerItem != 5 {
		t.Errorf("BONUS.01 method = %+v", m)
	}
}

func TestIndex_Slots(t *testing.T) {
	ix := mustParseFile(t, "testdata/small.yaml")
	if got := ix.NumSlots(); got != 18 {
		t.Errorf("NumSlots = %d; want 18", got)
	}
	tests := []struct {
		ind, key string
		want     int
	}{
		{"A.1", "has_plan", 0},
		{"A.3", "total", 3},
		{"A.5", "trained", 5}, // document order, not alphabetical
		{"A.5", "staff", 6},
		{"B.5", "incidents", 15},
		{"BONUS.01", "awards", 16}, // adjustments after the tree
		{"PEN.01", "incident", 17},
	}
	for _, tt := range tests {
		if got, ok := ix.Slot(tt.ind, tt.key); !ok || got != tt.want {
			t.Errorf("Slot(%s, %s) = %d, %v; want %d", tt.ind, tt.key, got, ok, tt.want)
		}
	}
	if _, ok := ix.Slot("A.1", "missing"); ok {
		t.Error("Slot(A.1, missing) found")
	}
}

func TestIndex_ApplicabilityAndPoints(t *testing.T) {
	ix := mustParseFile(t, "testdata/small.yaml")
	tests := []struct {
		code, unitType string
		applies        bool
		max            float64
	}{
		{"A", "department", true, 60},
		{"A", "district", true, 60},
		{"B", "department", true, 40},
		{"B", "district", true, 40}, // no declared max: the sum of its children
		{"B.2", "department", true, 10},
		{"B.2", "district", true, 15}, // max_points_by
		{"B.3", "department", true, 10},
		{"B.3", "district", false, 0},
		{"B.4", "department", false, 0},
		{"B.4", "district", true, 5},
		{"BONUS.01", "district", true, 10},
		{"A.1", "commune", false, 0},
	}
	for _, tt := range tests {
		n := ix.Node(tt.code)
		if got := ix.Applies(n, tt.unitType); got != tt.applies {
			t.Errorf("Applies(%s, %s) = %v; want %v", tt.code, tt.unitType, got, tt.applies)
		}
		if got := ix.MaxPointsFor(n, tt.unitType); got != tt.max {
			t.Errorf("MaxPointsFor(%s, %s) = %v; want %v", tt.code, tt.unitType, got, tt.max)
		}
	}
	var dep []string
	for _, n := range ix.IndicatorsFor("department") {
		dep = append(dep, n.Code)
	}
	if got := strings.Join(dep, " "); got != "A.1 A.2 A.3 A.4 A.5 A.6 B.1 B.2 B.3 B.5" {
		t.Errorf("IndicatorsFor(department) = %s", got)
	}
	if _, ok := ix.UnitType("commune"); ok {
		t.Error("UnitType(commune) found")
	}
	// Unknown things are not found and never panic.
	if ix.Applies(nil, "department") || ix.MaxPointsFor(nil, "department") != 0 || ix.Node("NOPE") != nil {
		t.Error("nil or unknown node found")
	}
	if _, ok := ix.Input("NOPE", "x"); ok {
		t.Error("Input(NOPE, x) found")
	}
	if _, ok := ix.Block("NOPE"); ok {
		t.Error("Block(NOPE) found")
	}
	if _, ok := ix.Pillar("NOPE"); ok {
		t.Error("Pillar(NOPE) found")
	}
	if got := ix.IndicatorsFor("commune"); len(got) != 0 {
		t.Errorf("IndicatorsFor(commune) = %d indicators", len(got))
	}
}

func TestIndex_BandFor(t *testing.T) {
	ix := mustParseFile(t, "testdata/small.yaml")
	tests := []struct {
		value float64
		want  string
	}{
		{1, "XUAT_SAC"},
		{0.9, "XUAT_SAC"},
		{0.8999, "TOT"},
		{0.8, "TOT"},
		{0.65, "KHA"},
		{0.29, "YEU"},
		{0.5, "TRUNG_BINH"},
		{0, "YEU"},
	}
	for _, tt := range tests {
		if b, ok := ix.BandFor(tt.value); !ok || b.Code != tt.want {
			t.Errorf("BandFor(%v) = %s, %v; want %s", tt.value, b.Code, ok, tt.want)
		}
	}
	// Exclusive bounds (Lào Cai: "trên 75%") and float noise.
	ex := &Index{Bands: []Band{{Code: "DAN_DAT", MinPercent: 75, Exclusive: true}, {Code: "NANG_CAO", MinPercent: 29}, {Code: "KHOI_DONG"}}}
	for _, tt := range []struct {
		value float64
		want  string
	}{{0.75, "NANG_CAO"}, {0.7501, "DAN_DAT"}, {0.29, "NANG_CAO"}, {0.2899, "KHOI_DONG"}} {
		if b, _ := ex.BandFor(tt.value); b.Code != tt.want {
			t.Errorf("BandFor(%v) = %s; want %s", tt.value, b.Code, tt.want)
		}
	}
	if _, ok := (&Index{}).BandFor(0.5); ok {
		t.Error("BandFor without bands found a band")
	}
}

// TestParseIndex_Hostile checks that files built to exhaust the parser
// (alias bombs, self-referencing aliases, deep nesting) end in problems.
func TestParseIndex_Hostile(t *testing.T) {
	bomb := strings.Builder{}
	bomb.WriteString("schema_version: 1\nx0: &a0 {code: X, name: {vi: x}, inputs: [{key: a, label: {vi: a}, type: count}], scoring: {method: boolean, input: a}}\n")
	bomb.WriteString("t1: &a1 [*a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0, *a0]\n")
	for i := 2; i < 9; i++ {
		fmt.Fprintf(&bomb, "t%d: &a%d [", i, i)
		for j := 0; j < 10; j++ {
			if j > 0 {
				bomb.WriteString(", ")
			}
			fmt.Fprintf(&bomb, "{name: {vi: g}, children: *a%d}", i-1)
		}
		bomb.WriteString("]\n")
	}
	bomb.WriteString("tree: *a8\n")
	deep := "schema_version: 1\ntree:\n" + strings.Repeat("  ", 0)
	for i := 0; i < 40; i++ {
		deep += strings.Repeat("  ", 2*i) + fmt.Sprintf("- code: N%d\n", i) + strings.Repeat("  ", 2*i+1) + "children:\n"
	}
	tests := []struct {
		name, src, want string
	}{
		{"alias bomb", bomb.String(), "file too large"},
		{"self-referencing alias", "schema_version: 1\ntree: &t [{code: G, name: {vi: g}, children: *t}]\n", "nested deeper than 32 levels"},
		{"deep nesting", deep, "nested deeper than 32 levels"},
		{"alias cycle in a key list", "schema_version: 1\nunit_types: &u [*u]\n", "unit_types[0] must be a mapping, got a list"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ix, err := ParseIndex([]byte(tt.src))
			if err == nil || ix != nil {
				t.Fatalf("ParseIndex = %v, %v; want problems", ix, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseIndex problems:\n%v\nwant one containing %q", err, tt.want)
			}
		})
	}
}

func TestParseIndex_Composite(t *testing.T) {
	ix := mustParseFile(t, "testdata/composite.yaml")
	if ix.Style != StyleComposite || ix.Scale != 100 {
		t.Errorf("style %s scale %v; want composite 100 (the composite default)", ix.Style, ix.Scale)
	}
	if ix.Defaults.Missing.Policy != MissingMean || ix.Defaults.Peers != PeersAll {
		t.Errorf("defaults = %+v", ix.Defaults)
	}
	if o := ix.Defaults.Outliers; o != (Outliers{Method: "winsorise", MaxSkew: 2, MaxKurtosis: 3.5, MaxPoints: 5, Fallback: "log"}) {
		t.Errorf("outlier defaults = %+v; want COINr's", o)
	}
	root := ix.Node("Index")
	if root.Aggregation != AggGeometric || root.MissingChildren != MissingNA {
		t.Errorf("Index = %s %s", root.Aggregation, root.MissingChildren)
	}
	if econ := ix.Node("Econ"); econ.Aggregation != AggMean || econ.Weight != 2 || econ.MissingChildren != MissingSkip {
		t.Errorf("Econ = %s weight %v %s; want mean (the composite default), 2, skip", econ.Aggregation, econ.Weight, econ.MissingChildren)
	}
	tests := []struct {
		code  string
		check func(n *Node) bool
	}{
		{"GDP", func(n *Node) bool {
			m := n.Method
			return n.Weight == 0.5 && m.Kind == MethodMinMax && m.Goalposts == nil && m.Peers == PeersAll &&
				m.DenominatorAttr == "Population" && *m.Missing == (Missing{MissingGroupMean, "Group"}) && m.Outliers == nil
		}},
		{"Trade", func(n *Node) bool {
			m := n.Method
			return n.Weight == 1 && m.Kind == MethodZScore && m.Peers == PeersBlock && m.Outliers.Method == "none" &&
				m.Value.Formula != nil && strings.Join(m.Value.Formula.Inputs, ",") == "exports,imports"
		}},
		{"Unemp", func(n *Node) bool { return n.Method.Kind == MethodRank && n.Method.LowerIsBetter }},
		{"Net", func(n *Node) bool {
			v := n.Method.Value
			return n.Method.Kind == MethodPercentile && v.Multiply == 100 && v.OnZeroDiv == ZeroDivMissing &&
				n.Method.Missing.Policy == MissingNone
		}},
		{"Life", func(n *Node) bool {
			m := n.Method
			return m.Goalposts != nil && *m.Goalposts == (Goalposts{40, 90}) && m.Peers == ""
		}},
	}
	for _, tt := range tests {
		if n := ix.Node(tt.code); n == nil || !tt.check(n) {
			t.Errorf("%s parsed as %+v (method %+v)", tt.code, n, n.Method)
		}
	}
	// No points in a composite index.
	if got := ix.MaxPointsFor(ix.Node("GDP"), "country"); got != 0 {
		t.Errorf("MaxPointsFor(GDP) = %v; want 0 in a composite index", got)
	}
	if !ix.Applies(ix.Node("GDP"), "region") {
		t.Error("GDP does not apply to the disabled type region; applies_to absent means every type")
	}
}

// TestParseIndex_AnchorsAndMerges checks that anchors (held under "x-"
// top-level keys), aliases and merge keys can share parts of a file, that a
// mapping's own keys win over merged ones, and that merged keys are checked
// like the others.
func TestParseIndex_AnchorsAndMerges(t *testing.T) {
	src := `schema_version: 1
index: {code: M, version: "1", name: {vi: M}, scale: 20}
unit_types: [{code: u, name: {vi: U}}]
blocks: [{code: B, name: {vi: B}, unit_types: [u]}]
x-ratio: &ratio {method: ratio, numerator: a, denominator: b, target: 0.5}
x-inputs: &inputs
  - {key: a, label: {vi: A}, type: count}
  - {key: b, label: {vi: B}, type: count}
x-unused: {anything: [goes, here]}
tree:
  - code: R1
    name: {vi: R1}
    max_points: 10
    inputs: *inputs
    scoring: *ratio
  - code: R2
    name: {vi: R2}
    max_points: 10
    inputs: *inputs
    scoring:
      <<: *ratio
      target: 1
`
	ix, err := ParseIndex([]byte(src))
	if err != nil {
		t.Fatalf("ParseIndex: %v", err)
	}
	r1, r2 := ix.Node("R1").Method, ix.Node("R2").Method
	if r1.Target != 0.5 || r2.Target != 1 || r2.Numerator != "a" || r2.Denominator != "b" {
		t.Errorf("R1 target %v, R2 %+v; want 0.5 and a merged ratio with target 1", r1.Target, r2)
	}
	if s1, _ := ix.Slot("R2", "b"); s1 != 3 || ix.NumSlots() != 4 {
		t.Errorf("Slot(R2, b) = %d of %d; want 3 of 4", s1, ix.NumSlots())
	}
	bad := strings.Replace(src, "      target: 1\n", "      target: 1\n      <<: {fractions: {x: 1}}\n", 1)
	if _, err := ParseIndex([]byte(bad)); err == nil || !strings.Contains(err.Error(), `indicator R2: key "fractions" does not apply to method ratio`) {
		t.Errorf("merged key of another method: %v", err)
	}
}

// TestParseIndex_ProblemNodes checks that each problem names the code of
// the node it is about (Problem.Node), so callers can link to it.
func TestParseIndex_ProblemNodes(t *testing.T) {
	data, err := os.ReadFile("testdata/many_problems.yaml")
	if err != nil {
		t.Fatal(err)
	}
	_, err = ParseIndex(data)
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("ParseIndex error %v", err)
	}
	var got []string
	for _, p := range ve.Problems {
		got = append(got, p.Node)
	}
	want := ",,department,district,YEU,YEU,G.1,G.1,G.1,G.1"
	if strings.Join(got, ",") != want {
		t.Errorf("problem nodes = %s; want %s", strings.Join(got, ","), want)
	}
}

func TestParseIndex_TooLarge(t *testing.T) {
	data := make([]byte, MaxIndexSize+1)
	for i := range data {
		data[i] = '#'
	}
	_, err := ParseIndex(data)
	if err == nil || err.Error() != fmt.Sprintf("the file is too large: %d bytes, at most %d", MaxIndexSize+1, MaxIndexSize) {
		t.Errorf("ParseIndex(%d bytes) = %v", len(data), err)
	}
}
