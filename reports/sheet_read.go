package reports

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
)

// This file gives other packages the bounded reader of xlsx_read.go as a
// plain function: the first sheet of an uploaded workbook as rows of text,
// for the bulk imports of units, users and values. Its signature uses only
// standard types, so the assessment package can take it as a value
// (assessment.SheetReader) without importing reports.

// Codes of the errors of ReadSheetRows (SheetError.Code).
const (
	SheetErrTooLarge     = "too_large"      // the file, its unzipped size or one of its parts is over a limit
	SheetErrNotWorkbook  = "not_workbook"   // not a readable .xlsx workbook
	SheetErrTooManyRows  = "too_many_rows"  // a value lies below the last row read; Cells names it
	SheetErrTooManyCols  = "too_many_cols"  // a value lies right of the last column read; Cells names it
	SheetErrTooManyCells = "too_many_cells" // the rows read would hold more cells than SheetLimits.MaxCells
	SheetErrFormula      = "formula"        // Cells names the formula cells (at most MaxFormulaCells)
)

// MaxFormulaCells is the most formula cells a SheetError names.
const MaxFormulaCells = 20

// SheetError is why ReadSheetRows refuses a workbook.
type SheetError struct {
	// Code is one of the SheetErr* constants.
	Code string
	// Cells are the cells concerned, like "C7": the formula cells, or the
	// first value past a row or column limit.
	Cells []string
	// Limit is the limit passed: bytes, rows, columns or cells.
	Limit int64
	// Detail says why a file is not a workbook (SheetErrNotWorkbook).
	Detail string
}

// Error returns the problem in English.
func (e *SheetError) Error() string {
	switch e.Code {
	case SheetErrTooLarge:
		if e.Detail != "" {
			return "sheet: the workbook is too large: " + e.Detail
		}
		return fmt.Sprintf("sheet: the file is larger than %d bytes", e.Limit)
	case SheetErrNotWorkbook:
		return "sheet: not a readable .xlsx workbook: " + e.Detail
	case SheetErrTooManyRows:
		return fmt.Sprintf("sheet: cell %s lies below row %d", strings.Join(e.Cells, ", "), e.Limit)
	case SheetErrTooManyCols:
		return fmt.Sprintf("sheet: cell %s lies right of column %d", strings.Join(e.Cells, ", "), e.Limit)
	case SheetErrTooManyCells:
		return fmt.Sprintf("sheet: the rows hold more than %d cells", e.Limit)
	case SheetErrFormula:
		return "sheet: formula cells " + strings.Join(e.Cells, ", ")
	}
	return "sheet: " + e.Code
}

// SheetProblem returns Code and Cells. It lets a package that takes
// ReadSheetRows as a function value (assessment.ReadTable) tell the
// problems apart without importing this package.
func (e *SheetError) SheetProblem() (code string, cells []string) { return e.Code, e.Cells }

// SheetLimits bound ReadSheetRows beyond the rows and columns its caller
// asks for. A zero field takes its value from DefaultSheetLimits.
type SheetLimits struct {
	// MaxFileBytes caps the upload.
	MaxFileBytes int64
	// MaxUnzipBytes caps the declared unzipped size of all parts.
	MaxUnzipBytes int64
	// MaxPartBytes caps each part read (the sheet, the shared strings),
	// whatever its header declares.
	MaxPartBytes int64
	// MaxCells caps the cells kept: the sum over rows of the column of
	// each row's last value. Rows are kept dense, so a few values far to
	// the right in many rows would otherwise cost rows × columns strings.
	MaxCells int
}

// DefaultSheetLimits are the limits of ReadSheetRows: a 10 MiB upload
// may unzip to 100 MiB, with at most 32 MiB per part, and keep 2 million
// cells (about 32 MB of string headers).
var DefaultSheetLimits = SheetLimits{
	MaxFileBytes:  10 << 20,
	MaxUnzipBytes: 100 << 20,
	MaxPartBytes:  32 << 20,
	MaxCells:      2_000_000,
}

// ReadSheetRows reads the first sheet of an untrusted .xlsx workbook of
// size bytes from r with DefaultSheetLimits. See SheetLimits.ReadSheetRows.
func ReadSheetRows(r io.Reader, size int64, maxRows, maxCols int) (sheet string, rows [][]string, err error) {
	return DefaultSheetLimits.ReadSheetRows(r, size, maxRows, maxCols)
}

