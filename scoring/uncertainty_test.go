package scoring

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// uncYAML has three indicators under one group: a fixed-target percent, a
// peer-relative minmax and a boolean. MAX is replaced by max points or a
// weight, STYLE by the style.
const uncYAML = `schema_version: 1
index: {code: U, version: "1", name: {vi: U, en: U}, style: STYLE, scale: 100}
unit_types: [{code: u, name: {vi: u, en: u}}]
blocks:
  - {code: B, name: {vi: B, en: B}, unit_types: [u]}
  - {code: N, name: {vi: N, en: N}, unit_types: [u], ranked: false}
tree:
  - code: G
    name: {vi: G, en: G}
    children:
      - code: X
        name: {vi: X, en: X}
        MAX
        inputs: [{key: v, label: {vi: v, en: v}, type: percent}]
        scoring: {method: percent, input: v}
      - code: Y
        name: {vi: Y, en: Y}
        MAX
        inputs: [{key: v, label: {vi: v, en: v}, type: number}]
        scoring: {method: minmax, input: v}
      - code: Z
        name: {vi: Z, en: Z}
        MAX
        inputs: [{key: ok, label: {vi: ok, en: ok}, type: boolean}]
        scoring: {method: boolean, input: ok}
`

func uncIndex(t testing.TB, style string) *Index {
	t.Helper()
	src := strings.Replace(uncYAML, "STYLE", style, 1)
	if style == "composite" {
		return scParse(t, strings.ReplaceAll(src, "MAX", "weight: 1"))
	}
	return scParse(t, strings.ReplaceAll(strings.Replace(src, "scale: 100", "scale: 60", 1), "MAX", "max_points: 20"))
}

// uncDataset: A leads on everything; B and C trade places as the weights
// move (B strong on X, C on Y); E lacks Y, so the missing-data policy
// moves it; D is in the unranked block.
func uncDataset(t testing.TB, ix *Index) *Dataset {
	t.Helper()
	return &Dataset{Units: []UnitData{
		scUnit(t, ix, "A", "u", "B", scIn{"X/v": 95.0, "Y/v": 100.0, "Z/ok": true}),
		scUnit(t, ix, "B", "u", "B", scIn{"X/v": 80.0, "Y/v": 20.0, "Z/ok": true}),
		scUnit(t, ix, "C", "u", "B", scIn{"X/v": 20.0, "Y/v": 80.0, "Z/ok": true}),
		scUnit(t, ix, "D", "u", "N", scIn{"X/v": 50.0, "Y/v": 50.0, "Z/ok": false}),
		scUnit(t, ix, "E", "u", "B", scIn{"X/v": 60.0, "Z/ok": true}),
		scUnit(t, ix, "F", "u", "B", scIn{"X/v": 10.0, "Y/v": 0.0, "Z/ok": false}),
	}}
}

