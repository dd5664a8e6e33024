package scoring

import (
	"errors"
	"testing"
)

// FuzzParseIndex checks that no input makes ParseIndex panic or hang, and
// that it returns either a consistent index or a non-empty list of
// problems. A valid index is then scored (units of every enabled type in
// every block, with and without data) to check that whatever the parser
// accepts, the engine can score without panicking. The seed corpus
// (testdata/fuzz/FuzzParseIndex) holds the valid and invalid fixtures;
// crashers found are kept there as regression seeds.
func FuzzParseIndex(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		ix, err := ParseIndex(data)
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) || len(ve.Problems) == 0 {
				t.Fatalf("error %v (%T) is not a non-empty *ValidationError", err, err)
			}
			if ix != nil {
				t.Fatal("index returned along with problems")
			}
			return
		}
		if ix == nil {
			t.Fatal("nil index without error")
		}
		// The model is usable: every slot is distinct and dense, every
		// indicator has a method, and the look-ups agree.
		seen := make([]bool, ix.NumSlots())
		for _, n := range append(ix.Indicators(), ix.Adjustments...) {
			if n.Method == nil || len(n.Inputs) == 0 {
				t.Fatalf("indicator %s without method or inputs", n.Code)
			}
			for _, in := range n.Inputs {
				s, ok := ix.Slot(n.Code, in.Key)
				if !ok || s < 0 || s >= len(seen) || seen[s] {
					t.Fatalf("bad slot %d for %s/%s", s, n.Code, in.Key)
				}
				seen[s] = true
			}
			for _, u := range ix.UnitTypes {
				if ix.MaxPointsFor(n, u.Code) < 0 {
					t.Fatalf("negative max points for %s", n.Code)
				}
			}
		}
		for _, n := range ix.AllNodes() {
			if ix.Node(n.Code) != n {
				t.Fatalf("Node(%s) does not return the node", n.Code)
			}
		}
		for _, v := range []float64{0, 0.5, 1} {
			if _, ok := ix.BandFor(v); !ok && len(ix.Bands) > 0 {
				t.Fatalf("BandFor(%v) found no band", v)
			}
		}

		ds := &Dataset{Year: 2025}
		for _, b := range ix.Blocks {
			for _, ut := range b.UnitTypes {
				if u, _ := ix.UnitType(ut); !u.Enabled {
					continue
				}
				vals := make([]Value, ix.NumSlots())
				for i := range vals {
					vals[i] = Value{Set: true, Num: float64(i % 3)}
				}
				ds.Units = append(ds.Units,
					UnitData{Code: b.Code + "/" + ut + "/empty", Type: ut, Block: b.Code},
					UnitData{Code: b.Code + "/" + ut + "/data", Type: ut, Block: b.Code, Values: vals})
			}
		}
		if _, err := Score(ix, ds, Options{Explain: true}); err != nil {
			var de *DataError
			if !errors.As(err, &de) {
				t.Fatalf("Score: %v", err)
			}
		}
	})
}
