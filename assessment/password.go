package assessment

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Password hashing parameters (OWASP's argon2id minimum: 19 MiB, 2
// iterations, 1 thread). They are written into every hash, so raising
// them later keeps old hashes verifiable.
const (
	argonMemory  = 19 * 1024 // KiB
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
	argonSaltLen = 16
)

// Password length limits, in characters. Vietnamese passphrases in UTF-8
// can be long in bytes; argon2id has no byte limit.
const (
	MinPasswordLen = 10
	MaxPasswordLen = 256
)

// ErrMismatchedPassword is returned by CheckPassword when the password is
// wrong.
var ErrMismatchedPassword = errors.New("password does not match")

// CheckPasswordPolicy returns a *ValidationError for field "password"
// when pw is too short or too long.
func CheckPasswordPolicy(pw string) error {
	v := &ValidationError{}
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinPasswordLen:
		v.Add("password", fmt.Sprintf("Mật khẩu cần ít nhất %d ký tự.", MinPasswordLen),
			fmt.Sprintf("the password needs at least %d characters", MinPasswordLen))
	case n > MaxPasswordLen:
		v.Add("password", fmt.Sprintf("Mật khẩu dài tối đa %d ký tự.", MaxPasswordLen),
			fmt.Sprintf("the password may have at most %d characters", MaxPasswordLen))
	}
	return v.Err()
}

// HashPassword returns a PHC-style argon2id hash of pw:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<key> (unpadded base64).
func HashPassword(pw string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version,
		argonMemory, argonTime, argonThreads, enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// CheckPassword compares pw with a hash made by HashPassword in constant
// time. It returns nil on a match, ErrMismatchedPassword on a mismatch
// and another error when the hash is malformed.
func CheckPassword(hash, pw string) error {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return errors.New("check password: unknown hash format")
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return errors.New("check password: unsupported argon2 version")
	}
	var mem, iter uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &iter, &threads); err != nil {
		return fmt.Errorf("check password: bad parameters: %w", err)
	}
	if mem == 0 || mem > 1<<22 || iter == 0 || iter > 100 || threads == 0 {
		return errors.New("check password: parameters out of range")
	}
	enc := base64.RawStdEncoding
	salt, err := enc.DecodeString(parts[4])
	if err != nil {
		return fmt.Errorf("check password: bad salt: %w", err)
	}
	want, err := enc.DecodeString(parts[5])
	if err != nil || len(want) == 0 || len(want) > 128 {
		return errors.New("check password: bad key")
	}
	got := argon2.IDKey([]byte(pw), salt, iter, mem, threads, uint32(len(want)))
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return ErrMismatchedPassword
	}
	return nil
}
