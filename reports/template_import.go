package reports

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/dti-platform/dti/scoring"
)

// ReadTemplate reads a filled template (an untrusted upload of size bytes)
// made by WriteTemplate for the same unit, period and index as in, and
// returns the preview of the import: the values the unit changed in the
// file (what to apply) and every problem with its sheet and cell. A value
// left as written is no change, even when in.Current has moved on since
// the download; a value changed in the file and on the platform both is a
// conflict (TemplateErrConflict).
//
// The read is bounded: the file size, its unzipped size and the rows read
// are capped (in.Limits, defaulting to DefaultTemplateLimits). A file that
// cannot be used at all (too large, not a workbook, not a template, a
// template of another unit, period or index version, a changed layout)
// gives a nil preview and a *TemplateError (an error reading r is returned
// as it is). Problems of single cells (wrong types, limits, unknown
// options, formulas, changed read-only values) are listed in the preview's
// Errors; the caller applies the values only when there is none.
//
// The file is read with this package's bounded reader, not excelize: only
// the cells of the template's columns are kept, so a small file with cells
// far to the right or far down cannot make the import allocate much.
func ReadTemplate(r io.Reader, size int64, in TemplateInput) (*TemplateImport, error) {
	if in.Index == nil {
		return nil, errors.New("reports: template import: index is nil")
	}
	lim := in.Limits
	def := DefaultTemplateLimits
	if lim.MaxFileBytes <= 0 {
		lim.MaxFileBytes = def.MaxFileBytes
	}
	if lim.MaxUnzipBytes <= 0 {
		lim.MaxUnzipBytes = def.MaxUnzipBytes
	}
	if lim.MaxUnzipXMLBytes <= 0 {
		lim.MaxUnzipXMLBytes = def.MaxUnzipXMLBytes
	}
	if lim.MaxRows <= 0 {
		lim.MaxRows = def.MaxRows
	}
	tooLarge := &TemplateError{Code: TemplateErrTooLarge, Args: []string{strconv.FormatInt(lim.MaxFileBytes, 10)}}
	if size > lim.MaxFileBytes {
		return nil, tooLarge
	}
	data, err := readAtMost(r, size, lim.MaxFileBytes)
	if err != nil {
		return nil, fmt.Errorf("reports: template import: %w", err)
	}
	if int64(len(data)) > lim.MaxFileBytes {
		return nil, tooLarge
	}
	if !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return nil, &TemplateError{Code: TemplateErrNotWorkbook, Args: []string{"not a zip archive"}}
	}
	pkg, err := openXLSXPackage(data, lim.MaxUnzipBytes, min(lim.MaxUnzipXMLBytes, lim.MaxUnzipBytes))
	if err != nil {
		return nil, &TemplateError{Code: TemplateErrNotWorkbook, Args: []string{err.Error()}}
	}
	rd := &templateReader{pkg: pkg, in: &in, lim: lim}
	if err := rd.checkMeta(); err != nil {
		return nil, err
	}
	return rd.readValues()
}

// templateReader holds the state of one ReadTemplate call.
type templateReader struct {
	pkg   *xlsxPackage
	in    *TemplateInput
	lim   TemplateLimits
	rows  []templateRow
	sheet string
	lang  string
	// written holds the read-only values as the template was written.
	written map[string]string
}

// readSheet reads columns 1..maxCols of at most maxRows rows of a sheet.
func (rd *templateReader) readSheet(sheet string, maxRows, maxCols int) ([][]sheetCell, error) {
	if !rd.pkg.hasSheet(sheet) {
		return nil, &TemplateError{Sheet: sheet, Code: TemplateErrMissingSheet, Args: []string{sheet}}
	}
	grid, err := rd.pkg.readSheetCells(sheet, maxRows, maxCols)
	switch {
	case errors.Is(err, errTooManyRows):
		return nil, &TemplateError{Sheet: sheet, Code: TemplateErrTooManyRows, Args: []string{strconv.Itoa(maxRows)}}
	case err != nil:
		return nil, &TemplateError{Sheet: sheet, Code: TemplateErrNotWorkbook, Args: []string{err.Error()}}
	}
	return grid, nil
}

