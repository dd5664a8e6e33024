package scoring

// This file reads a period's data from the CSV data file documented in
// docs/data-file.md: one row per unit, columns code, name, type, block,
// then attr:NAME attribute columns, then one column per input named
// INDICATOR/input. It checks every cell against the index and reports every
// problem as FILE:ROW:COLUMN, so a file is either read whole or not at all.

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// CSVProblem is one problem of a data file: Row is the 1-based line of the
// CSV record (the header is row 1) and Column the header name of the cell
// ("" for a problem with the whole row).
type CSVProblem struct {
	File    string
	Row     int
	Column  string
	Message string
}

// String formats the problem as FILE:ROW:COLUMN: message.
func (p CSVProblem) String() string {
	if p.Column == "" {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Row, p.Message)
	}
	return fmt.Sprintf("%s:%d:%s: %s", p.File, p.Row, p.Column, p.Message)
}

// CSVError lists every problem of a data file, in file order.
type CSVError struct {
	Problems []CSVProblem
}

// Error lists the problems, one per line.
func (e *CSVError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.String()
	}
	return strings.Join(parts, "\n")
}

// Fixed columns of a data file.
const (
	ColCode  = "code"
	ColName  = "name"
	ColType  = "type"
	ColBlock = "block"
	// AttrPrefix starts the name of an attribute column (attr:Population).
	AttrPrefix = "attr:"
	// ColNotApplicable lists, separated by ";", the optional indicators
	// declared not applicable to the unit.
	ColNotApplicable = "not_applicable"
	// OverridePrefix starts the name of a column of points decided by the
	// appraisal council for one indicator (override:NTS.01).
	OverridePrefix = "override:"
)

// maxCSVRows bounds the units of one data file.
const maxCSVRows = 1_000_000

// csvColumn is what one column of a data file holds.
type csvColumn struct {
	name  string
	kind  int // colFixed, colAttr, colInput
	fixed string
	attr  string
	slot  int
	input *Input
}

const (
	colFixed = iota
	colAttr
	colInput
	colNA
	colOverride
)

