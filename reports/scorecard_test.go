package reports

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/dti-platform/dti/scoring"
)

func testScorecardInput(lang string) ScorecardInput {
	ix := testIndex()
	self := fakeResults(ix, testUnits, 3)
	appr := fakeResults(ix, testUnits, 4)
	final := fakeResults(ix, testUnits, 4)
	// Results scored with explanations show them.
	for i := range final.Units {
		for k := range final.Units[i].Nodes {
			if final.Units[i].Nodes[k].Code == "NT.2.01" {
				final.Units[i].Nodes[k].Explanation = &scoring.Explanation{
					Method: scoring.MethodRatio,
					Steps:  txt("a/b = 12/15 = 0,8 → 0,8 × 15 = 12 điểm", "a/b = 12/15 = 0.8 → 0.8 × 15 = 12 points"),
				}
			}
		}
	}
	// The council's override on one indicator shows in the final points.
	for i := range final.Units {
		if final.Units[i].Code == "SO-TTTT" {
			for k := range final.Units[i].Nodes {
				if final.Units[i].Nodes[k].Code == "NT.1.02" {
					final.Units[i].Nodes[k].Points = 5
					final.Units[i].Nodes[k].Overridden = true
				}
			}
		}
	}
	ti := testTemplateInput(lang)
	apprValues := map[scoring.InputKey]scoring.Value{}
	for k, v := range ti.Current {
		apprValues[k] = v
	}
	apprValues[key("NT.2.01", "done")] = num(10)
	apprValues[key("NT.1.02", "chair_role")] = text("none")
	return ScorecardInput{
		Index:           ix,
		Period:          testPeriod(),
		UnitCode:        "SO-TTTT",
		UnitName:        txt("Sở Thông tin và Truyền thông", "Department of Information and Communications"),
		Self:            self,
		Appraised:       appr,
		Final:           final,
		SelfValues:      ti.Current,
		AppraisedValues: apprValues,
		Reviews: map[string]Review{
			"NT.1.01": {Decision: "accept", Reviewer: "Nguyễn Văn A"},
			"NT.1.02": {Decision: "adjust_score", Reason: "Quyết định thành lập không ghi rõ vai trò", Reviewer: "Trần Thị B"},
			"NT.2.01": {Decision: "adjust_value", Reason: "=IMPORTXML(\"http://evil\")", Comment: "Chỉ tính nhiệm vụ đã nghiệm thu"},
			"CQS.02":  {Decision: "request_evidence", Comment: "Bổ sung báo cáo quyết toán"},
		},
		Evidence: map[string][]EvidenceItem{
			"NT.1.01": {
				{Kind: "file", Name: "QD-123-KH-CDS.pdf", Size: 245760},
				{Kind: "link", URL: "https://stttt.example.gov.vn/ke-hoach-2025"},
			},
			"CQS.02": {{Kind: "explanation", Text: "Đang chờ quyết toán"}},
		},
		GeneratedAt: testTime,
		Lang:        lang,
	}
}

func writeScorecard(t *testing.T, in ScorecardInput) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteScorecard(&buf, in); err != nil {
		t.Fatalf("WriteScorecard: %v", err)
	}
	return buf.Bytes()
}

func TestWriteScorecard_Golden(t *testing.T) {
	for _, lang := range []string{LangVI, LangEN, LangBoth} {
		t.Run(lang, func(t *testing.T) {
			checkGolden(t, "scorecard_"+lang+".golden", dumpXLSX(t, writeScorecard(t, testScorecardInput(lang))))
		})
	}
}

func TestWriteScorecard_Deterministic(t *testing.T) {
	a := dumpXLSX(t, writeScorecard(t, testScorecardInput(LangVI)))
	b := dumpXLSX(t, writeScorecard(t, testScorecardInput(LangVI)))
	if a != b {
		t.Fatalf("two writes differ:\n%s", firstDiff(a, b))
	}
}

// rowOf finds the first row whose column A is code.
func rowOf(t *testing.T, rows [][]string, code string) []string {
	t.Helper()
	for _, r := range rows {
		if len(r) > 0 && r[0] == code {
			return append(r, make([]string, scLast)...)[:scLast]
		}
	}
	t.Fatalf("no row for %s", code)
	return nil
}

