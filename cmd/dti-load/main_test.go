package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dti-platform/dti/assessment"
)

// TestRun_Short runs both phases for a moment with few clients against
// the shipped index: the server answers, saves are acknowledged and none
// is lost.
func TestRun_Short(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a server and builds the demo province")
	}
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"-index", "../../indicators.yaml", "-duration", "1s",
		"-clients", "4", "-editors", "5", "-think", "20ms"}, &out, &errb)
	if code != 0 {
		t.Fatalf("run = %d; want 0\nstdout:\n%s\nstderr:\n%s", code, out.String(), errb.String())
	}
	rows := map[string][]string{}
	for _, line := range strings.Split(out.String(), "\n") {
		f := strings.Fields(line)
		if len(f) > 0 && (f[0] == phaseRanking || f[0] == phaseAutosave) {
			rows[f[0]] = f
		}
	}
	for _, name := range []string{phaseRanking, phaseAutosave} {
		f := rows[name]
		// phase clients requests seconds rate p50 ms p95 ms p99 ms max ms errors conflicts lost
		if len(f) != 16 {
			t.Fatalf("row %s = %q; want 16 fields\n%s", name, f, out.String())
		}
		if f[2] == "0" {
			t.Errorf("%s: no request answered\n%s", name, out.String())
		}
		if f[13] != "0" {
			t.Errorf("%s: %s errors\n%s", name, f[13], out.String())
		}
	}
	if got := rows[phaseAutosave][15]; got != "0" {
		t.Errorf("autosave lost = %s; want 0\n%s", got, out.String())
	}
	if got := rows[phaseAutosave][14]; got != "0" {
		t.Errorf("autosave conflicts = %s; want 0 (every editor saves its own form)\n%s", got, out.String())
	}
	if got := rows[phaseRanking][1]; got != "4" {
		t.Errorf("ranking clients = %s; want 4", got)
	}
}

// TestParseConfig_Bad names the flag of every bad value and runs nothing.
func TestParseConfig_Bad(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"duration too long", []string{"-duration", "1h"}, "-duration: 1h0m0s is outside"},
		{"duration too short", []string{"-duration", "1ms"}, "-duration: 1ms is outside"},
		{"no clients", []string{"-clients", "0"}, "-clients: 0 is outside"},
		{"too many editors", []string{"-editors", "5000"}, "-editors: 5000 is outside"},
		{"negative think", []string{"-think", "-1s"}, "-think: -1s is outside"},
		{"no requests", []string{"-max-requests", "0"}, "-max-requests: 0 must be at least 1"},
		{"unknown phase", []string{"-phases", "ranking,login"}, `-phases: "login" is not ranking or autosave`},
		{"argument", []string{"extra"}, `unexpected argument "extra"`},
		{"missing index", []string{"-index", "no-such-file.yaml"}, "-index: open no-such-file.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(context.Background(), tt.args, &out, &errb)
			if code != 2 || !strings.Contains(errb.String(), tt.want) {
				t.Errorf("run(%q) = %d, stderr %q; want 2 and %q", tt.args, code, errb.String(), tt.want)
			}
			if out.Len() > 0 {
				t.Errorf("run(%q) printed %q; want nothing on stdout", tt.args, out.String())
			}
		})
	}
}

