package web

import (
	"context"
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/scoring"
)

// usersPerPage is the page size of the user list.
const usersPerPage = 50

// adminUsersView is the filtered, paged list of the accounts an admin
// manages.
type adminUsersView struct {
	Query, Role, Unit, Status string
	Roles                     []codeOption
	Units                     []unitOption
	Users                     []adminUserRow
	Total                     int
	Pager                     pager
	CanImport                 bool
}

type adminUserRow struct {
	ID                  int64
	Username, FullName  string
	Email               string
	Grants              []string
	Disabled, MustReset bool
	LastLogin           string
}

// pager links the pages of a list.
type pager struct {
	Page, Pages      int
	PrevURL, NextURL string
	From, To, Of     int
	ShowFrom, ShowTo string
	ShowOf           string
}

// newPager computes the page links of total items, size per page, on page
// (1-based) of the list at base with the query q (without the page).
func newPager(total, size, page int, base string, q url.Values) pager {
	p := pager{Page: page, Of: total}
	p.Pages = max(1, (total+size-1)/size)
	p.Page = min(max(1, page), p.Pages)
	p.From = (p.Page - 1) * size
	p.To = min(total, p.From+size)
	link := func(n int) string {
		v := url.Values{}
		for k, vs := range q {
			if len(vs) > 0 && vs[0] != "" {
				v.Set(k, vs[0])
			}
		}
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		}
		if len(v) == 0 {
			return base
		}
		return base + "?" + v.Encode()
	}
	if p.Page > 1 {
		p.PrevURL = link(p.Page - 1)
	}
	if p.Page < p.Pages {
		p.NextURL = link(p.Page + 1)
	}
	return p
}

// localize formats the shown range and total in the page language.
func (p *pager) localize(l *Localizer) {
	p.ShowFrom, p.ShowTo, p.ShowOf = l.Num(float64(p.From+1), 0), l.Num(float64(p.To), 0), l.Num(float64(p.Of), 0)
}

// pageParam reads the page query parameter (1 when absent or bad).
func pageParam(c *fiber.Ctx) int {
	n, err := strconv.Atoi(c.Query("page"))
	if err != nil || n < 1 {
		return 1
	}
	return n
}

// roleOptions lists the roles as drop-down entries in lang.
func roleOptions(l *Localizer, selected string) []codeOption {
	out := make([]codeOption, 0, len(assessment.Roles))
	for _, r := range assessment.Roles {
		out = append(out, codeOption{Code: string(r), Label: l.T("role." + string(r)), Selected: string(r) == selected})
	}
	return out
}

// adminUsers lists the accounts the admin manages, filtered by text,
// role, unit and status, a page at a time.
func (s *Server) adminUsers(c *fiber.Ctx) error {
	ctx := c.UserContext()
	sc, err := s.adminScopeOf(ctx, c)
	if err != nil {
		return err
	}
	l := s.localizer(c)
	v := adminUsersView{
		Query: strings.TrimSpace(c.Query("q")), Role: c.Query("role"), Unit: c.Query("unit"), Status: c.Query("status"),
		CanImport: sc.all,
	}
	f := assessment.UserFilter{Query: v.Query}
	if r := assessment.Role(v.Role); r.Valid() {
		f.Role = &r
	} else {
		v.Role = ""
	}
	switch v.Status {
	case "active", "disabled":
		d := v.Status == "disabled"
		f.Disabled = &d
	default:
		v.Status = ""
	}
	units := sc.units()
	if v.Unit != "" {
		u, err := s.cfg.Store.FindUnitByCode(ctx, v.Unit)
		if err != nil || !sc.coversUnit(u.ID) {
			v.Unit = ""
		} else {
			f.UnitID = &u.ID
		}
	}
	v.Roles = roleOptions(l, v.Role)
	v.Units = unitOptions(units, l.Lang, v.Unit, nil)
	users, _, err := s.cfg.Store.FindUsers(ctx, f)
	if err != nil {
		return err
	}
	users = slices.DeleteFunc(users, func(u *assessment.User) bool { return !sc.coversUser(u) })
	v.Total = len(users)
	v.Pager = newPager(len(users), usersPerPage, pageParam(c), "/admin/users",
		url.Values{"q": {v.Query}, "role": {v.Role}, "unit": {v.Unit}, "status": {v.Status}})
	codes := unitCodes(sc.tree)
	for _, u := range users[v.Pager.From:v.Pager.To] {
		row := adminUserRow{ID: u.ID, Username: u.Username, FullName: u.FullName, Email: u.Email,
			Disabled: u.Disabled, MustReset: u.MustChangePassword}
		if !u.LastLoginAt.IsZero() {
			row.LastLogin = l.DateTime(u.LastLoginAt)
		}
		for _, g := range u.Grants {
			row.Grants = append(row.Grants, grantLabel(l, g, codes))
		}
		v.Users = append(v.Users, row)
	}
	v.Pager.localize(l)
	return s.render(c, fiber.StatusOK, "admin_users", s.newPage(c, "admin.users.title", "admin_users", v))
}

