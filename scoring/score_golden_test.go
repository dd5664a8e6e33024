package scoring

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// TestScore_Golden scores small.yaml against a data file and compares the
// full results (with explanations) with testdata/golden/small.json. Run
// with -update to rewrite the golden file, then review the diff.
func TestScore_Golden(t *testing.T) {
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
	res, err := Score(ix, ds, Options{Explain: true})
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", "golden", "small.json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("results differ from %s; run go test ./scoring -run Golden -update and review the diff", path)
	}
}
