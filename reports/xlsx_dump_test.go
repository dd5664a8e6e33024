package reports

import (
	"archive/zip"
	"bytes"
	"flag"
	"fmt"
	"html"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// The -update flag rewrites golden files. Other test files of the package
// may register the same flag; registering it only once avoids a panic.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files under testdata/")
	}
}

func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// checkGolden compares got with testdata/name, or rewrites it with -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if updating() {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the golden file; run go test -run %s -update and review the diff.\n%s",
			path, t.Name(), firstDiff(string(want), got))
	}
}

// firstDiff shows the first differing line.
func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d:\n  want: %s\n  got:  %s", i+1, w, g)
		}
	}
	return ""
}

// openXLSX opens a workbook written by the package.
func openXLSX(t *testing.T, data []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("open workbook: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// zipParts returns the parts of an xlsx package by name.
func zipParts(t *testing.T, data []byte) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string]string{}
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		parts[zf.Name] = string(b)
	}
	return parts
}

var (
	reAutoFilter = regexp.MustCompile(`<autoFilter ref="([^"]+)"`)
	reChartType  = regexp.MustCompile(`<(?:c:)?(barChart|bar3DChart|lineChart|pieChart|radarChart|scatterChart|areaChart|doughnutChart)>`)
	reBarDir     = regexp.MustCompile(`<(?:c:)?barDir val="([a-z]+)"`)
	reGrouping   = regexp.MustCompile(`<(?:c:)?grouping val="([a-zA-Z]+)"`)
	reSeriesRef  = regexp.MustCompile(`<(?:c:)?f>([^<]+)</(?:c:)?f>`)
	reWBProtect  = regexp.MustCompile(`<workbookProtection[^>]*>`)
	reDimension  = regexp.MustCompile(`<dimension ref="([^"]+)"`)
	reSheetState = regexp.MustCompile(`<sheet name="([^"]+)" sheetId="\d+" r:id="[^"]+"(?: state="([a-zA-Z]+)")?`)
)

