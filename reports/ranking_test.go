package reports

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/dti-platform/dti/scoring"
)

func writeRanking(t *testing.T, in RankingInput) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteRanking(&buf, in); err != nil {
		t.Fatalf("WriteRanking: %v", err)
	}
	return buf.Bytes()
}

func TestWriteRanking_Golden(t *testing.T) {
	for _, lang := range []string{LangVI, LangEN, LangBoth} {
		t.Run(lang, func(t *testing.T) {
			data := writeRanking(t, testRankingInput(lang))
			checkGolden(t, "ranking_"+lang+".golden", dumpXLSX(t, data))
		})
	}
}

func TestWriteRanking_Deterministic(t *testing.T) {
	ra, rb := writeRanking(t, testRankingInput(LangVI)), writeRanking(t, testRankingInput(LangVI))
	a, b := dumpXLSX(t, ra), dumpXLSX(t, rb)
	if a != b {
		t.Fatalf("two writes differ:\n%s", firstDiff(a, b))
	}
	// Streamed sheets come out of excelize in map order; the package fixes
	// the order, so the files are byte-identical too.
	if !bytes.Equal(ra, rb) {
		t.Error("two writes of the same ranking are not byte-identical")
	}
}

func TestWriters_ByteIdentical(t *testing.T) {
	twice := func(name string, write func(w *bytes.Buffer) error) {
		var a, b bytes.Buffer
		if err := write(&a); err != nil {
			t.Fatal(err)
		}
		if err := write(&b); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("%s: two writes are not byte-identical", name)
		}
	}
	twice("scorecard", func(w *bytes.Buffer) error { return WriteScorecard(w, testScorecardInput(LangVI)) })
	twice("template", func(w *bytes.Buffer) error { return WriteTemplate(w, testTemplateInput(LangVI)) })
	twice("raw data", func(w *bytes.Buffer) error { return WriteRawData(w, testRawInput(LangVI)) })
	twice("raw data csv", func(w *bytes.Buffer) error { return WriteRawDataCSV(w, testRawInput(LangVI)) })
	twice("audit", func(w *bytes.Buffer) error { return WriteAudit(w, testAuditInput(LangVI)) })
	twice("audit csv", func(w *bytes.Buffer) error { return WriteAuditCSV(w, testAuditInput(LangVI)) })
}

func TestWriteRanking_Layout(t *testing.T) {
	in := testRankingInput(LangVI)
	f := openXLSX(t, writeRanking(t, in))

	sheets := f.GetSheetList()
	want := []string{"Tổng quan", "Khối sở, ban, ngành có thủ tục", "Khối sở, ban, ngành không có th", "Khối UBND các huyện- thị xã-thà", "Ma trận điểm"}
	if strings.Join(sheets, "|") != strings.Join(want, "|") {
		t.Fatalf("sheets = %q; want %q", sheets, want)
	}
	for _, s := range sheets {
		if n := len([]rune(s)); n > 31 {
			t.Errorf("sheet %q has %d characters; Excel allows 31", s, n)
		}
	}

	tests := []struct {
		name, sheet, cell, want string
	}{
		{"rank column header", sheets[1], "A4", "Hạng"},
		{"first unit has rank 1", sheets[1], "A6", "1"},
		{"unranked block leaves rank blank", sheets[2], "A6", ""},
		{"unranked block lists its unit", sheets[2], "B6", "BQL-KKT"},
		{"unranked block note", sheets[2], "A3", "Khối này được đánh giá nhưng không xếp hạng."},
		{"matrix first indicator code", sheets[4], "F5", "NT.1.01"},
		{"cover counts all units", sheets[0], "B16", "9"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := f.GetCellValue(tc.sheet, tc.cell)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("%s!%s = %q; want %q", tc.sheet, tc.cell, got, tc.want)
			}
		})
	}
}

