package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/dti-platform/dti/assessment"
)

type htmlNode = html.Node

// addDistrictAdmin adds to the fixture a sub-unit X-A1 under H-A, an admin
// of the H-A subtree ("admin.ha") and an editor of X-A1 ("editor.xa1").
func (fx *fixture) addDistrictAdmin(t testing.TB) {
	t.Helper()
	ctx := context.Background()
	sys := assessment.SystemActor
	xa := &assessment.Unit{Code: "X-A1", NameVI: "Xã A1", NameEN: "Commune A1", Type: "district",
		ParentID: fx.units["H-A"].ID, Active: true}
	if err := fx.store.CreateUnit(ctx, sys, xa); err != nil {
		t.Fatal(err)
	}
	fx.units[xa.Code] = xa
	for _, u := range []*assessment.User{
		{Username: "admin.ha", FullName: "Quản trị huyện A", Grants: []assessment.Grant{{Role: assessment.RoleAdmin, UnitID: fx.units["H-A"].ID, Subtree: true}}},
		{Username: "editor.xa1", FullName: "Cán bộ xã A1", Grants: []assessment.Grant{{Role: assessment.RoleEditor, UnitID: xa.ID}}},
	} {
		u.Lang, u.PasswordHash = "vi", passwordHash(t)
		if err := fx.store.CreateUser(ctx, sys, u); err != nil {
			t.Fatal(err)
		}
		fx.users[u.Username] = u
	}
}

// rowsOf returns the texts of the rows of the first data table's body.
func rowsOf(t *testing.T, body string) []string {
	t.Helper()
	var out []string
	for _, tr := range findAll(parseHTML(t, body), func(n *htmlNode) bool { return n.Data == "tr" && n.Parent != nil && n.Parent.Data == "tbody" }) {
		out = append(out, text(tr))
	}
	return out
}

func TestAdminUnits_tree(t *testing.T) {
	s, fx := newFixtureServer(t)
	fx.addDistrictAdmin(t)
	tests := []struct {
		user string
		want []string // unit codes in order
	}{
		{"admin", []string{"H-A", "X-A1", "SO-TC", "SO-YT"}},
		{"admin.ha", []string{"H-A", "X-A1"}},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			resp, body := get(t, s, "/admin/units", fx.signIn(t, tt.user))
			if resp.StatusCode != 200 {
				t.Fatalf("GET /admin/units = %d", resp.StatusCode)
			}
			doc := parseHTML(t, body)
			var got []string
			for _, c := range findAll(doc, func(n *htmlNode) bool { return n.Data == "code" }) {
				got = append(got, text(c))
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("units = %v; want %v", got, tt.want)
			}
			if len(findAll(doc, func(n *htmlNode) bool { return n.Data == "tr" && hasClass(n, "tree-d1") })) != 1 {
				t.Errorf("X-A1 is not indented under H-A")
			}
		})
	}
	// The search flattens the tree.
	_, body := get(t, s, "/admin/units?q=t%C3%A0i+ch%C3%ADnh", fx.signIn(t, "admin"))
	if rows := rowsOf(t, body); len(rows) != 1 || !strings.Contains(rows[0], "SO-TC") {
		t.Errorf("search rows = %q; want SO-TC only", rows)
	}
}