// ReadSheetRows reads the first sheet (in workbook order) of an untrusted
// .xlsx workbook of size bytes from r and returns its name and its rows:
// rows[i] holds the cells of sheet row i+1 up to the row's last value
// ("" for empty cells, nil for a row without values); trailing empty rows
// are left out. Cells are the text Excel stores: shared and inline strings
// as written, numbers as stored (a date is its serial number, like 45749,
// a percentage its fraction, like 0.875), booleans as 1 or 0, error values
// like #N/A.
//
// Only rows 1..maxRows and columns 1..maxCols are read; a value past them
// is refused (SheetErrTooManyRows, SheetErrTooManyCols naming its cell),
// while empty cells anywhere are ignored. Nothing past the limits is kept,
// so a small file with values in far columns or rows allocates little.
// Formula cells are refused, naming each (SheetErrFormula): an import
// wants typed values, not results computed by a workbook nobody checks.
// Every refusal of the file is a *SheetError; reading r may fail with its
// own error.
func (l SheetLimits) ReadSheetRows(r io.Reader, size int64, maxRows, maxCols int) (sheet string, rows [][]string, err error) {
	def := DefaultSheetLimits
	if l.MaxFileBytes <= 0 {
		l.MaxFileBytes = def.MaxFileBytes
	}
	if l.MaxUnzipBytes <= 0 {
		l.MaxUnzipBytes = def.MaxUnzipBytes
	}
	if l.MaxPartBytes <= 0 {
		l.MaxPartBytes = def.MaxPartBytes
	}
	if l.MaxCells <= 0 {
		l.MaxCells = def.MaxCells
	}
	if maxRows <= 0 || maxCols <= 0 {
		return "", nil, fmt.Errorf("reports: read sheet: maxRows %d and maxCols %d must be positive", maxRows, maxCols)
	}
	tooLarge := &SheetError{Code: SheetErrTooLarge, Limit: l.MaxFileBytes}
	if size > l.MaxFileBytes {
		return "", nil, tooLarge
	}
	data, err := readAtMost(r, size, l.MaxFileBytes)
	if err != nil {
		return "", nil, fmt.Errorf("reports: read sheet: %w", err)
	}
	if int64(len(data)) > l.MaxFileBytes {
		return "", nil, tooLarge
	}
	if !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return "", nil, &SheetError{Code: SheetErrNotWorkbook, Detail: "not a zip archive"}
	}
	pkg, err := openXLSXPackage(data, l.MaxUnzipBytes, min(l.MaxPartBytes, l.MaxUnzipBytes))
	if err != nil {
		return "", nil, packageError(err)
	}
	sheet = pkg.sheetOrder[0]
	var (
		formulas []string
		cells    int // cells kept, padding included
	)
	err = pkg.scanSheet(sheet, sheetBounds{rows: maxRows, cols: maxCols, sparse: true}, func(row, col int, c sheetCell) error {
		if c.formula != "" {
			if len(formulas) < MaxFormulaCells {
				formulas = append(formulas, cellRef(col, row))
			}
			return nil
		}
		if len(formulas) > 0 {
			return nil // the sheet is refused: keep nothing more
		}
		for len(rows) < row {
			rows = append(rows, nil)
		}
		cur := rows[row-1]
		if grow := col - len(cur); grow > 0 {
			if cells += grow; cells > l.MaxCells {
				return &SheetError{Code: SheetErrTooManyCells, Limit: int64(l.MaxCells)}
			}
			cur = append(cur, make([]string, grow)...)
		}
		cur[col-1] = c.value
		rows[row-1] = cur
		return nil
	})
	var (
		se *SheetError
		oe *outsideError
	)
	switch {
	case errors.As(err, &se):
		return "", nil, se
	case errors.As(err, &oe) && errors.Is(err, errTooManyRows):
		return "", nil, &SheetError{Code: SheetErrTooManyRows, Cells: []string{oe.ref}, Limit: int64(maxRows)}
	case errors.As(err, &oe):
		return "", nil, &SheetError{Code: SheetErrTooManyCols, Cells: []string{oe.ref}, Limit: int64(maxCols)}
	case err != nil:
		return "", nil, packageError(err)
	case len(formulas) > 0:
		return "", nil, &SheetError{Code: SheetErrFormula, Cells: formulas}
	}
	return sheet, rows, nil
}

// packageError turns an error of the bounded reader into a *SheetError.
func packageError(err error) *SheetError {
	if errors.Is(err, errTooLarge) {
		return &SheetError{Code: SheetErrTooLarge, Detail: err.Error()}
	}
	return &SheetError{Code: SheetErrNotWorkbook, Detail: err.Error()}
}
