package reports

import (
	"bytes"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/dti-platform/dti/scoring"
)

// These tests run the real parser and engine on a small index, so the
// workbooks are checked against what the platform actually computes.

func engineIndex(t testing.TB) *scoring.Index {
	t.Helper()
	src, err := os.ReadFile("testdata/engine_small.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ix, err := scoring.ParseIndex(src)
	if err != nil {
		t.Fatalf("ParseIndex: %v", err)
	}
	return ix
}

// engineValue is a plausible value of input in for the i-th unit.
func engineValue(in *scoring.Input, i int) scoring.Value {
	switch in.Type {
	case scoring.InputBoolean:
		return scoring.Value{Set: true, Num: float64(i % 2)}
	case scoring.InputCount:
		v := float64(3 + i)
		if in.Max != nil && v > *in.Max {
			v = *in.Max
		}
		return scoring.Value{Set: true, Num: v}
	case scoring.InputPercent:
		return scoring.Value{Set: true, Num: 52.5 + 5*float64(i)}
	case scoring.InputNumber:
		if in.Min != nil && in.Max != nil {
			return scoring.Value{Set: true, Num: *in.Min + (*in.Max-*in.Min)*(0.25+0.1*float64(i))}
		}
		return scoring.Value{Set: true, Num: 10.5 + float64(i)}
	case scoring.InputChoice:
		return scoring.Value{Set: true, Text: in.Options[i%len(in.Options)].Value}
	case scoring.InputMultiChoice:
		return scoring.Value{Set: true, Text: in.Options[0].Value}
	case scoring.InputDate:
		return scoring.Value{Set: true, Text: fmt.Sprintf("2025-12-%02d", 10+i)}
	case scoring.InputURL:
		return scoring.Value{Set: true, Text: "https://dv.example.gov.vn/" + strconv.Itoa(i)}
	}
	return scoring.Value{Set: true, Text: "Ghi chú " + strconv.Itoa(i)}
}

// engineDataset gives four departments and three districts a value for
// every input that applies to them.
func engineDataset(ix *scoring.Index) *scoring.Dataset {
	ds := &scoring.Dataset{Year: 2025}
	add := func(code, name, typ, block string, i int) {
		u := scoring.UnitData{Code: code, Name: name, Type: typ, Block: block, Values: make([]scoring.Value, ix.NumSlots())}
		for _, n := range append(ix.IndicatorsFor(typ), ix.Adjustments...) {
			for k := range n.Inputs {
				if s, ok := ix.Slot(n.Code, n.Inputs[k].Key); ok {
					u.Values[s] = engineValue(&n.Inputs[k], i)
				}
			}
		}
		ds.Units = append(ds.Units, u)
	}
	for i := 0; i < 4; i++ {
		add(fmt.Sprintf("SO-%d", i+1), fmt.Sprintf("Sở số %d", i+1), "department", "SO", i)
	}
	for i := 0; i < 3; i++ {
		add(fmt.Sprintf("H-%d", i+1), fmt.Sprintf("Huyện số %d", i+1), "district", "HUYEN", i)
	}
	return ds
}

func engineScore(t *testing.T, ix *scoring.Index, ds *scoring.Dataset) *scoring.Results {
	t.Helper()
	rs, err := scoring.Score(ix, ds, scoring.Options{})
	if err != nil {
		t.Fatalf("Score: %v", err)
	}
	return rs
}

func TestEngine_NodeOrder(t *testing.T) {
	ix := engineIndex(t)
	rs := engineScore(t, ix, engineDataset(ix))
	var mine, theirs, results []string
	for _, n := range treeNodes(ix) {
		mine = append(mine, n.Code)
	}
	for _, n := range ix.AllNodes() {
		theirs = append(theirs, n.Code)
	}
	for _, nr := range rs.Units[0].Nodes {
		results = append(results, nr.Code)
	}
	if !reflect.DeepEqual(mine, theirs) || !reflect.DeepEqual(mine, results) {
		t.Errorf("node order: reports %v, index %v, results %v", mine, theirs, results)
	}
	cols := rawColumns(ix)
	if len(cols) != ix.NumSlots() {
		t.Fatalf("%d raw columns; want %d slots", len(cols), ix.NumSlots())
	}
	for i, c := range cols {
		if s, _ := ix.Slot(c.node.Code, c.input.Key); s != c.slot || s != i {
			t.Errorf("column %d %s: slot %d, index slot %d", i, rawKey(c), c.slot, s)
		}
	}
	for _, typ := range []string{"department", "district"} {
		for _, n := range ix.AllNodes() {
			if appliesTo(n, typ) != ix.Applies(n, typ) {
				t.Errorf("appliesTo(%s, %s) = %v; index says %v", n.Code, typ, appliesTo(n, typ), ix.Applies(n, typ))
			}
		}
	}
}

func TestEngine_RankingMatchesResults(t *testing.T) {
	ix := engineIndex(t)
	rs := engineScore(t, ix, engineDataset(ix))
	data := writeRanking(t, RankingInput{Index: ix, Period: testPeriod(), Results: rs, GeneratedAt: testTime})
	f := openXLSX(t, data)
	byCode := map[string]*scoring.UnitResult{}
	for i := range rs.Units {
		byCode[rs.Units[i].Code] = &rs.Units[i]
	}
	sheets := f.GetSheetList()
	seen := 0
	for bi, b := range ix.Blocks {
		rows, err := f.GetRows(sheets[1+bi], excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows[rankFirstRow-1:] {
			u := byCode[r[1]]
			if u == nil || u.Block != b.Code {
				t.Fatalf("sheet %s lists %q, not a unit of block %s", sheets[1+bi], r[1], b.Code)
			}
			seen++
			wantRank := ""
			if b.Ranked {
				wantRank = strconv.Itoa(u.Rank)
			}
			if r[0] != wantRank || r[3] != fmtNum(u.Points) || r[4] != fmtNum(u.Value) {
				t.Errorf("%s: rank %q points %q value %q; want %q %v %v", u.Code, r[0], r[3], r[4], wantRank, u.Points, u.Value)
			}
		}
	}
	if seen != len(rs.Units) {
		t.Errorf("block sheets list %d units; want %d", seen, len(rs.Units))
	}

	rows, _ := f.GetRows(sheets[len(sheets)-1], excelize.Options{RawCellValue: true})
	inds := treeIndicators(ix)
	for _, r := range rows[matrixFirstRow-1:] {
		u := byCode[r[0]]
		r = append(r, make([]string, matrixFixedCols+len(inds))...)
		for k, n := range inds {
			nr := findResult(u.Nodes, n.Code)
			want := ""
			if nr.Applicable {
				want = fmtNum(roundTo(nr.Points, 2))
			}
			if got := r[matrixFixedCols+k]; got != want {
				t.Errorf("matrix %s × %s = %q; want %q", u.Code, n.Code, got, want)
			}
		}
	}
}

func fmtNum(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// TestEngine_TemplateRoundTrip fills each unit's template as a person would
// (text with decimal commas, option labels, yes/no words), imports it,
// applies the values and scores: the results equal scoring the same values
// set directly.
func TestEngine_TemplateRoundTrip(t *testing.T) {
	ix := engineIndex(t)
	ds := engineDataset(ix)
	want := engineDataset(ix)
	for ui := range ds.Units {
		u := &ds.Units[ui]
		cur := map[scoring.InputKey]scoring.Value{}
		for _, c := range rawColumns(ix) {
			if c.slot < len(u.Values) && u.Values[c.slot].Set {
				cur[key(c.node.Code, c.input.Key)] = u.Values[c.slot]
			}
		}
		in := TemplateInput{Index: ix, Period: testPeriod(), UnitCode: u.Code, UnitType: u.Type, Current: cur, Lang: LangVI}
		fl := openFilled(t, writeTemplate(t, in))
		// New values: the next unit's values, typed as text.
		for _, r := range templateLayout(&in) {
			if r.readOnly {
				continue
			}
			v := engineValue(r.input, ui+1)
			want.Units[ui].Values[mustSlot(t, ix, r.key)] = v
			fl.set(r.key, displayValue(r.input, v, LangVI))
		}
		imp, err := readTemplate(t, fl.bytes(), in)
		if err != nil {
			t.Fatal(err)
		}
		if len(imp.Errors) > 0 {
			t.Fatalf("%s: import errors %v", u.Code, errTexts(imp.Errors))
		}
		for k, v := range imp.Values {
			u.Values[mustSlot(t, ix, k)] = v
		}
	}
	if !reflect.DeepEqual(ds.Units, want.Units) {
		for i := range ds.Units {
			for s := range ds.Units[i].Values {
				if ds.Units[i].Values[s] != want.Units[i].Values[s] {
					t.Errorf("%s slot %d = %+v; want %+v", ds.Units[i].Code, s, ds.Units[i].Values[s], want.Units[i].Values[s])
				}
			}
		}
	}
	got, exp := engineScore(t, ix, ds), engineScore(t, ix, want)
	if !reflect.DeepEqual(got, exp) {
		t.Error("scores after the template round trip differ from scoring the values directly")
	}
}

func mustSlot(t *testing.T, ix *scoring.Index, k scoring.InputKey) int {
	t.Helper()
	s, ok := ix.Slot(k.Indicator, k.Input)
	if !ok {
		t.Fatalf("no slot for %v", k)
	}
	return s
}

func TestEngine_ScorecardAndRawData(t *testing.T) {
	ix := engineIndex(t)
	ds := engineDataset(ix)
	rs := engineScore(t, ix, ds)
	var buf bytes.Buffer
	if err := WriteScorecard(&buf, ScorecardInput{Index: ix, Period: testPeriod(), UnitCode: "H-2", Final: rs, Self: rs, GeneratedAt: testTime}); err != nil {
		t.Fatal(err)
	}
	f := openXLSX(t, buf.Bytes())
	rows, _ := f.GetRows(f.GetSheetList()[0], excelize.Options{RawCellValue: true})
	u := unitResult(rs, "H-2")
	for _, n := range ix.AllNodes() {
		applies := ix.Applies(n, "district")
		found := false
		for _, r := range rows {
			if len(r) > scFinalPoints-1 && r[0] == n.Code {
				found = true
				nr := findResult(u.Nodes, n.Code)
				if want := fmtNum(roundTo(nr.Points, 2)); nr.Applicable && !nr.Missing && r[scFinalPoints-1] != want {
					t.Errorf("scorecard %s final = %q; want %s", n.Code, r[scFinalPoints-1], want)
				}
			}
		}
		if found != applies {
			t.Errorf("scorecard lists %s = %v; applies to districts = %v", n.Code, found, applies)
		}
	}
	// Scored with explanations, every applicable indicator says how.
	explained, err := scoring.Score(ix, ds, scoring.Options{Explain: true})
	if err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	if err := WriteScorecard(&buf, ScorecardInput{Index: ix, Period: testPeriod(), UnitCode: "H-2", Final: explained}); err != nil {
		t.Fatal(err)
	}
	f = openXLSX(t, buf.Bytes())
	rows, _ = f.GetRows(f.GetSheetList()[0])
	for _, n := range ix.IndicatorsFor("district") {
		r := rowOf(t, rows, n.Code)
		if r[scExplain-1] == "" {
			t.Errorf("scorecard %s has no explanation", n.Code)
		}
	}
	buf.Reset()
	if err := WriteRawDataCSV(&buf, RawDataInput{Index: ix, Dataset: ds}); err != nil {
		t.Fatal(err)
	}
	checkCSV(t, buf.Bytes(), 1+len(ds.Units), rawFixedCols+ix.NumSlots())
}
