package web

import (
	"context"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/dti-platform/dti/assessment"
)

func TestAdminImports_units(t *testing.T) {
	s, fx := newFixtureServer(t)
	t.Cleanup(func() { s.imports.close() })
	ck := fx.signIn(t, "admin")
	ctx := context.Background()

	// Upload, preview, apply.
	csv := "code,name_vi,type,parent_code\nSO-MOI,Sở Mới,department,\nX-B1,Xã B1,district,H-A\nSO-TC,Sở Tài chính,department,\n"
	resp, body := postMultipart(t, s, "/admin/imports/units", map[string]string{"_csrf": "csrf-admin"}, "đơn vị.csv", []byte(csv), ck)
	if resp.StatusCode != 303 {
		t.Fatalf("upload = %d\n%.500s", resp.StatusCode, body)
	}
	preview := resp.Header.Get("Location")
	if !strings.HasPrefix(preview, "/admin/imports/units/") {
		t.Fatalf("Location = %q", preview)
	}
	resp, body = get(t, s, preview, ck)
	if resp.StatusCode != 200 {
		t.Fatalf("preview = %d", resp.StatusCode)
	}
	doc := parseHTML(t, body)
	for id, want := range map[string]string{"count-create": "2", "count-update": "0", "count-same": "1"} {
		if n := findAll(doc, byAttr("dd", "id", id)); len(n) != 1 || text(n[0]) != want {
			t.Errorf("%s = %v; want %s", id, n, want)
		}
	}
	if len(findAll(doc, byAttr("form", "action", preview))) != 1 {
		t.Fatalf("no apply form on a clean preview")
	}
	if _, err := fx.store.FindUnitByCode(ctx, "SO-MOI"); err == nil {
		t.Fatal("the preview wrote a unit")
	}
	// Another admin cannot use this upload.
	other := &assessment.User{Username: "admin2", FullName: "Admin 2", Lang: "vi", PasswordHash: passwordHash(t), Grants: []assessment.Grant{{Role: assessment.RoleAdmin}}}
	if err := fx.store.CreateUser(ctx, assessment.SystemActor, other); err != nil {
		t.Fatal(err)
	}
	fx.users["admin2"] = other
	if resp, _ := get(t, s, preview, fx.signIn(t, "admin2")); resp.StatusCode != 404 {
		t.Errorf("another admin's preview = %d; want 404", resp.StatusCode)
	}
	resp, body = postForm(t, s, preview, url.Values{"_csrf": {"csrf-admin"}}, ck)
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/admin/units" {
		t.Fatalf("apply = %d %q\n%.500s", resp.StatusCode, resp.Header.Get("Location"), body)
	}
	x, err := fx.store.FindUnitByCode(ctx, "X-B1")
	if err != nil || x.ParentID != fx.units["H-A"].ID {
		t.Errorf("X-B1 = %+v, %v", x, err)
	}
	// The upload is gone after its apply.
	if resp, _ := get(t, s, preview, ck); resp.StatusCode != 404 {
		t.Errorf("preview after apply = %d; want 404", resp.StatusCode)
	}
}

