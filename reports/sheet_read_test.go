package reports

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// sheetWorkbook zips a workbook whose first sheet ("Dữ liệu") holds rows.
func sheetWorkbook(t *testing.T, rows string) []byte {
	t.Helper()
	return testPackage(t, map[string]string{
		"xl/workbook.xml":            testWorkbookXML,
		"xl/_rels/workbook.xml.rels": testRelsXML,
		"xl/sharedStrings.xml":       testSharedXML,
		"xl/worksheets/sheet1.xml":   sheetXML(rows),
		"xl/worksheets/other.xml":    sheetXML(`<row r="1"><c r="A1"><v>9</v></c></row>`),
	})
}

func TestReadSheetRows(t *testing.T) {
	tests := []struct {
		name      string
		rows      string
		want      [][]string
		wantCode  string
		wantCells []string
	}{
		{
			name: "types as stored",
			rows: `<row r="1"><c r="A1" t="s"><v>1</v></c><c r="B1"><v>45749</v></c><c r="C1" t="inlineStr"><is><t>=1+1</t></is></c>` +
				`<c r="D1" t="b"><v>0</v></c><c r="E1" t="e"><v>#N/A</v></c><c r="F1" s="3"><v>0.875</v></c></row>`,
			want: [][]string{{"Trưởng ban", "45749", "=1+1", "0", "#N/A", "0.875"}},
		},
		{
			name: "gaps stay empty, empty cells and rows are not kept",
			rows: `<row r="2" s="1" customFormat="1"><c r="A2" s="1"/><c r="C2" t="s"><v>2</v></c><c r="D2" s="4"/></row>` +
				`<row r="4"><c r="B4"><v>1</v></c></row><row r="9"><c r="A9" s="2"/><c r="XFD9" s="2"/></row>` +
				`<row r="99999"><c r="A99999" t="inlineStr"><is><t></t></is></c></row>`,
			want: [][]string{nil, {"", "", " 12,5 "}, nil, {"", "1"}},
		},
		{
			name: "cells without references follow each other",
			rows: `<row><c><v>1</v></c><c t="s"><v>0</v></c></row><row><c t="inlineStr"><is><r><t>a</t></r><r><t>b</t></r></is></c></row>`,
			want: [][]string{{"1", "Có"}, {"ab"}},
		},
		{name: "value past the last column", rows: `<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="XFD2"><v>x</v></c></row>`, wantCode: SheetErrTooManyCols, wantCells: []string{"XFD2"}},
		{name: "value past the last row", rows: `<row r="11"><c r="B11" t="inlineStr"><is><t>late</t></is></c></row>`, wantCode: SheetErrTooManyRows, wantCells: []string{"B11"}},
		{
			name:      "formula cells, with or without a cached value",
			rows:      `<row r="1"><c r="A1"><v>1</v></c><c r="B1"><f>SUM(1,2)</f><v>3</v></c></row><row r="3"><c r="D3" t="str"><f>"a"&amp;"b"</f></c></row>`,
			wantCode:  SheetErrFormula,
			wantCells: []string{"B1", "D3"},
		},
		{name: "bad shared string", rows: `<row r="1"><c r="A1" t="s"><v>7</v></c></row>`, wantCode: SheetErrNotWorkbook},
		{name: "broken XML", rows: `<row r="1"><c r="A1"><v>1</c></row>`, wantCode: SheetErrNotWorkbook},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := sheetWorkbook(t, tt.rows)
			sheet, got, err := ReadSheetRows(bytes.NewReader(data), int64(len(data)), 10, 6)
			if tt.wantCode != "" {
				var se *SheetError
				if !errors.As(err, &se) || se.Code != tt.wantCode {
					t.Fatalf("ReadSheetRows error %v; want code %s", err, tt.wantCode)
				}
				if tt.wantCells != nil && !reflect.DeepEqual(se.Cells, tt.wantCells) {
					t.Errorf("cells %v; want %v", se.Cells, tt.wantCells)
				}
				if code, cells := se.SheetProblem(); code != se.Code || !reflect.DeepEqual(cells, se.Cells) {
					t.Errorf("SheetProblem() = %s, %v", code, cells)
				}
				if got != nil || sheet != "" {
					t.Errorf("refused sheet returned %q, %q", sheet, got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if sheet != "Dữ liệu" || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ReadSheetRows = %q, %q\nwant %q", sheet, got, tt.want)
			}
		})
	}
}