// unitCodes maps unit IDs to codes.
func unitCodes(t *assessment.UnitTree) func(int64) string {
	return func(id int64) string {
		if u := t.Unit(id); u != nil {
			return u.Code
		}
		return "#" + strconv.FormatInt(id, 10)
	}
}

// grantLabel describes a grant in lang: "Quản trị · H-A (và trực thuộc)".
func grantLabel(l *Localizer, g assessment.Grant, code func(int64) string) string {
	s := l.T("role." + string(g.Role))
	if g.UnitID == 0 {
		s += " · " + l.T("admin.users.province")
	} else {
		s += " · " + code(g.UnitID)
		if g.Subtree {
			s += " " + l.T("admin.users.subtree_short")
		}
	}
	if len(g.Pillars) > 0 {
		s += " · " + strings.Join(g.Pillars, ", ")
	}
	return s
}

// userEditView is the data of the user create and edit form.
type userEditView struct {
	Edit                      bool
	ID                        int64
	Username, FullName, Email string
	Lang                      string
	Disabled, Self            bool
	Grants                    []grantRow
	Units                     []unitOption
	Province                  bool // province-wide grants may be given
	Pillars                   string
	Errors                    map[string]string
	Action, Heading           string
	// AuditURL lists what the account did (province-wide admins).
	AuditURL string
}

// grantRow is one line of the grants editor.
type grantRow struct {
	Index   int
	Roles   []codeOption
	Units   []unitOption
	Unit    string
	Subtree bool
	Pillars string
	Error   string
}

// blankGrantRows is how many empty grant lines the form offers.
const blankGrantRows = 2

// newUserPage shows the form that creates an account.
func (s *Server) newUserPage(c *fiber.Ctx) error {
	return s.renderUserForm(c, fiber.StatusOK, userEditView{Lang: "vi"}, nil, nil)
}

// editUserPage shows the form that edits a managed account.
func (s *Server) editUserPage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	sc, u, err := s.managedUser(ctx, c)
	if err != nil {
		return err
	}
	v := userEditView{Edit: true, ID: u.ID, Username: u.Username, FullName: u.FullName, Email: u.Email,
		Lang: u.Lang, Disabled: u.Disabled}
	return s.renderUserForm(c, fiber.StatusOK, v, sc, u.Grants)
}

