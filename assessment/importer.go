package assessment

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/dti-platform/dti/scoring"
	"github.com/xuri/excelize/v2"
)

// This file holds the bulk imports of the secretariat: units, users and
// centrally sourced input values, from a Table (CSV or Excel). Each import
// has two steps. Preview reads the table against the current state of the
// store and returns the rows that will be created or updated and every
// problem, each with its row and column (Excel: the cell, like C7); it
// writes nothing. Apply writes a preview that has no problems.

// ImportKind names what an import brings in.
type ImportKind string

const (
	ImportUnits  ImportKind = "units"
	ImportUsers  ImportKind = "users"
	ImportValues ImportKind = "values"
)

// ImportOp is what an import does with one row.
type ImportOp string

const (
	OpCreate    ImportOp = "create"
	OpUpdate    ImportOp = "update"
	OpUnchanged ImportOp = "unchanged"
)

// ImportIssue is one problem of an import file.
type ImportIssue struct {
	// Line is the row number in the file (CSV line, Excel row); 0 for a
	// problem of the whole file.
	Line int
	// Cell is the Excel cell reference (e.g. "C7"), "" for CSV files and
	// whole-row problems.
	Cell string
	// Column is the header of the column, "" for whole-row problems.
	Column string
	// Key and the texts say what is wrong.
	Key    string
	VI, EN string
}

// Where names the place of the issue in lang: "ô C7 (unit_code)",
// "dòng 7, cột unit_code", "dòng 7" or "".
func (i ImportIssue) Where(lang string) string {
	en := lang == "en"
	switch {
	case i.Cell != "" && i.Column == "" && en:
		return "cell " + i.Cell
	case i.Cell != "" && i.Column == "":
		return "ô " + i.Cell
	case i.Cell != "" && en:
		return fmt.Sprintf("cell %s (%s)", i.Cell, i.Column)
	case i.Cell != "":
		return fmt.Sprintf("ô %s (%s)", i.Cell, i.Column)
	case i.Line > 0 && i.Column != "" && en:
		return fmt.Sprintf("line %d, column %s", i.Line, i.Column)
	case i.Line > 0 && i.Column != "":
		return fmt.Sprintf("dòng %d, cột %s", i.Line, i.Column)
	case i.Line > 0 && en:
		return fmt.Sprintf("line %d", i.Line)
	case i.Line > 0:
		return fmt.Sprintf("dòng %d", i.Line)
	case i.Column != "" && en:
		return "column " + i.Column
	case i.Column != "":
		return "cột " + i.Column
	}
	return ""
}

// Message returns the place and the problem in lang.
func (i ImportIssue) Message(lang string) string {
	msg := i.VI
	if lang == "en" {
		msg = i.EN
	}
	if w := i.Where(lang); w != "" {
		return w + ": " + msg
	}
	return msg
}

// FieldChange is one field an update changes.
type FieldChange struct {
	Field    string
	From, To string
}

// ImportChange is what an import does with one row (or, for users, with
// the rows of one account).
type ImportChange struct {
	Line int
	// Key names the row's object: a unit code, a username, or
	// "UNIT IND/input" for a value.
	Key    string
	Op     ImportOp
	Fields []FieldChange
}

// ImportPreview is the result of reading an import file: what would
// change and what is wrong. Apply writes it when Issues is empty.
type ImportPreview struct {
	Kind    ImportKind
	Changes []ImportChange
	Issues  []ImportIssue

	units  []unitPlan
	users  []userPlan
	values CentralImport

	// What the preview was made from, so Apply can check it is not stale.
	table  *Table
	period *Period
	index  *scoring.Index
	source scoring.Source
}

// Table returns the table the preview was read from.
func (p *ImportPreview) Table() *Table { return p.table }

// OK reports whether the preview has no issues.
func (p *ImportPreview) OK() bool { return len(p.Issues) == 0 }

