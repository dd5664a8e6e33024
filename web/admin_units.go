package web

import (
	"errors"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/dti-platform/dti/assessment"
)

// adminUnitsView is the tree of the units an admin manages.
type adminUnitsView struct {
	Rows []adminUnitRow
	// Query filters the rows by code or name (a flat list then).
	Query    string
	Inactive int
	// Count and InactiveCount are the numbers in the page language.
	Count, InactiveCount string
	// CanImport: province-wide admins import units from a file.
	CanImport bool
	// CanCreate: the admin manages at least one unit to create under, or
	// the whole province.
	CanCreate bool
	// Labels are the texts repeated on every row, translated once.
	Labels struct{ BlockAuto, Active, Inactive, Edit, AddChild string }
}

type adminUnitRow struct {
	Code, Name, NameOther string
	Depth                 int
	Type, Block           string
	Active                bool
	Children              int
}

// adminUnits shows the managed units as a tree (province → departments,
// districts → communes) with type, block and whether they are active.
func (s *Server) adminUnits(c *fiber.Ctx) error {
	ctx := c.UserContext()
	sc, err := s.adminScopeOf(ctx, c)
	if err != nil {
		return err
	}
	l := s.localizer(c)
	v := adminUnitsView{Query: strings.TrimSpace(c.Query("q")), CanImport: sc.all}
	v.Labels.BlockAuto, v.Labels.Active, v.Labels.Inactive = l.T("admin.units.block_auto"), l.T("admin.units.is_active"), l.T("admin.units.is_inactive")
	v.Labels.Edit, v.Labels.AddChild = l.T("admin.edit"), l.T("admin.units.add_child")
	q := assessment.Fold(v.Query)
	other := "en"
	if l.Lang == "en" {
		other = "vi"
	}
	for _, su := range sc.units() {
		u := su.Unit
		if q != "" && !strings.Contains(assessment.Fold(u.Code+" "+u.NameVI+" "+u.NameEN), q) {
			continue
		}
		row := adminUnitRow{
			Code: u.Code, Name: u.Name(l.Lang), Depth: min(su.Depth, 4),
			Type: s.unitTypeName(u.Type, l.Lang), Block: s.blockName(u.Block, l.Lang), Active: u.Active,
			Children: len(sc.tree.Children(u.ID)),
		}
		if n := u.Name(other); n != row.Name {
			row.NameOther = n
		}
		if q != "" {
			row.Depth = 0
		}
		if !u.Active {
			v.Inactive++
		}
		v.Rows = append(v.Rows, row)
	}
	v.CanCreate = sc.all || len(v.Rows) > 0 || q != ""
	v.Count, v.InactiveCount = l.Num(float64(len(v.Rows)), 0), l.Num(float64(v.Inactive), 0)
	return s.render(c, fiber.StatusOK, "admin_units", s.newPage(c, "admin.units.title", "admin_units", v))
}

// unitTypeName returns the name of a unit type in the default index, or
// its code.
func (s *Server) unitTypeName(code, lang string) string {
	if s.cfg.Index != nil {
		for _, t := range s.cfg.Index.UnitTypes {
			if t.Code == code {
				return t.Name.In(lang)
			}
		}
	}
	return code
}

// blockName returns the name of a ranking block in the default index, or
// its code.
func (s *Server) blockName(code, lang string) string {
	if s.cfg.Index != nil && code != "" {
		for _, b := range s.cfg.Index.Blocks {
			if b.Code == code {
				return b.Name.In(lang)
			}
		}
	}
	return code
}

// unitEditView is the data of the unit create and edit form.
type unitEditView struct {
	// Edit is true for an existing unit (its code cannot change).
	Edit                 bool
	Code, NameVI, NameEN string
	Parent, Type, Block  string
	Attrs                string
	Active               bool
	Parents              []unitOption
	TopLevel             bool // the top level may be chosen
	Types, Blocks        []codeOption
	Errors               map[string]string
	Action, Heading      string
	// AuditURL lists the unit's audit entries (province-wide admins).
	AuditURL string
}

// codeOption is an entry of a drop-down of codes.
type codeOption struct {
	Code, Label string
	Selected    bool
}

// newUnitPage shows the form that creates a unit.
func (s *Server) newUnitPage(c *fiber.Ctx) error {
	v := unitEditView{Active: true, Parent: c.Query("parent")}
	return s.renderUnitForm(c, fiber.StatusOK, v, nil)
}

// editUnitPage shows the form that edits a managed unit.
func (s *Server) editUnitPage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	sc, err := s.adminScopeOf(ctx, c)
	if err != nil {
		return err
	}
	u, err := sc.unitOf(ctx, s.cfg.Store, c.Params("unit"))
	if err != nil {
		return err
	}
	v := unitEditView{
		Edit: true, Code: u.Code, NameVI: u.NameVI, NameEN: u.NameEN,
		Type: u.Type, Block: u.Block, Attrs: formatAttrs(u.Attrs), Active: u.Active,
	}
	if p := sc.tree.Unit(u.ParentID); p != nil {
		v.Parent = p.Code
	}
	return s.renderUnitForm(c, fiber.StatusOK, v, sc)
}

