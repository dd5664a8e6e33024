package assessment

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dti-platform/dti/scoring"
)

// The unit under test is commune 11 of district 10; unit 12 is another
// commune and district 20 another district.
const (
	testUnit     = 11
	testDistrict = 10
)

var testAncestors = []int64{testDistrict}

// testActors are every kind of actor the rules tell apart.
var testActors = map[string]Actor{
	"admin":              {Username: "admin", Grants: []Grant{{Role: RoleAdmin}}},
	"district-admin":     {Username: "dadmin", Grants: []Grant{{Role: RoleAdmin, UnitID: testDistrict, Subtree: true}}},
	"other-admin":        {Username: "oadmin", Grants: []Grant{{Role: RoleAdmin, UnitID: 20, Subtree: true}}},
	"reviewer":           {Username: "rev", Grants: []Grant{{Role: RoleReviewer}}},
	"scoped-reviewer":    {Username: "srev", Grants: []Grant{{Role: RoleReviewer, Pillars: []string{"CQS"}}}},
	"district-reviewer":  {Username: "drev", Grants: []Grant{{Role: RoleReviewer, UnitID: testDistrict}}},
	"editor":             {Username: "ed", Grants: []Grant{{Role: RoleEditor, UnitID: testUnit}}},
	"approver":           {Username: "ap", Grants: []Grant{{Role: RoleApprover, UnitID: testUnit}}},
	"other-editor":       {Username: "oed", Grants: []Grant{{Role: RoleEditor, UnitID: 12}}},
	"other-approver":     {Username: "oap", Grants: []Grant{{Role: RoleApprover, UnitID: 12}}},
	"subtree-approver":   {Username: "sap", Grants: []Grant{{Role: RoleApprover, UnitID: testDistrict, Subtree: true}}},
	"district-approver":  {Username: "dap", Grants: []Grant{{Role: RoleApprover, UnitID: testDistrict}}},
	"viewer":             {Username: "view", Grants: []Grant{{Role: RoleViewer}}},
	"nobody":             {Username: "nobody"},
	"editor+viewer":      {Username: "edv", Grants: []Grant{{Role: RoleEditor, UnitID: testUnit}, {Role: RoleViewer}}},
	"other-approver+rev": {Username: "oapr", Grants: []Grant{{Role: RoleApprover, UnitID: 12}, {Role: RoleReviewer, Pillars: []string{"CQS", "XHS"}}}},
}

