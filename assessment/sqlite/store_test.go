package sqlite_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/dti-platform/dti/assessment"
)

func TestUnits(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	db := f.db

	tests := []struct {
		name string
		unit assessment.Unit
		want error
	}{
		{"ok", assessment.Unit{Code: "SO-NV", NameVI: "Sở Nội vụ", Type: "department", Active: true,
			Attrs: map[string]string{"population": "1200"}}, nil},
		{"duplicate code", assessment.Unit{Code: "SO-TC", NameVI: "Trùng", Type: "department"}, assessment.ErrConflict},
		{"bad code", assessment.Unit{Code: "bad code!", NameVI: "X", Type: "department"}, assessment.ErrInvalid},
		{"no name", assessment.Unit{Code: "SO-X", Type: "department"}, assessment.ErrInvalid},
		{"unknown parent", assessment.Unit{Code: "X-1", NameVI: "Xã 1", Type: "commune", ParentID: 9999}, assessment.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := tt.unit
			err := db.CreateUnit(ctx, admin, &u)
			if !isErr(err, tt.want) {
				t.Fatalf("CreateUnit(%s) = %v; want %v", tt.unit.Code, err, tt.want)
			}
			if err != nil {
				if _, err := db.FindUnitByCode(ctx, tt.unit.Code); tt.want != assessment.ErrConflict && !errors.Is(err, assessment.ErrNotFound) {
					t.Errorf("after a failed create, FindUnitByCode = %v; want ErrNotFound", err)
				}
				return
			}
			got, err := db.FindUnitByID(ctx, u.ID)
			if err != nil {
				t.Fatalf("FindUnitByID: %v", err)
			}
			if got.Code != u.Code || got.NameVI != u.NameVI || got.Attrs["population"] != "1200" || !got.CreatedAt.Equal(testNow) {
				t.Errorf("FindUnitByID = %+v; want %+v created at %v", got, u, testNow)
			}
		})
	}

	t.Run("not found", func(t *testing.T) {
		if _, err := db.FindUnitByID(ctx, 424242); !errors.Is(err, assessment.ErrNotFound) {
			t.Errorf("FindUnitByID(missing) = %v; want ErrNotFound", err)
		}
		if _, err := db.UpdateUnit(ctx, admin, 424242, assessment.UnitUpdate{}); !errors.Is(err, assessment.ErrNotFound) {
			t.Errorf("UpdateUnit(missing) = %v; want ErrNotFound", err)
		}
	})

	t.Run("update and audit", func(t *testing.T) {
		name := "Sở Tài chính tỉnh"
		inactive := false
		got, err := db.UpdateUnit(ctx, admin, f.so1.ID, assessment.UnitUpdate{NameVI: &name, Active: &inactive})
		if err != nil {
			t.Fatalf("UpdateUnit: %v", err)
		}
		if got.NameVI != name || got.Active {
			t.Errorf("UpdateUnit = %+v", got)
		}
		id := f.so1.ID
		entries, _, err := db.FindAudit(ctx, assessment.AuditFilter{Action: assessment.ActionUnitUpdated, UnitID: &id})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 2 {
			t.Fatalf("audit entries = %d; want 2 (name, active)", len(entries))
		}
		fields := map[string]string{}
		for _, e := range entries {
			fields[e.Field] = e.From + "→" + e.To
		}
		if fields["name_vi"] != "Sở Tài chính→"+name || fields["active"] != "true→false" {
			t.Errorf("audit = %v", fields)
		}
	})

	t.Run("parent cycle refused", func(t *testing.T) {
		p := f.comm.ID
		if _, err := db.UpdateUnit(ctx, admin, f.dist.ID, assessment.UnitUpdate{ParentID: &p}); !errors.Is(err, assessment.ErrInvalid) {
			t.Errorf("making a district the child of its commune = %v; want ErrInvalid", err)
		}
		self := f.dist.ID
		if _, err := db.UpdateUnit(ctx, admin, f.dist.ID, assessment.UnitUpdate{ParentID: &self}); !errors.Is(err, assessment.ErrInvalid) {
			t.Errorf("making a unit its own parent = %v; want ErrInvalid", err)
		}
	})

	t.Run("filter and tree", func(t *testing.T) {
		typ := "department"
		units, total, err := db.FindUnits(ctx, assessment.UnitFilter{Type: &typ, Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		if total != 3 || len(units) != 2 || units[0].Code != "SO-NV" || units[1].Code != "SO-TC" {
			t.Errorf("FindUnits(type=department, limit 2) = %d of %d, first %v", len(units), total, units)
		}
		units, _, _ = db.FindUnits(ctx, assessment.UnitFilter{Query: "cao phong"})
		if len(units) != 1 || units[0].ID != f.dist.ID {
			t.Errorf("FindUnits(query=cao phong) = %v; want the district", units)
		}
		units, _, _ = db.FindUnits(ctx, assessment.UnitFilter{Query: "%"})
		if len(units) != 0 {
			t.Errorf("FindUnits(query=%%) matched %d units; LIKE wildcards must be escaped", len(units))
		}
		tree, err := db.UnitTree(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if a := tree.Ancestors(f.comm.ID); len(a) != 1 || a[0] != f.dist.ID {
			t.Errorf("Ancestors(commune) = %v; want [%d]", a, f.dist.ID)
		}
	})
}

func TestUsers(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	db := f.db

	t.Run("create", func(t *testing.T) {
		tests := []struct {
			name string
			user assessment.User
			want error
		}{
			{"ok upper-case name stored lower", assessment.User{Username: "Approver1", FullName: "Lê Văn C", PasswordHash: testHash(t),
				Grants: []assessment.Grant{{Role: assessment.RoleApprover, UnitID: f.so1.ID}}}, nil},
			{"taken", assessment.User{Username: "EDITOR1", FullName: "X", PasswordHash: testHash(t)}, assessment.ErrConflict},
			{"bad username", assessment.User{Username: "a b", FullName: "X", PasswordHash: testHash(t)}, assessment.ErrInvalid},
			{"unit role without unit", assessment.User{Username: "ed2", FullName: "X", PasswordHash: testHash(t),
				Grants: []assessment.Grant{{Role: assessment.RoleEditor}}}, assessment.ErrInvalid},
			{"grant on unknown unit", assessment.User{Username: "ed3", FullName: "X", PasswordHash: testHash(t),
				Grants: []assessment.Grant{{Role: assessment.RoleEditor, UnitID: 9999}}}, assessment.ErrInvalid},
			{"no password", assessment.User{Username: "ed4", FullName: "X"}, assessment.ErrInvalid},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				u := tt.user
				err := db.CreateUser(ctx, admin, &u)
				if !isErr(err, tt.want) {
					t.Fatalf("CreateUser(%s) = %v; want %v", tt.user.Username, err, tt.want)
				}
				if err != nil {
					return
				}
				got, err := db.FindUserByUsername(ctx, "APPROVER1")
				if err != nil {
					t.Fatalf("FindUserByUsername: %v", err)
				}
				if got.Username != "approver1" || len(got.Grants) != 1 || got.Grants[0].UnitID != f.so1.ID || got.Lang != "vi" {
					t.Errorf("FindUserByUsername = %+v", got)
				}
			})
		}
		// A failed create leaves nothing behind (the grant insert failed
		// after the user row was written, in the same transaction).
		if _, err := db.FindUserByUsername(ctx, "ed3"); !errors.Is(err, assessment.ErrNotFound) {
			t.Errorf("user of a failed create: %v; want ErrNotFound", err)
		}
	})

	t.Run("update grants and disable ends sessions", func(t *testing.T) {
		_, id, _ := assessment.NewSecret("s_")
		if err := db.CreateSession(ctx, &assessment.Session{ID: id, UserID: f.editor.ID, CSRFToken: "c", ExpiresAt: testNow.Add(8 * 3600e9)}); err != nil {
			t.Fatal(err)
		}
		grants := []assessment.Grant{{Role: assessment.RoleApprover, UnitID: f.dist.ID, Subtree: true}}
		yes := true
		u, err := db.UpdateUser(ctx, admin, f.editor.ID, assessment.UserUpdate{Grants: &grants, Disabled: &yes})
		if err != nil {
			t.Fatal(err)
		}
		if !u.Disabled || len(u.Grants) != 1 || !u.Grants[0].Subtree {
			t.Errorf("UpdateUser = %+v", u)
		}
		if _, err := db.FindSession(ctx, id); !errors.Is(err, assessment.ErrNotFound) {
			t.Errorf("session of a disabled user: %v; want ErrNotFound", err)
		}
		role := assessment.RoleApprover
		users, _, _ := db.FindUsers(ctx, assessment.UserFilter{Role: &role})
		if len(users) != 2 || users[0].Username != "approver1" || users[1].ID != f.editor.ID {
			t.Errorf("FindUsers(role approver) = %d users; want approver1 and editor1", len(users))
		}
	})

	t.Run("set password", func(t *testing.T) {
		_, keep, _ := assessment.NewSecret("s_")
		_, other, _ := assessment.NewSecret("s_")
		for _, id := range []string{keep, other} {
			if err := db.CreateSession(ctx, &assessment.Session{ID: id, UserID: f.reviewer.ID, CSRFToken: "c", ExpiresAt: testNow.Add(3600e9)}); err != nil {
				t.Fatal(err)
			}
		}
		h, _ := assessment.HashPassword("một mật khẩu mới dài")
		if err := db.SetPassword(ctx, f.reviewer.Actor(), f.reviewer.ID, h, false, keep); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindSession(ctx, keep); err != nil {
			t.Errorf("kept session: %v", err)
		}
		if _, err := db.FindSession(ctx, other); !errors.Is(err, assessment.ErrNotFound) {
			t.Errorf("other session: %v; want ErrNotFound", err)
		}
		u, _ := db.FindUserByID(ctx, f.reviewer.ID)
		if err := assessment.CheckPassword(u.PasswordHash, "một mật khẩu mới dài"); err != nil {
			t.Errorf("CheckPassword(new) = %v", err)
		}
		if err := db.SetPassword(ctx, admin, 9999, h, true, ""); !errors.Is(err, assessment.ErrNotFound) {
			t.Errorf("SetPassword(missing user) = %v; want ErrNotFound", err)
		}
		if err := db.SetPassword(ctx, admin, f.reviewer.ID, "plain", true, ""); !errors.Is(err, assessment.ErrInvalid) {
			t.Errorf("SetPassword(not a hash) = %v; want ErrInvalid", err)
		}
	})
}

