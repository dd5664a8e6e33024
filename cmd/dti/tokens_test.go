package main

import (
	"context"
	"errors"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/assessment/sqlite"
)

func TestTokensCommand(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "dti.db")
	pw := map[string]string{"DTI_PASSWORD": "mật khẩu đủ dài 123"}
	if _, errOut, err := runCmdEnv(t, pw, "users", "add", "--db", dbPath, "--username", "ioc", "--name", "Bảng điều khiển", "--grant", "viewer"); err != nil {
		t.Fatalf("users add: %v %s", err, errOut)
	}
	out, errOut, err := runCmd(t, "tokens", "create", "--db", dbPath, "--username", "ioc", "--name", "IOC tỉnh")
	if err != nil {
		t.Fatalf("tokens create: %v %s", err, errOut)
	}
	m := regexp.MustCompile(`secret \(shown once\): (dti_[a-z2-7]{52})\n`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no secret in %q", out)
	}
	db, err := sqlite.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	tok, u, err := db.AuthenticateToken(context.Background(), m[1])
	db.Close()
	if err != nil || u.Username != "ioc" || tok.Name != "IOC tỉnh" {
		t.Fatalf("AuthenticateToken = %v, %v, %v", tok, u, err)
	}

	tests := []struct {
		name     string
		args     []string
		wantErr  bool
		wantOut  string // regexp on stdout
		wantErrS string // substring of stderr or the error
	}{
		{"list", []string{"tokens", "list", "--db", dbPath}, false, `(?s)ID\s+ACCOUNT.*\n1\s+ioc\s+IOC tỉnh\s+dti_\w{6}…\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+-\n`, ""},
		{"list of an account", []string{"tokens", "list", "--db", dbPath, "--username", "ioc"}, false, `IOC tỉnh`, ""},
		{"unknown account", []string{"tokens", "create", "--db", dbPath, "--username", "ghost", "--name", "x"}, true, ``, `no account "ghost"`},
		{"missing name", []string{"tokens", "create", "--db", dbPath, "--username", "ioc"}, true, ``, "--username and --name are required"},
		{"missing db", []string{"tokens", "list"}, true, ``, "--db is required"},
		{"unknown action", []string{"tokens", "frob", "--db", dbPath}, true, ``, `unknown action "frob"`},
		{"revoke without id", []string{"tokens", "revoke", "--db", dbPath}, true, ``, "--id is required"},
		{"revoke", []string{"tokens", "revoke", "--db", dbPath, "--id", "1"}, false, `revoked: 1`, ""},
		{"revoke again", []string{"tokens", "revoke", "--db", dbPath, "--id", "1"}, true, ``, "revoke token 1"},
		{"list shows the revocation", []string{"tokens", "list", "--db", dbPath}, false, `\n1\s+ioc\s+IOC tỉnh\s+dti_\w{6}…\s+\S+ \S+\s+\S+ \S+\s+\d{4}-\d\d-\d\d \d\d:\d\d\n`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, err := runCmd(t, tt.args...)
			if (err != nil) != tt.wantErr {
				t.Fatalf("dti %s: err = %v (stderr %q); want error %v", strings.Join(tt.args, " "), err, errOut, tt.wantErr)
			}
			if tt.wantOut != "" && !regexp.MustCompile(tt.wantOut).MatchString(out) {
				t.Errorf("stdout = %q; want match %q", out, tt.wantOut)
			}
			if tt.wantErrS != "" && !strings.Contains(errOut+errString(err), tt.wantErrS) {
				t.Errorf("stderr = %q, err = %v; want %q", errOut, err, tt.wantErrS)
			}
		})
	}
	db, err = sqlite.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, _, err := db.AuthenticateToken(context.Background(), m[1]); !errors.Is(err, assessment.ErrNotFound) {
		t.Errorf("revoked token authenticates: %v", err)
	}
}