func (s *Server) renderUnitForm(c *fiber.Ctx, status int, v unitEditView, sc *adminScope) error {
	ctx := c.UserContext()
	if sc == nil {
		var err error
		if sc, err = s.adminScopeOf(ctx, c); err != nil {
			return err
		}
	}
	l := s.localizer(c)
	// self is the unit being edited (nil when creating).
	var self *assessment.Unit
	if v.Edit {
		if u, err := s.cfg.Store.FindUnitByCode(ctx, v.Code); err == nil {
			self = u
		}
	}
	v.TopLevel = sc.all || (self != nil && self.ParentID == 0)
	v.Parents = unitOptions(sc.units(), l.Lang, v.Parent, func(u *assessment.Unit) bool {
		// A unit cannot move under itself or its descendants.
		return self != nil && sc.tree.IsWithin(u.ID, self.ID)
	})
	if self != nil && self.ParentID != 0 && !sc.coversUnit(self.ParentID) {
		// The root of a subtree admin's units keeps its parent, which
		// the admin does not manage.
		if p := sc.tree.Unit(self.ParentID); p != nil {
			v.Parents = append([]unitOption{{Code: p.Code, Label: p.Name(l.Lang) + " (" + p.Code + ")", Selected: v.Parent == p.Code}}, v.Parents...)
		}
	}
	seen := map[string]bool{}
	if ix := s.cfg.Index; ix != nil {
		for _, t := range ix.UnitTypes {
			if !t.Enabled && t.Code != v.Type {
				continue
			}
			seen[t.Code] = true
			v.Types = append(v.Types, codeOption{Code: t.Code, Label: t.Name.In(l.Lang), Selected: t.Code == v.Type})
		}
		for _, b := range ix.Blocks {
			v.Blocks = append(v.Blocks, codeOption{Code: b.Code, Label: b.Name.In(l.Lang), Selected: b.Code == v.Block})
		}
	}
	if v.Type != "" && !seen[v.Type] {
		// A type the default index no longer has stays selectable for
		// the units that carry it.
		v.Types = append(v.Types, codeOption{Code: v.Type, Label: v.Type, Selected: true})
	}
	if v.Edit && sc.all {
		v.AuditURL = "/admin/audit?unit=" + url.QueryEscape(v.Code)
	}
	if v.Edit {
		v.Action, v.Heading = "/admin/units/"+v.Code, l.T("admin.units.edit_heading", v.Code)
	} else {
		v.Action, v.Heading = "/admin/units", l.T("admin.units.new_heading")
	}
	pg := s.newPage(c, "admin.units.title", "admin_units", v)
	pg.Title = v.Heading
	return s.render(c, status, "admin_units_form", pg)
}

// unitEditFrom reads the posted unit form.
func unitEditFrom(c *fiber.Ctx) unitEditView {
	return unitEditView{
		Code: strings.TrimSpace(c.FormValue("code")), NameVI: strings.TrimSpace(c.FormValue("name_vi")),
		NameEN: strings.TrimSpace(c.FormValue("name_en")), Parent: strings.TrimSpace(c.FormValue("parent")),
		Type: strings.TrimSpace(c.FormValue("type")), Block: strings.TrimSpace(c.FormValue("block")),
		Attrs: c.FormValue("attrs"), Active: c.FormValue("active") == "1",
		Errors: map[string]string{},
	}
}

// unitFieldNames maps the store's field names to the form's.
var unitFieldNames = map[string]string{"parent_id": "parent"}

// checkUnitForm resolves the parent and attributes of a posted form
// against the admin's scope, recording problems in v.Errors.
// A unit being edited may keep its current parent (curParent, 0 for the
// top level) even outside the scope.
func (s *Server) checkUnitForm(c *fiber.Ctx, sc *adminScope, v *unitEditView, curParent *assessment.Unit) (parentID int64, attrs map[string]string) {
	l := s.localizer(c)
	switch {
	case v.Edit && curParent == nil && v.Parent == "":
	case v.Edit && curParent != nil && v.Parent == curParent.Code:
		parentID = curParent.ID
	case v.Parent == "":
		if !sc.all {
			v.Errors["parent"] = l.T("admin.units.parent_required")
		}
	default:
		p, err := s.cfg.Store.FindUnitByCode(c.UserContext(), v.Parent)
		if err != nil || !sc.coversUnit(p.ID) {
			v.Errors["parent"] = l.T("admin.units.parent_unknown")
		} else {
			parentID = p.ID
		}
	}
	attrs, line := parseAttrs(v.Attrs)
	if line > 0 {
		v.Errors["attrs"] = l.T("admin.units.attrs_bad", line)
	}
	if s.cfg.Index != nil && v.Type != "" {
		found := false
		for _, t := range s.cfg.Index.UnitTypes {
			found = found || t.Code == v.Type
		}
		if !found {
			v.Errors["type"] = l.T("admin.units.type_unknown")
		}
	}
	if s.cfg.Index != nil && v.Block != "" {
		found := false
		for _, b := range s.cfg.Index.Blocks {
			found = found || b.Code == v.Block
		}
		if !found {
			v.Errors["block"] = l.T("admin.units.block_unknown")
		}
	}
	return parentID, attrs
}