// managedUser loads the user of the :id parameter and checks that the
// admin manages it (ErrNotFound, ErrForbidden).
func (s *Server) managedUser(ctx context.Context, c *fiber.Ctx) (*adminScope, *assessment.User, error) {
	sc, err := s.adminScopeOf(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, nil, fiber.ErrNotFound
	}
	u, err := s.cfg.Store.FindUserByID(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if !sc.coversUser(u) {
		return nil, nil, fiber.ErrForbidden
	}
	return sc, u, nil
}

// otherManagedUser is managedUser for the actions an admin may not take
// on its own account: that account is refused (ErrForbidden) with the
// message vi / en.
func (s *Server) otherManagedUser(ctx context.Context, c *fiber.Ctx, vi, en string) (*assessment.User, error) {
	_, u, err := s.managedUser(ctx, c)
	if err != nil {
		return nil, err
	}
	if u.ID == currentUser(c).ID {
		return nil, assessment.NewError(assessment.ErrForbidden, "user.self", vi, en)
	}
	return u, nil
}

func (s *Server) renderUserForm(c *fiber.Ctx, status int, v userEditView, sc *adminScope, grants []assessment.Grant) error {
	ctx := c.UserContext()
	if sc == nil {
		var err error
		if sc, err = s.adminScopeOf(ctx, c); err != nil {
			return err
		}
	}
	l := s.localizer(c)
	v.Province = sc.all
	v.Self = v.Edit && v.ID == currentUser(c).ID
	units := sc.units()
	codes := unitCodes(sc.tree)
	if grants != nil {
		v.Grants = nil
		for _, g := range grants {
			row := grantRow{Roles: roleOptions(l, string(g.Role)), Subtree: g.Subtree, Pillars: strings.Join(g.Pillars, ", ")}
			if g.UnitID != 0 {
				row.Unit = codes(g.UnitID)
			}
			v.Grants = append(v.Grants, row)
		}
	}
	for range blankGrantRows {
		v.Grants = append(v.Grants, grantRow{Roles: roleOptions(l, "")})
	}
	for i := range v.Grants {
		v.Grants[i].Index = i
		v.Grants[i].Units = unitOptions(units, l.Lang, v.Grants[i].Unit, nil)
	}
	if s.cfg.Index != nil {
		var ps []string
		for _, p := range s.cfg.Index.Pillars {
			ps = append(ps, p.Code+" ("+p.Name.In(l.Lang)+")")
		}
		v.Pillars = strings.Join(ps, ", ")
	}
	if v.Edit && sc.all {
		v.AuditURL = "/admin/audit?actor=" + url.QueryEscape(v.Username)
	}
	if v.Edit {
		v.Action, v.Heading = "/admin/users/"+strconv.FormatInt(v.ID, 10), l.T("admin.users.edit_heading", v.Username)
	} else {
		v.Action, v.Heading = "/admin/users", l.T("admin.users.new_heading")
	}
	pg := s.newPage(c, "admin.users.title", "admin_users", v)
	pg.Title = v.Heading
	return s.render(c, status, "admin_users_form", pg)
}

// userFormFrom reads the posted user form and its grant lines. Grants it
// cannot resolve (unknown unit, outside the admin's scope) are reported
// on their line; rows without a role are skipped.
func (s *Server) userFormFrom(c *fiber.Ctx, sc *adminScope) (userEditView, []assessment.Grant) {
	l := s.localizer(c)
	v := userEditView{
		Username: strings.ToLower(strings.TrimSpace(c.FormValue("username"))), FullName: strings.TrimSpace(c.FormValue("full_name")),
		Email: strings.TrimSpace(c.FormValue("email")), Lang: c.FormValue("lang"), Errors: map[string]string{},
	}
	rows, _ := strconv.Atoi(c.FormValue("grant_rows"))
	rows = min(max(rows, 0), 50)
	var grants []assessment.Grant
	for i := range rows {
		n := strconv.Itoa(i)
		role := c.FormValue("grant_role_" + n)
		row := grantRow{
			Roles: roleOptions(l, role), Unit: strings.TrimSpace(c.FormValue("grant_unit_" + n)),
			Subtree: c.FormValue("grant_subtree_"+n) == "1", Pillars: strings.TrimSpace(c.FormValue("grant_pillars_" + n)),
		}
		if role == "" {
			continue
		}
		g := assessment.Grant{Role: assessment.Role(role), Subtree: row.Subtree}
		for _, p := range strings.Split(row.Pillars, ",") {
			if p = strings.TrimSpace(p); p != "" && !slices.Contains(g.Pillars, p) {
				g.Pillars = append(g.Pillars, p)
			}
		}
		switch {
		case !g.Role.Valid():
			row.Error = l.T("admin.users.role_unknown")
		case row.Unit != "":
			if u, err := s.cfg.Store.FindUnitByCode(c.UserContext(), row.Unit); err != nil {
				row.Error = l.T("admin.users.unit_unknown")
			} else {
				g.UnitID = u.ID
			}
		}
		if row.Error == "" && !sc.coversGrant(g) {
			row.Error = l.T("admin.users.grant_outside")
		}
		if row.Error == "" && len(g.Pillars) > 0 && s.cfg.Index != nil {
			for _, p := range g.Pillars {
				if !slices.ContainsFunc(s.cfg.Index.Pillars, func(ip scoring.Pillar) bool { return ip.Code == p }) {
					row.Error = l.T("admin.users.pillar_unknown", p)
					break
				}
			}
		}
		if row.Error != "" {
			v.Errors["grants"] = l.T("admin.users.grants_bad")
		}
		v.Grants = append(v.Grants, row)
		grants = append(grants, g)
	}
	return v, grants
}

// createUser creates an account with a one-time password, shown once on
// the answer page; the user must change it at the first sign-in.
func (s *Server) createUser(c *fiber.Ctx) error {
	ctx := c.UserContext()
	sc, err := s.adminScopeOf(ctx, c)
	if err != nil {
		return err
	}
	l := s.localizer(c)
	v, grants := s.userFormFrom(c, sc)
	if !sc.all && len(grants) == 0 {
		v.Errors["grants"] = l.T("admin.users.grant_needed")
	}
	pw, hash, err := initialPassword()
	if err != nil {
		return err
	}
	u := &assessment.User{Username: v.Username, FullName: v.FullName, Email: v.Email, Lang: v.Lang,
		PasswordHash: hash, MustChangePassword: true, Grants: grants}
	err = saveChecked(l.Lang, v.Errors, nil, u.Validate, func() error {
		err := s.cfg.Store.CreateUser(ctx, currentUser(c).Actor, u)
		if errors.Is(err, assessment.ErrConflict) {
			v.Errors["username"] = l.T("admin.users.username_taken")
			return nil
		}
		return err
	})
	if err != nil {
		return err
	}
	if len(v.Errors) > 0 {
		return s.renderUserForm(c, fiber.StatusUnprocessableEntity, v, sc, nil)
	}
	return s.renderSecret(c, u, pw, "admin.users.created")
}

// updateUser changes a managed account's details and grants.
func (s *Server) updateUser(c *fiber.Ctx) error {
	ctx := c.UserContext()
	sc, old, err := s.managedUser(ctx, c)
	if err != nil {
		return err
	}
	l := s.localizer(c)
	v, grants := s.userFormFrom(c, sc)
	v.Edit, v.ID, v.Username, v.Disabled = true, old.ID, old.Username, old.Disabled
	if !sc.all && len(grants) == 0 {
		v.Errors["grants"] = l.T("admin.users.grant_needed")
	}
	if old.ID == currentUser(c).ID && !slices.Equal(grantKeys(old.Grants), grantKeys(grants)) {
		// An admin changing its own roles could lock itself out.
		v.Errors["grants"] = l.T("admin.users.own_grants")
	}
	nu := *old
	nu.FullName, nu.Email, nu.Lang, nu.Grants = v.FullName, v.Email, v.Lang, grants
	err = saveChecked(l.Lang, v.Errors, nil, nu.Validate, func() error {
		if grants == nil {
			grants = []assessment.Grant{}
		}
		_, err := s.cfg.Store.UpdateUser(ctx, currentUser(c).Actor, old.ID, assessment.UserUpdate{
			FullName: &v.FullName, Email: &v.Email, Lang: &v.Lang, Grants: &grants,
		})
		return err
	})
	if err != nil {
		return err
	}
	if len(v.Errors) > 0 {
		return s.renderUserForm(c, fiber.StatusUnprocessableEntity, v, sc, nil)
	}
	s.setFlash(c, "flash.user_updated")
	return c.Redirect("/admin/users", fiber.StatusSeeOther)
}

// grantKeys returns comparable texts of grants, sorted.
func grantKeys(gs []assessment.Grant) []string {
	out := make([]string, 0, len(gs))
	for _, g := range gs {
		p := slices.Clone(g.Pillars)
		slices.Sort(p)
		out = append(out, string(g.Role)+"|"+strconv.FormatInt(g.UnitID, 10)+"|"+strconv.FormatBool(g.Subtree)+"|"+strings.Join(p, ","))
	}
	slices.Sort(out)
	return out
}

// setUserDisabled disables (ending its sessions) or enables a managed
// account; an admin cannot disable itself.
func (s *Server) setUserDisabled(disabled bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ctx := c.UserContext()
		u, err := s.otherManagedUser(ctx, c, "Không thể tự khóa tài khoản của mình.", "you cannot disable your own account")
		if err != nil {
			return err
		}
		if _, err := s.cfg.Store.UpdateUser(ctx, currentUser(c).Actor, u.ID, assessment.UserUpdate{Disabled: &disabled}); err != nil {
			return err
		}
		if disabled {
			s.setFlash(c, "flash.user_disabled")
		} else {
			s.setFlash(c, "flash.user_enabled")
		}
		return c.Redirect("/admin/users/"+strconv.FormatInt(u.ID, 10), fiber.StatusSeeOther)
	}
}

