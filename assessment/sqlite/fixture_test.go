package sqlite_test

import (
	"context"
	"testing"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/assessment/sqlite"
)

// fixture is a small province: two departments, a district with a
// commune, an editor of the first department, a reviewer and an open
// period with the first department's draft submission.
type fixture struct {
	db                   *sqlite.DB
	clock                *clock
	so1, so2, dist, comm *assessment.Unit
	editor, reviewer     *assessment.User
	period               *assessment.Period
	sub                  *assessment.Submission
}

func (f *fixture) editorActor() assessment.Actor { return f.editor.Actor() }

func newFixture(t testing.TB) *fixture {
	t.Helper()
	db, c := MustOpen(t)
	ctx := context.Background()
	f := &fixture{db: db, clock: c}
	mk := func(code, name, typ string, parent int64) *assessment.Unit {
		u := &assessment.Unit{Code: code, NameVI: name, Type: typ, ParentID: parent, Active: true}
		if err := db.CreateUnit(ctx, admin, u); err != nil {
			t.Fatalf("CreateUnit(%s): %v", code, err)
		}
		return u
	}
	f.so1 = mk("SO-TC", "Sở Tài chính", "department", 0)
	f.so2 = mk("SO-YT", "Sở Y tế", "department", 0)
	f.dist = mk("H-CP", "Huyện Cao Phong", "district", 0)
	f.comm = mk("X-BL", "Xã Bắc Phong", "commune", f.dist.ID)
	f.editor = &assessment.User{Username: "editor1", FullName: "Nguyễn Văn An", Lang: "vi", PasswordHash: testHash(t),
		Grants: []assessment.Grant{{Role: assessment.RoleEditor, UnitID: f.so1.ID}}}
	if err := db.CreateUser(ctx, admin, f.editor); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	f.reviewer = &assessment.User{Username: "reviewer1", FullName: "Trần Thị Bình", Lang: "vi", PasswordHash: testHash(t),
		Grants: []assessment.Grant{{Role: assessment.RoleReviewer, Pillars: []string{"CQS"}}}}
	if err := db.CreateUser(ctx, admin, f.reviewer); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	f.period = &assessment.Period{Code: "DTI-2025", Name: "DTI 2025", Year: 2025, Status: assessment.PeriodOpen,
		IndexCode: "PDTI", IndexVersion: "2025.1", IndexHash: "abc123", IndexSource: []byte("index: {code: PDTI}\n")}
	if err := db.CreatePeriod(ctx, admin, f.period); err != nil {
		t.Fatalf("CreatePeriod: %v", err)
	}
	s, err := db.EnsureSubmission(ctx, f.editorActor(), f.period.ID, f.so1.ID)
	if err != nil {
		t.Fatalf("EnsureSubmission: %v", err)
	}
	f.sub = s
	return f
}

var cachedHash string

// testHash returns a valid argon2id hash (computed once: hashing is
// deliberately slow).
func testHash(t testing.TB) string {
	t.Helper()
	if cachedHash == "" {
		h, err := assessment.HashPassword("mật khẩu thử nghiệm")
		if err != nil {
			t.Fatal(err)
		}
		cachedHash = h
	}
	return cachedHash
}

func fp(f float64) *float64 { return &f }

func num(ind, in string, v float64) assessment.ValueChange {
	return assessment.ValueChange{Indicator: ind, Input: in, Text: formatNum(v), Num: fp(v)}
}