func TestWriteRanking_NoPreviousLeavesChangeBlank(t *testing.T) {
	in := testRankingInput(LangVI)
	in.Previous = nil
	f := openXLSX(t, writeRanking(t, in))
	sheet := f.GetSheetList()[1]
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	_, _, _, changeCol := (&ranking{ix: in.Index, groups: make([]*scoring.Node, 4)}).blockColumns()
	for r := rankFirstRow - 1; r < len(rows); r++ {
		for _, c := range []int{changeCol - 1, changeCol} {
			if c < len(rows[r]) && rows[r][c] != "" {
				t.Errorf("row %d col %d = %q; want blank without a previous period", r+1, c+1, rows[r][c])
			}
		}
	}
	if h, _ := f.GetCellValue(sheet, cellRef(changeCol, rankHeaderRow1)); h != "Thay đổi so với kỳ trước" {
		t.Errorf("change header = %q", h)
	}
}

func TestWriteRanking_ChangeColumns(t *testing.T) {
	in := testRankingInput(LangVI)
	f := openXLSX(t, writeRanking(t, in))
	sheet := f.GetSheetList()[3] // districts; H-TM has no previous result
	_, _, _, changeCol := (&ranking{ix: in.Index, groups: make([]*scoring.Node, 4)}).blockColumns()
	prev := map[string]*scoring.UnitResult{}
	for i := range in.Previous.Units {
		prev[in.Previous.Units[i].Code] = &in.Previous.Units[i]
	}
	cur := map[string]*scoring.UnitResult{}
	for i := range in.Results.Units {
		cur[in.Results.Units[i].Code] = &in.Results.Units[i]
	}
	for r := rankFirstRow; r < rankFirstRow+3; r++ {
		code, _ := f.GetCellValue(sheet, cellRef(2, r))
		rank, _ := f.GetCellValue(sheet, cellRef(changeCol, r))
		value, _ := f.GetCellValue(sheet, cellRef(changeCol+1, r), excelize.Options{RawCellValue: true})
		p, c := prev[code], cur[code]
		if c == nil {
			t.Fatalf("row %d: unknown unit %q", r, code)
		}
		if p == nil {
			if rank != "" || value != "" {
				t.Errorf("%s: change = %q, %q; want blank without a previous result", code, rank, value)
			}
			continue
		}
		wantRank := strconv.Itoa(p.Rank - c.Rank)
		if got := strings.TrimPrefix(rank, "+"); got != strings.TrimPrefix(wantRank, "+") {
			t.Errorf("%s: rank change = %q; want %s (previous %d, now %d)", code, rank, wantRank, p.Rank, c.Rank)
		}
		wantValue := roundTo(c.Value-p.Value, 4)
		if got, _ := strconv.ParseFloat(value, 64); got != wantValue {
			t.Errorf("%s: value change = %s; want %v", code, value, wantValue)
		}
	}
}

func TestWriteRanking_FormulaTextStaysText(t *testing.T) {
	in := testRankingInput(LangVI)
	data := writeRanking(t, in)
	f := openXLSX(t, data)
	found := 0
	for _, sheet := range f.GetSheetList() {
		rows, _ := f.GetRows(sheet)
		for r, row := range rows {
			for c, v := range row {
				ref := cellRef(c+1, r+1)
				formula, err := f.GetCellFormula(sheet, ref)
				if err != nil {
					t.Fatal(err)
				}
				if formula != "" {
					t.Errorf("%s!%s has formula %q", sheet, ref, formula)
				}
				if strings.HasPrefix(v, "=HYPERLINK") {
					found++
				}
			}
		}
	}
	if found < 2 {
		t.Errorf("hostile unit name found %d times as text; want it on its block sheet and the matrix", found)
	}
	if bytes.Contains(data, []byte("<f>")) {
		t.Error("workbook contains a formula element")
	}
}

func TestWriteRanking_Errors(t *testing.T) {
	in := testRankingInput(LangVI)
	tests := []struct {
		name string
		mod  func(*RankingInput)
		want string
	}{
		{"nil index", func(in *RankingInput) { in.Index = nil }, "index is nil"},
		{"nil results", func(in *RankingInput) { in.Results = nil }, "results are nil"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := in
			tc.mod(&c)
			var buf bytes.Buffer
			err := WriteRanking(&buf, c)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("WriteRanking() error = %v; want %q", err, tc.want)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes on error", buf.Len())
			}
		})
	}
}

