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
// are untrusted: their size, rows and columns are capped, and formula
// cells are refused (a value must be typed, not computed by a workbook the
// platform cannot check). Workbooks are read by an injected SheetReader,
// the bounded reader of the reports package, which this package may not
// import: it keeps only the cells asked for, unlike excelize, which fills
// every gap of a sparse sheet (a 17 KB file with a value in column XFD of
// 1,000 rows made it allocate over 1 GB).

// Import limits.
const (
	MaxImportBytes = 10 << 20 // the largest file accepted
	MaxImportRows  = 20000    // data rows, header excluded
	MaxImportCols  = 300
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
// says; the content decides: a zip is read as a workbook with xlsx (the
// platform passes reports.ReadSheetRows), an old binary .xls or an
// encrypted workbook is refused, anything else is read as UTF-8 CSV.
// Errors of the file are *Error or *ValidationError (a field per formula
// cell), all matching ErrInvalid; a workbook without xlsx gives
// ErrNoSheetReader.
func ReadTable(name string, r io.Reader, xlsx SheetReader) (*Table, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxImportBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(data) > MaxImportBytes {
		return nil, ruleError(ErrInvalid, "import.too_large", MaxImportBytes>>20)
	}
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return readXLSX(data, xlsx)
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

// SheetReader reads the first sheet of an untrusted .xlsx workbook of size
// bytes from r, reading only rows 1..maxRows and columns 1..maxCols. It
// returns the sheet's name and its rows: rows[i] holds the cells of sheet
// row i+1 as the text Excel stores (numbers as stored, so a date is its
// serial number; shared and inline strings as written; "" for empty
// cells). It must allocate in proportion to what it keeps, not to the
// sheet's extent, and refuse formula cells.
//
// A refusal of the file should be an error with a method
//
//	SheetProblem() (code string, cells []string)
//
// whose code is "too_large", "not_workbook", "too_many_rows",
// "too_many_cols", "too_many_cells" or "formula" (cells naming the formula
// cells, like "C7"): ReadTable turns it into the matching message. The
// platform's reader is reports.ReadSheetRows.
type SheetReader func(r io.Reader, size int64, maxRows, maxCols int) (sheet string, rows [][]string, err error)

// ErrNoSheetReader is returned by ReadTable for a workbook when it was
// given no SheetReader: a wiring mistake, not a problem of the file.
var ErrNoSheetReader = errors.New("assessment: Excel files need a sheet reader")

// maxSheetRows is the last sheet row a workbook's values may lie in: room
// for the header, title rows above it and blank rows between data rows
// (ReadTable counts data rows against MaxImportRows itself).
const maxSheetRows = MaxImportRows + 1000

// sheetProblem is the shape of a SheetReader's refusals (see SheetReader).
type sheetProblem interface {
	SheetProblem() (code string, cells []string)
}

func readXLSX(data []byte, read SheetReader) (*Table, error) {
	if read == nil {
		return nil, ErrNoSheetReader
	}
	sheet, rows, err := read(bytes.NewReader(data), int64(len(data)), maxSheetRows, MaxImportCols)
	if err != nil {
		return nil, sheetError(err)
	}
	t := &Table{Excel: true, Sheet: sheet}
	for i, rec := range rows {
		line := i + 1
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
	if t.Header == nil {
		return nil, ruleError(ErrInvalid, "import.empty")
	}
	return t, nil
}

// sheetError turns a SheetReader's error into the import's message. Formula
// cells become a *ValidationError with a field per cell.
func sheetError(err error) error {
	var sp sheetProblem
	if !errors.As(err, &sp) {
		return ruleError(ErrInvalid, "import.not_xlsx")
	}
	code, cells := sp.SheetProblem()
	switch code {
	case "too_large":
		return ruleError(ErrInvalid, "import.too_large", MaxImportBytes>>20)
	case "too_many_rows":
		return ruleError(ErrInvalid, "import.too_many_rows", MaxImportRows)
	case "too_many_cols":
		if len(cells) > 0 {
			return ruleError(ErrInvalid, "import.too_many_cols_at", MaxImportCols, cells[0])
		}
		return ruleError(ErrInvalid, "import.too_many_cols", MaxImportCols)
	case "too_many_cells":
		return ruleError(ErrInvalid, "import.too_many_cells")
	case "formula":
		v := &ValidationError{}
		for _, ref := range cells {
			e := ruleError(ErrInvalid, "import.formula", ref)
			v.Add(ref, e.VI, e.EN)
		}
		if err := v.Err(); err != nil {
			return err
		}
	}
	return ruleError(ErrInvalid, "import.not_xlsx")
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
