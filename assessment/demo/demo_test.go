package demo_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/assessment/demo"
	"github.com/dti-platform/dti/assessment/sqlite"
)

var demoNow = time.Date(2026, 11, 22, 2, 0, 0, 0, time.UTC)

func openStore(t *testing.T) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "dti.db"), sqlite.WithClock(func() time.Time { return demoNow }))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// indexFiles are the index files the demo is built with: the test index
// and, once it exists, the shipped one.
func indexFiles(t *testing.T) map[string][]byte {
	out := map[string][]byte{}
	for _, p := range []string{"../../scoring/testdata/small.yaml", "../../indicators.yaml"} {
		src, err := os.ReadFile(p)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(p)] = src
	}
	return out
}

func TestBuild(t *testing.T) {
	for name, src := range indexFiles(t) {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			db := openStore(t)
			res, err := demo.Build(ctx, db, demo.Options{Index: src, Now: demoNow})
			if err != nil {
				t.Fatalf("Build: %v", err)
			}
			checkDemo(t, db, res)

			// A second run refuses the non-empty database and changes nothing.
			_, err = demo.Build(ctx, db, demo.Options{Index: src, Now: demoNow})
			if !errors.Is(err, assessment.ErrConflict) || !errors.Is(err, demo.ErrNotEmpty) {
				t.Fatalf("second Build: %v; want ErrConflict", err)
			}
			if msg := assessment.ErrorMessage(err, "vi"); !strings.Contains(msg, "dữ liệu mẫu chỉ tạo trên cơ sở dữ liệu trống") {
				t.Errorf("message %q", msg)
			}
			if _, n, _ := db.FindUsers(ctx, assessment.UserFilter{}); n != len(res.Accounts) {
				t.Errorf("users after the refused run: %d; want %d", n, len(res.Accounts))
			}
		})
	}
}