// uncCheckNominal checks that every interval of res is the nominal rank
// of Score.
func uncCheckNominal(t *testing.T, ix *Index, ds *Dataset, res *UncertaintyResult) {
	t.Helper()
	want, err := Score(ix, ds, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i, g := range res.Units {
		ur := want.Units[i]
		if g.Code != ur.Code || g.Rank != ur.Rank || g.Value != ur.Value || g.Points != ur.Points {
			t.Errorf("%s: nominal rank %d value %v points %v; Score gives %s %d %v %v", g.Code, g.Rank, g.Value, g.Points, ur.Code, ur.Rank, ur.Value, ur.Points)
		}
		// Totals are counted in thousandths of the scale at most.
		step := ix.Scale / math.Min(1000, math.Pow(10, float64(max(ix.Rounding.ValueDecimals, 1))))
		if g.PointsLow != g.PointsHigh || math.Abs(g.PointsLow-ur.Points) > step/2+1e-9 {
			t.Errorf("%s: points [%v, %v]; want %v (± %v)", g.Code, g.PointsLow, g.PointsHigh, ur.Points, step/2)
		}
		r := float64(ur.Rank)
		if g.RankLow != ur.Rank || g.RankHigh != ur.Rank || g.RankBest != ur.Rank || g.RankWorst != ur.Rank || g.MedianRank != r || g.MeanShift != 0 {
			t.Errorf("%s: ranks best %d [%d, %d] worst %d median %v shift %v; want all %d", g.Code,
				g.RankBest, g.RankLow, g.RankHigh, g.RankWorst, g.MedianRank, g.MeanShift, ur.Rank)
		}
	}
}

// Without perturbation every draw reproduces Score: the draws aggregate
// with the engine's rules, on every fixture.
func TestUncertainty_NoPerturbationIsNominal(t *testing.T) {
	type fixture struct {
		name string
		ix   *Index
		ds   *Dataset
	}
	var fixtures []fixture
	for _, style := range []string{"points", "composite"} {
		ix := uncIndex(t, style)
		fixtures = append(fixtures, fixture{"three-" + style, ix, uncDataset(t, ix)})
	}
	small := scParseFile(t, "small.yaml")
	f, err := os.Open(filepath.Join("testdata", "golden", "small-data.csv"))
	if err != nil {
		t.Fatal(err)
	}
	ds, err := ReadDataCSV(small, "small-data.csv", f, 2025)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	fixtures = append(fixtures, fixture{"small", small, ds})
	// Appraisal overrides and indicators declared not applicable.
	appraised := &Dataset{Year: ds.Year, Units: slices.Clone(ds.Units)}
	appraised.Units[1].Overrides = map[string]float64{"A.1": 0, "A.2": 0, "A.3": 0, "B.1": 9.5}
	appraised.Units[2].NotApplicable = map[string]bool{"A.4": true}
	appraised.Units[3].Overrides = map[string]float64{"A.3": 0}
	before, _ := Score(small, ds, Options{})
	after, err := Score(small, appraised, Options{})
	if err != nil || before.Units[1].Rank == after.Units[1].Rank {
		t.Fatalf("the appraisal does not move STP (err %v): the fixture proves nothing", err)
	}
	fixtures = append(fixtures, fixture{"small-appraised", small, appraised})
	for _, rule := range []string{"skip", "zero", "na"} {
		ix := scParse(t, strings.Replace(compositeYAML, "MISSING_RULE", rule, 1))
		fixtures = append(fixtures, fixture{"composite-" + rule, ix, compositeDataset(t, ix)})
	}
	bench := uncBenchIndex(t, "")
	fixtures = append(fixtures, fixture{"bench-350", bench, benchDataset(bench, 350)})
	for _, fx := range fixtures {
		t.Run(fx.name, func(t *testing.T) {
			res, err := Uncertainty(fx.ix, fx.ds, UncertaintyConfig{Draws: 7, FixedWeights: true})
			if err != nil {
				t.Fatal(err)
			}
			uncCheckNominal(t, fx.ix, fx.ds, res)
		})
	}
	// Perturbing only the weights of a node without siblings (the root)
	// changes nothing either: siblings are renormalised.
	t.Run("root-level-only", func(t *testing.T) {
		ix := scParse(t, strings.Replace(compositeYAML, "MISSING_RULE", "skip", 1))
		ds := compositeDataset(t, ix)
		res, err := Uncertainty(ix, ds, UncertaintyConfig{Draws: 50, Levels: []int{0}, WeightSpread: 0.9})
		if err != nil {
			t.Fatal(err)
		}
		uncCheckNominal(t, ix, ds, res)
		ix = uncIndex(t, "points")
		ds = uncDataset(t, ix)
		if res, err = Uncertainty(ix, ds, UncertaintyConfig{Draws: 50, Levels: []int{0}, WeightSpread: 0.9}); err != nil {
			t.Fatal(err)
		}
		uncCheckNominal(t, ix, ds, res)
	})
	t.Run("asem", func(t *testing.T) {
		dir := asemDir(t)
		ix := scParseFile(t, "asem/asem.yaml")
		ds := asemDataset(t, ix, dir)
		res, err := Uncertainty(ix, ds, UncertaintyConfig{Draws: 3, FixedWeights: true})
		if err != nil {
			t.Fatal(err)
		}
		uncCheckNominal(t, ix, ds, res)
	})
}

// A unit far ahead stays first in every draw, whatever is drawn; two
// units that trade places get the interval [2, 3]; an unranked unit gets
// no rank statistics.
func TestUncertainty_Intervals(t *testing.T) {
	cfgs := []struct {
		name string
		cfg  UncertaintyConfig
	}{
		{"weights", UncertaintyConfig{WeightSpread: 0.5}},
		{"everything", UncertaintyConfig{WeightSpread: 0.5, Aggregation: true,
			MissingPolicies: []MissingPolicy{MissingAsZero, MissingMean, MissingAsNA},
			Normalisations:  []MethodKind{MethodMinMax, MethodZScore, MethodRank}}},
	}
	for _, style := range []string{"points", "composite"} {
		ix := uncIndex(t, style)
		ds := uncDataset(t, ix)
		for _, c := range cfgs {
			t.Run(style+"/"+c.name, func(t *testing.T) {
				c.cfg.Draws, c.cfg.Seed = 400, 7
				res, err := Uncertainty(ix, ds, c.cfg)
				if err != nil {
					t.Fatal(err)
				}
				a, b, cc, d := res.Units[0], res.Units[1], res.Units[2], res.Units[3]
				if a.Rank != 1 || a.RankBest != 1 || a.RankWorst != 1 || a.MedianRank != 1 || a.MeanShift != 0 {
					t.Errorf("A: rank %d, best %d, worst %d, median %v, shift %v; want 1 in every draw", a.Rank, a.RankBest, a.RankWorst, a.MedianRank, a.MeanShift)
				}
				for _, u := range []UnitUncertainty{b, cc} {
					if u.RankLow > 2 || u.RankHigh < 3 || u.RankBest < 2 || u.MeanShift == 0 {
						t.Errorf("%s: interval [%d, %d] best %d shift %v; want B and C to trade ranks 2 and 3", u.Code, u.RankLow, u.RankHigh, u.RankBest, u.MeanShift)
					}
					if u.RankLow > u.RankHigh || u.MedianRank < float64(u.RankLow) || u.MedianRank > float64(u.RankHigh) ||
						u.RankBest > u.RankLow || u.RankWorst < u.RankHigh {
						t.Errorf("%s: statistics out of order: %+v", u.Code, u)
					}
				}
				if d.Rank != 0 || d.RankLow != 0 || d.RankHigh != 0 || d.MedianRank != 0 || d.MeanShift != 0 {
					t.Errorf("D (unranked): %+v; want no rank statistics", d)
				}
				// Points intervals: ordered, within the scale, and moving
				// for B, C and the unranked D.
				for _, u := range res.Units {
					if u.PointsLow > u.PointsHigh || u.PointsLow < 0 || u.PointsHigh > ix.Scale {
						t.Errorf("%s: points interval [%v, %v] on a scale of %v", u.Code, u.PointsLow, u.PointsHigh, ix.Scale)
					}
				}
				for _, u := range []UnitUncertainty{b, cc, d} {
					if u.PointsLow >= u.PointsHigh {
						t.Errorf("%s: points interval [%v, %v]; want the weights to move it", u.Code, u.PointsLow, u.PointsHigh)
					}
				}
				if len(res.Blocks) != 1 || res.Blocks[0].Code != "B" || res.Blocks[0].Units != 5 || res.Blocks[0].MeanShift <= 0 {
					t.Errorf("blocks %+v; want B with 5 units and a mean shift", res.Blocks)
				}
			})
		}
	}
}

// One alternative drawn every time gives the ranking Score gives when
// the index declares that alternative.
func TestUncertainty_AlternativesAreScore(t *testing.T) {
	cases := []struct {
		name    string
		cfg     UncertaintyConfig
		declare func(src string) string
	}{
		{"missing mean", UncertaintyConfig{MissingPolicies: []MissingPolicy{MissingMean}},
			func(src string) string {
				return strings.Replace(src, "tree:", "defaults: {missing: {policy: mean}}\ntree:", 1)
			}},
		{"missing na", UncertaintyConfig{MissingPolicies: []MissingPolicy{MissingAsNA}},
			func(src string) string {
				return strings.Replace(src, "tree:", "defaults: {missing: {policy: na}}\ntree:", 1)
			}},
		{"zscore", UncertaintyConfig{Normalisations: []MethodKind{MethodZScore}},
			func(src string) string {
				return strings.NewReplacer("method: minmax", "method: zscore", "method: best_in_block", "method: zscore").Replace(src)
			}},
		{"percentile", UncertaintyConfig{Normalisations: []MethodKind{MethodPercentile}},
			func(src string) string {
				return strings.NewReplacer("method: minmax", "method: percentile", "method: best_in_block", "method: percentile").Replace(src)
			}},
	}
	src := benchIndexYAML()
	ix := scParse(t, src)
	ds := benchDataset(ix, 350)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.cfg.Draws, c.cfg.FixedWeights = 5, true
			res, err := Uncertainty(ix, ds, c.cfg)
			if err != nil {
				t.Fatal(err)
			}
			alt := scParse(t, c.declare(src))
			want, err := Score(alt, ds, Options{})
			if err != nil {
				t.Fatal(err)
			}
			nominal, _ := Score(ix, ds, Options{})
			moved := 0
			for i, g := range res.Units {
				w := want.Units[i].Rank
				if g.RankBest != w || g.RankWorst != w || g.MedianRank != float64(w) {
					t.Fatalf("%s: ranks %d..%d median %v; the index declaring the alternative ranks it %d", g.Code, g.RankBest, g.RankWorst, g.MedianRank, w)
				}
				if g.Rank != nominal.Units[i].Rank {
					t.Fatalf("%s: nominal rank %d; Score gives %d", g.Code, g.Rank, nominal.Units[i].Rank)
				}
				if w != g.Rank {
					moved++
				}
			}
			if moved == 0 {
				t.Error("the alternative moves no unit: the test proves nothing")
			}
		})
	}
}

