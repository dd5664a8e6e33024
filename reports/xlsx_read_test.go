package reports

import (
	"archive/zip"
	"bytes"
	"errors"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

const (
	testWorkbookXML = `<?xml version="1.0" encoding="UTF-8"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="Dữ liệu" sheetId="1" r:id="rId1"/><sheet name="Khác" sheetId="2" r:id="rId2"/></sheets></workbook>`
	testRelsXML = `<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/other.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>
</Relationships>`
	testSharedXML = `<?xml version="1.0" encoding="UTF-8"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3">
<si><t>Có</t></si>
<si><r><t>Trưởng </t></r><r><rPr><b/></rPr><t>ban</t></r><rPh><t>ignored</t></rPh></si>
<si><t xml:space="preserve"> 12,5 </t></si>
</sst>`
)

// testPackage zips parts into a workbook.
func testPackage(t *testing.T, parts map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range parts {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func sheetXML(rows string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` + rows + `</sheetData></worksheet>`
}

func TestReadSheetCells(t *testing.T) {
	tests := []struct {
		name    string
		rows    string
		maxRows int
		want    [][]sheetCell
		wantErr string
	}{
		{
			name:    "types",
			rows:    `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>12.5</v></c><c r="C1" t="inlineStr"><is><t>=1+1</t></is></c><c r="D1" t="b"><v>1</v></c></row>`,
			maxRows: 10,
			want:    [][]sheetCell{{{typ: "s", value: "Có"}, {value: "12.5"}, {typ: "inlineStr", value: "=1+1"}, {typ: "b", value: "1"}}},
		},
		{
			name:    "rich shared string without phonetic run",
			rows:    `<row r="2"><c r="B2" t="s"><v>1</v></c></row>`,
			maxRows: 10,
			want:    [][]sheetCell{nil, {{}, {typ: "s", value: "Trưởng ban"}}},
		},
		{
			name:    "formula with cached value",
			rows:    `<row r="1"><c r="A1"><f>SUM(1,2)</f><v>3</v></c></row>`,
			maxRows: 10,
			want:    [][]sheetCell{{{value: "3", formula: "SUM(1,2)"}}},
		},
		{
			name:    "rows and cells without references",
			rows:    `<row><c><v>1</v></c><c t="s"><v>2</v></c></row><row><c t="inlineStr"><is><r><t>a</t></r><r><t>b</t></r></is></c></row>`,
			maxRows: 10,
			want:    [][]sheetCell{{{value: "1"}, {typ: "s", value: " 12,5 "}}, {{typ: "inlineStr", value: "ab"}}},
		},
		{
			name:    "cells past the last column kept are dropped",
			rows:    `<row r="1"><c r="A1"><v>1</v></c><c r="XFD1"><v>2</v></c></row>`,
			maxRows: 10,
			want:    [][]sheetCell{{{value: "1"}}},
		},
		{"row past the cap", `<row r="11"><c r="A11"><v>1</v></c></row>`, 10, nil, errTooManyRows.Error()},
		{"bad shared string index", `<row r="1"><c r="A1" t="s"><v>9</v></c></row>`, 10, nil, "bad shared string index"},
		{"bad cell reference", `<row r="1"><c r="1A"><v>1</v></c></row>`, 10, nil, "bad cell reference"},
		{"column past XFD", `<row r="1"><c r="XFE1"><v>1</v></c></row>`, 10, nil, "bad cell reference"},
		{"bad row number", `<row r="-3"></row>`, 10, nil, "bad row number"},
		{"broken XML", `<row r="1"><c r="A1"><v>1</c></row>`, 10, nil, "sheet"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := testPackage(t, map[string]string{
				"xl/workbook.xml":            testWorkbookXML,
				"xl/_rels/workbook.xml.rels": testRelsXML,
				"xl/sharedStrings.xml":       testSharedXML,
				"xl/worksheets/sheet1.xml":   sheetXML(tc.rows),
				"xl/worksheets/other.xml":    sheetXML(""),
			})
			p, err := openXLSXPackage(data, 1<<20, 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			if !p.hasSheet("Khác") || p.hasSheet("Sheet1") {
				t.Errorf("sheets = %v", p.sheetOrder)
			}
			got, err := p.readSheetCells("Dữ liệu", tc.maxRows, 4)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v; want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("cells = %+v\nwant    %+v", got, tc.want)
			}
		})
	}
}

func TestOpenXLSXPackage_Bounds(t *testing.T) {
	base := map[string]string{
		"xl/workbook.xml":            testWorkbookXML,
		"xl/_rels/workbook.xml.rels": testRelsXML,
		"xl/worksheets/sheet1.xml":   sheetXML(strings.Repeat(`<row><c><v>1</v></c></row>`, 2000)),
		"xl/worksheets/other.xml":    sheetXML(""),
	}
	data := testPackage(t, base)
	if _, err := openXLSXPackage(data, 10<<10, 10<<10); err == nil || !strings.Contains(err.Error(), "unzipped size exceeds") {
		t.Errorf("total over the limit: %v", err)
	}
	p, err := openXLSXPackage(data, 1<<20, 20<<10)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.readSheetCells("Dữ liệu", 5000, 4); err == nil || !strings.Contains(err.Error(), "exceeds") {
		t.Errorf("part over the limit: %v", err)
	}
	p, err = openXLSXPackage(data, 1<<20, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.readSheetCells("Dữ liệu", 100, 4); !errors.Is(err, errTooManyRows) {
		t.Errorf("rows over the cap: %v; want errTooManyRows", err)
	}
	delete(base, "xl/workbook.xml")
	if _, err := openXLSXPackage(testPackage(t, base), 1<<20, 1<<20); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("no workbook part: %v", err)
	}
	if _, err := openXLSXPackage([]byte("PK\x03\x04 not really"), 1<<20, 1<<20); err == nil {
		t.Error("broken zip accepted")
	}
}

// FuzzReadSheetCells feeds arbitrary worksheet XML to the bounded reader:
// it must not panic and must keep to its row and column bounds.
func FuzzReadSheetCells(f *testing.F) {
	f.Add(`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><f>1+1</f><v>2</v></c></row>`)
	f.Add(`<row><c t="inlineStr"><is><r><t>a</t></r><rPh><t>x</t></rPh></is></c></row>`)
	f.Add(`<row r="3"><c r="XFD3"><v>1</v></c></row>`)
	f.Fuzz(func(t *testing.T, rows string) {
		data := testPackage(t, map[string]string{
			"xl/workbook.xml":            testWorkbookXML,
			"xl/_rels/workbook.xml.rels": testRelsXML,
			"xl/sharedStrings.xml":       testSharedXML,
			"xl/worksheets/sheet1.xml":   sheetXML(rows),
			"xl/worksheets/other.xml":    sheetXML(""),
		})
		p, err := openXLSXPackage(data, 1<<20, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		got, err := p.readSheetCells("Dữ liệu", 50, 4)
		if err != nil {
			return
		}
		if len(got) > 50 {
			t.Fatalf("%d rows; cap is 50", len(got))
		}
		for _, r := range got {
			if len(r) > 4 {
				t.Fatalf("%d columns; cap is 4", len(r))
			}
		}
	})
}

// TestOpenXLSXPackage_StrictAndPrefixed reads a strict-OOXML workbook whose
// elements carry a namespace prefix, as some producers write them.
func TestOpenXLSXPackage_StrictAndPrefixed(t *testing.T) {
	data := testPackage(t, map[string]string{
		"xl/workbook.xml": `<x:workbook xmlns:x="http://purl.oclc.org/ooxml/spreadsheetml/main" xmlns:r="http://purl.oclc.org/ooxml/officeDocument/relationships">
<x:sheets><x:sheet name="Dữ liệu" sheetId="1" r:id="rId1"/></x:sheets></x:workbook>`,
		"xl/_rels/workbook.xml.rels": `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://purl.oclc.org/ooxml/officeDocument/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://purl.oclc.org/ooxml/officeDocument/relationships/sharedStrings" Target="sharedStrings.xml"/>
</Relationships>`,
		"xl/sharedStrings.xml": `<x:sst xmlns:x="http://purl.oclc.org/ooxml/spreadsheetml/main"><x:si><x:t>Có</x:t></x:si></x:sst>`,
		"xl/worksheets/sheet1.xml": `<x:worksheet xmlns:x="http://purl.oclc.org/ooxml/spreadsheetml/main"><x:sheetData>
<x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1"><x:v>2.5</x:v></x:c></x:row></x:sheetData></x:worksheet>`,
	})
	p, err := openXLSXPackage(data, 1<<20, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	got, err := p.readSheetCells("Dữ liệu", 10, 4)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]sheetCell{{{typ: "s", value: "Có"}, {value: "2.5"}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("cells = %+v; want %+v", got, want)
	}
}

// TestReadSheetCells_DeepNesting refuses a part of deeply nested elements
// early, without the decoder holding millions of open elements.
func TestReadSheetCells_DeepNesting(t *testing.T) {
	data := testPackage(t, map[string]string{
		"xl/workbook.xml":            testWorkbookXML,
		"xl/_rels/workbook.xml.rels": testRelsXML,
		"xl/worksheets/sheet1.xml":   sheetXML(`<row r="1">` + strings.Repeat("<a>", 1<<20) + `</row>`),
		"xl/worksheets/other.xml":    sheetXML(""),
	})
	p, err := openXLSXPackage(data, 16<<20, 16<<20)
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err = p.readSheetCells("Dữ liệu", 10, 4)
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "nested deeper") {
		t.Errorf("error = %v; want the nesting refused", err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 {
		t.Errorf("reading allocated %d MB; want under 16 MB", alloc>>20)
	}
}

func TestOpenXLSXPackage_DeepRelationships(t *testing.T) {
	data := testPackage(t, map[string]string{
		"xl/workbook.xml":            testWorkbookXML,
		"xl/_rels/workbook.xml.rels": `<Relationships>` + strings.Repeat("<x>", 1<<20) + `</Relationships>`,
	})
	if _, err := openXLSXPackage(data, 16<<20, 16<<20); err == nil || !strings.Contains(err.Error(), "nested deeper") {
		t.Errorf("error = %v; want the nesting refused", err)
	}
}
