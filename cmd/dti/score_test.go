package main

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

const (
	smallIndex = "../../scoring/testdata/small.yaml"
	smallData  = "../../scoring/testdata/golden/small-data.csv"
)

// golden compares got with testdata/name, rewriting it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run with -update and review the diff):\n%s", path, got)
	}
}

func TestScore_Formats(t *testing.T) {
	for _, format := range []string{"table", "csv", "json"} {
		t.Run(format, func(t *testing.T) {
			stdout, stderr, err := runCmd(t, "score", "--index", smallIndex, "--data", smallData, "--year", "2025", "--format", format)
			if err != nil || stderr != "" {
				t.Fatalf("dti score: err %v, stderr %q", err, stderr)
			}
			ext := map[string]string{"table": "txt", "csv": "csv", "json": "json"}[format]
			golden(t, "score-small."+ext, stdout)
		})
	}
}

func TestScore_Uncertainty(t *testing.T) {
	for _, format := range []string{"csv", "table"} {
		stdout, stderr, err := runCmd(t, "score", "--index", smallIndex, "--data", smallData, "--year", "2025", "--uncertainty", "200", "--format", format)
		if err != nil || stderr != "" {
			t.Fatalf("dti score --uncertainty: err %v, stderr %q", err, stderr)
		}
		golden(t, "score-small-uncertainty."+map[string]string{"csv": "csv", "table": "txt"}[format], stdout)
	}
}

func TestScore_Scorecard(t *testing.T) {
	for _, lang := range []string{"vi", "en"} {
		stdout, stderr, err := runCmd(t, "score", "--index", smallIndex, "--data", smallData, "--year", "2025", "--explain", "STC", "--lang", lang)
		if err != nil || stderr != "" {
			t.Fatalf("dti score --explain: err %v, stderr %q", err, stderr)
		}
		golden(t, "scorecard-small-"+lang+".txt", stdout)
	}
	stdout, stderr, err := runCmd(t, "score", "--index", smallIndex, "--data", smallData, "--year", "2025", "--explain", "NOPE")
	if exitCode(err) != 1 || stdout != "" || !strings.Contains(stderr, `--explain: no unit "NOPE" in the data file`) {
		t.Errorf("unknown unit: exit %d, stdout %q, stderr %q", exitCode(err), stdout, stderr)
	}
}

// The shipped index scores the shipped sample data.
func TestScore_Example(t *testing.T) {
	stdout, stderr, err := runCmd(t, "score", "--index", "../../indicators.yaml", "--data", exampleData, "--format", "csv")
	if err != nil || stderr != "" {
		t.Fatalf("dti score: err %v, stderr %q", err, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 1+len(exampleUnits) {
		t.Fatalf("%d lines; want a header and %d units:\n%s", len(lines), len(exampleUnits), stdout)
	}
	if !strings.HasPrefix(lines[0], "code,name,block,points,value,rank,band,pillar:CQS,pillar:KTS,pillar:XHS,") {
		t.Errorf("header = %q", lines[0])
	}
	// Ranked blocks start at rank 1; the block without procedures is not ranked.
	for _, want := range []string{",SO_CO_TTHC,", ",HUYEN,"} {
		found := false
		for _, l := range lines[1:] {
			if strings.Contains(l, want) {
				cells := strings.Split(l, ",")
				if cells[5] != "1" {
					t.Errorf("first unit of block %s has rank %q", want, cells[5])
				}
				found = true
				break
			}
		}
		if !found {
			t.Errorf("no unit of block %s", want)
		}
	}
	for _, l := range lines[1:] {
		if cells := strings.Split(l, ","); cells[2] == "SO_KHONG_TTHC" && cells[5] != "" {
			t.Errorf("unranked unit has a rank: %s", l)
		}
	}
}

func TestScore_Errors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	badData := write("bad.csv", "code,name,type,block,A.1/has_plan,A.4/signed_pct,A.2/chair_role,colour\n"+
		"S1,Sở Một,department,SO,perhaps,abc,boss,red\n"+
		"S2,Sở Hai,ministry,SO,1,120,head,\n")
	badData2 := write("bad2.csv", "code,name,type,block,A.1/has_plan,A.4/signed_pct\n"+
		"S1,Sở Một,department,SO,perhaps,abc\n"+
		"S2,Sở Hai,ministry,NOPE,1,120\n")
	badIndex := write("bad.yaml", "schema_version: 1\nindex: {code: X}\n")
	noYear := write("noyear.csv", "code,name,type,block\nS1,Sở Một,department,SO\n")
	cases := []struct {
		name   string
		args   []string
		code   int
		stderr []string
	}{
		{"unknown column", []string{"--index", smallIndex, "--data", badData}, 1, []string{
			badData + ":1:colour: unknown column",
		}},
		{"bad cells and units", []string{"--index", smallIndex, "--data", badData2, "--year", "2025"}, 1, []string{
			badData2 + `:2:A.1/has_plan: "perhaps" is not yes/no`,
			badData2 + `:2:A.4/signed_pct: "abc" is not a number`,
			badData2 + `:3:A.4/signed_pct: 120 is above the maximum 100`,
			badData2 + `:3:type: unknown unit type "ministry"`,
			badData2 + `:3:block: unknown block "NOPE"`,
		}},
		{"bad index", []string{"--index", badIndex, "--data", smallData}, 1, []string{badIndex + ":"}},
		{"deadline needs a year", []string{"--index", smallIndex, "--data", noYear}, 1, []string{
			noYear + ": the index has deadline indicators: give the assessed year with --year",
		}},
		{"missing flags", []string{"--format", "xml", "--lang", "fr", "--uncertainty", "-3"}, 2, []string{
			"--index is required", "--data is required", `--format "xml": want table, csv or json`,
			`--lang "fr": want vi or en`, "--uncertainty -3: want a number of draws ≥ 0",
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stdout, stderr, err := runCmd(t, append([]string{"score"}, c.args...)...)
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
}

func TestSafeCell(t *testing.T) {
	for in, want := range map[string]string{
		"=1+2": "'=1+2", "+84": "'+84", "-x": "'-x", "@SUM": "'@SUM", "Sở Tư pháp": "Sở Tư pháp", "": "",
	} {
		if got := safeCell(in); got != want {
			t.Errorf("safeCell(%q) = %q; want %q", in, got, want)
		}
	}
}
