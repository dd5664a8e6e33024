package assessment

import (
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Unit is an assessed organisation: a department, a district, a commune...
// Units form a tree (a district and its communes) through ParentID.
type Unit struct {
	ID int64
	// ParentID is the parent unit's ID, 0 for a top-level unit.
	ParentID int64
	// Code is the stable short code used in imports, exports and URLs,
	// e.g. "SO-TC" or "H-CAOPHONG"; unique.
	Code   string
	NameVI string
	NameEN string
	// Type is a unit type code of the index (scoring.UnitType.Code), e.g.
	// "department", "district", "commune". It decides which indicators
	// apply and the max points.
	Type string
	// Block is the ranking block code (scoring.Block.Code); "" lets the
	// index decide from the unit type.
	Block string
	// Attrs are free attributes passed to the scoring engine (groups for
	// group-mean imputation, denominators such as population).
	Attrs map[string]string
	// Active units are assessed; inactive ones are kept for history.
	Active    bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Name returns the unit name in lang ("vi" or "en"), falling back to
// Vietnamese.
func (u *Unit) Name(lang string) string {
	if lang == "en" && u.NameEN != "" {
		return u.NameEN
	}
	return u.NameVI
}

var codeRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// ValidCode reports whether s is a valid unit, period or user code: 1 to
// 64 letters, digits, '.', '_' or '-', starting with a letter or digit.
func ValidCode(s string) bool { return codeRE.MatchString(s) }

// CleanText reports whether s is valid UTF-8 without control characters
// (a name with a terminal escape or a NUL is refused, not stored).
func CleanText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// Validate checks the unit's fields. It returns a *ValidationError
// (matching ErrInvalid) naming every bad field.
func (u *Unit) Validate() error {
	v := &ValidationError{}
	if !ValidCode(u.Code) {
		v.Add("code", "Mã đơn vị chỉ gồm chữ, số, '.', '_', '-' (tối đa 64 ký tự).",
			"the unit code must be 1-64 letters, digits, '.', '_' or '-'")
	}
	if strings.TrimSpace(u.NameVI) == "" {
		v.Add("name_vi", "Cần nhập tên tiếng Việt của đơn vị.", "the Vietnamese name is required")
	}
	if !CleanText(u.NameVI) || !CleanText(u.NameEN) {
		v.Add("name_vi", "Tên đơn vị chứa ký tự điều khiển không hợp lệ.", "the unit name contains control characters")
	}
	if len(u.NameVI) > 300 || len(u.NameEN) > 300 {
		v.Add("name_vi", "Tên đơn vị quá dài (tối đa 300 ký tự).", "the unit name is too long (at most 300 characters)")
	}
	if !ValidCode(u.Type) {
		v.Add("type", "Cần chọn loại đơn vị.", "the unit type is required")
	}
	if u.Block != "" && !ValidCode(u.Block) {
		v.Add("block", "Mã khối không hợp lệ.", "the block code is not valid")
	}
	if u.ParentID != 0 && u.ParentID == u.ID {
		v.Add("parent_id", "Đơn vị không thể là đơn vị cha của chính nó.", "a unit cannot be its own parent")
	}
	keys := make([]string, 0, len(u.Attrs))
	for k := range u.Attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !ValidCode(k) {
			v.Add("attrs", "Tên thuộc tính không hợp lệ: "+k, "attribute name is not valid: "+k)
		}
	}
	return v.Err()
}

// UnitFilter selects units. Zero fields do not filter.
type UnitFilter struct {
	ID       *int64
	Code     *string
	ParentID *int64 // 0 selects top-level units
	Type     *string
	Active   *bool
	// Query matches a substring of the code or names, ignoring case and
	// Vietnamese diacritics ("so tai chinh" finds "Sở Tài chính").
	Query string

	Offset int
	Limit  int // 0: no limit
}

// UnitUpdate holds the fields to change on a unit; nil fields are kept.
type UnitUpdate struct {
	ParentID *int64
	NameVI   *string
	NameEN   *string
	Type     *string
	Block    *string
	Attrs    *map[string]string
	Active   *bool
}

// UnitTree answers ancestry questions over a set of units. It is built
// once from a list (e.g. all units) and is read-only afterwards.
type UnitTree struct {
	byID     map[int64]*Unit
	children map[int64][]int64
}

// NewUnitTree builds the tree of units. Children are kept in code order.
func NewUnitTree(units []*Unit) *UnitTree {
	t := &UnitTree{byID: make(map[int64]*Unit, len(units)), children: map[int64][]int64{}}
	sorted := append([]*Unit(nil), units...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Code < sorted[j].Code })
	for _, u := range sorted {
		t.byID[u.ID] = u
	}
	for _, u := range sorted {
		t.children[u.ParentID] = append(t.children[u.ParentID], u.ID)
	}
	return t
}

// Unit returns the unit with id, or nil.
func (t *UnitTree) Unit(id int64) *Unit { return t.byID[id] }

// Ancestors returns the IDs of id's ancestors, nearest first. A cycle in
// the data stops the walk.
func (t *UnitTree) Ancestors(id int64) []int64 {
	var out []int64
	seen := map[int64]bool{id: true}
	u := t.byID[id]
	for u != nil && u.ParentID != 0 && !seen[u.ParentID] {
		out = append(out, u.ParentID)
		seen[u.ParentID] = true
		u = t.byID[u.ParentID]
	}
	return out
}

// Children returns the IDs of id's direct children in code order; id 0
// gives the top-level units.
func (t *UnitTree) Children(id int64) []int64 { return t.children[id] }

// Descendants returns the IDs of every unit below id, depth first in code
// order.
func (t *UnitTree) Descendants(id int64) []int64 {
	var out []int64
	seen := map[int64]bool{id: true}
	var walk func(int64)
	walk = func(p int64) {
		for _, c := range t.children[p] {
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
				walk(c)
			}
		}
	}
	walk(id)
	return out
}

// IsWithin reports whether id is root or one of its descendants.
func (t *UnitTree) IsWithin(id, root int64) bool {
	if id == root {
		return true
	}
	for _, a := range t.Ancestors(id) {
		if a == root {
			return true
		}
	}
	return false
}