// Count returns how many rows get op.
func (p *ImportPreview) Count(op ImportOp) int {
	n := 0
	for _, c := range p.Changes {
		if c.Op == op {
			n++
		}
	}
	return n
}

// Fingerprint is a short hash of what the preview would do (every change
// and every issue). A web page that shows a preview and applies it on a
// later request keeps the fingerprint in the confirmation form, previews
// the uploaded file again and applies only when the fingerprints match.
func (p *ImportPreview) Fingerprint() string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n", p.Kind)
	for _, c := range p.Changes {
		fmt.Fprintf(h, "%d\x00%s\x00%s", c.Line, c.Key, c.Op)
		for _, f := range c.Fields {
			fmt.Fprintf(h, "\x00%s\x00%s\x00%s", f.Field, f.From, f.To)
		}
		h.Write([]byte{'\n'})
	}
	for _, i := range p.Issues {
		fmt.Fprintf(h, "!%d\x00%s\x00%s\x00%s\n", i.Line, i.Cell, i.Column, i.Key)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// Err returns nil when the preview has no issues and otherwise a
// *ValidationError (ErrInvalid) with one field per issue, named by its
// place ("C7", "7:unit_code", "7").
func (p *ImportPreview) Err() error {
	v := &ValidationError{}
	for _, i := range p.Issues {
		field := i.Cell
		if field == "" && i.Line > 0 {
			field = fmt.Sprint(i.Line)
			if i.Column != "" {
				field += ":" + i.Column
			}
		} else if field == "" {
			field = i.Column
		}
		v.Add(field, i.Message("vi"), i.Message("en"))
	}
	return v.Err()
}

// importTable wraps a table with the column positions of one import kind.
type importTable struct {
	t    *Table
	cols map[string]int
	p    *ImportPreview
}

func (it *importTable) cell(r TableRow, key string) string {
	c, ok := it.cols[key]
	if !ok {
		return ""
	}
	return strings.TrimSpace(r.Cell(c))
}

// checkControl records a problem for every cell of the row's named
// columns that holds a control character (a tab, an escape sequence...):
// names and codes are shown on screens and terminals as they are.
func (it *importTable) checkControl(r TableRow, keys ...string) bool {
	ok := true
	for _, k := range keys {
		if strings.IndexFunc(it.cell(r, k), unicode.IsControl) >= 0 {
			it.issue(r.Line, k, "import.control")
			ok = false
		}
	}
	return ok
}

func (it *importTable) has(key string) bool { _, ok := it.cols[key]; return ok }

// issue records a problem of row r (line) in the column key ("" for the
// whole row).
func (it *importTable) issue(line int, key string, msg string, args ...any) {
	col := -1
	if key != "" {
		if c, ok := it.cols[key]; ok {
			col = c
		}
	}
	it.issueAt(line, col, msg, args...)
}

func (it *importTable) issueAt(line, col int, msg string, args ...any) {
	it.issueText(line, col, msg, render(msg, "vi", args), render(msg, "en", args))
}

// issueText records a problem whose texts are already rendered.
func (it *importTable) issueText(line, col int, key, vi, en string) {
	is := ImportIssue{Line: line, Key: key, VI: vi, EN: en}
	if col >= 0 && col < len(it.t.Header) {
		is.Column = it.t.Header[col]
		is.Cell = it.t.Ref(line, col)
	}
	it.p.Issues = append(it.p.Issues, is)
}

// issueFields adds the field problems of a domain Validate (a
// *ValidationError) as issues of row line, each in the column its field
// maps to (column names by field name; "" for a whole-row problem), unless
// the row already has an issue in that column.
func (it *importTable) issueFields(line int, err error, column map[string]string) {
	var v *ValidationError
	if !errors.As(err, &v) {
		return
	}
	for _, f := range v.Fields {
		col, ok := column[f.Field]
		if !ok {
			col = f.Field
		}
		c, has := it.cols[col]
		if !has {
			c = -1
		}
		dup := false
		for _, is := range it.p.Issues {
			if is.Line == line && (c < 0 && is.Column == "" || c >= 0 && c < len(it.t.Header) && is.Column == it.t.Header[c]) {
				dup = true
			}
		}
		if !dup {
			it.issueText(line, c, "import.invalid", f.VI, f.EN)
		}
	}
}

// importColumn is one known column of an import: its canonical name and
// the header spellings (folded, see headerKey) that mean it.
type importColumn struct {
	key      string
	aliases  []string
	required bool
}

// headerKey folds a header for matching: lower case, no diacritics, and
// spaces and dashes as underscores ("Mã đơn vị" -> "ma_don_vi").
func headerKey(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return '_'
		}
		return r
	}, Fold(s))
}

