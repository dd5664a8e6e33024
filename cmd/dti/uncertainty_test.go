package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestUncertainty_Formats(t *testing.T) {
	cases := []struct {
		golden string
		args   []string
	}{
		{"uncertainty-small.txt", []string{"--format", "table"}},
		{"uncertainty-small.csv", []string{"--format", "csv"}},
		{"uncertainty-small.json", []string{"--format", "json"}},
		{"uncertainty-small-choices.txt", []string{"--spread", "0.5", "--levels", "1", "--aggregation",
			"--missing", "zero,mean", "--normalisation", "minmax,zscore"}},
	}
	for _, c := range cases {
		t.Run(c.golden, func(t *testing.T) {
			args := append([]string{"uncertainty", "--index", smallIndex, "--data", smallData, "--year", "2025", "--draws", "200", "--seed", "3"}, c.args...)
			stdout, stderr, err := runCmd(t, args...)
			if err != nil || stderr != "" {
				t.Fatalf("dti %s: err %v, stderr %q", strings.Join(args, " "), err, stderr)
			}
			golden(t, c.golden, stdout)
			// The number of workers never changes the output.
			again, _, err := runCmd(t, append(args, "--workers", "3")...)
			if err != nil || again != stdout {
				t.Errorf("--workers 3 changes the output (err %v)", err)
			}
		})
	}
}

