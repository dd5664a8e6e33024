package reports

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
)

// This file reads cells of an untrusted .xlsx file with hard bounds. It is
// used instead of excelize for uploads: excelize fills every gap of a sparse
// sheet when it loads one (a 12 KB file with a few cells in column XFD made
// it allocate over 1 GB), while this reader keeps only the cells asked for
// and refuses rows past a cap.

// errTooManyRows is returned by readSheetCells when a row lies past the cap.
var errTooManyRows = errors.New("too many rows")

// errTooLarge is wrapped by the errors of a workbook whose unzipped size or
// one of whose parts is over its limit.
var errTooLarge = errors.New("workbook too large")

// sheetCell is one cell as stored in a worksheet.
type sheetCell struct {
	// typ is the cell's t attribute: "" or "n" (number), "s" (shared
	// string), "inlineStr", "str" (formula text), "b" (boolean), "e"
	// (error), "d" (ISO date).
	typ string
	// value is the cell's text: shared strings looked up, inline rich text
	// joined, numbers as stored.
	value   string
	formula string
	// style is the cell's style index (the s attribute; 0, the default
	// style, when absent).
	style int
}

// isNumber reports whether the cell holds a number (or an Excel date,
// which is a number with a date format).
func (c sheetCell) isNumber() bool { return c.typ == "" || c.typ == "n" }

// xlsxPackage is an untrusted workbook opened for bounded reading.
type xlsxPackage struct {
	files   map[string]*zip.File
	maxPart int64
	// sheets maps sheet names to their part names, in workbook order.
	sheets     map[string]string
	sheetOrder []string
	shared     []string
	sharedRead bool
	sharedPart string
	stylesPart string
	// percentStyles[i] reports whether cell style i shows numbers as a
	// percentage; loaded on first use.
	percentStyles []bool
	stylesRead    bool
}

// openXLSXPackage opens data as a workbook: a zip whose declared unzipped
// size is at most maxTotal, with a workbook part listing its sheets. No part
// larger than maxPart is ever read.
func openXLSXPackage(data []byte, maxTotal, maxPart int64) (*xlsxPackage, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("not a zip archive: %w", err)
	}
	p := &xlsxPackage{files: map[string]*zip.File{}, maxPart: maxPart, sheets: map[string]string{}}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > uint64(maxTotal) {
			return nil, fmt.Errorf("%w: unzipped size exceeds %d bytes", errTooLarge, maxTotal)
		}
		p.files[strings.TrimPrefix(f.Name, "/")] = f
	}
	rels, err := p.relationships("xl/_rels/workbook.xml.rels", "xl")
	if err != nil {
		return nil, err
	}
	wb, err := p.readPart("xl/workbook.xml")
	if err != nil {
		return nil, err
	}
	// The relationship id attribute is matched by its local name: strict
	// OOXML files use another namespace for it than transitional ones.
	d := newXMLReader(wb)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("workbook part: %w", err)
		}
		if t, ok := tok.(xml.StartElement); ok && t.Name.Local == "sheet" {
			name := attr(t, "name")
			if target, ok := rels[attr(t, "id")]; ok && name != "" {
				p.sheets[name] = target.path
				p.sheetOrder = append(p.sheetOrder, name)
			}
		}
	}
	for _, r := range rels {
		if strings.HasSuffix(r.typ, "/sharedStrings") {
			p.sharedPart = r.path
		}
		if strings.HasSuffix(r.typ, "/styles") {
			p.stylesPart = r.path
		}
	}
	if len(p.sheets) == 0 {
		return nil, errors.New("the workbook has no worksheet")
	}
	return p, nil
}

// rel is one relationship target.
type rel struct{ typ, path string }

// relationships reads a relationships part; targets are resolved against
// dir.
func (p *xlsxPackage) relationships(name, dir string) (map[string]rel, error) {
	data, err := p.readPart(name)
	if err != nil {
		return nil, err
	}
	if err := checkXMLDepth(data); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var doc struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	out := map[string]rel{}
	for _, r := range doc.Rels {
		target := r.Target
		if strings.HasPrefix(target, "/") {
			target = strings.TrimPrefix(target, "/")
		} else {
			target = path.Join(dir, target)
		}
		out[r.ID] = rel{typ: r.Type, path: target}
	}
	return out, nil
}

