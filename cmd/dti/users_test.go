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

func TestUsersCommand(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "dti.db")
	db, err := sqlite.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	unit := &assessment.Unit{Code: "SO-TC", NameVI: "Sở Tài chính", Type: "department", Active: true}
	if err := db.CreateUnit(context.Background(), assessment.SystemActor, unit); err != nil {
		t.Fatal(err)
	}
	db.Close()
	pw := map[string]string{"DTI_PASSWORD": "mật khẩu đủ dài 123"}

	tests := []struct {
		name     string
		vars     map[string]string
		args     []string
		wantErr  bool
		wantOut  string // regexp on stdout
		wantErrS string // substring of stderr
	}{
		{"add admin with generated password", nil, []string{"users", "add", "--db", dbPath, "--username", "admin", "--name", "Quản trị", "--grant", "admin"},
			false, `(?s)account created: admin.*temporary password: [A-Z2-7]{26}`, ""},
		{"add editor with env password", pw, []string{"users", "add", "--db", dbPath, "--username", "ed1", "--name", "Cán bộ", "--grant", "unit_editor@SO-TC"},
			false, `account created: ed1\n$`, ""},
		{"add reviewer with pillars", pw, []string{"users", "add", "--db", dbPath, "--username", "rv1", "--name", "Hội đồng", "--grant", "reviewer:CQS,KTS"},
			false, `account created: rv1`, ""},
		{"duplicate", pw, []string{"users", "add", "--db", dbPath, "--username", "ED1", "--name", "X", "--grant", "viewer"},
			true, ``, "ed1"},
		{"unknown unit", pw, []string{"users", "add", "--db", dbPath, "--username", "ed2", "--name", "X", "--grant", "unit_editor@NOPE"},
			true, ``, `no unit with code "NOPE"`},
		{"unknown role", pw, []string{"users", "add", "--db", dbPath, "--username", "ed2", "--name", "X", "--grant", "boss"},
			true, ``, `unknown role "boss"`},
		{"unit role without unit", pw, []string{"users", "add", "--db", dbPath, "--username", "ed2", "--name", "X", "--grant", "unit_editor"},
			true, ``, "grants"},
		{"short password", map[string]string{"DTI_PASSWORD": "short"}, []string{"users", "add", "--db", dbPath, "--username", "ed3", "--name", "X"},
			true, ``, ""},
		{"missing db", nil, []string{"users", "list"}, true, ``, "--db is required"},
		{"unknown action", nil, []string{"users", "frob", "--db", dbPath}, true, ``, `unknown action "frob"`},
		{"disable", nil, []string{"users", "disable", "--db", dbPath, "--username", "ed1"}, false, `disabled: ed1`, ""},
		{"passwd generated", nil, []string{"users", "passwd", "--db", dbPath, "--username", "rv1"}, false, `temporary password: `, ""},
		{"passwd unknown user", nil, []string{"users", "passwd", "--db", dbPath, "--username", "ghost"}, true, ``, ""},
		{"list", nil, []string{"users", "list", "--db", dbPath}, false,
			`(?s)admin\s+Quản trị\s+admin\s+must change password.*ed1\s+Cán bộ\s+unit_editor@SO-TC\s+disabled.*rv1\s+Hội đồng\s+reviewer:CQS,KTS\s+must change password`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, err := runCmdEnv(t, tt.vars, tt.args...)
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
	ed, err := db.FindUserByUsername(context.Background(), "ed1")
	if err != nil {
		t.Fatal(err)
	}
	if err := assessment.CheckPassword(ed.PasswordHash, pw["DTI_PASSWORD"]); err != nil || ed.MustChangePassword || !ed.Disabled {
		t.Errorf("ed1 = %+v, password check %v", ed, err)
	}
	if _, err := db.FindUserByUsername(context.Background(), "ed2"); !errors.Is(err, assessment.ErrNotFound) {
		t.Errorf("a refused add created ed2: %v", err)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestBackupCommand(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "dti.db")
	db, err := sqlite.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{"SO-TC", "SO-YT", "H-CP"} {
		if err := db.CreateUnit(context.Background(), assessment.SystemActor, &assessment.Unit{Code: code, NameVI: code, Type: "department", Active: true}); err != nil {
			t.Fatal(err)
		}
	}
	// The database stays open, as under a running server.
	defer db.Close()
	out := filepath.Join(dir, "backup.db")

	if _, _, err := runCmdEnv(t, nil, "backup", "--db", dbPath); err == nil {
		t.Error("backup without --out succeeded")
	}
	if _, _, err := runCmdEnv(t, nil, "backup", "--db", filepath.Join(dir, "none.db"), "--out", out); err == nil {
		t.Error("backup of a missing database succeeded")
	}
	stdout, stderr, err := runCmdEnv(t, map[string]string{"DTI_DB": dbPath}, "backup", "--out", out)
	if err != nil {
		t.Fatalf("backup: %v (%s)", err, stderr)
	}
	if !strings.Contains(stdout, "integrity ok") {
		t.Errorf("stdout = %q", stdout)
	}
	if _, _, err := runCmdEnv(t, nil, "backup", "--db", dbPath, "--out", out); err == nil {
		t.Error("backup over an existing file succeeded")
	}
	b, err := sqlite.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	units, total, err := b.FindUnits(context.Background(), assessment.UnitFilter{})
	if err != nil || total != 3 || units[0].Code != "H-CP" {
		t.Errorf("units in backup = %d, %v", total, err)
	}
}
