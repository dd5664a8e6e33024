package web

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/dti-platform/dti/assessment"
)

// benchProvince adds 35 districts of 100 communes each (3,535 units with
// the fixture's) and one account per district.
func benchProvince(b *testing.B) (*Server, *fixture) {
	b.Helper()
	s, fx := newFixtureServer(b)
	ctx := context.Background()
	sys := assessment.SystemActor
	for d := range 35 {
		dist := &assessment.Unit{Code: fmt.Sprintf("H-%02d", d), NameVI: fmt.Sprintf("Huyện %d", d), Type: "district", Active: true}
		if err := fx.store.CreateUnit(ctx, sys, dist); err != nil {
			b.Fatal(err)
		}
		for c := range 100 {
			u := &assessment.Unit{Code: fmt.Sprintf("X-%02d-%03d", d, c), NameVI: fmt.Sprintf("Xã %d.%d", d, c), Type: "district", ParentID: dist.ID, Active: true}
			if err := fx.store.CreateUnit(ctx, sys, u); err != nil {
				b.Fatal(err)
			}
		}
		u := &assessment.User{Username: fmt.Sprintf("admin.h%02d", d), FullName: "Quản trị", Lang: "vi", PasswordHash: passwordHash(b),
			Grants: []assessment.Grant{{Role: assessment.RoleAdmin, UnitID: dist.ID, Subtree: true}}}
		if err := fx.store.CreateUser(ctx, sys, u); err != nil {
			b.Fatal(err)
		}
		fx.users[u.Username] = u
	}
	return s, fx
}

// BenchmarkAdminUnits renders the unit tree of the whole province (3,535
// units) for a province-wide admin and the 101-unit subtree of a district
// admin.
func BenchmarkAdminUnits(b *testing.B) {
	s, fx := benchProvince(b)
	for _, user := range []string{"admin", "admin.h07"} {
		ck := fx.signIn(b, user)
		b.Run(user, func(b *testing.B) {
			for b.Loop() {
				req := httptest.NewRequest("GET", "/admin/units", nil)
				req.AddCookie(ck)
				resp, err := s.App().Test(req, -1)
				if err != nil || resp.StatusCode != 200 {
					b.Fatalf("GET /admin/units = %v, %v", resp.StatusCode, err)
				}
				resp.Body.Close()
			}
		})
	}
}
