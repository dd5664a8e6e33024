package reports

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/dti-platform/dti/scoring"
)

func key(ind, in string) scoring.InputKey { return scoring.InputKey{Indicator: ind, Input: in} }

func num(v float64) scoring.Value { return scoring.Value{Set: true, Num: v} }
func text(s string) scoring.Value { return scoring.Value{Set: true, Text: s} }

// testTemplateInput is the template of a department with most inputs
// filled, a read-only system value and a hostile note.
func testTemplateInput(lang string) TemplateInput {
	return TemplateInput{
		Index:    testIndex(),
		Period:   testPeriod(),
		UnitCode: "SO-TTTT",
		UnitName: txt("Sở Thông tin và Truyền thông", "Department of Information and Communications"),
		UnitType: "department",
		Current: map[scoring.InputKey]scoring.Value{
			key("NT.1.01", "has_plan"):   num(1),
			key("NT.1.02", "chair_role"): text("deputy"),
			key("NT.2.01", "done"):       num(12),
			key("NT.2.01", "planned"):    num(15),
			key("NT.2.02", "coverage"):   num(87.5),
			key("CQS.01", "issued_on"):   text("2025-03-15"),
			key("CQS.02", "budget"):      num(1234.5),
			key("CQS.03", "platforms"):   text("lgsp,vneid"),
			key("CQS.04", "published"):   num(0),
			key("CQS.04", "note"):        text("=cmd|' /C calc'!A0"),
			key("BONUS.01", "awards"):    num(2),
		},
		Lang: lang,
	}
}

func writeTemplate(t *testing.T, in TemplateInput) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteTemplate(&buf, in); err != nil {
		t.Fatalf("WriteTemplate: %v", err)
	}
	return buf.Bytes()
}

func readTemplate(t *testing.T, data []byte, in TemplateInput) (*TemplateImport, error) {
	t.Helper()
	return ReadTemplate(bytes.NewReader(data), int64(len(data)), in)
}

// filled is a template opened for editing as a user would.
type filled struct {
	t     *testing.T
	f     *excelize.File
	sheet string
}

func openFilled(t *testing.T, data []byte) *filled {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return &filled{t: t, f: f, sheet: f.GetSheetList()[0]}
}

// row finds the row of an input by its codes.
func (fl *filled) row(k scoring.InputKey) int {
	fl.t.Helper()
	rows, err := fl.f.GetRows(fl.sheet)
	if err != nil {
		fl.t.Fatal(err)
	}
	for i, r := range rows {
		if len(r) >= tcKey && r[tcIndicator-1] == k.Indicator && r[tcKey-1] == k.Input {
			return i + 1
		}
	}
	fl.t.Fatalf("input %v not in template", k)
	return 0
}

// ref returns the value cell of an input.
func (fl *filled) ref(k scoring.InputKey) string { return cellRef(tcValue, fl.row(k)) }

func (fl *filled) set(k scoring.InputKey, v any) {
	fl.t.Helper()
	if err := fl.f.SetCellValue(fl.sheet, fl.ref(k), v); err != nil {
		fl.t.Fatal(err)
	}
}

func (fl *filled) bytes() []byte {
	fl.t.Helper()
	var buf bytes.Buffer
	if err := fl.f.Write(&buf); err != nil {
		fl.t.Fatal(err)
	}
	return buf.Bytes()
}

func TestWriteTemplate_Golden(t *testing.T) {
	for _, lang := range []string{LangVI, LangEN} {
		t.Run(lang, func(t *testing.T) {
			data := writeTemplate(t, testTemplateInput(lang))
			checkGolden(t, "template_"+lang+".golden", dumpXLSX(t, data))
		})
	}
}

func TestWriteTemplate_Deterministic(t *testing.T) {
	a := dumpXLSX(t, writeTemplate(t, testTemplateInput(LangVI)))
	b := dumpXLSX(t, writeTemplate(t, testTemplateInput(LangVI)))
	if a != b {
		t.Fatalf("two writes differ:\n%s", firstDiff(a, b))
	}
}