// With the aggregation drawn, every draw ranks a unit as the all-mean or
// the all-geometric index does, and both happen.
func TestUncertainty_AggregationIsScore(t *testing.T) {
	src := strings.Replace(compositeYAML, "MISSING_RULE", "skip", 1)
	ix := scParse(t, src)
	ds := compositeDataset(t, ix)
	// A fifth unit whose zero on C makes its geometric mean 0.
	extra := scUnit(t, ix, "U5", "c", "ALL", scIn{"A/x": 30.0, "B/x": 1.5, "C/x": 0.0})
	extra.Attrs = map[string]string{"region": "N", "pop": "1"}
	ds.Units = append(ds.Units, extra)
	ranks := map[string][]int{}
	points := map[string][]float64{}
	for _, agg := range []string{"mean", "geometric"} {
		alt := scParse(t, strings.NewReplacer("aggregation: geometric", "aggregation: "+agg, "aggregation: mean", "aggregation: "+agg).Replace(src))
		res, err := Score(alt, ds, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range res.Units {
			ranks[u.Code] = append(ranks[u.Code], u.Rank)
			points[u.Code] = append(points[u.Code], u.Points)
		}
	}
	res, err := Uncertainty(ix, ds, UncertaintyConfig{Draws: 200, FixedWeights: true, Aggregation: true})
	if err != nil {
		t.Fatal(err)
	}
	differ := false
	for _, g := range res.Units {
		r := ranks[g.Code]
		lo, hi := min(r[0], r[1]), max(r[0], r[1])
		differ = differ || lo != hi
		if g.RankBest != lo || g.RankWorst != hi {
			t.Errorf("%s: ranks %d..%d; mean and geometric rank it %v", g.Code, g.RankBest, g.RankWorst, r)
		}
		// Both totals are drawn often: the 5th and 95th percentiles are
		// the two, counted in steps of 0.1 on the scale of 100.
		p := points[g.Code]
		if math.Abs(g.PointsLow-min(p[0], p[1])) > 0.05+1e-9 || math.Abs(g.PointsHigh-max(p[0], p[1])) > 0.05+1e-9 {
			t.Errorf("%s: points [%v, %v]; mean and geometric give %v", g.Code, g.PointsLow, g.PointsHigh, p)
		}
	}
	if !differ {
		t.Error("mean and geometric rank every unit alike: the test proves nothing")
	}
}

// In a points-style index the geometric draws weigh the children by
// their max points, and a zero anywhere makes the total 0: F (zeros on Y
// and Z) is 5th on the sum of points but ties with E (a zero on Y) for
// 4th on the geometric mean.
func TestUncertainty_PointsGeometric(t *testing.T) {
	ix := uncIndex(t, "points")
	ds := uncDataset(t, ix)
	res, err := Uncertainty(ix, ds, UncertaintyConfig{Draws: 200, FixedWeights: true, Aggregation: true})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2]int{"A": {1, 1}, "B": {2, 2}, "C": {2, 2}, "E": {4, 4}, "F": {4, 5}}
	for _, u := range res.Units {
		if w, ok := want[u.Code]; ok && (u.RankBest != w[0] || u.RankWorst != w[1]) {
			t.Errorf("%s: ranks %d..%d; want %d..%d", u.Code, u.RankBest, u.RankWorst, w[0], w[1])
		}
	}
}