// TestCheckTargets lists exactly the missed targets.
func TestCheckTargets(t *testing.T) {
	lat := func(d time.Duration, n int) []time.Duration {
		out := make([]time.Duration, n)
		for i := range out {
			out[i] = d
		}
		return out
	}
	fast := phaseResult{Name: phaseRanking, Elapsed: time.Second, Latencies: lat(2*time.Millisecond, 3000)}
	save := phaseResult{Name: phaseAutosave, Elapsed: time.Second, Latencies: lat(5*time.Millisecond, 100), Verified: true}
	tests := []struct {
		name string
		in   []phaseResult
		want []string
	}{
		{"all met", []phaseResult{fast, save}, nil},
		{"slow ranking", []phaseResult{{Name: phaseRanking, Elapsed: time.Second, Latencies: lat(60*time.Millisecond, 1000)}},
			[]string{"ranking: 1000 requests/s < 2000", "ranking: p99 60.0 ms > 50.0 ms"}},
		{"slow saves", []phaseResult{{Name: phaseAutosave, Elapsed: time.Second, Latencies: lat(150*time.Millisecond, 10), Verified: true}},
			[]string{"autosave: p99 150.0 ms > 100.0 ms"}},
		{"lost save", []phaseResult{{Name: phaseAutosave, Elapsed: time.Second, Latencies: lat(time.Millisecond, 10), Verified: true, Lost: 2}},
			[]string{"autosave: 2 acknowledged saves lost"}},
		{"errors", []phaseResult{{Name: phaseRanking, Elapsed: time.Second, Latencies: lat(time.Millisecond, 3000), Errors: 3, FirstError: "status 500"}},
			[]string{"ranking: 3 errors (first: status 500)"}},
		{"nothing answered", []phaseResult{{Name: phaseAutosave, Elapsed: time.Second, Verified: true}},
			[]string{"autosave: p99 0.0 ms > 100.0 ms"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := checkTargets(tt.in)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("checkTargets = %q; want %q", got, tt.want)
			}
		})
	}
}

// TestPercentile uses the nearest rank.
func TestPercentile(t *testing.T) {
	r := phaseResult{}
	for i := 1; i <= 100; i++ {
		r.Latencies = append(r.Latencies, time.Duration(i)*time.Millisecond)
	}
	for _, tt := range []struct {
		p    float64
		want time.Duration
	}{{50, 50 * time.Millisecond}, {95, 95 * time.Millisecond}, {99, 99 * time.Millisecond}, {100, 100 * time.Millisecond}, {0, time.Millisecond}} {
		if got := r.Percentile(tt.p); got != tt.want {
			t.Errorf("Percentile(%v) = %s; want %s", tt.p, got, tt.want)
		}
	}
	if got := (phaseResult{}).Percentile(99); got != 0 {
		t.Errorf("Percentile of nothing = %s; want 0", got)
	}
}

// TestVerifySaves finds an acknowledged save the database does not hold,
// and accepts saves that are there.
func TestVerifySaves(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the demo province")
	}
	src, err := os.ReadFile("../../indicators.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	env, err := setup(ctx, t.TempDir(), src, config{Editors: 2, Clients: 1, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer env.close()
	// Each editor saves twice through the store, as the server would.
	for i, ed := range env.editors {
		u, err := env.db.FindUserByUsername(ctx, fmt.Sprintf("tai.%04d", i+1))
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range []float64{7, 8} {
			text := strconv.FormatFloat(v, 'f', -1, 64)
			sub, err := env.db.SaveValues(ctx, u.Actor(), assessment.ValueSave{SubmissionID: ed.subID, Version: ed.version,
				Changes: []assessment.ValueChange{{Indicator: env.field.Indicator, Input: env.field.Input, Text: text, Num: &v}}})
			if err != nil {
				t.Fatalf("SaveValues %s: %v", ed.unitCode, err)
			}
			ed.version = sub.Version
			ed.acked = append(ed.acked, ack{value: text, version: sub.Version})
		}
	}
	if lost, err := env.verifySaves(ctx); err != nil || lost != 0 {
		t.Fatalf("verifySaves after real saves = %d, %v; want 0", lost, err)
	}
	tests := []struct {
		name  string
		acked []ack
		want  int
	}{
		{"a value never saved", []ack{{"7", 0}, {"99", 0}, {"8", 0}}, 1},
		{"the last value is not stored", []ack{{"7", 0}, {"8", 0}, {"7", 0}}, 2},
		{"the stored value has another version", []ack{{"7", 0}, {"8", 1}}, 1},
	}
	ed := env.editors[0]
	saved := ed.acked
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ed.acked = nil
			for i, a := range tt.acked {
				if a.version == 0 {
					a.version = saved[min(i, len(saved)-1)].version
				}
				ed.acked = append(ed.acked, a)
			}
			if lost, err := env.verifySaves(ctx); err != nil || lost != tt.want {
				t.Errorf("verifySaves(%v) = %d, %v; want %d", ed.acked, lost, err, tt.want)
			}
		})
	}
}