func TestAdminImports_errors(t *testing.T) {
	s, fx := newFixtureServer(t)
	t.Cleanup(func() { s.imports.close() })
	ck := fx.signIn(t, "admin")
	ctx := context.Background()

	tests := []struct {
		name      string
		kind      string
		file      string
		content   []byte
		fields    map[string]string
		errField  string
		errSubstr string
	}{
		{"no file", "units", "", nil, nil, "file", "Cần chọn tệp"},
		{"old Excel", "units", "a.xls", []byte{0xD0, 0xCF, 0x11, 0xE0, 0, 0, 0, 0}, nil, "file", ".xls"},
		{"not UTF-8", "units", "a.csv", []byte("code,name_vi,type\nA,T\xe0i,department\n"), nil, "file", "UTF-8"},
		{"values without a period", "values", "v.csv", []byte("unit_code,NT.07/dvc\nSO-TC,3\n"), map[string]string{"source": "secretariat"}, "period", "kỳ đánh giá"},
		{"values with a bad source", "values", "v.csv", []byte("unit_code,NT.07/dvc\nSO-TC,3\n"), map[string]string{"period": "DTI-2025", "source": "self"}, "source", "nguồn"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := map[string]string{"_csrf": "csrf-admin"}
			for k, v := range tt.fields {
				f[k] = v
			}
			resp, body := postMultipart(t, s, "/admin/imports/"+tt.kind, f, tt.file, tt.content, ck)
			if resp.StatusCode != 422 {
				t.Fatalf("upload = %d; want 422", resp.StatusCode)
			}
			msg := findAll(parseHTML(t, body), byAttr("p", "id", "f-"+tt.errField+"-error"))
			if len(msg) != 1 || !strings.Contains(text(msg[0]), tt.errSubstr) {
				t.Errorf("no error %q next to %s", tt.errSubstr, tt.errField)
			}
		})
	}

	// A file with problems: every problem with its cell; no apply; an
	// apply posted anyway is refused with 422 and writes nothing.
	xf := excelize.NewFile()
	xf.SetSheetRow("Sheet1", "A1", &[]any{"code", "name_vi", "type", "parent_code"})
	xf.SetSheetRow("Sheet1", "A2", &[]any{"SO-OK", "Sở Tốt", "department", ""})
	xf.SetSheetRow("Sheet1", "A3", &[]any{"bad code!", "Sở Lỗi", "department", ""})
	xf.SetSheetRow("Sheet1", "A4", &[]any{"SO-X", "Sở X", "planet", "NOPE"})
	buf, err := xf.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	resp, _ := postMultipart(t, s, "/admin/imports/units", map[string]string{"_csrf": "csrf-admin"}, "units.xlsx", buf.Bytes(), ck)
	if resp.StatusCode != 303 {
		t.Fatalf("upload = %d", resp.StatusCode)
	}
	preview := resp.Header.Get("Location")
	_, body := get(t, s, preview, ck)
	doc := parseHTML(t, body)
	issues := findAll(doc, byAttr("section", "id", "issues"))
	if len(issues) != 1 {
		t.Fatalf("no issues section:\n%s", body)
	}
	for _, cell := range []string{"ô A3", "ô C4", "ô D4"} {
		if !strings.Contains(text(issues[0]), cell) {
			t.Errorf("issues do not name %s: %s", cell, text(issues[0]))
		}
	}
	if len(findAll(doc, byAttr("form", "action", preview))) != 0 {
		t.Errorf("apply offered for a file with problems")
	}
	resp, _ = postForm(t, s, preview, url.Values{"_csrf": {"csrf-admin"}}, ck)
	if resp.StatusCode != 422 {
		t.Errorf("apply of a bad file = %d; want 422", resp.StatusCode)
	}
	if _, err := fx.store.FindUnitByCode(ctx, "SO-OK"); err == nil {
		t.Errorf("a bad file wrote its good row")
	}
}

// The file is checked again on apply: a unit created between preview and
// apply turns a create into an update rather than failing or duplicating.
func TestAdminImports_revalidatedOnApply(t *testing.T) {
	s, fx := newFixtureServer(t)
	t.Cleanup(func() { s.imports.close() })
	ck := fx.signIn(t, "admin")
	ctx := context.Background()
	resp, _ := postMultipart(t, s, "/admin/imports/units", map[string]string{"_csrf": "csrf-admin"}, "u.csv",
		[]byte("code,name_vi,type,parent_code\nX-C1,Xã C1,district,X-C0\n"), ck)
	preview := resp.Header.Get("Location")
	_, body := get(t, s, preview, ck)
	if !strings.Contains(body, "X-C0") || strings.Contains(body, `id="issues"`) == false {
		t.Fatalf("the unknown parent X-C0 is not an issue:\n%.800s", body)
	}
	// The parent appears; the same upload now applies.
	if err := fx.store.CreateUnit(ctx, assessment.SystemActor, &assessment.Unit{Code: "X-C0", NameVI: "Huyện C", Type: "district", Active: true}); err != nil {
		t.Fatal(err)
	}
	resp, body = postForm(t, s, preview, url.Values{"_csrf": {"csrf-admin"}}, ck)
	if resp.StatusCode != 303 {
		t.Fatalf("apply = %d\n%.500s", resp.StatusCode, body)
	}
	if _, err := fx.store.FindUnitByCode(ctx, "X-C1"); err != nil {
		t.Error(err)
	}
}