func TestPeriods(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	db := f.db
	p := f.period

	dup := *p
	dup.ID = 0
	if err := db.CreatePeriod(ctx, admin, &dup); !errors.Is(err, assessment.ErrConflict) {
		t.Errorf("CreatePeriod(duplicate code) = %v; want ErrConflict", err)
	}
	bad := assessment.Period{Code: "X", Name: "", Year: 1990}
	if err := db.CreatePeriod(ctx, admin, &bad); !errors.Is(err, assessment.ErrInvalid) {
		t.Errorf("CreatePeriod(bad) = %v; want ErrInvalid", err)
	}

	name := "DTI năm 2025"
	closes := time.Date(2026, 3, 31, 17, 0, 0, 0, time.FixedZone("ICT", 7*3600))
	got, err := db.UpdatePeriod(ctx, admin, p.ID, assessment.PeriodUpdate{Version: p.Version, Name: &name, ClosesAt: &closes})
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != p.Version+1 || got.Name != name {
		t.Errorf("UpdatePeriod = version %d name %q", got.Version, got.Name)
	}
	if re, _ := db.FindPeriodByID(ctx, p.ID); !re.ClosesAt.Equal(closes) || !re.OpensAt.IsZero() || re.ClosesAt.Location() != time.UTC {
		t.Errorf("ClosesAt read back = %v, OpensAt %v; want %v in UTC and zero", re.ClosesAt, re.OpensAt, closes)
	}
	if _, err := db.UpdatePeriod(ctx, admin, p.ID, assessment.PeriodUpdate{Version: p.Version, Name: &name}); !errors.Is(err, assessment.ErrConflict) {
		t.Errorf("UpdatePeriod(stale) = %v; want ErrConflict", err)
	}
	if _, err := db.UpdatePeriod(ctx, admin, p.ID, assessment.PeriodUpdate{Version: got.Version,
		Index: &assessment.PinnedIndex{Code: "PDTI", Version: "2025.2", Hash: "def", Source: []byte("x")}}); !errors.Is(err, assessment.ErrInvalid) {
		t.Errorf("re-pin without reason = %v; want ErrInvalid", err)
	}

	refuse := errors.New("refused by rule")
	if _, err := db.SetPeriodStatus(ctx, admin, p.ID, got.Version, assessment.PeriodClosed, "", func(*assessment.Period) error { return refuse }); err != refuse {
		t.Errorf("SetPeriodStatus with a failing check = %v; want the check's error", err)
	}
	closed, err := db.SetPeriodStatus(ctx, admin, p.ID, got.Version, assessment.PeriodClosed, "deadline", nil)
	if err != nil || closed.Status != assessment.PeriodClosed {
		t.Fatalf("SetPeriodStatus = %+v, %v", closed, err)
	}

	snap := &assessment.Snapshot{}
	snap.Results.Final.IndexCode = "PDTI"
	pub, err := db.PublishPeriod(ctx, admin, p.ID, closed.Version, snap)
	if err != nil || pub.Status != assessment.PeriodPublished || snap.Number != 1 || snap.IndexHash != "abc123" {
		t.Fatalf("PublishPeriod = %+v, %v; snapshot %+v", pub, err, snap)
	}
	reopened, err := db.SetPeriodStatus(ctx, admin, p.ID, pub.Version, assessment.PeriodOpen, "sửa số liệu", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.PublishPeriod(ctx, admin, p.ID, reopened.Version, &assessment.Snapshot{}); !errors.Is(err, assessment.ErrInvalid) {
		t.Errorf("republish without reason = %v; want ErrInvalid", err)
	}
	snap2 := &assessment.Snapshot{Reason: "đính chính"}
	snap2.Results.Final.IndexCode = "PDTI-2"
	if _, err := db.PublishPeriod(ctx, admin, p.ID, reopened.Version, snap2); err != nil || snap2.Number != 2 {
		t.Fatalf("republish = %v, number %d", err, snap2.Number)
	}
	list, err := db.FindSnapshots(ctx, p.ID)
	if err != nil || len(list) != 2 || list[0].Number != 2 || list[1].Number != 1 {
		t.Fatalf("FindSnapshots = %v, %v", list, err)
	}
	latest, err := db.FindSnapshot(ctx, p.ID, 0)
	if err != nil || latest.Number != 2 || latest.Results.Final.IndexCode != "PDTI-2" {
		t.Errorf("FindSnapshot(latest) = %+v, %v", latest, err)
	}
	first, err := db.FindSnapshot(ctx, p.ID, 1)
	if err != nil || first.Results.Final.IndexCode != "PDTI" {
		t.Errorf("FindSnapshot(1) = %+v, %v", first, err)
	}
	if _, err := db.FindSnapshot(ctx, p.ID, 3); !errors.Is(err, assessment.ErrNotFound) {
		t.Errorf("FindSnapshot(3) = %v; want ErrNotFound", err)
	}
	pid := p.ID
	entries, _, _ := db.FindAudit(ctx, assessment.AuditFilter{PeriodID: &pid, Action: "period."})
	// created, updated name and deadline, closed, published, reopened,
	// published
	if len(entries) != 7 {
		t.Errorf("period audit entries = %d; want 7: %+v", len(entries), entries)
	}
	periods, total, err := db.FindPeriods(ctx, assessment.PeriodFilter{})
	if err != nil || total != 1 || len(periods) != 1 || periods[0].IndexSource != nil {
		t.Errorf("FindPeriods = %v, %d, %v (IndexSource must be left out)", periods, total, err)
	}
}
