package assessment

import (
	"net/mail"
	"slices"
	"strings"
	"time"
)

// User is an account of the platform.
type User struct {
	ID int64
	// Username is the sign-in name; unique, compared case-insensitively
	// (stored lower case).
	Username string
	FullName string
	Email    string
	// PasswordHash is a PHC-style argon2id string made by HashPassword;
	// never shown.
	PasswordHash string
	// Disabled accounts cannot sign in; their sessions are dropped.
	Disabled bool
	// MustChangePassword forces a password change at the next sign-in
	// (set when an admin resets a password).
	MustChangePassword bool
	// Lang is the preferred language, "vi" or "en".
	Lang string
	// Grants are the user's roles, each tied to a unit or to the whole
	// province.
	Grants      []Grant
	CreatedAt   time.Time
	UpdatedAt   time.Time
	LastLoginAt time.Time // zero: never
}

// Grant gives a user a role over a unit (and optionally its descendants)
// or, with UnitID 0, over the whole province.
type Grant struct {
	Role Role
	// UnitID is the unit the role applies to; 0 means every unit.
	UnitID int64
	// Subtree extends the role to the unit's descendants (a district
	// admin runs its communes' assessment).
	Subtree bool
	// Pillars limits a reviewer to indicators tagged with these pillar
	// codes; empty means every pillar.
	Pillars []string
}

// Covers reports whether the grant applies to the unit with unitID whose
// ancestors (nearest first, as UnitTree.Ancestors returns) are given.
func (g Grant) Covers(unitID int64, ancestors []int64) bool {
	if g.UnitID == 0 || g.UnitID == unitID {
		return true
	}
	return g.Subtree && slices.Contains(ancestors, g.UnitID)
}

// CoversPillars reports whether a reviewer grant may decide on an
// indicator tagged with pillars: true when the grant has no pillar scope
// or shares a pillar with the indicator.
func (g Grant) CoversPillars(pillars []string) bool {
	if len(g.Pillars) == 0 {
		return true
	}
	for _, p := range pillars {
		if slices.Contains(g.Pillars, p) {
			return true
		}
	}
	return false
}

// Validate checks a user's fields (not the password). It returns a
// *ValidationError naming every bad field.
func (u *User) Validate() error {
	v := &ValidationError{}
	if !ValidUsername(u.Username) {
		v.Add("username", "Tên đăng nhập gồm 3-64 chữ thường, số, '.', '_', '-' hoặc '@'.",
			"the username must be 3-64 lower-case letters, digits, '.', '_', '-' or '@'")
	}
	if strings.TrimSpace(u.FullName) == "" {
		v.Add("full_name", "Cần nhập họ và tên.", "the full name is required")
	} else if len(u.FullName) > 200 {
		v.Add("full_name", "Họ và tên quá dài.", "the full name is too long")
	} else if !CleanText(u.FullName) {
		v.Add("full_name", "Họ và tên chứa ký tự điều khiển không hợp lệ.", "the full name contains control characters")
	}
	if u.Email != "" {
		if a, err := mail.ParseAddress(u.Email); err != nil || a.Address != u.Email {
			v.Add("email", "Địa chỉ thư điện tử không hợp lệ.", "the e-mail address is not valid")
		}
	}
	if u.Lang != "vi" && u.Lang != "en" {
		v.Add("lang", "Ngôn ngữ phải là vi hoặc en.", "the language must be vi or en")
	}
	if u.PasswordHash == "" {
		v.Add("password", "Cần đặt mật khẩu.", "a password is required")
	}
	for _, g := range u.Grants {
		if !g.Role.Valid() {
			v.Add("grants", "Vai trò không hợp lệ: "+string(g.Role), "unknown role: "+string(g.Role))
			continue
		}
		if (g.Role == RoleEditor || g.Role == RoleApprover) && g.UnitID == 0 {
			v.Add("grants", "Vai trò của đơn vị phải gắn với một đơn vị.", "a unit role must name a unit")
		}
		if len(g.Pillars) > 0 && g.Role != RoleReviewer {
			v.Add("grants", "Chỉ thành viên hội đồng thẩm định được giới hạn theo trụ cột.",
				"only reviewers can be limited to pillars")
		}
	}
	return v.Err()
}

