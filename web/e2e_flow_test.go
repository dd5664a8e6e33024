package web

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/scoring"
)

// e2eValues are what the editor of SO-TC types, as the engine reads them.
var e2eValues = map[scoring.InputKey]scoring.Value{
	{Indicator: "NT.01", Input: "has_board"}: {Set: true, Num: 1, Text: "true"},
	{Indicator: "NT.02", Input: "meetings"}:  {Set: true, Num: 12, Text: "12"},
	{Indicator: "NT.03", Input: "online"}:    {Set: true, Num: 64, Text: "64"},
	{Indicator: "NT.04", Input: "chair"}:     {Set: true, Text: "deputy"},
	{Indicator: "NT.06", Input: "plan_date"}: {Set: true, Text: "2025-03-20"},
	{Indicator: "NT.06", Input: "note"}:      {Set: true, Text: "Kế hoạch số 12/KH-STC"},
}

// e2eOther are the values of SO-YT, the other department of the block,
// saved through the store.
var e2eOther = map[scoring.InputKey]scoring.Value{
	{Indicator: "NT.01", Input: "has_board"}: {Set: true, Num: 1, Text: "true"},
	{Indicator: "NT.02", Input: "meetings"}:  {Set: true, Num: 40, Text: "40"},
	{Indicator: "NT.03", Input: "online"}:    {Set: true, Num: 90, Text: "90"},
	{Indicator: "NT.04", Input: "chair"}:     {Set: true, Text: "head"},
	{Indicator: "NT.06", Input: "plan_date"}: {Set: true, Text: "2025-05-02"},
}