func sortedActorNames() []string {
	names := make([]string, 0, len(testActors))
	for n := range testActors {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

var (
	periodStatuses     = []PeriodStatus{PeriodDraft, PeriodOpen, PeriodClosed, PeriodPublished}
	submissionStatuses = []SubmissionStatus{SubmissionDraft, SubmissionSubmitted, SubmissionReturned, SubmissionResubmitted, SubmissionApproved}
	// deadline is 23:59:59 on 31/03/2026 in Vietnam.
	deadline      = time.Date(2026, 3, 31, 16, 59, 59, 0, time.UTC)
	beforeDue     = time.Date(2026, 3, 15, 2, 0, 0, 0, time.UTC)
	afterDue      = time.Date(2026, 4, 2, 2, 0, 0, 0, time.UTC)
	cqsIndicator  = &scoring.Node{Code: "CQS.1.1", Pillars: []string{"CQS"}, Method: &scoring.Method{Kind: scoring.MethodBoolean}}
	ktsIndicator  = &scoring.Node{Code: "KTS.2.1", Pillars: []string{"KTS"}, Method: &scoring.Method{Kind: scoring.MethodBoolean}}
	someMissing   = []MissingItem{{Indicator: "KTS.2.1", Label: scoring.Text{VI: "Nền tảng"}}}
	returnComment = "Bổ sung quyết định ban hành kế hoạch"
)

// allowedSubmission is the expectation table: each row allows actors to do
// action on a form in one of subs while the period is in one of periods.
// Any cell of the matrix no row allows must be refused. onlyBeforeDue rows
// need the action before the deadline; needsExtra rows need the cell's
// extra condition (submit: nothing missing; return: a comment; review: the
// indicator within the reviewer's pillars).
var allowedSubmission = []struct {
	actors        []string
	action        Action
	periods       []PeriodStatus
	subs          []SubmissionStatus
	onlyBeforeDue bool
	needsExtra    bool
	to            SubmissionStatus // "" keeps the status
}{
	{[]string{"editor", "approver", "subtree-approver", "editor+viewer"}, ActView,
		[]PeriodStatus{PeriodOpen, PeriodClosed, PeriodPublished}, submissionStatuses, false, false, ""},
	{[]string{"admin", "district-admin"}, ActView, periodStatuses, submissionStatuses, false, false, ""},
	{[]string{"reviewer", "scoped-reviewer", "other-approver+rev"}, ActView, periodStatuses,
		[]SubmissionStatus{SubmissionSubmitted, SubmissionReturned, SubmissionResubmitted, SubmissionApproved}, false, false, ""},
	{[]string{"editor", "approver", "subtree-approver", "editor+viewer"}, ActEdit,
		[]PeriodStatus{PeriodOpen}, []SubmissionStatus{SubmissionDraft, SubmissionReturned}, true, false, ""},
	{[]string{"approver", "subtree-approver", "admin", "district-admin"}, ActSubmit,
		[]PeriodStatus{PeriodOpen}, []SubmissionStatus{SubmissionDraft}, true, true, SubmissionSubmitted},
	{[]string{"approver", "subtree-approver"}, ActSubmit,
		[]PeriodStatus{PeriodOpen}, []SubmissionStatus{SubmissionReturned}, true, true, SubmissionResubmitted},
	{[]string{"admin", "district-admin", "reviewer", "scoped-reviewer", "other-approver+rev"}, ActReturn,
		[]PeriodStatus{PeriodOpen}, []SubmissionStatus{SubmissionSubmitted, SubmissionResubmitted}, false, true, SubmissionReturned},
	{[]string{"admin", "district-admin", "reviewer"}, ActApprove,
		[]PeriodStatus{PeriodOpen, PeriodClosed}, []SubmissionStatus{SubmissionSubmitted, SubmissionResubmitted}, false, false, SubmissionApproved},
	{[]string{"admin", "district-admin", "reviewer"}, ActReview,
		[]PeriodStatus{PeriodOpen, PeriodClosed}, []SubmissionStatus{SubmissionSubmitted, SubmissionResubmitted}, false, false, ""},
	// Pillar-scoped reviewers decide only on their pillars' indicators; the
	// extra condition gives the CQS indicator, the other cell a KTS one.
	{[]string{"scoped-reviewer", "other-approver+rev"}, ActReview,
		[]PeriodStatus{PeriodOpen, PeriodClosed}, []SubmissionStatus{SubmissionSubmitted, SubmissionResubmitted}, false, true, ""},
}

type submissionCell struct {
	actor  string
	period PeriodStatus
	sub    SubmissionStatus
	action Action
	late   bool
	extra  bool
}

func (c submissionCell) String() string {
	return fmt.Sprintf("%s/%s/period=%s/form=%s/late=%v/extra=%v", c.actor, c.action, c.period, c.sub, c.late, c.extra)
}

// expectSubmission looks the cell up in allowedSubmission: allowed with the
// resulting status, or refused with the sentinel it must match.
func expectSubmission(c submissionCell) (to SubmissionStatus, allowed bool, kind error) {
	kind = ErrForbidden
	for _, r := range allowedSubmission {
		if r.action != c.action || !slices.Contains(r.actors, c.actor) ||
			!slices.Contains(r.periods, c.period) || !slices.Contains(r.subs, c.sub) ||
			(r.onlyBeforeDue && c.late) {
			continue
		}
		if r.needsExtra && !c.extra {
			// Everything else fits: the request lacks a comment or data,
			// except the scoped reviewer on another pillar's indicator.
			if c.action != ActReview {
				kind = ErrInvalid
			}
			continue
		}
		to = r.to
		if to == "" {
			to = c.sub
		}
		return to, true, nil
	}
	return c.sub, false, kind
}

func TestCheckSubmissionAction_matrix(t *testing.T) {
	allowedCount, cells := 0, 0
	for _, name := range sortedActorNames() {
		for _, ps := range periodStatuses {
			for _, ss := range submissionStatuses {
				for _, act := range SubmissionActions {
					for _, late := range []bool{false, true} {
						for _, extra := range []bool{false, true} {
							c := submissionCell{name, ps, ss, act, late, extra}
							cells++
							p := &Period{Status: ps, ClosesAt: deadline}
							s := &Submission{UnitID: testUnit, Status: ss}
							ch := SubmissionChange{Action: act, At: beforeDue, Ancestors: testAncestors, Indicator: ktsIndicator, Missing: someMissing}
							if late {
								ch.At = afterDue
							}
							if extra {
								ch.Comment = returnComment
								ch.Missing = nil
								ch.Indicator = cqsIndicator
							}
							got, err := CheckSubmissionAction(testActors[name], p, s, ch)
							want, allowed, kind := expectSubmission(c)
							if allowed {
								allowedCount++
								if err != nil {
									t.Errorf("%v: refused with %v; want allowed", c, err)
								} else if got != want {
									t.Errorf("%v: status %s; want %s", c, got, want)
								}
								continue
							}
							if err == nil {
								t.Errorf("%v: allowed (-> %s); want refused", c, got)
								continue
							}
							if !errors.Is(err, kind) {
								t.Errorf("%v: error %v does not match %v", c, err, kind)
							}
							if got != ss {
								t.Errorf("%v: refused but status %s; want unchanged %s", c, got, ss)
							}
							if msg := ErrorMessage(err, "vi"); msg == "" || msg == ErrorMessage(err, "en") {
								t.Errorf("%v: messages vi %q en %q; want both, different", c, msg, ErrorMessage(err, "en"))
							}
						}
					}
				}
			}
		}
	}
	if allowedCount == 0 || allowedCount == cells {
		t.Fatalf("matrix has %d allowed of %d cells; the table is wrong", allowedCount, cells)
	}
	t.Logf("%d cells, %d allowed", cells, allowedCount)
}

// allowedPeriod is the expectation table of period actions.
var allowedPeriod = []struct {
	actors []string
	action Action
	from   []PeriodStatus
	to     PeriodStatus // "" keeps the status
	reason bool         // a reason is required
}{
	{[]string{"admin"}, ActOpen, []PeriodStatus{PeriodDraft}, PeriodOpen, false},
	{[]string{"admin"}, ActClose, []PeriodStatus{PeriodOpen}, PeriodClosed, false},
	{[]string{"admin"}, ActCompute, []PeriodStatus{PeriodOpen, PeriodClosed}, "", false},
	{[]string{"admin"}, ActPublish, []PeriodStatus{PeriodClosed}, PeriodPublished, false},
	{[]string{"admin"}, ActReopen, []PeriodStatus{PeriodClosed, PeriodPublished}, PeriodOpen, true},
	{[]string{"admin"}, ActEditPeriod, periodStatuses, "", false},
	{[]string{"admin"}, ActRepinIndex, []PeriodStatus{PeriodDraft, PeriodOpen, PeriodClosed}, "", false},
	{[]string{"admin", "reviewer", "scoped-reviewer", "other-approver+rev"}, ActViewResults, []PeriodStatus{PeriodOpen, PeriodClosed, PeriodPublished}, "", false},
	// Viewers see results in progress only when the period shows them
	// (the matrix sets ShowInProgress with the reason flag) or once published.
	{[]string{"viewer", "editor+viewer"}, ActViewResults, []PeriodStatus{PeriodPublished}, "", false},
}

func TestCheckPeriod_matrix(t *testing.T) {
	for _, name := range sortedActorNames() {
		for _, ps := range periodStatuses {
			for _, act := range PeriodActions {
				for _, withReason := range []bool{false, true} {
					for _, snaps := range []int{0, 2} {
						cell := fmt.Sprintf("%s/%s/from=%s/reason=%v/snapshots=%d", name, act, ps, withReason, snaps)
						p := &Period{Status: ps, IndexHash: "abc", IndexSource: []byte("x"), ShowInProgress: withReason}
						ch := PeriodChange{Action: act, Snapshots: snaps}
						if withReason {
							ch.Reason = "Sai sót dữ liệu của Sở Y tế"
						}
						wantTo, allowed, kind := ps, false, ErrForbidden
						for _, r := range allowedPeriod {
							if r.action != act || !slices.Contains(r.actors, name) || !slices.Contains(r.from, ps) {
								continue
							}
							if r.reason && !withReason {
								kind = ErrInvalid
								continue
							}
							allowed = true
							if r.to != "" {
								wantTo = r.to
							}
						}
						if act == ActViewResults && ps != PeriodDraft && ps != PeriodPublished && withReason &&
							(name == "viewer" || name == "editor+viewer") {
							allowed = true
						}
						step, err := CheckPeriod(testActors[name], p, ch)
						switch {
						case allowed && err != nil:
							t.Errorf("%s: refused with %v; want allowed", cell, err)
						case allowed && step.To != wantTo:
							t.Errorf("%s: to %s; want %s", cell, step.To, wantTo)
						case allowed && step.From != ps:
							t.Errorf("%s: from %s; want %s", cell, step.From, ps)
						case allowed && step.Snapshot != (act == ActPublish):
							t.Errorf("%s: Snapshot %v; want %v", cell, step.Snapshot, act == ActPublish)
						case allowed && step.Republish != (act == ActPublish && snaps > 0):
							t.Errorf("%s: Republish %v; want %v", cell, step.Republish, act == ActPublish && snaps > 0)
						case !allowed && err == nil:
							t.Errorf("%s: allowed (-> %s); want refused", cell, step.To)
						case !allowed && !errors.Is(err, kind):
							t.Errorf("%s: error %v does not match %v", cell, err, kind)
						}
					}
				}
			}
		}
	}
}

func TestCheckPeriod_openNeedsIndex(t *testing.T) {
	_, err := CheckPeriod(testActors["admin"], &Period{Status: PeriodDraft}, PeriodChange{Action: ActOpen})
	var e *Error
	if !errors.As(err, &e) || e.Key != "period.no_index" || !errors.Is(err, ErrInvalid) {
		t.Fatalf("open without index: %v; want period.no_index (invalid)", err)
	}
	_, err = CheckPeriod(testActors["admin"], &Period{Status: PeriodDraft}, PeriodChange{Action: "destroy"})
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("unknown action: %v; want invalid", err)
	}
}

// TestWorkflow_messages pins the exact wording of the refusals users see
// most, in both languages.
func TestWorkflow_messages(t *testing.T) {
	open := &Period{Status: PeriodOpen, ClosesAt: deadline}
	draft := &Submission{UnitID: testUnit, Status: SubmissionDraft}
	submitted := &Submission{UnitID: testUnit, Status: SubmissionSubmitted}
	tests := []struct {
		name   string
		actor  string
		p      *Period
		s      *Submission
		ch     SubmissionChange
		vi, en string
	}{
		{"late edit", "editor", open, draft, SubmissionChange{Action: ActEdit, At: afterDue},
			"kỳ đánh giá đã đóng ngày 31/03/2026", "the period closed on 31/03/2026"},
		{"edit in closed period", "editor", &Period{Status: PeriodClosed, ClosesAt: deadline}, draft, SubmissionChange{Action: ActEdit, At: beforeDue},
			"kỳ đánh giá đã đóng ngày 31/03/2026", "the period closed on 31/03/2026"},
		{"edit in draft period", "editor", &Period{Status: PeriodDraft}, draft, SubmissionChange{Action: ActEdit, At: beforeDue},
			"kỳ đánh giá chưa mở hoặc đã đóng (trạng thái: dự thảo)", "the period is not open (status: draft)"},
		{"edit another unit", "other-editor", open, draft, SubmissionChange{Action: ActEdit, At: beforeDue},
			"bạn không được sửa số liệu hồ sơ của đơn vị khác", "you may not edit the form of another unit"},
		{"viewer edits", "viewer", open, draft, SubmissionChange{Action: ActEdit, At: beforeDue},
			"vai trò của bạn không được phép sửa số liệu hồ sơ", "your role may not edit the form"},
		{"edit submitted", "editor", open, submitted, SubmissionChange{Action: ActEdit, At: beforeDue},
			"không thể sửa số liệu hồ sơ khi hồ sơ đang ở trạng thái đã gửi", "cannot edit the form while the form is submitted"},
		{"editor submits", "editor", open, draft, SubmissionChange{Action: ActSubmit, At: beforeDue},
			"vai trò của bạn không được phép gửi hồ sơ", "your role may not submit the form"},
		{"return without comment", "reviewer", open, submitted, SubmissionChange{Action: ActReturn, At: beforeDue, Comment: "  "},
			"cần ghi ý kiến khi trả lại hồ sơ", "a comment is required to return the form"},
		{"scoped reviewer other pillar", "scoped-reviewer", open, submitted, SubmissionChange{Action: ActReview, Indicator: ktsIndicator},
			"bạn chỉ thẩm định các chỉ số thuộc trụ cột CQS; chỉ số KTS.2.1 không thuộc phạm vi này",
			"you only appraise indicators of pillar CQS; indicator KTS.2.1 is outside that scope"},
		{"scoped reviewer approves", "scoped-reviewer", open, submitted, SubmissionChange{Action: ActApprove},
			"bạn chỉ thẩm định trụ cột CQS nên không thể duyệt toàn bộ hồ sơ",
			"you only appraise pillar CQS, so you cannot approve the whole form"},
		{"incomplete submit", "approver", open, draft, SubmissionChange{Action: ActSubmit, At: beforeDue, Missing: []MissingItem{
			{Indicator: "KTS.2.1"},
			{Indicator: "CQS.1.1", Input: "chair", Label: scoring.Text{VI: "Trưởng ban", EN: "Chair"}},
		}},
			`chỉ số KTS.2.1 cần tài liệu kiểm chứng; chỉ số CQS.1.1: chưa nhập "Trưởng ban"`,
			`indicator KTS.2.1 needs evidence; indicator CQS.1.1: "Chair" is not filled in`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.ch.Ancestors = testAncestors
			_, err := CheckSubmissionAction(testActors[tt.actor], tt.p, tt.s, tt.ch)
			if err == nil {
				t.Fatal("allowed; want refused")
			}
			if got := ErrorMessage(err, "vi"); got != tt.vi {
				t.Errorf("vi = %q; want %q", got, tt.vi)
			}
			if got := ErrorMessage(err, "en"); got != tt.en {
				t.Errorf("en = %q; want %q", got, tt.en)
			}
		})
	}
}

