package reports

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/dti-platform/dti/scoring"
)

// testDataset gives three units values by slot: one full, one partial with
// hostile text, one empty.
func testDataset(ix *scoring.Index) *scoring.Dataset {
	cols := rawColumns(ix)
	full := testTemplateInput(LangVI).Current
	values := func(m map[scoring.InputKey]scoring.Value) []scoring.Value {
		vs := make([]scoring.Value, len(cols))
		for i, c := range cols {
			vs[i] = m[key(c.node.Code, c.input.Key)]
		}
		return vs
	}
	partial := map[scoring.InputKey]scoring.Value{
		key("NT.1.01", "has_plan"):   num(0),
		key("NT.2.01", "done"):       num(3),
		key("NT.2.01", "planned"):    num(4.5),
		key("CQS.04", "note"):        text("-2+3 @SUM(A1) =cmd"),
		key("CQS.04", "link"):        text("https://h-cl.example.gov.vn/?a=1,b=\"2\""),
		key("CQS.03", "platforms"):   text("emc"),
		key("NT.2.02", "coverage"):   num(-0.5),
		key("BONUS.01", "awards"):    num(0),
		key("CQS.01", "issued_on"):   text("2025-12-31"),
		key("CQS.02", "budget"):      num(0.1),
		key("NT.1.02", "chair_role"): text("none"),
	}
	return &scoring.Dataset{Year: 2025, Units: []scoring.UnitData{
		{Code: "SO-TTTT", Name: "Sở Thông tin và Truyền thông", Type: "department", Block: "SO", Values: values(full)},
		{Code: "H-CL", Name: "=HYPERLINK(\"x\")", Type: "district", Block: "HUYEN", Values: values(partial)},
		{Code: "H-TM", Name: "Huyện Tháp Mười", Type: "district", Block: "HUYEN"},
	}}
}

func testRawInput(lang string) RawDataInput {
	ix := testIndex()
	return RawDataInput{Index: ix, Period: testPeriod(), Dataset: testDataset(ix), Lang: lang,
		Names: UnitNames{"SO-TTTT": txt("Sở Thông tin và Truyền thông", "Department of Information and Communications")}}
}

func testAuditInput(lang string) AuditInput {
	at := time.Date(2025, 11, 3, 2, 4, 5, 0, time.UTC)
	return AuditInput{
		Lang:     lang,
		Location: time.FixedZone("ICT", 7*3600),
		Entries: []AuditEntry{
			{At: at, Actor: "nguyenvana", Action: "value.save", Entity: "submission", EntityID: "41", Unit: "SO-TTTT", Period: "DTI-2025",
				Field: "NT.2.01/done", From: "12", To: "14"},
			{At: at.Add(90 * time.Minute), Actor: "tranthib", Action: "review.adjust_score", Entity: "review", EntityID: "7", Unit: "SO-TTTT",
				Period: "DTI-2025", Field: "NT.1.02", From: "10", To: "5", Reason: "=HYPERLINK(\"http://evil\",\"bấm\")"},
			{At: at.Add(48 * time.Hour), Actor: "admin", Action: "period.publish", Entity: "period", EntityID: "3", Period: "DTI-2025",
				From: "closed", To: "published", Reason: "+Công bố\r\nkết quả; \"chính thức\""},
		},
	}
}

func TestWriteRawData_Golden(t *testing.T) {
	for _, lang := range []string{LangVI, LangEN} {
		t.Run(lang, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteRawData(&buf, testRawInput(lang)); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, "rawdata_"+lang+".golden", dumpXLSX(t, buf.Bytes()))
		})
	}
}

func TestWriteRawDataCSV_Golden(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteRawDataCSV(&buf, testRawInput(LangVI)); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "rawdata_vi.csv", buf.String())
	checkCSV(t, buf.Bytes(), 4, rawFixedCols+len(rawColumns(testIndex())))
}

func TestWriteAudit_Golden(t *testing.T) {
	for _, lang := range []string{LangVI, LangEN} {
		t.Run(lang, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteAudit(&buf, testAuditInput(lang)); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, "audit_"+lang+".golden", dumpXLSX(t, buf.Bytes()))
		})
	}
}