func TestWriteTemplate_LocksAndProtection(t *testing.T) {
	in := testTemplateInput(LangVI)
	fl := openFilled(t, writeTemplate(t, in))
	prot, err := fl.f.GetSheetProtection(fl.sheet)
	if err != nil {
		t.Fatal(err)
	}
	if prot.InsertRows || prot.DeleteRows || prot.FormatCells {
		t.Errorf("protection lets users change structure: %+v", prot)
	}
	for _, tc := range []struct {
		k        scoring.InputKey
		unlocked bool
	}{
		{key("NT.1.01", "has_plan"), true},
		{key("NT.2.02", "coverage"), false}, // system source: read-only
		{key("CQS.04", "note"), true},
		{key("BONUS.01", "awards"), true},
	} {
		ref := fl.ref(tc.k)
		id, _ := fl.f.GetCellStyle(fl.sheet, ref)
		st, err := fl.f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		unlocked := st.Protection != nil && !st.Protection.Locked
		if unlocked != tc.unlocked {
			t.Errorf("%v at %s unlocked = %v; want %v", tc.k, ref, unlocked, tc.unlocked)
		}
	}
	// Labels are locked: the code cell has no unlocking style.
	id, _ := fl.f.GetCellStyle(fl.sheet, "A6")
	if st, _ := fl.f.GetStyle(id); st.Protection == nil || !st.Protection.Locked {
		t.Errorf("label cell A6 is not locked: %+v", st.Protection)
	}
	for _, s := range []string{templateMetaSheet, templateListsSheet} {
		if v, _ := fl.f.GetSheetVisible(s); v {
			t.Errorf("sheet %s is visible", s)
		}
	}
	// Indicator CQS.04 applies to departments only.
	in.UnitType = "district"
	fl2 := openFilled(t, writeTemplate(t, in))
	rows, _ := fl2.f.GetRows(fl2.sheet)
	for _, r := range rows {
		if len(r) > 0 && r[0] == "CQS.04" {
			t.Error("district template lists CQS.04, which applies to departments only")
		}
	}
}

func TestWriteTemplate_FormulaTextStaysText(t *testing.T) {
	fl := openFilled(t, writeTemplate(t, testTemplateInput(LangVI)))
	ref := fl.ref(key("CQS.04", "note"))
	formula, _ := fl.f.GetCellFormula(fl.sheet, ref)
	v, _ := fl.f.GetCellValue(fl.sheet, ref)
	if formula != "" || v != "=cmd|' /C calc'!A0" {
		t.Errorf("%s: formula %q, value %q; want no formula and the text kept", ref, formula, v)
	}
}

func TestReadTemplate_UnchangedRoundTrip(t *testing.T) {
	for _, lang := range []string{LangVI, LangEN} {
		t.Run(lang, func(t *testing.T) {
			in := testTemplateInput(lang)
			imp, err := readTemplate(t, writeTemplate(t, in), in)
			if err != nil {
				t.Fatal(err)
			}
			if len(imp.Errors) > 0 || len(imp.Changes) > 0 || len(imp.Values) > 0 {
				t.Fatalf("unchanged template: errors %v, changes %+v, values %v; want none", errTexts(imp.Errors), imp.Changes, imp.Values)
			}
		})
	}
}

func errTexts(es []*TemplateError) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Text(LangEN))
	}
	return out
}