// mapColumns finds the known columns in the header. Columns starting with
// one of extra (e.g. "attr.") are left for the caller; other unknown,
// repeated or missing required columns are issues.
func mapColumns(t *Table, p *ImportPreview, spec []importColumn, extra func(header string) bool) *importTable {
	it := &importTable{t: t, cols: map[string]int{}, p: p}
	for c, h := range t.Header {
		if h == "" {
			continue
		}
		k := headerKey(h)
		found := false
		for _, col := range spec {
			if col.key == k || slices.Contains(col.aliases, k) {
				if _, dup := it.cols[col.key]; dup {
					it.issueAt(t.HeaderLine, c, "import.column_twice", h)
				} else {
					it.cols[col.key] = c
				}
				found = true
				break
			}
		}
		if !found && (extra == nil || !extra(h)) {
			it.issueAt(t.HeaderLine, c, "import.column_unknown", h)
		}
	}
	// A value in a column without a header would be silently lost.
	for _, r := range t.Rows {
		for c, v := range r.Cells {
			if strings.TrimSpace(v) == "" || (c < len(t.Header) && t.Header[c] != "") {
				continue
			}
			excelRef, _ := excelize.CoordinatesToCellName(c+1, r.Line)
			ref := excelRef
			if !t.Excel {
				ref = fmt.Sprint(c + 1)
			}
			is := ImportIssue{Line: r.Line, Key: "import.stray_cell",
				VI: render("import.stray_cell", "vi", []any{ref}), EN: render("import.stray_cell", "en", []any{ref})}
			if t.Excel {
				is.Cell = excelRef
			}
			p.Issues = append(p.Issues, is)
		}
	}
	for _, col := range spec {
		if _, ok := it.cols[col.key]; col.required && !ok {
			p.Issues = append(p.Issues, ImportIssue{Key: "import.column_missing",
				VI: render("import.column_missing", "vi", []any{col.key}), EN: render("import.column_missing", "en", []any{col.key})})
		}
	}
	return it
}

// Importer previews and applies bulk imports through a Store.
type Importer struct {
	Store Store
	// Index, when set, is checked against: unit types and blocks of units,
	// pillar scopes of reviewers. Value imports take the period's index.
	Index *scoring.Index
	// Actor is who imports (audited); an admin.
	Actor Actor
	// Reason is kept in the audit log of value imports (e.g. the file
	// name and the data's origin).
	Reason string
}

// ImportResult says what Apply wrote.
type ImportResult struct {
	Created, Updated, Unchanged int
	// Values is the number of values written by a value import.
	Values int
	// Passwords holds the initial password of every account a user import
	// created (username -> password). They are shown once and must be
	// changed at the first sign-in.
	Passwords map[string]string
}

