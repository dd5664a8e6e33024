package scoring

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const twoIndicatorsYAML = `schema_version: 1
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
        inputs: [{key: v, label: {vi: v, en: v}, type: percent}]
        scoring: {method: percent, input: v}
`

func uncertaintyIndex(t *testing.T, style string) *Index {
	src := twoIndicatorsYAML
	max := "max_points: 50"
	if style == "composite" {
		max = "weight: 1"
	}
	src = strings.ReplaceAll(strings.Replace(src, "STYLE", style, 1), "MAX", max)
	return scParse(t, src)
}

func TestUncertainty(t *testing.T) {
	for _, style := range []string{"points", "composite"} {
		t.Run(style, func(t *testing.T) {
			ix := uncertaintyIndex(t, style)
			ds := &Dataset{Units: []UnitData{
				// A leads on both indicators: first whatever the weights.
				scUnit(t, ix, "A", "u", "B", scIn{"X/v": 90.0, "Y/v": 90.0}),
				// B and C tie on equal weights and trade places as the
				// weights move.
				scUnit(t, ix, "B", "u", "B", scIn{"X/v": 80.0, "Y/v": 20.0}),
				scUnit(t, ix, "C", "u", "B", scIn{"X/v": 20.0, "Y/v": 80.0}),
				scUnit(t, ix, "D", "u", "N", scIn{"X/v": 50.0, "Y/v": 50.0}),
			}}
			opts := UncertaintyOptions{Draws: 400, Seed: 7, WeightSpread: 0.5}
			if style == "composite" {
				opts.Aggregations = []Aggregation{AggMean, AggGeometric}
			}
			got, err := Uncertainty(ix, ds, opts)
			if err != nil {
				t.Fatal(err)
			}
			want := []struct {
				rank, lo, hi int
				median       float64
			}{{1, 1, 1, 1}, {2, 2, 3, 0}, {2, 2, 3, 0}, {0, 0, 0, 0}}
			for i, w := range want {
				g := got[i]
				if g.Rank != w.rank || g.RankLow != w.lo || g.RankHigh != w.hi {
					t.Errorf("%s: rank %d in [%d, %d]; want %d in [%d, %d]", g.Code, g.Rank, g.RankLow, g.RankHigh, w.rank, w.lo, w.hi)
				}
				if (i == 1 || i == 2) && (g.MedianRank < 2 || g.MedianRank > 3) {
					t.Errorf("%s: median rank %v; want 2..3", g.Code, g.MedianRank)
				}
				if g.ValueLow > g.Value || g.ValueHigh < g.Value {
					t.Errorf("%s: value %v outside [%v, %v]", g.Code, g.Value, g.ValueLow, g.ValueHigh)
				}
			}
			if got[0].MedianRank != 1 || got[3].MedianRank != 0 {
				t.Errorf("median ranks %v, %v", got[0].MedianRank, got[3].MedianRank)
			}
			// A unit of an unranked block keeps a value interval.
			if got[3].ValueLow != 0.5 || got[3].ValueHigh != 0.5 {
				t.Errorf("D values [%v, %v]; want 0.5 whatever the weights", got[3].ValueLow, got[3].ValueHigh)
			}
			// Deterministic for a seed.
			again, _ := Uncertainty(ix, ds, opts)
			if !reflect.DeepEqual(got, again) {
				t.Error("the same seed gives different results")
			}
		})
	}
}

func TestUncertainty_Options(t *testing.T) {
	ix := uncertaintyIndex(t, "points")
	ds := &Dataset{Units: []UnitData{scUnit(t, ix, "A", "u", "B", nil)}}
	for _, o := range []UncertaintyOptions{{Draws: -1}, {WeightSpread: 1.5}, {WeightSpread: -0.1}} {
		if _, err := Uncertainty(ix, ds, o); !errors.Is(err, ErrBadUncertainty) {
			t.Errorf("Uncertainty(%+v) = %v; want ErrBadUncertainty", o, err)
		}
	}
	got, err := Uncertainty(ix, ds, UncertaintyOptions{Draws: 1})
	if err != nil || len(got) != 1 || got[0].Rank != 1 || got[0].RankLow != 1 || got[0].RankHigh != 1 {
		t.Errorf("one draw, one unit: %+v, %v", got, err)
	}
}

// On the ASEM index the nominal ranks are those of Score, and every rank
// interval is ordered.
func TestUncertainty_ASEM(t *testing.T) {
	dir := asemDir(t)
	ix := scParseFile(t, "asem/asem.yaml")
	ds := asemDataset(t, ix, dir)
	res, err := Score(ix, ds, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := Uncertainty(ix, ds, UncertaintyOptions{Draws: 200, Seed: 1, Aggregations: []Aggregation{AggMean, AggGeometric}})
	if err != nil {
		t.Fatal(err)
	}
	for i, g := range got {
		if g.Rank != res.Units[i].Rank || g.Value != res.Units[i].Value {
			t.Errorf("%s: nominal rank %d value %v; Score gives %d %v", g.Code, g.Rank, g.Value, res.Units[i].Rank, res.Units[i].Value)
		}
		if g.RankLow < 1 || g.RankLow > g.RankHigh || g.MedianRank < float64(g.RankLow) || g.MedianRank > float64(g.RankHigh) || g.RankHigh > 51 {
			t.Errorf("%s: rank interval [%d, %d] median %v", g.Code, g.RankLow, g.RankHigh, g.MedianRank)
		}
	}
}

// With (almost) no spread, every draw reproduces Score: the draws'
// aggregation follows the engine's rules.
func TestUncertainty_NoSpreadIsScore(t *testing.T) {
	check := func(t *testing.T, ix *Index, ds *Dataset) {
		t.Helper()
		res, err := Score(ix, ds, Options{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := Uncertainty(ix, ds, UncertaintyOptions{Draws: 3, WeightSpread: 1e-12})
		if err != nil {
			t.Fatal(err)
		}
		for i, g := range got {
			ur := res.Units[i]
			// Values may straddle a rounding boundary (0.46875) by 1e-12.
			if !scNear(g.ValueLow, ur.Value, 1.0001e-4) || !scNear(g.ValueHigh, ur.Value, 1.0001e-4) || g.RankLow != ur.Rank || g.RankHigh != ur.Rank {
				t.Errorf("%s: value [%v, %v] rank [%d, %d]; Score gives %v, %d", g.Code, g.ValueLow, g.ValueHigh, g.RankLow, g.RankHigh, ur.Value, ur.Rank)
			}
		}
	}
	t.Run("points", func(t *testing.T) {
		ix := scParseFile(t, "small.yaml")
		f, err := os.Open(filepath.Join("testdata", "golden", "small-data.csv"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		ds, err := ReadDataCSV(ix, "small-data.csv", f, 2025)
		if err != nil {
			t.Fatal(err)
		}
		check(t, ix, ds)
	})
	t.Run("composite", func(t *testing.T) {
		for _, rule := range []string{"skip", "zero", "na"} {
			ix := scParse(t, strings.Replace(compositeYAML, "MISSING_RULE", rule, 1))
			check(t, ix, compositeDataset(t, ix))
		}
	})
	t.Run("asem", func(t *testing.T) {
		dir := asemDir(t)
		ix := scParseFile(t, "asem/asem.yaml")
		check(t, ix, asemDataset(t, ix, dir))
	})
}
