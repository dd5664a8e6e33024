package sqlite

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/dti-platform/dti/assessment"
)

const sessionColumns = `id, user_id, csrf_token, created_at, expires_at, last_seen_at, ip, user_agent`

// CreateSession stores a session and records the sign-in.
func (db *DB) CreateSession(ctx context.Context, s *assessment.Session) error {
	if len(s.ID) < 32 || s.CSRFToken == "" || s.ExpiresAt.IsZero() {
		return fmt.Errorf("create session: %w: id, csrf token and expiry are required", assessment.ErrInvalid)
	}
	return db.update(ctx, assessment.Actor{}, func(x *tx) error {
		u, err := findUser(ctx, x, "id = ?", s.UserID)
		if err != nil {
			return translate(err, fmt.Sprintf("create session: user %d", s.UserID))
		}
		x.actor = u.Actor()
		s.CreatedAt, s.LastSeenAt = x.now, x.now
		s.UserAgent = clip(s.UserAgent, 500)
		s.IP = clip(s.IP, 64)
		if _, err := x.ExecContext(ctx, "INSERT INTO sessions ("+sessionColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
			s.ID, s.UserID, s.CSRFToken, x.now, s.ExpiresAt.UTC(), x.now, s.IP, s.UserAgent); err != nil {
			return translate(err, "create session")
		}
		if _, err := x.ExecContext(ctx, "UPDATE users SET last_login_at = ? WHERE id = ?", x.now, s.UserID); err != nil {
			return translate(err, "create session")
		}
		return x.audit(ctx, assessment.AuditEntry{Action: assessment.ActionUserLogin, Entity: "user", EntityID: u.ID, To: s.IP})
	})
}

// FindSession returns a live session or ErrNotFound.
func (db *DB) FindSession(ctx context.Context, id string) (*assessment.Session, error) {
	s := &assessment.Session{}
	err := db.read.QueryRowContext(ctx, "SELECT "+sessionColumns+" FROM sessions WHERE id = ?", id).Scan(&s.ID, &s.UserID, &s.CSRFToken,
		timeDest{&s.CreatedAt}, timeDest{&s.ExpiresAt}, timeDest{&s.LastSeenAt}, &s.IP, &s.UserAgent)
	if err != nil {
		return nil, translate(err, "find session")
	}
	if s.Expired(db.now()) {
		return nil, fmt.Errorf("find session: expired: %w", assessment.ErrNotFound)
	}
	return s, nil
}

// TouchSession extends a session.
func (db *DB) TouchSession(ctx context.Context, id string, expiresAt time.Time) error {
	return db.update(ctx, assessment.Actor{}, func(x *tx) error {
		res, err := x.ExecContext(ctx, "UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id = ?", x.now, expiresAt.UTC(), id)
		if err != nil {
			return translate(err, "touch session")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("touch session: %w", assessment.ErrNotFound)
		}
		return nil
	})
}

// DeleteSession ends a session.
func (db *DB) DeleteSession(ctx context.Context, id string) error {
	return db.update(ctx, assessment.Actor{}, func(x *tx) error {
		_, err := x.ExecContext(ctx, "DELETE FROM sessions WHERE id = ?", id)
		return translate(err, "delete session")
	})
}

// DeleteExpiredSessions removes expired sessions.
func (db *DB) DeleteExpiredSessions(ctx context.Context) (int, error) {
	var n int64
	err := db.update(ctx, assessment.Actor{}, func(x *tx) error {
		res, err := x.ExecContext(ctx, "DELETE FROM sessions WHERE expires_at <= ?", x.now)
		if err != nil {
			return translate(err, "delete expired sessions")
		}
		n, _ = res.RowsAffected()
		return nil
	})
	return int(n), err
}

const tokenColumns = `id, name, user_id, hash, prefix, created_at, last_used_at, revoked_at`

func scanToken(sc interface{ Scan(...any) error }) (*assessment.APIToken, error) {
	t := &assessment.APIToken{}
	err := sc.Scan(&t.ID, &t.Name, &t.UserID, &t.Hash, &t.Prefix, timeDest{&t.CreatedAt}, timeDest{&t.LastUsedAt}, timeDest{&t.RevokedAt})
	return t, err
}