// dumpXLSX renders a workbook as text for golden comparison: sheets and
// their visibility, panes, column widths, merged cells, auto filter,
// protection, data validations, every non-empty cell with its type, value,
// formula and number format, and the charts with their type and ranges.
func dumpXLSX(t *testing.T, data []byte) string {
	t.Helper()
	f := openXLSX(t, data)
	parts := zipParts(t, data)
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }

	p("workbook")
	for _, m := range reSheetState.FindAllStringSubmatch(parts["xl/workbook.xml"], -1) {
		state := m[2]
		if state == "" {
			state = "visible"
		}
		p("  sheet %q %s", m[1], state)
	}
	if m := reWBProtect.FindString(parts["xl/workbook.xml"]); m != "" {
		p("  protection %s", m)
	}
	dn := f.GetDefinedName()
	sort.Slice(dn, func(i, j int) bool { return dn[i].Name+dn[i].RefersTo < dn[j].Name+dn[j].RefersTo })
	for _, d := range dn {
		p("  defined name %s scope=%s refers=%s", d.Name, d.Scope, d.RefersTo)
	}

	for i, sheet := range f.GetSheetList() {
		p("")
		p("sheet %q", sheet)
		xmlPath := fmt.Sprintf("xl/worksheets/sheet%d.xml", i+1)
		sx := parts[xmlPath]
		if panes, err := f.GetPanes(sheet); err == nil && panes.Freeze {
			p("  freeze x=%d y=%d top-left=%s", panes.XSplit, panes.YSplit, panes.TopLeftCell)
		}
		if m := reAutoFilter.FindStringSubmatch(sx); m != nil {
			p("  autofilter %s", m[1])
		}
		if prot, err := f.GetSheetProtection(sheet); err == nil && strings.Contains(sx, "<sheetProtection") {
			p("  protected select-locked=%v select-unlocked=%v format-columns=%v insert-rows=%v delete-rows=%v",
				prot.SelectLockedCells, prot.SelectUnlockedCells, prot.FormatColumns, prot.InsertRows, prot.DeleteRows)
		}
		if pl, err := f.GetPageLayout(sheet); err == nil && pl.Orientation != nil && pl.FitToWidth != nil {
			p("  page %s fit-width=%d", *pl.Orientation, *pl.FitToWidth)
		}
		if strings.Contains(sx, "<drawing ") {
			p("  has drawing")
		}
		merged, _ := f.GetMergeCells(sheet)
		var ms []string
		for _, m := range merged {
			ms = append(ms, m.GetStartAxis()+":"+m.GetEndAxis())
		}
		sort.Strings(ms)
		if len(ms) > 0 {
			p("  merged %s", strings.Join(ms, " "))
		}
		dvs, _ := f.GetDataValidations(sheet)
		sort.Slice(dvs, func(i, j int) bool { return dvs[i].Sqref < dvs[j].Sqref })
		for _, dv := range dvs {
			p("  validation %s type=%s op=%s f1=%s f2=%s blank=%v err=%q", dv.Sqref, dv.Type, dv.Operator, dv.Formula1, dv.Formula2, dv.AllowBlank, deref(dv.Error))
		}
		rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		maxCol := 0
		for _, r := range rows {
			maxCol = max(maxCol, len(r))
		}
		// The recorded used range must cover what is there: readers such
		// as openpyxl in read-only mode trust it.
		if m := reDimension.FindStringSubmatch(sx); m != nil {
			p("  dimension %s", m[1])
			if len(rows) > 0 && maxCol > 0 {
				want := "A1:" + cellRef(maxCol, len(rows))
				if m[1] != want && !(m[1] == "A1" && want == "A1:A1") {
					t.Errorf("sheet %q: dimension %s; the cells span %s", sheet, m[1], want)
				}
			}
		}
		var widths []string
		for c := 1; c <= maxCol; c++ {
			w, _ := f.GetColWidth(sheet, colName(c))
			widths = append(widths, fmt.Sprintf("%s=%.4g", colName(c), w))
		}
		if len(widths) > 0 {
			p("  widths %s", strings.Join(widths, " "))
		}
		var heights []string
		for r := range rows {
			if h, err := f.GetRowHeight(sheet, r+1); err == nil && h != 15 {
				heights = append(heights, fmt.Sprintf("%d=%.4g", r+1, h))
			}
		}
		if len(heights) > 0 {
			p("  heights %s", strings.Join(heights, " "))
		}
		for r, row := range rows {
			for c, v := range row {
				ref := cellRef(c+1, r+1)
				formula, _ := f.GetCellFormula(sheet, ref)
				if v == "" && formula == "" {
					// Empty cells matter only when a user may type in them.
					if d := styleDesc(f, sheet, ref, ""); strings.Contains(d, "unlocked") {
						p("  %s empty%s", ref, d)
					}
					continue
				}
				typ, _ := f.GetCellType(sheet, ref)
				p("  %s %s %q%s", ref, cellTypeName(typ), v, styleDesc(f, sheet, ref, formula))
			}
		}
	}

	var charts []string
	for name := range parts {
		if strings.HasPrefix(name, "xl/charts/chart") {
			charts = append(charts, name)
		}
	}
	sort.Strings(charts)
	p("")
	p("charts %d", len(charts))
	for _, name := range charts {
		x := parts[name]
		var types []string
		for _, m := range reChartType.FindAllStringSubmatch(x, -1) {
			types = append(types, m[1])
		}
		dir := ""
		if m := reBarDir.FindStringSubmatch(x); m != nil {
			dir = " dir=" + m[1]
		}
		if m := reGrouping.FindStringSubmatch(x); m != nil {
			dir += " grouping=" + m[1]
		}
		var refs []string
		for _, m := range reSeriesRef.FindAllStringSubmatch(x, -1) {
			refs = append(refs, html.UnescapeString(m[1]))
		}
		p("  %s %s%s refs=%s", name, strings.Join(types, ","), dir, strings.Join(refs, " | "))
	}
	return b.String()
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func cellTypeName(t excelize.CellType) string {
	switch t {
	case excelize.CellTypeBool:
		return "bool"
	case excelize.CellTypeDate:
		return "date"
	case excelize.CellTypeError:
		return "error"
	case excelize.CellTypeFormula:
		return "formula"
	case excelize.CellTypeInlineString:
		return "inline"
	case excelize.CellTypeNumber, excelize.CellTypeUnset:
		return "num"
	case excelize.CellTypeSharedString:
		return "str"
	}
	return fmt.Sprintf("type%d", t)
}

// styleDesc describes what matters of a cell's style: number format,
// bold, lock state when it is unlocked, and a formula if any.
func styleDesc(f *excelize.File, sheet, ref, formula string) string {
	var out []string
	if formula != "" {
		out = append(out, "FORMULA="+formula)
	}
	id, err := f.GetCellStyle(sheet, ref)
	if err == nil && id > 0 {
		st, err := f.GetStyle(id)
		if err == nil {
			switch {
			case st.CustomNumFmt != nil:
				out = append(out, "fmt="+*st.CustomNumFmt)
			case st.NumFmt != 0:
				out = append(out, fmt.Sprintf("fmt#%d", st.NumFmt))
			}
			if st.Font != nil && st.Font.Bold {
				out = append(out, "bold")
			}
			if st.Protection != nil && !st.Protection.Locked {
				out = append(out, "unlocked")
			}
		}
	}
	if len(out) == 0 {
		return ""
	}
	return " [" + strings.Join(out, " ") + "]"
}
