package sqlite_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/assessment/sqlite"
)

// seedPeriod creates n department units, an open period and a draft
// submission for each unit.
func seedPeriod(tb testing.TB, db *sqlite.DB, n int) (*assessment.Period, []*assessment.Submission) {
	tb.Helper()
	ctx := context.Background()
	p := &assessment.Period{Code: "DTI-2025", Name: "DTI 2025", Year: 2025, Status: assessment.PeriodOpen,
		IndexCode: "PDTI", IndexVersion: "1", IndexHash: "h", IndexSource: []byte("x")}
	if err := db.CreatePeriod(ctx, admin, p); err != nil {
		tb.Fatal(err)
	}
	subs := make([]*assessment.Submission, n)
	for i := range n {
		u := &assessment.Unit{Code: fmt.Sprintf("U%04d", i), NameVI: fmt.Sprintf("Đơn vị %d", i), Type: "department", Active: true}
		if err := db.CreateUnit(ctx, admin, u); err != nil {
			tb.Fatal(err)
		}
		s, err := db.EnsureSubmission(ctx, admin, p.ID, u.ID)
		if err != nil {
			tb.Fatal(err)
		}
		subs[i] = s
	}
	return p, subs
}

// saveWithRetry saves changes to a submission, reloading the version and
// retrying on ErrConflict. It returns the number of conflicts seen.
func saveWithRetry(ctx context.Context, db *sqlite.DB, actor assessment.Actor, subID int64, changes []assessment.ValueChange) (int, error) {
	conflicts := 0
	for {
		s, err := db.FindSubmissionByID(ctx, subID)
		if err != nil {
			return conflicts, err
		}
		_, err = db.SaveValues(ctx, actor, assessment.ValueSave{SubmissionID: subID, Version: s.Version, Changes: changes})
		if errors.Is(err, assessment.ErrConflict) {
			conflicts++
			continue
		}
		return conflicts, err
	}
}

// TestSaveValues_Concurrent runs 100 writers: every 5 share a submission
// (so optimistic conflicts happen) and each save writes a pair of inputs.
// Every acknowledged save must be stored whole, every refusal must be
// ErrConflict, and each submission's version must count its saves.
func TestSaveValues_Concurrent(t *testing.T) {
	db, _ := MustOpen(t)
	const writers, subsN, saves = 100, 20, 10
	_, subs := seedPeriod(t, db, subsN)
	ctx := context.Background()

	var mu sync.Mutex
	acked := map[int64][]string{} // submission -> acknowledged input keys
	conflicts := 0
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for g := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sub := subs[g%subsN]
			actor := assessment.Actor{Username: fmt.Sprintf("w%d", g)}
			for i := range saves {
				a, b := fmt.Sprintf("g%d_%d_a", g, i), fmt.Sprintf("g%d_%d_b", g, i)
				c, err := saveWithRetry(ctx, db, actor, sub.ID, []assessment.ValueChange{num("PAIR", a, float64(i)), num("PAIR", b, float64(i))})
				if err != nil {
					errs <- fmt.Errorf("writer %d save %d: %w", g, i, err)
					return
				}
				mu.Lock()
				acked[sub.ID] = append(acked[sub.ID], a, b)
				conflicts += c
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	t.Logf("%d optimistic conflicts retried", conflicts)
	for _, s := range subs {
		vals, err := db.FindValues(ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		stored := map[string]bool{}
		for _, v := range vals {
			stored[v.Input] = true
		}
		for _, k := range acked[s.ID] {
			if !stored[k] {
				t.Errorf("submission %d: acknowledged value %s missing", s.ID, k)
			}
		}
		if len(vals) != len(acked[s.ID]) {
			t.Errorf("submission %d: %d values stored; %d acknowledged (half-written or phantom saves)", s.ID, len(vals), len(acked[s.ID]))
		}
		cur, _ := db.FindSubmissionByID(ctx, s.ID)
		if want := s.Version + int64(len(acked[s.ID])/2); cur.Version != want {
			t.Errorf("submission %d: version %d; want %d (one per save)", s.ID, cur.Version, want)
		}
	}
	if err := db.CheckPacked(ctx); err != nil {
		t.Errorf("packed values: %v", err)
	}
	if n, _ := db.CountRows(ctx, "input_values"); n != writers*saves*2 {
		t.Errorf("input_values has %d rows; want %d", n, writers*saves*2)
	}
}

// TestSaveValues_SameVersionRace fires 50 saves based on one version at
// one submission: exactly one wins, the others get ErrConflict and write
// nothing.
func TestSaveValues_SameVersionRace(t *testing.T) {
	db, _ := MustOpen(t)
	_, subs := seedPeriod(t, db, 1)
	ctx := context.Background()
	s := subs[0]
	const n = 50
	var wg sync.WaitGroup
	results := make(chan error, n)
	start := make(chan struct{})
	for g := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, err := db.SaveValues(ctx, admin, assessment.ValueSave{SubmissionID: s.ID, Version: s.Version,
				Changes: []assessment.ValueChange{num("A", fmt.Sprintf("x%d", g), 1)}})
			results <- err
		}()
	}
	close(start)
	wg.Wait()
	close(results)
	ok, conflict := 0, 0
	for err := range results {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, assessment.ErrConflict):
			conflict++
		default:
			t.Errorf("SaveValues = %v; want nil or ErrConflict", err)
		}
	}
	vals, _ := db.FindValues(ctx, s.ID)
	if ok != 1 || conflict != n-1 || len(vals) != 1 {
		t.Errorf("%d saves won, %d conflicts, %d values stored; want 1, %d, 1", ok, conflict, len(vals), n-1)
	}
}

