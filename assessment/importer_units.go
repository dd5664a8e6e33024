package assessment

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// unitColumns are the columns of a units import. Columns named
// "attr.NAME" set the unit attribute NAME.
var unitColumns = []importColumn{
	{key: "code", aliases: []string{"ma", "ma_don_vi", "unit_code"}, required: true},
	{key: "name_vi", aliases: []string{"ten", "ten_don_vi", "name"}, required: true},
	{key: "name_en", aliases: []string{"ten_tieng_anh"}},
	{key: "type", aliases: []string{"loai", "loai_don_vi", "unit_type"}, required: true},
	{key: "block", aliases: []string{"khoi"}},
	{key: "parent_code", aliases: []string{"parent", "don_vi_cha", "ma_don_vi_cha"}},
	{key: "active", aliases: []string{"hoat_dong", "dang_hoat_dong"}},
}

const attrPrefix = "attr."

// unitPlan is one unit row to write.
type unitPlan struct {
	line       int
	op         ImportOp
	unit       Unit // the unit as it will be (ID of an existing unit)
	parentCode string
	// parentChanged is true when an update moves the unit to another
	// parent (or to the top level).
	parentChanged bool
	attrs         bool // the row sets attributes
	update        UnitUpdate
	// old is the stored unit an update was compared with; the store
	// refuses the update when the unit no longer matches it.
	old *Unit
}