// ValidUsername reports whether s is a valid username: 3 to 64 lower-case
// ASCII letters, digits, '.', '_', '-' or '@'.
func ValidUsername(s string) bool {
	if len(s) < 3 || len(s) > 64 {
		return false
	}
	for _, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-' || r == '@'
		if !ok {
			return false
		}
	}
	return true
}

// Actor returns the user as the workflow rules see it.
func (u *User) Actor() Actor {
	return Actor{ID: u.ID, Username: u.Username, Grants: u.Grants}
}

// UserFilter selects users. Zero fields do not filter.
type UserFilter struct {
	ID       *int64
	Username *string
	Disabled *bool
	// Role selects users holding the role (on any unit).
	Role *Role
	// UnitID selects users with a grant on exactly this unit.
	UnitID *int64
	// Query matches a substring of the username, full name or e-mail,
	// ignoring case and Vietnamese diacritics.
	Query string

	Offset int
	Limit  int // 0: no limit
}

// UserUpdate holds the fields to change on a user; nil fields are kept.
// Passwords change through Store.SetPassword.
type UserUpdate struct {
	FullName *string
	Email    *string
	Disabled *bool
	Lang     *string
	// Grants replaces every grant of the user.
	Grants *[]Grant
}

// Actor is who performs an action, as the workflow rules and the audit
// log see it. The zero Actor with Username "system" is used by
// command-line tools.
type Actor struct {
	ID       int64 // 0 for the system (CLI, scheduled jobs)
	Username string
	Grants   []Grant
}

// SystemActor is the actor of command-line tools and start-up tasks: it
// holds the admin role over the whole province.
var SystemActor = Actor{Username: "system", Grants: []Grant{{Role: RoleAdmin}}}

// HasRole reports whether the actor holds role on any unit.
func (a Actor) HasRole(role Role) bool {
	for _, g := range a.Grants {
		if g.Role == role {
			return true
		}
	}
	return false
}

// IsAdmin reports whether the actor is a province-wide admin.
func (a Actor) IsAdmin() bool { return a.HasRoleFor(RoleAdmin, 0, nil) }

// HasRoleFor reports whether the actor holds role over the unit with
// unitID (ancestors nearest first). unitID 0 asks for a province-wide
// grant.
func (a Actor) HasRoleFor(role Role, unitID int64, ancestors []int64) bool {
	for _, g := range a.Grants {
		if g.Role != role {
			continue
		}
		if unitID == 0 {
			if g.UnitID == 0 {
				return true
			}
			continue
		}
		if g.Covers(unitID, ancestors) {
			return true
		}
	}
	return false
}

// CanAccessUnit reports whether any of the actor's grants covers the unit
// with unitID (ancestors nearest first).
func (a Actor) CanAccessUnit(unitID int64, ancestors []int64) bool {
	for _, g := range a.Grants {
		if g.Covers(unitID, ancestors) {
			return true
		}
	}
	return false
}

// RolesFor returns the roles the actor holds over the unit, in the order
// of Roles, without duplicates.
func (a Actor) RolesFor(unitID int64, ancestors []int64) []Role {
	var out []Role
	for _, r := range Roles {
		if a.HasRoleFor(r, unitID, ancestors) {
			out = append(out, r)
		}
	}
	return out
}

// ReviewerPillars returns the pillar scope of the actor's reviewer grants
// covering the unit: nil with all=true when some grant is unscoped.
func (a Actor) ReviewerPillars(unitID int64, ancestors []int64) (pillars []string, all bool) {
	for _, g := range a.Grants {
		if g.Role != RoleReviewer || !g.Covers(unitID, ancestors) {
			continue
		}
		if len(g.Pillars) == 0 {
			return nil, true
		}
		for _, p := range g.Pillars {
			if !slices.Contains(pillars, p) {
				pillars = append(pillars, p)
			}
		}
	}
	slices.Sort(pillars)
	return pillars, false
}