// Apply writes a preview made by one of the Preview methods. It refuses a
// preview with issues (*ValidationError, ErrInvalid) and an actor who is
// not a province-wide admin (ErrForbidden). It first previews the same
// table again against the store as it is now: when anything differs from
// what the preview showed (someone changed a unit, a user or a value
// meanwhile) it writes nothing and returns an *Error matching ErrConflict,
// so what is written is exactly what the admin saw.
//
// Everything is written in one transaction, all or nothing: values by
// Store.ImportValues, units by Store.ImportUnits (parents created by the
// file before their children), users by Store.ImportUsers. The store
// checks again that every row it updates is still as the fresh preview
// read it, so a change made in the moment between the check and the write
// also fails the import with ErrConflict; such a write-time failure is an
// *Error naming the file line. On any error nothing is written and the
// result is nil.
func (im *Importer) Apply(ctx context.Context, p *ImportPreview) (*ImportResult, error) {
	if !im.Actor.IsAdmin() {
		return nil, ruleError(ErrForbidden, "role.admin_only", ActImport)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	fresh, err := im.repreview(ctx, p)
	if err != nil {
		return nil, err
	}
	if !fresh.OK() || !reflect.DeepEqual(fresh.Changes, p.Changes) {
		return nil, ruleError(ErrConflict, "import.stale")
	}
	p = fresh
	res := &ImportResult{Unchanged: p.Count(OpUnchanged)}
	switch p.Kind {
	case ImportUnits:
		if err := im.applyUnits(ctx, p, res); err != nil {
			return nil, err
		}
		return res, nil
	case ImportUsers:
		if err := im.applyUsers(ctx, p, res); err != nil {
			return nil, err
		}
		return res, nil
	case ImportValues:
		if len(p.values.Values) == 0 {
			return res, nil
		}
		n, err := im.Store.ImportValues(ctx, im.Actor, p.values)
		if err != nil {
			return nil, err
		}
		res.Values = n
		res.Created = p.Count(OpCreate)
		res.Updated = p.Count(OpUpdate)
		return res, nil
	}
	return nil, ruleError(ErrInvalid, "action.unknown", string(p.Kind))
}

// repreview makes p again from the table it was made from.
func (im *Importer) repreview(ctx context.Context, p *ImportPreview) (*ImportPreview, error) {
	if p.table == nil {
		return nil, ruleError(ErrInvalid, "import.no_table")
	}
	switch p.Kind {
	case ImportUnits:
		return im.PreviewUnits(ctx, p.table)
	case ImportUsers:
		return im.PreviewUsers(ctx, p.table)
	case ImportValues:
		period, err := im.Store.FindPeriodByID(ctx, p.period.ID)
		if err != nil {
			return nil, err
		}
		if period.IndexHash != p.period.IndexHash {
			return nil, ruleError(ErrConflict, "import.stale")
		}
		return im.PreviewValues(ctx, period, p.index, p.source, p.table)
	}
	return nil, ruleError(ErrInvalid, "action.unknown", string(p.Kind))
}

// rowError turns the *ImportItemError of a batch write into an error
// naming the file line of the failed item (lines[op][index]): an *Error
// with the item's sentinel and message, or, for a failure that is no
// domain error (the disk), the error wrapped with the line.
func rowError(err error, lines map[ImportOp][]int) error {
	var ie *ImportItemError
	if !errors.As(err, &ie) || ie.Index < 0 || ie.Index >= len(lines[ie.Op]) {
		return err
	}
	line := lines[ie.Op][ie.Index]
	for _, code := range []error{ErrConflict, ErrInvalid, ErrNotFound, ErrForbidden} {
		if errors.Is(err, code) {
			msg := scoring.Text{VI: ErrorMessage(ie.Err, "vi"), EN: ErrorMessage(ie.Err, "en")}
			return ruleError(code, "import.row_failed", line, ie.Key, msg)
		}
	}
	return fmt.Errorf("line %d (%s): %w", line, ie.Key, err)
}

// sortChanges orders the changes of a preview by line.
func sortChanges(p *ImportPreview) {
	sort.SliceStable(p.Changes, func(i, j int) bool { return p.Changes[i].Line < p.Changes[j].Line })
	sort.SliceStable(p.Issues, func(i, j int) bool { return p.Issues[i].Line < p.Issues[j].Line })
}
