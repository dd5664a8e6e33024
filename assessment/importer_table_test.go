package assessment_test

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/reports"
)

// sheetProblem is a refusal of a fake SheetReader, shaped like
// reports.SheetError.
type sheetProblem struct {
	code  string
	cells []string
}

func (e *sheetProblem) Error() string { return "sheet: " + e.code }
func (e *sheetProblem) SheetProblem() (string, []string) {
	return e.code, e.cells
}

// fakeSheet is a SheetReader returning rows or err, and recording what it
// was asked for.
type fakeSheet struct {
	rows            [][]string
	err             error
	size            int64
	maxRows, maxCol int
}

func (f *fakeSheet) read(r io.Reader, size int64, maxRows, maxCols int) (string, [][]string, error) {
	f.size, f.maxRows, f.maxCol = size, maxRows, maxCols
	if _, err := io.ReadAll(r); err != nil {
		return "", nil, err
	}
	if f.err != nil {
		return "", nil, f.err
	}
	return "Trang 1", f.rows, nil
}

// workbookBytes is the start of a zip: ReadTable gives such content to
// the sheet reader whatever the file name says.
var workbookBytes = []byte("PK\x03\x04 any workbook")

func TestReadTable_sheetReaderErrors(t *testing.T) {
	tests := []struct {
		name    string
		err     error
		wantKey string
		fields  []string
	}{
		{"too large", &sheetProblem{code: "too_large"}, "import.too_large", nil},
		{"not a workbook", &sheetProblem{code: "not_workbook"}, "import.not_xlsx", nil},
		{"rows", &sheetProblem{code: "too_many_rows", cells: []string{"A21001"}}, "import.too_many_rows", nil},
		{"columns with the cell", &sheetProblem{code: "too_many_cols", cells: []string{"XFD1"}}, "import.too_many_cols_at", nil},
		{"columns", &sheetProblem{code: "too_many_cols"}, "import.too_many_cols", nil},
		{"cells", &sheetProblem{code: "too_many_cells"}, "import.too_many_cells", nil},
		{"unknown code", &sheetProblem{code: "odd"}, "import.not_xlsx", nil},
		{"any other error", errors.New("boom"), "import.not_xlsx", nil},
		{"wrapped problem", errors.Join(errors.New("context"), &sheetProblem{code: "too_large"}), "import.too_large", nil},
		{"formulas", &sheetProblem{code: "formula", cells: []string{"B2", "C3"}}, "", []string{"B2", "C3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeSheet{err: tt.err}
			tb, err := assessment.ReadTable("units.xlsx", bytes.NewReader(workbookBytes), f.read)
			if tb != nil || !errors.Is(err, assessment.ErrInvalid) {
				t.Fatalf("ReadTable = %v, %v; want ErrInvalid", tb, err)
			}
			if tt.fields != nil {
				var v *assessment.ValidationError
				if !errors.As(err, &v) {
					t.Fatalf("ReadTable error %v; want *ValidationError", err)
				}
				var got []string
				for _, fl := range v.Fields {
					got = append(got, fl.Field)
				}
				if !reflect.DeepEqual(got, tt.fields) {
					t.Errorf("fields %v; want %v", got, tt.fields)
				}
				return
			}
			var e *assessment.Error
			if !errors.As(err, &e) || e.Key != tt.wantKey {
				t.Fatalf("ReadTable error %v; want key %s", err, tt.wantKey)
			}
			if e.VI == "" || e.EN == "" || e.VI == e.EN || strings.Contains(e.EN, "%!") {
				t.Errorf("messages %q / %q", e.VI, e.EN)
			}
		})
	}
}