func TestCheckSubmissionAction_incompleteNamesFields(t *testing.T) {
	missing := []MissingItem{{Indicator: "KTS.2.1"}, {Indicator: "CQS.1.1", Input: "chair"}}
	_, err := CheckSubmissionAction(testActors["approver"], &Period{Status: PeriodOpen}, &Submission{UnitID: testUnit, Status: SubmissionDraft},
		SubmissionChange{Action: ActSubmit, At: beforeDue, Ancestors: testAncestors, Missing: missing})
	var v *ValidationError
	if !errors.As(err, &v) || !errors.Is(err, ErrInvalid) {
		t.Fatalf("error %v; want *ValidationError", err)
	}
	var fields []string
	for _, f := range v.Fields {
		fields = append(fields, f.Field)
	}
	if got, want := strings.Join(fields, ","), "KTS.2.1/evidence,CQS.1.1/chair"; got != want {
		t.Errorf("fields %s; want %s", got, want)
	}
}

func TestCheckSubmissionAction_deadlineEdge(t *testing.T) {
	p := &Period{Status: PeriodOpen, ClosesAt: deadline}
	s := &Submission{UnitID: testUnit, Status: SubmissionDraft}
	for _, tt := range []struct {
		at   time.Time
		want bool
	}{
		{deadline.Add(-time.Second), true},
		{deadline, true},
		{deadline.Add(time.Second), false},
	} {
		_, err := CheckSubmissionAction(testActors["editor"], p, s, SubmissionChange{Action: ActEdit, At: tt.at, Ancestors: testAncestors})
		if (err == nil) != tt.want {
			t.Errorf("edit at %v: err %v; want allowed=%v", tt.at, err, tt.want)
		}
	}
	// No deadline set: open means open.
	if _, err := CheckSubmissionAction(testActors["editor"], &Period{Status: PeriodOpen}, s,
		SubmissionChange{Action: ActEdit, At: afterDue.AddDate(5, 0, 0), Ancestors: testAncestors}); err != nil {
		t.Errorf("edit without deadline: %v", err)
	}
}