// checkMeta reads the hidden metadata sheet and refuses a template made for
// another unit, period, index version or layout.
func (rd *templateReader) checkMeta() error {
	if !rd.pkg.hasSheet(templateMetaSheet) {
		return &TemplateError{Code: TemplateErrNotTemplate}
	}
	rd.rows = templateLayout(rd.in)
	raw, err := rd.readSheet(templateMetaSheet, 50+len(rd.rows), 2)
	if err != nil {
		var te *TemplateError
		if errors.As(err, &te) && te.Code == TemplateErrTooManyRows {
			return &TemplateError{Code: TemplateErrNotTemplate}
		}
		return err
	}
	meta := map[string]string{}
	for _, r := range raw {
		if len(r) == 2 {
			meta[r[0].value] = r[1].value
		}
	}
	in := rd.in
	if got := meta["format"]; got != TemplateFormat {
		if got == "" {
			return &TemplateError{Code: TemplateErrNotTemplate}
		}
		return &TemplateError{Code: TemplateErrFormat, Args: []string{got, TemplateFormat}}
	}
	if got := meta["unit"]; got != in.UnitCode {
		return &TemplateError{Code: TemplateErrWrongUnit, Args: []string{got, in.UnitCode}}
	}
	if got := meta["period"]; got != in.Period.Code {
		return &TemplateError{Code: TemplateErrWrongPeriod, Args: []string{got, in.Period.Code}}
	}
	ix := in.Index
	if meta["index_code"] != ix.Code || meta["index_version"] != ix.Version || meta["index_hash"] != ix.Hash {
		return &TemplateError{Code: TemplateErrWrongIndex, Args: []string{
			indexID(meta["index_code"], meta["index_version"], meta["index_hash"]),
			indexID(ix.Code, ix.Version, ix.Hash),
		}}
	}
	rd.written = meta
	if meta["layout"] != layoutDigest(rd.rows) || meta["rows"] != strconv.Itoa(len(rd.rows)) {
		return &TemplateError{Code: TemplateErrLayout}
	}
	rd.lang = single(meta["lang"])
	rd.sheet = meta["sheet"]
	// The input sheet must be one of the names WriteTemplate uses.
	if rd.sheet != sheetTemplate.vi && rd.sheet != sheetTemplate.en {
		return &TemplateError{Code: TemplateErrLayout}
	}
	if !rd.pkg.hasSheet(rd.sheet) {
		return &TemplateError{Sheet: rd.sheet, Code: TemplateErrMissingSheet, Args: []string{rd.sheet}}
	}
	return nil
}

// readValues reads and checks every value cell.
func (rd *templateReader) readValues() (*TemplateImport, error) {
	// The cap never refuses the template's own rows, however many inputs
	// the index has.
	maxRows := rd.lim.MaxRows
	if n := len(rd.rows); n > 0 && rd.rows[n-1].row > maxRows {
		maxRows = rd.rows[n-1].row
	}
	grid, err := rd.readSheet(rd.sheet, maxRows, tcLast)
	if err != nil {
		return nil, err
	}
	cellAt := func(row, col int) sheetCell {
		if row-1 < len(grid) && col-1 < len(grid[row-1]) {
			return grid[row-1][col-1]
		}
		return sheetCell{}
	}
	at := func(row, col int) string { return cellAt(row, col).value }
	// The codes beside each value must be the ones written: rows moved or
	// rewritten would silently put values on the wrong inputs.
	for _, r := range rd.rows {
		if at(r.row, tcIndicator) != r.key.Indicator || at(r.row, tcKey) != r.key.Input {
			return nil, &TemplateError{Sheet: rd.sheet, Cell: cellRef(tcIndicator, r.row), Code: TemplateErrLayout}
		}
	}

	out := &TemplateImport{
		Values: map[scoring.InputKey]scoring.Value{},
		Texts:  map[scoring.InputKey]string{},
	}
	uiLang := single(rd.in.Lang)
	for _, r := range rd.rows {
		ref := cellRef(tcValue, r.row)
		cellErr := func(code string, args ...string) {
			out.Errors = append(out.Errors, &TemplateError{Sheet: rd.sheet, Cell: ref, Code: code, Args: args})
		}
		c := cellAt(r.row, tcValue)
		if c.formula != "" {
			cellErr(TemplateErrFormula, truncateRunes(c.formula, 80))
			continue
		}
		// A percentage typed as "87%" is stored as 0.87 in a cell that
		// Excel then formats as a percentage.
		if r.input.Type == scoring.InputPercent && c.isNumber() && rd.pkg.isPercentStyle(c.style) {
			if n, ok := parseRawNumber(c.value); ok {
				// Rounded so that 0.07 gives 7, not 7.000000000000001.
				c.value = strconv.FormatFloat(roundTo(n*100, 10), 'f', -1, 64)
			}
		}
		v, code, args := parseCell(r.input, c)
		if code != "" {
			cellErr(code, args...)
			continue
		}
		// Three values meet: the one written to the template (base), the
		// one in the file and the current one. Only a file value that
		// differs from the base is the unit's change; a value changed on
		// the platform since the download is kept, not overwritten.
		cur := rd.in.Current[r.key]
		curText, newText := templateEcho(r.input, cur, rd.lang), CanonicalText(r.input, v)
		base, hasBase := rd.written[valueMetaKey(r.key)]
		if !hasBase {
			base = curText
		}
		if newText == base || newText == curText {
			continue
		}
		if r.readOnly {
			cellErr(TemplateErrReadOnly, displayValue(r.input, v, uiLang))
			continue
		}
		if curText != base {
			cellErr(TemplateErrConflict, displayValue(r.input, cur, uiLang), displayValue(r.input, v, uiLang))
			continue
		}
		out.Values[r.key] = v
		out.Texts[r.key] = newText
		out.Changes = append(out.Changes, TemplateChange{
			Key:       r.key,
			Cell:      rd.sheet + "!" + ref,
			Indicator: r.node.Name.In(uiLang),
			Input:     r.input.Label.In(uiLang),
			Old:       displayValue(r.input, cur, uiLang),
			New:       displayValue(r.input, v, uiLang),
		})
	}
	return out, nil
}