func TestAdminUnits_create(t *testing.T) {
	s, fx := newFixtureServer(t)
	fx.addDistrictAdmin(t)
	form := func(kv ...string) url.Values {
		v := url.Values{"code": {"SO-BAD"}, "name_vi": {"Sở Mới"}, "name_en": {"New department"}, "type": {"department"}, "active": {"1"}}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	tests := []struct {
		name      string
		user      string
		form      url.Values
		status    int
		errField  string // the field whose error must show
		errSubstr string
	}{
		{"created", "admin", form("code", "SO-NEW", "attrs", "population=1200\n\nzone = north"), 303, "", ""},
		{"name missing", "admin", form("name_vi", " "), 422, "name_vi", "tên tiếng Việt"},
		{"bad code", "admin", form("code", "sở mới"), 422, "code", "Mã đơn vị"},
		{"duplicate code", "admin", form("code", "SO-TC"), 422, "code", "đã được dùng"},
		{"unknown type", "admin", form("type", "province"), 422, "type", "không có loại"},
		{"unknown block", "admin", form("block", "NOPE"), 422, "block", "không có khối"},
		{"bad attributes", "admin", form("attrs", "population=1\nno equals sign"), 422, "attrs", "Dòng 2"},
		{"unknown parent", "admin", form("parent", "NOPE"), 422, "parent", "không tồn tại"},
		{"district admin at top level", "admin.ha", form("code", "X-A2"), 422, "parent", "phạm vi"},
		{"district admin under another unit", "admin.ha", form("code", "X-A2", "parent", "SO-TC"), 422, "parent", "ngoài phạm vi"},
		{"district admin in its subtree", "admin.ha", form("code", "X-A2", "parent", "X-A1", "type", "district"), 303, "", ""},
		{"editor", "editor.tc", form("code", "X-A3"), 403, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.form.Set("_csrf", "csrf-"+tt.user)
			resp, body := postForm(t, s, "/admin/units", tt.form, fx.signIn(t, tt.user))
			if resp.StatusCode != tt.status {
				t.Fatalf("POST /admin/units = %d; want %d\n%.400s", resp.StatusCode, tt.status, body)
			}
			code := tt.form.Get("code")
			_, err := fx.store.FindUnitByCode(context.Background(), code)
			if tt.status == 303 {
				if loc := resp.Header.Get("Location"); loc != "/admin/units" {
					t.Errorf("Location = %q", loc)
				}
				if err != nil {
					t.Errorf("unit %s not created: %v", code, err)
				}
				return
			}
			if code != "SO-TC" && err == nil {
				t.Errorf("unit %s created despite status %d", code, tt.status)
			}
			if tt.errField != "" {
				doc := parseHTML(t, body)
				msgs := findAll(doc, byAttr("p", "id", "f-"+tt.errField+"-error"))
				if len(msgs) != 1 || !strings.Contains(text(msgs[0]), tt.errSubstr) {
					t.Errorf("no error %q next to %s in:\n%s", tt.errSubstr, tt.errField, body)
				}
			}
		})
	}
	u, err := fx.store.FindUnitByCode(context.Background(), "SO-NEW")
	if err != nil {
		t.Fatal(err)
	}
	if u.Attrs["population"] != "1200" || u.Attrs["zone"] != "north" || u.NameEN != "New department" || !u.Active {
		t.Errorf("created unit = %+v", u)
	}
	x, err := fx.store.FindUnitByCode(context.Background(), "X-A2")
	if err != nil || x.ParentID != fx.units["X-A1"].ID {
		t.Errorf("X-A2 = %+v, %v; want under X-A1", x, err)
	}
}

func TestAdminUnits_edit(t *testing.T) {
	s, fx := newFixtureServer(t)
	fx.addDistrictAdmin(t)
	ctx := context.Background()
	// A unit of a type the test index does not have (as after a reform).
	if err := fx.store.CreateUnit(ctx, assessment.SystemActor, &assessment.Unit{Code: "X-OLD", NameVI: "Xã cũ", Type: "commune", Active: true}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		user   string
		unit   string
		form   url.Values
		status int
		check  func(t *testing.T, u *assessment.Unit)
	}{
		{"admin renames and deactivates", "admin", "SO-TC", url.Values{"name_vi": {"Sở Tài chính tỉnh"}, "type": {"department"}, "block": {"SO"}}, 303,
			func(t *testing.T, u *assessment.Unit) {
				if u.NameVI != "Sở Tài chính tỉnh" || u.Active || u.Block != "SO" || u.NameEN != "" {
					t.Errorf("unit = %+v", u)
				}
			}},
		{"admin moves a unit", "admin", "SO-YT", url.Values{"name_vi": {"Sở Y tế"}, "type": {"department"}, "parent": {"H-A"}, "active": {"1"}}, 303,
			func(t *testing.T, u *assessment.Unit) {
				if u.ParentID != fx.units["H-A"].ID {
					t.Errorf("parent = %d", u.ParentID)
				}
			}},
		{"cycle", "admin", "H-A", url.Values{"name_vi": {"Huyện A"}, "type": {"district"}, "parent": {"X-A1"}, "active": {"1"}}, 422, nil},
		{"district admin keeps its root at the top", "admin.ha", "H-A", url.Values{"name_vi": {"Huyện A mới"}, "type": {"district"}, "active": {"1"}}, 303,
			func(t *testing.T, u *assessment.Unit) {
				if u.NameVI != "Huyện A mới" || u.ParentID != 0 {
					t.Errorf("unit = %+v", u)
				}
			}},
		{"a type the index dropped is kept", "admin", "X-OLD", url.Values{"name_vi": {"Xã cũ mới"}, "type": {"commune"}, "active": {"1"}}, 303,
			func(t *testing.T, u *assessment.Unit) {
				if u.NameVI != "Xã cũ mới" || u.Type != "commune" {
					t.Errorf("unit = %+v", u)
				}
			}},
		{"but cannot be chosen anew", "admin", "SO-YT", url.Values{"name_vi": {"Sở Y tế"}, "type": {"commune"}, "active": {"1"}}, 422, nil},
		{"district admin on another unit", "admin.ha", "SO-TC", url.Values{"name_vi": {"x"}, "type": {"department"}}, 403, nil},
		{"unknown unit", "admin", "NOPE", url.Values{"name_vi": {"x"}, "type": {"department"}}, 404, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := fx.store.FindUnitByCode(ctx, tt.unit)
			tt.form.Set("_csrf", "csrf-"+tt.user)
			resp, body := postForm(t, s, "/admin/units/"+tt.unit, tt.form, fx.signIn(t, tt.user))
			if resp.StatusCode != tt.status {
				t.Fatalf("POST = %d; want %d\n%.400s", resp.StatusCode, tt.status, body)
			}
			after, _ := fx.store.FindUnitByCode(ctx, tt.unit)
			if tt.check != nil {
				tt.check(t, after)
			} else if before != nil && (after.NameVI != before.NameVI || after.ParentID != before.ParentID) {
				t.Errorf("refused edit changed the unit: %+v", after)
			}
		})
	}
	// The edit page offers only managed parents (SO-YT moved under H-A
	// above), never the unit itself.
	resp, body := get(t, s, "/admin/units/X-A1", fx.signIn(t, "admin.ha"))
	if resp.StatusCode != 200 {
		t.Fatalf("GET edit = %d", resp.StatusCode)
	}
	doc := parseHTML(t, body)
	var opts []string
	for _, o := range findAll(doc, func(n *htmlNode) bool {
		return n.Data == "option" && n.Parent != nil && attrOr(n.Parent, "id") == "f-parent"
	}) {
		opts = append(opts, attrOr(o, "value"))
	}
	if strings.Join(opts, ",") != "H-A,SO-YT" {
		t.Errorf("parent options = %v; want [H-A SO-YT]", opts)
	}
}