// TestE2E_AssessmentRound walks one assessment round in Chromium, as the
// people who do it would: the editor fills and saves the form and attaches
// evidence, the approver's submission is refused while evidence is missing
// and then accepted; a reviewer sets one indicator's points with a reason,
// comments another and returns the form; the editor sees both, fixes the
// value and the approver submits again; the reviewer sees what changed
// and approves; the admin closes the period, previews and publishes; and
// the published ranking and profile show the figures the scoring engine
// gives for the same data (the reviewer's points as an override), in
// Vietnamese and, after the language switch, in English; and a visitor
// reads the public results in both languages but not the form. With
// DTI_SCREENSHOTS=1 every step is photographed at desktop and phone widths
// into testdata/screenshots.
func TestE2E_AssessmentRound(t *testing.T) {
	s, fx := newFixtureServer(t)
	e := newE2E(t, s, fx)
	saveOther(t, fx)
	// The period was created public: its results are for everyone once
	// published.
	public := true
	if _, err := fx.store.UpdatePeriod(context.Background(), assessment.SystemActor, fx.period.ID,
		assessment.PeriodUpdate{Version: fx.period.Version, Public: &public}); err != nil {
		t.Fatal(err)
	}

	// (a) The editor signs in through the form and opens the unit's form.
	e.open("/login?next=" + tcForm)
	e.shot("00-login")
	e.do(chromedp.SendKeys(chromedp.CSS("#username"), "editor.tc"),
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
		chromedp.Submit(chromedp.CSS("#password")))
	e.wait("the form page", `!!document.querySelector("form.unit-form[data-save-url]")`)
	if got := e.text(".page-head h1"); got != "Sở Tài chính" {
		t.Fatalf("form heading = %q; want Sở Tài chính", got)
	}
	e.shot("01-form-empty")

	// Typing saves on its own...
	e.click("#in-NT_01-has_board")
	e.do(chromedp.SendKeys(chromedp.CSS("#in-NT_02-meetings"), "12"),
		chromedp.SendKeys(chromedp.CSS("#in-NT_03-online"), "64"))
	e.setField("#in-NT_04-chair", "deputy")
	e.setField("#in-NT_06-plan_date", "2025-03-20")
	e.waitStored("the autosaved values", "SO-TC", e2eValues, "NT.06/note")
	e.wait("the saved note", `document.querySelector("[data-save-status]").textContent === "Đã lưu lúc 10:42"`)
	// ... and the save button saves at once.
	e.do(chromedp.SendKeys(chromedp.CSS("#in-NT_06-note"), "Kế hoạch số 12/KH-STC"))
	e.click(`button[name="intent"][value="save"]`)
	e.waitStored("the explicitly saved note", "SO-TC", e2eValues)
	e.waitAllSaved()
	want := e2eExpect(t, fx, e2eValues, nil)
	e.wait("the live score", `document.querySelector("[data-score]").textContent === `+strconv.Quote(viNum(want.selfPoints, 2)+" / "+viNum(want.selfMax, 2)))
	e.wait("the progress", `document.querySelector("[data-progress-text]").textContent === "5/5"`)
	e.shot("02-form-filled")

	// The approver's first submission is refused: NT.01 needs evidence.
	e.as("approver.tc")
	e.open(tcForm)
	e.clickAndLoad(`form[action$="/submit"] button[type="submit"]`)
	checklist := e.text(".checklist")
	if !strings.Contains(checklist, "NT.01") || !strings.Contains(checklist, "thiếu minh chứng") {
		t.Fatalf("the refused submission lists %q; want NT.01's missing evidence", checklist)
	}
	if strings.Contains(checklist, "NT.02") {
		t.Errorf("the checklist lists the filled NT.02: %q", checklist)
	}
	if st := fx.submission(t, "SO-TC").Status; st != assessment.SubmissionDraft {
		t.Fatalf("after the refused submission the form is %s; want draft", st)
	}
	e.shot("03-submit-refused")

	// The editor attaches the founding decision.
	e.as("editor.tc")
	e.open(tcForm)
	evidence := filepath.Join(t.TempDir(), "quyet-dinh-thanh-lap.pdf")
	if err := os.WriteFile(evidence, []byte("%PDF-1.4\n% Quyết định thành lập Ban chỉ đạo\n%%EOF\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	e.js(`document.querySelector("#ind-NT_01 details.evidence-add").open = true`)
	e.do(chromedp.SetUploadFiles(chromedp.CSS("#ind-NT_01-ev-file"), []string{evidence}))
	e.clickAndLoad(`button[form="ind-NT_01-ev"]`)
	if got := e.text("#ind-NT_01 .evidence-list"); !strings.Contains(got, "quyet-dinh-thanh-lap.pdf") {
		t.Fatalf("NT.01 evidence list = %q; want the uploaded file", got)
	}
	e.shot("04-evidence")

	// Now the approver's submission goes through.
	e.as("approver.tc")
	e.open(tcForm)
	e.clickAndLoad(`form[action$="/submit"] button[type="submit"]`)
	if st := fx.submission(t, "SO-TC").Status; st != assessment.SubmissionSubmitted {
		t.Fatalf("after submitting the form is %s; want submitted", st)
	}
	if got := e.text(".page-head .badge"); got != "Đã gửi" {
		t.Errorf("status badge = %q; want Đã gửi", got)
	}
	e.shot("05-submitted")

	// (b) The reviewer sets NT.06's points with a reason, asks for NT.03's
	// figures of the whole year with a comment, and returns the form.
	const (
		reason     = "Văn bản gốc ban hành ngày 15/4, sau hạn 31/3"
		comment    = "Đề nghị cập nhật tỷ lệ hồ sơ trực tuyến theo số liệu cả năm"
		returnNote = "Trả lại để đơn vị bổ sung số liệu NT.03"
	)
	e.as("reviewer")
	e.open(tcForm + "/review")
	e.shot("06-appraisal")
	e.click(`#ind-NT_06 input[name="decision"][value="adjust_score"]`)
	e.setField("#ind-NT_06-points", "5")
	e.setField("#ind-NT_06-reason", reason)
	e.clickAndLoad(`#ind-NT_06 form.decision-form button[type="submit"]`)
	if got := e.text(`#ind-NT_06 [data-latest]`); !strings.Contains(got, reason) || !strings.Contains(got, "5,00") {
		t.Fatalf("NT.06's decision shows %q; want the points 5,00 and the reason", got)
	}
	if got := e.text(`#ind-NT_06 [data-appraised]`); got != "5,00 / 10,00" {
		t.Errorf("NT.06 appraised points = %q; want 5,00 / 10,00", got)
	}
	e.click(`#ind-NT_03 input[name="decision"][value="request_evidence"]`)
	e.setField("#ind-NT_03-comment", comment)
	e.clickAndLoad(`#ind-NT_03 form.decision-form button[type="submit"]`)
	if got := e.text(`#ind-NT_03 [data-latest]`); !strings.Contains(got, comment) {
		t.Fatalf("NT.03's decision shows %q; want the comment", got)
	}
	e.shot("07-adjusted")
	e.setField("#return-comment", returnNote)
	e.clickAndLoad(`form[action$="/return"] button[type="submit"]`)
	if st := fx.submission(t, "SO-TC").Status; st != assessment.SubmissionReturned {
		t.Fatalf("after returning the form is %s; want returned", st)
	}

	// (c) The editor sees the comment and the adjustment, and fixes NT.03;
	// the approver submits again.
	e.as("editor.tc")
	e.open(tcForm)
	notes := e.text("[data-return-notes]")
	for _, w := range []string{returnNote, "NT.03", "NT.06"} {
		if !strings.Contains(notes, w) {
			t.Errorf("the returned form's notes %q lack %q", notes, w)
		}
	}
	if got := e.text("#ind-NT_03"); !strings.Contains(got, comment) {
		t.Errorf("the returned form's NT.03 does not show the reviewer's comment %q: %q", comment, got)
	}
	if got := e.text("#ind-NT_06"); !strings.Contains(got, reason) {
		t.Errorf("the returned form's NT.06 does not show the reason of the adjustment: %q", got)
	}
	e.shot("08-returned")
	fixed := maps.Clone(e2eValues)
	fixed[scoring.InputKey{Indicator: "NT.03", Input: "online"}] = scoring.Value{Set: true, Num: 72, Text: "72"}
	e.do(chromedp.Clear(chromedp.CSS("#in-NT_03-online")), chromedp.SendKeys(chromedp.CSS("#in-NT_03-online"), "72"))
	e.waitStored("the fixed share", "SO-TC", fixed)
	e.waitAllSaved()
	e.as("approver.tc")
	e.open(tcForm)
	e.clickAndLoad(`form[action$="/submit"] button[type="submit"]`)
	if st := fx.submission(t, "SO-TC").Status; st != assessment.SubmissionResubmitted {
		t.Fatalf("after submitting again the form is %s; want resubmitted", st)
	}

	// (d) The reviewer sees what changed and approves.
	e.as("reviewer")
	e.open(tcForm + "/review")
	if got := e.text(".changes-summary"); !strings.Contains(got, "NT.03") || strings.Contains(got, "NT.06") {
		t.Errorf("the changes since the return = %q; want NT.03 only", got)
	}
	if got := e.js(`!!document.querySelector('#ind-NT_03 [data-changed="values"]')`); got != "true" {
		t.Error("NT.03 is not marked as changed")
	}
	e.shot("09-resubmitted")
	e.clickAndLoad(`form[action$="/approve"] button[type="submit"]`)
	if st := fx.submission(t, "SO-TC").Status; st != assessment.SubmissionApproved {
		t.Fatalf("after approving the form is %s; want approved", st)
	}
	want = e2eExpect(t, fx, fixed, map[string]float64{"NT.06": 5})

	// (e) The admin closes data entry, previews and publishes.
	e.as("admin")
	e.open("/admin/periods")
	e.shot("10-periods-open")
	e.clickAndLoad(`form[action="/admin/periods/DTI-2025/close"] button`)
	if p, _ := fx.store.FindPeriodByCode(context.Background(), "DTI-2025"); p.Status != assessment.PeriodClosed {
		t.Fatalf("period after close: %s; want closed", p.Status)
	}
	e.open("/admin/periods/DTI-2025/preview")
	e.checkRankingRow("preview", want)
	e.shot("11-preview")
	e.open("/admin/periods")
	e.clickAndLoad(`form[action="/admin/periods/DTI-2025/publish"] button`)
	if p, _ := fx.store.FindPeriodByCode(context.Background(), "DTI-2025"); p.Status != assessment.PeriodPublished {
		t.Fatalf("period after publish: %s; want published", p.Status)
	}
	e.shot("12-published")

	// (f) The published ranking and the unit's profile.
	e.open("/results/DTI-2025")
	e.checkRankingRow("ranking", want)
	e.shot("13-ranking")
	e.open("/results/DTI-2025/units/SO-TC")
	if got := e.text(".score-number"); got != viNum(want.points, 2) {
		t.Errorf("profile points = %q; want %q", got, viNum(want.points, 2))
	}
	e.checkFacts("profile", map[string]string{
		"Tổng điểm": viNum(want.points, 2) + " / 100", "Chỉ số": viNum(want.value, 4),
		"Thứ hạng trong khối": strconv.Itoa(want.rank) + " / 2", "Xếp loại": want.bandVI,
	})
	// The explanations list the indicators that apply to a department,
	// with the reviewer's points for NT.06.
	codes := e.js(`Array.prototype.map.call(document.querySelectorAll("details.explanation summary .ind-code"), function(n){ return n.textContent }).join(",")`)
	if codes != "NT.01,NT.02,NT.03,NT.04,NT.05,NT.06,NT.07" {
		t.Errorf("profile explains %s; want NT.01..NT.07 (NT.08 is for districts only)", codes)
	}
	if got := e.text(`details.explanation:nth-child(6) summary .points`); got != "5,00 / 10,00" {
		t.Errorf("profile's NT.06 points = %q; want 5,00 / 10,00", got)
	}
	e.shot("14-profile")

	// (g) English and back.
	e.clickAndLoad(`.lang-switch [lang="en"]`)
	if got := e.js("document.documentElement.lang"); got != "en" {
		t.Fatalf("page language after the switch = %q; want en", got)
	}
	if got := e.text(".score-number"); got != strconv.FormatFloat(want.points, 'f', 2, 64) {
		t.Errorf("English profile points = %q; want %q", got, strconv.FormatFloat(want.points, 'f', 2, 64))
	}
	e.checkFacts("English profile", map[string]string{
		"Total points": strconv.FormatFloat(want.points, 'f', 2, 64) + " / 100", "Index value": strconv.FormatFloat(want.value, 'f', 4, 64),
		"Rank in block": strconv.Itoa(want.rank) + " of 2", "Band": want.bandEN,
	})
	e.shot("15-profile-en")
	e.open("/results/DTI-2025")
	if got := e.text("th[scope=col]"); got != "Rank" {
		t.Errorf("English ranking's first column = %q; want Rank", got)
	}
	e.clickAndLoad(`.lang-switch [lang="vi"]`)
	if got := e.js("document.documentElement.lang"); got != "vi" {
		t.Fatalf("page language after switching back = %q; want vi", got)
	}
	e.checkRankingRow("ranking after switching back", want)

	// (h) A visitor reads the public results in both languages, but not
	// the unit's form.
	e.signOut()
	e.open(tcForm)
	if got := e.js("location.pathname"); got != "/login" {
		t.Errorf("a visitor opening the form lands on %s; want /login", got)
	}
	e.open("/results/DTI-2025")
	e.checkRankingRow("public ranking", want)
	e.shot("16-public-ranking")
	e.clickAndLoad(`.lang-switch a[lang="en"]`)
	if got := e.js("document.documentElement.lang"); got != "en" {
		t.Fatalf("a visitor's page language after the switch = %q; want en", got)
	}
	if got := e.text("table.ranking th[scope=col]"); got != "Rank" {
		t.Errorf("the visitor's English ranking's first column = %q; want Rank", got)
	}
	e.open("/results/DTI-2025/units/SO-TC")
	e.checkFacts("visitor's English profile", map[string]string{
		"Total points":  strconv.FormatFloat(want.points, 'f', 2, 64) + " / 100",
		"Rank in block": strconv.Itoa(want.rank) + " of 2", "Band": want.bandEN,
	})
	e.shot("17-public-profile-en")
	e.clickAndLoad(`.lang-switch a[lang="vi"]`)
	if got := e.js("document.documentElement.lang"); got != "vi" {
		t.Fatalf("a visitor's page language after switching back = %q; want vi", got)
	}
}

// e2eExpected are the figures the pages must show for SO-TC.
type e2eExpected struct {
	selfPoints     float64 // the form's live self-score: the unit alone, peer-relative indicators left out
	selfMax        float64 // the max of the indicators the live self-score counts
	points, value  float64
	rank           int
	bandVI, bandEN string
}

// e2eExpect scores the fixture's units through the engine, independently
// of the application's storage: SO-TC with the values typed, and the points
// the reviewer decided as overrides.
func e2eExpect(t *testing.T, fx *fixture, typed map[scoring.InputKey]scoring.Value, overrides map[string]float64) e2eExpected {
	t.Helper()
	ix := fx.ix
	ds := &scoring.Dataset{Year: fx.period.Year}
	for _, code := range []string{"H-A", "SO-TC", "SO-YT"} {
		u := fx.units[code]
		block := map[string]string{"department": "SO", "district": "HUYEN"}[u.Type]
		ud := scoring.UnitData{Code: u.Code, Name: u.NameVI, Type: u.Type, Block: block, Values: make([]scoring.Value, ix.NumSlots())}
		vals := map[string]map[scoring.InputKey]scoring.Value{"SO-TC": typed, "SO-YT": e2eOther}[code]
		for k, v := range vals {
			slot, ok := ix.Slot(k.Indicator, k.Input)
			if !ok {
				t.Fatalf("no slot for %v", k)
			}
			ud.Values[slot] = v
		}
		if code == "SO-TC" {
			ud.Overrides = overrides
		}
		ds.Units = append(ds.Units, ud)
	}
	res, err := scoring.Score(ix, ds, scoring.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var out e2eExpected
	for i, u := range res.Units {
		if u.Code != "SO-TC" {
			continue
		}
		prov, err := scoring.ScoreProvisional(ix, ds.Year, scoring.UnitData{Code: u.Code, Name: ds.Units[i].Name, Type: ds.Units[i].Type,
			Block: ds.Units[i].Block, Values: ds.Units[i].Values})
		if err != nil {
			t.Fatal(err)
		}
		out.selfPoints, out.selfMax = prov.Points, prov.MaxPoints
		out.points, out.value, out.rank = u.Points, u.Value, u.Rank
		b, ok := ix.BandFor(u.Value)
		if !ok {
			t.Fatalf("no band for %v", u.Value)
		}
		out.bandVI, out.bandEN = b.Name.VI, b.Name.EN
		if u.Band != b.Code {
			t.Fatalf("engine band %s; BandFor %s", u.Band, b.Code)
		}
	}
	if out.rank == 0 {
		t.Fatalf("SO-TC is not ranked: %+v", res.Units)
	}
	return out
}

// saveOther fills SO-YT's form through the store, so that SO-TC is ranked
// against a peer.
func saveOther(t *testing.T, fx *fixture) {
	t.Helper()
	ctx := context.Background()
	actor := fx.users["editor.yt"].Actor()
	sub, err := fx.store.EnsureSubmission(ctx, actor, fx.period.ID, fx.units["SO-YT"].ID)
	if err != nil {
		t.Fatal(err)
	}
	save := assessment.ValueSave{SubmissionID: sub.ID, Version: sub.Version}
	for k, v := range e2eOther {
		ch := assessment.ValueChange{Indicator: k.Indicator, Input: k.Input, Text: v.Text}
		if v.Text != "" && v.Num != 0 || k.Indicator == "NT.01" {
			n := v.Num
			ch.Num = &n
		}
		save.Changes = append(save.Changes, ch)
	}
	if _, err := fx.store.SaveValues(ctx, actor, save); err != nil {
		t.Fatal(err)
	}
}

// waitStored waits until the unit's stored values hold want (but the
// listed "indicator/input" keys, still to come).
func (e *e2e) waitStored(what, unit string, want map[scoring.InputKey]scoring.Value, except ...string) {
	e.t.Helper()
	ok := func() (bool, string) {
		got := e.fx.values(e.t, unit)
		for k, v := range want {
			key := k.Indicator + "/" + k.Input
			if slices.Contains(except, key) {
				continue
			}
			if got[key] != v.Text {
				return false, key + " = " + strconv.Quote(got[key]) + ", want " + strconv.Quote(v.Text)
			}
		}
		return true, ""
	}
	var last string
	for i := 0; i < 100; i++ {
		done, why := ok()
		if done {
			return
		}
		last = why
		e.do(chromedp.Sleep(100 * time.Millisecond))
	}
	e.t.Fatalf("timed out waiting for %s: %s", what, last)
}

// checkRankingRow finds SO-TC's row in a ranking table and compares its
// rank, points, value and band with the expectation.
func (e *e2e) checkRankingRow(page string, want e2eExpected) {
	e.t.Helper()
	row := e.js(`(function(){ var rows = document.querySelectorAll("table.ranking tbody tr");
		for (var i = 0; i < rows.length; i++) { if (rows[i].querySelector("th").textContent.trim() === "Sở Tài chính") {
			return Array.prototype.map.call(rows[i].children, function(c){ return c.textContent.replace(/\s+/g, " ").trim() }).join("|") } }
		return "" })()`)
	if row == "" {
		e.t.Fatalf("%s: no row of Sở Tài chính", page)
	}
	cells := strings.Split(row, "|")
	wantCells := []string{strconv.Itoa(want.rank), "Sở Tài chính", viNum(want.points, 2), viNum(want.value, 4), want.bandVI}
	if len(cells) < len(wantCells) || strings.Join(cells[:len(wantCells)], "|") != strings.Join(wantCells, "|") {
		e.t.Errorf("%s: row of Sở Tài chính = %q; want it to start with %q", page, cells, wantCells)
	}
}

// checkFacts compares the first definition list of the page (label →
// figure) with want.
func (e *e2e) checkFacts(page string, want map[string]string) {
	e.t.Helper()
	got := map[string]string{}
	pairs := e.js(`Array.prototype.map.call(document.querySelectorAll("dl dt"), function(dt){
		var dd = dt.nextElementSibling; return dt.textContent.trim() + "=" + (dd ? dd.textContent.replace(/\s+/g, " ").trim() : "") }).join("\n")`)
	for _, line := range strings.Split(pairs, "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			if _, dup := got[k]; !dup {
				got[k] = v
			}
		}
	}
	for k, v := range want {
		if got[k] != v {
			e.t.Errorf("%s: %s = %q; want %q", page, k, got[k], v)
		}
	}
}
