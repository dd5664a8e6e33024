package reports

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/dti-platform/dti/scoring"
)

// This file holds what every workbook writer shares: index walking, sheet
// names, cell text hygiene, column widths and the style set.

// normLang returns LangEN for "en", LangBoth for "vi-en" and LangVI for
// anything else.
func normLang(lang string) string {
	switch lang {
	case LangEN, LangBoth:
		return lang
	}
	return LangVI
}

// single returns the one language of content: LangBoth shows its content
// (titles, values, names) in Vietnamese.
func single(lang string) string {
	if lang == LangEN {
		return LangEN
	}
	return LangVI
}

// treeNodes returns every node of the index tree in pre-order (the order of
// scoring.UnitResult.Nodes). Adjustments are not part of the tree.
func treeNodes(ix *scoring.Index) []*scoring.Node {
	var out []*scoring.Node
	var walk func(ns []*scoring.Node)
	walk = func(ns []*scoring.Node) {
		for _, n := range ns {
			out = append(out, n)
			walk(n.Children)
		}
	}
	walk(ix.Nodes)
	return out
}

// treeIndicators returns the indicators of the tree in document order.
func treeIndicators(ix *scoring.Index) []*scoring.Node {
	var out []*scoring.Node
	for _, n := range treeNodes(ix) {
		if n.IsIndicator() {
			out = append(out, n)
		}
	}
	return out
}

// appliesTo reports whether node n applies to units of the given type: a
// node without AppliesTo inherits its parent's (the root: every type).
func appliesTo(n *scoring.Node, unitType string) bool {
	for p := n; p != nil; p = p.Parent {
		if len(p.AppliesTo) == 0 {
			continue
		}
		for _, t := range p.AppliesTo {
			if t == unitType {
				return true
			}
		}
		return false
	}
	return true
}

// inputSource returns the effective source of an indicator's input.
func inputSource(n *scoring.Node, in *scoring.Input) scoring.Source {
	if in.Source != "" {
		return in.Source
	}
	if n.Source != "" {
		return n.Source
	}
	return scoring.SourceSelf
}

// nodeLookup finds node results by code. Results are in tree pre-order, so
// the position is tried first and a map is the fallback for results that
// were produced for a slightly different order.
type nodeLookup struct {
	pos map[string]int
}

func newNodeLookup(nodes []*scoring.Node) nodeLookup {
	l := nodeLookup{pos: make(map[string]int, len(nodes))}
	for i, n := range nodes {
		l.pos[n.Code] = i
	}
	return l
}

// find returns the result of the node with the given code in rs, or nil.
func (l nodeLookup) find(rs []scoring.NodeResult, code string) *scoring.NodeResult {
	if i, ok := l.pos[code]; ok && i < len(rs) && rs[i].Code == code {
		return &rs[i]
	}
	for i := range rs {
		if rs[i].Code == code {
			return &rs[i]
		}
	}
	return nil
}

// findResult returns the node result with the given code, or nil.
func findResult(rs []scoring.NodeResult, code string) *scoring.NodeResult {
	for i := range rs {
		if rs[i].Code == code {
			return &rs[i]
		}
	}
	return nil
}

// unitResult returns the result of the unit with the given code, or nil.
func unitResult(rs *scoring.Results, code string) *scoring.UnitResult {
	if rs == nil {
		return nil
	}
	for i := range rs.Units {
		if rs.Units[i].Code == code {
			return &rs.Units[i]
		}
	}
	return nil
}

// sheetNamer makes valid, unique sheet names: at most 31 characters, none
// of []:*?/\, not starting or ending with an apostrophe, unique ignoring
// case (Excel's rule).
type sheetNamer struct {
	used map[string]bool
}

func newSheetNamer() *sheetNamer { return &sheetNamer{used: map[string]bool{}} }

// SheetNameMaxLen is Excel's limit on the length of a sheet name.
const sheetNameMaxLen = 31