// ReadDataCSV reads a data file for ix. file names the file in problems.
// Lines starting with # are comments; a leading "# year: 2025" gives the
// assessed year, which year (when not 0) overrides. On any problem it
// returns a *CSVError listing them all (at most 1000) and no dataset.
func ReadDataCSV(ix *Index, file string, r io.Reader, year int) (*Dataset, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // a BOM written by Excel
	var probs []CSVProblem
	add := func(row int, col, format string, args ...any) {
		if len(probs) < maxProblems {
			probs = append(probs, CSVProblem{File: file, Row: row, Column: col, Message: fmt.Sprintf(format, args...)})
		}
	}
	// Leading comment lines may set the assessed year ("# year: 2025").
	fileYear := 0
	for rest := data; len(rest) > 0 && rest[0] == '#'; {
		line, next, _ := bytes.Cut(rest, []byte("\n"))
		rest = next
		text := strings.TrimSpace(strings.TrimPrefix(string(line), "#"))
		if k, v, ok := strings.Cut(text, ":"); ok && strings.TrimSpace(strings.ToLower(k)) == "year" {
			y, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil || y < 1900 || y > 2200 {
				add(1, "", "comment %q: the year must be a number like 2025", text)
				return nil, &CSVError{Problems: probs}
			}
			fileYear = y
		}
	}
	if year == 0 {
		year = fileYear
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	cr.Comment = '#'
	// Excel in a Vietnamese locale saves CSV with ";" between cells (the
	// comma is the decimal separator there): such a file also takes
	// decimal commas (12,5).
	decimalComma := false
	if headerDelimiter(data) == ';' {
		cr.Comma = ';'
		decimalComma = true
	}
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			add(1, "", "the file is empty: want a header row starting with code,name,type,block")
		} else {
			add(1, "", "%v", err)
		}
		return nil, &CSVError{Problems: probs}
	}

	// The header.
	cols := make([]csvColumn, len(header))
	seen := map[string]bool{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		c := csvColumn{name: h}
		switch {
		case h == "":
			add(1, fmt.Sprintf("#%d", i+1), "empty column name")
			continue
		case seen[h]:
			add(1, h, "duplicate column")
			continue
		case h == ColCode || h == ColName || h == ColType || h == ColBlock:
			c.kind, c.fixed = colFixed, h
		case strings.HasPrefix(h, AttrPrefix):
			c.kind, c.attr = colAttr, strings.TrimPrefix(h, AttrPrefix)
			if c.attr == "" {
				add(1, h, "attribute column without a name: want attr:NAME")
			}
		case h == ColNotApplicable:
			c.kind = colNA
		case strings.HasPrefix(h, OverridePrefix):
			code := strings.TrimPrefix(h, OverridePrefix)
			if n := ix.Node(code); n == nil || !n.IsIndicator() {
				add(1, h, "unknown column: the index has no indicator %s", code)
				continue
			}
			c.kind, c.attr = colOverride, code
		default:
			ind, key, ok := strings.Cut(h, "/")
			if !ok {
				add(1, h, "unknown column: want code, name, type, block, attr:NAME, not_applicable, override:INDICATOR or INDICATOR/input")
				continue
			}
			in, found := ix.Input(ind, key)
			slot, hasSlot := ix.Slot(ind, key)
			if ix.Node(ind) == nil {
				add(1, h, "unknown column: the index has no indicator %s", ind)
				continue
			}
			if !found || !hasSlot {
				add(1, h, "unknown column: indicator %s has no input %q", ind, key)
				continue
			}
			c.kind, c.slot, c.input = colInput, slot, in
		}
		seen[h] = true
		cols[i] = c
	}
	for _, f := range []string{ColCode, ColName, ColType, ColBlock} {
		if !seen[f] {
			add(1, "", "missing column %q", f)
		}
	}
	if len(probs) > 0 {
		return nil, &CSVError{Problems: probs}
	}

	ds := &Dataset{Year: year}
	units := map[string]int{}
	lastLine := 1
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				add(pe.Line, "", "%v", pe.Err)
			} else {
				add(lastLine+1, "", "%v", err)
			}
			break
		}
		line, _ := cr.FieldPos(0)
		lastLine = line
		if len(ds.Units) >= maxCSVRows {
			add(line, "", "more than %d units", maxCSVRows)
			break
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // blank line
		}
		if len(rec) != len(cols) {
			add(line, "", "%d cells; the header has %d columns", len(rec), len(cols))
			continue
		}
		ud := UnitData{Values: make([]Value, ix.NumSlots())}
		// The fixed columns first: checks of other cells need the type.
		for i, c := range cols {
			if c.kind != colFixed {
				continue
			}
			cell := strings.TrimSpace(rec[i])
			switch c.fixed {
			case ColCode:
				ud.Code = cell
			case ColName:
				ud.Name = cell
			case ColType:
				ud.Type = cell
			case ColBlock:
				ud.Block = cell
			}
		}
		for i, c := range cols {
			cell := strings.TrimSpace(rec[i])
			switch c.kind {
			case colAttr:
				if cell != "" {
					if ud.Attrs == nil {
						ud.Attrs = map[string]string{}
					}
					ud.Attrs[c.attr] = cell
				}
			case colInput:
				if cell == "" {
					continue
				}
				v, msg := parseCell(c.input, cell, decimalComma)
				if msg != "" {
					add(line, c.name, "%s", msg)
					continue
				}
				ud.Values[c.slot] = v
			case colNA:
				for _, code := range strings.Split(cell, ";") {
					if code = strings.TrimSpace(code); code == "" {
						continue
					}
					n := ix.Node(code)
					switch {
					case n == nil || !n.IsIndicator():
						add(line, c.name, "%q is not an indicator of the index", code)
					case !n.Optional:
						add(line, c.name, "indicator %s is not optional: it cannot be declared not applicable", code)
					case !ix.Applies(n, ud.Type) && ud.Type != "":
						add(line, c.name, "indicator %s does not apply to units of type %s anyway", code, ud.Type)
					default:
						if ud.NotApplicable == nil {
							ud.NotApplicable = map[string]bool{}
						}
						ud.NotApplicable[code] = true
					}
				}
			case colOverride:
				if cell == "" {
					continue
				}
				x, err := strconv.ParseFloat(cell, 64)
				n := ix.Node(c.attr)
				hi := ix.MaxPointsFor(n, ud.Type)
				if ix.Style == StyleComposite {
					hi = 1
				}
				switch {
				case err != nil || math.IsNaN(x) || math.IsInf(x, 0):
					add(line, c.name, "%q is not a number", cell)
				case ud.Type != "" && !ix.Applies(n, ud.Type):
					add(line, c.name, "indicator %s does not apply to units of type %s", c.attr, ud.Type)
				case x < 0 || x > hi:
					add(line, c.name, "%s points outside 0..%s", cell, fmtLocal(hi, "en"))
				default:
					if ud.Overrides == nil {
						ud.Overrides = map[string]float64{}
					}
					ud.Overrides[c.attr] = x
				}
			}
		}
		// The unit itself.
		switch {
		case ud.Code == "":
			add(line, ColCode, "empty unit code")
		case units[ud.Code] > 0:
			add(line, ColCode, "unit %s already on row %d", ud.Code, units[ud.Code])
		default:
			units[ud.Code] = line
		}
		if ud.Name == "" {
			add(line, ColName, "empty unit name")
		}
		ut, okType := ix.UnitType(ud.Type)
		switch {
		case !okType:
			add(line, ColType, "unknown unit type %q%s", ud.Type, oneOfCodes(unitTypeCodes(ix)))
		case !ut.Enabled:
			add(line, ColType, "unit type %q is disabled in this index", ud.Type)
		}
		b, okBlock := ix.Block(ud.Block)
		switch {
		case !okBlock:
			add(line, ColBlock, "unknown block %q%s", ud.Block, oneOfCodes(blockCodes(ix)))
		case okType && ut.Enabled && !containsString(b.UnitTypes, ud.Type):
			add(line, ColBlock, "block %s does not take units of type %s", ud.Block, ud.Type)
		}
		ds.Units = append(ds.Units, ud)
	}
	if len(probs) > 0 {
		return nil, &CSVError{Problems: probs}
	}
	return ds, nil
}