func TestReadTemplate_FilledRoundTrip(t *testing.T) {
	in := testTemplateInput(LangVI)
	fl := openFilled(t, writeTemplate(t, in))
	fl.set(key("NT.1.01", "has_plan"), "Không")
	fl.set(key("NT.1.02", "chair_role"), "Trưởng ban")
	fl.set(key("NT.2.01", "done"), 14)
	fl.set(key("NT.2.01", "planned"), "20")
	fl.set(key("CQS.01", "issued_on"), time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC))
	fl.set(key("CQS.02", "budget"), "123.456,5")
	fl.set(key("CQS.03", "platforms"), "LGSP; Hệ thống EMC")
	fl.set(key("CQS.04", "published"), "Có")
	fl.set(key("CQS.04", "note"), "=1+1 vẫn là chữ")
	fl.set(key("CQS.04", "link"), "https://stttt.example.gov.vn/ke-hoach")
	fl.set(key("BONUS.01", "awards"), 3.0)

	imp, err := readTemplate(t, fl.bytes(), in)
	if err != nil {
		t.Fatal(err)
	}
	if len(imp.Errors) > 0 {
		t.Fatalf("errors: %v", errTexts(imp.Errors))
	}
	wantValues := map[scoring.InputKey]scoring.Value{
		key("NT.1.01", "has_plan"):   num(0),
		key("NT.1.02", "chair_role"): text("head"),
		key("NT.2.01", "done"):       num(14),
		key("NT.2.01", "planned"):    num(20),
		key("CQS.01", "issued_on"):   text("2025-04-01"),
		key("CQS.02", "budget"):      num(123456.5),
		key("CQS.03", "platforms"):   text("lgsp,emc"),
		key("CQS.04", "published"):   num(1),
		key("CQS.04", "note"):        text("=1+1 vẫn là chữ"),
		key("CQS.04", "link"):        text("https://stttt.example.gov.vn/ke-hoach"),
		key("BONUS.01", "awards"):    num(3),
	}
	if !reflect.DeepEqual(imp.Values, wantValues) {
		t.Errorf("values = %+v\nwant %+v", imp.Values, wantValues)
	}
	wantTexts := map[scoring.InputKey]string{
		key("NT.1.01", "has_plan"):   "false",
		key("NT.1.02", "chair_role"): "head",
		key("NT.2.01", "done"):       "14",
		key("NT.2.01", "planned"):    "20",
		key("CQS.01", "issued_on"):   "2025-04-01",
		key("CQS.02", "budget"):      "123456.5",
		key("CQS.03", "platforms"):   "lgsp,emc",
		key("CQS.04", "published"):   "true",
		key("CQS.04", "note"):        "=1+1 vẫn là chữ",
		key("CQS.04", "link"):        "https://stttt.example.gov.vn/ke-hoach",
		key("BONUS.01", "awards"):    "3",
	}
	if !reflect.DeepEqual(imp.Texts, wantTexts) {
		t.Errorf("texts = %v\nwant %v", imp.Texts, wantTexts)
	}
	var got []string
	for _, c := range imp.Changes {
		got = append(got, fmt.Sprintf("%s %s/%s %q -> %q", c.Cell, c.Key.Indicator, c.Key.Input, c.Old, c.New))
	}
	want := []string{
		`Mẫu nhập liệu!F6 NT.1.01/has_plan "Có" -> "Không"`,
		`Mẫu nhập liệu!F7 NT.1.02/chair_role "Phó trưởng ban" -> "Trưởng ban"`,
		`Mẫu nhập liệu!F8 NT.2.01/done "12" -> "14"`,
		`Mẫu nhập liệu!F9 NT.2.01/planned "15" -> "20"`,
		`Mẫu nhập liệu!F11 CQS.01/issued_on "2025-03-15" -> "2025-04-01"`,
		`Mẫu nhập liệu!F12 CQS.02/budget "1234,5" -> "123456,5"`,
		`Mẫu nhập liệu!F13 CQS.03/platforms "LGSP; VNeID" -> "LGSP; Hệ thống EMC"`,
		`Mẫu nhập liệu!F14 CQS.04/published "Không" -> "Có"`,
		`Mẫu nhập liệu!F15 CQS.04/note "=cmd|' /C calc'!A0" -> "=1+1 vẫn là chữ"`,
		`Mẫu nhập liệu!F16 CQS.04/link "" -> "https://stttt.example.gov.vn/ke-hoach"`,
		`Mẫu nhập liệu!F17 BONUS.01/awards "2" -> "3"`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if c := imp.Changes[0]; c.Indicator != "Ban hành kế hoạch chuyển đổi số năm" || c.Input != "Đã ban hành kế hoạch" {
		t.Errorf("change names = %q / %q", c.Indicator, c.Input)
	}
}

func TestReadTemplate_ClearedValue(t *testing.T) {
	in := testTemplateInput(LangVI)
	fl := openFilled(t, writeTemplate(t, in))
	fl.set(key("CQS.02", "budget"), "")
	imp, err := readTemplate(t, fl.bytes(), in)
	if err != nil {
		t.Fatal(err)
	}
	k := key("CQS.02", "budget")
	if v, ok := imp.Values[k]; !ok || v.Set || imp.Texts[k] != "" {
		t.Errorf("cleared budget = %+v, %v, %q; want present, unset, empty text", v, ok, imp.Texts[k])
	}
	if len(imp.Changes) != 1 || imp.Changes[0].Key != k || imp.Changes[0].New != "" {
		t.Errorf("changes = %+v; want one clearing the budget", imp.Changes)
	}
}

