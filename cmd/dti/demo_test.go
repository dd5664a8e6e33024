package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/assessment/sqlite"
)

func TestDemoCommand(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "demo.db")
	index := "../../scoring/testdata/small.yaml"

	out, errOut, err := runDti("demo", "--db", dbPath, "--index", index)
	if err != nil {
		t.Fatalf("dti demo: %v\n%s", err, errOut)
	}
	for _, s := range []string{"33 đơn vị", "quantri", "ChuyenDoiSo@2026", "hoidong.chutich", "sotc.daumoi", "published"} {
		if !strings.Contains(out, s) {
			t.Errorf("output lacks %q:\n%s", s, out)
		}
	}
	db, err := sqlite.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	_, n, _ := db.FindPeriods(context.Background(), assessment.PeriodFilter{})
	db.Close()
	if n != 2 {
		t.Errorf("periods: %d; want 2", n)
	}

	// Again on the same database: refused, exit status 1.
	_, errOut, err = runDti("demo", "--db", dbPath, "--index", index)
	if exitCode(err) != 1 || !strings.Contains(errOut, "the demo only fills an empty database") {
		t.Errorf("second run: %v\n%s", err, errOut)
	}
	for _, tt := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"demo"}, 2, "--db is required"},
		{[]string{"demo", "--db", filepath.Join(dir, "x.db"), "--index", filepath.Join(dir, "none.yaml")}, 1, "no such file"},
		{[]string{"demo", "--db", filepath.Join(dir, "y.db"), "--index", index, "--password", "short"}, 2, "at least 10"},
	} {
		_, errOut, err := runDti(tt.args...)
		if exitCode(err) != tt.code || !strings.Contains(errOut, tt.msg) {
			t.Errorf("dti %v: exit %d %q; want %d %q", tt.args, exitCode(err), errOut, tt.code, tt.msg)
		}
	}
}