func TestAdminImports_users(t *testing.T) {
	s, fx := newFixtureServer(t)
	t.Cleanup(func() { s.imports.close() })
	ck := fx.signIn(t, "admin")
	csv := "username,full_name,role,unit_code\nnew.one,Người Một,unit_editor,SO-TC\nnew.one,Người Một,unit_approver,SO-TC\n"
	resp, _ := postMultipart(t, s, "/admin/imports/users", map[string]string{"_csrf": "csrf-admin"}, "users.csv", []byte(csv), ck)
	if resp.StatusCode != 303 {
		t.Fatalf("upload = %d", resp.StatusCode)
	}
	preview := resp.Header.Get("Location")
	resp, body := postForm(t, s, preview, url.Values{"_csrf": {"csrf-admin"}}, ck)
	if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("apply = %d, Cache-Control %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	pw := secretOf(t, body)
	u, err := fx.store.FindUserByUsername(context.Background(), "new.one")
	if err != nil {
		t.Fatal(err)
	}
	if assessment.CheckPassword(u.PasswordHash, pw) != nil || !u.MustChangePassword || len(u.Grants) != 2 {
		t.Errorf("imported user = %+v", u)
	}
}

func TestAdminImports_values(t *testing.T) {
	s, fx := newFixtureServer(t)
	t.Cleanup(func() { s.imports.close() })
	ck := fx.signIn(t, "admin")
	csv := "unit_code,indicator,input,value\nSO-TC,NT.07,dvc,12\nSO-YT,NT.07,dvc,7\n"
	resp, body := postMultipart(t, s, "/admin/imports/values", map[string]string{"_csrf": "csrf-admin", "period": "DTI-2025", "source": "secretariat"},
		"values.csv", []byte(csv), ck)
	if resp.StatusCode != 303 {
		t.Fatalf("upload = %d\n%.600s", resp.StatusCode, body)
	}
	preview := resp.Header.Get("Location")
	_, body = get(t, s, preview, ck)
	if strings.Contains(body, `id="issues"`) {
		t.Fatalf("issues in a good file:\n%s", body)
	}
	resp, _ = postForm(t, s, preview, url.Values{"_csrf": {"csrf-admin"}}, ck)
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/admin/periods" {
		t.Fatalf("apply = %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if got := fx.values(t, "SO-TC")["NT.07/dvc"]; got != "12" {
		t.Errorf("SO-TC NT.07/dvc = %q; want 12", got)
	}
	// The imported value is read-only for the unit.
	sub := fx.submission(t, "SO-TC")
	vals, err := fx.store.FindValues(context.Background(), sub.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vals {
		if v.Indicator == "NT.07" && (!v.Locked || v.Source != "secretariat") {
			t.Errorf("imported value = %+v; want locked, from the secretariat", v)
		}
	}
}

func TestImportStash_bounds(t *testing.T) {
	var st importStash
	t.Cleanup(func() { st.close() })
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	first := &stashed{Kind: "units", UserID: 1}
	if err := st.put(now, first, []byte("a")); err != nil {
		t.Fatal(err)
	}
	if _, data, err := st.get(now, first.ID, "units", 1); err != nil || string(data) != "a" {
		t.Fatalf("get = %q, %v", data, err)
	}
	for _, tc := range []struct {
		name string
		kind string
		user int64
		at   time.Time
	}{
		{"other user", "units", 2, now},
		{"other kind", "users", 1, now},
		{"expired", "units", 1, now.Add(stashTTL + time.Second)},
	} {
		if _, _, err := st.get(tc.at, first.ID, tc.kind, tc.user); err == nil {
			t.Errorf("%s: got the file", tc.name)
		}
	}
	// The stash never holds more than stashMax files.
	for i := range stashMax + 3 {
		if err := st.put(now.Add(time.Duration(i)*time.Second), &stashed{Kind: "units", UserID: 1}, []byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(st.items); n != stashMax {
		t.Errorf("stash holds %d files; want %d", n, stashMax)
	}
}

func TestAdminImports_sample(t *testing.T) {
	s, fx := newFixtureServer(t)
	ck := fx.signIn(t, "admin")
	tests := []struct {
		path   string
		status int
		want   string // the first lines
	}{
		{"/admin/imports/units/sample.csv", 200, "code,name_vi,name_en,type,block,parent_code,active\n"},
		{"/admin/imports/users/sample.csv", 200, "username,full_name,email,lang,role,unit_code,subtree,pillars,disabled\n"},
		// NT.07 is the secretariat's; the test index ranks departments and districts.
		{"/admin/imports/values/sample.csv?period=DTI-2025", 200, "unit_code,NT.07/dvc\nH-A,\nSO-TC,\nSO-YT,\n"},
		{"/admin/imports/values/sample.csv?period=NOPE", 404, ""},
		{"/admin/imports/other/sample.csv", 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, body := get(t, s, tt.path, ck)
			if resp.StatusCode != tt.status {
				t.Fatalf("GET = %d; want %d", resp.StatusCode, tt.status)
			}
			if tt.status != 200 {
				return
			}
			if !strings.HasPrefix(body, "\xEF\xBB\xBF"+tt.want) {
				t.Errorf("sample = %q; want it to start with %q", body, tt.want)
			}
			// The sample is a valid file for its import (read back).
			if _, err := assessment.ReadTable("sample.csv", strings.NewReader(body), nil); err != nil {
				t.Errorf("the sample does not read back: %v", err)
			}
		})
	}
	if resp, _ := get(t, s, "/admin/imports/units/sample.csv", fx.signIn(t, "editor.tc")); resp.StatusCode != 403 {
		t.Errorf("editor gets the sample: %d", resp.StatusCode)
	}
}

// Two applies of one upload at once (a double click): one writes, the
// other finds the upload gone; nothing is written twice.
func TestAdminImports_concurrentApply(t *testing.T) {
	s, fx := newFixtureServer(t)
	t.Cleanup(func() { s.imports.close() })
	ck := fx.signIn(t, "admin")
	resp, _ := postMultipart(t, s, "/admin/imports/users", map[string]string{"_csrf": "csrf-admin"}, "u.csv",
		[]byte("username,full_name,role,unit_code\ntwice,Hai Lần,unit_editor,SO-TC\n"), ck)
	preview := resp.Header.Get("Location")
	codes := make(chan int, 2)
	for range 2 {
		go func() {
			req := httptest.NewRequest("POST", preview, strings.NewReader("_csrf=csrf-admin"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.AddCookie(ck)
			r, err := s.App().Test(req, -1)
			if err != nil {
				codes <- 0
				return
			}
			r.Body.Close()
			codes <- r.StatusCode
		}()
	}
	got := []int{<-codes, <-codes}
	if !(got[0] == 200 && got[1] == 404 || got[0] == 404 && got[1] == 200) {
		t.Errorf("statuses = %v; want one 200 and one 404", got)
	}
	users, _, err := fx.store.FindUsers(context.Background(), assessment.UserFilter{Query: "twice"})
	if err != nil || len(users) != 1 {
		t.Errorf("accounts = %d, %v; want 1", len(users), err)
	}
}