// TestMessages_catalogue checks that every message key the code uses is in
// the catalogue and that both languages take the same verbs.
func TestMessages_catalogue(t *testing.T) {
	verbs := regexp.MustCompile(`%(\[\d\])?[sdvq]`)
	for key, m := range messages {
		vi, en := verbs.FindAllString(m[0], -1), verbs.FindAllString(m[1], -1)
		slices.Sort(vi)
		slices.Sort(en)
		if !slices.Equal(vi, en) {
			t.Errorf("message %s: vi verbs %v, en verbs %v", key, vi, en)
		}
		if m[0] == "" || m[1] == "" || m[0] == m[1] {
			t.Errorf("message %s: %q / %q", key, m[0], m[1])
		}
	}
	var files []string
	for _, pat := range []string{"workflow*.go", "check*.go", "form*.go", "pin*.go", "importer*.go"} {
		m, err := filepath.Glob(pat)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	used := regexp.MustCompile(`"((?:import|value|role|period|submission|missing|migrate|action|index|review)\.[a-z_]+)"`)
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range used.FindAllStringSubmatch(string(src), -1) {
			n++
			if _, ok := messages[m[1]]; !ok {
				t.Errorf("%s uses message %q, which is not in the catalogue", f, m[1])
			}
		}
	}
	if n < 60 {
		t.Errorf("found only %d message uses; the pattern is stale", n)
	}
	// And every catalogue entry is used.
	var all strings.Builder
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, _ := os.ReadFile(f)
		all.Write(src)
	}
	for key := range messages {
		if !strings.Contains(all.String(), `"`+key+`"`) && !strings.HasPrefix(key, "migrate.") {
			t.Errorf("message %q is never used", key)
		}
	}
	for _, act := range append(slices.Clone(PeriodActions), SubmissionActions...) {
		if _, ok := actionNames[act]; !ok {
			t.Errorf("action %s has no name", act)
		}
	}
}

