package main

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/assessment/sqlite"
	"github.com/dti-platform/dti/reports"
)

// runDti runs dti in-process and returns stdout, stderr and the error.
func runDti(args ...string) (string, string, error) {
	var out, errOut bytes.Buffer
	env := &cmdEnv{stdout: &out, stderr: &errOut, getenv: func(string) string { return "" }}
	err := run(context.Background(), env, args)
	return out.String(), errOut.String(), err
}

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestImportCommand(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "dti.db")
	db, err := sqlite.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("../../scoring/testdata/small.yaml")
	if err != nil {
		t.Fatal(err)
	}
	pin, _, err := assessment.PinIndex(src)
	if err != nil {
		t.Fatal(err)
	}
	period := &assessment.Period{Code: "DTI-2025", Name: "DTI 2025", Year: 2025, Status: assessment.PeriodOpen,
		IndexCode: pin.Code, IndexVersion: pin.Version, IndexHash: pin.Hash, IndexSource: pin.Source}
	if err := db.CreatePeriod(context.Background(), assessment.SystemActor, period); err != nil {
		t.Fatal(err)
	}
	db.Close()
	indexPath := writeFile(t, dir, "index.yaml", string(src))

	units := writeFile(t, dir, "units.csv", "code,name_vi,type,parent_code\nSO-TC,Sở Tài chính,department,\nH-CP,Huyện Cao Phong,district,\n")
	badUnits := writeFile(t, dir, "bad.csv", "code,name_vi,type\nSO-TC,Sở Tài chính,ministry\n")
	users := writeFile(t, dir, "users.csv", "username,full_name,role,unit_code\nnva.sotc,Nguyễn Văn An,unit_editor,SO-TC\n")
	values := writeFile(t, dir, "values.csv", "unit_code,A.3/online,A.3/total\nSO-TC,120,150\n")
	excelUnits := writeXLSX(t, dir, "units.xlsx", map[string]any{"A1": "code", "B1": "name_vi", "C1": "type",
		"A2": "SO-YT", "B2": "Sở Y tế", "C2": "department"})
	hostile := make(map[string]any)
	for r := 1; r <= 1000; r++ {
		hostile["XFD"+strconv.Itoa(r)] = "x"
	}
	hostileUnits := writeXLSX(t, dir, "hostile.xlsx", hostile)

	tests := []struct {
		name     string
		args     []string
		code     int
		out, err []string // substrings
	}{
		{"no kind", []string{"import"}, 2, nil, []string{"units, users or values"}},
		{"bad kind", []string{"import", "things", "--db", dbPath}, 2, nil, []string{`unknown kind "things"`}},
		{"no file", []string{"import", "units", "--db", dbPath}, 2, nil, []string{"--file is required"}},
		{"values need a period", []string{"import", "values", "--db", dbPath, "--file", values}, 2, nil, []string{"--period is required"}},
		{"missing db", []string{"import", "units", "--db", filepath.Join(dir, "none.db"), "--file", units}, 1, nil, []string{"does not exist"}},
		{"bad file", []string{"import", "units", "--db", dbPath, "--file", badUnits, "--index", indexPath, "--lang", "en"}, 1,
			[]string{`ERROR: line 2, column type: unit type "ministry" is not in the index`}, []string{"1 problems; nothing written"}},
		{"excel preview", []string{"import", "units", "--db", dbPath, "--file", excelUnits, "--lang", "en"}, 0,
			[]string{"Preview: 1 to create, 0 to update, 0 unchanged", "create    SO-YT"}, nil},
		{"sparse excel", []string{"import", "units", "--db", dbPath, "--file", hostileUnits, "--lang", "en"}, 1,
			nil, []string{"the file has more than 300 columns (cell XFD1 has a value)"}},
		{"preview", []string{"import", "units", "--db", dbPath, "--file", units}, 0,
			[]string{"Xem trước: 2 tạo mới, 0 cập nhật, 0 không đổi", "create    SO-TC", "--apply"}, nil},
		{"apply", []string{"import", "units", "--db", dbPath, "--file", units, "--index", indexPath, "--apply"}, 0,
			[]string{"Đã tạo 2, cập nhật 0, không đổi 0"}, nil},
		{"again", []string{"import", "units", "--db", dbPath, "--file", units, "--apply", "--lang", "en"}, 0,
			[]string{"Preview: 0 to create, 0 to update, 2 unchanged", "Created 0, updated 0, unchanged 2"}, nil},
		{"users", []string{"import", "users", "--db", dbPath, "--file", users, "--apply"}, 0,
			[]string{"Mật khẩu ban đầu", "nva.sotc"}, nil},
		{"unknown period", []string{"import", "values", "--db", dbPath, "--file", values, "--period", "DTI-1990"}, 1, nil, []string{`no period "DTI-1990"`}},
		{"values", []string{"import", "values", "--db", dbPath, "--file", values, "--period", "DTI-2025", "--source", "system", "--apply"}, 0,
			[]string{`SO-TC A.3/online  value="120"`, "Đã ghi giá trị: 2"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, err := runDti(tt.args...)
			if got := exitCode(err); got != tt.code {
				t.Fatalf("exit %d (%v); want %d\nstdout:\n%s\nstderr:\n%s", got, err, tt.code, out, errOut)
			}
			for _, s := range tt.out {
				if !strings.Contains(out, s) {
					t.Errorf("stdout lacks %q:\n%s", s, out)
				}
			}
			for _, s := range tt.err {
				if !strings.Contains(errOut, s) {
					t.Errorf("stderr lacks %q:\n%s", s, errOut)
				}
			}
		})
	}

	db, err = sqlite.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if _, n, _ := db.FindUnits(ctx, assessment.UnitFilter{}); n != 2 {
		t.Errorf("units: %d; want 2", n)
	}
	u, err := db.FindUserByUsername(ctx, "nva.sotc")
	if err != nil || !u.MustChangePassword {
		t.Errorf("imported user %+v, %v", u, err)
	}
	so, _ := db.FindUnitByCode(ctx, "SO-TC")
	s, err := db.FindSubmission(ctx, period.ID, so.ID)
	if err != nil {
		t.Fatal(err)
	}
	vals, _ := db.FindValues(ctx, s.ID)
	if len(vals) != 2 || !vals[0].Locked || vals[0].Source != "system" {
		t.Errorf("values %+v", vals)
	}
	entries, _, _ := db.FindAudit(ctx, assessment.AuditFilter{Action: "value."})
	if len(entries) != 2 || !strings.Contains(entries[0].Reason, "system") {
		t.Errorf("audit of imported values: %d entries; want 2 naming the source", len(entries))
	}
}