// The result does not depend on the number of workers, and the seed
// decides the draws.
func TestUncertainty_Deterministic(t *testing.T) {
	ix := uncBenchIndex(t, "")
	ds := benchDataset(ix, 350)
	cfg := UncertaintyConfig{Draws: 120, Seed: 42, WeightSpread: 0.4, Levels: []int{1, 2}, Aggregation: true,
		MissingPolicies: []MissingPolicy{MissingAsZero, MissingMean}, Normalisations: []MethodKind{MethodMinMax, MethodZScore}}
	var first *UncertaintyResult
	for _, workers := range []int{1, 2, 3, 8} {
		cfg.Workers = workers
		res, err := Uncertainty(ix, ds, cfg)
		if err != nil {
			t.Fatal(err)
		}
		res.Config.Workers = 0
		if first == nil {
			first = res
			continue
		}
		if !reflect.DeepEqual(first, res) {
			t.Fatalf("%d workers give another result than 1", workers)
		}
	}
	cfg.Seed = 43
	other, err := Uncertainty(ix, ds, cfg)
	if err != nil {
		t.Fatal(err)
	}
	other.Config.Workers, other.Config.Seed = 0, 42
	if reflect.DeepEqual(first, other) {
		t.Error("seeds 42 and 43 give the same result")
	}
	moved := 0
	for _, u := range first.Units {
		if u.RankLow != u.RankHigh {
			moved++
		}
	}
	if moved < len(first.Units)/2 {
		t.Errorf("only %d of %d units have a rank interval wider than one rank", moved, len(first.Units))
	}
}