func TestSubmissionCheck(t *testing.T) {
	p := &Period{Status: PeriodOpen}
	draft := &Submission{UnitID: testUnit, Status: SubmissionDraft}
	returned := &Submission{UnitID: testUnit, Status: SubmissionReturned}
	ch := SubmissionChange{Action: ActSubmit, At: beforeDue, Ancestors: testAncestors}
	if err := SubmissionCheck(testActors["approver"], ch, SubmissionSubmitted)(p, nil, draft); err != nil {
		t.Errorf("submit draft: %v", err)
	}
	// The caller asked for submitted, but the fresh row is returned: the
	// rule would resubmit, so the check refuses.
	if err := SubmissionCheck(testActors["approver"], ch, SubmissionSubmitted)(p, nil, returned); !errors.Is(err, ErrForbidden) {
		t.Errorf("submit returned as submitted: %v; want forbidden", err)
	}
	if err := SubmissionCheck(testActors["editor"], ch, "")(p, nil, draft); !errors.Is(err, ErrForbidden) {
		t.Errorf("editor submit: %v; want forbidden", err)
	}
	if err := PeriodCheck(testActors["admin"], PeriodChange{Action: ActClose}, PeriodClosed)(p); err != nil {
		t.Errorf("close: %v", err)
	}
	if err := PeriodCheck(testActors["admin"], PeriodChange{Action: ActClose}, PeriodPublished)(p); !errors.Is(err, ErrForbidden) {
		t.Errorf("close to published: %v; want forbidden", err)
	}
	if err := PeriodCheck(testActors["viewer"], PeriodChange{Action: ActClose}, PeriodClosed)(p); !errors.Is(err, ErrForbidden) {
		t.Errorf("viewer close: %v; want forbidden", err)
	}
}