func TestReadTemplate_CellErrors(t *testing.T) {
	tests := []struct {
		name     string
		k        scoring.InputKey
		value    any
		formula  string
		wantCode string
		wantVI   string // message in Vietnamese, without the location
	}{
		{"text in a number", key("CQS.02", "budget"), "abc", "", TemplateErrNotNumber, `"abc" không phải là số`},
		{"fraction in a count", key("NT.2.01", "done"), 1.5, "", TemplateErrNotWhole, `"1.5" không phải là số nguyên`},
		{"negative count", key("NT.2.01", "done"), -1, "", TemplateErrBelowMin, `-1 nhỏ hơn giá trị tối thiểu 0`},
		{"above max", key("NT.2.01", "planned"), "600", "", TemplateErrAboveMax, `600 lớn hơn giá trị tối đa 500`},
		{"below declared min", key("NT.2.01", "planned"), 0, "", TemplateErrBelowMin, `0 nhỏ hơn giá trị tối thiểu 1`},
		{"decimal above max", key("CQS.02", "budget"), 1000000.5, "", TemplateErrAboveMax, `1000000,5 lớn hơn giá trị tối đa 1000000`},
		{"not yes or no", key("NT.1.01", "has_plan"), "Có lẽ", "", TemplateErrNotBoolean, `"Có lẽ" không phải là Có hoặc Không`},
		{"unknown option", key("NT.1.02", "chair_role"), "Giám đốc", "", TemplateErrUnknownOption, `"Giám đốc" không có trong danh sách lựa chọn`},
		{"unknown option among several", key("CQS.03", "platforms"), "LGSP; Zalo", "", TemplateErrUnknownOption, `"Zalo" không có trong danh sách lựa chọn`},
		{"impossible date", key("CQS.01", "issued_on"), "31/02/2025", "", TemplateErrNotDate, `"31/02/2025" không phải là ngày (dd/mm/yyyy hoặc yyyy-mm-dd)`},
		{"script link", key("CQS.04", "link"), "javascript:alert(1)", "", TemplateErrNotURL, `"javascript:alert(1)" không phải là đường dẫn http(s)`},
		{"text too long", key("CQS.04", "note"), strings.Repeat("a", templateTextMax+1), "", TemplateErrTooLong, `nội dung dài quá 4000 ký tự`},
		{"formula", key("NT.2.01", "done"), nil, "SUM(1,2)", TemplateErrFormula, `ô chứa công thức "SUM(1,2)": chỉ nhập giá trị`},
		{"read-only changed", key("NT.2.02", "coverage"), 50, "", TemplateErrReadOnly, `giá trị do hệ thống hoặc cơ quan thường trực cung cấp, không được sửa (trong tệp: "50")`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := testTemplateInput(LangVI)
			fl := openFilled(t, writeTemplate(t, in))
			ref := fl.ref(tc.k)
			if tc.formula != "" {
				if err := fl.f.SetCellFormula(fl.sheet, ref, tc.formula); err != nil {
					t.Fatal(err)
				}
			} else {
				fl.set(tc.k, tc.value)
			}
			imp, err := readTemplate(t, fl.bytes(), in)
			if err != nil {
				t.Fatalf("ReadTemplate: %v", err)
			}
			if len(imp.Errors) != 1 {
				t.Fatalf("errors = %v; want one", errTexts(imp.Errors))
			}
			e := imp.Errors[0]
			if e.Code != tc.wantCode || e.Sheet != "Mẫu nhập liệu" || e.Cell != ref {
				t.Errorf("error = %s %s!%s; want %s at Mẫu nhập liệu!%s", e.Code, e.Sheet, e.Cell, tc.wantCode, ref)
			}
			if got := e.Message(LangVI); got != tc.wantVI {
				t.Errorf("Message(vi) = %q; want %q", got, tc.wantVI)
			}
			if en := e.Message(LangEN); en == "" || en == e.Message(LangVI) {
				t.Errorf("Message(en) = %q; want an English text", en)
			}
			if _, ok := imp.Values[tc.k]; ok {
				t.Errorf("invalid value of %v returned in Values", tc.k)
			}
			for _, c := range imp.Changes {
				if c.Key == tc.k {
					t.Errorf("invalid value of %v listed as a change", tc.k)
				}
			}
		})
	}
}

func TestTemplateError_Text(t *testing.T) {
	e := &TemplateError{Sheet: "Mẫu nhập liệu", Cell: "F12", Code: TemplateErrNotNumber, Args: []string{"abc"}}
	if got, want := e.Text(LangVI), `Mẫu nhập liệu!F12: "abc" không phải là số`; got != want {
		t.Errorf("Text(vi) = %q; want %q", got, want)
	}
	if got, want := e.Error(), `template: Mẫu nhập liệu!F12: "abc" is not a number`; got != want {
		t.Errorf("Error() = %q; want %q", got, want)
	}
	for code, m := range templateMessages {
		if m.vi == "" || m.en == "" {
			t.Errorf("code %s lacks a message", code)
		}
	}
}

func TestReadTemplate_ReadOnlyUnchangedIsFine(t *testing.T) {
	in := testTemplateInput(LangVI)
	fl := openFilled(t, writeTemplate(t, in))
	fl.set(key("NT.2.02", "coverage"), "87,5") // same value typed as text
	imp, err := readTemplate(t, fl.bytes(), in)
	if err != nil || len(imp.Errors) > 0 || len(imp.Changes) > 0 {
		t.Fatalf("err %v, errors %v, changes %v; want a clean preview", err, errTexts(imp.Errors), imp.Changes)
	}
}

// fileCode returns the code of a whole-file error.
func fileCode(t *testing.T, imp *TemplateImport, err error) string {
	t.Helper()
	if err == nil {
		t.Fatalf("ReadTemplate succeeded (errors %v); want a whole-file error", errTexts(imp.Errors))
	}
	var te *TemplateError
	if !errors.As(err, &te) {
		t.Fatalf("error %v is not a *TemplateError", err)
	}
	if imp != nil {
		t.Errorf("preview %+v returned with a whole-file error", imp)
	}
	return te.Code
}

