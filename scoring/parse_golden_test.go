package scoring

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestParseIndex_Golden compares a text dump of the parsed model (every
// resolved default, applicability, max points per unit type, method
// parameter and input slot) with testdata/golden/parse-*.txt, so that a
// change in how a file is read shows up as a reviewable diff. Run
// `go test ./scoring -run Golden -update` to rewrite the files.
func TestParseIndex_Golden(t *testing.T) {
	for _, tt := range []struct{ name, file string }{
		{"small", "testdata/small.yaml"},
		{"composite", "testdata/composite.yaml"},
		{"indicators", "../indicators.yaml"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := dumpIndex(mustParseFile(t, tt.file))
			golden := filepath.Join("testdata", "golden", "parse-"+tt.name+".txt")
			if updateGolden() {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("parsed model of %s differs from %s; run with -update and review the diff:\n%s",
					tt.file, golden, firstDiff(string(want), got))
			}
		})
	}
}

// updateGolden reports whether the package's -update flag (declared with
// the engine's golden tests) is set; looked up by name so this file does
// not depend on where the flag is declared.
func updateGolden() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// firstDiff shows the first differing line of two dumps.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\n- %s\n+ %s", i+1, a, b)
		}
	}
	return ""
}

// dumpIndex renders the model deterministically, one fact per line.
func dumpIndex(ix *Index) string {
	var b strings.Builder
	p := func(depth int, format string, args ...any) {
		b.WriteString(strings.Repeat("  ", depth))
		fmt.Fprintf(&b, format, args...)
		b.WriteByte('\n')
	}
	p(0, "index %s %s schema %d style %s scale %v rounding %d/%d", ix.Code, ix.Version, ix.SchemaVersion, ix.Style, ix.Scale,
		ix.Rounding.ValueDecimals, ix.Rounding.PointsDecimals)
	p(0, "name %q / %q", ix.Name.VI, ix.Name.EN)
	for _, u := range ix.UnitTypes {
		p(0, "unit type %s enabled %v %q @%d:%d", u.Code, u.Enabled, u.Name.VI, u.Pos.Line, u.Pos.Col)
	}
	for _, bl := range ix.Blocks {
		p(0, "block %s ranked %v types %v", bl.Code, bl.Ranked, bl.UnitTypes)
	}
	for _, pl := range ix.Pillars {
		p(0, "pillar %s %q", pl.Code, pl.Name.VI)
	}
	for _, bd := range ix.Bands {
		p(0, "band %s min %v exclusive %v", bd.Code, bd.MinPercent, bd.Exclusive)
	}
	p(0, "defaults missing %s/%s outliers %+v peers %s", ix.Defaults.Missing.Policy, ix.Defaults.Missing.GroupBy,
		ix.Defaults.Outliers, ix.Defaults.Peers)
	var node func(n *Node)
	node = func(n *Node) {
		d := n.Depth
		kind := "group"
		switch {
		case n.Adjustment != "":
			kind = n.Adjustment
		case n.IsIndicator():
			kind = "indicator"
		}
		p(d, "%s %s @%d:%d %q / %q", kind, n.Code, n.Pos.Line, n.Pos.Col, n.Name.VI, n.Name.EN)
		var max []string
		for _, u := range ix.UnitTypes {
			if ix.Applies(n, u.Code) {
				max = append(max, fmt.Sprintf("%s=%v", u.Code, ix.MaxPointsFor(n, u.Code)))
			}
		}
		p(d+1, "applies %s weight %v pillars %v", strings.Join(max, " "), n.Weight, n.Pillars)
		if !n.IsIndicator() {
			p(d+1, "aggregation %s missing_children %s", n.Aggregation, n.MissingChildren)
			for _, c := range n.Children {
				node(c)
			}
			return
		}
		p(d+1, "source %s optional %v evidence %v %q basis %q", n.Source, n.Optional, n.Evidence.Required, n.Evidence.Hint.VI, n.Basis)
		for _, in := range n.Inputs {
			slot, _ := ix.Slot(n.Code, in.Key)
			var opts []string
			for _, o := range in.Options {
				opts = append(opts, o.Value)
			}
			p(d+1, "input %s slot %d %s required %v source %s unit %q min %s max %s options %v label %q / %q",
				in.Key, slot, in.Type, in.Required, in.Source, in.Unit, ptr(in.Min), ptr(in.Max), opts, in.Label.VI, in.Label.EN)
		}
		dumpMethod(p, d+1, n.Method)
	}
	for _, n := range ix.Nodes {
		node(n)
	}
	for _, n := range ix.Adjustments {
		node(n)
	}
	return b.String()
}

func dumpMethod(p func(int, string, ...any), d int, m *Method) {
	p(d, "method %s input %q lower_is_better %v peers %q target %v zero %q", m.Kind, m.Input, m.LowerIsBetter, m.Peers, m.Target, m.OnZeroDiv)
	if v := m.Value; v != nil {
		p(d+1, "value input %q ratio_of %v multiply %v zero %q formula %s", v.Input, v.RatioOf, v.Multiply, v.OnZeroDiv, formulaText(v.Formula))
	}
	if m.Numerator != "" {
		p(d+1, "ratio %s / %s", m.Numerator, m.Denominator)
	}
	if len(m.Fractions) > 0 {
		keys := make([]string, 0, len(m.Fractions))
		for k := range m.Fractions {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%s=%v", k, m.Fractions[k]))
		}
		p(d+1, "fractions %s", strings.Join(parts, " "))
	}
	for _, t := range m.Tiers {
		p(d+1, "tier min %s max %s fraction %v", ptr(t.Min), ptr(t.Max), t.Fraction)
	}
	if m.Kind == MethodCountCapped {
		p(d+1, "per_item %v points_per_item %v cap %v", m.PerItem, m.PointsPerItem, m.Cap)
	}
	if m.Kind == MethodSurvey {
		p(d+1, "scale %v..%v min_responses %v from %q", m.ScaleMin, m.ScaleMax, m.MinCount, m.CountInput)
	}
	if m.Kind == MethodDeadline {
		p(d+1, "due %s late %v", m.Due, m.LateTiers)
	}
	if m.Formula != nil {
		p(d+1, "formula %s", formulaText(m.Formula))
	}
	if g := m.Goalposts; g != nil {
		p(d+1, "goalposts %v..%v", g.Low, g.High)
	}
	if m.DenominatorAttr != "" || m.Missing != nil || m.Outliers != nil {
		p(d+1, "denominator %q missing %v outliers %v", m.DenominatorAttr, m.Missing, m.Outliers)
	}
	for i, part := range m.Parts {
		p(d+1, "part %d share %v", i+1, part.Share)
		dumpMethod(p, d+2, part.Method)
	}
}

func formulaText(f *Formula) string {
	if f == nil {
		return "-"
	}
	return fmt.Sprintf("%q inputs %v @%d:%d", f.Text, f.Inputs, f.Pos.Line, f.Pos.Col)
}

func ptr(x *float64) string {
	if x == nil {
		return "-"
	}
	return fmt.Sprint(*x)
}