func TestAvailableActions(t *testing.T) {
	open := &Period{Status: PeriodOpen, ClosesAt: deadline}
	tests := []struct {
		actor  string
		p      *Period
		status SubmissionStatus
		at     time.Time
		want   []Action
	}{
		{"editor", open, SubmissionDraft, beforeDue, []Action{ActView, ActEdit}},
		{"approver", open, SubmissionDraft, beforeDue, []Action{ActView, ActEdit, ActSubmit}},
		{"approver", open, SubmissionDraft, afterDue, []Action{ActView}},
		{"approver", open, SubmissionReturned, beforeDue, []Action{ActView, ActEdit, ActSubmit}},
		{"reviewer", open, SubmissionSubmitted, beforeDue, []Action{ActView, ActReturn, ActApprove, ActReview}},
		{"scoped-reviewer", open, SubmissionResubmitted, beforeDue, []Action{ActView, ActReturn, ActReview}},
		{"reviewer", open, SubmissionDraft, beforeDue, nil},
		{"admin", open, SubmissionDraft, beforeDue, []Action{ActView, ActSubmit}},
		{"viewer", open, SubmissionApproved, beforeDue, nil},
		{"other-editor", open, SubmissionDraft, beforeDue, nil},
	}
	for _, tt := range tests {
		got := AvailableActions(testActors[tt.actor], tt.p, &Submission{UnitID: testUnit, Status: tt.status}, tt.at, testAncestors)
		if !slices.Equal(got, tt.want) {
			t.Errorf("AvailableActions(%s, %s) = %v; want %v", tt.actor, tt.status, got, tt.want)
		}
	}
	periods := []struct {
		actor  string
		status PeriodStatus
		want   []Action
	}{
		{"admin", PeriodDraft, []Action{ActOpen, ActEditPeriod, ActRepinIndex}},
		{"admin", PeriodOpen, []Action{ActClose, ActCompute, ActEditPeriod, ActRepinIndex, ActViewResults}},
		{"admin", PeriodClosed, []Action{ActCompute, ActPublish, ActReopen, ActEditPeriod, ActRepinIndex, ActViewResults}},
		{"admin", PeriodPublished, []Action{ActReopen, ActEditPeriod, ActViewResults}},
		{"viewer", PeriodPublished, []Action{ActViewResults}},
		{"viewer", PeriodClosed, nil},
		{"district-admin", PeriodClosed, nil},
	}
	for _, tt := range periods {
		p := &Period{Status: tt.status, IndexHash: "h", IndexSource: []byte("x")}
		if got := AvailablePeriodActions(testActors[tt.actor], p); !slices.Equal(got, tt.want) {
			t.Errorf("AvailablePeriodActions(%s, %s) = %v; want %v", tt.actor, tt.status, got, tt.want)
		}
	}
}

