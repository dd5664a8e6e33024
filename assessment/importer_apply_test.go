package assessment_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/assessment/sqlite"
)

// raceStore is the real SQLite store with a hook that runs just before a
// batch write: it plays another admin whose change lands between Apply's
// fresh preview and the write.
type raceStore struct {
	*sqlite.DB
	before func()
}

func (s *raceStore) ImportUnits(ctx context.Context, actor assessment.Actor, c []assessment.UnitImportCreate, u []assessment.UnitImportUpdate) error {
	if s.before != nil {
		s.before()
	}
	return s.DB.ImportUnits(ctx, actor, c, u)
}

func (s *raceStore) ImportUsers(ctx context.Context, actor assessment.Actor, c []*assessment.User, u []assessment.UserImportUpdate) error {
	if s.before != nil {
		s.before()
	}
	return s.DB.ImportUsers(ctx, actor, c, u)
}

// tableCounts returns the number of rows of every table and the content
// of the units, users, grants and audit tables, as text.
func tableCounts(t testing.TB, db *sqlite.DB) string {
	t.Helper()
	conn, err := sql.Open("sqlite", db.Path()+"?_pragma=query_only(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rows, err := conn.Query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	var b strings.Builder
	for _, tb := range tables {
		var n int
		if err := conn.QueryRow(`SELECT COUNT(*) FROM "` + tb + `"`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s: %d\n", tb, n)
	}
	for _, q := range []string{
		"SELECT id, parent_id, code, name_vi, type, block, attrs, active, updated_at FROM units ORDER BY id",
		"SELECT id, username, full_name, email, disabled, lang, updated_at FROM users ORDER BY id",
		"SELECT user_id, position, role, unit_id, subtree, pillars FROM user_grants ORDER BY user_id, position",
		"SELECT id, action, entity_id, field, from_value, to_value, reason FROM audit_log ORDER BY id",
	} {
		rows, err := conn.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(&b, vals...)
		}
		rows.Close()
	}
	return b.String()
}

func TestImportApply_unitsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	// A child before its parent, an update, and a last row whose code
	// another admin takes between the preview and the write.
	csv := "code,name_vi,type,parent_code\n" +
		"X-KS1,Xã Kim Sơn 1,commune,H-KS\n" +
		"H-KS,Huyện Kim Sơn,district,\n" +
		"SO-TC,Sở Tài chính tỉnh,department,\n" +
		"SO-NEW,Sở mới,department,\n"
	tests := []struct {
		name string
		race func(t *testing.T, db *sqlite.DB)
		want string // English message of the error
	}{
		{"code taken meanwhile", func(t *testing.T, db *sqlite.DB) {
			if err := db.CreateUnit(ctx, admin, &assessment.Unit{Code: "SO-NEW", NameVI: "Sở mới (khác)", Type: "department", Active: true}); err != nil {
				t.Fatal(err)
			}
		}, "nothing was written: line 5 (SO-NEW): the unit code SO-NEW is taken"},
		{"updated unit renamed meanwhile", func(t *testing.T, db *sqlite.DB) {
			so, _ := db.FindUnitByCode(ctx, "SO-TC")
			name := "Sở Tài chính (đổi tên)"
			if _, err := db.UpdateUnit(ctx, admin, so.ID, assessment.UnitUpdate{NameVI: &name}); err != nil {
				t.Fatal(err)
			}
		}, "nothing was written: line 4 (SO-TC): the unit SO-TC changed after the preview; preview again"},
		{"parent code taken meanwhile", func(t *testing.T, db *sqlite.DB) {
			if err := db.CreateUnit(ctx, admin, &assessment.Unit{Code: "H-KS", NameVI: "Huyện Kim Sơn", Type: "district", Active: true}); err != nil {
				t.Fatal(err)
			}
		}, "nothing was written: line 3 (H-KS): the unit code H-KS is taken"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openStore(t)
			if err := db.CreateUnit(ctx, admin, &assessment.Unit{Code: "SO-TC", NameVI: "Sở Tài chính", Type: "department", Active: true}); err != nil {
				t.Fatal(err)
			}
			store := &raceStore{DB: db}
			im := &assessment.Importer{Store: store, Index: importIndex(), Actor: admin}
			p, err := im.PreviewUnits(ctx, readCSV(t, csv))
			if err != nil || !p.OK() {
				t.Fatalf("PreviewUnits: %v %v", err, issueLines(p, "en"))
			}
			var before string
			store.before = func() {
				tt.race(t, db)
				before = tableCounts(t, db)
			}
			res, err := im.Apply(ctx, p)
			if !errors.Is(err, assessment.ErrConflict) {
				t.Fatalf("Apply = %+v, %v; want a conflict", res, err)
			}
			var e *assessment.Error
			if !errors.As(err, &e) || e.Key != "import.row_failed" || e.Message("en") != tt.want {
				t.Errorf("Apply error = %v;\nwant message %q", err, tt.want)
			}
			if e != nil && !strings.HasPrefix(e.Message("vi"), "không ghi gì: dòng ") {
				t.Errorf("Vietnamese message = %q", e.Message("vi"))
			}
			if res != nil {
				t.Errorf("Apply returned a result %+v with its error", res)
			}
			if before == "" {
				t.Fatal("the store's batch write was not reached")
			}
			if after := tableCounts(t, db); after != before {
				t.Errorf("a failed import changed the database:\nbefore:\n%s\nafter:\n%s", before, after)
			}
		})
	}
}

