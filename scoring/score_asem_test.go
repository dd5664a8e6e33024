package scoring

// The peer reproduction: COINr's ASEM example (testdata/asem/asem.yaml)
// scored from the raw iData.csv must match every pipeline stage and every
// aggregate COINr published, and its ranks. The reference data live beside
// the repository (shared/reference/asem) and are not copied into it.

import (
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// asemDir returns the ASEM reference directory: shared/reference/asem beside
// the repository root (tests run in the scoring package directory).
func asemDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "..", "shared", "reference", "asem")
	if _, err := os.Stat(filepath.Join(dir, "iData.csv")); err != nil {
		t.Skipf("ASEM reference data not found at %s (shared/ beside the repository): %v", dir, err)
	}
	return dir
}

// readCSV reads a CSV file into its header and rows keyed by column.
func readCSV(t *testing.T, path string) (header []string, rows []map[string]string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	header = recs[0]
	for _, rec := range recs[1:] {
		row := map[string]string{}
		for i, h := range header {
			row[h] = rec[i]
		}
		rows = append(rows, row)
	}
	return header, rows
}

// asemDataset builds the dataset from iData.csv: unit codes, the group
// and denominator columns as attributes, one number input per indicator.
func asemDataset(t *testing.T, ix *Index, dir string) *Dataset {
	t.Helper()
	_, rows := readCSV(t, filepath.Join(dir, "iData.csv"))
	ds := &Dataset{Year: 2018}
	for _, r := range rows {
		ud := UnitData{Code: r["uCode"], Name: r["uName"], Type: "country", Block: "ASEM",
			Attrs: map[string]string{}, Values: make([]Value, ix.NumSlots())}
		for _, a := range []string{"GDP_group", "GDPpc_group", "Pop_group", "EurAsia_group", "Area", "Energy", "GDP", "Population"} {
			ud.Attrs[a] = r[a]
		}
		for _, n := range ix.Indicators() {
			s := r[n.Code]
			if s == "" {
				continue
			}
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				t.Fatalf("iData %s %s: %v", ud.Code, n.Code, err)
			}
			slot, _ := ix.Slot(n.Code, "x")
			ud.Values[slot] = Value{Set: true, Num: v}
		}
		ds.Units = append(ds.Units, ud)
	}
	return ds
}