func TestReadTemplate_HostileFiles(t *testing.T) {
	in := testTemplateInput(LangVI)
	good := writeTemplate(t, in)
	other := func(mod func(*TemplateInput)) []byte {
		c := testTemplateInput(LangVI)
		mod(&c)
		return writeTemplate(t, c)
	}
	edit := func(mod func(fl *filled)) []byte {
		fl := openFilled(t, good)
		mod(fl)
		return fl.bytes()
	}
	plain := func() []byte {
		f := excelize.NewFile()
		defer f.Close()
		f.SetCellValue("Sheet1", "A1", "hello")
		var buf bytes.Buffer
		f.Write(&buf)
		return buf.Bytes()
	}

	tests := []struct {
		name   string
		data   []byte
		limits TemplateLimits
		want   string
	}{
		{"empty file", nil, TemplateLimits{}, TemplateErrNotWorkbook},
		{"not a zip", []byte("unit,value\nSO-TTTT,1\n"), TemplateLimits{}, TemplateErrNotWorkbook},
		{"broken zip", append([]byte("PK\x03\x04"), bytes.Repeat([]byte{0xff}, 200)...), TemplateLimits{}, TemplateErrNotWorkbook},
		{"workbook that is not a template", plain(), TemplateLimits{}, TemplateErrNotTemplate},
		{"too large", good, TemplateLimits{MaxFileBytes: 1000}, TemplateErrTooLarge},
		{"another unit's template", other(func(c *TemplateInput) { c.UnitCode = "SO-TC" }), TemplateLimits{}, TemplateErrWrongUnit},
		{"another period's template", other(func(c *TemplateInput) { c.Period.Code = "DTI-2024" }), TemplateLimits{}, TemplateErrWrongPeriod},
		{"another index version", other(func(c *TemplateInput) { c.Index.Hash = "0000" }), TemplateLimits{}, TemplateErrWrongIndex},
		{"tampered unit in metadata", edit(func(fl *filled) { fl.f.SetCellValue(templateMetaSheet, "B3", "SO-TC") }), TemplateLimits{}, TemplateErrWrongUnit},
		{"tampered format", edit(func(fl *filled) { fl.f.SetCellValue(templateMetaSheet, "B1", "dti-template/0") }), TemplateLimits{}, TemplateErrFormat},
		{"tampered layout digest", edit(func(fl *filled) { fl.f.SetCellValue(templateMetaSheet, "B10", "abc") }), TemplateLimits{}, TemplateErrLayout},
		{"tampered sheet name", edit(func(fl *filled) { fl.f.SetCellValue(templateMetaSheet, "B8", "_lists") }), TemplateLimits{}, TemplateErrLayout},
		{"metadata removed", edit(func(fl *filled) { fl.f.DeleteSheet(templateMetaSheet) }), TemplateLimits{}, TemplateErrNotTemplate},
		{"input sheet renamed", edit(func(fl *filled) { fl.f.SetSheetName(fl.sheet, "Data") }), TemplateLimits{}, TemplateErrMissingSheet},
		{"rows swapped", edit(func(fl *filled) {
			fl.f.SetCellValue(fl.sheet, "I8", "planned")
			fl.f.SetCellValue(fl.sheet, "I9", "done")
		}), TemplateLimits{}, TemplateErrLayout},
		{"huge sheet", edit(func(fl *filled) {
			for r := 100; r < 400; r++ {
				fl.f.SetCellValue(fl.sheet, cellRef(1, r), "x")
			}
		}), TemplateLimits{MaxRows: 200}, TemplateErrTooManyRows},
		{"unzips larger than the limit", good, TemplateLimits{MaxUnzipBytes: 20 << 10}, TemplateErrNotWorkbook},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := in
			c.Limits = tc.limits
			imp, err := ReadTemplate(bytes.NewReader(tc.data), int64(len(tc.data)), c)
			if got := fileCode(t, imp, err); got != tc.want {
				t.Errorf("code = %s (%v); want %s", got, err, tc.want)
			}
		})
	}
}

func TestReadTemplate_SizeLies(t *testing.T) {
	in := testTemplateInput(LangVI)
	in.Limits.MaxFileBytes = 2000
	data := writeTemplate(t, testTemplateInput(LangVI))
	// The caller's size says 10 bytes; the reader still stops at the cap.
	imp, err := ReadTemplate(bytes.NewReader(data), 10, in)
	if got := fileCode(t, imp, err); got != TemplateErrTooLarge {
		t.Errorf("code = %s; want %s", got, TemplateErrTooLarge)
	}
}

func TestReadTemplate_ExtraSheetIgnored(t *testing.T) {
	in := testTemplateInput(LangVI)
	fl := openFilled(t, writeTemplate(t, in))
	if _, err := fl.f.NewSheet("Ghi chú"); err != nil {
		t.Fatal(err)
	}
	fl.f.SetCellValue("Ghi chú", "A1", "=HYPERLINK(\"x\")")
	fl.f.SetCellFormula("Ghi chú", "B1", "1+1")
	fl.set(key("NT.2.01", "done"), 13)
	imp, err := readTemplate(t, fl.bytes(), in)
	if err != nil {
		t.Fatal(err)
	}
	if len(imp.Errors) > 0 || len(imp.Changes) != 1 {
		t.Errorf("errors %v, changes %+v; want the one change only", errTexts(imp.Errors), imp.Changes)
	}
}