// In a points-style index the drawn shares keep every parent's max, and
// so the scale: the children's max points always add up to the parent's.
func TestUncertainty_PointsWeightsKeepTheMax(t *testing.T) {
	ix := scParseFile(t, "small.yaml")
	ds := &Dataset{Year: 2025, Units: []UnitData{scUnit(t, ix, "S1", "department", "SO", nil)}}
	nominal, err := Score(ix, ds, Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := UncertaintyConfig{Draws: 1, WeightSpread: 0.9}.resolve(ix)
	if err != nil {
		t.Fatal(err)
	}
	a, err := newUncAnalysis(ix, ds, cfg, nominal)
	if err != nil {
		t.Fatal(err)
	}
	w := a.newWorker()
	for d := 0; d < 20; d++ {
		for i := range w.fac {
			w.fac[i] = 0.1 + 1.8*float64((i*7+d*3)%11)/10
		}
		w.drawWeights()
		for ty, ut := range ix.UnitTypes {
			eff := func(i int32) float64 { return a.nodeMax[int(i)*a.nTypes+ty] * w.mult[int(i)*a.nTypes+ty] }
			for k, set := range a.sets {
				var got, want float64
				for _, j := range set {
					got += eff(j)
				}
				if k == 0 {
					for _, j := range set {
						want += a.nodeMax[int(j)*a.nTypes+ty]
					}
				} else {
					want = eff(a.parent[set[0]])
				}
				if math.Abs(got-want) > 1e-9 {
					t.Fatalf("draw %d, %s, set %d: children's max %v; want %v", d, ut.Code, k, got, want)
				}
			}
		}
	}
	// The shares did move.
	if w.mult[1*a.nTypes] == 1 {
		t.Error("the first indicator's share did not move")
	}
}

func TestUncertainty_Config(t *testing.T) {
	ix := uncIndex(t, "points")
	ds := uncDataset(t, ix)
	noPeers := scParseFile(t, "small.yaml")
	noPeers = scParse(t, strings.Replace(string(noPeers.Source), "method: best_in_block", "method: percent", 1))
	cases := []struct {
		name  string
		ix    *Index
		cfg   UncertaintyConfig
		field string
		msg   string
	}{
		{"negative draws", ix, UncertaintyConfig{Draws: -1}, "Draws", "-1 draws"},
		{"too many draws", ix, UncertaintyConfig{Draws: MaxUncertaintyDraws + 1}, "Draws", "want 1 to 1000000"},
		{"negative workers", ix, UncertaintyConfig{Workers: -2}, "Workers", "-2 workers"},
		{"negative spread", ix, UncertaintyConfig{WeightSpread: -0.1}, "WeightSpread", "-0.1"},
		{"spread of 1", ix, UncertaintyConfig{WeightSpread: 1}, "WeightSpread", "below 1"},
		{"spread NaN", ix, UncertaintyConfig{WeightSpread: math.NaN()}, "WeightSpread", "NaN"},
		{"spread and fixed", ix, UncertaintyConfig{WeightSpread: 0.1, FixedWeights: true}, "WeightSpread", "FixedWeights"},
		{"levels and fixed", ix, UncertaintyConfig{Levels: []int{0}, FixedWeights: true}, "Levels", "FixedWeights"},
		{"level too deep", ix, UncertaintyConfig{Levels: []int{2}}, "Levels", "level 2: the tree has levels 0 (top) to 1"},
		{"negative level", ix, UncertaintyConfig{Levels: []int{-1}}, "Levels", "level -1"},
		{"level twice", ix, UncertaintyConfig{Levels: []int{1, 0, 1}}, "Levels", "level 1 is listed twice"},
		{"group mean", ix, UncertaintyConfig{MissingPolicies: []MissingPolicy{MissingGroupMean}}, "MissingPolicies", "group_mean"},
		{"unknown policy", ix, UncertaintyConfig{MissingPolicies: []MissingPolicy{"median"}}, "MissingPolicies", `unknown policy "median"`},
		{"policy twice", ix, UncertaintyConfig{MissingPolicies: []MissingPolicy{MissingMean, MissingAsZero, MissingMean}}, "MissingPolicies", "mean is listed twice"},
		{"not a normalisation", ix, UncertaintyConfig{Normalisations: []MethodKind{MethodPercent}}, "Normalisations", `"percent" is not a peer-relative method`},
		{"normalisation twice", ix, UncertaintyConfig{Normalisations: []MethodKind{MethodZScore, MethodZScore}}, "Normalisations", "zscore is listed twice"},
		{"no peer indicator", noPeers, UncertaintyConfig{Normalisations: []MethodKind{MethodZScore}}, "Normalisations", "no indicator scored against its peers"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := Uncertainty(c.ix, ds, c.cfg)
			var ce *UncertaintyConfigError
			if !errors.As(err, &ce) || ce.Field != c.field || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("Uncertainty(%+v) = %v; want an error on %s containing %q", c.cfg, err, c.field, c.msg)
			}
			if res != nil {
				t.Error("a result with an error")
			}
		})
	}
	// Data that Score refuses are refused with Score's error.
	bad := uncDataset(t, ix)
	bad.Units[1].Block = "NOPE"
	var de *DataError
	if _, err := Uncertainty(ix, bad, UncertaintyConfig{Draws: 1}); !errors.As(err, &de) {
		t.Errorf("unknown block: %v; want a *DataError", err)
	}
	if _, err := Uncertainty(nil, ds, UncertaintyConfig{}); err == nil {
		t.Error("nil index: no error")
	}
	// Defaults are filled in.
	res, err := Uncertainty(ix, ds, UncertaintyConfig{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if c := res.Config; c.Draws != DefaultUncertaintyDraws || c.WeightSpread != DefaultWeightSpread || c.Workers != 1 {
		t.Errorf("resolved config %+v; want 1000 draws, spread 0.25", c)
	}
}

func TestSpanCounts(t *testing.T) {
	cases := []struct {
		name                string
		ranks               []int32
		best, lo, hi, worst int
		median              float64
	}{
		{"one draw", []int32{4}, 4, 4, 4, 4, 4},
		{"two draws", []int32{5, 2}, 2, 2, 5, 5, 3.5},
		{"odd", []int32{3, 1, 2, 2, 9}, 1, 1, 9, 9, 2},
		// 100 draws: the 5th smallest and the 95th smallest.
		{"hundred", uncSeq(1, 4, 96, 10), 1, 10, 10, 96, 10},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var rc spanCounts
			for _, r := range c.ranks {
				rc.add(r, 1)
			}
			var uu UnitUncertainty
			rc.summarise(&uu)
			if uu.RankBest != c.best || uu.RankLow != c.lo || uu.RankHigh != c.hi || uu.RankWorst != c.worst || uu.MedianRank != c.median {
				t.Errorf("ranks %v: best %d [%d, %d] worst %d median %v; want %d [%d, %d] %d %v", c.ranks,
					uu.RankBest, uu.RankLow, uu.RankHigh, uu.RankWorst, uu.MedianRank, c.best, c.lo, c.hi, c.worst, c.median)
			}
		})
	}
}

