package sqlite_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/assessment/sqlite"
	"github.com/dti-platform/dti/scoring"
)

// dumpDB renders every row of every table of the database file as text,
// rows sorted within each table, so two states can be compared exactly.
func dumpDB(t testing.TB, db *sqlite.DB) string {
	t.Helper()
	conn, err := sql.Open("sqlite", db.Path()+"?_pragma=query_only(1)")
	if err != nil {
		t.Fatalf("open for dump: %v", err)
	}
	defer conn.Close()
	var tables []string
	rows, err := conn.Query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
	if err != nil {
		t.Fatalf("list tables: %v", err)
	}
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
		rows, err := conn.Query(`SELECT * FROM "` + tb + `"`)
		if err != nil {
			t.Fatalf("dump %s: %v", tb, err)
		}
		cols, _ := rows.Columns()
		var lines []string
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatalf("dump %s: %v", tb, err)
			}
			parts := make([]string, len(vals))
			for i, v := range vals {
				if bs, ok := v.([]byte); ok {
					v = string(bs)
				}
				parts[i] = fmt.Sprintf("%s=%v", cols[i], v)
			}
			lines = append(lines, strings.Join(parts, " "))
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("dump %s: %v", tb, err)
		}
		rows.Close()
		slices.Sort(lines)
		fmt.Fprintf(&b, "== %s (%d rows)\n%s\n", tb, len(lines), strings.Join(lines, "\n"))
	}
	return b.String()
}

// assertSameDB fails when two dumps differ, showing the first differing
// line.
func assertSameDB(t *testing.T, what, got, want string) {
	t.Helper()
	if got == want {
		return
	}
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < max(len(g), len(w)); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			t.Errorf("%s: the database differs at dump line %d:\n got: %s\nwant: %s", what, i+1, gl, wl)
			return
		}
	}
}

func strp(s string) *string { return &s }

func mustUnit(t testing.TB, db *sqlite.DB, code string) *assessment.Unit {
	t.Helper()
	u, err := db.FindUnitByCode(context.Background(), code)
	if err != nil {
		t.Fatalf("FindUnitByCode(%s): %v", code, err)
	}
	return u
}