func TestImportApply_unitsParentsInFile(t *testing.T) {
	ctx := context.Background()
	db := openStore(t)
	if err := db.CreateUnit(ctx, admin, &assessment.Unit{Code: "SO-TC", NameVI: "Sở Tài chính", Type: "department", Active: true}); err != nil {
		t.Fatal(err)
	}
	im := &assessment.Importer{Store: db, Index: importIndex(), Actor: admin}
	// Grandchild, child, parent: each row names a parent created by a
	// later row; SO-TC moves under the new district.
	csv := "code,name_vi,type,parent_code,attr.population\n" +
		"X-KS1A,Thôn 1,commune,X-KS1,\n" +
		"X-KS1,Xã Kim Sơn 1,commune,H-KS,4200\n" +
		"H-KS,Huyện Kim Sơn,district,,\n" +
		"SO-TC,Sở Tài chính tỉnh,department,H-KS,\n"
	p, err := im.PreviewUnits(ctx, readCSV(t, csv))
	if err != nil || !p.OK() {
		t.Fatalf("PreviewUnits: %v %v", err, issueLines(p, "en"))
	}
	res, err := im.Apply(ctx, p)
	if err != nil || res.Created != 3 || res.Updated != 1 {
		t.Fatalf("Apply = %+v, %v; want 3 created, 1 updated", res, err)
	}
	units, _, _ := db.FindUnits(ctx, assessment.UnitFilter{})
	code := map[int64]string{}
	for _, u := range units {
		code[u.ID] = u.Code
	}
	var got []string
	for _, u := range units {
		got = append(got, fmt.Sprintf("%s<%s %s %v", u.Code, code[u.ParentID], u.NameVI, u.Attrs))
	}
	want := []string{
		"H-KS< Huyện Kim Sơn map[]",
		"SO-TC<H-KS Sở Tài chính tỉnh map[]",
		"X-KS1<H-KS Xã Kim Sơn 1 map[population:4200]",
		"X-KS1A<X-KS1 Thôn 1 map[]",
	}
	if !slices.Equal(got, want) {
		t.Errorf("units after the import:\n got %q\nwant %q", got, want)
	}
	audit, _, _ := db.FindAudit(ctx, assessment.AuditFilter{Action: "unit."})
	var acts []string
	for _, e := range audit {
		acts = append(acts, e.Action+" "+e.Field+" "+e.To)
	}
	slices.Sort(acts)
	wantActs := []string{
		"unit.created  H-KS Huyện Kim Sơn",
		"unit.created  SO-TC Sở Tài chính",
		"unit.created  X-KS1 Xã Kim Sơn 1",
		"unit.created  X-KS1A Thôn 1",
		"unit.updated name_vi Sở Tài chính tỉnh",
		fmt.Sprintf("unit.updated parent_id %d", units[0].ID),
	}
	if !slices.Equal(acts, wantActs) {
		t.Errorf("audit entries:\n got %q\nwant %q", acts, wantActs)
	}
	// Applying the same file again changes nothing.
	again, err := im.PreviewUnits(ctx, p.Table())
	if err != nil || again.Count(assessment.OpUnchanged) != 4 {
		t.Errorf("preview after apply: %v, changes %v", err, changeLines(again))
	}
}

