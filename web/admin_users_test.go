package web

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/dti-platform/dti/assessment"
)

// secretOf returns the one-time password shown on a page.
func secretOf(t *testing.T, body string) string {
	t.Helper()
	for _, n := range findAll(parseHTML(t, body), func(n *htmlNode) bool { return hasClass(n, "secret") }) {
		return text(n)
	}
	t.Fatalf("no one-time password on the page:\n%.500s", body)
	return ""
}

func TestAdminUsers_list(t *testing.T) {
	s, fx := newFixtureServer(t)
	fx.addDistrictAdmin(t)
	tests := []struct {
		name, user, query string
		want              []string
	}{
		{"district admin sees its subtree's accounts", "admin.ha", "", []string{"admin.ha", "editor.xa1"}},
		{"role filter", "admin", "?role=unit_approver", []string{"approver.tc", "approver.yt"}},
		{"unit filter", "admin", "?unit=SO-YT", []string{"approver.yt", "editor.yt"}},
		{"text filter", "admin", "?q=reset", []string{"reset.user"}},
		{"district admin cannot filter by another unit", "admin.ha", "?unit=SO-TC", []string{"admin.ha", "editor.xa1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := get(t, s, "/admin/users"+tt.query, fx.signIn(t, tt.user))
			if resp.StatusCode != 200 {
				t.Fatalf("GET = %d", resp.StatusCode)
			}
			var got []string
			for _, r := range findAll(parseHTML(t, body), func(n *htmlNode) bool { return n.Data == "th" && attrOr(n, "scope") == "row" }) {
				got = append(got, text(r))
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("users = %v; want %v", got, tt.want)
			}
		})
	}
	// Every account, province-wide.
	_, body := get(t, s, "/admin/users", fx.signIn(t, "admin"))
	if n := strings.Count(body, `<th scope="row">`); n != len(fx.users) {
		t.Errorf("admin sees %d accounts; want %d", n, len(fx.users))
	}
}

func TestAdminUsers_paging(t *testing.T) {
	s, fx := newFixtureServer(t)
	for i := range usersPerPage + 5 {
		u := &assessment.User{Username: "bulk" + strconv.Itoa(100+i), FullName: "Bulk", Lang: "vi", PasswordHash: passwordHash(t),
			Grants: []assessment.Grant{{Role: assessment.RoleViewer}}}
		if err := fx.store.CreateUser(context.Background(), assessment.SystemActor, u); err != nil {
			t.Fatal(err)
		}
	}
	ck := fx.signIn(t, "admin")
	_, body := get(t, s, "/admin/users?q=bulk", ck)
	if n := strings.Count(body, `<th scope="row">`); n != usersPerPage {
		t.Errorf("page 1 rows = %d; want %d", n, usersPerPage)
	}
	if !strings.Contains(body, `href="/admin/users?page=2&amp;q=bulk"`) {
		t.Errorf("no link to page 2")
	}
	_, body = get(t, s, "/admin/users?q=bulk&page=2", ck)
	if n := strings.Count(body, `<th scope="row">`); n != 5 {
		t.Errorf("page 2 rows = %d; want 5", n)
	}
}