func TestParseNumberText(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		ok   bool
	}{
		{"12", 12, true},
		{"12,5", 12.5, true},
		{"12.5", 12.5, true},
		{"1.234.567", 1234567, true},
		{"1.234,5", 1234.5, true},
		{"1,234.5", 1234.5, true},
		{"1 234,5", 1234.5, true},
		{"87,5%", 87.5, true},
		{"-3", -3, true},
		{"", 0, false},
		{"abc", 0, false},
		{"1,2,3.4", 0, false},
		{"12.34.5", 0, false},
		{"1.2345,6", 0, false},
		{"1,234,567", 1234567, true},
		{"-1.234,5", -1234.5, true},
		{"NaN", 0, false},
		{"Inf", 0, false},
		{"0x10", 0, false},
	}
	for _, tc := range tests {
		got, ok := parseNumberText(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseNumberText(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestParseDateText(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"2025-03-15", "2025-03-15", true},
		{"15/03/2025", "2025-03-15", true},
		{"5/3/2025", "2025-03-05", true},
		{"15.03.2025", "2025-03-15", true},
		{"2025-03-15 00:00:00", "2025-03-15", true},
		{"31/02/2025", "", false},
		{"March 5", "", false},
	}
	for _, tc := range tests {
		got, ok := parseDateText(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseDateText(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

// TestReadTemplate_SparseSheetsStayCheap feeds small files whose cells sit
// far to the right: the import must stay within a small memory budget (a
// reader that fills the gaps allocates gigabytes for them).
func TestReadTemplate_SparseSheetsStayCheap(t *testing.T) {
	in := testTemplateInput(LangVI)
	good := writeTemplate(t, in)
	var wide strings.Builder
	for r := 100; r < 4000; r++ {
		fmt.Fprintf(&wide, `<row r="%d"><c r="XFD%d" t="inlineStr"><is><t>x</t></is></c></row>`, r, r)
	}
	tests := []struct {
		name, part, old, new string
	}{
		{"rows with a cell in the last column", "xl/worksheets/sheet1.xml", "</sheetData>", wide.String() + "</sheetData>"},
		{"metadata with a cell in the last column", "xl/worksheets/sheet3.xml", "</row>", `<c r="XFD1" t="inlineStr"><is><t>x</t></is></c></row>`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := rewritePart(t, good, tc.part, tc.old, tc.new)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			imp, err := readTemplate(t, data, in)
			runtime.ReadMemStats(&after)
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 32<<20 {
				t.Errorf("import of a %d-byte file allocated %d MB; want under 32 MB", len(data), alloc>>20)
			}
			if err != nil || len(imp.Errors) > 0 {
				t.Errorf("import: %v %v; want a clean preview", err, imp)
			}
		})
	}
}

// rewritePart returns the package data with the first old in part replaced
// by new, as a hand-crafted hostile file would be.
func rewritePart(t *testing.T, data []byte, part, old, new string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	found := false
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(rc)
		rc.Close()
		if f.Name == part {
			if !bytes.Contains(body, []byte(old)) {
				t.Fatalf("%s has no %q", part, old)
			}
			body = bytes.Replace(body, []byte(old), []byte(new), 1)
			found = true
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(body)
	}
	if !found {
		t.Fatalf("no part %s", part)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestReadTemplate_RowCapCoversTheLayout imports a template whose own rows
// go past a small row cap: the cap bounds extra rows, never the inputs.
func TestReadTemplate_RowCapCoversTheLayout(t *testing.T) {
	in := testTemplateInput(LangVI)
	in.Limits.MaxRows = 5
	imp, err := readTemplate(t, writeTemplate(t, in), in)
	if err != nil || len(imp.Errors) > 0 {
		t.Fatalf("import with MaxRows 5: %v %v", err, imp)
	}
	fl := openFilled(t, writeTemplate(t, in))
	fl.f.SetCellValue(fl.sheet, "A30", "x")
	_, err = readTemplate(t, fl.bytes(), in)
	if got := fileCode(t, nil, err); got != TemplateErrTooManyRows {
		t.Errorf("a row past the layout and the cap: %s; want %s", got, TemplateErrTooManyRows)
	}
}

// TestReadTemplate_OtherProducers imports templates saved by other
// spreadsheet programs, whose XML differs from excelize's. They were made
// from the vi template of testTemplateInput (regenerate them when its
// layout changes):
//
//	template_libreoffice.xlsx: re-saved unchanged by LibreOffice 7.4
//	  (soffice --headless --convert-to xlsx);
//	template_openpyxl.xlsx: filled by openpyxl 3.0.9: F6 "Không", F8 14,
//	  F11 2025-04-01 (a date), F12 "1.234,5", F13 "LGSP; VNeID; Hệ thống
//	  EMC", F15 "=SUM(1,1)" (openpyxl writes it as a formula), F16 a link.
func TestReadTemplate_OtherProducers(t *testing.T) {
	in := testTemplateInput(LangVI)
	tests := []struct {
		file       string
		wantChange []string
		wantErrors []string
	}{
		{"template_libreoffice.xlsx", nil, nil},
		{"template_openpyxl.xlsx",
			[]string{
				`F6 NT.1.01/has_plan "Có" -> "Không"`,
				`F8 NT.2.01/done "12" -> "14"`,
				`F11 CQS.01/issued_on "2025-03-15" -> "2025-04-01"`,
				`F13 CQS.03/platforms "LGSP; VNeID" -> "LGSP; Hệ thống EMC; VNeID"`,
				`F16 CQS.04/link "" -> "https://example.gov.vn/a"`,
			},
			[]string{`Mẫu nhập liệu!F15: ô chứa công thức "SUM(1,1)": chỉ nhập giá trị`},
		},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			imp, err := readTemplate(t, data, in)
			if err != nil {
				t.Fatal(err)
			}
			var changes, errs []string
			for _, c := range imp.Changes {
				changes = append(changes, fmt.Sprintf("%s %s/%s %q -> %q", strings.TrimPrefix(c.Cell, "Mẫu nhập liệu!"), c.Key.Indicator, c.Key.Input, c.Old, c.New))
			}
			for _, e := range imp.Errors {
				errs = append(errs, e.Text(LangVI))
			}
			if !reflect.DeepEqual(changes, tc.wantChange) || !reflect.DeepEqual(errs, tc.wantErrors) {
				t.Errorf("changes %q\nerrors %q\nwant %q\nand %q", changes, errs, tc.wantChange, tc.wantErrors)
			}
		})
	}
}

// TestReadTemplate_PercentTypedWithSign checks a percentage typed as
// "87%" in Excel, which stores 0.87 in a cell it formats as a percentage.
func TestReadTemplate_PercentTypedWithSign(t *testing.T) {
	ix := testIndex()
	// Make the system-sourced percent input editable for this test.
	cover := ix.Nodes[0].Children[1].Children[1]
	cover.Source, cover.Inputs[0].Source = scoring.SourceSelf, ""
	in := testTemplateInput(LangVI)
	in.Index = ix
	fl := openFilled(t, writeTemplate(t, in))
	ref := fl.ref(key("NT.2.02", "coverage"))
	pct, err := fl.f.NewStyle(&excelize.Style{NumFmt: 9})
	if err != nil {
		t.Fatal(err)
	}
	fl.f.SetCellValue(fl.sheet, ref, 0.07)
	fl.f.SetCellStyle(fl.sheet, ref, ref, pct)
	imp, err := readTemplate(t, fl.bytes(), in)
	if err != nil || len(imp.Errors) > 0 {
		t.Fatalf("import: %v %v", err, errTexts(imp.Errors))
	}
	if got := imp.Values[key("NT.2.02", "coverage")]; got != num(7) {
		t.Errorf("coverage = %+v; want 7 (typed as 7%%)", got)
	}
}

func TestPercentFormat(t *testing.T) {
	tests := []struct {
		code string
		want bool
	}{
		{"0%", true},
		{"0.00%", true},
		{`0.0"%"`, false},
		{`0\%`, false},
		{"General", false},
		{"#,##0", false},
	}
	for _, tc := range tests {
		if got := percentFormat(tc.code); got != tc.want {
			t.Errorf("percentFormat(%q) = %v; want %v", tc.code, got, tc.want)
		}
	}
}

func TestWriteTemplate_NotApplicableLeftOut(t *testing.T) {
	in := testTemplateInput(LangVI)
	in.NotApplicable = map[string]bool{"CQS.02": true}
	fl := openFilled(t, writeTemplate(t, in))
	rows, _ := fl.f.GetRows(fl.sheet)
	for _, r := range rows {
		if len(r) > 0 && r[0] == "CQS.02" {
			t.Fatal("template lists CQS.02, declared not applicable")
		}
	}
	imp, err := readTemplate(t, fl.bytes(), in)
	if err != nil || len(imp.Errors) > 0 {
		t.Fatalf("import: %v %v", err, imp)
	}
	if _, ok := imp.Values[key("CQS.02", "budget")]; ok {
		t.Error("import returned a value of an indicator not applicable")
	}
	// The same file is refused once the indicator applies again: the
	// layout differs.
	in.NotApplicable = nil
	_, err = readTemplate(t, fl.bytes(), in)
	if got := fileCode(t, nil, err); got != TemplateErrLayout {
		t.Errorf("code = %s; want %s", got, TemplateErrLayout)
	}
}

// TestReadTemplate_ReadOnlyUpdatedCentrally: a system value updated after
// the template was downloaded is not the unit's change; a value the unit
// typed over it still is.
func TestReadTemplate_ReadOnlyUpdatedCentrally(t *testing.T) {
	in := testTemplateInput(LangVI)
	data := writeTemplate(t, in)
	k := key("NT.2.02", "coverage")
	later := in
	later.Current = map[scoring.InputKey]scoring.Value{}
	for kk, v := range in.Current {
		later.Current[kk] = v
	}
	later.Current[k] = num(91)

	imp, err := readTemplate(t, data, later)
	if err != nil || len(imp.Errors) > 0 || len(imp.Changes) > 0 {
		t.Fatalf("unchanged file after a central update: %v %v %v; want a clean preview", err, errTexts(imp.Errors), imp.Changes)
	}
	fl := openFilled(t, data)
	fl.set(k, 50)
	imp, err = readTemplate(t, fl.bytes(), later)
	if err != nil || len(imp.Errors) != 1 || imp.Errors[0].Code != TemplateErrReadOnly {
		t.Fatalf("typed over a read-only value: %v %v; want one read_only error", err, errTexts(imp.Errors))
	}
}

// TestReadTemplate_ChangedOnThePlatformMeanwhile: a value saved in the web
// form after the download is kept when the file leaves it as written, and a
// file that changes it too is a conflict, never a silent overwrite.
func TestReadTemplate_ChangedOnThePlatformMeanwhile(t *testing.T) {
	in := testTemplateInput(LangVI)
	data := writeTemplate(t, in)
	k := key("NT.2.01", "done")
	later := in
	later.Current = map[scoring.InputKey]scoring.Value{}
	for kk, v := range in.Current {
		later.Current[kk] = v
	}
	later.Current[k] = num(13) // saved in the web form: 12 → 13

	tests := []struct {
		name       string
		file       any // value typed in the file; nil leaves it as written (12)
		wantValues map[scoring.InputKey]scoring.Value
		wantError  string
	}{
		{"file leaves the value as written", nil, map[scoring.InputKey]scoring.Value{}, ""},
		{"file agrees with the platform", 13, map[scoring.InputKey]scoring.Value{}, ""},
		{"file changes it too", 20, map[scoring.InputKey]scoring.Value{}, TemplateErrConflict},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fl := openFilled(t, data)
			if tc.file != nil {
				fl.set(k, tc.file)
			}
			imp, err := readTemplate(t, fl.bytes(), later)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(imp.Values, tc.wantValues) || len(imp.Changes) != len(tc.wantValues) {
				t.Errorf("values %v, changes %v; want %v", imp.Values, imp.Changes, tc.wantValues)
			}
			var codes []string
			for _, e := range imp.Errors {
				codes = append(codes, e.Code)
			}
			if tc.wantError == "" && len(codes) > 0 || tc.wantError != "" && (len(codes) != 1 || codes[0] != tc.wantError) {
				t.Errorf("errors %v; want %q", errTexts(imp.Errors), tc.wantError)
			}
			if tc.wantError != "" {
				want := `giá trị đã được đổi thành "13" trên hệ thống sau khi tải mẫu; tệp ghi "20": hãy tải mẫu mới hoặc sửa trên biểu mẫu`
				if got := imp.Errors[0].Message(LangVI); got != want {
					t.Errorf("message %q; want %q", got, want)
				}
			}
		})
	}
}

// TestTemplateEcho checks that an untouched template gives back exactly the
// text recorded for it, so no untouched input counts as changed.
func TestTemplateEcho(t *testing.T) {
	ix := testIndex()
	in := testTemplateInput(LangVI)
	in.Current[key("CQS.03", "platforms")] = text("vneid,lgsp") // not in option order
	in.Current[key("CQS.04", "note")] = text("  khoảng trắng  ")
	fl := openFilled(t, writeTemplate(t, in))
	imp, err := readTemplate(t, fl.bytes(), in)
	if err != nil || len(imp.Values) > 0 || len(imp.Errors) > 0 {
		t.Fatalf("untouched template: %v %v %v", err, imp.Values, errTexts(imp.Errors))
	}
	platforms := ix.Nodes[1].Children[2].Inputs[0]
	if got := templateEcho(&platforms, text("vneid,lgsp"), LangVI); got != "lgsp,vneid" {
		t.Errorf("echo of a multiple choice = %q; want option order", got)
	}
}

func TestTemplate_UnitTypeWithoutInputs(t *testing.T) {
	in := testTemplateInput(LangVI)
	in.UnitType = "commune" // no indicator applies; only the bonus item
	in.Index.Adjustments[0].AppliesTo = []string{"department"}
	imp, err := readTemplate(t, writeTemplate(t, in), in)
	if err != nil || len(imp.Errors) > 0 || len(imp.Values) > 0 {
		t.Fatalf("empty template: %v %v", err, imp)
	}
}