// readPart reads one part, refusing parts larger than maxPart whatever
// their header declares.
func (p *xlsxPackage) readPart(name string) ([]byte, error) {
	f, ok := p.files[name]
	if !ok {
		return nil, fmt.Errorf("part %s is missing", name)
	}
	if f.UncompressedSize64 > uint64(p.maxPart) {
		return nil, fmt.Errorf("%w: part %s exceeds %d bytes", errTooLarge, name, p.maxPart)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("part %s: %w", name, err)
	}
	defer rc.Close()
	data, err := readAtMost(rc, int64(f.UncompressedSize64), p.maxPart)
	if err != nil {
		return nil, fmt.Errorf("part %s: %w", name, err)
	}
	if int64(len(data)) > p.maxPart {
		return nil, fmt.Errorf("%w: part %s exceeds %d bytes", errTooLarge, name, p.maxPart)
	}
	return data, nil
}

// readAtMost reads r to its end or to max+1 bytes, whichever comes first,
// into a buffer sized for hint bytes when hint is within max (the size a
// caller or a zip header declares), so a large part is not copied while
// its buffer doubles.
func readAtMost(r io.Reader, hint, max int64) ([]byte, error) {
	var buf bytes.Buffer
	if hint > 0 && hint <= max {
		buf.Grow(int(hint) + bytes.MinRead)
	}
	_, err := buf.ReadFrom(io.LimitReader(r, max+1))
	return buf.Bytes(), err
}

// hasSheet reports whether the workbook has a sheet of that name.
func (p *xlsxPackage) hasSheet(name string) bool {
	_, ok := p.sheets[name]
	return ok
}

// sharedStrings loads the shared string table once.
func (p *xlsxPackage) sharedStrings() ([]string, error) {
	if p.sharedRead {
		return p.shared, nil
	}
	p.sharedRead = true
	if p.sharedPart == "" {
		return nil, nil
	}
	data, err := p.readPart(p.sharedPart)
	if err != nil {
		return nil, err
	}
	d := newXMLReader(data)
	var (
		cur  strings.Builder
		inSI bool
		inT  bool
		skip int // inside phonetic runs (<rPh>), whose text is not shown
	)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("shared strings: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch {
			case t.Name.Local == "si":
				inSI, skip = true, 0
				cur.Reset()
			case inSI && t.Name.Local == "rPh":
				skip++
			case inSI && t.Name.Local == "t" && skip == 0:
				inT = true
			}
		case xml.EndElement:
			switch {
			case t.Name.Local == "si":
				p.shared = append(p.shared, cur.String())
				inSI = false
			case t.Name.Local == "rPh" && skip > 0:
				skip--
			case t.Name.Local == "t":
				inT = false
			}
		case xml.CharData:
			if inT {
				cur.Write(t)
			}
		}
	}
	return p.shared, nil
}

