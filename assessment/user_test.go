package assessment

import (
	"errors"
	"fmt"
	"testing"
)

func TestActor_HasRoleFor(t *testing.T) {
	// Units: province-level departments 1, 2; district 10 with communes 11, 12.
	anc := map[int64][]int64{1: nil, 2: nil, 10: nil, 11: {10}, 12: {10}}
	editor1 := Actor{ID: 1, Grants: []Grant{{Role: RoleEditor, UnitID: 1}}}
	districtAdmin := Actor{ID: 2, Grants: []Grant{{Role: RoleAdmin, UnitID: 10, Subtree: true}}}
	districtOnly := Actor{ID: 3, Grants: []Grant{{Role: RoleApprover, UnitID: 10}}}
	provinceAdmin := Actor{ID: 4, Grants: []Grant{{Role: RoleAdmin}}}
	tests := []struct {
		name  string
		actor Actor
		role  Role
		unit  int64
		want  bool
	}{
		{"editor on own unit", editor1, RoleEditor, 1, true},
		{"editor on other unit", editor1, RoleEditor, 2, false},
		{"editor is not approver", editor1, RoleApprover, 1, false},
		{"district admin on commune", districtAdmin, RoleAdmin, 11, true},
		{"district admin on district", districtAdmin, RoleAdmin, 10, true},
		{"district admin on department", districtAdmin, RoleAdmin, 1, false},
		{"district admin is not province admin", districtAdmin, RoleAdmin, 0, false},
		{"no subtree: not the commune", districtOnly, RoleApprover, 11, false},
		{"province admin anywhere", provinceAdmin, RoleAdmin, 12, true},
		{"province admin province-wide", provinceAdmin, RoleAdmin, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.actor.HasRoleFor(tt.role, tt.unit, anc[tt.unit]); got != tt.want {
				t.Errorf("HasRoleFor(%s, %d) = %v; want %v", tt.role, tt.unit, got, tt.want)
			}
		})
	}
	if !districtAdmin.CanAccessUnit(12, anc[12]) || editor1.CanAccessUnit(12, anc[12]) {
		t.Error("CanAccessUnit: district admin must reach commune 12, the editor of unit 1 must not")
	}
	if provinceAdmin.IsAdmin() != true || districtAdmin.IsAdmin() {
		t.Error("IsAdmin: only a province-wide admin grant counts")
	}
	if got := fmt.Sprint(Actor{Grants: []Grant{{Role: RoleViewer}, {Role: RoleEditor, UnitID: 1}}}.RolesFor(1, nil)); got != "[unit_editor viewer]" {
		t.Errorf("RolesFor = %s; want [unit_editor viewer]", got)
	}
}

func TestActor_ReviewerPillars(t *testing.T) {
	tests := []struct {
		name    string
		grants  []Grant
		want    string
		wantAll bool
	}{
		{"unscoped", []Grant{{Role: RoleReviewer}}, "[]", true},
		{"scoped", []Grant{{Role: RoleReviewer, Pillars: []string{"KTS", "CQS"}}}, "[CQS KTS]", false},
		{"two grants merge", []Grant{{Role: RoleReviewer, Pillars: []string{"KTS"}}, {Role: RoleReviewer, Pillars: []string{"XHS", "KTS"}}}, "[KTS XHS]", false},
		{"not a reviewer", []Grant{{Role: RoleViewer}}, "[]", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, all := Actor{Grants: tt.grants}.ReviewerPillars(5, nil)
			if fmt.Sprint(got) != tt.want || all != tt.wantAll {
				t.Errorf("ReviewerPillars = %v, %v; want %s, %v", got, all, tt.want, tt.wantAll)
			}
		})
	}
	g := Grant{Role: RoleReviewer, Pillars: []string{"CQS"}}
	if !g.CoversPillars([]string{"KTS", "CQS"}) || g.CoversPillars([]string{"XHS"}) || g.CoversPillars(nil) {
		t.Error("CoversPillars: a scoped reviewer covers only indicators sharing a pillar")
	}
}

func TestUser_Validate(t *testing.T) {
	ok := User{Username: "nguyen.van.an", FullName: "Nguyễn Văn An", Email: "an@tinh.gov.vn", Lang: "vi", PasswordHash: "$argon2id$x"}
	tests := []struct {
		name   string
		edit   func(u *User)
		fields string
	}{
		{"ok", func(*User) {}, ""},
		{"upper case username", func(u *User) { u.Username = "An" }, "username"},
		{"short username", func(u *User) { u.Username = "an" }, "username"},
		{"no name", func(u *User) { u.FullName = " " }, "full_name"},
		{"NUL in name", func(u *User) { u.FullName = "An\x00" }, "full_name"},
		{"bad email", func(u *User) { u.Email = "an at tinh" }, "email"},
		{"email with display name", func(u *User) { u.Email = "An <an@tinh.gov.vn>" }, "email"},
		{"lang", func(u *User) { u.Lang = "fr" }, "lang"},
		{"pillars on editor", func(u *User) { u.Grants = []Grant{{Role: RoleEditor, UnitID: 1, Pillars: []string{"CQS"}}} }, "grants"},
		{"unknown role", func(u *User) { u.Grants = []Grant{{Role: "boss"}} }, "grants"},
		{"several", func(u *User) { u.Username = ""; u.Lang = "" }, "username lang"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := ok
			tt.edit(&u)
			err := u.Validate()
			var got string
			var v *ValidationError
			if errors.As(err, &v) {
				for i, f := range v.Fields {
					if i > 0 {
						got += " "
					}
					got += f.Field
				}
			}
			if got != tt.fields || (tt.fields != "" && !errors.Is(err, ErrInvalid)) {
				t.Errorf("Validate() fields = %q (%v); want %q", got, err, tt.fields)
			}
		})
	}
}