// PreviewUnits reads a units table: one row per unit with the columns
// code, name_vi, type (required), name_en, block, parent_code, active
// (có/không) and attr.NAME. A code already in the store updates that unit
// (only the columns present change; attributes are merged), a new code
// creates one. Parents may be in the store or anywhere in the file.
// It returns an error when the actor is not a province-wide admin
// (ErrForbidden) or the store fails; problems of the file are in the preview.
func (im *Importer) PreviewUnits(ctx context.Context, t *Table) (*ImportPreview, error) {
	if !im.Actor.IsAdmin() {
		return nil, ruleError(ErrForbidden, "role.admin_only", ActImport)
	}
	p := &ImportPreview{Kind: ImportUnits, table: t}
	it := mapColumns(t, p, unitColumns, func(h string) bool {
		return strings.HasPrefix(strings.ToLower(h), attrPrefix)
	})
	if !p.OK() {
		return p, nil
	}
	existing, _, err := im.Store.FindUnits(ctx, UnitFilter{})
	if err != nil {
		return nil, err
	}
	byCode := make(map[string]*Unit, len(existing))
	byID := make(map[int64]*Unit, len(existing))
	for _, u := range existing {
		byCode[u.Code] = u
		byID[u.ID] = u
	}
	attrCols := map[int]string{}
	for c, h := range t.Header {
		if strings.HasPrefix(strings.ToLower(h), attrPrefix) {
			name := strings.TrimSpace(h[len(attrPrefix):])
			if !ValidCode(name) {
				it.issueAt(t.HeaderLine, c, "import.attr_name", h)
				continue
			}
			attrCols[c] = name
		}
	}

	seen := map[string]int{} // code -> first line
	var plans []unitPlan
	for _, r := range t.Rows {
		if !it.checkControl(r, "code", "name_vi", "name_en", "type", "block", "parent_code") {
			continue
		}
		code := it.cell(r, "code")
		pl := unitPlan{line: r.Line}
		u := &pl.unit
		u.Code = code
		switch {
		case code == "":
			it.issue(r.Line, "code", "import.required")
		case !ValidCode(code):
			it.issue(r.Line, "code", "import.code", code)
		case seen[code] > 0:
			it.issue(r.Line, "code", "import.duplicate", code, seen[code])
			continue
		}
		if code != "" {
			seen[code] = r.Line
		}
		u.NameVI = it.cell(r, "name_vi")
		u.NameEN = it.cell(r, "name_en")
		if u.NameVI == "" {
			it.issue(r.Line, "name_vi", "import.required")
		}
		for _, k := range []string{"name_vi", "name_en"} {
			if utf8.RuneCountInString(it.cell(r, k)) > 300 {
				it.issue(r.Line, k, "import.too_long", 300)
			}
		}
		u.Type = it.cell(r, "type")
		if u.Type == "" {
			it.issue(r.Line, "type", "import.required")
		} else if im.Index != nil && !indexHasUnitType(im, u.Type) {
			it.issue(r.Line, "type", "import.unit_type", u.Type)
		}
		u.Block = it.cell(r, "block")
		if u.Block != "" && im.Index != nil {
			if ok, ranksType := indexBlock(im, u.Block, u.Type); !ok {
				it.issue(r.Line, "block", "import.block", u.Block)
			} else if !ranksType {
				it.issue(r.Line, "block", "import.block_type", u.Block, u.Type)
			}
		} else if u.Block != "" && !ValidCode(u.Block) {
			it.issue(r.Line, "block", "import.code", u.Block)
		} else if u.Block == "" && im.Index != nil && u.Type != "" && (it.has("block") || byCode[code] == nil) {
			// The index cannot place a unit of a type ranked in several blocks.
			if blocks := indexBlocksOf(im, u.Type); len(blocks) > 1 {
				col := "block"
				if !it.has(col) {
					col = "type"
				}
				it.issue(r.Line, col, "import.block_needed", u.Type, strings.Join(blocks, ", "))
			}
		}
		pl.parentCode = it.cell(r, "parent_code")
		if pl.parentCode == code && code != "" {
			it.issue(r.Line, "parent_code", "import.parent_self")
		}
		u.Active = true
		if s := it.cell(r, "active"); s != "" {
			b, ok := parseBool(s)
			if !ok {
				it.issue(r.Line, "active", "import.boolean", s)
			}
			u.Active = b
		}
		for _, c := range sortedKeys(attrCols) {
			if v := strings.TrimSpace(r.Cell(c)); v != "" {
				if u.Attrs == nil {
					u.Attrs = map[string]string{}
				}
				u.Attrs[attrCols[c]] = v
				pl.attrs = true
			}
		}
		// The store validates units with Unit.Validate: whatever it would
		// refuse is a problem of the row now, not a failure halfway through
		// Apply.
		it.issueFields(r.Line, u.Validate(), map[string]string{"parent_id": "parent_code", "attrs": ""})
		plans = append(plans, pl)
	}

	// Parents: in the store or in the file; no cycles.
	inFile := map[string]bool{}
	parentOf := map[string]string{}
	for _, u := range existing {
		if pu := byID[u.ParentID]; pu != nil {
			parentOf[u.Code] = pu.Code
		}
	}
	for _, pl := range plans {
		inFile[pl.unit.Code] = true
	}
	for _, pl := range plans {
		if pl.parentCode != "" && pl.parentCode != pl.unit.Code && byCode[pl.parentCode] == nil && !inFile[pl.parentCode] {
			it.issue(pl.line, "parent_code", "import.parent_unknown", pl.parentCode)
		}
		if it.has("parent_code") && pl.parentCode != pl.unit.Code {
			parentOf[pl.unit.Code] = pl.parentCode
		}
	}
	for _, pl := range plans {
		if c := cycleFrom(pl.unit.Code, parentOf); c != "" {
			it.issue(pl.line, "parent_code", "import.parent_cycle", c)
		}
	}

	// Decide create / update / unchanged.
	for i := range plans {
		pl := &plans[i]
		old := byCode[pl.unit.Code]
		ch := ImportChange{Line: pl.line, Key: pl.unit.Code, Op: OpCreate}
		if old == nil {
			pl.op = OpCreate
			ch.Fields = unitFields(&pl.unit, pl.parentCode)
		} else {
			pl.unit.ID = old.ID
			pl.old = old
			oldParent := ""
			if pu := byID[old.ParentID]; pu != nil {
				oldParent = pu.Code
			}
			pl.update, ch.Fields = unitDiff(old, oldParent, pl, it)
			pl.op = OpUpdate
			if len(ch.Fields) == 0 {
				pl.op = OpUnchanged
			}
			ch.Op = pl.op
		}
		p.Changes = append(p.Changes, ch)
	}
	if !p.OK() {
		p.Changes = nil
	}
	p.units = orderParentsFirst(plans)
	sortChanges(p)
	return p, nil
}

func indexHasUnitType(im *Importer, code string) bool {
	for _, ut := range im.Index.UnitTypes {
		if ut.Code == code {
			return true
		}
	}
	return false
}

// indexBlock reports whether the index has block code and whether that
// block ranks unit type typ.
func indexBlock(im *Importer, code, typ string) (exists, ranksType bool) {
	for _, b := range im.Index.Blocks {
		if b.Code == code {
			return true, len(b.UnitTypes) == 0 || slices.Contains(b.UnitTypes, typ)
		}
	}
	return false, false
}

// indexBlocksOf returns the codes of the index's blocks for unit type typ.
func indexBlocksOf(im *Importer, typ string) []string {
	var out []string
	for _, b := range im.Index.Blocks {
		if slices.Contains(b.UnitTypes, typ) {
			out = append(out, b.Code)
		}
	}
	return out
}