// TestImportUnits_sameAsOneByOne writes a batch with ImportUnits and the
// same changes with CreateUnit and UpdateUnit on a twin database: both
// databases (units, audit log, every table) must end up identical. The
// batch names parents created by itself.
func TestImportUnits_sameAsOneByOne(t *testing.T) {
	ctx := context.Background()
	batch, single := newFixture(t), newFixture(t)
	assertSameDB(t, "twin fixtures", dumpDB(t, batch.db), dumpDB(t, single.db))
	batch.clock.Add(time.Hour)
	single.clock.Add(time.Hour)

	active := false
	attrs := map[string]string{"population": "31000"}
	creates := []assessment.UnitImportCreate{
		{Unit: &assessment.Unit{Code: "H-KS", NameVI: "Huyện Kim Sơn", Type: "district", Active: true}},
		{Unit: &assessment.Unit{Code: "X-KS1", NameVI: "Xã Kim Sơn 1", Type: "commune", Active: true, Attrs: attrs}, ParentCode: "H-KS"},
		{Unit: &assessment.Unit{Code: "X-CP2", NameVI: "Xã Cao Phong 2", Type: "commune", Active: true}, ParentCode: "H-CP"},
	}
	updates := []assessment.UnitImportUpdate{
		{ID: batch.so2.ID, Old: batch.so2, Update: assessment.UnitUpdate{NameVI: strp("Sở Y tế tỉnh"), Active: &active}},
		// Moved under a unit the batch creates.
		{ID: batch.comm.ID, Old: batch.comm, ParentCode: strp("H-KS")},
		// Moved to the top level.
		{ID: batch.so1.ID, Old: batch.so1, ParentCode: strp(""), Update: assessment.UnitUpdate{Block: strp("SO")}},
	}
	if err := batch.db.ImportUnits(ctx, admin, creates, updates); err != nil {
		t.Fatalf("ImportUnits: %v", err)
	}
	for _, c := range creates {
		if c.Unit.ID == 0 || !c.Unit.CreatedAt.Equal(testNow.Add(time.Hour)) {
			t.Errorf("created unit %s: ID %d, CreatedAt %v", c.Unit.Code, c.Unit.ID, c.Unit.CreatedAt)
		}
	}
	hks := mustUnit(t, batch.db, "H-KS")
	for code, parent := range map[string]int64{"X-KS1": hks.ID, "X-CP2": batch.dist.ID, "X-BL": hks.ID, "SO-TC": 0} {
		if u := mustUnit(t, batch.db, code); u.ParentID != parent {
			t.Errorf("unit %s: parent %d; want %d", code, u.ParentID, parent)
		}
	}

	// The same changes, one row at a time.
	ks := &assessment.Unit{Code: "H-KS", NameVI: "Huyện Kim Sơn", Type: "district", Active: true}
	if err := single.db.CreateUnit(ctx, admin, ks); err != nil {
		t.Fatal(err)
	}
	for _, u := range []*assessment.Unit{
		{Code: "X-KS1", NameVI: "Xã Kim Sơn 1", Type: "commune", Active: true, Attrs: attrs, ParentID: ks.ID},
		{Code: "X-CP2", NameVI: "Xã Cao Phong 2", Type: "commune", Active: true, ParentID: single.dist.ID},
	} {
		if err := single.db.CreateUnit(ctx, admin, u); err != nil {
			t.Fatalf("CreateUnit(%s): %v", u.Code, err)
		}
	}
	var top int64
	for _, c := range []struct {
		id  int64
		upd assessment.UnitUpdate
	}{
		{single.so2.ID, assessment.UnitUpdate{NameVI: strp("Sở Y tế tỉnh"), Active: &active}},
		{single.comm.ID, assessment.UnitUpdate{ParentID: &ks.ID}},
		{single.so1.ID, assessment.UnitUpdate{ParentID: &top, Block: strp("SO")}},
	} {
		if _, err := single.db.UpdateUnit(ctx, admin, c.id, c.upd); err != nil {
			t.Fatalf("UpdateUnit(%d): %v", c.id, err)
		}
	}
	assertSameDB(t, "ImportUnits against CreateUnit and UpdateUnit", dumpDB(t, batch.db), dumpDB(t, single.db))

	entries, _, err := batch.db.FindAudit(ctx, assessment.AuditFilter{Action: "unit.", From: testNow.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, fmt.Sprintf("%s %d %s %q->%q", e.Action, e.EntityID, e.Field, e.From, e.To))
	}
	slices.Sort(got)
	want := []string{
		`unit.created 5  ""->"H-KS Huyện Kim Sơn"`,
		`unit.created 6  ""->"X-KS1 Xã Kim Sơn 1"`,
		`unit.created 7  ""->"X-CP2 Xã Cao Phong 2"`,
		`unit.updated 1 block ""->"SO"`,
		`unit.updated 2 active "true"->"false"`,
		`unit.updated 2 name_vi "Sở Y tế"->"Sở Y tế tỉnh"`,
		`unit.updated 4 parent_id "3"->"5"`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("audit entries of the import:\n got: %q\nwant: %q", got, want)
	}
}

