package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/dti-platform/dti/assessment"
)

const userColumns = `id, username, full_name, email, password_hash, disabled, must_change_password, lang, created_at, updated_at, last_login_at`

func scanUser(s interface{ Scan(...any) error }) (*assessment.User, error) {
	u := &assessment.User{}
	err := s.Scan(&u.ID, &u.Username, &u.FullName, &u.Email, &u.PasswordHash, &u.Disabled, &u.MustChangePassword,
		&u.Lang, timeDest{&u.CreatedAt}, timeDest{&u.UpdatedAt}, timeDest{&u.LastLoginAt})
	return u, err
}

// grantsText renders grants for the audit log, e.g.
// "reviewer@0[CQS,KTS]; unit_editor@12+".
func grantsText(gs []assessment.Grant) string {
	parts := make([]string, len(gs))
	for i, g := range gs {
		s := fmt.Sprintf("%s@%d", g.Role, g.UnitID)
		if g.Subtree {
			s += "+"
		}
		if len(g.Pillars) > 0 {
			s += "[" + strings.Join(g.Pillars, ",") + "]"
		}
		parts[i] = s
	}
	return strings.Join(parts, "; ")
}

func writeGrants(ctx context.Context, x *tx, userID int64, gs []assessment.Grant) error {
	if _, err := x.ExecContext(ctx, "DELETE FROM user_grants WHERE user_id = ?", userID); err != nil {
		return translate(err, "replace grants")
	}
	for i, g := range gs {
		if _, err := x.ExecContext(ctx, `INSERT INTO user_grants (user_id, position, role, unit_id, subtree, pillars)
			VALUES (?, ?, ?, ?, ?, ?)`, userID, i, string(g.Role), nullID(g.UnitID), g.Subtree, strings.Join(g.Pillars, ",")); err != nil {
			return translate(err, fmt.Sprintf("grant %s on unit %d", g.Role, g.UnitID))
		}
	}
	return nil
}

// loadGrants fills the grants of the users.
func loadGrants(ctx context.Context, q queryer, users []*assessment.User) error {
	if len(users) == 0 {
		return nil
	}
	byID := make(map[int64]*assessment.User, len(users))
	args := make([]any, len(users))
	for i, u := range users {
		byID[u.ID] = u
		args[i] = u.ID
		u.Grants = nil
	}
	rows, err := q.QueryContext(ctx, `SELECT user_id, role, unit_id, subtree, pillars FROM user_grants
		WHERE user_id IN `+inList(len(args))+` ORDER BY user_id, position`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var uid int64
		var g assessment.Grant
		var role, pillars string
		if err := rows.Scan(&uid, &role, idDest{&g.UnitID}, &g.Subtree, &pillars); err != nil {
			return err
		}
		g.Role = assessment.Role(role)
		if pillars != "" {
			g.Pillars = strings.Split(pillars, ",")
		}
		byID[uid].Grants = append(byID[uid].Grants, g)
	}
	return rows.Err()
}

// CreateUser inserts u with its grants.
func (db *DB) CreateUser(ctx context.Context, actor assessment.Actor, u *assessment.User) error {
	if err := prepareUser(u); err != nil {
		return err
	}
	return db.update(ctx, actor, func(x *tx) error { return createUser(ctx, x, u) })
}

// prepareUser stores the username lower case, defaults the language and
// validates u.
func prepareUser(u *assessment.User) error {
	u.Username = strings.ToLower(strings.TrimSpace(u.Username))
	if u.Lang == "" {
		u.Lang = "vi"
	}
	return u.Validate()
}