func TestAdminUsers_create(t *testing.T) {
	s, fx := newFixtureServer(t)
	fx.addDistrictAdmin(t)
	ctx := context.Background()
	form := func(user string, kv ...string) url.Values {
		v := url.Values{"_csrf": {"csrf-" + user}, "username": {"New.User"}, "full_name": {"Nguyễn Văn Mới"}, "email": {"moi@example.gov.vn"},
			"lang": {"vi"}, "grant_rows": {"2"}, "grant_role_0": {"unit_editor"}, "grant_unit_0": {"X-A1"}}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	tests := []struct {
		name     string
		user     string
		form     url.Values
		status   int
		errField string
	}{
		{"bad e-mail", "admin", form("admin", "email", "not an address"), 422, "email"},
		{"no name", "admin", form("admin", "full_name", ""), 422, "full_name"},
		{"bad username", "admin", form("admin", "username", "a b"), 422, "username"},
		{"taken username", "admin", form("admin", "username", "editor.tc"), 422, "username"},
		{"unknown unit", "admin", form("admin", "grant_unit_0", "NOPE"), 422, "grants"},
		{"unit role without unit", "admin", form("admin", "grant_unit_0", ""), 422, "grants"},
		{"district admin gives a province-wide role", "admin.ha", form("admin.ha", "grant_role_1", "reviewer"), 422, "grants"},
		{"district admin gives a role elsewhere", "admin.ha", form("admin.ha", "grant_unit_0", "SO-TC"), 422, "grants"},
		{"district admin without a grant", "admin.ha", form("admin.ha", "grant_role_0", ""), 422, "grants"},
		{"unknown pillar", "admin", form("admin", "grant_role_1", "reviewer", "grant_pillars_1", "CQS, XYZ"), 422, "grants"},
		{"district admin creates in its subtree", "admin.ha", form("admin.ha"), 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := postForm(t, s, "/admin/users", tt.form, fx.signIn(t, tt.user))
			if resp.StatusCode != tt.status {
				t.Fatalf("POST = %d; want %d\n%.600s", resp.StatusCode, tt.status, body)
			}
			u, err := fx.store.FindUserByUsername(ctx, "new.user")
			if tt.status != 200 {
				if err == nil {
					t.Fatalf("user created despite %d", tt.status)
				}
				if len(findAll(parseHTML(t, body), byAttr("p", "id", "f-"+tt.errField+"-error"))) != 1 {
					t.Errorf("no error next to %s", tt.errField)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control = %q; want no-store", cc)
			}
			pw := secretOf(t, body)
			if assessment.CheckPassword(u.PasswordHash, pw) != nil {
				t.Errorf("the shown password does not sign in")
			}
			if !u.MustChangePassword || u.FullName != "Nguyễn Văn Mới" || len(u.Grants) != 1 || u.Grants[0].UnitID != fx.units["X-A1"].ID {
				t.Errorf("user = %+v", u)
			}
		})
	}
}

func TestAdminUsers_editGrants(t *testing.T) {
	s, fx := newFixtureServer(t)
	fx.addDistrictAdmin(t)
	ctx := context.Background()
	id := func(name string) string { return strconv.FormatInt(fx.users[name].ID, 10) }
	tests := []struct {
		name   string
		user   string
		target string
		form   url.Values
		status int
		check  func(t *testing.T, u *assessment.User)
	}{
		{"admin makes a scoped reviewer", "admin", "viewer", url.Values{"full_name": {"Người xem"}, "lang": {"en"}, "grant_rows": {"3"},
			"grant_role_0": {"reviewer"}, "grant_pillars_0": {"KTS, CQS"}, "grant_role_1": {"viewer"}, "grant_unit_1": {"H-A"}, "grant_subtree_1": {"1"}}, 303,
			func(t *testing.T, u *assessment.User) {
				if len(u.Grants) != 2 || u.Lang != "en" || u.FullName != "Người xem" {
					t.Fatalf("user = %+v", u)
				}
				g := u.Grants[0]
				if g.Role != assessment.RoleReviewer || strings.Join(g.Pillars, ",") != "KTS,CQS" && strings.Join(g.Pillars, ",") != "CQS,KTS" {
					t.Errorf("grant 0 = %+v", g)
				}
			}},
		{"admin cannot change its own roles", "admin", "admin", url.Values{"full_name": {"A"}, "lang": {"vi"}, "grant_rows": {"1"}, "grant_role_0": {"viewer"}}, 422, nil},
		{"district admin on an account elsewhere", "admin.ha", "editor.tc", url.Values{"full_name": {"x"}, "lang": {"vi"}}, 403, nil},
		{"district admin edits its editor", "admin.ha", "editor.xa1", url.Values{"full_name": {"Cán bộ mới"}, "lang": {"vi"}, "grant_rows": {"1"},
			"grant_role_0": {"unit_approver"}, "grant_unit_0": {"X-A1"}}, 303,
			func(t *testing.T, u *assessment.User) {
				if u.FullName != "Cán bộ mới" || len(u.Grants) != 1 || u.Grants[0].Role != assessment.RoleApprover {
					t.Errorf("user = %+v", u)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := fx.store.FindUserByID(ctx, fx.users[tt.target].ID)
			tt.form.Set("_csrf", "csrf-"+tt.user)
			resp, body := postForm(t, s, "/admin/users/"+id(tt.target), tt.form, fx.signIn(t, tt.user))
			if resp.StatusCode != tt.status {
				t.Fatalf("POST = %d; want %d\n%.500s", resp.StatusCode, tt.status, body)
			}
			after, _ := fx.store.FindUserByID(ctx, fx.users[tt.target].ID)
			if tt.check != nil {
				tt.check(t, after)
			} else if after.FullName != before.FullName || len(after.Grants) != len(before.Grants) {
				t.Errorf("refused edit changed the user: %+v", after)
			}
		})
	}
	// The edit form shows the grants and the account actions.
	_, body := get(t, s, "/admin/users/"+id("viewer"), fx.signIn(t, "admin"))
	doc := parseHTML(t, body)
	if len(findAll(doc, byAttr("form", "action", "/admin/users/"+id("viewer")+"/reset-password"))) != 1 {
		t.Errorf("no reset form")
	}
	if sel := findAll(doc, byAttr("select", "name", "grant_unit_1")); len(sel) != 1 || len(findAll(sel[0], func(n *htmlNode) bool {
		return n.Data == "option" && hasAttr(n, "selected") && attrOr(n, "value") == "H-A"
	})) != 1 {
		t.Errorf("grant 1 does not show unit H-A selected")
	}
}

func TestAdminUsers_disableAndReset(t *testing.T) {
	s, fx := newFixtureServer(t)
	ctx := context.Background()
	ck := fx.signIn(t, "admin")
	tc := fx.signIn(t, "editor.tc")
	id := strconv.FormatInt(fx.users["editor.tc"].ID, 10)
	csrf := url.Values{"_csrf": {"csrf-admin"}}

	resp, _ := postForm(t, s, "/admin/users/"+id+"/disable", csrf, ck)
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/admin/users/"+id {
		t.Fatalf("disable = %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if u, _ := fx.store.FindUserByID(ctx, fx.users["editor.tc"].ID); !u.Disabled {
		t.Errorf("not disabled")
	}
	// The disabled user's session ended.
	if resp, _ := get(t, s, tcForm, tc); resp.StatusCode != 303 {
		t.Errorf("disabled user's form = %d; want 303 to sign in", resp.StatusCode)
	}
	if resp, _ := postForm(t, s, "/admin/users/"+id+"/enable", csrf, ck); resp.StatusCode != 303 {
		t.Errorf("enable = %d", resp.StatusCode)
	}
	if u, _ := fx.store.FindUserByID(ctx, fx.users["editor.tc"].ID); u.Disabled {
		t.Errorf("still disabled")
	}

	resp, body := postForm(t, s, "/admin/users/"+id+"/reset-password", csrf, ck)
	if resp.StatusCode != 200 {
		t.Fatalf("reset = %d", resp.StatusCode)
	}
	pw := secretOf(t, body)
	u, _ := fx.store.FindUserByID(ctx, fx.users["editor.tc"].ID)
	if assessment.CheckPassword(u.PasswordHash, pw) != nil || !u.MustChangePassword {
		t.Errorf("reset password does not sign in or is not forced to change: %+v", u)
	}
	// The new password signs in and leads to the forced change.
	if r := login(t, s, "editor.tc", pw, ""); r.StatusCode != 303 || r.Header.Get("Location") == "" {
		t.Errorf("sign-in with the one-time password = %d", r.StatusCode)
	}

	// An admin never disables or resets itself here.
	self := strconv.FormatInt(fx.users["admin"].ID, 10)
	for _, action := range []string{"disable", "reset-password"} {
		if resp, _ := postForm(t, s, "/admin/users/"+self+"/"+action, csrf, ck); resp.StatusCode != 403 {
			t.Errorf("%s self = %d; want 403", action, resp.StatusCode)
		}
	}
	// Without the CSRF token nothing happens.
	if resp, _ := postForm(t, s, "/admin/users/"+id+"/disable", url.Values{}, ck); resp.StatusCode != 403 {
		t.Errorf("disable without CSRF = %d; want 403", resp.StatusCode)
	}
	if u, _ := fx.store.FindUserByID(ctx, fx.users["editor.tc"].ID); u.Disabled {
		t.Errorf("disabled without CSRF")
	}
}
