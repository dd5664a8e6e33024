package web

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/dti-platform/dti/assessment"
)

// adminScope is what an admin manages: the whole province (a grant
// without a unit) or the units covered by its admin grants (a district
// admin: the district and, with Subtree, its communes), and the users
// whose every grant lies inside them.
type adminScope struct {
	actor assessment.Actor
	all   bool
	tree  *assessment.UnitTree
}

// requireAnyAdmin lets through users holding the admin role over any
// unit; handlers narrow what they show with adminScopeOf.
func (s *Server) requireAnyAdmin(c *fiber.Ctx) error {
	u := currentUser(c)
	if u == nil {
		return s.requireUser(c)
	}
	if !u.Actor.HasRole(assessment.RoleAdmin) {
		return fiber.ErrForbidden
	}
	return c.Next()
}

// adminScopeOf returns the scope of the signed-in admin with the tree of
// every unit.
func (s *Server) adminScopeOf(ctx context.Context, c *fiber.Ctx) (*adminScope, error) {
	u := currentUser(c)
	if u == nil || !u.Actor.HasRole(assessment.RoleAdmin) {
		return nil, fiber.ErrForbidden
	}
	tree, err := s.cfg.Store.UnitTree(ctx)
	if err != nil {
		return nil, err
	}
	return &adminScope{actor: u.Actor, all: u.Actor.IsAdmin(), tree: tree}, nil
}

// coversUnit reports whether the admin manages the unit with id; id 0
// (the top level, no parent) only for province-wide admins.
func (sc *adminScope) coversUnit(id int64) bool {
	if sc.all {
		return true
	}
	if id == 0 || sc.tree.Unit(id) == nil {
		return false
	}
	return sc.actor.HasRoleFor(assessment.RoleAdmin, id, sc.tree.Ancestors(id))
}

// coversGrant reports whether the admin may hand out g: a province-wide
// admin anything; a subtree admin only grants on its units, and a grant
// with Subtree only when every descendant is its unit too.
func (sc *adminScope) coversGrant(g assessment.Grant) bool {
	if sc.all {
		return true
	}
	if g.UnitID == 0 || !sc.coversUnit(g.UnitID) {
		return false
	}
	if g.Subtree {
		for _, d := range sc.tree.Descendants(g.UnitID) {
			if !sc.coversUnit(d) {
				return false
			}
		}
	}
	return true
}

// coversUser reports whether the admin manages the account u: every
// grant of u lies within the scope (a subtree admin never manages an
// account without grants, which could be anyone's).
func (sc *adminScope) coversUser(u *assessment.User) bool {
	if sc.all {
		return true
	}
	if len(u.Grants) == 0 {
		return false
	}
	for _, g := range u.Grants {
		if !sc.coversGrant(g) {
			return false
		}
	}
	return true
}

// units returns the managed units in tree order (depth first, children
// in code order) with their depth below the nearest managed ancestor.
func (sc *adminScope) units() []scopedUnit {
	var out []scopedUnit
	var walk func(id int64, depth int)
	walk = func(id int64, depth int) {
		for _, c := range sc.tree.Children(id) {
			d := depth
			if sc.coversUnit(c) {
				out = append(out, scopedUnit{Unit: sc.tree.Unit(c), Depth: depth})
				d = depth + 1
			}
			walk(c, d)
		}
	}
	walk(0, 0)
	return out
}

// scopedUnit is a unit in tree order with its depth.
type scopedUnit struct {
	Unit  *assessment.Unit
	Depth int
}

// unitOf returns the managed unit with code, ErrNotFound when there is
// none and ErrForbidden when it lies outside the scope.
func (sc *adminScope) unitOf(ctx context.Context, st assessment.Store, code string) (*assessment.Unit, error) {
	u, err := st.FindUnitByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	if !sc.coversUnit(u.ID) {
		return nil, fiber.ErrForbidden
	}
	return u, nil
}

// validationInto copies the field messages of a *ValidationError into
// errs (renaming fields through rename when it has them) and reports
// whether err was one.
func validationInto(err error, lang string, errs map[string]string, rename map[string]string) bool {
	var verr *assessment.ValidationError
	if !errors.As(err, &verr) {
		return false
	}
	for _, f := range verr.Fields {
		field := f.Field
		if r, ok := rename[field]; ok {
			field = r
		}
		if prev, ok := errs[field]; ok && !strings.Contains(prev, f.Message(lang)) {
			errs[field] = prev + " " + f.Message(lang)
		} else if !ok {
			errs[field] = f.Message(lang)
		}
	}
	return true
}

// saveChecked is the save step of the admin create and edit forms: the
// error of validate (the record's own checks) goes into errs and, when
// errs is then empty, save runs. A validation error of either is copied
// into errs (store field names renamed by rename); any other error of
// save is returned.
func saveChecked(lang string, errs, rename map[string]string, validate, save func() error) error {
	validationInto(validate(), lang, errs, rename)
	if len(errs) > 0 {
		return nil
	}
	if err := save(); !validationInto(err, lang, errs, rename) {
		return err
	}
	return nil
}

// unitOption is an entry of a unit drop-down.
type unitOption struct {
	Code, Label string
	Selected    bool
}

// unitOptions lists the managed units as drop-down entries, indented by
// depth, with the unit whose code is selected marked.
func unitOptions(units []scopedUnit, lang, selected string, skip func(*assessment.Unit) bool) []unitOption {
	out := make([]unitOption, 0, len(units))
	for _, su := range units {
		if skip != nil && skip(su.Unit) {
			continue
		}
		out = append(out, unitOption{
			Code:     su.Unit.Code,
			Label:    strings.Repeat("— ", su.Depth) + su.Unit.Name(lang) + " (" + su.Unit.Code + ")",
			Selected: su.Unit.Code == selected,
		})
	}
	return out
}

// sortedCodes returns the keys of m sorted.
func sortedCodes[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