// TestReadSheetRows_Excelize reads a workbook excelize wrote: dates are
// serial numbers, numbers and text as typed.
func TestReadSheetRows_Excelize(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	rows := [][]any{
		{"code", "name", "when", "n", "ok"},
		{"SO-TC", "Sở Tài chính", time.Date(2025, 4, 2, 0, 0, 0, 0, time.UTC), 87.5, true},
		nil,
		{"H-CP", nil, nil, 3},
	}
	for i, r := range rows {
		if err := f.SetSheetRow("Sheet1", cellRef(1, i+1), &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	sheet, got, err := ReadSheetRows(bytes.NewReader(buf.Bytes()), int64(buf.Len()), 100, 10)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"code", "name", "when", "n", "ok"},
		{"SO-TC", "Sở Tài chính", "45749", "87.5", "1"},
		nil,
		{"H-CP", "", "", "3"},
	}
	if sheet != "Sheet1" || !reflect.DeepEqual(got, want) {
		t.Errorf("ReadSheetRows = %q, %q\nwant %q", sheet, got, want)
	}
}

func TestReadSheetRows_Limits(t *testing.T) {
	rows := strings.Repeat(`<row><c><v>1</v></c><c><v>2</v></c><c><v>3</v></c></row>`, 3000)
	data := sheetWorkbook(t, rows)
	tests := []struct {
		name     string
		lim      SheetLimits
		size     int64
		in       io.Reader
		wantCode string
	}{
		{"declared size over the cap", SheetLimits{MaxFileBytes: 1000}, 1 << 20, bytes.NewReader(data), SheetErrTooLarge},
		{"read size over the cap", SheetLimits{MaxFileBytes: int64(len(data) - 1)}, 10, bytes.NewReader(data), SheetErrTooLarge},
		{"unzipped size over the cap", SheetLimits{MaxUnzipBytes: 20 << 10}, int64(len(data)), bytes.NewReader(data), SheetErrTooLarge},
		{"part over the cap", SheetLimits{MaxPartBytes: 50 << 10}, int64(len(data)), bytes.NewReader(data), SheetErrTooLarge},
		{"cells over the cap", SheetLimits{MaxCells: 8999}, int64(len(data)), bytes.NewReader(data), SheetErrTooManyCells},
		{"not a zip", SheetLimits{}, 9, strings.NewReader("code,name"), SheetErrNotWorkbook},
		{"broken zip", SheetLimits{}, 9, strings.NewReader("PK\x03\x04oops"), SheetErrNotWorkbook},
		{"no worksheet", SheetLimits{}, 0, bytes.NewReader(testPackage(t, map[string]string{
			"xl/workbook.xml":            `<workbook><sheets/></workbook>`,
			"xl/_rels/workbook.xml.rels": testRelsXML,
		})), SheetErrNotWorkbook},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := tt.lim.ReadSheetRows(tt.in, tt.size, 5000, 10)
			var se *SheetError
			if !errors.As(err, &se) || se.Code != tt.wantCode {
				t.Fatalf("ReadSheetRows error %v; want code %s", err, tt.wantCode)
			}
			if se.Error() == "" || !strings.HasPrefix(se.Error(), "sheet: ") {
				t.Errorf("Error() = %q", se.Error())
			}
		})
	}
	// Exactly at the cell cap, the sheet is read.
	_, got, err := SheetLimits{MaxCells: 9000}.ReadSheetRows(bytes.NewReader(data), int64(len(data)), 5000, 10)
	if err != nil || len(got) != 3000 || !reflect.DeepEqual(got[2999], []string{"1", "2", "3"}) {
		t.Errorf("at the cell cap: %d rows, %v", len(got), err)
	}
	if _, _, err := ReadSheetRows(bytes.NewReader(data), int64(len(data)), 0, 10); err == nil {
		t.Error("maxRows 0 accepted")
	}
}

// TestReadSheetRows_FormulaCap names at most MaxFormulaCells formula cells.
func TestReadSheetRows_FormulaCap(t *testing.T) {
	var rows strings.Builder
	for r := 1; r <= 30; r++ {
		fmt.Fprintf(&rows, `<row r="%d"><c r="A%d"><v>1</v></c><c r="B%d"><f>A%d*2</f><v>2</v></c></row>`, r, r, r, r)
	}
	data := sheetWorkbook(t, rows.String())
	_, _, err := ReadSheetRows(bytes.NewReader(data), int64(len(data)), 100, 10)
	var se *SheetError
	if !errors.As(err, &se) || se.Code != SheetErrFormula || len(se.Cells) != MaxFormulaCells || se.Cells[0] != "B1" || se.Cells[19] != "B20" {
		t.Fatalf("ReadSheetRows error %v; want the first %d formula cells", err, MaxFormulaCells)
	}
}