// headerDelimiter returns ';' when the header line (the first line that is
// not a comment) has more semicolons than commas, ',' otherwise.
func headerDelimiter(data []byte) byte {
	for len(data) > 0 {
		line, rest, _ := bytes.Cut(data, []byte("\n"))
		data = rest
		if len(line) == 0 || line[0] == '#' {
			continue
		}
		if bytes.Count(line, []byte(";")) > bytes.Count(line, []byte(",")) {
			return ';'
		}
		return ','
	}
	return ','
}

// parseCell reads one cell for an input; msg is "" when the cell is valid.
// With decimalComma (a ";"-separated file), 12,5 is twelve and a half.
func parseCell(in *Input, cell string, decimalComma bool) (Value, string) {
	switch in.Type {
	case InputBoolean:
		switch strings.ToLower(cell) {
		case "1", "yes", "có", "co", "true", "x":
			return Value{Set: true, Num: 1}, ""
		case "0", "no", "không", "khong", "false":
			return Value{Set: true}, ""
		}
		return Value{}, fmt.Sprintf("%q is not yes/no (1/0, yes/no, có/không)", cell)
	case InputChoice:
		if !hasOption(in, cell) {
			return Value{}, fmt.Sprintf("%q is not one of the options%s", cell, oneOfCodes(optionCodes(in)))
		}
		return Value{Set: true, Text: cell}, ""
	case InputMultiChoice:
		var codes []string
		for _, c := range strings.Split(cell, ";") {
			c = strings.TrimSpace(c)
			if c == "" {
				continue
			}
			if !hasOption(in, c) {
				return Value{}, fmt.Sprintf("%q is not one of the options%s", c, oneOfCodes(optionCodes(in)))
			}
			codes = append(codes, c)
		}
		return Value{Set: true, Text: strings.Join(codes, ",")}, ""
	case InputDate:
		if _, err := civilDays(cell); err != nil {
			return Value{}, err.Error()
		}
		return Value{Set: true, Text: cell}, ""
	case InputText:
		return Value{Set: true, Text: cell}, ""
	case InputURL:
		if !strings.HasPrefix(cell, "https://") && !strings.HasPrefix(cell, "http://") {
			return Value{}, fmt.Sprintf("%q is not a link (http:// or https://)", cell)
		}
		return Value{Set: true, Text: cell}, ""
	}
	// count, number, percent
	num := cell
	if decimalComma && !strings.Contains(num, ".") {
		num = strings.Replace(num, ",", ".", 1)
	}
	x, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		hint := ""
		if strings.Contains(cell, ",") && !decimalComma {
			hint = " (write decimals with a point: 12.5)"
		}
		return Value{}, fmt.Sprintf("%q is not a number%s", cell, hint)
	}
	if in.Type == InputCount && (x < 0 || x != math.Trunc(x)) {
		return Value{}, fmt.Sprintf("%s is not a count (a whole number ≥ 0)", cell)
	}
	if in.Min != nil && x < *in.Min {
		return Value{}, fmt.Sprintf("%s is below the minimum %s", cell, fmtLocal(*in.Min, "en"))
	}
	if in.Max != nil && x > *in.Max {
		return Value{}, fmt.Sprintf("%s is above the maximum %s", cell, fmtLocal(*in.Max, "en"))
	}
	return Value{Set: true, Num: x}, ""
}

func hasOption(in *Input, code string) bool {
	for _, o := range in.Options {
		if o.Value == code {
			return true
		}
	}
	return false
}

func optionCodes(in *Input) []string {
	out := make([]string, len(in.Options))
	for i, o := range in.Options {
		out[i] = o.Value
	}
	return out
}

func unitTypeCodes(ix *Index) []string {
	var out []string
	for _, t := range ix.UnitTypes {
		if t.Enabled {
			out = append(out, t.Code)
		}
	}
	return out
}

func blockCodes(ix *Index) []string {
	out := make([]string, len(ix.Blocks))
	for i, b := range ix.Blocks {
		out[i] = b.Code
	}
	return out
}

// oneOfCodes formats a list of valid codes for a message.
func oneOfCodes(codes []string) string {
	if len(codes) == 0 {
		return ""
	}
	return " (want one of " + strings.Join(codes, ", ") + ")"
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