// cycleFrom returns the path "A → B → A" when following parents from code
// comes back to it, or "".
func cycleFrom(code string, parentOf map[string]string) string {
	path := []string{code}
	seen := map[string]bool{code: true}
	for c := parentOf[code]; c != ""; c = parentOf[c] {
		path = append(path, c)
		if c == code {
			return strings.Join(path, " → ")
		}
		if seen[c] {
			return "" // a cycle not through code: reported on its own rows
		}
		seen[c] = true
	}
	return ""
}

// unitFields lists the fields of a unit to create.
func unitFields(u *Unit, parent string) []FieldChange {
	var out []FieldChange
	add := func(f, v string) {
		if v != "" {
			out = append(out, FieldChange{Field: f, To: v})
		}
	}
	add("name_vi", u.NameVI)
	add("name_en", u.NameEN)
	add("type", u.Type)
	add("block", u.Block)
	add("parent_code", parent)
	add("active", fmt.Sprint(u.Active))
	for _, k := range slices.Sorted(maps.Keys(u.Attrs)) {
		add(attrPrefix+k, u.Attrs[k])
	}
	return out
}

// unitDiff compares a row with the stored unit: the update to make (only
// columns present in the file) and the fields it changes.
func unitDiff(old *Unit, oldParent string, pl *unitPlan, it *importTable) (UnitUpdate, []FieldChange) {
	var upd UnitUpdate
	var out []FieldChange
	u := &pl.unit
	str := func(key, from, to string, set func(*string)) {
		if !it.has(key) || from == to {
			return
		}
		v := to
		set(&v)
		out = append(out, FieldChange{Field: key, From: from, To: to})
	}
	str("name_vi", old.NameVI, u.NameVI, func(v *string) { upd.NameVI = v })
	str("name_en", old.NameEN, u.NameEN, func(v *string) { upd.NameEN = v })
	str("type", old.Type, u.Type, func(v *string) { upd.Type = v })
	str("block", old.Block, u.Block, func(v *string) { upd.Block = v })
	if it.has("parent_code") && oldParent != pl.parentCode {
		pl.parentChanged = true
		out = append(out, FieldChange{Field: "parent_code", From: oldParent, To: pl.parentCode})
	}
	if it.has("active") && old.Active != u.Active {
		a := u.Active
		upd.Active = &a
		out = append(out, FieldChange{Field: "active", From: fmt.Sprint(old.Active), To: fmt.Sprint(u.Active)})
	}
	if pl.attrs {
		merged := maps.Clone(old.Attrs)
		if merged == nil {
			merged = map[string]string{}
		}
		changed := false
		for _, k := range slices.Sorted(maps.Keys(u.Attrs)) {
			if merged[k] != u.Attrs[k] {
				out = append(out, FieldChange{Field: attrPrefix + k, From: merged[k], To: u.Attrs[k]})
				merged[k] = u.Attrs[k]
				changed = true
			}
		}
		if changed {
			upd.Attrs = &merged
		}
		u.Attrs = merged
	}
	return upd, out
}

// orderParentsFirst orders unit rows so that a parent created by the file
// comes before its children; otherwise file order is kept.
func orderParentsFirst(plans []unitPlan) []unitPlan {
	idx := map[string]int{}
	for i, pl := range plans {
		idx[pl.unit.Code] = i
	}
	done := make([]bool, len(plans))
	var out []unitPlan
	var visit func(i int, depth int)
	visit = func(i int, depth int) {
		if done[i] || depth > len(plans) {
			return
		}
		if j, ok := idx[plans[i].parentCode]; ok && j != i {
			visit(j, depth+1)
		}
		if !done[i] {
			done[i] = true
			out = append(out, plans[i])
		}
	}
	for i := range plans {
		visit(i, 0)
	}
	return out
}

// applyUnits writes the planned rows in one Store.ImportUnits: creates in
// the planned order (parents first), then updates.
func (im *Importer) applyUnits(ctx context.Context, p *ImportPreview, res *ImportResult) error {
	var creates []UnitImportCreate
	var updates []UnitImportUpdate
	lines := map[ImportOp][]int{}
	for _, pl := range p.units {
		switch pl.op {
		case OpCreate:
			u := pl.unit
			creates = append(creates, UnitImportCreate{Unit: &u, ParentCode: pl.parentCode})
		case OpUpdate:
			up := UnitImportUpdate{ID: pl.unit.ID, Old: pl.old, Update: pl.update}
			if pl.parentChanged {
				code := pl.parentCode
				up.ParentCode = &code
			}
			updates = append(updates, up)
		default:
			continue
		}
		lines[pl.op] = append(lines[pl.op], pl.line)
	}
	if err := im.Store.ImportUnits(ctx, im.Actor, creates, updates); err != nil {
		return rowError(err, lines)
	}
	res.Created, res.Updated = len(creates), len(updates)
	return nil
}

func sortedKeys[V any](m map[int]V) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	return keys
}