func checkDemo(t *testing.T, db *sqlite.DB, res *demo.Result) {
	t.Helper()
	ctx := context.Background()
	units, n, err := db.FindUnits(ctx, assessment.UnitFilter{})
	if err != nil || n != 33 || res.Units != 33 {
		t.Fatalf("units: %d (%v), result %d; want 33", n, err, res.Units)
	}
	kinds := map[string]int{}
	for _, u := range units {
		kinds[u.Type]++
	}
	if kinds["department"] != 20 || kinds["district"] != 9 || kinds["commune"] != 4 {
		t.Errorf("unit types %v; want 20 departments, 9 districts, 4 communes", kinds)
	}
	tree, _ := db.UnitTree(ctx)
	ks, _ := db.FindUnitByCode(ctx, "H-KIMSON")
	if got := len(tree.Children(ks.ID)); got != 4 {
		t.Errorf("communes of Kim Sơn: %d; want 4", got)
	}

	// Accounts: every role, each one signs in with the printed password.
	roles := map[assessment.Role]int{}
	for _, a := range res.Accounts {
		roles[a.Role]++
		u, err := db.FindUserByUsername(ctx, a.Username)
		if err != nil {
			t.Fatalf("account %s: %v", a.Username, err)
		}
		if err := assessment.CheckPassword(u.PasswordHash, a.Password); err != nil {
			t.Errorf("account %s: the printed password does not sign in: %v", a.Username, err)
		}
	}
	for _, r := range assessment.Roles {
		if roles[r] == 0 {
			t.Errorf("no demo account with role %s", r)
		}
	}
	if roles[assessment.RoleReviewer] < 3 {
		t.Errorf("reviewers: %d; want the chair and two pillar-scoped members", roles[assessment.RoleReviewer])
	}
	var buf bytes.Buffer
	demo.PrintAccounts(&buf, res.Accounts)
	for _, a := range res.Accounts {
		if !strings.Contains(buf.String(), a.Username) || !strings.Contains(buf.String(), a.Password) {
			t.Errorf("PrintAccounts lacks %s", a.Username)
		}
	}

	// The past period: published, every form approved, one snapshot.
	past, err := db.FindPeriodByCode(ctx, res.PastPeriod)
	if err != nil {
		t.Fatal(err)
	}
	if past.Status != assessment.PeriodPublished || past.Year != 2024 || !past.Public {
		t.Errorf("past period %s: status %s year %d public %v", past.Code, past.Status, past.Year, past.Public)
	}
	subs, _, _ := db.FindSubmissions(ctx, assessment.SubmissionFilter{PeriodID: &past.ID})
	if len(subs) != 29 {
		t.Errorf("past forms: %d; want 29 (departments and districts)", len(subs))
	}
	for _, s := range subs {
		if s.Status != assessment.SubmissionApproved {
			t.Errorf("past form of unit %d is %s", s.UnitID, s.Status)
		}
	}
	snaps, _ := db.FindSnapshots(ctx, past.ID)
	if len(snaps) != 1 {
		t.Fatalf("snapshots: %d; want 1", len(snaps))
	}
	snap, err := db.FindSnapshot(ctx, past.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(snap.Results.Final.Units); got != 29 {
		t.Errorf("snapshot units: %d; want 29", got)
	}
	ranked, spread := 0, map[float64]bool{}
	for _, u := range snap.Results.Final.Units {
		if u.Rank > 0 {
			ranked++
		}
		spread[u.Value] = true
		if u.Value <= 0 || u.Value > 1 {
			t.Errorf("unit %s value %v", u.Code, u.Value)
		}
	}
	if ranked < 20 || len(spread) < 15 {
		t.Errorf("snapshot: %d ranked units, %d distinct values; want a realistic spread", ranked, len(spread))
	}
	if snap.Results.Final.IndexHash != past.IndexHash {
		t.Errorf("snapshot scored with %s; period pins %s", snap.Results.Final.IndexHash, past.IndexHash)
	}

	// The current period: open, forms in every state.
	cur, err := db.FindPeriodByCode(ctx, res.CurrentPeriod)
	if err != nil {
		t.Fatal(err)
	}
	if cur.Status != assessment.PeriodOpen || cur.Year != 2025 || !cur.ClosesAt.After(demoNow) {
		t.Errorf("current period %s: %s year %d closes %v", cur.Code, cur.Status, cur.Year, cur.ClosesAt)
	}
	subs, _, _ = db.FindSubmissions(ctx, assessment.SubmissionFilter{PeriodID: &cur.ID})
	states := map[assessment.SubmissionStatus]int{}
	for _, s := range subs {
		states[s.Status]++
	}
	for _, st := range []assessment.SubmissionStatus{assessment.SubmissionDraft, assessment.SubmissionSubmitted,
		assessment.SubmissionReturned, assessment.SubmissionResubmitted, assessment.SubmissionApproved} {
		if states[st] < 2 {
			t.Errorf("current forms in %s: %d; want at least 2 (%v)", st, states[st], states)
		}
		if res.States[st] != states[st] {
			t.Errorf("Result.States[%s] = %d; the store has %d", st, res.States[st], states[st])
		}
	}
	// The accounts' units are where their notes say.
	want := map[string]assessment.SubmissionStatus{"SO-TC": assessment.SubmissionDraft, "SO-YT": assessment.SubmissionReturned,
		"SO-GDDT": assessment.SubmissionApproved, "H-KIMSON": assessment.SubmissionSubmitted, "SO-NV": assessment.SubmissionResubmitted}
	for code, st := range want {
		u, _ := db.FindUnitByCode(ctx, code)
		s, err := db.FindSubmission(ctx, cur.ID, u.ID)
		if err != nil || s.Status != st {
			t.Errorf("form of %s: %v %v; want %s", code, s, err, st)
		}
	}
	// The returned form carries the reviewer's comment and decisions.
	yt, _ := db.FindUnitByCode(ctx, "SO-YT")
	s, _ := db.FindSubmission(ctx, cur.ID, yt.ID)
	reviews, _ := db.FindReviews(ctx, s.ID)
	asked := 0
	for _, r := range reviews {
		if r.Decision == assessment.DecisionRequestEvidence && r.Comment != "" {
			asked++
		}
	}
	audit, _, _ := db.FindAudit(ctx, assessment.AuditFilter{EntityID: &s.ID, Entity: "submission", Action: assessment.ActionSubmissionStatus})
	returned := false
	for _, e := range audit {
		if e.To == string(assessment.SubmissionReturned) && strings.Contains(e.Reason, "bổ sung") {
			returned = true
		}
	}
	if asked == 0 || !returned {
		t.Errorf("returned form: %d evidence requests, return comment audited %v", asked, returned)
	}
	// Evidence: links, explanations and uploaded files that open.
	evKinds := map[assessment.EvidenceKind]int{}
	for _, sub := range subs {
		evs, _ := db.FindEvidence(ctx, sub.ID)
		for _, e := range evs {
			evKinds[e.Kind]++
			if e.Kind != assessment.EvidenceFile {
				continue
			}
			_, rc, err := db.OpenEvidenceFile(ctx, e.ID)
			if err != nil {
				t.Fatalf("evidence file %s: %v", e.FileName, err)
			}
			head := make([]byte, 5)
			_, err = io.ReadFull(rc, head)
			rc.Close()
			if err != nil || string(head) != "%PDF-" || e.ContentType != "application/pdf" {
				t.Errorf("evidence file %s: %q %s %v", e.FileName, head, e.ContentType, err)
			}
		}
	}
	if evKinds[assessment.EvidenceLink] == 0 || evKinds[assessment.EvidenceFile] == 0 {
		t.Errorf("evidence of the current forms: %v; want links and files", evKinds)
	}
	if !cur.ShowInProgress {
		t.Errorf("the current period does not show results in progress")
	}
	// The resubmitted form corrected a value after the return.
	nv, _ := db.FindUnitByCode(ctx, "SO-NV")
	changed, _, _ := db.FindAudit(ctx, assessment.AuditFilter{UnitID: &nv.ID, PeriodID: &cur.ID, Action: assessment.ActionValueSet})
	corrected := false
	for _, e := range changed {
		if e.From != "" && e.From != e.To {
			corrected = true
		}
	}
	if !corrected {
		t.Errorf("the resubmitted form of SO-NV shows no corrected value (%d value entries)", len(changed))
	}
	nvForm, _ := db.FindSubmission(ctx, cur.ID, nv.ID)
	since, err := assessment.ChangesSinceReturn(ctx, db, nvForm)
	if err != nil {
		t.Fatal(err)
	}
	values, added := 0, 0
	for _, c := range since {
		added += c.Evidence
		for _, d := range c.Inputs {
			if d.From != "" {
				values++
			}
		}
	}
	if values != 1 || added < 1 {
		t.Errorf("ChangesSinceReturn(SO-NV) = %+v; want one corrected value and the added evidence", since)
	}
	if since, _ := assessment.ChangesSinceReturn(ctx, db, formOf(t, db, cur.ID, "SO-GDDT")); len(since) != 0 {
		t.Errorf("an approved form never returned has changes since a return: %+v", since)
	}
	// The draft is partly filled: some values, not all.
	tc, _ := db.FindUnitByCode(ctx, "SO-TC")
	s, _ = db.FindSubmission(ctx, cur.ID, tc.ID)
	vals, _ := db.FindValues(ctx, s.ID)
	self := 0
	for _, v := range vals {
		if !v.Locked {
			self++
		}
	}
	if self == 0 {
		t.Errorf("the draft of SO-TC has no typed values")
	}
}

func TestBuild_deterministic(t *testing.T) {
	src, err := os.ReadFile("../../scoring/testdata/small.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dump := func() string {
		ctx := context.Background()
		db := openStore(t)
		res, err := demo.Build(ctx, db, demo.Options{Index: src, Now: demoNow, Seed: 7})
		if err != nil {
			t.Fatal(err)
		}
		past, _ := db.FindPeriodByCode(ctx, res.PastPeriod)
		snap, err := db.FindSnapshot(ctx, past.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, u := range snap.Results.Final.Units {
			b.WriteString(u.Code + " " + strconv.FormatFloat(u.Points, 'f', -1, 64) + " " + strconv.Itoa(u.Rank) + "\n")
		}
		return b.String()
	}
	if a, b := dump(), dump(); a != b {
		t.Errorf("two builds with the same seed differ:\n%s\n---\n%s", a, b)
	}
}

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// TestPrintAccounts_golden pins the account table dti demo and dti serve
// --demo print.
func TestPrintAccounts_golden(t *testing.T) {
	src, err := os.ReadFile("../../scoring/testdata/small.yaml")
	if err != nil {
		t.Fatal(err)
	}
	res, err := demo.Build(context.Background(), openStore(t), demo.Options{Index: src, Now: demoNow})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	demo.PrintAccounts(&buf, res.Accounts)
	golden := filepath.Join("testdata", "accounts.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("PrintAccounts differs from %s (go test -update rewrites it):\n%s", golden, buf.String())
	}
}

// formOf returns the form of unit code in period periodID.
func formOf(t *testing.T, db *sqlite.DB, periodID int64, code string) *assessment.Submission {
	t.Helper()
	u, err := db.FindUnitByCode(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	s, err := db.FindSubmission(context.Background(), periodID, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
