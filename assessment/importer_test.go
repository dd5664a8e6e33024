package assessment_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/assessment/sqlite"
	"github.com/dti-platform/dti/reports"
	"github.com/dti-platform/dti/scoring"
	"github.com/xuri/excelize/v2"
)

var admin = assessment.SystemActor

// openStore opens a fresh SQLite store in a temporary directory.
func openStore(t testing.TB) *sqlite.DB {
	t.Helper()
	clock := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "dti.db"), sqlite.WithClock(func() time.Time { return clock }))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// importIndex is the index the import tests check against.
func importIndex() *scoring.Index {
	boolean := &scoring.Method{Kind: scoring.MethodBoolean}
	ix := &scoring.Index{
		Code: "PDTI", Version: "2025.1",
		UnitTypes: []scoring.UnitType{{Code: "department", Enabled: true}, {Code: "district", Enabled: true}, {Code: "commune", Enabled: true}},
		Blocks: []scoring.Block{
			{Code: "SO", UnitTypes: []string{"department"}, Ranked: true},
			{Code: "HUYEN", UnitTypes: []string{"district"}, Ranked: true},
		},
		Pillars: []scoring.Pillar{{Code: "CQS"}, {Code: "KTS"}},
		Nodes: []*scoring.Node{
			{Code: "HT", Children: []*scoring.Node{
				{Code: "HT.01", Method: boolean, Source: scoring.SourceSystem, Inputs: []scoring.Input{
					{Key: "dvc_rate", Label: scoring.Text{VI: "Tỷ lệ DVC trực tuyến"}, Type: scoring.InputPercent, Required: true},
					{Key: "systems", Type: scoring.InputCount},
				}},
				{Code: "HT.02", Method: boolean, AppliesTo: []string{"district"}, Inputs: []scoring.Input{
					{Key: "issued", Type: scoring.InputDate},
					{Key: "level", Type: scoring.InputChoice, Options: []scoring.Option{{Value: "full"}, {Value: "partial"}}},
				}},
			}},
		},
	}
	var link func([]*scoring.Node, *scoring.Node)
	link = func(ns []*scoring.Node, p *scoring.Node) {
		for _, n := range ns {
			n.Parent = p
			link(n.Children, n)
		}
	}
	link(ix.Nodes, nil)
	return ix
}

func readCSV(t *testing.T, text string) *assessment.Table {
	t.Helper()
	tb, err := assessment.ReadTable("f.csv", strings.NewReader(text), reports.ReadSheetRows)
	if err != nil {
		t.Fatalf("ReadTable: %v", err)
	}
	return tb
}