// name returns a sanitised, unique version of s.
func (sn *sheetNamer) name(s string) string {
	base := sanitizeSheetName(s)
	for i := 1; ; i++ {
		cand := base
		if i > 1 {
			suffix := fmt.Sprintf(" (%d)", i)
			cand = truncateRunes(base, sheetNameMaxLen-utf8.RuneCountInString(suffix)) + suffix
		}
		key := strings.ToLower(cand)
		if !sn.used[key] {
			sn.used[key] = true
			return cand
		}
	}
}

// sanitizeSheetName replaces the characters Excel forbids in sheet names,
// trims apostrophes and spaces at the ends and cuts to 31 characters.
func sanitizeSheetName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case strings.ContainsRune(`[]:*?/\`, r):
			b.WriteRune('-')
		case r < 0x20 || r == 0x7f || r == utf8.RuneError:
			b.WriteRune(' ')
		default:
			b.WriteRune(r)
		}
	}
	out := strings.Trim(b.String(), "' ")
	out = strings.TrimRight(truncateRunes(out, sheetNameMaxLen), "' ")
	if out == "" || strings.EqualFold(out, "History") {
		out = "Sheet"
	}
	return out
}

// truncateRunes cuts s to at most n runes.
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n])
}

// cellText makes user text safe to store in a cell: characters XML 1.0
// cannot carry are dropped. The text is always written as a string cell, so
// a leading "=" stays text.
func cellText(s string) string {
	clean := true
	for _, r := range s {
		if !xmlChar(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if xmlChar(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func xmlChar(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\r':
		return true
	case r < 0x20 || r == utf8.RuneError:
		return false
	case r >= 0xD800 && r <= 0xDFFF, r == 0xFFFE, r == 0xFFFF:
		return false
	}
	return true
}

// checkColumns refuses a sheet wider than Excel allows, before any cell
// reference is computed for it.
func checkColumns(what string, cols int) error {
	if cols > excelize.MaxColumns {
		return fmt.Errorf("%s needs %d columns; a sheet has at most %d", what, cols, excelize.MaxColumns)
	}
	return nil
}

// colName returns the column letters of a 1-based column number.
func colName(col int) string {
	s, err := excelize.ColumnNumberToName(col)
	if err != nil {
		panic(err) // columns are computed by the writers, never from input
	}
	return s
}

// cellRef returns an A1 reference.
func cellRef(col, row int) string { return colName(col) + strconv.Itoa(row) }

// absRange returns an absolute reference like 'Sheet'!$A$2:$A$9 for charts
// and validations.
func absRange(sheet string, col1, row1, col2, row2 int) string {
	return fmt.Sprintf("%s!$%s$%d:$%s$%d", quoteSheet(sheet), colName(col1), row1, colName(col2), row2)
}

// quoteSheet quotes a sheet name for use in a formula reference.
func quoteSheet(sheet string) string {
	return "'" + strings.ReplaceAll(sheet, "'", "''") + "'"
}

// widths tracks the widest text of each column to size columns so that
// Vietnamese text (with its stacked diacritics) fits.
type widths struct {
	w        []float64
	min, max float64
}

func newWidths(cols int, min, max float64) *widths {
	ws := &widths{w: make([]float64, cols+1), min: min, max: max}
	for i := range ws.w {
		ws.w[i] = min
	}
	return ws
}

// fit widens column col (1-based) for text s.
func (ws *widths) fit(col int, s string) {
	if col >= len(ws.w) {
		return
	}
	longest := 0
	for _, line := range strings.Split(s, "\n") {
		if n := utf8.RuneCountInString(line); n > longest {
			longest = n
		}
	}
	// 1.15 character widths per rune leaves room for diacritics and bold
	// headers; +2 for the cell padding.
	w := math.Min(ws.max, float64(longest)*1.15+2)
	if w > ws.w[col] {
		ws.w[col] = w
	}
}

// set forces the width of column col.
func (ws *widths) set(col int, w float64) {
	if col < len(ws.w) {
		ws.w[col] = w
	}
}

// apply sets the widths on a stream writer (before its first row).
func (ws *widths) applyStream(sw *excelize.StreamWriter) error {
	for c := 1; c < len(ws.w); c++ {
		if err := sw.SetColWidth(c, c, math.Round(ws.w[c]*100)/100); err != nil {
			return err
		}
	}
	return nil
}

// applyFile sets the widths on a sheet of a normal-mode file.
func (ws *widths) applyFile(f *excelize.File, sheet string) error {
	for c := 1; c < len(ws.w); c++ {
		if err := f.SetColWidth(sheet, colName(c), colName(c), math.Round(ws.w[c]*100)/100); err != nil {
			return err
		}
	}
	return nil
}

// numFormat returns an Excel number format with d decimals.
func numFormat(d int) string {
	if d <= 0 {
		return "0"
	}
	return "0." + strings.Repeat("0", d)
}

// signedFormat returns a number format showing a sign on positive changes.
func signedFormat(d int) string {
	f := numFormat(d)
	return "+" + f + ";-" + f + ";" + f
}

// styles is the set of cell styles a workbook uses, created once per file.
type styles struct {
	title, subtitle, header, headerGroup, text, textWrap, bold int
	value, points, integer, signedValue, signedInt, percent    int
	boldValue, boldPoints, date, dateTime                      int
	muted                                                      int
}

var thinBorder = []excelize.Border{
	{Type: "left", Color: "BFBFBF", Style: 1},
	{Type: "right", Color: "BFBFBF", Style: 1},
	{Type: "top", Color: "BFBFBF", Style: 1},
	{Type: "bottom", Color: "BFBFBF", Style: 1},
}

// newStyles registers the styles in f, using the index rounding for values
// and points.
func newStyles(f *excelize.File, ix *scoring.Index) (*styles, error) {
	vd, pd := 4, 2
	if ix != nil {
		vd, pd = ix.Rounding.ValueDecimals, ix.Rounding.PointsDecimals
	}
	s := &styles{}
	var err error
	add := func(dst *int, st *excelize.Style) {
		if err != nil {
			return
		}
		*dst, err = f.NewStyle(st)
	}
	str := func(v string) *string { return &v }
	top := &excelize.Alignment{Vertical: "top"}
	wrapTop := &excelize.Alignment{Vertical: "top", WrapText: true}
	add(&s.title, &excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	add(&s.subtitle, &excelize.Style{Font: &excelize.Font{Italic: true, Color: "595959"}})
	add(&s.header, &excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
		Border:    thinBorder,
	})
	add(&s.headerGroup, &excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"BDD7EE"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
		Border:    thinBorder,
	})
	add(&s.text, &excelize.Style{Alignment: top, Border: thinBorder})
	add(&s.textWrap, &excelize.Style{Alignment: wrapTop, Border: thinBorder})
	add(&s.bold, &excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: wrapTop, Border: thinBorder})
	add(&s.value, &excelize.Style{CustomNumFmt: str(numFormat(vd)), Alignment: top, Border: thinBorder})
	add(&s.points, &excelize.Style{CustomNumFmt: str(numFormat(pd)), Alignment: top, Border: thinBorder})
	add(&s.integer, &excelize.Style{NumFmt: 1, Alignment: top, Border: thinBorder})
	add(&s.signedValue, &excelize.Style{CustomNumFmt: str(signedFormat(vd)), Alignment: top, Border: thinBorder})
	add(&s.signedInt, &excelize.Style{CustomNumFmt: str(signedFormat(0)), Alignment: top, Border: thinBorder})
	add(&s.percent, &excelize.Style{CustomNumFmt: str("0.00"), Alignment: top, Border: thinBorder})
	add(&s.boldValue, &excelize.Style{Font: &excelize.Font{Bold: true}, CustomNumFmt: str(numFormat(vd)), Alignment: top, Border: thinBorder})
	add(&s.boldPoints, &excelize.Style{Font: &excelize.Font{Bold: true}, CustomNumFmt: str(numFormat(pd)), Alignment: top, Border: thinBorder})
	add(&s.date, &excelize.Style{CustomNumFmt: str("yyyy-mm-dd"), Alignment: top, Border: thinBorder})
	add(&s.dateTime, &excelize.Style{CustomNumFmt: str("yyyy-mm-dd hh:mm:ss"), Alignment: top, Border: thinBorder})
	add(&s.muted, &excelize.Style{Font: &excelize.Font{Color: "7F7F7F", Italic: true}, Alignment: top, Border: thinBorder})
	return s, err
}

// cell is shorthand for a styled cell. A NaN or infinite number, which a
// spreadsheet cannot store, is left blank.
func cell(style int, v any) excelize.Cell {
	if f, ok := v.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
		v = nil
	}
	return excelize.Cell{StyleID: style, Value: v}
}

// textCell is a styled string cell holding sanitised user text.
func textCell(style int, s string) excelize.Cell {
	return excelize.Cell{StyleID: style, Value: cellText(s)}
}

// newWorkbook creates an empty workbook whose first sheet is named first,
// with fixed document properties so output does not depend on the clock.
func newWorkbook(first string) (*excelize.File, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", first); err != nil {
		f.Close()
		return nil, err
	}
	// excelize stamps the creation time from the clock; pin it so the same
	// inputs give the same file content.
	if err := f.SetDocProps(&excelize.DocProperties{
		Created:  "2000-01-01T00:00:00Z",
		Modified: "2000-01-01T00:00:00Z",
		Creator:  "dti",
	}); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// roundTo rounds v to d decimals (half away from zero), as the published
// tables do.
func roundTo(v float64, d int) float64 {
	p := math.Pow(10, float64(d))
	return math.Round(v*p) / p
}

// setDimension records the used range of a sheet. excelize leaves "A1" in
// normal mode, and a stream writer emits the dimension when it starts (so
// call it before NewStreamWriter); readers that trust it (openpyxl in
// read-only mode, hence pandas) would take "A1" for a one-cell sheet.
func setDimension(f *excelize.File, sheet string, lastCol, lastRow int) error {
	if lastCol < 1 {
		lastCol = 1
	}
	if lastRow < 1 {
		lastRow = 1
	}
	return f.SetSheetDimension(sheet, "A1:"+cellRef(lastCol, lastRow))
}

// frozen returns the panes that keep the first cols columns and rows rows
// of a sheet in view while the rest scrolls.
func frozen(cols, rows int) *excelize.Panes {
	active := "bottomRight"
	if cols == 0 {
		active = "bottomLeft"
	}
	return &excelize.Panes{Freeze: true, XSplit: cols, YSplit: rows, TopLeftCell: cellRef(cols+1, rows+1), ActivePane: active}
}

// streamSheet prepares a sheet for printing (printSetup) with its used
// range (setDimension) and then opens its stream writer: both must come
// first, as the stream writer emits them when it starts.
func streamSheet(f *excelize.File, sheet string, headerFirst, headerLast, lastCol, lastRow int) (*excelize.StreamWriter, error) {
	if err := printSetup(f, sheet, headerFirst, headerLast); err != nil {
		return nil, err
	}
	if err := setDimension(f, sheet, lastCol, lastRow); err != nil {
		return nil, err
	}
	return f.NewStreamWriter(sheet)
}

// printSetup prepares a sheet for printing: A4 landscape, one page wide,
// and rows headerFirst..headerLast (when > 0) repeated on every page. For a
// streamed sheet call it before NewStreamWriter: the stream writer emits
// the sheet properties when it starts.
func printSetup(f *excelize.File, sheet string, headerFirst, headerLast int) error {
	fit := true
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	a4, landscape, wide, tall := 9, "landscape", 1, 0
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{
		Size: &a4, Orientation: &landscape, FitToWidth: &wide, FitToHeight: &tall,
	}); err != nil {
		return err
	}
	if headerFirst <= 0 {
		return nil
	}
	return f.SetDefinedName(&excelize.DefinedName{
		Name:     "_xlnm.Print_Titles",
		RefersTo: fmt.Sprintf("%s!$%d:$%d", quoteSheet(sheet), headerFirst, headerLast),
		Scope:    sheet,
	})
}

// rowHeight estimates the height (points) of a row whose wrapped cells hold
// texts, given the column widths (characters), so that wrapped Vietnamese
// text is shown whole: spreadsheets do not grow rows written with wrapped
// text by themselves.
func rowHeight(texts map[int]string, ws *widths) float64 {
	lines := 1
	for col, s := range texts {
		if s == "" || col >= len(ws.w) {
			continue
		}
		perLine := int(ws.w[col]/1.1) - 1
		if perLine < 1 {
			perLine = 1
		}
		n := 0
		for _, line := range strings.Split(s, "\n") {
			n += (utf8.RuneCountInString(line) + perLine - 1) / perLine
			if line == "" {
				n++
			}
		}
		if n > lines {
			lines = n
		}
	}
	// 15 points per line, capped at Excel's row height limit.
	return math.Min(409, float64(lines)*15)
}

// nodeScore returns what a node scored as the tables show it: its points in
// a points-style index, its value on the index scale (e.g. 0..100) in a
// composite index, where nodes carry no points.
func nodeScore(ix *scoring.Index, nr *scoring.NodeResult) float64 {
	if ix.Style == scoring.StyleComposite {
		return roundTo(nr.Value*ix.Scale, ix.Rounding.PointsDecimals)
	}
	return roundTo(nr.Points, ix.Rounding.PointsDecimals)
}

// nodeMax returns the maximum matching nodeScore.
func nodeMax(ix *scoring.Index, nr *scoring.NodeResult) float64 {
	if ix.Style == scoring.StyleComposite {
		return ix.Scale
	}
	return nr.MaxPoints
}

// writeWorkbook writes f to w with its zip entries in a fixed order:
// excelize writes streamed sheets in map order, so the same workbook would
// otherwise come out as different bytes. Entries are copied without being
// recompressed: "[Content_Types].xml" first, then by name.
func writeWorkbook(f *excelize.File, w io.Writer) error {
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return err
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		return err
	}
	files := append([]*zip.File(nil), zr.File...)
	sort.Slice(files, func(i, j int) bool {
		a, b := files[i].Name, files[j].Name
		if (a == "[Content_Types].xml") != (b == "[Content_Types].xml") {
			return a == "[Content_Types].xml"
		}
		return a < b
	})
	zw := zip.NewWriter(w)
	for _, zf := range files {
		if zf.Name == "[Content_Types].xml" {
			// excelize lists some content types in map order too.
			if err := writeContentTypes(zw, zf); err != nil {
				return err
			}
			continue
		}
		raw, err := zf.OpenRaw()
		if err != nil {
			return err
		}
		hdr := zf.FileHeader
		out, err := zw.CreateRaw(&hdr)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, raw); err != nil {
			return err
		}
	}
	return zw.Close()
}

// contentTypeElem matches one Default or Override element of
// [Content_Types].xml.
var contentTypeElem = regexp.MustCompile(`<(Default|Override) [^>]*?(?:/>|></(?:Default|Override)>)`)

// writeContentTypes writes [Content_Types].xml with its Default and
// Override elements sorted, each kind staying where it was.
func writeContentTypes(zw *zip.Writer, zf *zip.File) error {
	rc, err := zf.Open()
	if err != nil {
		return err
	}
	data, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		return err
	}
	locs := contentTypeElem.FindAllIndex(data, -1)
	elems := make([]string, len(locs))
	for i, l := range locs {
		elems[i] = string(data[l[0]:l[1]])
	}
	// Sort within each kind: Defaults and Overrides keep their slots.
	sorted := append([]string(nil), elems...)
	sort.SliceStable(sorted, func(i, j int) bool {
		ki, kj := strings.HasPrefix(sorted[i], "<Override"), strings.HasPrefix(sorted[j], "<Override")
		if ki != kj {
			return !ki
		}
		return sorted[i] < sorted[j]
	})
	var out bytes.Buffer
	prev := 0
	for i, l := range locs {
		out.Write(data[prev:l[0]])
		out.WriteString(sorted[i])
		prev = l[1]
	}
	out.Write(data[prev:])
	hdr := &zip.FileHeader{Name: zf.Name, Method: zip.Deflate, Modified: zf.Modified}
	w, err := zw.CreateHeader(hdr)
	if err != nil {
		return err
	}
	_, err = w.Write(out.Bytes())
	return err
}