// writeXLSX streams a one-sheet workbook of the given cells (by reference)
// into dir; only the cells given are stored, however far apart.
func writeXLSX(t *testing.T, dir, name string, cells map[string]any) string {
	t.Helper()
	type cell struct {
		col, row int
		v        any
	}
	var list []cell
	for ref, v := range cells {
		c, r, err := excelize.CellNameToCoordinates(ref)
		if err != nil {
			t.Fatal(err)
		}
		list = append(list, cell{c, r, v})
	}
	slices.SortFunc(list, func(a, b cell) int { return cmp.Or(a.row-b.row, a.col-b.col) })
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(list); {
		// One SetRow per row: its first cell, then the row's values with
		// gaps left nil.
		j := i
		var row []any
		for ; j < len(list) && list[j].row == list[i].row; j++ {
			for len(row) < list[j].col-list[i].col {
				row = append(row, nil)
			}
			row = append(row, list[j].v)
		}
		ref, _ := excelize.CoordinatesToCellName(list[i].col, list[i].row)
		if err := sw.SetRow(ref, row); err != nil {
			t.Fatal(err)
		}
		i = j
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := f.SaveAs(p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPrintable(t *testing.T) {
	if got := printable("Sở \x1b[31mY tế\tA\n"); got != "Sở \uFFFD[31mY tế\uFFFDA\uFFFD" {
		t.Errorf("printable = %q", got)
	}
}

// TestSheetReaderContract pins the codes reports.SheetError gives to the
// messages assessment.ReadTable shows for them: the two packages may not
// import each other, so only a package that imports both can check that
// they agree.
func TestSheetReaderContract(t *testing.T) {
	var _ assessment.SheetReader = reports.ReadSheetRows
	tests := []struct {
		err     *reports.SheetError
		wantKey string
	}{
		{&reports.SheetError{Code: reports.SheetErrTooLarge}, "import.too_large"},
		{&reports.SheetError{Code: reports.SheetErrNotWorkbook}, "import.not_xlsx"},
		{&reports.SheetError{Code: reports.SheetErrTooManyRows, Cells: []string{"A21001"}}, "import.too_many_rows"},
		{&reports.SheetError{Code: reports.SheetErrTooManyCols, Cells: []string{"XFD1"}}, "import.too_many_cols_at"},
		{&reports.SheetError{Code: reports.SheetErrTooManyCells}, "import.too_many_cells"},
		{&reports.SheetError{Code: reports.SheetErrFormula, Cells: []string{"B2"}}, "import.formula"},
	}
	for _, tt := range tests {
		t.Run(tt.err.Code, func(t *testing.T) {
			read := func(io.Reader, int64, int, int) (string, [][]string, error) { return "", nil, tt.err }
			_, err := assessment.ReadTable("f.xlsx", strings.NewReader("PK\x03\x04"), read)
			var e *assessment.Error
			var v *assessment.ValidationError
			switch {
			case errors.As(err, &v):
				if tt.wantKey != "import.formula" || len(v.Fields) != 1 || v.Fields[0].Field != "B2" {
					t.Errorf("ReadTable error %v; want key %s", err, tt.wantKey)
				}
			case !errors.As(err, &e) || e.Key != tt.wantKey:
				t.Errorf("ReadTable error %v; want key %s", err, tt.wantKey)
			}
		})
	}
}