// Counts over a wandering span give the statistics of the sorted ranks.
func TestSpanCounts_Wandering(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 50; trial++ {
		n := 1 + r.IntN(300)
		var rc spanCounts
		ranks := make([]int, n)
		centre := 1 + r.IntN(500)
		for i := range ranks {
			ranks[i] = max(1, centre+r.IntN(200)-100)
			rc.add(int32(ranks[i]), 1)
		}
		slices.Sort(ranks)
		var got UnitUncertainty
		rc.summarise(&got)
		nth := func(k int) int { return ranks[k-1] }
		want := UnitUncertainty{RankBest: ranks[0], RankWorst: ranks[n-1],
			RankLow: nth((5*n + 99) / 100), RankHigh: nth((95*n + 99) / 100)}
		if n%2 == 1 {
			want.MedianRank = float64(nth((n + 1) / 2))
		} else {
			want.MedianRank = float64(nth(n/2)+nth(n/2+1)) / 2
		}
		if got != want {
			t.Fatalf("%d ranks around %d: %+v; want %+v", n, centre, got, want)
		}
		if rc.lo < 1 {
			t.Fatalf("span starts at rank %d", rc.lo)
		}
	}
}

// uncSeq gives na draws at rank a, 95 at rank c and one at rank b.
func uncSeq(a int32, na int, b int32, c int32) []int32 {
	var out []int32
	for i := 0; i < na; i++ {
		out = append(out, a)
	}
	for i := 0; i < 95; i++ {
		out = append(out, c)
	}
	return append(out, b)
}