// resetUserPassword gives a managed account a one-time password, shown
// once; the user's sessions end and it must choose its own password at
// the next sign-in. Admins change their own password on the account page.
func (s *Server) resetUserPassword(c *fiber.Ctx) error {
	ctx := c.UserContext()
	u, err := s.otherManagedUser(ctx, c, "Hãy đổi mật khẩu của mình ở trang Đổi mật khẩu.", "change your own password on the password page")
	if err != nil {
		return err
	}
	pw, hash, err := initialPassword()
	if err != nil {
		return err
	}
	if err := s.cfg.Store.SetPassword(ctx, currentUser(c).Actor, u.ID, hash, true, ""); err != nil {
		return err
	}
	return s.renderSecret(c, u, pw, "admin.users.reset_done")
}

// initialPassword makes a one-time password and its hash.
func initialPassword() (pw, hash string, err error) {
	pw, err = assessment.NewInitialPassword()
	if err != nil {
		return "", "", err
	}
	hash, err = assessment.HashPassword(pw)
	if err != nil {
		return "", "", err
	}
	return pw, hash, nil
}

// secretView shows a one-time password.
type secretView struct {
	Message  string
	Username string
	Password string
	UserURL  string
}

// renderSecret answers a POST with the one-time password of u. The page
// is never cached and the password is not kept anywhere: it is shown
// once.
func (s *Server) renderSecret(c *fiber.Ctx, u *assessment.User, pw, msgKey string) error {
	l := s.localizer(c)
	c.Set(fiber.HeaderCacheControl, "no-store")
	v := secretView{Message: l.T(msgKey, u.Username), Username: u.Username, Password: pw,
		UserURL: "/admin/users/" + strconv.FormatInt(u.ID, 10)}
	return s.render(c, fiber.StatusOK, "admin_users_secret", s.newPage(c, "admin.users.secret_title", "admin_users", v))
}