// hostileSparseWorkbook is a small workbook of n rows, each with one value
// in column col: excelize fills every row up to that column when it reads
// such a sheet.
func hostileSparseWorkbook(t *testing.T, n int, col string) []byte {
	t.Helper()
	var rows strings.Builder
	for r := 1; r <= n; r++ {
		fmt.Fprintf(&rows, `<row r="%d"><c r="%s%d" t="inlineStr"><is><t>x</t></is></c></row>`, r, col, r)
	}
	return sheetWorkbook(t, rows.String())
}

// TestReadSheetRows_HostileMemory reads sheets of 1,000 rows with one value
// far right: refused at the first value in column XFD, read as a small
// table within the columns asked for, always with little memory.
func TestReadSheetRows_HostileMemory(t *testing.T) {
	tests := []struct {
		col      string
		wantCode string
	}{
		{"XFD", SheetErrTooManyCols},
		{"KN", ""}, // column 300
	}
	for _, tt := range tests {
		t.Run(tt.col, func(t *testing.T) {
			data := hostileSparseWorkbook(t, 1000, tt.col)
			if len(data) > 64<<10 {
				t.Fatalf("the hostile file is %d bytes; want a small one", len(data))
			}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, rows, err := ReadSheetRows(bytes.NewReader(data), int64(len(data)), 20000, 300)
			runtime.ReadMemStats(&after)
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 50<<20 {
				t.Errorf("reading allocated %d MB; want under 50 MB", alloc>>20)
			}
			if tt.wantCode != "" {
				var se *SheetError
				if !errors.As(err, &se) || se.Code != tt.wantCode || se.Cells[0] != tt.col+"1" {
					t.Fatalf("ReadSheetRows error %v; want %s at %s1", err, tt.wantCode, tt.col)
				}
				return
			}
			if err != nil || len(rows) != 1000 || len(rows[999]) != 300 || rows[999][299] != "x" {
				t.Fatalf("ReadSheetRows = %d rows, %v; want 1,000 rows of 300 columns", len(rows), err)
			}
		})
	}
}

// BenchmarkReadSheetRows reads a 20,000 × 8 sheet of shared strings and
// numbers, the size of a province's largest users import.
func BenchmarkReadSheetRows(b *testing.B) {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	for r := 1; r <= 20000; r++ {
		row := []any{fmt.Sprintf("user%05d", r), "Nguyễn Văn A", "unit_editor", fmt.Sprintf("SO-%03d", r%300), "vi", r, 12.5, "a@b.vn"}
		if err := sw.SetRow(cellRef(1, r), row); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, rows, err := ReadSheetRows(bytes.NewReader(data), int64(len(data)), 21000, 300); err != nil || len(rows) != 20000 {
			b.Fatalf("%d rows, %v", len(rows), err)
		}
	}
}

// FuzzReadSheetRows feeds arbitrary worksheet XML to ReadSheetRows: it
// must not panic, must keep to its bounds and refuse only with a
// *SheetError.
func FuzzReadSheetRows(f *testing.F) {
	f.Add(`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><f>1+1</f><v>2</v></c></row>`)
	f.Add(`<row><c t="inlineStr"><is><r><t>a</t></r><rPh><t>x</t></rPh></is></c></row>`)
	f.Add(`<row r="3"><c r="XFD3"><v>1</v></c></row><row r="70"><c r="A70" s="1"/></row>`)
	f.Fuzz(func(t *testing.T, rows string) {
		data := sheetWorkbook(t, rows)
		_, got, err := SheetLimits{MaxCells: 100}.ReadSheetRows(bytes.NewReader(data), int64(len(data)), 50, 4)
		if err != nil {
			var se *SheetError
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not a *SheetError", err)
			}
			return
		}
		if len(got) > 50 {
			t.Fatalf("%d rows; cap is 50", len(got))
		}
		cells := 0
		for _, r := range got {
			if len(r) > 4 {
				t.Fatalf("%d columns; cap is 4", len(r))
			}
			cells += len(r)
		}
		if cells > 100 {
			t.Fatalf("%d cells kept; cap is 100", cells)
		}
	})
}