// uncBenchIndex parses the benchmark index with edit applied to its YAML.
func uncBenchIndex(t testing.TB, edit string) *Index {
	t.Helper()
	src := benchIndexYAML()
	if edit != "" {
		src = strings.Replace(src, "tree:", edit+"\ntree:", 1)
	}
	return scParse(t, src)
}

// Whatever is drawn, every unit's statistics are ordered and within its
// block, and a block's mean shift is its units' mean.
func TestUncertainty_Invariants(t *testing.T) {
	ix := uncBenchIndex(t, "")
	ds := benchDataset(ix, 200)
	size := map[string]int{}
	for _, u := range ds.Units {
		size[u.Block]++
	}
	r := rand.New(rand.NewPCG(9, 9))
	for trial := 0; trial < 6; trial++ {
		cfg := UncertaintyConfig{Draws: 1 + r.IntN(60), Seed: r.Uint64(), WeightSpread: 0.05 + 0.9*r.Float64(), Aggregation: r.IntN(2) == 0}
		if r.IntN(2) == 0 {
			cfg.Levels = []int{r.IntN(3)}
		}
		if r.IntN(2) == 0 {
			cfg.MissingPolicies = []MissingPolicy{MissingAsZero, MissingMean, MissingAsNA, MissingNone}[:1+r.IntN(4)]
		}
		if r.IntN(2) == 0 {
			cfg.Normalisations = []MethodKind{MethodZScore, MethodRank, MethodBestInBlock}[:1+r.IntN(3)]
		}
		res, err := Uncertainty(ix, ds, cfg)
		if err != nil {
			t.Fatalf("%+v: %v", cfg, err)
		}
		shift := map[string]float64{}
		for _, u := range res.Units {
			n := size[u.Block]
			if !(1 <= u.RankBest && u.RankBest <= u.RankLow && float64(u.RankLow) <= u.MedianRank &&
				u.MedianRank <= float64(u.RankHigh) && u.RankHigh <= u.RankWorst && u.RankWorst <= n) {
				t.Fatalf("%+v: %s: best %d, [%d, %d], median %v, worst %d in a block of %d", cfg, u.Code, u.RankBest, u.RankLow, u.RankHigh, u.MedianRank, u.RankWorst, n)
			}
			if u.PointsLow > u.PointsHigh || u.PointsLow < 0 || u.PointsHigh > ix.Scale {
				t.Fatalf("%+v: %s: points interval [%v, %v]", cfg, u.Code, u.PointsLow, u.PointsHigh)
			}
			if far := max(u.Rank-u.RankBest, u.RankWorst-u.Rank); u.MeanShift < 0 || u.MeanShift > float64(far) {
				t.Fatalf("%+v: %s: mean shift %v beyond the farthest rank (%d from %d)", cfg, u.Code, u.MeanShift, far, u.Rank)
			}
			shift[u.Block] += u.MeanShift / float64(n)
		}
		for _, b := range res.Blocks {
			if b.Units != size[b.Code] || math.Abs(b.MeanShift-shift[b.Code]) > 1e-9 {
				t.Fatalf("%+v: block %+v; want %d units, mean shift %v", cfg, b, size[b.Code], shift[b.Code])
			}
		}
	}
}