const crashEnv = "DTI_CRASH_TEST_DB"

// TestCrash_KillDuringSaves runs a child process (this test binary) that
// saves values from 8 goroutines and prints each acknowledged save; the
// parent kills it with SIGKILL after about a second, reopens the database
// and checks its integrity and that every acknowledged save is there.
func TestCrash_KillDuringSaves(t *testing.T) {
	if path := os.Getenv(crashEnv); path != "" {
		crashChild(path)
		return
	}
	if testing.Short() {
		t.Skip("crash test skipped in -short mode")
	}
	path := filepath.Join(t.TempDir(), "dti.db")
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	seedPeriod(t, db, 8)
	db.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^TestCrash_KillDuringSaves$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashEnv+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acks := make(chan []string)
	going := make(chan struct{}) // closed after the first 50 acknowledgements
	go func() {
		var lines []string
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "ack ") {
				lines = append(lines, sc.Text())
				if len(lines) == 50 {
					close(going)
				}
			}
		}
		acks <- lines
	}()
	// Kill about a second into the saves (however slow the child was to
	// start on a busy machine).
	select {
	case <-going:
	case <-time.After(30 * time.Second):
	}
	time.Sleep(time.Second)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	lines := <-acks
	cmd.Wait()
	if len(lines) < 10 {
		t.Fatalf("the child acknowledged only %d saves before the kill", len(lines))
	}

	db, err = sqlite.Open(path)
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	defer db.Close()
	ctx := context.Background()
	if res, err := db.IntegrityCheck(ctx); err != nil || res != "ok" {
		t.Fatalf("integrity_check = %q, %v", res, err)
	}
	stored := map[string]string{}
	missing := 0
	for _, l := range lines {
		f := strings.Fields(l) // ack SUB INPUT VALUE
		sub, _ := strconv.ParseInt(f[1], 10, 64)
		if _, ok := stored[f[1]]; !ok {
			vals, err := db.FindValues(ctx, sub)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range vals {
				stored[f[1]+"/"+v.Input] = v.Text
			}
			stored[f[1]] = ""
		}
		if stored[f[1]+"/"+f[2]] != f[3] {
			missing++
			if missing < 5 {
				t.Errorf("acknowledged save %s is not in the database", l)
			}
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d acknowledged saves lost", missing, len(lines))
	}
	if err := db.CheckPacked(ctx); err != nil {
		t.Errorf("packed values after the kill: %v", err)
	}
	t.Logf("%d acknowledged saves survived SIGKILL", len(lines))
}

// crashChild saves in a loop until killed, printing "ack SUB INPUT VALUE"
// after each committed save.
func crashChild(path string) {
	db, err := sqlite.Open(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	ctx := context.Background()
	p, err := db.FindPeriodByCode(ctx, "DTI-2025")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	subs, _, err := db.FindSubmissions(ctx, assessment.SubmissionFilter{PeriodID: &p.ID})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var mu sync.Mutex // one write per line on stdout
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sub := subs[g%len(subs)]
			for i := 0; ; i++ {
				in := fmt.Sprintf("g%d_%d", g, i)
				if _, err := saveWithRetry(ctx, db, admin, sub.ID, []assessment.ValueChange{num("CRASH", in, float64(i))}); err != nil {
					fmt.Fprintln(os.Stderr, "save:", err)
					os.Exit(3)
				}
				mu.Lock()
				fmt.Fprintf(os.Stdout, "ack %d %s %d\n", sub.ID, in, i)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
}

// TestSaveValues_PerValueConcurrent: 50 writers fill different inputs of
// one form in per-value mode; none conflicts and every save is stored.
func TestSaveValues_PerValueConcurrent(t *testing.T) {
	db, _ := MustOpen(t)
	_, subs := seedPeriod(t, db, 1)
	ctx := context.Background()
	s := subs[0]
	const writers, saves = 50, 5
	var wg sync.WaitGroup
	errs := make(chan error, writers*saves)
	for g := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var base int64 // this writer's input, as it last wrote it
			for i := range saves {
				c := num("F", fmt.Sprintf("in%d", g), float64(i))
				c.BaseVersion = base
				got, err := db.SaveValues(ctx, admin, assessment.ValueSave{SubmissionID: s.ID, PerValue: true, Changes: []assessment.ValueChange{c}})
				if err != nil {
					errs <- fmt.Errorf("writer %d save %d: %w", g, i, err)
					return
				}
				base = got.Version
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	vals, _ := db.FindValues(ctx, s.ID)
	if len(vals) != writers {
		t.Fatalf("%d values; want %d", len(vals), writers)
	}
	for _, v := range vals {
		if v.Text != fmt.Sprint(saves-1) {
			t.Errorf("%s = %s; want the last save %d", v.Input, v.Text, saves-1)
		}
	}
	cur, _ := db.FindSubmissionByID(ctx, s.ID)
	if cur.Version != s.Version+writers*saves {
		t.Errorf("version %d; want %d", cur.Version, s.Version+writers*saves)
	}
	if err := db.CheckPacked(ctx); err != nil {
		t.Error(err)
	}
}