func TestAdminUnits_escapesNames(t *testing.T) {
	s, fx := newFixtureServer(t)
	evil := `<script>alert(1)</script>`
	if _, err := fx.store.UpdateUnit(context.Background(), assessment.SystemActor, fx.units["SO-TC"].ID, assessment.UnitUpdate{NameVI: &evil}); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/admin/units", "/admin/units/SO-TC", "/admin/users"} {
		_, body := get(t, s, path, fx.signIn(t, "admin"))
		if strings.Contains(body, evil) {
			t.Errorf("%s shows the unit name unescaped", path)
		}
	}
}

// TestAdminScopeMatrix checks what an admin of the H-A subtree reaches:
// its units, accounts and forms, nothing of other units, and none of the
// province-wide pages.
func TestAdminScopeMatrix(t *testing.T) {
	s, fx := newFixtureServer(t)
	fx.addDistrictAdmin(t)
	t.Cleanup(func() { s.imports.close() })
	ck := fx.signIn(t, "admin.ha")
	id := func(name string) string { return jsonNum(fx.users[name].ID) }
	tests := []struct {
		method, path string
		form         url.Values
		want         int
	}{
		{"GET", "/admin/units", nil, 200},
		{"GET", "/admin/units/H-A", nil, 200},
		{"GET", "/admin/units/X-A1", nil, 200},
		{"GET", "/admin/units/SO-TC", nil, 403},
		{"POST", "/admin/units/SO-TC", url.Values{"name_vi": {"x"}, "type": {"department"}}, 403},
		{"GET", "/admin/units/new", nil, 200},
		{"GET", "/admin/users", nil, 200},
		{"GET", "/admin/users/new", nil, 200},
		{"GET", "/admin/users/" + id("editor.xa1"), nil, 200},
		{"GET", "/admin/users/" + id("editor.tc"), nil, 403},
		{"GET", "/admin/users/" + id("admin"), nil, 403},
		{"POST", "/admin/users/" + id("editor.tc") + "/disable", url.Values{}, 403},
		{"POST", "/admin/users/" + id("editor.tc") + "/reset-password", url.Values{}, 403},
		{"POST", "/admin/users/" + id("admin") + "/disable", url.Values{}, 403},
		{"GET", "/admin/users/999999", nil, 404},
		{"GET", "/periods/DTI-2025/units/X-A1/form", nil, 200},
		{"GET", "/periods/DTI-2025/units/SO-TC/form", nil, 403},
		{"GET", "/admin/periods", nil, 403},
		{"GET", "/admin/audit", nil, 403},
		{"GET", "/admin/audit/export.csv", nil, 403},
		{"GET", "/admin/imports/units", nil, 403},
		{"POST", "/admin/imports/units", url.Values{}, 403},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			var resp *http.Response
			if tt.method == "POST" {
				tt.form.Set("_csrf", "csrf-admin.ha")
				resp, _ = postForm(t, s, tt.path, tt.form, ck)
			} else {
				resp, _ = get(t, s, tt.path, ck)
			}
			if resp.StatusCode != tt.want {
				t.Errorf("%s %s as admin.ha = %d; want %d", tt.method, tt.path, resp.StatusCode, tt.want)
			}
		})
	}
	if u, _ := fx.store.FindUserByID(context.Background(), fx.users["editor.tc"].ID); u.Disabled {
		t.Errorf("a refused request disabled editor.tc")
	}
}

