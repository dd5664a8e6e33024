package assessment

import (
	"errors"
	"strings"
	"testing"
)

func TestPassword(t *testing.T) {
	// A long Vietnamese passphrase: more than 72 bytes in UTF-8.
	pw := "Đây là một câu mật khẩu tiếng Việt rất dài để kiểm tra giới hạn độ dài"
	h, err := HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash = %q; want PHC argon2id with m=19456,t=2,p=1", h)
	}
	h2, _ := HashPassword(pw)
	if h == h2 {
		t.Error("two hashes of one password are equal; the salt must be random")
	}
	tests := []struct {
		name string
		hash string
		pw   string
		want error // nil, ErrMismatchedPassword, or errMalformed for any other error
	}{
		{"right", h, pw, nil},
		{"wrong", h, pw + "x", ErrMismatchedPassword},
		{"empty", h, "", ErrMismatchedPassword},
		{"not a hash", "plain", pw, errMalformed},
		{"bcrypt", "$2a$12$abcdefghijklmnopqrstuv", pw, errMalformed},
		{"huge memory", strings.Replace(h, "m=19456", "m=99999999", 1), pw, errMalformed},
		{"bad salt", strings.Replace(h, "p=1$", "p=1$!!", 1), pw, errMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckPassword(tt.hash, tt.pw)
			switch {
			case tt.want == errMalformed:
				if err == nil || errors.Is(err, ErrMismatchedPassword) {
					t.Errorf("CheckPassword = %v; want a malformed-hash error", err)
				}
			case !errors.Is(err, tt.want) || (tt.want == nil && err != nil):
				t.Errorf("CheckPassword = %v; want %v", err, tt.want)
			}
		})
	}
}

var errMalformed = errors.New("malformed")

func TestCheckPasswordPolicy(t *testing.T) {
	for pw, ok := range map[string]bool{"ngắn": false, "mười ký tự": true, strings.Repeat("x", 257): false, "0123456789": true} {
		if err := CheckPasswordPolicy(pw); (err == nil) != ok {
			t.Errorf("CheckPasswordPolicy(%q) = %v; want ok %v", pw, err, ok)
		}
	}
}

func BenchmarkHashPassword(b *testing.B) {
	for b.Loop() {
		if _, err := HashPassword("một mật khẩu"); err != nil {
			b.Fatal(err)
		}
	}
}