// parseCell parses the raw value of a value cell for an input. It returns
// the value, or an error code with its arguments.
func parseCell(input *scoring.Input, c sheetCell) (scoring.Value, string, []string) {
	isNum := c.isNumber()
	text := strings.TrimSpace(c.value)
	if text == "" {
		return scoring.Value{}, "", nil
	}
	quoted := truncateRunes(text, 80)
	switch input.Type {
	case scoring.InputBoolean:
		if c.typ == "b" {
			return scoring.Value{Set: true, Num: boolNum(text == "1" || strings.EqualFold(text, "true"))}, "", nil
		}
		b, ok := parseBoolText(text)
		if !ok {
			return scoring.Value{}, TemplateErrNotBoolean, []string{quoted}
		}
		return scoring.Value{Set: true, Num: boolNum(b)}, "", nil

	case scoring.InputCount, scoring.InputNumber, scoring.InputPercent:
		var n float64
		var ok bool
		if isNum {
			n, ok = parseRawNumber(text)
		} else {
			n, ok = parseNumberText(text)
		}
		if !ok {
			return scoring.Value{}, TemplateErrNotNumber, []string{quoted}
		}
		lo, hi := limits(input)
		if input.Type == scoring.InputCount && n != math.Trunc(n) {
			return scoring.Value{}, TemplateErrNotWhole, []string{quoted}
		}
		if lo != nil && n < *lo {
			return scoring.Value{}, TemplateErrBelowMin, []string{formatNumber(n, LangEN), formatNumber(*lo, LangEN)}
		}
		if hi != nil && n > *hi {
			return scoring.Value{}, TemplateErrAboveMax, []string{formatNumber(n, LangEN), formatNumber(*hi, LangEN)}
		}
		return scoring.Value{Set: true, Num: n}, "", nil

	case scoring.InputChoice:
		code, ok := matchOption(input, text)
		if !ok {
			return scoring.Value{}, TemplateErrUnknownOption, []string{quoted}
		}
		return scoring.Value{Set: true, Text: code}, "", nil

	case scoring.InputMultiChoice:
		canon, bad, ok := parseMultiChoice(input, text)
		if !ok {
			return scoring.Value{}, TemplateErrUnknownOption, []string{truncateRunes(bad, 80)}
		}
		if canon == "" {
			return scoring.Value{}, "", nil
		}
		return scoring.Value{Set: true, Text: canon}, "", nil

	case scoring.InputDate:
		if isNum {
			if serial, ok := parseRawNumber(text); ok && serial >= 1 && serial < 2958466 {
				t, err := excelize.ExcelDateToTime(math.Floor(serial), false)
				if err == nil {
					return scoring.Value{Set: true, Text: t.Format("2006-01-02")}, "", nil
				}
			}
		}
		d, ok := parseDateText(text)
		if !ok {
			return scoring.Value{}, TemplateErrNotDate, []string{quoted}
		}
		return scoring.Value{Set: true, Text: d}, "", nil

	case scoring.InputURL:
		if !validURL(text) {
			return scoring.Value{}, TemplateErrNotURL, []string{quoted}
		}
		if len([]rune(text)) > templateTextMax {
			return scoring.Value{}, TemplateErrTooLong, []string{strconv.Itoa(templateTextMax)}
		}
		return scoring.Value{Set: true, Text: text}, "", nil
	}
	// Text (and any type added later): kept as typed, trimmed.
	if len([]rune(text)) > templateTextMax {
		return scoring.Value{}, TemplateErrTooLong, []string{strconv.Itoa(templateTextMax)}
	}
	return scoring.Value{Set: true, Text: cellText(text)}, "", nil
}

// parseRawNumber parses the raw value of a numeric cell.
func parseRawNumber(s string) (float64, bool) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}

func boolNum(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