func TestScore_ASEMReproducesCOINr(t *testing.T) {
	dir := asemDir(t)
	ix := scParseFile(t, "asem/asem.yaml")
	if n := len(ix.Indicators()); n != 49 {
		t.Fatalf("asem.yaml has %d indicators; want 49", n)
	}
	ds := asemDataset(t, ix, dir)
	if len(ds.Units) != 51 {
		t.Fatalf("iData.csv has %d units; want 51", len(ds.Units))
	}
	res, err := Score(ix, ds, Options{Stages: true})
	if err != nil {
		t.Fatal(err)
	}
	unitIdx := map[string]int{}
	for i, u := range res.Units {
		unitIdx[u.Code] = i
	}
	stages := map[string]*IndicatorStages{}
	for i := range res.Stages {
		stages[res.Stages[i].Code] = &res.Stages[i]
	}

	const tol = 1e-6
	// compare checks one stage file against our values for every unit and
	// indicator; scale converts our 0..1 values to COINr's 0..100.
	compare := func(file string, get func(st *IndicatorStages) StageValues, scale float64) {
		t.Run(file, func(t *testing.T) {
			_, rows := readCSV(t, filepath.Join(dir, file))
			if len(rows) != 51 {
				t.Fatalf("%s has %d rows", file, len(rows))
			}
			bad, worst := 0, 0.0
			for _, r := range rows {
				u, ok := unitIdx[r["UnitCode"]]
				if !ok {
					t.Fatalf("%s: unit %s not scored", file, r["UnitCode"])
				}
				for _, n := range ix.Indicators() {
					want, ok := parseRef(r[n.Code])
					got := get(stages[n.Code])[u] * scale
					if !ok {
						if !math.IsNaN(got) {
							t.Errorf("%s %s %s = %v; want missing", file, r["UnitCode"], n.Code, got)
						}
						continue
					}
					d := math.Abs(got - want)
					if math.IsNaN(d) || d > tol {
						bad++
						if bad <= 10 {
							t.Errorf("%s %s %s = %.12g; want %.12g", file, r["UnitCode"], n.Code, got, want)
						}
					}
					if d > worst {
						worst = d
					}
				}
			}
			t.Logf("%s: %d mismatches, largest difference %.3g", file, bad, worst)
		})
	}
	compare("COIN_Denominated.csv", func(s *IndicatorStages) StageValues { return s.Denominated }, 1)
	compare("COIN_Imputed.csv", func(s *IndicatorStages) StageValues { return s.Imputed }, 1)
	compare("COIN_Treated.csv", func(s *IndicatorStages) StageValues { return s.Treated }, 1)
	compare("COIN_Normalised.csv", func(s *IndicatorStages) StageValues { return s.Normalised }, 100)

	// COINr treats 15 indicators (all by winsorisation in this data set).
	var treated []string
	for _, st := range res.Stages {
		changed := false
		for u := range st.Imputed {
			changed = changed || st.Treated[u] != st.Imputed[u]
		}
		if changed != (st.Treatment[0] == TreatWinsorised) {
			t.Errorf("%s: treatment %q but values changed: %v", st.Code, st.Treatment[0], changed)
		}
		if changed {
			treated = append(treated, st.Code)
		}
	}
	if want := "Flights Bord Gas Services FDI ForPort CostImpEx Tariff StMob CultServ Forest Poverty NGOs FemLab PubDebt"; strings.Join(treated, " ") != want {
		t.Errorf("treated indicators %v; want %s", treated, want)
	}

	// Every node (indicators and aggregates) against COIN_Aggregated.csv.
	t.Run("COIN_Aggregated.csv", func(t *testing.T) {
		_, rows := readCSV(t, filepath.Join(dir, "COIN_Aggregated.csv"))
		checked := 0
		for _, r := range rows {
			ur := &res.Units[unitIdx[r["UnitCode"]]]
			for i, n := range ix.AllNodes() {
				want, ok := parseRef(r[n.Code])
				if !ok {
					t.Fatalf("COIN_Aggregated.csv has no %s for %s", n.Code, ur.Code)
				}
				got := ur.Nodes[i].Value * 100
				if math.Abs(got-want) > tol {
					t.Errorf("%s %s = %.12g; want %.12g", ur.Code, n.Code, got, want)
				}
				checked++
			}
		}
		if checked != 51*(49+8+2+1) {
			t.Errorf("checked %d values; want %d", checked, 51*60)
		}
	})

	// Published ranks of the index and every aggregate.
	t.Run("COIN_Results_AggregatesRank.csv", func(t *testing.T) {
		header, rows := readCSV(t, filepath.Join(dir, "COIN_Results_AggregatesRank.csv"))
		codes := make([]string, len(res.Units))
		for i, u := range res.Units {
			codes[i] = u.Code
		}
		nodeIdx := map[string]int{}
		for i, n := range ix.AllNodes() {
			nodeIdx[n.Code] = i
		}
		for _, col := range header[2:] {
			var ranks []int
			if col == "Index" {
				ranks = make([]int, len(res.Units))
				for i, u := range res.Units {
					ranks[i] = u.Rank
				}
			} else {
				k, ok := nodeIdx[col]
				if !ok {
					t.Fatalf("no node %s", col)
				}
				vals := make([]float64, len(res.Units))
				for i := range res.Units {
					vals[i] = roundTo(res.Units[i].Nodes[k].Value, ix.Rounding.ValueDecimals)
				}
				ranks = CompetitionRanks(vals, codes)
			}
			for _, r := range rows {
				want, _ := strconv.Atoi(r[col])
				if got := ranks[unitIdx[r["UnitCode"]]]; got != want {
					t.Errorf("rank of %s in %s = %d; want %d", r["UnitCode"], col, got, want)
				}
			}
		}
	})
}

// parseRef reads a reference number; empty or NA is missing.
func parseRef(s string) (float64, bool) {
	if s == "" || s == "NA" {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, false
	}
	return v, true
}