// TestImportUnits_allOrNothing makes the last item of a batch fail in
// several ways: the database must be exactly as before, the error must
// name the item, and the created units must not keep IDs.
func TestImportUnits_allOrNothing(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		// prepare runs before the batch (a concurrent change); it returns
		// the updates of the batch.
		prepare func(t *testing.T, f *fixture) []assessment.UnitImportUpdate
		creates []assessment.UnitImportCreate
		want    error
		key     string // the *assessment.Error key, if any
		op      assessment.ImportOp
		index   int
	}{
		{
			name: "code taken by a concurrent insert",
			prepare: func(t *testing.T, f *fixture) []assessment.UnitImportUpdate {
				if err := f.db.CreateUnit(ctx, admin, &assessment.Unit{Code: "X-NEW2", NameVI: "Xã mới", Type: "commune", Active: true}); err != nil {
					t.Fatal(err)
				}
				return nil
			},
			creates: []assessment.UnitImportCreate{
				{Unit: &assessment.Unit{Code: "H-NEW", NameVI: "Huyện mới", Type: "district", Active: true}},
				{Unit: &assessment.Unit{Code: "X-NEW1", NameVI: "Xã mới 1", Type: "commune", Active: true}, ParentCode: "H-NEW"},
				{Unit: &assessment.Unit{Code: "X-NEW2", NameVI: "Xã mới 2", Type: "commune", Active: true}, ParentCode: "H-NEW"},
			},
			want: assessment.ErrConflict, key: "unit.taken", op: assessment.OpCreate, index: 2,
		},
		{
			name: "the same code twice in the batch",
			creates: []assessment.UnitImportCreate{
				{Unit: &assessment.Unit{Code: "H-NEW", NameVI: "Huyện mới", Type: "district", Active: true}},
				{Unit: &assessment.Unit{Code: "H-NEW", NameVI: "Huyện mới", Type: "district", Active: true}},
			},
			want: assessment.ErrConflict, key: "unit.taken", op: assessment.OpCreate, index: 1,
		},
		{
			name: "unit renamed since it was read",
			prepare: func(t *testing.T, f *fixture) []assessment.UnitImportUpdate {
				old := *f.so2
				if _, err := f.db.UpdateUnit(ctx, admin, f.so2.ID, assessment.UnitUpdate{NameVI: strp("Sở Y tế (mới)")}); err != nil {
					t.Fatal(err)
				}
				return []assessment.UnitImportUpdate{
					{ID: f.so1.ID, Old: f.so1, Update: assessment.UnitUpdate{NameEN: strp("Department of Finance")}},
					{ID: f.so2.ID, Old: &old, Update: assessment.UnitUpdate{NameEN: strp("Department of Health")}},
				}
			},
			creates: []assessment.UnitImportCreate{
				{Unit: &assessment.Unit{Code: "SO-NEW", NameVI: "Sở mới", Type: "department", Active: true}},
			},
			want: assessment.ErrConflict, key: "import.changed", op: assessment.OpUpdate, index: 1,
		},
		{
			name: "unit moved since it was read",
			prepare: func(t *testing.T, f *fixture) []assessment.UnitImportUpdate {
				old := *f.comm
				var top int64
				if _, err := f.db.UpdateUnit(ctx, admin, f.comm.ID, assessment.UnitUpdate{ParentID: &top}); err != nil {
					t.Fatal(err)
				}
				return []assessment.UnitImportUpdate{{ID: f.comm.ID, Old: &old, Update: assessment.UnitUpdate{NameEN: strp("Bac Phong")}}}
			},
			want: assessment.ErrConflict, key: "import.changed", op: assessment.OpUpdate, index: 0,
		},
		{
			name: "unknown parent code",
			creates: []assessment.UnitImportCreate{
				{Unit: &assessment.Unit{Code: "H-NEW", NameVI: "Huyện mới", Type: "district", Active: true}},
				{Unit: &assessment.Unit{Code: "X-NEW1", NameVI: "Xã mới 1", Type: "commune", Active: true}, ParentCode: "H-NONE"},
			},
			want: assessment.ErrInvalid, op: assessment.OpCreate, index: 1,
		},
		{
			name: "parent created later in the batch",
			creates: []assessment.UnitImportCreate{
				{Unit: &assessment.Unit{Code: "X-NEW1", NameVI: "Xã mới 1", Type: "commune", Active: true}, ParentCode: "H-NEW"},
				{Unit: &assessment.Unit{Code: "H-NEW", NameVI: "Huyện mới", Type: "district", Active: true}},
			},
			want: assessment.ErrInvalid, op: assessment.OpCreate, index: 0,
		},
		{
			name: "a move that makes a cycle",
			prepare: func(t *testing.T, f *fixture) []assessment.UnitImportUpdate {
				return []assessment.UnitImportUpdate{
					{ID: f.so1.ID, Old: f.so1, Update: assessment.UnitUpdate{NameEN: strp("Finance")}},
					{ID: f.dist.ID, Old: f.dist, ParentCode: strp("X-BL")},
				}
			},
			want: assessment.ErrInvalid, op: assessment.OpUpdate, index: 1,
		},
		{
			name: "invalid unit",
			creates: []assessment.UnitImportCreate{
				{Unit: &assessment.Unit{Code: "H-NEW", NameVI: "Huyện mới", Type: "district", Active: true}},
				{Unit: &assessment.Unit{Code: "bad code", NameVI: "", Type: "commune"}},
			},
			want: assessment.ErrInvalid, op: assessment.OpCreate, index: 1,
		},
		{
			name: "unknown unit",
			prepare: func(t *testing.T, f *fixture) []assessment.UnitImportUpdate {
				return []assessment.UnitImportUpdate{{ID: 999, Update: assessment.UnitUpdate{NameEN: strp("x")}}}
			},
			want: assessment.ErrNotFound, op: assessment.OpUpdate, index: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			var updates []assessment.UnitImportUpdate
			if tt.prepare != nil {
				updates = tt.prepare(t, f)
			}
			before := dumpDB(t, f.db)
			f.clock.Add(time.Minute)
			err := f.db.ImportUnits(ctx, admin, tt.creates, updates)
			if !errors.Is(err, tt.want) {
				t.Fatalf("ImportUnits = %v; want %v", err, tt.want)
			}
			var ie *assessment.ImportItemError
			if !errors.As(err, &ie) || ie.Op != tt.op || ie.Index != tt.index {
				t.Errorf("ImportUnits = %#v; want an *ImportItemError for %s item %d", err, tt.op, tt.index)
			}
			var e *assessment.Error
			if tt.key != "" && (!errors.As(err, &e) || e.Key != tt.key) {
				t.Errorf("ImportUnits = %v; want message key %s", err, tt.key)
			}
			assertSameDB(t, "after a failed import", dumpDB(t, f.db), before)
			for _, c := range tt.creates {
				if c.Unit.ID != 0 || c.Unit.ParentID != 0 || !c.Unit.CreatedAt.IsZero() {
					t.Errorf("unit %s kept ID %d, parent %d from a rolled back import", c.Unit.Code, c.Unit.ID, c.Unit.ParentID)
				}
			}
		})
	}
}