// With fixed weights every interval is the nominal rank, which is the
// rank dti score prints.
func TestUncertainty_FixedWeights(t *testing.T) {
	stdout, stderr, err := runCmd(t, "uncertainty", "--index", "../../indicators.yaml", "--data", exampleData, "--fixed-weights", "--draws", "3", "--format", "csv")
	if err != nil || stderr != "" {
		t.Fatalf("dti uncertainty: err %v, stderr %q", err, stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(stdout)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	scored, _, err := runCmd(t, "score", "--index", "../../indicators.yaml", "--data", exampleData, "--format", "csv")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	srows, _ := csv.NewReader(strings.NewReader(scored)).ReadAll()
	for _, r := range srows[1:] {
		want[r[0]] = r[5]
	}
	if len(rows) != len(srows) {
		t.Fatalf("%d rows; dti score prints %d", len(rows), len(srows))
	}
	for _, r := range rows[1:] {
		if r[5] != want[r[0]] {
			t.Errorf("%s: rank %q; dti score ranks it %q", r[0], r[5], want[r[0]])
		}
		for _, k := range []int{6, 7, 8, 9, 10} {
			if r[k] != r[5] {
				t.Errorf("%s: %s %q; want the nominal rank %q", r[0], rows[0][k], r[k], r[5])
			}
		}
		if r[5] != "" && r[11] != "0.00" {
			t.Errorf("%s: mean shift %q; want 0.00", r[0], r[11])
		}
	}
}

func TestUncertainty_JSONShape(t *testing.T) {
	stdout, _, err := runCmd(t, "uncertainty", "--index", smallIndex, "--data", smallData, "--year", "2025", "--draws", "50", "--format", "json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Draws int
		Units []struct {
			Code  string
			Ranks *struct{ Nominal, Low, High int }
		}
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Draws != 50 || len(doc.Units) == 0 {
		t.Fatalf("draws %d, %d units", doc.Draws, len(doc.Units))
	}
	for _, u := range doc.Units {
		if r := u.Ranks; r != nil && (r.Low > r.Nominal && r.High < r.Nominal || r.Low > r.High) {
			t.Errorf("%s: interval [%d, %d] around %d", u.Code, r.Low, r.High, r.Nominal)
		}
	}
}

func TestUncertainty_Errors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	badIndex := write("bad.yaml", "schema_version: 1\nindex: {code: X}\n")
	badBlock := write("block.csv", "code,name,type,block\nS1,Sở Một,department,NOPE\n")
	noYear := write("noyear.csv", "code,name,type,block\nS1,Sở Một,department,SO\n")
	base := []string{"--index", smallIndex, "--data", smallData, "--year", "2025"}
	cases := []struct {
		name   string
		args   []string
		code   int
		stderr []string
	}{
		{"missing flags", []string{"--format", "xml", "--draws", "0"}, 2, []string{
			"--index is required", "--data is required", `--format "xml": want table, csv or json`, "--draws 0: want 1 or more",
		}},
		{"bad levels", append(base, "--levels", "1,x"), 2, []string{`--levels: "x" is not a tree depth`}},
		{"level too deep", append(base, "--levels", "7"), 2, []string{"dti uncertainty: --levels: level 7: the tree has levels 0 (top) to 1"}},
		{"spread of 1", append(base, "--spread", "1"), 2, []string{"--spread: 1: want a share in 0..1, below 1"}},
		{"spread 0", append(base, "--spread", "0"), 2, []string{"--spread 0: use --fixed-weights"}},
		{"spread and fixed", append(base, "--spread", "0.1", "--fixed-weights"), 2, []string{"--spread cannot be used with --fixed-weights"}},
		{"levels and fixed", append(base, "--levels", "0", "--fixed-weights"), 2, []string{"--levels cannot be used with --fixed-weights"}},
		{"unknown policy", append(base, "--missing", "median"), 2, []string{`--missing: unknown policy "median"`}},
		{"not a normalisation", append(base, "--normalisation", "tiers"), 2, []string{`--normalisation: "tiers" is not a peer-relative method`}},
		{"bad index", []string{"--index", badIndex, "--data", smallData}, 1, []string{badIndex + ":"}},
		{"bad data", []string{"--index", smallIndex, "--data", badBlock, "--year", "2025"}, 1, []string{badBlock + `:2:block: unknown block "NOPE"`}},
		{"no year", []string{"--index", smallIndex, "--data", noYear}, 1, []string{noYear + ": the index has deadline indicators: give the assessed year with --year"}},
		{"unknown argument", append(base, "extra"), 2, []string{`unexpected argument "extra"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stdout, stderr, err := runCmd(t, append([]string{"uncertainty"}, c.args...)...)
			if got := exitCode(err); got != c.code {
				t.Errorf("exit %d (%v); want %d", got, err, c.code)
			}
			if stdout != "" {
				t.Errorf("stdout = %q; want nothing written", stdout)
			}
			for _, w := range c.stderr {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
		})
	}
	// Help is not an error.
	if _, stderr, err := runCmd(t, "uncertainty", "-h"); err != nil || !strings.Contains(stderr, "Usage: dti uncertainty") {
		t.Errorf("-h: err %v, stderr %q", err, stderr)
	}
}

// User text cannot become a spreadsheet formula or break the table.
func TestUncertainty_UserText(t *testing.T) {
	data := filepath.Join(t.TempDir(), "units.csv")
	content := "code,name,type,block,A.1/has_plan\n" +
		"S1,\"=HYPERLINK(\"\"http://x\"\")\",department,SO,yes\n" +
		"S2,\"Sở\tHai\nmới\",department,SO,no\n"
	if err := os.WriteFile(data, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"uncertainty", "--index", smallIndex, "--data", data, "--year", "2025", "--draws", "20"}
	out, stderr, err := runCmd(t, append(args, "--format", "csv")...)
	if err != nil {
		t.Fatalf("err %v, stderr %q", err, stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if rows[1][1] != `'=HYPERLINK("http://x")` {
		t.Errorf("CSV name cell %q; want it quoted with a leading '", rows[1][1])
	}
	out, _, err = runCmd(t, append(args, "--format", "table")...)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "Sở Hai mới") {
		t.Errorf("table keeps the tab and newline of a name:\n%s", out)
	}
}

// An interrupted analysis prints nothing and says so.
func TestUncertainty_Interrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var stdout, stderr bytes.Buffer
	env := &cmdEnv{stdout: &stdout, stderr: &stderr, getenv: func(string) string { return "" }}
	err := run(ctx, env, []string{"uncertainty", "--index", smallIndex, "--data", smallData, "--year", "2025"})
	if !errors.Is(err, context.Canceled) || stdout.Len() > 0 {
		t.Errorf("err %v, stdout %q; want context.Canceled and nothing printed", err, stdout.String())
	}
}
