package assessment

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"strings"
	"time"
)

// APIToken lets a machine (a central system pushing values, a dashboard
// pulling results) call the JSON API as a user. Only the SHA-256 of the
// secret is stored; the secret is shown once when created. A token's scope
// is its user's grants: give each integration an account of its own (a
// viewer for a dashboard, a secretariat account for a central system).
type APIToken struct {
	ID     int64
	Name   string
	UserID int64 // the token acts with this user's grants
	// Hash is the hex SHA-256 of the secret.
	Hash string
	// Prefix is the first characters of the secret, shown in lists so a
	// token can be recognised.
	Prefix     string
	CreatedAt  time.Time
	LastUsedAt time.Time // zero: never used
	RevokedAt  time.Time // zero: active
}

// Active reports whether the token is not revoked.
func (t *APIToken) Active() bool { return t.RevokedAt.IsZero() }

// APITokenPrefix starts every API token secret, so leaked secrets are easy
// to recognise.
const APITokenPrefix = "dti_"

// NewSecret returns a random secret with the given prefix (e.g.
// APITokenPrefix) carrying 256 bits of entropy, and its hex SHA-256 hash.
func NewSecret(prefix string) (secret, hash string, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", "", err
	}
	secret = prefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
	return secret, HashSecret(secret), nil
}

// HashSecret returns the hex SHA-256 of a session or API token secret: the
// form in which the store keeps and looks them up.
func HashSecret(secret string) string {
	s := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(s[:])
}
