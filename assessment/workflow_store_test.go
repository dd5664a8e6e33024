package assessment_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/scoring"
)

// TestWorkflow_throughStore runs the workflow rules where the web runs
// them: as the checks of store operations, on the rows the store reads in
// its transaction.
func TestWorkflow_throughStore(t *testing.T) {
	ctx := context.Background()
	db := openStore(t)
	pin, ix := pinSmall(t)
	unit := &assessment.Unit{Code: "SO-TC", NameVI: "Sở Tài chính", Type: "department", Block: "SO", Active: true}
	if err := db.CreateUnit(ctx, admin, unit); err != nil {
		t.Fatal(err)
	}
	deadline := time.Date(2026, 3, 31, 16, 59, 59, 0, time.UTC)
	period := &assessment.Period{Code: "DTI-2025", Name: "DTI 2025", Year: 2025, Status: assessment.PeriodDraft,
		IndexCode: pin.Code, IndexVersion: pin.Version, IndexHash: pin.Hash, IndexSource: pin.Source, ClosesAt: deadline}
	if err := db.CreatePeriod(ctx, admin, period); err != nil {
		t.Fatal(err)
	}
	viewer := assessment.Actor{Username: "xem", Grants: []assessment.Grant{{Role: assessment.RoleViewer}}}
	if _, err := db.SetPeriodStatus(ctx, viewer, period.ID, period.Version, assessment.PeriodOpen, "",
		assessment.PeriodCheck(viewer, assessment.PeriodChange{Action: assessment.ActOpen}, assessment.PeriodOpen)); !errors.Is(err, assessment.ErrForbidden) {
		t.Fatalf("viewer opens the period: %v", err)
	}
	period, err := db.SetPeriodStatus(ctx, admin, period.ID, period.Version, assessment.PeriodOpen, "",
		assessment.PeriodCheck(admin, assessment.PeriodChange{Action: assessment.ActOpen}, assessment.PeriodOpen))
	if err != nil {
		t.Fatal(err)
	}

	editor := assessment.Actor{Username: "daumoi", Grants: []assessment.Grant{{Role: assessment.RoleEditor, UnitID: unit.ID}}}
	approver := assessment.Actor{Username: "lanhdao", Grants: []assessment.Grant{{Role: assessment.RoleApprover, UnitID: unit.ID}}}
	reviewer := assessment.Actor{Username: "hoidong", Grants: []assessment.Grant{{Role: assessment.RoleReviewer}}}
	scoped := assessment.Actor{Username: "hoidong.xhs", Grants: []assessment.Grant{{Role: assessment.RoleReviewer, Pillars: []string{"XHS"}}}}
	s, err := db.EnsureSubmission(ctx, editor, period.ID, unit.ID)
	if err != nil {
		t.Fatal(err)
	}
	edit := func(at time.Time) assessment.SubmissionChange {
		return assessment.SubmissionChange{Action: assessment.ActEdit, At: at}
	}
	changes, err := assessment.FormChanges(ix, unit.Type, map[scoring.InputKey]string{
		{Indicator: "A.1", Input: "has_plan"}:   "có",
		{Indicator: "A.2", Input: "chair_role"}: "Người đứng đầu",
	})
	if err != nil {
		t.Fatal(err)
	}

	// After the deadline the save is refused and nothing is written.
	_, err = db.SaveValues(ctx, editor, assessment.ValueSave{SubmissionID: s.ID, Version: s.Version, Changes: changes,
		Check: assessment.SubmissionCheck(editor, edit(deadline.Add(time.Hour)), "")})
	if got := assessment.ErrorMessage(err, "vi"); got != "kỳ đánh giá đã đóng ngày 31/03/2026" {
		t.Fatalf("late save: %q (%v)", got, err)
	}
	if vals, _ := db.FindValues(ctx, s.ID); len(vals) != 0 {
		t.Fatalf("a refused save wrote %d values", len(vals))
	}
	at := deadline.AddDate(0, 0, -10)
	if s, err = db.SaveValues(ctx, editor, assessment.ValueSave{SubmissionID: s.ID, Version: s.Version, Changes: changes,
		Check: assessment.SubmissionCheck(editor, edit(at), "")}); err != nil {
		t.Fatal(err)
	}

	// Submitting: what is missing comes from the stored form.
	missing := func() []assessment.MissingItem {
		vals, _ := db.FindValues(ctx, s.ID)
		ev, _ := db.FindEvidence(ctx, s.ID)
		return assessment.CheckSubmission(ix, unit.Type, assessment.ValuesOf(vals), assessment.EvidenceSet(ev), nil)
	}
	submit := func(a assessment.Actor) error {
		fresh, _ := db.FindSubmissionByID(ctx, s.ID)
		ch := assessment.SubmissionChange{Action: assessment.ActSubmit, At: at, Missing: missing()}
		var err error
		s, err = db.TransitionSubmission(ctx, a, assessment.Transition{SubmissionID: s.ID, Version: fresh.Version,
			To: assessment.SubmissionSubmitted, Check: assessment.SubmissionCheck(a, ch, assessment.SubmissionSubmitted)})
		if err != nil {
			s = fresh
		}
		return err
	}
	if err := submit(editor); !errors.Is(err, assessment.ErrForbidden) {
		t.Fatalf("editor submits: %v", err)
	}
	err = submit(approver)
	var v *assessment.ValidationError
	if !errors.As(err, &v) || len(v.Fields) == 0 || v.Fields[0].Field != "A.1/evidence" {
		t.Fatalf("incomplete submit: %v", err)
	}
	for _, m := range missing() {
		if m.Input != "" {
			t.Fatalf("unexpected missing input %s", m.Field())
		}
		if err := db.AddEvidence(ctx, editor, &assessment.Evidence{SubmissionID: s.ID, Indicator: m.Indicator,
			Kind: assessment.EvidenceExplanation, Text: "Chưa ban hành văn bản riêng"}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := submit(approver); err != nil || s.Status != assessment.SubmissionSubmitted {
		t.Fatalf("submit: %v (%s)", err, s.Status)
	}

	// Review: a scoped reviewer decides only on its pillar.
	review := func(a assessment.Actor, code string) error {
		r := &assessment.Review{SubmissionID: s.ID, Indicator: code, Decision: assessment.DecisionAccept}
		return db.SaveReview(ctx, a, r, assessment.SubmissionCheck(a,
			assessment.SubmissionChange{Action: assessment.ActReview, At: at, Indicator: ix.Node(code)}, ""))
	}
	if err := review(scoped, "A.2"); !errors.Is(err, assessment.ErrForbidden) {
		t.Errorf("scoped reviewer on A.2: %v", err)
	}
	if err := review(scoped, "A.5"); err != nil {
		t.Errorf("scoped reviewer on A.5 (XHS): %v", err)
	}
	// Return needs a comment; the comment is audited.
	ret := func(comment string) error {
		fresh, _ := db.FindSubmissionByID(ctx, s.ID)
		ch := assessment.SubmissionChange{Action: assessment.ActReturn, At: at, Comment: comment}
		_, err := db.TransitionSubmission(ctx, reviewer, assessment.Transition{SubmissionID: s.ID, Version: fresh.Version,
			To: assessment.SubmissionReturned, Comment: comment, Check: assessment.SubmissionCheck(reviewer, ch, assessment.SubmissionReturned)})
		return err
	}
	if err := ret(" "); !errors.Is(err, assessment.ErrInvalid) {
		t.Errorf("return without comment: %v", err)
	}
	if err := ret("Bổ sung quyết định thành lập Ban chỉ đạo"); err != nil {
		t.Fatal(err)
	}
	entries, _, _ := db.FindAudit(ctx, assessment.AuditFilter{Action: assessment.ActionSubmissionStatus})
	if len(entries) == 0 || entries[0].To != string(assessment.SubmissionReturned) || entries[0].Reason != "Bổ sung quyết định thành lập Ban chỉ đạo" {
		t.Errorf("audit of the return: %+v", entries)
	}
}

func TestPeriodValues_migration(t *testing.T) {
	ctx := context.Background()
	db := openStore(t)
	pin, oldIx := pinSmall(t)
	for _, code := range []string{"SO-YT", "SO-TC"} {
		if err := db.CreateUnit(ctx, admin, &assessment.Unit{Code: code, NameVI: code, Type: "department", Block: "SO", Active: true}); err != nil {
			t.Fatal(err)
		}
	}
	p := &assessment.Period{Code: "P", Name: "P", Year: 2025, Status: assessment.PeriodOpen,
		IndexCode: pin.Code, IndexVersion: pin.Version, IndexHash: pin.Hash, IndexSource: pin.Source}
	if err := db.CreatePeriod(ctx, admin, p); err != nil {
		t.Fatal(err)
	}
	im := &assessment.Importer{Store: db, Actor: admin}
	pv, err := im.PreviewValues(ctx, p, oldIx, scoring.SourceSecretariat,
		readCSV(t, "unit_code,A.2/chair_role,A.6/platforms\nSO-YT,deputy,3\nSO-TC,head,12\n"))
	if err != nil || !pv.OK() {
		t.Fatal(err, issueLines(pv, "en"))
	}
	if _, err := im.Apply(ctx, pv); err != nil {
		t.Fatal(err)
	}
	vals, err := assessment.PeriodValues(ctx, db, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(vals) != 2 || vals[0].Unit != "SO-TC" || len(vals[0].Values) != 2 {
		t.Fatalf("PeriodValues = %+v", vals)
	}
	// The same index: nothing to report.
	if m := assessment.MigrationReport(oldIx, oldIx, vals); !m.OK() || m.Checked != 4 {
		t.Errorf("same index: %+v", m)
	}
	if _, err := assessment.PeriodValues(ctx, db, 999); !errors.Is(err, assessment.ErrNotFound) {
		t.Errorf("unknown period: %v", err)
	}

	// Moving to a version that drops the "deputy" option.
	next := strings.Replace(string(pin.Source), `version: "2025.1"`, `version: "2026.1"`, 1)
	next = strings.Replace(next, "              - {value: deputy, label: {vi: Cấp phó, en: Deputy}}\n", "", 1)
	next = strings.Replace(next, "fractions: {head: 1, deputy: 0.5, none: 0}", "fractions: {head: 1, none: 0}", 1)
	p, err = db.FindPeriodByID(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	m, pin2, err := assessment.RepinReport(ctx, db, p, []byte(next))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Issues) != 1 || m.Issues[0].Unit != "SO-YT" || m.Issues[0].Kind != assessment.MigrationOptionRemoved || pin2.Version != "2026.1" {
		t.Fatalf("RepinReport = %+v, %s", m.Issues, pin2.Version)
	}
	if _, err := assessment.CheckPeriod(admin, p, assessment.PeriodChange{Action: assessment.ActRepinIndex}); err != nil {
		t.Fatal(err)
	}
	p, err = db.UpdatePeriod(ctx, admin, p.ID, assessment.PeriodUpdate{Version: p.Version, Index: &pin2, Reason: "Bộ chỉ số 2026.1"})
	if err != nil {
		t.Fatal(err)
	}
	p, _ = db.FindPeriodByID(ctx, p.ID)
	if ix, err := assessment.PeriodIndex(p); err != nil || ix.Version != "2026.1" {
		t.Errorf("after re-pinning: %v, %v", ix, err)
	}
	if _, _, err := assessment.RepinReport(ctx, db, p, []byte("not: [valid")); !errors.Is(err, assessment.ErrInvalid) {
		t.Errorf("RepinReport with a bad file: %v", err)
	}
}

func TestPeriodCompleteness(t *testing.T) {
	ctx := context.Background()
	db := openStore(t)
	pin, ix := pinSmall(t)
	for _, u := range []*assessment.Unit{
		{Code: "SO-TC", NameVI: "Sở Tài chính", Type: "department", Block: "SO", Active: true},
		{Code: "SO-YT", NameVI: "Sở Y tế", Type: "department", Block: "SO", Active: true},
		{Code: "SO-OLD", NameVI: "Sở cũ", Type: "department", Block: "SO", Active: false},
		{Code: "X-A", NameVI: "Xã A", Type: "commune", Active: true},
	} {
		if err := db.CreateUnit(ctx, admin, u); err != nil {
			t.Fatal(err)
		}
	}
	p := &assessment.Period{Code: "P", Name: "P", Year: 2025, Status: assessment.PeriodOpen,
		IndexCode: pin.Code, IndexVersion: pin.Version, IndexHash: pin.Hash, IndexSource: pin.Source}
	if err := db.CreatePeriod(ctx, admin, p); err != nil {
		t.Fatal(err)
	}
	tc, _ := db.FindUnitByCode(ctx, "SO-TC")
	editor := assessment.Actor{Username: "ed", Grants: []assessment.Grant{{Role: assessment.RoleEditor, UnitID: tc.ID}}}
	s, err := db.EnsureSubmission(ctx, editor, p.ID, tc.ID)
	if err != nil {
		t.Fatal(err)
	}
	changes, err := assessment.FormChanges(ix, "department", map[scoring.InputKey]string{{Indicator: "A.1", Input: "has_plan"}: "có"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SaveValues(ctx, editor, assessment.ValueSave{SubmissionID: s.ID, Version: s.Version, Changes: changes}); err != nil {
		t.Fatal(err)
	}
	got, err := assessment.PeriodCompleteness(ctx, db, p.ID, ix)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Unit.Code != "SO-TC" || got[1].Unit.Code != "SO-YT" {
		t.Fatalf("units %+v; want the two active departments", got)
	}
	all := got[1].Progress
	if got[1].Submission != nil || got[1].Status() != assessment.SubmissionDraft || all.Filled != 0 || all.Required == 0 {
		t.Errorf("SO-YT %+v", got[1])
	}
	if tcp := got[0].Progress; tcp.Filled != 1 || tcp.Required != all.Required || len(got[0].Missing) != len(got[1].Missing)-1 {
		t.Errorf("SO-TC progress %+v, %d missing; SO-YT %+v, %d missing", tcp, len(got[0].Missing), all, len(got[1].Missing))
	}
	if _, err := assessment.PeriodCompleteness(ctx, db, 99, ix); !errors.Is(err, assessment.ErrNotFound) {
		t.Errorf("unknown period: %v", err)
	}
}

func TestNotApplicable(t *testing.T) {
	got := assessment.NotApplicable([]*assessment.Review{
		{ID: 4, Indicator: "A", Round: 2, Decision: assessment.DecisionAccept},
		{ID: 1, Indicator: "A", Round: 1, Decision: assessment.DecisionNotApplicable},
		{ID: 3, Indicator: "B", Round: 1, Decision: assessment.DecisionNotApplicable},
		{ID: 2, Indicator: "B", Round: 1, Decision: assessment.DecisionAccept},
	})
	if len(got) != 1 || !got["B"] {
		t.Errorf("NotApplicable = %v; want B only", got)
	}
}

func TestChangesSinceReturn(t *testing.T) {
	ctx := context.Background()
	db := openStore(t)
	pin, ix := pinSmall(t)
	u := &assessment.Unit{Code: "SO-TC", NameVI: "Sở Tài chính", Type: "department", Block: "SO", Active: true}
	if err := db.CreateUnit(ctx, admin, u); err != nil {
		t.Fatal(err)
	}
	p := &assessment.Period{Code: "P", Name: "P", Year: 2025, Status: assessment.PeriodOpen,
		IndexCode: pin.Code, IndexVersion: pin.Version, IndexHash: pin.Hash, IndexSource: pin.Source}
	if err := db.CreatePeriod(ctx, admin, p); err != nil {
		t.Fatal(err)
	}
	editor := assessment.Actor{Username: "daumoi", Grants: []assessment.Grant{{Role: assessment.RoleEditor, UnitID: u.ID}}}
	s, err := db.EnsureSubmission(ctx, editor, p.ID, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	save := func(raw map[scoring.InputKey]string) {
		t.Helper()
		changes, err := assessment.FormChanges(ix, u.Type, raw)
		if err != nil {
			t.Fatal(err)
		}
		if s, err = db.SaveValues(ctx, editor, assessment.ValueSave{SubmissionID: s.ID, Version: s.Version, Changes: changes}); err != nil {
			t.Fatal(err)
		}
	}
	move := func(to assessment.SubmissionStatus, comment string) {
		t.Helper()
		if s, err = db.TransitionSubmission(ctx, admin, assessment.Transition{SubmissionID: s.ID, Version: s.Version, To: to, Comment: comment}); err != nil {
			t.Fatal(err)
		}
	}
	k := func(ind, in string) scoring.InputKey { return scoring.InputKey{Indicator: ind, Input: in} }
	save(map[scoring.InputKey]string{k("A.1", "has_plan"): "không", k("A.2", "chair_role"): "deputy", k("A.6", "platforms"): "2"})
	if got, err := assessment.ChangesSinceReturn(ctx, db, s); err != nil || got != nil {
		t.Fatalf("never returned: %v, %v", got, err)
	}
	move(assessment.SubmissionSubmitted, "")
	move(assessment.SubmissionReturned, "Bổ sung kế hoạch")
	// After the return: a value changed, one changed and changed back,
	// one cleared, one new; evidence added.
	save(map[scoring.InputKey]string{k("A.1", "has_plan"): "có", k("A.2", "chair_role"): "head", k("A.6", "platforms"): "", k("A.4", "signed_pct"): "80"})
	save(map[scoring.InputKey]string{k("A.2", "chair_role"): "deputy"})
	if err := db.AddEvidence(ctx, editor, &assessment.Evidence{SubmissionID: s.ID, Indicator: "A.1", Kind: assessment.EvidenceLink,
		URL: "https://sotc.vn/kh"}, nil); err != nil {
		t.Fatal(err)
	}
	got, err := assessment.ChangesSinceReturn(ctx, db, s)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for ind, c := range got {
		lines = append(lines, fmt.Sprintf("%s: %d values, %d evidence", ind, c.Values, c.Evidence))
		for in, d := range c.Inputs {
			lines = append(lines, ind+"/"+in+" "+d.From+" -> "+d.To)
		}
	}
	sort.Strings(lines)
	want := []string{
		"A.1/has_plan false -> true",
		"A.1: 1 values, 1 evidence",
		"A.4/signed_pct  -> 80",
		"A.4: 1 values, 0 evidence",
		"A.6/platforms 2 -> ",
		"A.6: 1 values, 0 evidence",
	}
	assertLines(t, "changes since the return", lines, want)
}

// pinSmall pins scoring's small test index, as a period does.
func pinSmall(t *testing.T) (assessment.PinnedIndex, *scoring.Index) {
	t.Helper()
	src, err := os.ReadFile("../scoring/testdata/small.yaml")
	if err != nil {
		t.Fatal(err)
	}
	pin, ix, err := assessment.PinIndex(src)
	if err != nil {
		t.Fatal(err)
	}
	return pin, ix
}