// Draws store nothing: five times more draws allocate no more memory when
// the ranks do not move, and far less than one rank per unit and draw
// would take when they do (only the spans of ranks and totals grow, less
// and less as the draws reach their tails).
func TestUncertainty_MemoryDoesNotGrowWithDraws(t *testing.T) {
	ix := uncBenchIndex(t, "")
	ds := benchDataset(ix, 350)
	allocated := func(cfg UncertaintyConfig) uint64 {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		if _, err := Uncertainty(ix, ds, cfg); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		return after.TotalAlloc - before.TotalAlloc
	}
	for _, c := range []struct {
		name  string
		cfg   UncertaintyConfig
		extra uint64 // bytes allowed for 5× the draws
	}{
		{"fixed weights", UncertaintyConfig{FixedWeights: true, Workers: 2}, 16 << 10},
		// Storing ranks would take 2,000 draws × 350 units × 4 bytes = 2.8 MB.
		{"weights", UncertaintyConfig{WeightSpread: 0.25, Workers: 2}, 1 << 20},
	} {
		c.cfg.Draws = 500
		few := allocated(c.cfg)
		c.cfg.Draws = 2500
		many := allocated(c.cfg)
		if many > few+c.extra {
			t.Errorf("%s: %d bytes for 500 draws, %d for 2500: more than %d bytes more", c.name, few, many, c.extra)
		}
	}
}

// Minmax against fixed goalposts is a fixed scale, not a comparison with
// peers: a drawn normalisation leaves it alone.
func TestUncertainty_GoalpostsKept(t *testing.T) {
	src := strings.Replace(uncYAML, "STYLE", "composite", 1)
	src = strings.ReplaceAll(src, "MAX", "weight: 1")
	src = strings.Replace(src, "scoring: {method: percent, input: v}", "scoring: {method: minmax, input: v, goalposts: {low: 0, high: 100}}", 1)
	ix := scParse(t, src)
	ds := &Dataset{Units: []UnitData{
		scUnit(t, ix, "P", "u", "B", scIn{"X/v": 50.0, "Y/v": 10.0, "Z/ok": true}),
		scUnit(t, ix, "Q", "u", "B", scIn{"X/v": 45.0, "Y/v": 60.0, "Z/ok": true}),
		scUnit(t, ix, "R", "u", "B", scIn{"X/v": 0.0, "Y/v": 100.0, "Z/ok": true}),
	}}
	res, err := Uncertainty(ix, ds, UncertaintyConfig{Draws: 5, FixedWeights: true, Normalisations: []MethodKind{MethodRank}})
	if err != nil {
		t.Fatal(err)
	}
	ranks := func(src string) []int {
		res, err := Score(scParse(t, src), ds, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var out []int
		for _, u := range res.Units {
			out = append(out, u.Rank)
		}
		return out
	}
	// Y (minmax over peers) becomes rank; X keeps its goalposts. Had X
	// become rank too, the three would tie.
	onlyY := ranks(strings.Replace(src, "scoring: {method: minmax, input: v}", "scoring: {method: rank, input: v}", 1))
	both := ranks(strings.NewReplacer("scoring: {method: minmax, input: v}", "scoring: {method: rank, input: v}",
		"scoring: {method: minmax, input: v, goalposts: {low: 0, high: 100}}", "scoring: {method: rank, input: v}").Replace(src))
	if want := []int{3, 2, 1}; !slices.Equal(onlyY, want) || slices.Equal(both, want) || slices.Equal(ranks(src), want) {
		t.Fatalf("ranks %v (Y rank), %v (both rank), %v (declared): the fixture proves nothing", onlyY, both, ranks(src))
	}
	for i, g := range res.Units {
		if g.RankBest != onlyY[i] || g.RankWorst != onlyY[i] {
			t.Errorf("%s: ranks %d..%d; want %d", g.Code, g.RankBest, g.RankWorst, onlyY[i])
		}
	}
}

// A cancelled analysis stops and says why.
func TestUncertaintyContext_Cancel(t *testing.T) {
	ix := uncBenchIndex(t, "")
	ds := benchDataset(ix, 350)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := UncertaintyContext(ctx, ix, ds, UncertaintyConfig{Draws: MaxUncertaintyDraws})
	if !errors.Is(err, context.Canceled) || res != nil {
		t.Errorf("cancelled: %v, %v; want context.Canceled and no result", res, err)
	}
}
