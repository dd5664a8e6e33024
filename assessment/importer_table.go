package assessment

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// This file reads the tables bulk imports take: CSV (UTF-8, a BOM
// tolerated) and Excel workbooks (.xlsx, the first sheet). Uploaded files
// are untrusted: their size, rows and columns are capped, Excel files are
// opened with unzip limits, and formula cells are refused (a value must be
// typed, not computed by a workbook the platform cannot check).

// Import limits.
const (
	MaxImportBytes = 10 << 20 // the largest file accepted
	MaxImportRows  = 20000    // data rows, header excluded
	MaxImportCols  = 300

	// Unzip limits for Excel files: a 10 MiB upload may not expand beyond
	// these (zip bombs).
	maxUnzipSize    = 100 << 20
	maxUnzipXMLSize = 32 << 20
)

// Table is a sheet of text cells read from a CSV or Excel file: a header
// row and data rows.
type Table struct {
	Header []string
	// HeaderLine is the line (CSV) or row (Excel) of the header.
	HeaderLine int
	Rows       []TableRow
	// Excel is true for workbooks: cells are named like C7 in messages.
	Excel bool
	// Sheet is the name of the sheet read (Excel).
	Sheet string
}

// TableRow is one data row with its line (CSV) or row number (Excel).
type TableRow struct {
	Line  int
	Cells []string
}

// Cell returns the text of column col of row r ("" beyond its end).
func (r TableRow) Cell(col int) string {
	if col < 0 || col >= len(r.Cells) {
		return ""
	}
	return r.Cells[col]
}

// Ref names a cell for messages: "C7" in a workbook, "" in a CSV file
// (whose messages give the line and column name).
func (t *Table) Ref(line, col int) string {
	if !t.Excel || col < 0 {
		return ""
	}
	name, err := excelize.CoordinatesToCellName(col+1, line)
	if err != nil {
		return ""
	}
	return name
}

// ReadTable reads a CSV or Excel table from r. name (the uploaded file
// name) only helps the message when the content is not what the name
// says; the content decides: a zip is read as a workbook, an old binary
// .xls or an encrypted workbook is refused, anything else is read as
// UTF-8 CSV. Errors are *Error or *ValidationError (a field per formula
// cell), all matching ErrInvalid.
func ReadTable(name string, r io.Reader) (*Table, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxImportBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(data) > MaxImportBytes {
		return nil, ruleError(ErrInvalid, "import.too_large", MaxImportBytes>>20)
	}
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return readXLSX(data)
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return nil, ruleError(ErrInvalid, "import.xls")
	case strings.HasSuffix(strings.ToLower(name), ".xlsx"):
		return nil, ruleError(ErrInvalid, "import.not_xlsx")
	}
	return readCSV(data)
}

func readCSV(data []byte) (*Table, error) {
	// Excel's "Unicode text" export is UTF-16 with a byte-order mark.
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		var ok bool
		if data, ok = fromUTF16(data); !ok {
			return nil, ruleError(ErrInvalid, "import.utf8", 1)
		}
	}
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if !utf8.Valid(data) {
		line := 1 + bytes.Count(data[:firstInvalidUTF8(data)], []byte("\n"))
		return nil, ruleError(ErrInvalid, "import.utf8", line)
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	// A semicolon-separated file (Excel's CSV with a Vietnamese locale) or
	// a tab-separated one (copied from a spreadsheet) is recognised by its
	// header line.
	first, _, _ := bytes.Cut(data, []byte("\n"))
	commas, semis, tabs := bytes.Count(first, []byte(",")), bytes.Count(first, []byte(";")), bytes.Count(first, []byte("\t"))
	switch {
	case tabs > commas && tabs > semis:
		cr.Comma = '\t'
	case semis > commas:
		cr.Comma = ';'
	}
	t := &Table{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, ruleError(ErrInvalid, "import.csv", pe.Line, pe.Err.Error())
			}
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		if len(rec) > MaxImportCols {
			return nil, ruleError(ErrInvalid, "import.too_many_cols", MaxImportCols)
		}
		if t.Header == nil {
			t.Header, t.HeaderLine = trimAll(rec), line
			continue
		}
		if blank(rec) {
			continue
		}
		if len(t.Rows) == MaxImportRows {
			return nil, ruleError(ErrInvalid, "import.too_many_rows", MaxImportRows)
		}
		t.Rows = append(t.Rows, TableRow{Line: line, Cells: rec})
	}
	if blank(t.Header) {
		return nil, ruleError(ErrInvalid, "import.empty")
	}
	return t, nil
}