func TestWriteAuditCSV_Golden(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteAuditCSV(&buf, testAuditInput(LangEN)); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "audit_en.csv", buf.String())
	recs := checkCSV(t, buf.Bytes(), 4, len(auditHeaders))
	if got, want := recs[1][0], "2025-11-03 09:04:05 +07:00"; got != want {
		t.Errorf("time = %q; want %q (in the given zone)", got, want)
	}
}

// checkCSV checks the BOM, parses the file and checks its shape and that
// no cell would run as a formula in a spreadsheet.
func checkCSV(t *testing.T, data []byte, rows, cols int) [][]string {
	t.Helper()
	if !bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		t.Fatal("CSV does not start with a UTF-8 BOM")
	}
	recs, err := csv.NewReader(bytes.NewReader(data[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != rows {
		t.Fatalf("CSV has %d records; want %d", len(recs), rows)
	}
	for i, r := range recs {
		if len(r) != cols {
			t.Errorf("record %d has %d fields; want %d", i, len(r), cols)
		}
		for j, v := range r {
			if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) && !isNumber(v) {
				t.Errorf("record %d field %d = %q would run as a formula", i, j, v)
			}
		}
	}
	return recs
}

// isNumber reports whether v is a plain number written by the package
// (negative numbers are data, not formulas).
func isNumber(v string) bool {
	_, ok := parseRawNumber(v)
	return ok
}

func TestCSVSafe(t *testing.T) {
	tests := []struct{ in, want string }{
		{"=1+1", "'=1+1"},
		{"+84 912", "'+84 912"},
		{"-2", "'-2"},
		{"@SUM(A1)", "'@SUM(A1)"},
		{"\tx", "'\tx"},
		{"\rx", "'\rx"},
		{"Sở Tài chính", "Sở Tài chính"},
		{"a=b", "a=b"},
		{"", ""},
		{"x\x00y", "xy"},
	}
	for _, tc := range tests {
		if got := CSVSafe(tc.in); got != tc.want {
			t.Errorf("CSVSafe(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}

func TestWriteRawData_Errors(t *testing.T) {
	in := testRawInput(LangVI)
	in.Dataset = nil
	var buf bytes.Buffer
	if err := WriteRawData(&buf, in); err == nil || !strings.Contains(err.Error(), "dataset is nil") {
		t.Errorf("WriteRawData(nil dataset) = %v", err)
	}
	if err := WriteRawDataCSV(&buf, in); err == nil {
		t.Error("WriteRawDataCSV(nil dataset) succeeded")
	}
	if buf.Len() != 0 {
		t.Errorf("wrote %d bytes on error", buf.Len())
	}
}

func TestASCIIFileName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Xếp hạng DTI-2025.xlsx", "Xep-hang-DTI-2025.xlsx"},
		{"Phiếu điểm Sở Thông tin và Truyền thông", "Phieu-diem-So-Thong-tin-va-Truyen-thong"},
		{"ĐỒNG THÁP / Ưu tiên", "DONG-THAP-Uu-tien"},
		{"../../etc/passwd", "etc-passwd"},
		{"a\r\nb\"c;d", "a-b-c-d"},
		{"", "download"},
		{"日本", "download"},
		{strings.Repeat("ả", 200), strings.Repeat("a", 120)},
	}
	for _, tc := range tests {
		if got := ASCIIFileName(tc.in); got != tc.want {
			t.Errorf("ASCIIFileName(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}

// BenchmarkWriteRawData writes 3,500 units × 100 inputs.
func BenchmarkWriteRawData(b *testing.B) {
	ix := bigIndex()
	cols := rawColumns(ix)
	ds := &scoring.Dataset{Year: 2025}
	for i := 0; i < 3500; i++ {
		u := scoring.UnitData{Code: fmt.Sprintf("U%05d", i), Name: "Ủy ban nhân dân xã", Type: "department", Block: "SO",
			Values: make([]scoring.Value, len(cols))}
		for k := range u.Values {
			u.Values[k] = scoring.Value{Set: true, Num: float64((i + k) % 100)}
		}
		ds.Units = append(ds.Units, u)
	}
	in := RawDataInput{Index: ix, Dataset: ds}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := WriteRawData(io.Discard, in); err != nil {
			b.Fatal(err)
		}
		if err := WriteRawDataCSV(io.Discard, in); err != nil {
			b.Fatal(err)
		}
	}
}
