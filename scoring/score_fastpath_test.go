package scoring

import (
	"strings"
	"testing"
)

// TestScore_FastPathsMatchGeneral scores the synthetic benchmark period
// with and without explanations: explanations send every cell through the
// general evaluation, so equal results show that the per-type fast reading
// (present inputs, ratios, booleans, percents, not applicable) and the
// single-pass aggregation agree with it. The index is varied so that each
// fast case meets lower_is_better and indicators that do not apply.
func TestScore_FastPathsMatchGeneral(t *testing.T) {
	base := benchIndexYAML()
	variants := map[string]string{
		"as benchmarked": base,
		"lower is better": strings.NewReplacer(
			"{method: boolean, input: ok}", "{method: boolean, input: ok, lower_is_better: true}",
			"{method: percent, input: p, target: 80}", "{method: percent, input: p, lower_is_better: true}",
			"{method: ratio, numerator: a, denominator: b, target: 0.9}", "{method: ratio, numerator: a, denominator: b, lower_is_better: true}",
		).Replace(base),
		// I000 best_in_block, I001 minmax, I002 ratio and I003 percent do
		// not apply to communes; I004 makes up their points.
		"not applicable to communes": strings.NewReplacer(
			"- code: I000\n", "- code: I000\n            applies_to: [department, district]\n",
			"- code: I001\n", "- code: I001\n            applies_to: [department, district]\n",
			"- code: I002\n", "- code: I002\n            applies_to: [department, district]\n",
			"- code: I003\n", "- code: I003\n            applies_to: [department, district]\n",
			"- code: I004\n", "- code: I004\n            max_points_by: {commune: 50}\n",
		).Replace(base),
	}
	for _, name := range sortedMapKeys(variants) {
		t.Run(name, func(t *testing.T) {
			ix := scParse(t, variants[name])
			ds := benchDataset(ix, 300)
			// Zero denominators and zeros take the general path's branches.
			for u := range ds.Units {
				for i := range ds.Units[u].Values {
					if (u+i)%37 == 0 {
						ds.Units[u].Values[i] = Value{Set: true}
					}
				}
			}
			fast, err := Score(ix, ds, Options{})
			if err != nil {
				t.Fatal(err)
			}
			general, err := Score(ix, ds, Options{Explain: true})
			if err != nil {
				t.Fatal(err)
			}
			for u := range fast.Units {
				f, g := fast.Units[u], general.Units[u]
				for i := range g.Nodes {
					g.Nodes[i].Explanation = nil
				}
				for i := range g.Adjustments {
					g.Adjustments[i].Explanation = nil
				}
				if d := scDiffUnit(f, g); d != "" {
					t.Fatalf("unit %s: %s", f.Code, d)
				}
			}
		})
	}
}

// scDiffUnit names the first difference between two unit results.
func scDiffUnit(a, b UnitResult) string {
	if a.Code != b.Code || a.Value != b.Value || a.Points != b.Points || a.Adjustment != b.Adjustment || a.Rank != b.Rank || a.Band != b.Band {
		return "totals differ: " + a.Code + " " + fmtLocal(a.Points, "en") + " vs " + fmtLocal(b.Points, "en")
	}
	for _, part := range [][2][]NodeResult{{a.Nodes, b.Nodes}, {a.Pillars, b.Pillars}, {a.Adjustments, b.Adjustments}} {
		if len(part[0]) != len(part[1]) {
			return "node counts differ"
		}
		for i := range part[0] {
			if part[0][i] != part[1][i] {
				return "node " + part[0][i].Code + " differs"
			}
		}
	}
	return ""
}
