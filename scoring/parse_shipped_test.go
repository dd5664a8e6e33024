package scoring

import (
	"fmt"
	"math"
	"os"
	"sort"
	"strings"
	"testing"
)

// TestShippedIndex checks the index the platform ships (../indicators.yaml):
// it parses without problems, has at least 60 indicators, gives every
// enabled unit type exactly 1000 points, exercises the methods the
// province's draft uses, and is bilingual throughout.
func TestShippedIndex(t *testing.T) {
	ix := mustParseFile(t, "../indicators.yaml")

	if got := len(ix.Indicators()); got < 60 {
		t.Errorf("%d indicators; want at least 60", got)
	}
	if ix.Style != StylePoints || ix.Scale != 1000 {
		t.Errorf("style %s scale %v; want points 1000", ix.Style, ix.Scale)
	}
	enabled := 0
	for _, u := range ix.UnitTypes {
		if !u.Enabled {
			continue
		}
		enabled++
		total := 0.0
		for _, n := range ix.IndicatorsFor(u.Code) {
			total += ix.MaxPointsFor(n, u.Code)
		}
		if math.Abs(total-1000) > 1e-9 {
			t.Errorf("unit type %s: indicators add up to %v; want 1000", u.Code, total)
		}
	}
	if enabled != 2 {
		t.Errorf("%d enabled unit types; want department and district", enabled)
	}
	if c, ok := ix.UnitType("commune"); !ok || c.Enabled {
		t.Errorf("commune = %+v, %v; want present and disabled", c, ok)
	}
	if got := len(ix.Pillars); got != 3 {
		t.Errorf("%d pillars; want CQS, KTS, XHS", got)
	}
	var bands []string
	for _, b := range ix.Bands {
		bands = append(bands, b.Name.VI)
	}
	if got := strings.Join(bands, ", "); got != "Xuất sắc, Tốt, Khá, Trung bình, Yếu" {
		t.Errorf("bands %s", got)
	}
	if b, ok := ix.Block("SO_KHONG_TTHC"); !ok || b.Ranked {
		t.Errorf("block SO_KHONG_TTHC = %+v; want assessed but not ranked", b)
	}
	var kinds []string
	for _, n := range ix.Adjustments {
		kinds = append(kinds, n.Adjustment)
	}
	if got := strings.Join(kinds, " "); !strings.Contains(got, "bonus") || !strings.Contains(got, "penalty") {
		t.Errorf("adjustments %s; want bonus and penalty", got)
	}

	// Methods, counting sum_of_parts parts and adjustments.
	used := map[MethodKind]bool{}
	var walk func(*Method)
	walk = func(m *Method) {
		used[m.Kind] = true
		for _, p := range m.Parts {
			walk(p.Method)
		}
	}
	for _, n := range append(ix.Indicators(), ix.Adjustments...) {
		walk(n.Method)
	}
	for _, k := range []MethodKind{MethodBoolean, MethodChoice, MethodRatio, MethodPercent, MethodTiers,
		MethodCountCapped, MethodBestInBlock, MethodSurvey, MethodDeadline, MethodSumOfParts, MethodFormula} {
		if !used[k] {
			t.Errorf("method %s is not used", k)
		}
	}

	// Bilingual: every name, label, option and hint has both languages;
	// system and secretariat sources appear.
	var missing []string
	check := func(what string, tx Text) {
		if tx.VI == "" || tx.EN == "" {
			missing = append(missing, what)
		}
	}
	sources := map[Source]bool{}
	for _, n := range append(ix.AllNodes(), ix.Adjustments...) {
		check("name of "+n.Code, n.Name)
		if n.Evidence.Hint != (Text{}) {
			check("evidence hint of "+n.Code, n.Evidence.Hint)
		}
		if n.Guidance != (Text{}) {
			check("guidance of "+n.Code, n.Guidance)
		}
		for _, in := range n.Inputs {
			check(fmt.Sprintf("label of %s/%s", n.Code, in.Key), in.Label)
			for _, o := range in.Options {
				check(fmt.Sprintf("option %s of %s/%s", o.Value, n.Code, in.Key), o.Label)
			}
			sources[in.Source] = true
		}
	}
	for _, u := range ix.UnitTypes {
		check("unit type "+u.Code, u.Name)
	}
	for _, b := range ix.Blocks {
		check("block "+b.Code, b.Name)
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("not bilingual: %s", strings.Join(missing, "; "))
	}
	for _, s := range []Source{SourceSelf, SourceSystem, SourceSurvey, SourceSecretariat} {
		if !sources[s] {
			t.Errorf("no input with source %s", s)
		}
	}
}

// TestShippedIndex_Scores checks that the engine scores the shipped index:
// a unit that reports nothing gets 0 and no error, for every enabled type.
func TestShippedIndex_Scores(t *testing.T) {
	ix := mustParseFile(t, "../indicators.yaml")
	ds := &Dataset{Year: 2025, Units: []UnitData{
		{Code: "SO_A", Name: "Sở A", Type: "department", Block: "SO_CO_TTHC"},
		{Code: "HUYEN_A", Name: "Huyện A", Type: "district", Block: "HUYEN"},
	}}
	res, err := Score(ix, ds, Options{})
	if err != nil {
		t.Fatalf("Score: %v", err)
	}
	for _, u := range res.Units {
		if u.Points != 0 {
			t.Errorf("unit %s: %v points with no data; want 0", u.Code, u.Points)
		}
	}
}

// BenchmarkParseIndex_Shipped measures parsing and validating the shipped
// index (done at start-up and by `dti validate`).
func BenchmarkParseIndex_Shipped(b *testing.B) {
	data, err := os.ReadFile("../indicators.yaml")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := ParseIndex(data); err != nil {
			b.Fatal(err)
		}
	}
}