// fromUTF16 decodes UTF-16 text that starts with a byte-order mark into
// UTF-8 (without the mark); ok is false for an odd length or unpaired
// surrogates.
func fromUTF16(data []byte) (out []byte, ok bool) {
	if len(data)%2 != 0 {
		return nil, false
	}
	big := data[0] == 0xFE
	units := make([]uint16, 0, len(data)/2-1)
	for i := 2; i < len(data); i += 2 {
		if big {
			units = append(units, uint16(data[i])<<8|uint16(data[i+1]))
		} else {
			units = append(units, uint16(data[i+1])<<8|uint16(data[i]))
		}
	}
	runes := utf16.Decode(units)
	for _, r := range runes {
		if r == utf8.RuneError {
			return nil, false
		}
	}
	return []byte(string(runes)), true
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

func readXLSX(data []byte) (*Table, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit:    maxUnzipSize,
		UnzipXMLSizeLimit: maxUnzipXMLSize,
		RawCellValue:      true,
	})
	if err != nil {
		if strings.Contains(err.Error(), "unzip size") || strings.Contains(err.Error(), "size limit") {
			return nil, ruleError(ErrInvalid, "import.too_large", MaxImportBytes>>20)
		}
		return nil, ruleError(ErrInvalid, "import.not_xlsx")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, ruleError(ErrInvalid, "import.empty")
	}
	t := &Table{Excel: true, Sheet: sheets[0]}
	rows, err := f.Rows(t.Sheet)
	if err != nil {
		return nil, ruleError(ErrInvalid, "import.not_xlsx")
	}
	defer rows.Close()
	// Next advances one row number at a time, also over rows the file
	// does not store, so counting calls gives the sheet's row numbers.
	line := 0
	for rows.Next() {
		line++
		rec, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, ruleError(ErrInvalid, "import.not_xlsx")
		}
		if len(rec) > MaxImportCols {
			return nil, ruleError(ErrInvalid, "import.too_many_cols", MaxImportCols)
		}
		if t.Header == nil {
			if blank(rec) {
				continue // leading empty rows before the header
			}
			t.Header, t.HeaderLine = trimAll(rec), line
			continue
		}
		if blank(rec) {
			continue
		}
		if len(t.Rows) == MaxImportRows {
			return nil, ruleError(ErrInvalid, "import.too_many_rows", MaxImportRows)
		}
		t.Rows = append(t.Rows, TableRow{Line: line, Cells: rec})
	}
	if err := rows.Error(); err != nil {
		return nil, ruleError(ErrInvalid, "import.not_xlsx")
	}
	if t.Header == nil {
		return nil, ruleError(ErrInvalid, "import.empty")
	}
	// Refuse formula cells, naming each (at most 20).
	v := &ValidationError{}
	check := func(line, cols int) {
		for c := 0; c < cols && len(v.Fields) < 20; c++ {
			ref := t.Ref(line, c)
			if fml, err := f.GetCellFormula(t.Sheet, ref); err == nil && fml != "" {
				e := ruleError(ErrInvalid, "import.formula", ref)
				v.Add(ref, e.VI, e.EN)
			}
		}
	}
	width := len(t.Header)
	for _, r := range t.Rows {
		check(r.Line, max(width, len(r.Cells)))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return t, nil
}

func trimAll(rec []string) []string {
	out := make([]string, len(rec))
	for i, s := range rec {
		out[i] = strings.TrimSpace(s)
	}
	return out
}

func blank(rec []string) bool {
	for _, s := range rec {
		if strings.TrimSpace(s) != "" {
			return false
		}
	}
	return true
}