// createUser inserts a prepared user with its grants in x and audits it.
func createUser(ctx context.Context, x *tx, u *assessment.User) error {
	err := x.QueryRowContext(ctx, `INSERT INTO users
		(username, full_name, email, password_hash, disabled, must_change_password, lang, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		u.Username, u.FullName, u.Email, u.PasswordHash, u.Disabled, u.MustChangePassword, u.Lang, x.now, x.now).Scan(&u.ID)
	if err != nil {
		err = translate(err, "create user "+u.Username)
		if errors.Is(err, assessment.ErrConflict) {
			return assessment.NewError(assessment.ErrConflict, "user.taken",
				"Tên đăng nhập "+u.Username+" đã được dùng.", "the username "+u.Username+" is taken", u.Username)
		}
		return err
	}
	if err := writeGrants(ctx, x, u.ID, u.Grants); err != nil {
		return err
	}
	u.CreatedAt, u.UpdatedAt = x.now, x.now
	return x.audit(ctx, assessment.AuditEntry{Action: assessment.ActionUserCreated, Entity: "user", EntityID: u.ID,
		To: u.Username + " " + grantsText(u.Grants)})
}

// UpdateUser changes the given fields; disabling also ends the sessions.
func (db *DB) UpdateUser(ctx context.Context, actor assessment.Actor, id int64, upd assessment.UserUpdate) (*assessment.User, error) {
	var out *assessment.User
	err := db.update(ctx, actor, func(x *tx) (err error) {
		out, err = updateUser(ctx, x, id, upd, nil)
		return err
	})
	return out, err
}

// updateUser changes the given fields of a user in x, ends its sessions
// when it becomes disabled and audits every changed field. check, when
// not nil, runs on the stored user (with grants) first.
func updateUser(ctx context.Context, x *tx, id int64, upd assessment.UserUpdate, check func(*assessment.User) error) (*assessment.User, error) {
	u, err := findUser(ctx, x, "id = ?", id)
	if err != nil {
		return nil, translate(err, fmt.Sprintf("update user %d", id))
	}
	if check != nil {
		if err := check(u); err != nil {
			return nil, err
		}
	}
	old := *u
	old.Grants = slices.Clone(u.Grants)
	if upd.FullName != nil {
		u.FullName = *upd.FullName
	}
	if upd.Email != nil {
		u.Email = *upd.Email
	}
	if upd.Disabled != nil {
		u.Disabled = *upd.Disabled
	}
	if upd.Lang != nil {
		u.Lang = *upd.Lang
	}
	if upd.Grants != nil {
		u.Grants = slices.Clone(*upd.Grants)
	}
	if err := u.Validate(); err != nil {
		return nil, err
	}
	u.UpdatedAt = x.now
	if _, err := x.ExecContext(ctx, `UPDATE users SET full_name = ?, email = ?, disabled = ?, lang = ?, updated_at = ?
		WHERE id = ?`, u.FullName, u.Email, u.Disabled, u.Lang, x.now, u.ID); err != nil {
		return nil, translate(err, fmt.Sprintf("update user %d", id))
	}
	if upd.Grants != nil {
		if err := writeGrants(ctx, x, u.ID, u.Grants); err != nil {
			return nil, err
		}
	}
	if u.Disabled && !old.Disabled {
		if _, err := x.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = ?", u.ID); err != nil {
			return nil, translate(err, "end sessions")
		}
	}
	changes := []struct{ field, from, to string }{
		{"full_name", old.FullName, u.FullName},
		{"email", old.Email, u.Email},
		{"disabled", fmt.Sprint(old.Disabled), fmt.Sprint(u.Disabled)},
		{"lang", old.Lang, u.Lang},
		{"grants", grantsText(old.Grants), grantsText(u.Grants)},
	}
	for _, c := range changes {
		if c.from == c.to {
			continue
		}
		if err := x.audit(ctx, assessment.AuditEntry{Action: assessment.ActionUserUpdated, Entity: "user", EntityID: u.ID,
			Field: c.field, From: c.from, To: c.to}); err != nil {
			return nil, err
		}
	}
	return u, nil
}

// SetPassword stores a new password hash and ends the user's other
// sessions.
func (db *DB) SetPassword(ctx context.Context, actor assessment.Actor, id int64, hash string, mustChange bool, keepSession string) error {
	if !strings.HasPrefix(hash, "$argon2id$") {
		return &assessment.ValidationError{Fields: []assessment.FieldError{{Field: "password",
			VI: "Mã băm mật khẩu không hợp lệ.", EN: "the password hash is not valid"}}}
	}
	return db.update(ctx, actor, func(x *tx) error {
		res, err := x.ExecContext(ctx, "UPDATE users SET password_hash = ?, must_change_password = ?, updated_at = ? WHERE id = ?",
			hash, mustChange, x.now, id)
		if err != nil {
			return translate(err, fmt.Sprintf("set password of user %d", id))
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("set password of user %d: %w", id, assessment.ErrNotFound)
		}
		if _, err := x.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = ? AND id <> ?", id, keepSession); err != nil {
			return translate(err, "end sessions")
		}
		return x.audit(ctx, assessment.AuditEntry{Action: assessment.ActionUserPassword, Entity: "user", EntityID: id,
			Field: "must_change_password", To: fmt.Sprint(mustChange)})
	})
}

func findUser(ctx context.Context, q queryer, cond string, args ...any) (*assessment.User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users WHERE "+cond, args...))
	if err != nil {
		return nil, err
	}
	if err := loadGrants(ctx, q, []*assessment.User{u}); err != nil {
		return nil, err
	}
	return u, nil
}

// FindUserByID returns the user with its grants or ErrNotFound.
func (db *DB) FindUserByID(ctx context.Context, id int64) (*assessment.User, error) {
	var u *assessment.User
	err := db.view(ctx, func(t *sql.Tx) (err error) {
		u, err = findUser(ctx, t, "id = ?", id)
		return err
	})
	return u, translate(err, fmt.Sprintf("find user %d", id))
}

// FindUserByUsername looks the username up case-insensitively.
func (db *DB) FindUserByUsername(ctx context.Context, username string) (*assessment.User, error) {
	var u *assessment.User
	err := db.view(ctx, func(t *sql.Tx) (err error) {
		u, err = findUser(ctx, t, "username = ?", strings.ToLower(strings.TrimSpace(username)))
		return err
	})
	return u, translate(err, fmt.Sprintf("find user %q", username))
}

// FindUsers returns the matching users with grants in username order and
// the total count.
func (db *DB) FindUsers(ctx context.Context, f assessment.UserFilter) ([]*assessment.User, int, error) {
	w := &where{}
	if f.ID != nil {
		w.add("id = ?", *f.ID)
	}
	if f.Username != nil {
		w.add("username = ?", strings.ToLower(*f.Username))
	}
	if f.Disabled != nil {
		w.add("disabled = ?", *f.Disabled)
	}
	if f.Role != nil {
		w.add("id IN (SELECT user_id FROM user_grants WHERE role = ?)", string(*f.Role))
	}
	if f.UnitID != nil {
		w.add("id IN (SELECT user_id FROM user_grants WHERE unit_id = ?)", *f.UnitID)
	}
	if f.Query != "" {
		p := likePattern(f.Query)
		w.add(`dti_fold(username || ' ' || full_name || ' ' || email) LIKE ? ESCAPE '\'`, p)
	}
	var out []*assessment.User
	var total int
	err := db.view(ctx, func(t *sql.Tx) error {
		if err := t.QueryRowContext(ctx, "SELECT COUNT(*) FROM users"+w.String(), w.args...).Scan(&total); err != nil {
			return err
		}
		rows, err := t.QueryContext(ctx, "SELECT "+userColumns+" FROM users"+w.String()+" ORDER BY username"+page(f.Offset, f.Limit), w.args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			u, err := scanUser(rows)
			if err != nil {
				return err
			}
			out = append(out, u)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		return loadGrants(ctx, t, out)
	})
	if err != nil {
		return nil, 0, translate(err, "find users")
	}
	return out, total, nil
}