func TestWriteScorecard_Content(t *testing.T) {
	in := testScorecardInput(LangVI)
	f := openXLSX(t, writeScorecard(t, in))
	sheet := f.GetSheetList()[0]
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		code, col string
		want      string
	}{
		{"override shows in final points", "NT.1.02", "I", "5.00"},
		{"decision label", "NT.1.02", "J", "Điều chỉnh điểm"},
		{"reason and reviewer", "NT.1.02", "K", "Quyết định thành lập không ghi rõ vai trò\nNgười thẩm định: Trần Thị B"},
		{"hostile reason stays text", "NT.2.01", "K", "=IMPORTXML(\"http://evil\")\nChỉ tính nhiệm vụ đã nghiệm thu"},
		{"evidence list", "NT.1.01", "L", "Tệp: QD-123-KH-CDS.pdf (240.0 KB)\nLiên kết: https://stttt.example.gov.vn/ke-hoach-2025"},
		{"explanation evidence", "CQS.02", "L", "Giải trình: Đang chờ quyết toán"},
		{"request for evidence", "CQS.02", "J", "Yêu cầu bổ sung minh chứng"},
		{"group max points", "NT", "F", "60.00"},
		{"explanation", "NT.2.01", "M", "a/b = 12/15 = 0,8 → 0,8 × 15 = 12 điểm"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := rowOf(t, rows, tc.code)
			col := int(tc.col[0]-'A') + 1
			if got := r[col-1]; got != tc.want {
				t.Errorf("%s column %s = %q; want %q", tc.code, tc.col, got, tc.want)
			}
		})
	}
	// The input rows under NT.2.01 show self and appraised values.
	for i, r := range rows {
		if len(r) > 0 && r[0] == "NT.2.01" {
			done := rows[i+1]
			if len(done) < 5 || done[2] != "Số nhiệm vụ hoàn thành" || done[3] != "12" || done[4] != "10" {
				t.Errorf("input row = %q; want label, self 12, appraised 10", done)
			}
		}
	}
	formulas := 0
	for ri, r := range rows {
		for c := range r {
			if fm, _ := f.GetCellFormula(sheet, cellRef(c+1, ri+1)); fm != "" {
				formulas++
			}
		}
	}
	if formulas != 0 {
		t.Errorf("scorecard has %d formula cells; want none", formulas)
	}
}

func TestWriteScorecard_DistrictLeavesOutDepartmentIndicators(t *testing.T) {
	in := testScorecardInput(LangVI)
	in.UnitCode = "H-CL"
	f := openXLSX(t, writeScorecard(t, in))
	rows, _ := f.GetRows(f.GetSheetList()[0])
	for _, r := range rows {
		if len(r) > 0 && r[0] == "CQS.04" {
			t.Fatal("district scorecard lists CQS.04, which applies to departments only")
		}
	}
	if r := rowOf(t, rows, "CQS"); r[5] != "30.00" {
		t.Errorf("district CQS max = %q; want the per-type 30.00", r[5])
	}
}

func TestWriteScorecard_Errors(t *testing.T) {
	tests := []struct {
		name string
		mod  func(*ScorecardInput)
		want string
	}{
		{"nil index", func(in *ScorecardInput) { in.Index = nil }, "index is nil"},
		{"unknown unit", func(in *ScorecardInput) { in.UnitCode = "NOPE" }, `unit "NOPE" has no final result`},
		{"no final results", func(in *ScorecardInput) { in.Final = nil }, "has no final result"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := testScorecardInput(LangVI)
			tc.mod(&in)
			var buf bytes.Buffer
			err := WriteScorecard(&buf, in)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("WriteScorecard() error = %v; want %q", err, tc.want)
			}
		})
	}
}

func TestWriteScorecard_WithoutSelfAndAppraised(t *testing.T) {
	in := testScorecardInput(LangEN)
	in.Self, in.Appraised, in.Reviews, in.Evidence = nil, nil, nil, nil
	f := openXLSX(t, writeScorecard(t, in))
	rows, _ := f.GetRows(f.GetSheetList()[0])
	r := rowOf(t, rows, "NT.1.01")
	if r[6] != "" || r[7] != "" || r[8] == "" {
		t.Errorf("row = %q; want blank self/appraised points and final points", r)
	}
}

// TestComposite_ShowsValuesOnScale checks that a composite index, whose
// nodes carry values but no points, shows each node's value on the index
// scale in the matrix and the scorecard.
func TestComposite_ShowsValuesOnScale(t *testing.T) {
	in := testScorecardInput(LangVI)
	in.Index.Style = scoring.StyleComposite
	in.Index.Scale = 100
	for _, rs := range []*scoring.Results{in.Self, in.Appraised, in.Final} {
		for i := range rs.Units {
			for k := range rs.Units[i].Nodes {
				rs.Units[i].Nodes[k].Points, rs.Units[i].Nodes[k].MaxPoints = 0, 0
			}
		}
	}
	u := unitResult(in.Final, "SO-TTTT")
	want := roundTo(findResult(u.Nodes, "NT.2.01").Value*100, 2)

	f := openXLSX(t, writeScorecard(t, in))
	rows, _ := f.GetRows(f.GetSheetList()[0], excelize.Options{RawCellValue: true})
	r := rowOf(t, rows, "NT.2.01")
	if r[scMax-1] != "100" || r[scFinalPoints-1] != strconv.FormatFloat(want, 'f', -1, 64) {
		t.Errorf("scorecard NT.2.01 max %q final %q; want 100 and %v", r[scMax-1], r[scFinalPoints-1], want)
	}
	if r := rowOf(t, rows, "BONUS.01"); r[scMax-1] != "30" {
		t.Errorf("bonus max = %q; want its 30 points", r[scMax-1])
	}

	rin := testRankingInput(LangVI)
	rin.Index, rin.Results = in.Index, in.Final
	fm := openXLSX(t, writeRanking(t, rin))
	matrix := fm.GetSheetList()[4]
	mrows, _ := fm.GetRows(matrix, excelize.Options{RawCellValue: true})
	for _, mr := range mrows {
		if len(mr) > 0 && mr[0] == "SO-TTTT" {
			// NT.2.01 is the third indicator column.
			if got := mr[matrixFixedCols+2]; got != strconv.FormatFloat(want, 'f', -1, 64) {
				t.Errorf("matrix NT.2.01 = %q; want %v", got, want)
			}
			return
		}
	}
	t.Fatal("SO-TTTT not in the matrix")
}