// TestImportUsers_sameAsOneByOne compares ImportUsers with CreateUser and
// UpdateUser on a twin database, including the sessions a disabling
// ends.
func TestImportUsers_sameAsOneByOne(t *testing.T) {
	ctx := context.Background()
	batch, single := newFixture(t), newFixture(t)
	for _, f := range []*fixture{batch, single} {
		s := &assessment.Session{ID: strings.Repeat("a", 64), UserID: f.reviewer.ID, CSRFToken: "csrf",
			ExpiresAt: testNow.Add(24 * time.Hour)}
		if err := f.db.CreateSession(ctx, s); err != nil {
			t.Fatal(err)
		}
		f.clock.Add(time.Hour)
	}
	newUsers := func(f *fixture) []*assessment.User {
		return []*assessment.User{
			{Username: "  NVA.SOYT ", FullName: "Nguyễn Văn An", PasswordHash: testHash(t), MustChangePassword: true,
				Grants: []assessment.Grant{{Role: assessment.RoleEditor, UnitID: f.so2.ID}, {Role: assessment.RoleApprover, UnitID: f.so2.ID}}},
			{Username: "lvc.hcp", FullName: "Lê Văn Cường", Lang: "en", PasswordHash: testHash(t), MustChangePassword: true,
				Grants: []assessment.Grant{{Role: assessment.RoleAdmin, UnitID: f.dist.ID, Subtree: true}}},
		}
	}
	disabled := true
	grants := []assessment.Grant{{Role: assessment.RoleEditor, UnitID: batch.so2.ID}}
	creates := newUsers(batch)
	updates := []assessment.UserImportUpdate{
		{ID: batch.editor.ID, Old: batch.editor, Update: assessment.UserUpdate{FullName: strp("Nguyễn Văn Anh"), Grants: &grants}},
		{ID: batch.reviewer.ID, Old: batch.reviewer, Update: assessment.UserUpdate{Disabled: &disabled}},
	}
	if err := batch.db.ImportUsers(ctx, admin, creates, updates); err != nil {
		t.Fatalf("ImportUsers: %v", err)
	}
	if creates[0].ID == 0 || creates[0].Username != "nva.soyt" || creates[0].Lang != "vi" {
		t.Errorf("created user = %+v", creates[0])
	}
	for _, u := range newUsers(single) {
		if err := single.db.CreateUser(ctx, admin, u); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := single.db.UpdateUser(ctx, admin, single.editor.ID, assessment.UserUpdate{FullName: strp("Nguyễn Văn Anh"), Grants: &grants}); err != nil {
		t.Fatal(err)
	}
	if _, err := single.db.UpdateUser(ctx, admin, single.reviewer.ID, assessment.UserUpdate{Disabled: &disabled}); err != nil {
		t.Fatal(err)
	}
	after := dumpDB(t, batch.db)
	assertSameDB(t, "ImportUsers against CreateUser and UpdateUser", after, dumpDB(t, single.db))
	if !strings.Contains(after, "== sessions (0 rows)") {
		t.Errorf("disabling by import left the user's session")
	}
	entries, n, err := batch.db.FindAudit(ctx, assessment.AuditFilter{Action: "user.", From: testNow.Add(time.Hour)})
	if err != nil || n != 5 {
		t.Fatalf("user audit entries: %d, %v; want 2 created + full_name, grants, disabled", n, err)
	}
	for _, e := range entries {
		if e.ActorName != "system" || !e.At.Equal(testNow.Add(time.Hour)) {
			t.Errorf("audit entry %+v: want actor system at the import's time", e)
		}
	}
}

func TestImportUsers_allOrNothing(t *testing.T) {
	ctx := context.Background()
	newUser := func(name string) *assessment.User {
		return &assessment.User{Username: name, FullName: "Người dùng " + name, PasswordHash: "$argon2id$x"}
	}
	tests := []struct {
		name    string
		prepare func(t *testing.T, f *fixture) []assessment.UserImportUpdate
		creates []*assessment.User
		want    error
		key     string
		op      assessment.ImportOp
		index   int
	}{
		{
			name: "username taken by a concurrent insert",
			prepare: func(t *testing.T, f *fixture) []assessment.UserImportUpdate {
				if err := f.db.CreateUser(ctx, admin, newUser("ptd.sotc")); err != nil {
					t.Fatal(err)
				}
				return []assessment.UserImportUpdate{{ID: f.editor.ID, Old: f.editor, Update: assessment.UserUpdate{Email: strp("an@sotc.gov.vn")}}}
			},
			creates: []*assessment.User{newUser("abc.soyt"), newUser("PTD.SOTC")},
			want:    assessment.ErrConflict, key: "user.taken", op: assessment.OpCreate, index: 1,
		},
		{
			name: "grants changed since they were read",
			prepare: func(t *testing.T, f *fixture) []assessment.UserImportUpdate {
				old := *f.reviewer
				gs := []assessment.Grant{{Role: assessment.RoleReviewer}}
				if _, err := f.db.UpdateUser(ctx, admin, f.reviewer.ID, assessment.UserUpdate{Grants: &gs}); err != nil {
					t.Fatal(err)
				}
				return []assessment.UserImportUpdate{
					{ID: f.editor.ID, Old: f.editor, Update: assessment.UserUpdate{Email: strp("an@sotc.gov.vn")}},
					{ID: f.reviewer.ID, Old: &old, Update: assessment.UserUpdate{Lang: strp("en")}},
				}
			},
			creates: []*assessment.User{newUser("abc.soyt")},
			want:    assessment.ErrConflict, key: "import.changed", op: assessment.OpUpdate, index: 1,
		},
		{
			name: "grant on a unit that does not exist",
			prepare: func(t *testing.T, f *fixture) []assessment.UserImportUpdate {
				gs := []assessment.Grant{{Role: assessment.RoleEditor, UnitID: 999}}
				return []assessment.UserImportUpdate{{ID: f.editor.ID, Old: f.editor, Update: assessment.UserUpdate{Grants: &gs}}}
			},
			creates: []*assessment.User{newUser("abc.soyt")},
			want:    assessment.ErrInvalid, op: assessment.OpUpdate, index: 0,
		},
		{
			name:    "invalid user",
			creates: []*assessment.User{newUser("abc.soyt"), {Username: "x", PasswordHash: "h"}},
			want:    assessment.ErrInvalid, op: assessment.OpCreate, index: 1,
		},
		{
			name: "unknown user",
			prepare: func(t *testing.T, f *fixture) []assessment.UserImportUpdate {
				return []assessment.UserImportUpdate{{ID: 999, Update: assessment.UserUpdate{Lang: strp("en")}}}
			},
			creates: []*assessment.User{newUser("abc.soyt")},
			want:    assessment.ErrNotFound, op: assessment.OpUpdate, index: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			var updates []assessment.UserImportUpdate
			if tt.prepare != nil {
				updates = tt.prepare(t, f)
			}
			before := dumpDB(t, f.db)
			err := f.db.ImportUsers(ctx, admin, tt.creates, updates)
			if !errors.Is(err, tt.want) {
				t.Fatalf("ImportUsers = %v; want %v", err, tt.want)
			}
			var ie *assessment.ImportItemError
			if !errors.As(err, &ie) || ie.Op != tt.op || ie.Index != tt.index {
				t.Errorf("ImportUsers = %#v; want an *ImportItemError for %s item %d", err, tt.op, tt.index)
			}
			var e *assessment.Error
			if tt.key != "" && (!errors.As(err, &e) || e.Key != tt.key) {
				t.Errorf("ImportUsers = %v; want message key %s", err, tt.key)
			}
			assertSameDB(t, "after a failed import", dumpDB(t, f.db), before)
			for _, u := range tt.creates {
				if u.ID != 0 {
					t.Errorf("user %s kept ID %d from a rolled back import", u.Username, u.ID)
				}
			}
		})
	}
}

