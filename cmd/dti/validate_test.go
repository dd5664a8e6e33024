package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCmd runs dti in-process with args and returns stdout, stderr and the
// error.
func runCmd(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	return runCmdEnv(t, nil, args...)
}

// runCmdEnv is runCmd with environment variables.
func runCmdEnv(t *testing.T, vars map[string]string, args ...string) (string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	env := &cmdEnv{stdout: &stdout, stderr: &stderr, getenv: func(k string) string { return vars[k] }}
	err := run(context.Background(), env, args)
	return stdout.String(), stderr.String(), err
}

func exitCode(err error) int {
	var ee exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.code
	}
	return 1
}

func TestValidate_ShippedIndex(t *testing.T) {
	stdout, stderr, err := runCmd(t, "validate", "../../indicators.yaml")
	if err != nil || stderr != "" {
		t.Fatalf("dti validate: err %v, stderr %q", err, stderr)
	}
	want := "../../indicators.yaml: PDTI-SO-HUYEN 2025.1 is valid: 70 indicators, 3 adjustments; unit types: " +
		"department (52 indicators, 1000 points), district (54 indicators, 1000 points), commune (disabled)\n"
	if stdout != want {
		t.Errorf("stdout = %q; want %q", stdout, want)
	}
}

func TestValidate_Problems(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "bad.yaml")
	src := `schema_version: 2
index:
  code: T
  version: "1"
  name: {vi: Thử}
  scal: 10
unit_types:
  - {code: department, name: {vi: Sở}}
blocks:
  - {code: SO, name: {vi: Sở}, unit_types: [department]}
tree: []
`
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, err := runCmd(t, "validate", file)
	if code := exitCode(err); code != 1 {
		t.Errorf("exit status %d (%v); want 1", code, err)
	}
	if stdout != "" {
		t.Errorf("stdout = %q; want nothing", stdout)
	}
	want := []string{
		file + `:1:17: file: unsupported schema_version 2 (this version reads 1)`,
		file + `:6:3: index: unknown key "scal" (did you mean "scale"?)`,
		file + `:11:7: file: tree is empty: an index needs at least one indicator`,
	}
	if got := strings.Split(strings.TrimSpace(stderr), "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("stderr:\n%s\nwant:\n%s", stderr, strings.Join(want, "\n"))
	}
}

func TestValidate_EmptyFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "empty.yaml")
	if err := os.WriteFile(file, []byte("# nothing yet\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, err := runCmd(t, "validate", file)
	if code := exitCode(err); code != 1 || stderr != file+": the file is empty\n" {
		t.Errorf("exit %d, stderr %q; want 1 and %q", code, stderr, file+": the file is empty")
	}
}

func TestValidate_Errors(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		code     int
		inStderr string // expected in stderr
		inErr    string // expected in the returned error
	}{
		{"no file", []string{"validate"}, 2, "Usage: dti validate FILE", ""},
		{"two files", []string{"validate", "a.yaml", "b.yaml"}, 2, "Usage: dti validate FILE", ""},
		{"unknown flag", []string{"validate", "-x", "a.yaml"}, 2, "flag provided but not defined: -x", ""},
		{"missing file", []string{"validate", "testdata-missing.yaml"}, 1, "", "cannot read the index file: open testdata-missing.yaml: no such file or directory"},
		{"a directory", []string{"validate", "."}, 1, "", "cannot read the index file: read .: is a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, err := runCmd(t, tt.args...)
			if code := exitCode(err); code != tt.code {
				t.Errorf("exit status %d (%v); want %d", code, err, tt.code)
			}
			if !strings.Contains(stderr, tt.inStderr) {
				t.Errorf("stderr = %q; want it to contain %q", stderr, tt.inStderr)
			}
			if tt.inErr != "" && (err == nil || !strings.Contains(err.Error(), tt.inErr)) {
				t.Errorf("error = %v; want it to contain %q", err, tt.inErr)
			}
		})
	}
}

func TestValidate_Help(t *testing.T) {
	_, stderr, err := runCmd(t, "validate", "-h")
	if err != nil || !strings.Contains(stderr, "Usage: dti validate FILE") {
		t.Errorf("dti validate -h: err %v, stderr %q", err, stderr)
	}
	stdout, _, _ := runCmd(t, "help")
	if !strings.Contains(stdout, "dti validate FILE") {
		t.Errorf("dti help does not list validate:\n%s", stdout)
	}
}