// readSheetCells reads the cells of columns 1..maxCols of rows 1..maxRows
// of a sheet: out[row-1][col-1]. A row numbered past maxRows gives
// errTooManyRows; cells of later columns are skipped without being kept.
func (p *xlsxPackage) readSheetCells(sheet string, maxRows, maxCols int) ([][]sheetCell, error) {
	var out [][]sheetCell
	err := p.scanSheet(sheet, sheetBounds{rows: maxRows, cols: maxCols}, func(row, col int, c sheetCell) error {
		for len(out) < row {
			out = append(out, nil)
		}
		cells := out[row-1]
		for len(cells) < col {
			cells = append(cells, sheetCell{})
		}
		cells[col-1] = c
		out[row-1] = cells
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// sheetBounds says which cells scanSheet passes on.
type sheetBounds struct {
	rows, cols int
	// sparse passes on only cells that hold a value or a formula, and
	// refuses such a cell past the bounds with an *outsideError, while
	// empty cells anywhere are skipped. Without it a row numbered past rows
	// gives errTooManyRows, and cells of later columns are skipped.
	sparse bool
}

// errTooManyCols is the error of an *outsideError for a cell past the
// last column read.
var errTooManyCols = errors.New("too many columns")

// outsideError is a cell with a value past the bounds of a sparse scan;
// it wraps errTooManyRows or errTooManyCols.
type outsideError struct {
	err error
	ref string // e.g. "XFD1"
}

func (e *outsideError) Error() string { return "cell " + e.ref + ": " + e.err.Error() }
func (e *outsideError) Unwrap() error { return e.err }

// scanSheet reads a sheet and calls emit for each cell within b, in the
// order the part stores them (rows and columns numbered from 1). Only the
// text of the cells passed on is kept.
func (p *xlsxPackage) scanSheet(sheet string, b sheetBounds, emit func(row, col int, c sheetCell) error) error {
	part, ok := p.sheets[sheet]
	if !ok {
		return fmt.Errorf("sheet %q is missing", sheet)
	}
	data, err := p.readPart(part)
	if err != nil {
		return err
	}
	var shared []string
	d := newXMLReader(data)
	var (
		row      int // current row number
		col      int // current column number
		c        sheetCell
		inCell   bool
		field    string // "v", "f" or "t" (inline string text) being read
		text     strings.Builder
		inInline bool
		inPh     bool // inside a phonetic run, whose text is not shown
	)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("sheet %q: %w", sheet, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "row":
				next := row + 1
				if r := attr(t, "r"); r != "" {
					n, err := strconv.Atoi(r)
					if err != nil || n < 1 {
						return fmt.Errorf("sheet %q: bad row number %q", sheet, r)
					}
					next = n
				}
				if next > b.rows && !b.sparse {
					return errTooManyRows
				}
				row, col = next, 0
			case "c":
				if row == 0 {
					return fmt.Errorf("sheet %q: cell outside a row", sheet)
				}
				next := col + 1
				if ref := attr(t, "r"); ref != "" {
					n, err := refColumn(ref)
					if err != nil {
						return fmt.Errorf("sheet %q: %w", sheet, err)
					}
					next = n
				}
				if next > maxSheetColumns {
					return fmt.Errorf("sheet %q: cell past column XFD in row %d", sheet, row)
				}
				col = next
				c, inCell, inInline = sheetCell{typ: attr(t, "t")}, true, false
				if s := attr(t, "s"); s != "" {
					if n, err := strconv.Atoi(s); err == nil && n >= 0 {
						c.style = n
					}
				}
			case "v", "f":
				if inCell {
					field = t.Name.Local
					text.Reset()
				}
			case "is":
				inInline = inCell
			case "t":
				if inInline && !inPh {
					field = "t"
					text.Reset()
				}
			case "rPh":
				inPh = true
			}
		case xml.CharData:
			// A sparse scan reads cells past the bounds too, to know
			// whether they hold a value; the part size bounds that text.
			if field != "" && inCell && (b.sparse || col <= b.cols) {
				text.Write(t)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "v":
				if field == "v" {
					c.value = text.String()
				}
				field = ""
			case "f":
				if field == "f" {
					c.formula = text.String()
				}
				field = ""
			case "t":
				if field == "t" {
					c.value += text.String()
				}
				field = ""
			case "rPh":
				inPh = false
			case "is":
				inInline = false
			case "c":
				inCell = false
				if !b.sparse && col > b.cols {
					continue
				}
				if c.typ == "s" && c.value != "" {
					if shared == nil {
						if shared, err = p.sharedStrings(); err != nil {
							return err
						}
					}
					i, err := strconv.Atoi(strings.TrimSpace(c.value))
					if err != nil || i < 0 || i >= len(shared) {
						return fmt.Errorf("sheet %q: bad shared string index %q", sheet, c.value)
					}
					c.value = shared[i]
				}
				if b.sparse {
					switch {
					case c.value == "" && c.formula == "":
						continue
					case row > b.rows:
						return &outsideError{err: errTooManyRows, ref: cellRef(col, row)}
					case col > b.cols:
						return &outsideError{err: errTooManyCols, ref: cellRef(col, row)}
					}
				}
				if err := emit(row, col, c); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// maxSheetColumns is the last column of a sheet (XFD).
const maxSheetColumns = 16384

// isPercentStyle reports whether cell style i shows numbers as a percentage
// (built-in formats 9 and 10, or a custom format with a % outside quotes):
// Excel stores "87%" typed by a person as 0.87 in such a cell.
func (p *xlsxPackage) isPercentStyle(i int) bool {
	if !p.stylesRead {
		p.stylesRead = true
		p.percentStyles = p.loadPercentStyles()
	}
	return i >= 0 && i < len(p.percentStyles) && p.percentStyles[i]
}

// loadPercentStyles reads the cell formats of the styles part; a missing
// or unreadable part means no percent styles.
func (p *xlsxPackage) loadPercentStyles() []bool {
	if p.stylesPart == "" {
		return nil
	}
	data, err := p.readPart(p.stylesPart)
	if err != nil || checkXMLDepth(data) != nil {
		return nil
	}
	var doc struct {
		NumFmts []struct {
			ID   int    `xml:"numFmtId,attr"`
			Code string `xml:"formatCode,attr"`
		} `xml:"numFmts>numFmt"`
		Xfs []struct {
			NumFmtID int `xml:"numFmtId,attr"`
		} `xml:"cellXfs>xf"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		return nil
	}
	percent := map[int]bool{9: true, 10: true}
	for _, f := range doc.NumFmts {
		percent[f.ID] = percentFormat(f.Code)
	}
	out := make([]bool, len(doc.Xfs))
	for i, x := range doc.Xfs {
		out[i] = percent[x.NumFmtID]
	}
	return out
}

// percentFormat reports whether a number format code has a % outside
// quoted text and escapes.
func percentFormat(code string) bool {
	quoted := false
	for i := 0; i < len(code); i++ {
		switch c := code[i]; {
		case c == '"':
			quoted = !quoted
		case quoted:
		case c == '\\':
			i++
		case c == '%':
			return true
		}
	}
	return false
}

// maxXMLDepth bounds element nesting: a worksheet nests about seven deep,
// while a small hostile part of a few million nested elements would make
// the decoder keep millions of open elements.
const maxXMLDepth = 64

// xmlReader is an XML token reader that refuses nesting past maxXMLDepth.
type xmlReader struct {
	d     *xml.Decoder
	depth int
}

func newXMLReader(data []byte) *xmlReader {
	return &xmlReader{d: xml.NewDecoder(bytes.NewReader(data))}
}

// Token returns the next token, or an error past maxXMLDepth.
func (r *xmlReader) Token() (xml.Token, error) {
	tok, err := r.d.Token()
	if err != nil {
		return nil, err
	}
	switch tok.(type) {
	case xml.StartElement:
		if r.depth++; r.depth > maxXMLDepth {
			return nil, fmt.Errorf("elements nested deeper than %d", maxXMLDepth)
		}
	case xml.EndElement:
		r.depth--
	}
	return tok, nil
}

// checkXMLDepth scans data and refuses nesting past maxXMLDepth before it
// is given to xml.Unmarshal.
func checkXMLDepth(data []byte) error {
	r := newXMLReader(data)
	for {
		if _, err := r.Token(); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
	}
}

// attr returns the value of a start element's attribute (any namespace).
func attr(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// refColumn returns the column number of a cell reference like "F12".
func refColumn(ref string) (int, error) {
	col := 0
	for i, r := range ref {
		switch {
		case r >= 'A' && r <= 'Z':
			col = col*26 + int(r-'A') + 1
		case r >= 'a' && r <= 'z':
			col = col*26 + int(r-'a') + 1
		case r >= '0' && r <= '9' && i > 0:
			if col > maxSheetColumns {
				return 0, fmt.Errorf("bad cell reference %q", ref)
			}
			return col, nil
		default:
			return 0, fmt.Errorf("bad cell reference %q", ref)
		}
		if col > maxSheetColumns {
			return 0, fmt.Errorf("bad cell reference %q", ref)
		}
	}
	return 0, fmt.Errorf("bad cell reference %q", ref)
}