func TestAdminScope_grants(t *testing.T) {
	fx := newFixture(t)
	fx.addDistrictAdmin(t)
	tree, err := fx.store.UnitTree(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ha, xa, tc := fx.units["H-A"].ID, fx.units["X-A1"].ID, fx.units["SO-TC"].ID
	scope := func(g assessment.Grant) *adminScope {
		a := assessment.Actor{Username: "a", Grants: []assessment.Grant{g}}
		return &adminScope{actor: a, all: a.IsAdmin(), tree: tree}
	}
	subtree := scope(assessment.Grant{Role: assessment.RoleAdmin, UnitID: ha, Subtree: true})
	single := scope(assessment.Grant{Role: assessment.RoleAdmin, UnitID: ha})
	province := scope(assessment.Grant{Role: assessment.RoleAdmin})
	tests := []struct {
		name  string
		sc    *adminScope
		grant assessment.Grant
		want  bool
	}{
		{"province admin gives anything", province, assessment.Grant{Role: assessment.RoleAdmin}, true},
		{"subtree admin, a commune role", subtree, assessment.Grant{Role: assessment.RoleEditor, UnitID: xa}, true},
		{"subtree admin, its district with sub-units", subtree, assessment.Grant{Role: assessment.RoleAdmin, UnitID: ha, Subtree: true}, true},
		{"subtree admin, province-wide", subtree, assessment.Grant{Role: assessment.RoleViewer}, false},
		{"subtree admin, another unit", subtree, assessment.Grant{Role: assessment.RoleEditor, UnitID: tc}, false},
		{"single-unit admin, its unit", single, assessment.Grant{Role: assessment.RoleEditor, UnitID: ha}, true},
		{"single-unit admin, its unit with sub-units", single, assessment.Grant{Role: assessment.RoleAdmin, UnitID: ha, Subtree: true}, false},
		{"single-unit admin, a sub-unit", single, assessment.Grant{Role: assessment.RoleEditor, UnitID: xa}, false},
	}
	for _, tt := range tests {
		if got := tt.sc.coversGrant(tt.grant); got != tt.want {
			t.Errorf("%s: coversGrant(%+v) = %v; want %v", tt.name, tt.grant, got, tt.want)
		}
	}
	if subtree.coversUser(&assessment.User{}) {
		t.Errorf("a subtree admin manages an account without grants")
	}
	if subtree.coversUnit(0) || !province.coversUnit(0) {
		t.Errorf("only province-wide admins manage the top level")
	}
}

func TestAdminUnits_auditLinks(t *testing.T) {
	s, fx := newFixtureServer(t)
	fx.addDistrictAdmin(t)
	tests := []struct {
		user, path, link string
		want             bool
	}{
		{"admin", "/admin/units/H-A", "/admin/audit?unit=H-A", true},
		{"admin", "/admin/users/" + jsonNum(fx.users["editor.tc"].ID), "/admin/audit?actor=editor.tc", true},
		// The audit log is the province's: district admins get no link.
		{"admin.ha", "/admin/units/H-A", "/admin/audit?unit=H-A", false},
		{"admin.ha", "/admin/users/" + jsonNum(fx.users["editor.xa1"].ID), "/admin/audit?actor=editor.xa1", false},
	}
	for _, tt := range tests {
		_, body := get(t, s, tt.path, fx.signIn(t, tt.user))
		got := len(findAll(parseHTML(t, body), byAttr("a", "href", tt.link))) == 1
		if got != tt.want {
			t.Errorf("%s as %s: link to %s = %v; want %v", tt.path, tt.user, tt.link, got, tt.want)
		}
	}
}