// xlsx builds a workbook whose first sheet holds rows; a cell text
// starting with "=" is written as a formula.
func xlsx(t testing.TB, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for r, row := range rows {
		for c, v := range row {
			ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if s, ok := v.(string); ok && strings.HasPrefix(s, "=") {
				if err := f.SetCellFormula("Sheet1", ref, s[1:]); err != nil {
					t.Fatal(err)
				}
				continue
			}
			if err := f.SetCellValue("Sheet1", ref, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func issueLines(p *assessment.ImportPreview, lang string) []string {
	var out []string
	for _, i := range p.Issues {
		out = append(out, i.Message(lang))
	}
	return out
}

func changeLines(p *assessment.ImportPreview) []string {
	var out []string
	for _, c := range p.Changes {
		s := fmt.Sprintf("%d %s %s", c.Line, c.Op, c.Key)
		for _, f := range c.Fields {
			s += fmt.Sprintf(" %s:%q->%q", f.Field, f.From, f.To)
		}
		out = append(out, s)
	}
	return out
}

func assertLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s:\n%s\nwant:\n%s", what, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestImportUnits_CSV(t *testing.T) {
	ctx := context.Background()
	db := openStore(t)
	im := &assessment.Importer{Store: db, Index: importIndex(), Actor: admin}

	// A BOM, Vietnamese headers, a commune listed before its district.
	csv := "\uFEFFMã đơn vị,Tên đơn vị,name_en,Loại,khoi,Đơn vị cha,attr.population\n" +
		"X-BP,Xã Bắc Phong,,commune,,H-CP,5200\n" +
		"SO-TC,Sở Tài chính,Department of Finance,department,SO,,\n" +
		"\n" +
		"H-CP,Huyện Cao Phong,Cao Phong District,district,HUYEN,,41000\n"
	p, err := im.PreviewUnits(ctx, readCSV(t, csv))
	if err != nil {
		t.Fatal(err)
	}
	assertLines(t, "issues", issueLines(p, "en"), nil)
	assertLines(t, "changes", changeLines(p), []string{
		`2 create X-BP name_vi:""->"Xã Bắc Phong" type:""->"commune" parent_code:""->"H-CP" active:""->"true" attr.population:""->"5200"`,
		`3 create SO-TC name_vi:""->"Sở Tài chính" name_en:""->"Department of Finance" type:""->"department" block:""->"SO" active:""->"true"`,
		`5 create H-CP name_vi:""->"Huyện Cao Phong" name_en:""->"Cao Phong District" type:""->"district" block:""->"HUYEN" active:""->"true" attr.population:""->"41000"`,
	})
	// Preview writes nothing.
	if _, n, _ := db.FindUnits(ctx, assessment.UnitFilter{}); n != 0 {
		t.Fatalf("preview wrote %d units", n)
	}
	res, err := im.Apply(ctx, p)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if res.Created != 3 || res.Updated != 0 {
		t.Errorf("Apply = %+v; want 3 created", res)
	}
	comm, err := db.FindUnitByCode(ctx, "X-BP")
	if err != nil {
		t.Fatal(err)
	}
	dist, _ := db.FindUnitByCode(ctx, "H-CP")
	if comm.ParentID != dist.ID || comm.Attrs["population"] != "5200" || !comm.Active {
		t.Errorf("commune %+v; want parent %d, population 5200, active", comm, dist.ID)
	}

	// The same file again changes nothing.
	p, _ = im.PreviewUnits(ctx, readCSV(t, csv))
	if p.Count(assessment.OpUnchanged) != 3 || !p.OK() {
		t.Errorf("re-import: %v %v; want 3 unchanged", changeLines(p), issueLines(p, "en"))
	}

	// Updates: only the columns present change; attributes merge.
	upd := "code;name_vi;type;active;attr.households\n" +
		"X-BP;Xã Bắc Phong;commune;không;1300\n" +
		"SO-TC;Sở Tài chính tỉnh;department;có;\n" +
		"SO-YT;Sở Y tế;department;;\n"
	p, _ = im.PreviewUnits(ctx, readCSV(t, upd))
	assertLines(t, "update changes", changeLines(p), []string{
		`2 update X-BP active:"true"->"false" attr.households:""->"1300"`,
		`3 update SO-TC name_vi:"Sở Tài chính"->"Sở Tài chính tỉnh"`,
		`4 create SO-YT name_vi:""->"Sở Y tế" type:""->"department" active:""->"true"`,
	})
	if _, err := im.Apply(ctx, p); err != nil {
		t.Fatal(err)
	}
	comm, _ = db.FindUnitByCode(ctx, "X-BP")
	if comm.Active || comm.ParentID != dist.ID || !reflect.DeepEqual(comm.Attrs, map[string]string{"population": "5200", "households": "1300"}) {
		t.Errorf("commune after update %+v", comm)
	}
}

func TestImportUnits_errors(t *testing.T) {
	ctx := context.Background()
	db := openStore(t)
	if err := db.CreateUnit(ctx, admin, &assessment.Unit{Code: "SO-TC", NameVI: "Sở Tài chính", Type: "department", Active: true}); err != nil {
		t.Fatal(err)
	}
	im := &assessment.Importer{Store: db, Index: importIndex(), Actor: admin}
	tests := []struct {
		name string
		csv  string
		want []string
	}{
		{"missing and unknown columns", "code,ten,color\nA,B,C\n", []string{
			`line 1, column color: column "color" is not supported`,
			`the required column "type" is missing`,
		}},
		{"control characters", "code,name_vi,type\nSO-XD,\"Sở \x1b[31mXây dựng\",department\n", []string{
			`line 2, column name_vi: holds a control character (a tab or another invisible character)`,
		}},
		{"repeated column", "code,name_vi,type,ma\nA,B,department,C\n", []string{
			`line 1, column ma: column "ma" appears twice`,
		}},
		{"row problems", "code,name_vi,type,block,parent_code,active\n" +
			"SO-XD,Sở Xây dựng,department,SO,,\n" +
			"SO-XD,Sở Xây dựng (lặp),department,SO,,\n" +
			"bad code!,Tên,department,,,\n" +
			"SO-NV,,ministry,HUYEN,SO-ZZ,có lẽ\n" +
			"H-A,Huyện A,district,SO,H-B,\n" +
			"H-B,Huyện B,district,HUYEN,H-A,\n" +
			"H-C,Huyện C,district,,H-C,\n" +
			"=1+2,Tên,district,,,\n", []string{
			`line 3, column code: code SO-XD already appears on line 2`,
			`line 4, column code: code "bad code!" must be 1-64 letters, digits, '.', '_' or '-'`,
			`line 5, column name_vi: a value is required`,
			`line 5, column type: unit type "ministry" is not in the index`,
			`line 5, column block: block HUYEN does not rank unit type ministry`,
			`line 5, column active: "có lẽ": answer yes or no`,
			`line 5, column parent_code: there is no parent unit SO-ZZ`,
			`line 6, column block: block SO does not rank unit type district`,
			`line 6, column parent_code: the parents make a cycle: H-A → H-B → H-A`,
			`line 7, column parent_code: the parents make a cycle: H-B → H-A → H-B`,
			`line 8, column parent_code: a unit cannot be its own parent`,
			`line 9, column code: code "=1+2" must be 1-64 letters, digits, '.', '_' or '-'`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := im.PreviewUnits(ctx, readCSV(t, tt.csv))
			if err != nil {
				t.Fatal(err)
			}
			assertLines(t, "issues", issueLines(p, "en"), tt.want)
			if len(p.Changes) != 0 {
				t.Errorf("a preview with issues lists changes: %v", changeLines(p))
			}
			_, err = im.Apply(ctx, p)
			var v *assessment.ValidationError
			if !errors.As(err, &v) || !errors.Is(err, assessment.ErrInvalid) || len(v.Fields) != len(tt.want) {
				t.Errorf("Apply = %v; want a *ValidationError with %d fields", err, len(tt.want))
			}
			if _, n, _ := db.FindUnits(ctx, assessment.UnitFilter{}); n != 1 {
				t.Errorf("a refused import wrote units: %d", n)
			}
		})
	}
	// Vietnamese wording and place.
	p, _ := im.PreviewUnits(ctx, readCSV(t, "code,name_vi,type\nSO-XD,,department\n"))
	if got, want := issueLines(p, "vi"), []string{"dòng 2, cột name_vi: chưa có giá trị"}; !reflect.DeepEqual(got, want) {
		t.Errorf("vi issues %q; want %q", got, want)
	}
	// Only admins apply.
	viewer := assessment.Actor{Username: "v", Grants: []assessment.Grant{{Role: assessment.RoleViewer}}}
	if _, err := (&assessment.Importer{Store: db, Actor: viewer}).Apply(ctx, p); !errors.Is(err, assessment.ErrForbidden) {
		t.Errorf("viewer Apply: %v; want forbidden", err)
	}
}

func TestImportUnits_excel(t *testing.T) {
	ctx := context.Background()
	db := openStore(t)
	im := &assessment.Importer{Store: db, Index: importIndex(), Actor: admin}
	data := xlsx(t, [][]any{
		{"code", "name_vi", "type", "attr.population"},
		{"SO-TC", "Sở Tài chính", "department", 12},
		{},
		{"H-CP", "Huyện Cao Phong", "ward", 41000.5},
	})
	tb, err := assessment.ReadTable("units.xlsx", bytes.NewReader(data), reports.ReadSheetRows)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := im.PreviewUnits(ctx, tb)
	assertLines(t, "issues", issueLines(p, "vi"), []string{`ô C4 (type): loại đơn vị "ward" không có trong bộ chỉ số`})
	if p.Issues[0].Cell != "C4" || p.Issues[0].Line != 4 || p.Issues[0].Column != "type" {
		t.Errorf("issue place %+v; want C4, line 4, column type", p.Issues[0])
	}
	var v *assessment.ValidationError
	if err := p.Err(); !errors.As(err, &v) || v.Fields[0].Field != "C4" {
		t.Errorf("Err() = %v; want field C4", err)
	}
}

func TestReadTable_hostile(t *testing.T) {
	big := func(rows, cols int) []byte {
		f := excelize.NewFile()
		defer f.Close()
		sw, err := f.NewStreamWriter("Sheet1")
		if err != nil {
			t.Fatal(err)
		}
		for r := 1; r <= rows; r++ {
			row := make([]any, cols)
			for c := range row {
				row[c] = "x"
			}
			ref, _ := excelize.CoordinatesToCellName(1, r)
			if err := sw.SetRow(ref, row); err != nil {
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
	tests := []struct {
		name    string
		file    string
		data    []byte
		wantKey string // *Error key, or "" with wantFields
		fields  []string
	}{
		{"not a zip named xlsx", "units.xlsx", []byte("code,name\nA,B\n"), "import.not_xlsx", nil},
		{"broken zip", "units.xlsx", []byte("PK\x03\x04garbage that is not a zip"), "import.not_xlsx", nil},
		{"old binary xls", "units.xls", []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0}, "import.xls", nil},
		{"too large", "units.csv", bytes.Repeat([]byte("a,b\n"), assessment.MaxImportBytes/4+1), "import.too_large", nil},
		{"not utf-8", "units.csv", []byte("code,name_vi\nA,S\xe1 T\xe0i ch\xednh\n"), "import.utf8", nil},
		{"bad quoting", "units.csv", []byte("code,name_vi\n\"A,B\n"), "import.csv", nil},
		{"empty", "units.csv", []byte("\n\n"), "import.empty", nil},
		{"too many csv rows", "units.csv", []byte("a\n" + strings.Repeat("x\n", assessment.MaxImportRows+1)), "import.too_many_rows", nil},
		{"too many columns", "units.csv", []byte(strings.Repeat("a,", assessment.MaxImportCols) + "a\n"), "import.too_many_cols", nil},
		{"huge sheet", "units.xlsx", big(assessment.MaxImportRows+2, 2), "import.too_many_rows", nil},
		{"wide sheet", "units.xlsx", big(2, assessment.MaxImportCols+1), "import.too_many_cols_at", nil},
		{"formula cells", "units.xlsx", xlsx(t, [][]any{
			{"code", "name_vi", "type"},
			{"A", "=HYPERLINK(\"http://evil\",\"x\")", "department"},
			{"B", "Tên", "=\"depart\"&\"ment\""},
		}), "", []string{"B2", "C3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb, err := assessment.ReadTable(tt.file, bytes.NewReader(tt.data), reports.ReadSheetRows)
			if tb != nil || !errors.Is(err, assessment.ErrInvalid) {
				t.Fatalf("ReadTable = %v, %v; want ErrInvalid", tb, err)
			}
			if tt.wantKey != "" {
				var e *assessment.Error
				if !errors.As(err, &e) || e.Key != tt.wantKey {
					t.Fatalf("ReadTable error %v; want key %s", err, tt.wantKey)
				}
				if e.VI == "" || e.EN == "" || e.VI == e.EN {
					t.Errorf("messages %q / %q", e.VI, e.EN)
				}
				return
			}
			var v *assessment.ValidationError
			if !errors.As(err, &v) {
				t.Fatalf("ReadTable error %v; want *ValidationError", err)
			}
			var got []string
			for _, f := range v.Fields {
				got = append(got, f.Field)
			}
			if !reflect.DeepEqual(got, tt.fields) {
				t.Errorf("formula cells %v; want %v (%v)", got, tt.fields, err)
			}
		})
	}
}

func TestReadTable_zipBomb(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 120 MB sheet in memory")
	}
	// A small upload whose sheet expands far beyond the unzip limit.
	data := xlsx(t, [][]any{{"code"}, {"A"}})
	bomb := inflateSheet(t, data, 120<<20)
	if len(bomb) > assessment.MaxImportBytes {
		t.Fatalf("bomb is %d bytes; the test needs it under the upload limit", len(bomb))
	}
	_, err := assessment.ReadTable("bomb.xlsx", bytes.NewReader(bomb), reports.ReadSheetRows)
	var e *assessment.Error
	if !errors.As(err, &e) || e.Key != "import.too_large" {
		t.Fatalf("ReadTable(bomb) = %v; want import.too_large", err)
	}
}

func TestReadTable_csvForms(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want [][]string
	}{
		{"bom and crlf", "\uFEFFa,b\r\n1,2\r\n", [][]string{{"1", "2"}}},
		{"semicolons", "a;b\n1,5;2\n", [][]string{{"1,5", "2"}}},
		{"tabs", "a\tb\n1,5\t2\n", [][]string{{"1,5", "2"}}},
		{"quoted newline", "a,b\n\"x\ny\",2\n", [][]string{{"x\ny", "2"}}},
		{"blank rows skipped", "a,b\n,\n1,2\n\n", [][]string{{"1", "2"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb := readCSV(t, tt.in)
			var got [][]string
			for _, r := range tb.Rows {
				got = append(got, r.Cells)
			}
			if !reflect.DeepEqual(got, tt.want) || !reflect.DeepEqual(tb.Header, []string{"a", "b"}) {
				t.Errorf("rows %q header %q; want %q", got, tb.Header, tt.want)
			}
		})
	}
	// Excel's "Unicode text": UTF-16 little-endian with tabs.
	for _, big := range []bool{false, true} {
		text := []rune("mã\ttên\nSO-TC\tSở Tài chính\n")
		data := []byte{0xFF, 0xFE}
		if big {
			data = []byte{0xFE, 0xFF}
		}
		for _, u := range utf16.Encode(text) {
			if big {
				data = append(data, byte(u>>8), byte(u))
			} else {
				data = append(data, byte(u), byte(u>>8))
			}
		}
		tb, err := assessment.ReadTable("units.txt", bytes.NewReader(data), reports.ReadSheetRows)
		if err != nil || !reflect.DeepEqual(tb.Header, []string{"mã", "tên"}) || !reflect.DeepEqual(tb.Rows[0].Cells, []string{"SO-TC", "Sở Tài chính"}) {
			t.Errorf("UTF-16 (big endian %v): %+v, %v", big, tb, err)
		}
	}
	if _, err := assessment.ReadTable("units.txt", bytes.NewReader([]byte{0xFF, 0xFE, 0x41}), reports.ReadSheetRows); !errors.Is(err, assessment.ErrInvalid) {
		t.Errorf("odd UTF-16: %v", err)
	}
	tb := readCSV(t, "a\n\nx\n")
	if tb.Rows[0].Line != 3 {
		t.Errorf("line of the first row = %d; want 3", tb.Rows[0].Line)
	}
}

// inflateSheet rewrites a workbook so that its first sheet carries pad
// bytes of whitespace: a zip bomb that compresses to a few hundred KB.
func inflateSheet(t *testing.T, data []byte, pad int) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		if f.Name == "xl/worksheets/sheet1.xml" {
			before, after, ok := bytes.Cut(body, []byte("<sheetData>"))
			if !ok {
				t.Fatalf("no sheetData in %s", body)
			}
			w.Write(before)
			w.Write([]byte("<sheetData>"))
			chunk := bytes.Repeat([]byte(" "), 1<<20)
			for n := 0; n < pad; n += len(chunk) {
				w.Write(chunk)
			}
			w.Write(after)
			continue
		}
		w.Write(body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestImportUsers(t *testing.T) {
	ctx := context.Background()
	db := openStore(t)
	for _, u := range []*assessment.Unit{
		{Code: "SO-TC", NameVI: "Sở Tài chính", Type: "department", Active: true},
		{Code: "H-CP", NameVI: "Huyện Cao Phong", Type: "district", Active: true},
	} {
		if err := db.CreateUnit(ctx, admin, u); err != nil {
			t.Fatal(err)
		}
	}
	so, _ := db.FindUnitByCode(ctx, "SO-TC")
	hcp, _ := db.FindUnitByCode(ctx, "H-CP")
	im := &assessment.Importer{Store: db, Index: importIndex(), Actor: admin}

	csv := "Tên đăng nhập,Họ và tên,email,lang,Vai trò,Mã đơn vị,subtree,Trụ cột\n" +
		"nva.sotc,Nguyễn Văn An,an@sotc.gov.vn,,Cán bộ đầu mối,SO-TC,,\n" +
		"ttb.hd,Trần Thị Bình,,en,reviewer,,,\"KTS, CQS\"\n" +
		"NVA.SOTC,,,,unit_approver,SO-TC,,\n" +
		"lvc.hcp,Lê Văn Cường,,,quản trị,H-CP,có,\n"
	p, err := im.PreviewUsers(ctx, readCSV(t, csv))
	if err != nil {
		t.Fatal(err)
	}
	assertLines(t, "issues", issueLines(p, "en"), nil)
	assertLines(t, "changes", changeLines(p), []string{
		`2 create nva.sotc full_name:""->"Nguyễn Văn An" email:""->"an@sotc.gov.vn" lang:""->"vi" grants:""->"unit_approver@SO-TC; unit_editor@SO-TC"`,
		`3 create ttb.hd full_name:""->"Trần Thị Bình" lang:""->"en" grants:""->"reviewer@*[CQS,KTS]"`,
		`5 create lvc.hcp full_name:""->"Lê Văn Cường" lang:""->"vi" grants:""->"admin@H-CP+subtree"`,
	})
	res, err := im.Apply(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 3 || len(res.Passwords) != 3 {
		t.Fatalf("Apply = %+v; want 3 created with passwords", res)
	}
	u, err := db.FindUserByUsername(ctx, "nva.sotc")
	if err != nil {
		t.Fatal(err)
	}
	if err := assessment.CheckPassword(u.PasswordHash, res.Passwords["nva.sotc"]); err != nil || !u.MustChangePassword {
		t.Errorf("initial password: %v, must change %v", err, u.MustChangePassword)
	}
	wantGrants := []assessment.Grant{{Role: assessment.RoleEditor, UnitID: so.ID}, {Role: assessment.RoleApprover, UnitID: so.ID}}
	if !reflect.DeepEqual(u.Grants, wantGrants) {
		t.Errorf("grants %+v; want %+v", u.Grants, wantGrants)
	}
	l, _ := db.FindUserByUsername(ctx, "lvc.hcp")
	if want := []assessment.Grant{{Role: assessment.RoleAdmin, UnitID: hcp.ID, Subtree: true}}; !reflect.DeepEqual(l.Grants, want) {
		t.Errorf("district admin grants %+v; want %+v", l.Grants, want)
	}

	// Again: unchanged. Then an update replacing grants.
	p, _ = im.PreviewUsers(ctx, readCSV(t, csv))
	if p.Count(assessment.OpUnchanged) != 3 {
		t.Errorf("re-import %v", changeLines(p))
	}
	p, _ = im.PreviewUsers(ctx, readCSV(t, "username,full_name,role,unit_code,disabled\nnva.sotc,Nguyễn Văn An,unit_editor,SO-TC,có\n"))
	assertLines(t, "update", changeLines(p), []string{
		`2 update nva.sotc disabled:"false"->"true" grants:"unit_approver@SO-TC; unit_editor@SO-TC"->"unit_editor@SO-TC"`,
	})
	if _, err := im.Apply(ctx, p); err != nil {
		t.Fatal(err)
	}
	u, _ = db.FindUserByUsername(ctx, "nva.sotc")
	if !u.Disabled || len(u.Grants) != 1 || u.FullName != "Nguyễn Văn An" || u.Email != "an@sotc.gov.vn" {
		t.Errorf("after update %+v", u)
	}

	bad := "username,full_name,email,lang,role,unit_code,pillars\n" +
		"ab,Tên,,,viewer,,\n" +
		"x.y,Tên Một,not-an-email,fr,editor,,\n" +
		"x.y,Tên Hai,,,reviewer,,XHS\n" +
		"z.z,Tên,,,viewer,,CQS\n" +
		"z.z,,,,viewer,,\n" +
		"z.z,,,,thủ trưởng,SO-ZZ,\n" +
		"w.w,Tên,,,unit_editor,SO-ZZ,\n" +
		",Không tên,,,,,\n"
	p, _ = im.PreviewUsers(ctx, readCSV(t, bad))
	assertLines(t, "issues", issueLines(p, "en"), []string{
		`line 2, column username: username "ab" must be 3-64 lower-case letters, digits, '.', '_', '-' or '@'`,
		`line 3, column email: "not-an-email" is not a valid e-mail address`,
		`line 3, column lang: language "fr" must be vi or en`,
		`line 3, column unit_code: role unit editor needs a unit code`,
		`line 4, column full_name: account x.y differs from line 3`,
		`line 4, column pillars: pillar XHS is not in the index`,
		`line 5, column pillars: only reviewers can be limited to pillars`,
		`line 7, column role: unknown role "thủ trưởng"`,
		`line 8, column unit_code: there is no unit SO-ZZ`,
		`line 9, column username: a value is required`,
	})
	if _, err := im.Apply(ctx, p); !errors.Is(err, assessment.ErrInvalid) {
		t.Errorf("Apply with issues: %v", err)
	}
	if _, n, _ := db.FindUsers(ctx, assessment.UserFilter{}); n != 3 {
		t.Errorf("users after a refused import: %d; want 3", n)
	}

	dup := "username,full_name,role,unit_code\nq.q,Tên,viewer,\nq.q,Tên,viewer,\n"
	p, _ = im.PreviewUsers(ctx, readCSV(t, dup))
	assertLines(t, "duplicate", issueLines(p, "en"), []string{`line 3, column role: grant viewer@* already appears on line 2`})
}

func TestImportValues(t *testing.T) {
	ctx := context.Background()
	db := openStore(t)
	for _, u := range []*assessment.Unit{
		{Code: "SO-TC", NameVI: "Sở Tài chính", Type: "department", Active: true},
		{Code: "SO-YT", NameVI: "Sở Y tế", Type: "department", Active: true},
		{Code: "H-CP", NameVI: "Huyện Cao Phong", Type: "district", Active: true},
	} {
		if err := db.CreateUnit(ctx, admin, u); err != nil {
			t.Fatal(err)
		}
	}
	period := &assessment.Period{Code: "DTI-2025", Name: "DTI 2025", Year: 2025, Status: assessment.PeriodOpen,
		IndexCode: "PDTI", IndexVersion: "2025.1", IndexHash: "abc", IndexSource: []byte("x")}
	if err := db.CreatePeriod(ctx, admin, period); err != nil {
		t.Fatal(err)
	}
	ix := importIndex()
	im := &assessment.Importer{Store: db, Actor: admin, Reason: "Cổng DVC quốc gia, 15/01/2026"}

	long := "unit_code,indicator,input,value\n" +
		"SO-TC,HT.01,dvc_rate,\"87,5%\"\n" +
		"SO-YT,HT.01,dvc_rate,92\n" +
		"H-CP,HT.02,issued,15/03/2025\n" +
		"H-CP,HT.02,level,Partial\n"
	p, err := im.PreviewValues(ctx, period, ix, scoring.SourceSystem, readCSV(t, long))
	if err != nil {
		t.Fatal(err)
	}
	assertLines(t, "issues", issueLines(p, "en"), nil)
	assertLines(t, "changes", changeLines(p), []string{
		`2 create SO-TC HT.01/dvc_rate value:""->"87,5"`,
		`3 create SO-YT HT.01/dvc_rate value:""->"92"`,
		`4 create H-CP HT.02/issued value:""->"15/03/2025"`,
		`5 create H-CP HT.02/level value:""->"partial"`,
	})
	res, err := im.Apply(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if res.Values != 4 || res.Created != 4 {
		t.Errorf("Apply = %+v; want 4 values", res)
	}
	so, _ := db.FindUnitByCode(ctx, "SO-TC")
	sub, err := db.FindSubmission(ctx, period.ID, so.ID)
	if err != nil {
		t.Fatal(err)
	}
	vals, _ := db.FindValues(ctx, sub.ID)
	if len(vals) != 1 || vals[0].Text != "87.5" || !vals[0].Locked || vals[0].Source != scoring.SourceSystem || *vals[0].Num != 87.5 {
		t.Errorf("stored %+v; want locked system value 87.5", vals[0])
	}
	audit, _, _ := db.FindAudit(ctx, assessment.AuditFilter{Action: "value."})
	if len(audit) == 0 {
		t.Errorf("no audit entries for imported values")
	}
	for _, e := range audit {
		if want := "source: system; Cổng DVC quốc gia, 15/01/2026"; e.Reason != want {
			t.Errorf("audit reason of %s = %q; want %q", e.Field, e.Reason, want)
		}
	}

	// Wide format from Excel: a date cell, an update, an unchanged value.
	data := xlsx(t, [][]any{
		{"unit_code", "HT.01/dvc_rate", "HT.01/systems", "HT.02/issued"},
		{"SO-TC", 87.5, 3, nil},
		{"H-CP", 60, nil, time.Date(2025, 4, 2, 0, 0, 0, 0, time.UTC)},
	})
	tb, err := assessment.ReadTable("values.xlsx", bytes.NewReader(data), reports.ReadSheetRows)
	if err != nil {
		t.Fatal(err)
	}
	p, _ = im.PreviewValues(ctx, period, ix, scoring.SourceSystem, tb)
	assertLines(t, "wide issues", issueLines(p, "en"), nil)
	assertLines(t, "wide changes", changeLines(p), []string{
		`2 unchanged SO-TC HT.01/dvc_rate`,
		`2 create SO-TC HT.01/systems value:""->"3"`,
		`3 create H-CP HT.01/dvc_rate value:""->"60"`,
		`3 update H-CP HT.02/issued value:"15/03/2025"->"02/04/2025"`,
	})
	if res, err := im.Apply(ctx, p); err != nil || res.Values != 3 {
		t.Fatalf("Apply wide = %+v, %v; want 3 values", res, err)
	}

	bad := "unit_code,indicator,input,value\n" +
		"SO-ZZ,HT.01,dvc_rate,50\n" +
		"SO-TC,HT.09,x,1\n" +
		"SO-TC,HT.01,speed,1\n" +
		"SO-TC,HT.01,dvc_rate,101\n" +
		"SO-YT,HT.02,level,full\n" +
		"H-CP,HT.02,level,none\n" +
		"H-CP,HT.01,systems,2.5\n" +
		"H-CP,HT.01,systems,2\n" +
		"H-CP,HT.01,dvc_rate,\n" +
		"H-CP,HT.02,issued,31/02/2025\n"
	p, _ = im.PreviewValues(ctx, period, ix, scoring.SourceSecretariat, readCSV(t, bad))
	assertLines(t, "issues", issueLines(p, "en"), []string{
		`line 2, column unit_code: there is no unit SO-ZZ`,
		`line 3, column indicator: indicator HT.09 is not in the index`,
		`line 4, column input: indicator HT.01 has no input "speed"`,
		`line 5, column value: indicator HT.01: "Tỷ lệ DVC trực tuyến": must not be greater than 100`,
		`line 6, column value: indicator HT.02 does not apply to unit type department`,
		`line 7, column value: indicator HT.02: "level": "none" is not one of the options`,
		`line 8, column value: indicator HT.01: "systems": must be a whole number ≥ 0, not "2.5"`,
		`line 9, column value: value H-CP HT.01/systems already appears on line 8`,
		`line 10, column value: a value is required`,
		`line 11, column value: indicator HT.02: "issued": "31/02/2025" is not a valid date (dd/mm/yyyy)`,
	})
	if _, err := im.Apply(ctx, p); !errors.Is(err, assessment.ErrInvalid) {
		t.Errorf("Apply with issues: %v", err)
	}

	// Wide header problems, a bad source and a published period.
	p, _ = im.PreviewValues(ctx, period, ix, "self", readCSV(t, "unit_code,HT.01/nope,XX/y,note\nSO-TC,1,2,3\n"))
	assertLines(t, "header issues", issueLines(p, "en"), []string{
		`data source "self" is not valid (system, secretariat or survey)`,
		`line 1, column note: column "note" is not supported`,
		`line 1, column HT.01/nope: indicator HT.01 has no input "nope"`,
		`line 1, column XX/y: indicator XX is not in the index`,
	})
	published := *period
	published.Status = assessment.PeriodPublished
	p, _ = im.PreviewValues(ctx, &published, ix, scoring.SourceSystem, readCSV(t, long))
	assertLines(t, "published", issueLines(p, "vi"), []string{`kỳ đánh giá DTI-2025 đã công bố; hãy mở lại trước khi nhập số liệu`})
}

func TestImport_adminOnly(t *testing.T) {
	ctx := context.Background()
	db := openStore(t)
	reviewer := assessment.Actor{Username: "r", Grants: []assessment.Grant{{Role: assessment.RoleReviewer}}}
	districtAdmin := assessment.Actor{Username: "d", Grants: []assessment.Grant{{Role: assessment.RoleAdmin, UnitID: 5, Subtree: true}}}
	tb := readCSV(t, "code,name_vi,type\nA,B,department\n")
	for _, a := range []assessment.Actor{reviewer, districtAdmin} {
		im := &assessment.Importer{Store: db, Actor: a}
		if _, err := im.PreviewUnits(ctx, tb); !errors.Is(err, assessment.ErrForbidden) {
			t.Errorf("%s PreviewUnits: %v; want forbidden", a.Username, err)
		}
		if _, err := im.PreviewUsers(ctx, tb); !errors.Is(err, assessment.ErrForbidden) {
			t.Errorf("%s PreviewUsers: %v; want forbidden", a.Username, err)
		}
		if _, err := im.PreviewValues(ctx, &assessment.Period{}, importIndex(), scoring.SourceSystem, tb); !errors.Is(err, assessment.ErrForbidden) {
			t.Errorf("%s PreviewValues: %v; want forbidden", a.Username, err)
		}
	}
}

// BenchmarkPreviewValues reads and previews a wide file of central values
// for 3,500 units (4 values each) against a store holding them.
func BenchmarkPreviewValues(b *testing.B) {
	ctx := context.Background()
	db := openStore(b)
	var csv strings.Builder
	csv.WriteString("unit_code,HT.01/dvc_rate,HT.01/systems,HT.02/issued,HT.02/level\n")
	for i := range 3500 {
		typ := "district"
		if i%5 == 0 {
			typ = "department"
		}
		code := fmt.Sprintf("U%04d", i)
		if err := db.CreateUnit(ctx, admin, &assessment.Unit{Code: code, NameVI: "Đơn vị " + code, Type: typ, Active: true}); err != nil {
			b.Fatal(err)
		}
		if typ == "district" {
			fmt.Fprintf(&csv, "%s,%d,%d,%02d/03/2025,full\n", code, i%100, i%7, 1+i%28)
		} else {
			fmt.Fprintf(&csv, "%s,%d,%d,,\n", code, i%100, i%7)
		}
	}
	period := &assessment.Period{Code: "P", Name: "P", Year: 2025, Status: assessment.PeriodOpen,
		IndexCode: "PDTI", IndexVersion: "1", IndexHash: "h", IndexSource: []byte("x")}
	if err := db.CreatePeriod(ctx, admin, period); err != nil {
		b.Fatal(err)
	}
	ix := importIndex()
	im := &assessment.Importer{Store: db, Actor: admin}
	data := csv.String()
	b.ResetTimer()
	for b.Loop() {
		tb, err := assessment.ReadTable("values.csv", strings.NewReader(data), reports.ReadSheetRows)
		if err != nil {
			b.Fatal(err)
		}
		p, err := im.PreviewValues(ctx, period, ix, scoring.SourceSystem, tb)
		if err != nil || !p.OK() || len(p.Changes) != 3500*2+2800*2 {
			b.Fatalf("preview: %v %d changes %v", err, len(p.Changes), issueLines(p, "en"))
		}
	}
}

func TestImport_stalePreview(t *testing.T) {
	ctx := context.Background()
	db := openStore(t)
	if err := db.CreateUnit(ctx, admin, &assessment.Unit{Code: "SO-TC", NameVI: "Sở Tài chính", Type: "department", Active: true}); err != nil {
		t.Fatal(err)
	}
	im := &assessment.Importer{Store: db, Actor: admin}
	p, err := im.PreviewUnits(ctx, readCSV(t, "code,name_vi,type\nSO-TC,Sở Tài chính tỉnh,department\nSO-YT,Sở Y tế,department\n"))
	if err != nil || !p.OK() {
		t.Fatal(err, issueLines(p, "en"))
	}
	fp := p.Fingerprint()
	if again, _ := im.PreviewUnits(ctx, p.Table()); again.Fingerprint() != fp || len(fp) != 32 {
		t.Errorf("fingerprints of the same preview differ: %s %s", fp, again.Fingerprint())
	}
	// Someone renames the unit between the preview and the apply.
	so, _ := db.FindUnitByCode(ctx, "SO-TC")
	name := "Sở Tài chính (mới)"
	if _, err := db.UpdateUnit(ctx, admin, so.ID, assessment.UnitUpdate{NameVI: &name}); err != nil {
		t.Fatal(err)
	}
	if again, _ := im.PreviewUnits(ctx, p.Table()); again.Fingerprint() == fp {
		t.Errorf("the fingerprint did not change with the store")
	}
	_, err = im.Apply(ctx, p)
	var e *assessment.Error
	if !errors.As(err, &e) || e.Key != "import.stale" || !errors.Is(err, assessment.ErrConflict) {
		t.Fatalf("Apply of a stale preview: %v; want import.stale", err)
	}
	if _, n, _ := db.FindUnits(ctx, assessment.UnitFilter{}); n != 1 {
		t.Errorf("a stale apply wrote units: %d", n)
	}
	if u, _ := db.FindUnitByCode(ctx, "SO-TC"); u.NameVI != name {
		t.Errorf("a stale apply renamed the unit to %q", u.NameVI)
	}
	// A preview that was not made by Preview cannot be applied.
	if _, err := im.Apply(ctx, &assessment.ImportPreview{Kind: assessment.ImportUnits}); !errors.Is(err, assessment.ErrInvalid) {
		t.Errorf("Apply of a hand-made preview: %v; want ErrInvalid", err)
	}
}

// FuzzReadTable checks that no upload makes ReadTable panic and that every
// refusal matches ErrInvalid.
func FuzzReadTable(f *testing.F) {
	f.Add("units.csv", []byte("code,name_vi,type\nSO-TC,Sở Tài chính,department\n"))
	f.Add("units.csv", []byte("\uFEFFa;b\r\n1,5;\"x\ny\"\n"))
	f.Add("units.xlsx", xlsx(f, [][]any{{"code", "name_vi"}, {"A", "=1+1"}}))
	f.Add("units.xlsx", []byte("PK\x03\x04broken"))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		tb, err := assessment.ReadTable(name, bytes.NewReader(data), reports.ReadSheetRows)
		if err != nil {
			if !errors.Is(err, assessment.ErrInvalid) {
				t.Fatalf("ReadTable error %v does not match ErrInvalid", err)
			}
			return
		}
		if len(tb.Rows) > assessment.MaxImportRows || len(tb.Header) > assessment.MaxImportCols {
			t.Fatalf("table over the limits: %d rows, %d columns", len(tb.Rows), len(tb.Header))
		}
	})
}

func TestImport_strayCells(t *testing.T) {
	ctx := context.Background()
	db := openStore(t)
	im := &assessment.Importer{Store: db, Actor: admin}
	p, _ := im.PreviewUnits(ctx, readCSV(t, "code,name_vi,type\nA,Tên,department,ghi chú\nB,Tên,department\n"))
	assertLines(t, "csv", issueLines(p, "en"), []string{`line 2: cell 4 has a value but its column has no header`})
	tb, err := assessment.ReadTable("u.xlsx", bytes.NewReader(xlsx(t, [][]any{
		{},
		{"code", "name_vi", "type", nil, "note"},
		{"A", "Tên", "department", "lạc chỗ"},
	})), reports.ReadSheetRows)
	if err != nil {
		t.Fatal(err)
	}
	if tb.HeaderLine != 2 {
		t.Errorf("HeaderLine = %d; want 2", tb.HeaderLine)
	}
	p, _ = im.PreviewUnits(ctx, tb)
	assertLines(t, "xlsx", issueLines(p, "vi"), []string{
		`ô E2 (note): cột "note" không được hỗ trợ`,
		`ô D3: ô D3 có giá trị nhưng cột không có tiêu đề`,
	})
}

func TestImportUnits_blockNeeded(t *testing.T) {
	ctx := context.Background()
	db := openStore(t)
	ix := importIndex()
	ix.Blocks = append(ix.Blocks, scoring.Block{Code: "SO_KHAC", UnitTypes: []string{"department"}})
	im := &assessment.Importer{Store: db, Index: ix, Actor: admin}
	p, _ := im.PreviewUnits(ctx, readCSV(t, "code,name_vi,type\nSO-XD,Sở Xây dựng,department\nH-A,Huyện A,district\n"))
	assertLines(t, "without a block column", issueLines(p, "en"), []string{
		`line 2, column type: unit type department belongs to several blocks (SO, SO_KHAC); the block is required`,
	})
	p, _ = im.PreviewUnits(ctx, readCSV(t, "code,name_vi,type,block\nSO-XD,Sở Xây dựng,department,\nSO-TP,Sở Tư pháp,department,SO_KHAC\n"))
	assertLines(t, "with a block column", issueLines(p, "vi"), []string{
		`dòng 2, cột block: loại đơn vị department thuộc nhiều khối (SO, SO_KHAC); cần ghi khối`,
	})
}

func TestImportValues_wideHeaders(t *testing.T) {
	ctx := context.Background()
	db := openStore(t)
	period := &assessment.Period{ID: 1, Code: "P", Status: assessment.PeriodOpen}
	im := &assessment.Importer{Store: db, Actor: admin}
	p, err := im.PreviewValues(ctx, period, importIndex(), scoring.SourceSystem,
		readCSV(t, "unit_code,HT.01/systems,HT.01 / systems,HT.01/systems\nSO-TC,1,2,3\n"))
	if err != nil {
		t.Fatal(err)
	}
	assertLines(t, "issues", issueLines(p, "en"), []string{
		`line 1, column HT.01 / systems: column "HT.01 / systems" appears twice`,
		`line 1, column HT.01/systems: column "HT.01/systems" appears twice`,
	})
	p, _ = im.PreviewValues(ctx, period, importIndex(), scoring.SourceSystem, readCSV(t, "unit_code\nSO-TC\n"))
	assertLines(t, "no value columns", issueLines(p, "en"), []string{`no value column headed "INDICATOR/input"`})
}

func TestImportIssue_where(t *testing.T) {
	tests := []struct {
		is     assessment.ImportIssue
		vi, en string
	}{
		{assessment.ImportIssue{Line: 7, Cell: "C7", Column: "unit_code", VI: "x", EN: "x"}, "ô C7 (unit_code): x", "cell C7 (unit_code): x"},
		{assessment.ImportIssue{Line: 7, Cell: "C7", VI: "x", EN: "x"}, "ô C7: x", "cell C7: x"},
		{assessment.ImportIssue{Line: 7, Column: "unit_code", VI: "x", EN: "x"}, "dòng 7, cột unit_code: x", "line 7, column unit_code: x"},
		{assessment.ImportIssue{Line: 7, VI: "x", EN: "x"}, "dòng 7: x", "line 7: x"},
		{assessment.ImportIssue{Column: "type", VI: "x", EN: "x"}, "cột type: x", "column type: x"},
		{assessment.ImportIssue{VI: "tệp trống", EN: "empty file"}, "tệp trống", "empty file"},
	}
	for _, tt := range tests {
		if got := tt.is.Message("vi"); got != tt.vi {
			t.Errorf("Message(vi) = %q; want %q", got, tt.vi)
		}
		if got := tt.is.Message("en"); got != tt.en {
			t.Errorf("Message(en) = %q; want %q", got, tt.en)
		}
	}
}

// TestImportUnits_domainRules checks that what Unit.Validate would refuse
// at Apply is a problem of the preview already.
func TestImportUnits_domainRules(t *testing.T) {
	ctx := context.Background()
	db := openStore(t)
	im := &assessment.Importer{Store: db, Actor: admin} // no index: only the domain rules
	long := strings.Repeat("Sở ", 120)                  // 360 characters, 600 bytes
	p, _ := im.PreviewUnits(ctx, readCSV(t, "code,name_vi,type,attr.population\nSO-A,"+long+",department,\nSO-B,Sở B,de partment,\n"))
	assertLines(t, "issues", issueLines(p, "en"), []string{
		`line 2, column name_vi: longer than 300 characters`,
		`line 3, column type: the unit type is required`,
	})
	_, err := im.Apply(ctx, p)
	if !errors.Is(err, assessment.ErrInvalid) {
		t.Errorf("Apply: %v", err)
	}
	medium := strings.Repeat("Sở ", 90) // 270 characters but 450 bytes: the store's limit is in bytes
	p, _ = im.PreviewUnits(ctx, readCSV(t, "code,name_vi,type\nSO-A,"+medium+",department\n"))
	assertLines(t, "bytes", issueLines(p, "en"), []string{`line 2, column name_vi: the unit name is too long (at most 300 characters)`})
}