// createUnit creates a unit under a managed parent (or at the top level
// for province-wide admins).
func (s *Server) createUnit(c *fiber.Ctx) error {
	ctx := c.UserContext()
	sc, err := s.adminScopeOf(ctx, c)
	if err != nil {
		return err
	}
	l := s.localizer(c)
	v := unitEditFrom(c)
	parentID, attrs := s.checkUnitForm(c, sc, &v, nil)
	u := &assessment.Unit{Code: v.Code, NameVI: v.NameVI, NameEN: v.NameEN, ParentID: parentID,
		Type: v.Type, Block: v.Block, Attrs: attrs, Active: v.Active}
	err = saveChecked(l.Lang, v.Errors, unitFieldNames, u.Validate, func() error {
		err := s.cfg.Store.CreateUnit(ctx, currentUser(c).Actor, u)
		if errors.Is(err, assessment.ErrConflict) {
			v.Errors["code"] = l.T("admin.units.code_taken")
			return nil
		}
		return err
	})
	if err != nil {
		return err
	}
	if len(v.Errors) > 0 {
		return s.renderUnitForm(c, fiber.StatusUnprocessableEntity, v, sc)
	}
	s.setFlash(c, "flash.unit_created")
	return c.Redirect("/admin/units", fiber.StatusSeeOther)
}

// updateUnit changes a managed unit (its code stays).
func (s *Server) updateUnit(c *fiber.Ctx) error {
	ctx := c.UserContext()
	sc, err := s.adminScopeOf(ctx, c)
	if err != nil {
		return err
	}
	old, err := sc.unitOf(ctx, s.cfg.Store, c.Params("unit"))
	if err != nil {
		return err
	}
	l := s.localizer(c)
	v := unitEditFrom(c)
	v.Edit, v.Code = true, old.Code
	parentID, attrs := s.checkUnitForm(c, sc, &v, sc.tree.Unit(old.ParentID))
	// A unit keeps a type or block the current index no longer has until
	// someone changes it.
	if v.Type == old.Type {
		delete(v.Errors, "type")
	}
	if v.Block == old.Block {
		delete(v.Errors, "block")
	}
	if parentID != 0 && sc.tree.IsWithin(parentID, old.ID) {
		v.Errors["parent"] = l.T("admin.units.parent_cycle")
	}
	nu := *old
	nu.NameVI, nu.NameEN, nu.ParentID, nu.Type, nu.Block, nu.Attrs, nu.Active = v.NameVI, v.NameEN, parentID, v.Type, v.Block, attrs, v.Active
	err = saveChecked(l.Lang, v.Errors, unitFieldNames, nu.Validate, func() error {
		_, err := s.cfg.Store.UpdateUnit(ctx, currentUser(c).Actor, old.ID, assessment.UnitUpdate{
			ParentID: &parentID, NameVI: &v.NameVI, NameEN: &v.NameEN, Type: &v.Type, Block: &v.Block,
			Attrs: &attrs, Active: &v.Active,
		})
		return err
	})
	if err != nil {
		return err
	}
	if len(v.Errors) > 0 {
		return s.renderUnitForm(c, fiber.StatusUnprocessableEntity, v, sc)
	}
	s.setFlash(c, "flash.unit_updated")
	return c.Redirect("/admin/units", fiber.StatusSeeOther)
}

// parseAttrs reads "name=value" lines (blank lines skipped); it returns
// the first bad line's number, or 0.
func parseAttrs(text string) (map[string]string, int) {
	attrs := map[string]string{}
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		k, val, ok := strings.Cut(line, "=")
		k, val = strings.TrimSpace(k), strings.TrimSpace(val)
		if !ok || !assessment.ValidCode(k) {
			return nil, i + 1
		}
		attrs[k] = val
	}
	return attrs, 0
}

// formatAttrs writes attributes as sorted "name=value" lines.
func formatAttrs(attrs map[string]string) string {
	var b strings.Builder
	for _, k := range sortedCodes(attrs) {
		b.WriteString(k + "=" + attrs[k] + "\n")
	}
	return b.String()
}