func TestCheckSubmissionAction_notApplicable(t *testing.T) {
	optional := &scoring.Node{Code: "CQS.4.2", Optional: true, Pillars: []string{"CQS"}, Method: &scoring.Method{Kind: scoring.MethodPercent}}
	p := &Period{Status: PeriodClosed}
	s := &Submission{UnitID: testUnit, Status: SubmissionSubmitted}
	tests := []struct {
		actor   string
		ind     *scoring.Node
		wantErr error
	}{
		{"admin", optional, nil},
		{"district-admin", optional, nil},
		{"reviewer", optional, ErrForbidden},
		{"scoped-reviewer", optional, ErrForbidden},
		{"admin", cqsIndicator, ErrInvalid},
	}
	for _, tt := range tests {
		_, err := CheckSubmissionAction(testActors[tt.actor], p, s, SubmissionChange{Action: ActReview, Ancestors: testAncestors,
			Indicator: tt.ind, Decision: DecisionNotApplicable})
		if (tt.wantErr == nil) != (err == nil) || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) {
			t.Errorf("%s declares %s not applicable: %v; want %v", tt.actor, tt.ind.Code, err, tt.wantErr)
		}
	}
	// Other decisions are not affected.
	if _, err := CheckSubmissionAction(testActors["reviewer"], p, s, SubmissionChange{Action: ActReview, Ancestors: testAncestors,
		Indicator: optional, Decision: DecisionAdjustScore}); err != nil {
		t.Errorf("reviewer adjusts an optional indicator: %v", err)
	}
}