func TestReadTable_sheetReaderRows(t *testing.T) {
	f := &fakeSheet{rows: [][]string{
		nil,
		{"", ""},
		{" code ", "name_vi", ""},
		{"SO-TC", "Sở Tài chính"},
		nil,
		{"", "  "},
		{"H-CP", "Huyện Cao Phong", "", "lạc chỗ"},
	}}
	tb, err := assessment.ReadTable("units.xlsx", bytes.NewReader(workbookBytes), f.read)
	if err != nil {
		t.Fatal(err)
	}
	if f.size != int64(len(workbookBytes)) || f.maxCol != assessment.MaxImportCols || f.maxRows <= assessment.MaxImportRows {
		t.Errorf("reader asked for size %d, %d rows, %d columns", f.size, f.maxRows, f.maxCol)
	}
	if !tb.Excel || tb.Sheet != "Trang 1" || tb.HeaderLine != 3 || !reflect.DeepEqual(tb.Header, []string{"code", "name_vi", ""}) {
		t.Errorf("table %+v; want an Excel table with its header on row 3", tb)
	}
	want := []assessment.TableRow{
		{Line: 4, Cells: []string{"SO-TC", "Sở Tài chính"}},
		{Line: 7, Cells: []string{"H-CP", "Huyện Cao Phong", "", "lạc chỗ"}},
	}
	if !reflect.DeepEqual(tb.Rows, want) {
		t.Errorf("rows %+v; want %+v", tb.Rows, want)
	}
	if got := tb.Ref(7, 3); got != "D7" {
		t.Errorf("Ref(7, 3) = %q; want D7", got)
	}

	// The table's own caps hold whatever the reader returns.
	wide := &fakeSheet{rows: [][]string{make([]string, assessment.MaxImportCols+1)}}
	if _, err := assessment.ReadTable("u.xlsx", bytes.NewReader(workbookBytes), wide.read); !isKey(err, "import.too_many_cols") {
		t.Errorf("wide rows: %v; want import.too_many_cols", err)
	}
	long := &fakeSheet{rows: [][]string{{"code"}}}
	for i := 0; i <= assessment.MaxImportRows; i++ {
		long.rows = append(long.rows, []string{"x"})
	}
	if _, err := assessment.ReadTable("u.xlsx", bytes.NewReader(workbookBytes), long.read); !isKey(err, "import.too_many_rows") {
		t.Errorf("long sheet: %v; want import.too_many_rows", err)
	}
	empty := &fakeSheet{rows: [][]string{nil, {"", " "}}}
	if _, err := assessment.ReadTable("u.xlsx", bytes.NewReader(workbookBytes), empty.read); !isKey(err, "import.empty") {
		t.Errorf("empty sheet: %v; want import.empty", err)
	}
}

func isKey(err error, key string) bool {
	var e *assessment.Error
	return errors.As(err, &e) && e.Key == key
}

// TestReadTable_noSheetReader: a workbook needs a reader, a CSV file does
// not; the missing reader is a wiring mistake, not the user's.
func TestReadTable_noSheetReader(t *testing.T) {
	data := xlsx(t, [][]any{{"code"}, {"A"}})
	_, err := assessment.ReadTable("units.xlsx", bytes.NewReader(data), nil)
	if !errors.Is(err, assessment.ErrNoSheetReader) || errors.Is(err, assessment.ErrInvalid) {
		t.Errorf("ReadTable without a reader = %v; want ErrNoSheetReader", err)
	}
	tb, err := assessment.ReadTable("units.csv", strings.NewReader("code\nA\n"), nil)
	if err != nil || len(tb.Rows) != 1 {
		t.Errorf("CSV without a reader = %+v, %v", tb, err)
	}
}

// sparseXLSX streams a workbook of n rows, each holding one value in
// column col: a file of a few KB that excelize's own reader expands to
// n × col cells.
func sparseXLSX(t *testing.T, n int, col string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	for r := 1; r <= n; r++ {
		if err := sw.SetRow(col+strconv.Itoa(r), []any{"x"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestReadTable_hostileSparse reads 1,000 rows with one value each far to
// the right, through the platform's reader: past the last column read
// (XFD) the file is refused naming the cell, within it (column 300) it is
// read; either way with little memory (excelize took 1.1 GB for XFD).
func TestReadTable_hostileSparse(t *testing.T) {
	tests := []struct {
		col     string
		wantKey string
	}{
		{"XFD", "import.too_many_cols_at"},
		{"KN", ""},
	}
	for _, tt := range tests {
		t.Run(tt.col, func(t *testing.T) {
			data := sparseXLSX(t, 1000, tt.col)
			if len(data) > 32<<10 {
				t.Fatalf("the hostile file is %d bytes; want a small one", len(data))
			}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			tb, err := assessment.ReadTable("units.xlsx", bytes.NewReader(data), reports.ReadSheetRows)
			runtime.ReadMemStats(&after)
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 50<<20 {
				t.Errorf("ReadTable allocated %d MB; want under 50 MB", alloc>>20)
			}
			if tt.wantKey != "" {
				var e *assessment.Error
				if !errors.As(err, &e) || e.Key != tt.wantKey || !strings.Contains(e.EN, "XFD1") || !strings.Contains(e.VI, "XFD1") {
					t.Fatalf("ReadTable error %v; want %s naming XFD1", err, tt.wantKey)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tb.HeaderLine != 1 || len(tb.Header) != 300 || tb.Header[299] != "x" || len(tb.Rows) != 999 || tb.Rows[998].Line != 1000 {
				t.Errorf("table: header line %d of %d columns, %d rows", tb.HeaderLine, len(tb.Header), len(tb.Rows))
			}
		})
	}
}
