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
// returns the preview of the import: every changed value against
// in.Current, every valid value, and every problem with its sheet and cell.
//
// The read is bounded: the file size, its unzipped size and the rows read
// are capped (in.Limits, defaulting to DefaultTemplateLimits). A file that
// cannot be used at all (too large, not a workbook, not a template, a
// template of another unit, period or index version, a changed layout)
// gives a nil preview and a *TemplateError. Problems of single cells
// (wrong types, limits, unknown options, formulas, changed read-only
// values) are listed in the preview's Errors; the caller applies the
// values only when there is none.
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
	data, err := io.ReadAll(io.LimitReader(r, lim.MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reports: template import: %w", err)
	}
	if int64(len(data)) > lim.MaxFileBytes {
		return nil, tooLarge
	}
	if !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return nil, &TemplateError{Code: TemplateErrNotWorkbook, Args: []string{"not a zip archive"}}
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit:    lim.MaxUnzipBytes,
		UnzipXMLSizeLimit: min(lim.MaxUnzipXMLBytes, lim.MaxUnzipBytes),
	})
	if err != nil {
		return nil, &TemplateError{Code: TemplateErrNotWorkbook, Args: []string{err.Error()}}
	}
	defer f.Close()

	rd := &templateReader{f: f, in: &in, lim: lim}
	if err := rd.checkMeta(); err != nil {
		return nil, err
	}
	return rd.readValues()
}

// templateReader holds the state of one ReadTemplate call.
type templateReader struct {
	f     *excelize.File
	in    *TemplateInput
	lim   TemplateLimits
	rows  []templateRow
	sheet string
	lang  string
}

// readSheet reads at most maxRows rows of a sheet with raw cell values,
// stopping with TemplateErrTooManyRows past the cap.
func (rd *templateReader) readSheet(sheet string, maxRows, maxCols int) ([][]string, error) {
	it, err := rd.f.Rows(sheet)
	if err != nil {
		return nil, &TemplateError{Sheet: sheet, Code: TemplateErrMissingSheet, Args: []string{sheet}}
	}
	defer it.Close()
	var out [][]string
	for it.Next() {
		if len(out) >= maxRows {
			return nil, &TemplateError{Sheet: sheet, Code: TemplateErrTooManyRows, Args: []string{strconv.Itoa(maxRows)}}
		}
		cols, err := it.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, &TemplateError{Sheet: sheet, Code: TemplateErrNotWorkbook, Args: []string{err.Error()}}
		}
		if len(cols) > maxCols {
			cols = cols[:maxCols]
		}
		out = append(out, cols)
	}
	if err := it.Error(); err != nil {
		return nil, &TemplateError{Sheet: sheet, Code: TemplateErrNotWorkbook, Args: []string{err.Error()}}
	}
	return out, nil
}

// checkMeta reads the hidden metadata sheet and refuses a template made for
// another unit, period, index version or layout.
func (rd *templateReader) checkMeta() error {
	if idx, _ := rd.f.GetSheetIndex(templateMetaSheet); idx < 0 {
		return &TemplateError{Code: TemplateErrNotTemplate}
	}
	raw, err := rd.readSheet(templateMetaSheet, 50, 2)
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
			meta[r[0]] = r[1]
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
	rd.rows = templateLayout(in)
	if meta["layout"] != layoutDigest(rd.rows) || meta["rows"] != strconv.Itoa(len(rd.rows)) {
		return &TemplateError{Code: TemplateErrLayout}
	}
	rd.lang = normLang(meta["lang"])
	rd.sheet = meta["sheet"]
	// The input sheet must be one of the names WriteTemplate uses.
	if rd.sheet != sheetTemplate.vi && rd.sheet != sheetTemplate.en {
		return &TemplateError{Code: TemplateErrLayout}
	}
	if idx, _ := rd.f.GetSheetIndex(rd.sheet); idx < 0 {
		return &TemplateError{Sheet: rd.sheet, Code: TemplateErrMissingSheet, Args: []string{rd.sheet}}
	}
	return nil
}

// readValues reads and checks every value cell.
func (rd *templateReader) readValues() (*TemplateImport, error) {
	grid, err := rd.readSheet(rd.sheet, rd.lim.MaxRows, tcLast)
	if err != nil {
		return nil, err
	}
	at := func(row, col int) string {
		if row-1 < len(grid) && col-1 < len(grid[row-1]) {
			return grid[row-1][col-1]
		}
		return ""
	}
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
	uiLang := normLang(rd.in.Lang)
	for _, r := range rd.rows {
		ref := cellRef(tcValue, r.row)
		cellErr := func(code string, args ...string) {
			out.Errors = append(out.Errors, &TemplateError{Sheet: rd.sheet, Cell: ref, Code: code, Args: args})
		}
		if formula, _ := rd.f.GetCellFormula(rd.sheet, ref); formula != "" {
			cellErr(TemplateErrFormula, formula)
			continue
		}
		typ, _ := rd.f.GetCellType(rd.sheet, ref)
		v, code, args := parseCell(r.input, at(r.row, tcValue), typ)
		if code != "" {
			cellErr(code, args...)
			continue
		}
		cur := rd.in.Current[r.key]
		oldText, newText := CanonicalText(r.input, cur), CanonicalText(r.input, v)
		if r.readOnly {
			if newText != oldText {
				cellErr(TemplateErrReadOnly, displayValue(r.input, v, uiLang))
			}
			continue
		}
		out.Values[r.key] = v
		out.Texts[r.key] = newText
		if newText != oldText {
			out.Changes = append(out.Changes, TemplateChange{
				Key:       r.key,
				Cell:      rd.sheet + "!" + ref,
				Indicator: r.node.Name.In(uiLang),
				Input:     r.input.Label.In(uiLang),
				Old:       displayValue(r.input, cur, uiLang),
				New:       displayValue(r.input, v, uiLang),
			})
		}
	}
	return out, nil
}

// parseCell parses the raw value of a value cell for an input. It returns
// the value, or an error code with its arguments.
func parseCell(input *scoring.Input, raw string, typ excelize.CellType) (scoring.Value, string, []string) {
	isNum := typ == excelize.CellTypeNumber || typ == excelize.CellTypeUnset || typ == excelize.CellTypeDate
	text := strings.TrimSpace(raw)
	if text == "" {
		return scoring.Value{}, "", nil
	}
	quoted := truncateRunes(text, 80)
	switch input.Type {
	case scoring.InputBoolean:
		if typ == excelize.CellTypeBool {
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