func TestSanitizeSheetName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Khối sở", "Khối sở"},
		{"a/b\\c?d*e[f]g:h", "a-b-c-d-e-f-g-h"},
		{"'quoted'", "quoted"},
		{"", "Sheet"},
		{"history", "Sheet"},
		{strings.Repeat("á", 40), strings.Repeat("á", 31)},
		{"tab\there", "tab here"},
	}
	for _, tc := range tests {
		if got := sanitizeSheetName(tc.in); got != tc.want {
			t.Errorf("sanitizeSheetName(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
	sn := newSheetNamer()
	long := strings.Repeat("x", 40)
	got := []string{sn.name(long), sn.name(long), sn.name("A"), sn.name("a")}
	want := []string{strings.Repeat("x", 31), strings.Repeat("x", 27) + " (2)", "A", "a (2)"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("unique names = %q; want %q", got, want)
	}
}

func TestWriteRanking_EdgeCases(t *testing.T) {
	tests := []struct {
		name  string
		mod   func(in *RankingInput)
		check func(t *testing.T, f *excelize.File)
	}{
		{"no units", func(in *RankingInput) { in.Results = &scoring.Results{}; in.Previous = nil }, func(t *testing.T, f *excelize.File) {
			if n := len(f.GetSheetList()); n != 5 {
				t.Errorf("%d sheets; want cover, three blocks and the matrix", n)
			}
		}},
		{"index without pillars, bands or groups", func(in *RankingInput) {
			in.Index.Pillars, in.Index.Bands = nil, nil
			in.GroupDepth = -1
		}, func(t *testing.T, f *excelize.File) {
			if v, _ := f.GetCellValue(f.GetSheetList()[1], "G5"); v != "Thay đổi hạng" {
				t.Errorf("G5 = %q; want the change columns right after the band", v)
			}
		}},
		{"unit of an unknown block", func(in *RankingInput) { in.Results.Units[0].Block = "GONE" }, func(t *testing.T, f *excelize.File) {
			sheets := f.GetSheetList()
			if sheets[len(sheets)-2] != "Khác" {
				t.Fatalf("sheets %q; want a trailing %q block sheet", sheets, "Khác")
			}
			if v, _ := f.GetCellValue("Khác", "B6"); v != in0Code {
				t.Errorf("Khác!B6 = %q; want %s", v, in0Code)
			}
		}},
		{"control characters in names", func(in *RankingInput) {
			in.Names["SO-TC"] = txt("Sở\x00 Tài\x1b chính\uFFFE", "")
		}, func(t *testing.T, f *excelize.File) {
			rows, _ := f.GetRows(f.GetSheetList()[1])
			for _, r := range rows {
				if len(r) > 2 && r[1] == "SO-TC" && r[2] != "Sở Tài chính" {
					t.Errorf("name = %q; want the control characters dropped", r[2])
				}
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := testRankingInput(LangVI)
			tc.mod(&in)
			tc.check(t, openXLSX(t, writeRanking(t, in)))
		})
	}
}

// in0Code is the first unit of the fixture.
var in0Code = testUnits[0].code

// TestWriteRanking_TooWide refuses, without panicking, an index with more
// indicators than a sheet has columns.
func TestWriteRanking_TooWide(t *testing.T) {
	in := testRankingInput(LangVI)
	grp := in.Index.Nodes[1]
	for i := 0; i < excelize.MaxColumns; i++ {
		grp.Children = append(grp.Children, ind(fmt.Sprintf("X.%05d", i), "x", "x", 1, scoring.MethodBoolean,
			scoring.Input{Key: "v", Type: scoring.InputBoolean}))
	}
	link(in.Index)
	var buf bytes.Buffer
	err := WriteRanking(&buf, in)
	if err == nil || !strings.Contains(err.Error(), "the score matrix needs") {
		t.Fatalf("WriteRanking() error = %v; want the matrix refused", err)
	}
	err = WriteRawData(&buf, RawDataInput{Index: in.Index, Dataset: &scoring.Dataset{}})
	if err == nil || !strings.Contains(err.Error(), "the raw data sheet needs") {
		t.Fatalf("WriteRawData() error = %v; want the sheet refused", err)
	}
	if buf.Len() != 0 {
		t.Errorf("wrote %d bytes on error", buf.Len())
	}
}

func TestWriteRanking_NonFiniteNumbersLeftBlank(t *testing.T) {
	in := testRankingInput(LangVI)
	u := &in.Results.Units[0]
	u.Points = math.NaN()
	u.Nodes[0].Value = math.Inf(1)
	data := writeRanking(t, in)
	for name, body := range zipParts(t, data) {
		if strings.Contains(body, ">NaN<") || strings.Contains(body, ">+Inf<") || strings.Contains(body, ">Inf<") {
			t.Errorf("%s contains a NaN or Inf number", name)
		}
	}
	f := openXLSX(t, data)
	rows, _ := f.GetRows(f.GetSheetList()[1])
	for _, r := range rows {
		if len(r) > 3 && r[1] == u.Code && r[3] != "" {
			t.Errorf("points of %s = %q; want blank", u.Code, r[3])
		}
	}
}

// TestWriters_ResultsMissingParts checks that results lacking node,
// pillar or adjustment entries (another index version, a partial
// snapshot) leave cells blank instead of failing.
func TestWriters_ResultsMissingParts(t *testing.T) {
	in := testRankingInput(LangVI)
	for i := range in.Results.Units {
		u := &in.Results.Units[i]
		switch i % 3 {
		case 0:
			u.Nodes, u.Pillars, u.Adjustments = nil, nil, nil
		case 1:
			u.Nodes = u.Nodes[:2]
		case 2:
			// Out of order: found by code.
			u.Nodes[0], u.Nodes[1] = u.Nodes[1], u.Nodes[0]
		}
	}
	f := openXLSX(t, writeRanking(t, in))
	rows, _ := f.GetRows(f.GetSheetList()[4])
	if len(rows) != matrixFirstRow-1+len(testUnits) {
		t.Errorf("matrix has %d rows; want every unit", len(rows))
	}
	var buf bytes.Buffer
	sc := testScorecardInput(LangVI)
	sc.Final = in.Results
	if err := WriteScorecard(&buf, sc); err != nil {
		t.Fatalf("scorecard of partial results: %v", err)
	}
}

func TestWriteRanking_RankChangeOnlyWithinTheSameBlock(t *testing.T) {
	in := testRankingInput(LangVI)
	for i := range in.Previous.Units {
		if in.Previous.Units[i].Code == "SO-TC" {
			in.Previous.Units[i].Block = "SO_KHAC"
		}
	}
	f := openXLSX(t, writeRanking(t, in))
	sheet := f.GetSheetList()[1]
	_, _, _, changeCol := (&ranking{ix: in.Index, groups: make([]*scoring.Node, 4)}).blockColumns()
	rows, _ := f.GetRows(sheet)
	for _, r := range rows[rankFirstRow-1:] {
		if r[1] != "SO-TC" {
			continue
		}
		if r[changeCol-1] != "" || r[changeCol] == "" {
			t.Errorf("SO-TC change = %q, %q; want no rank change (other block) but a value change", r[changeCol-1], r[changeCol])
		}
		return
	}
	t.Fatal("SO-TC not found")
}

func TestWriteRanking_SelectedBlocks(t *testing.T) {
	in := testRankingInput(LangVI)
	in.Blocks = []string{"HUYEN"}
	f := openXLSX(t, writeRanking(t, in))
	if got := f.GetSheetList(); strings.Join(got, "|") != "Tổng quan|Khối UBND các huyện- thị xã-thà|Ma trận điểm" {
		t.Fatalf("sheets = %q", got)
	}
	rows, _ := f.GetRows("Ma trận điểm")
	for _, r := range rows[matrixFirstRow-1:] {
		if !strings.HasPrefix(r[0], "H-") {
			t.Errorf("matrix lists %s, outside the selected block", r[0])
		}
	}
	if n, _ := f.GetCellValue("Tổng quan", "B14"); n != "3" {
		t.Errorf("cover total = %q; want the block's 3 units", n)
	}
}