// TestWorkflow_randomWalks drives forms through long random sequences of
// requests by every kind of actor and checks that every allowed step is
// an edge of the workflow and that an approved form never moves again.
func TestWorkflow_randomWalks(t *testing.T) {
	edges := map[[2]SubmissionStatus]bool{
		{SubmissionDraft, SubmissionSubmitted}:      true,
		{SubmissionReturned, SubmissionResubmitted}: true,
		{SubmissionSubmitted, SubmissionReturned}:   true,
		{SubmissionSubmitted, SubmissionApproved}:   true,
		{SubmissionResubmitted, SubmissionReturned}: true,
		{SubmissionResubmitted, SubmissionApproved}: true,
	}
	names := sortedActorNames()
	rng := rand.New(rand.NewPCG(1, 2))
	reached := map[SubmissionStatus]bool{}
	for walk := 0; walk < 200; walk++ {
		s := &Submission{UnitID: testUnit, Status: SubmissionDraft}
		for step := 0; step < 300; step++ {
			p := &Period{Status: periodStatuses[rng.IntN(len(periodStatuses))], ClosesAt: deadline}
			ch := SubmissionChange{Action: SubmissionActions[rng.IntN(len(SubmissionActions))], At: beforeDue,
				Ancestors: testAncestors, Indicator: cqsIndicator}
			if rng.IntN(4) == 0 {
				ch.At = afterDue
			}
			if rng.IntN(2) == 0 {
				ch.Comment = returnComment
			}
			from := s.Status
			to, err := CheckSubmissionAction(testActors[names[rng.IntN(len(names))]], p, s, ch)
			if err != nil {
				if to != from {
					t.Fatalf("refused %s changed the status %s -> %s", ch.Action, from, to)
				}
				continue
			}
			if to != from && !edges[[2]SubmissionStatus{from, to}] {
				t.Fatalf("%s moved a form %s -> %s", ch.Action, from, to)
			}
			if from == SubmissionApproved && to != from {
				t.Fatalf("an approved form moved to %s", to)
			}
			s.Status = to
			reached[to] = true
		}
	}
	for _, st := range submissionStatuses {
		if !reached[st] {
			t.Errorf("no walk reached %s (reached %v)", st, reached)
		}
	}
}