// CreateAPIToken makes a token and returns it with its secret.
func (db *DB) CreateAPIToken(ctx context.Context, actor assessment.Actor, userID int64, name string) (*assessment.APIToken, string, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 200 {
		return nil, "", &assessment.ValidationError{Fields: []assessment.FieldError{{Field: "name",
			VI: "Cần đặt tên cho mã truy cập (tối đa 200 ký tự).", EN: "the token needs a name (at most 200 characters)"}}}
	}
	secret, hash, err := assessment.NewSecret(assessment.APITokenPrefix)
	if err != nil {
		return nil, "", fmt.Errorf("create token: %w", err)
	}
	t := &assessment.APIToken{Name: name, UserID: userID, Hash: hash, Prefix: secret[:len(assessment.APITokenPrefix)+6]}
	err = db.update(ctx, actor, func(x *tx) error {
		if _, err := findUser(ctx, x, "id = ?", userID); err != nil {
			return translate(err, fmt.Sprintf("create token: user %d", userID))
		}
		t.CreatedAt = x.now
		if err := x.QueryRowContext(ctx, "INSERT INTO api_tokens (name, user_id, hash, prefix, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
			t.Name, t.UserID, t.Hash, t.Prefix, x.now).Scan(&t.ID); err != nil {
			return translate(err, "create token")
		}
		return x.audit(ctx, assessment.AuditEntry{Action: assessment.ActionTokenCreated, Entity: "api_token", EntityID: t.ID,
			To: fmt.Sprintf("%s (%s…) for user %d", t.Name, t.Prefix, userID)})
	})
	if err != nil {
		return nil, "", err
	}
	return t, secret, nil
}

// AuthenticateToken finds the active token with this secret and its user.
func (db *DB) AuthenticateToken(ctx context.Context, secret string) (*assessment.APIToken, *assessment.User, error) {
	if !strings.HasPrefix(secret, assessment.APITokenPrefix) {
		return nil, nil, fmt.Errorf("authenticate token: %w", assessment.ErrNotFound)
	}
	t, err := scanToken(db.read.QueryRowContext(ctx, "SELECT "+tokenColumns+" FROM api_tokens WHERE hash = ? AND revoked_at IS NULL",
		assessment.HashSecret(secret)))
	if err != nil {
		return nil, nil, translate(err, "authenticate token")
	}
	u, err := db.FindUserByID(ctx, t.UserID)
	if err != nil {
		return nil, nil, err
	}
	if u.Disabled {
		return nil, nil, forbidden("user.disabled", "Tài khoản đã bị khoá.", "the account is disabled")
	}
	// Record the use at most once a minute, so a busy integration does not
	// turn every read into a write.
	now := db.now().UTC()
	if now.Sub(t.LastUsedAt) >= time.Minute {
		err := db.update(ctx, assessment.Actor{}, func(x *tx) error {
			_, err := x.ExecContext(ctx, "UPDATE api_tokens SET last_used_at = ? WHERE id = ?", x.now, t.ID)
			return translate(err, "record token use")
		})
		if err != nil {
			return nil, nil, err
		}
		t.LastUsedAt = now
	}
	return t, u, nil
}

// RevokeAPIToken revokes a token.
func (db *DB) RevokeAPIToken(ctx context.Context, actor assessment.Actor, id int64) error {
	return db.update(ctx, actor, func(x *tx) error {
		res, err := x.ExecContext(ctx, "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", x.now, id)
		if err != nil {
			return translate(err, fmt.Sprintf("revoke token %d", id))
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("revoke token %d: %w", id, assessment.ErrNotFound)
		}
		return x.audit(ctx, assessment.AuditEntry{Action: assessment.ActionTokenRevoked, Entity: "api_token", EntityID: id})
	})
}

// FindAPITokens lists tokens newest first.
func (db *DB) FindAPITokens(ctx context.Context, userID int64) ([]*assessment.APIToken, error) {
	q := "SELECT " + tokenColumns + " FROM api_tokens"
	var args []any
	if userID != 0 {
		q += " WHERE user_id = ?"
		args = append(args, userID)
	}
	rows, err := db.read.QueryContext(ctx, q+" ORDER BY created_at DESC, id DESC", args...)
	if err != nil {
		return nil, translate(err, "find tokens")
	}
	defer rows.Close()
	var out []*assessment.APIToken
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, translate(err, "find tokens")
		}
		out = append(out, t)
	}
	return out, translate(rows.Err(), "find tokens")
}

// clip cuts s to at most n bytes without splitting a character.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}