func TestImportApply_usersAllOrNothing(t *testing.T) {
	ctx := context.Background()
	db := openStore(t)
	so := &assessment.Unit{Code: "SO-TC", NameVI: "Sở Tài chính", Type: "department", Active: true}
	if err := db.CreateUnit(ctx, admin, so); err != nil {
		t.Fatal(err)
	}
	hash, _ := assessment.HashPassword("mật khẩu cũ 123")
	old := &assessment.User{Username: "ttb.hd", FullName: "Trần Thị Bình", PasswordHash: hash,
		Grants: []assessment.Grant{{Role: assessment.RoleReviewer}}}
	if err := db.CreateUser(ctx, admin, old); err != nil {
		t.Fatal(err)
	}
	csv := "username,full_name,role,unit_code,pillars\n" +
		"nva.sotc,Nguyễn Văn An,unit_editor,SO-TC,\n" +
		"ttb.hd,Trần Thị Bình,reviewer,,CQS\n" +
		"lvc.sotc,Lê Văn Cường,unit_approver,SO-TC,\n"
	store := &raceStore{DB: db}
	im := &assessment.Importer{Store: store, Index: importIndex(), Actor: admin}
	p, err := im.PreviewUsers(ctx, readCSV(t, csv))
	if err != nil || !p.OK() {
		t.Fatalf("PreviewUsers: %v %v", err, issueLines(p, "en"))
	}

	// Another admin creates lvc.sotc between the preview and the write.
	var before string
	store.before = func() {
		u := &assessment.User{Username: "lvc.sotc", FullName: "Lê Văn Cường", PasswordHash: hash}
		if err := db.CreateUser(ctx, admin, u); err != nil {
			t.Fatal(err)
		}
		before = tableCounts(t, db)
	}
	res, err := im.Apply(ctx, p)
	var e *assessment.Error
	if !errors.Is(err, assessment.ErrConflict) || !errors.As(err, &e) ||
		e.Message("en") != "nothing was written: line 4 (lvc.sotc): the username lvc.sotc is taken" {
		t.Fatalf("Apply = %+v, %v; want the conflict of line 4", res, err)
	}
	if res != nil {
		t.Errorf("a failed import returned passwords: %+v", res)
	}
	if after := tableCounts(t, db); after != before {
		t.Errorf("a failed import changed the database:\nbefore:\n%s\nafter:\n%s", before, after)
	}

	// With the file fixed (the account exists now: an update), everything
	// is written and the passwords of the new accounts work.
	store.before = nil
	p, err = im.PreviewUsers(ctx, p.Table())
	if err != nil || !p.OK() {
		t.Fatalf("PreviewUsers: %v %v", err, issueLines(p, "en"))
	}
	res, err = im.Apply(ctx, p)
	if err != nil || res.Created != 1 || res.Updated != 2 || len(res.Passwords) != 1 {
		t.Fatalf("Apply = %+v, %v; want 1 created, 2 updated", res, err)
	}
	nva, err := db.FindUserByUsername(ctx, "nva.sotc")
	if err != nil || assessment.CheckPassword(nva.PasswordHash, res.Passwords["nva.sotc"]) != nil || !nva.MustChangePassword {
		t.Errorf("new account %+v: the returned password does not sign in or need not be changed", nva)
	}
	ttb, _ := db.FindUserByUsername(ctx, "ttb.hd")
	if len(ttb.Grants) != 1 || !slices.Equal(ttb.Grants[0].Pillars, []string{"CQS"}) {
		t.Errorf("ttb.hd grants = %+v; want reviewer of CQS", ttb.Grants)
	}
	audit, _, _ := db.FindAudit(ctx, assessment.AuditFilter{Action: "user."})
	var acts []string
	for _, e := range audit {
		acts = append(acts, e.Action+" "+e.Field)
	}
	slices.Sort(acts)
	want := []string{"user.created ", "user.created ", "user.created ", "user.updated grants", "user.updated grants"}
	if !slices.Equal(acts, want) {
		t.Errorf("user audit entries = %q; want %q", acts, want)
	}
}

// TestImportApply_usersPasswords checks that every new account gets its
// own initial password (hashed in parallel) and that each one signs in.
func TestImportApply_usersPasswords(t *testing.T) {
	ctx := context.Background()
	db := openStore(t)
	im := &assessment.Importer{Store: db, Actor: admin}
	csv := "username,full_name,role\n"
	for i := range 5 {
		csv += fmt.Sprintf("user%d,Người dùng %d,viewer\n", i, i)
	}
	p, err := im.PreviewUsers(ctx, readCSV(t, csv))
	if err != nil || !p.OK() {
		t.Fatalf("PreviewUsers: %v %v", err, issueLines(p, "en"))
	}
	res, err := im.Apply(ctx, p)
	if err != nil || res.Created != 5 || len(res.Passwords) != 5 {
		t.Fatalf("Apply = %+v, %v; want 5 accounts with passwords", res, err)
	}
	seen := map[string]bool{}
	for i := range 5 {
		name := fmt.Sprintf("user%d", i)
		pw := res.Passwords[name]
		u, err := db.FindUserByUsername(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		if seen[pw] || assessment.CheckPassword(u.PasswordHash, pw) != nil || !u.MustChangePassword {
			t.Errorf("%s: password %q is repeated or does not sign in (must change: %v)", name, pw, u.MustChangePassword)
		}
		seen[pw] = true
	}
}