func TestImport_emptyBatch(t *testing.T) {
	f := newFixture(t)
	before := dumpDB(t, f.db)
	if !strings.Contains(before, "== units (4 rows)") || !strings.Contains(before, "== users (2 rows)") {
		t.Fatalf("the dump does not show the fixture's rows:\n%s", before)
	}
	if err := f.db.ImportUnits(context.Background(), admin, nil, nil); err != nil {
		t.Errorf("ImportUnits(nothing) = %v", err)
	}
	if err := f.db.ImportUsers(context.Background(), admin, nil, nil); err != nil {
		t.Errorf("ImportUsers(nothing) = %v", err)
	}
	assertSameDB(t, "after empty imports", dumpDB(t, f.db), before)
}

// TestImportValues_reason checks that the audit entry of every imported
// value gives the source and the import's reason, and that a reason the
// audit log cannot hold is refused before anything is written.
func TestImportValues_reason(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	imp := assessment.CentralImport{PeriodID: f.period.ID, Source: scoring.SourceSystem, Reason: "  Nhập từ tệp dvc-2025.xlsx ",
		Values: []assessment.CentralValue{
			{UnitID: f.so1.ID, ValueChange: num("SYS.01", "uptime", 98)},
			{UnitID: f.so2.ID, ValueChange: num("SYS.01", "uptime", 91)},
		}}
	if n, err := f.db.ImportValues(ctx, admin, imp); err != nil || n != 2 {
		t.Fatalf("ImportValues = %d, %v", n, err)
	}
	entries, _, err := f.db.FindAudit(ctx, assessment.AuditFilter{Action: assessment.ActionValueSet})
	if err != nil || len(entries) != 2 {
		t.Fatalf("value audit entries: %d, %v", len(entries), err)
	}
	for _, e := range entries {
		if want := "source: system; Nhập từ tệp dvc-2025.xlsx"; e.Reason != want {
			t.Errorf("audit reason of %s = %q; want %q", e.Field, e.Reason, want)
		}
	}

	// Without a reason the source alone is recorded.
	imp.Reason, imp.Values = "", []assessment.CentralValue{{UnitID: f.so1.ID, ValueChange: num("SYS.01", "uptime", 97)}}
	if _, err := f.db.ImportValues(ctx, admin, imp); err != nil {
		t.Fatal(err)
	}
	entries, _, _ = f.db.FindAudit(ctx, assessment.AuditFilter{Action: assessment.ActionValueSet, Limit: 1})
	if entries[0].Reason != "source: system" {
		t.Errorf("audit reason without an import reason = %q", entries[0].Reason)
	}

	for _, reason := range []string{"tệp\x1b[31m.xlsx", strings.Repeat("x", 501)} {
		before := dumpDB(t, f.db)
		imp.Reason = reason
		imp.Values = []assessment.CentralValue{{UnitID: f.so1.ID, ValueChange: num("SYS.01", "uptime", 50)}}
		_, err := f.db.ImportValues(ctx, admin, imp)
		var v *assessment.ValidationError
		if !errors.As(err, &v) {
			t.Errorf("ImportValues(reason %.20q) = %v; want a validation error", reason, err)
		} else if _, ok := v.Get("reason"); !ok {
			t.Errorf("ImportValues(reason %.20q) = %v; want the field reason named", reason, err)
		}
		assertSameDB(t, "after a refused reason", dumpDB(t, f.db), before)
	}
}

// BenchmarkImportUnits writes a province-sized units file (a district
// for every 10 communes, 3,500 units) in one ImportUnits, the communes
// naming districts created by the same batch.
func BenchmarkImportUnits(b *testing.B) {
	db, _ := MustOpen(b)
	ctx := context.Background()
	for i := 0; b.Loop(); i++ {
		creates := make([]assessment.UnitImportCreate, 0, 3500)
		var district string
		for n := range 3500 {
			code := fmt.Sprintf("R%d-%04d", i, n)
			c := assessment.UnitImportCreate{Unit: &assessment.Unit{Code: code, NameVI: "Đơn vị " + code, Active: true,
				Attrs: map[string]string{"population": "12000"}}}
			if n%10 == 0 {
				c.Unit.Type, district = "district", code
			} else {
				c.Unit.Type, c.ParentCode = "commune", district
			}
			creates = append(creates, c)
		}
		if err := db.ImportUnits(ctx, admin, creates, nil); err != nil {
			b.Fatal(err)
		}
	}
}
