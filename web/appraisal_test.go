package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/scoring"
)

const tcReview = tcForm + "/review"

// indicatorNode returns the appraisal page's article of an indicator.
func indicatorNode(t *testing.T, body, code string) *html.Node {
	t.Helper()
	arts := findAll(parseHTML(t, body), byAttr("article", "data-indicator", code))
	if len(arts) != 1 {
		t.Fatalf("%d articles for %s; want 1", len(arts), code)
	}
	return arts[0]
}

// decideForm posts a decision on the appraisal page.
func decideForm(t *testing.T, s *Server, ck *http.Cookie, csrf string, f url.Values) (*http.Response, string) {
	t.Helper()
	f.Set("_csrf", csrf)
	return postForm(t, s, tcReview, f, ck)
}

// addPillarReviewer adds a reviewer scoped to the KTS pillar (NT.05 only).
func addPillarReviewer(t *testing.T, fx *fixture) {
	t.Helper()
	u := &assessment.User{Username: "reviewer.kts", FullName: "Thẩm định KTS", Lang: "vi", PasswordHash: passwordHash(t),
		Grants: []assessment.Grant{{Role: assessment.RoleReviewer, Pillars: []string{"KTS"}}}}
	if err := fx.store.CreateUser(context.Background(), assessment.SystemActor, u); err != nil {
		t.Fatal(err)
	}
	fx.users[u.Username] = u
}

func TestAppraisalPage(t *testing.T) {
	s, fx := newFixtureServer(t)
	fillAndSubmit(t, s, fx)
	rv := fx.signIn(t, "reviewer")
	resp, body := get(t, s, tcReview, rv)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d", tcReview, resp.StatusCode)
	}
	// Values as read, evidence, self score with its explanation.
	nt01 := text(indicatorNode(t, body, "NT.01"))
	for _, want := range []string{"Có ban chỉ đạo", "Có", "Đang trình ký quyết định", "20,00 / 20,00"} {
		if !strings.Contains(nt01, want) {
			t.Errorf("NT.01 shows %q; want it to contain %q", nt01, want)
		}
	}
	// The peer-relative indicator shows no number of the unit alone.
	nt07 := indicatorNode(t, body, "NT.07")
	if len(findAll(nt07, byAttr("", "data-peer-relative", ""))) != 1 || len(findAll(nt07, byAttr("", "data-self", ""))) != 0 {
		t.Errorf("NT.07 (best in block) shows a self score: %s", text(nt07))
	}
	// A decision control per indicator, with the five decisions for an
	// admin only on optional indicators (none here): four for a reviewer.
	radios := findAll(indicatorNode(t, body, "NT.02"), byAttr("input", "name", "decision"))
	if len(radios) != 4 {
		t.Errorf("NT.02 offers %d decisions; want 4", len(radios))
	}
	if !strings.Contains(body, tcForm+"/approve") || !strings.Contains(body, tcForm+"/return") {
		t.Error("the page does not offer approve and return")
	}
	// The form page links to it for the reviewer, not for the unit.
	if _, fp := get(t, s, tcForm, rv); !strings.Contains(fp, `href="`+tcReview+`"`) {
		t.Error("the form page has no link to the appraisal page")
	}
	if _, fp := get(t, s, tcForm, fx.signIn(t, "editor.tc")); strings.Contains(fp, tcReview) {
		t.Error("the unit's form links to the appraisal page")
	}
}

func TestAppraisalDecide(t *testing.T) {
	tests := []struct {
		name   string
		user   string
		form   url.Values
		status int
		// field is where the error must show (422).
		field string
		// want is the decision stored on the indicator (2xx/303).
		want assessment.Decision
	}{
		{name: "accept", user: "reviewer", form: url.Values{"indicator": {"NT.02"}, "decision": {"accept"}}, status: 303, want: assessment.DecisionAccept},
		{name: "adjust value", user: "reviewer", form: url.Values{"indicator": {"NT.02"}, "decision": {"adjust_value"}, "adj|meetings": {"1"}, "reason": {"Biên bản chỉ có 1 cuộc"}}, status: 303, want: assessment.DecisionAdjustValue},
		{name: "adjust value without reason", user: "reviewer", form: url.Values{"indicator": {"NT.02"}, "decision": {"adjust_value"}, "adj|meetings": {"1"}}, status: 422, field: "reason"},
		{name: "adjust value without value", user: "reviewer", form: url.Values{"indicator": {"NT.02"}, "decision": {"adjust_value"}, "reason": {"x"}}, status: 422, field: "values"},
		{name: "adjust value equal to the unit's", user: "reviewer", form: url.Values{"indicator": {"NT.02"}, "decision": {"adjust_value"}, "adj|meetings": {"2"}, "reason": {"x"}}, status: 422, field: "values"},
		{name: "adjust value not a number", user: "reviewer", form: url.Values{"indicator": {"NT.02"}, "decision": {"adjust_value"}, "adj|meetings": {"nhiều"}, "reason": {"x"}}, status: 422, field: "meetings"},
		{name: "adjust score", user: "reviewer", form: url.Values{"indicator": {"NT.02"}, "decision": {"adjust_score"}, "points": {"2,5"}, "reason": {"Họp không đủ thành phần"}}, status: 303, want: assessment.DecisionAdjustScore},
		{name: "adjust score over the max", user: "reviewer", form: url.Values{"indicator": {"NT.02"}, "decision": {"adjust_score"}, "points": {"11"}, "reason": {"x"}}, status: 422, field: "points"},
		{name: "adjust score without reason", user: "reviewer", form: url.Values{"indicator": {"NT.02"}, "decision": {"adjust_score"}, "points": {"5"}}, status: 422, field: "reason"},
		{name: "request evidence", user: "reviewer", form: url.Values{"indicator": {"NT.01"}, "decision": {"request_evidence"}, "comment": {"Gửi quyết định thành lập"}}, status: 303, want: assessment.DecisionRequestEvidence},
		{name: "request evidence without comment", user: "reviewer", form: url.Values{"indicator": {"NT.01"}, "decision": {"request_evidence"}}, status: 422, field: "comment"},
		{name: "unknown decision", user: "reviewer", form: url.Values{"indicator": {"NT.01"}, "decision": {"maybe"}}, status: 422, field: "decision"},
		{name: "unknown indicator", user: "reviewer", form: url.Values{"indicator": {"NT.99"}, "decision": {"accept"}}, status: 400},
		{name: "not applicable by a reviewer", user: "reviewer", form: url.Values{"indicator": {"NT.05"}, "decision": {"not_applicable"}, "reason": {"x"}}, status: 403},
		{name: "not applicable of a required indicator", user: "admin", form: url.Values{"indicator": {"NT.01"}, "decision": {"not_applicable"}, "reason": {"x"}}, status: 422},
		{name: "pillar reviewer on its pillar", user: "reviewer.kts", form: url.Values{"indicator": {"NT.05"}, "decision": {"accept"}}, status: 303, want: assessment.DecisionAccept},
		{name: "pillar reviewer outside its pillar", user: "reviewer.kts", form: url.Values{"indicator": {"NT.01"}, "decision": {"accept"}}, status: 403},
		{name: "the unit's approver", user: "approver.tc", form: url.Values{"indicator": {"NT.01"}, "decision": {"accept"}}, status: 403},
		{name: "another unit's editor", user: "editor.yt", form: url.Values{"indicator": {"NT.01"}, "decision": {"accept"}}, status: 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, fx := newFixtureServer(t)
			addPillarReviewer(t, fx)
			fillAndSubmit(t, s, fx)
			code := tt.form.Get("indicator")
			resp, body := decideForm(t, s, fx.signIn(t, tt.user), "csrf-"+tt.user, tt.form)
			if resp.StatusCode != tt.status {
				t.Fatalf("POST %v: %d; want %d", tt.form, resp.StatusCode, tt.status)
			}
			reviews, err := fx.store.FindReviews(context.Background(), fx.submission(t, "SO-TC").ID)
			if err != nil {
				t.Fatal(err)
			}
			latest := assessment.LatestReviews(reviews)
			if tt.status != http.StatusSeeOther {
				if len(reviews) != 0 {
					t.Errorf("a refused decision stored %d reviews", len(reviews))
				}
				if tt.field != "" {
					art := indicatorNode(t, body, code)
					errs := findAll(art, func(n *html.Node) bool { v, _ := attr(n, "class"); return v == "field-error" && text(n) != "" })
					if len(errs) == 0 {
						t.Fatalf("no error shown next to the fields of %s", code)
					}
					if tt.field == "meetings" {
						in := findAll(art, byAttr("input", "id", "adj-NT_02-meetings"))
						if len(in) != 1 {
							t.Fatal("no adjust control for NT.02/meetings")
						}
						if v, _ := attr(in[0], "value"); v != "nhiều" {
							t.Errorf("the typed adjusted value is not shown again: %q", v)
						}
					}
					if tt.field != "decision" && tt.field != "values" {
						id := "ind-" + htmlID(code) + "-" + tt.field
						if tt.field == "meetings" {
							id = "adj-" + htmlID(code) + "-meetings"
						}
						if len(findAll(art, byAttr("", "id", id+"-error"))) != 1 {
							t.Errorf("no error next to %s", id)
						}
					}
				}
				return
			}
			if loc := resp.Header.Get("Location"); loc != tcReview+"#ind-"+htmlID(code) {
				t.Errorf("redirect to %q", loc)
			}
			if r := latest[code]; r == nil || r.Decision != tt.want {
				t.Fatalf("stored decision %+v; want %s", r, tt.want)
			}
		})
	}
}

func TestAppraisalAppraisedScore(t *testing.T) {
	s, fx := newFixtureServer(t)
	fillAndSubmit(t, s, fx)
	rv := fx.signIn(t, "reviewer")
	// NT.02: 2 meetings × 0.25 × 10 = 5 points; adjusted to 1 meeting: 2.5.
	resp, _ := decideForm(t, s, rv, "csrf-reviewer", url.Values{"indicator": {"NT.02"}, "decision": {"adjust_value"}, "adj|meetings": {"1"}, "reason": {"Biên bản"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("adjust: %d", resp.StatusCode)
	}
	// NT.04: the council sets 12.5 of 20.
	resp, _ = decideForm(t, s, rv, "csrf-reviewer", url.Values{"indicator": {"NT.04"}, "decision": {"adjust_score"}, "points": {"12.5"}, "reason": {"Cấp phó ký"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("adjust score: %d", resp.StatusCode)
	}
	_, body := get(t, s, tcReview, rv)
	for code, want := range map[string][2]string{"NT.02": {"5,00 / 10,00", "2,50 / 10,00"}, "NT.04": {"20,00 / 20,00", "12,50 / 20,00"}} {
		art := indicatorNode(t, body, code)
		self := findAll(art, byAttr("", "data-self", ""))
		appr := findAll(art, byAttr("", "data-appraised", ""))
		if len(self) != 1 || len(appr) != 1 || text(self[0]) != want[0] || text(appr[0]) != want[1] {
			t.Errorf("%s: self/appraised %q; want %v", code, text(art), want)
		}
	}
	if got := text(indicatorNode(t, body, "NT.02")); !strings.Contains(got, "Biên bản") || !strings.Contains(got, "Số cuộc họp: 1") {
		t.Errorf("NT.02 = %q; want the adjusted value and its reason", got)
	}
	if d := findAll(parseHTML(t, body), byAttr("", "data-decided", "")); len(d) != 1 || !strings.HasPrefix(text(d[0]), "2/") {
		t.Error("the summary does not count two decisions")
	}
}

func TestAppraisalOnDraftRefused(t *testing.T) {
	s, fx := newFixtureServer(t)
	// The unit starts its draft; nobody appraises it.
	get(t, s, tcForm, fx.signIn(t, "editor.tc"))
	for _, user := range []string{"reviewer", "admin"} {
		ck := fx.signIn(t, user)
		if resp, _ := get(t, s, tcReview, ck); resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s GET appraisal of a draft: %d; want 403 or 404", user, resp.StatusCode)
		}
		resp, _ := decideForm(t, s, ck, "csrf-"+user, url.Values{"indicator": {"NT.01"}, "decision": {"accept"}})
		if resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s decides on a draft: %d; want 403 or 404", user, resp.StatusCode)
		}
	}
	reviews, err := fx.store.FindReviews(context.Background(), fx.submission(t, "SO-TC").ID)
	if err != nil || len(reviews) != 0 {
		t.Errorf("reviews of a draft: %d, %v", len(reviews), err)
	}
}

func TestAppraisalPillarReviewerReadOnly(t *testing.T) {
	s, fx := newFixtureServer(t)
	addPillarReviewer(t, fx)
	fillAndSubmit(t, s, fx)
	_, body := get(t, s, tcReview, fx.signIn(t, "reviewer.kts"))
	if n := len(findAll(indicatorNode(t, body, "NT.05"), byAttr("input", "name", "decision"))); n == 0 {
		t.Error("the KTS reviewer cannot decide on NT.05")
	}
	nt01 := indicatorNode(t, body, "NT.01")
	if n := len(findAll(nt01, byAttr("input", "name", "decision"))); n != 0 {
		t.Error("the KTS reviewer is offered a decision on NT.01 (CQS)")
	}
	if len(findAll(nt01, byAttr("", "data-readonly-note", ""))) != 1 {
		t.Error("NT.01 does not say why it is read-only")
	}
	if strings.Contains(body, tcForm+"/approve") {
		t.Error("a pillar-scoped reviewer is offered to approve the whole form")
	}
}

func TestFormPeerRelativeNote(t *testing.T) {
	s, fx := newFixtureServer(t)
	for _, lang := range []struct{ code, note string }{
		{"vi", "Tính khi đóng kỳ (so sánh với các đơn vị khác)"},
		{"en", "Computed at closing (compared with other units)"},
	} {
		ck := fx.signIn(t, "editor.tc")
		req := httptest.NewRequest(http.MethodGet, tcForm, nil)
		req.AddCookie(ck)
		req.AddCookie(&http.Cookie{Name: cookieLang, Value: lang.code})
		fx.setLang(t, "editor.tc", lang.code)
		_, body := do(t, s, req)
		doc := parseHTML(t, body)
		nt07 := findAll(doc, byAttr("article", "data-indicator", "NT.07"))
		if len(nt07) != 1 || !strings.Contains(text(nt07[0]), lang.note) {
			t.Errorf("%s: NT.07 does not say it is computed at closing", lang.code)
		}
		for _, code := range []string{"NT.01", "NT.02"} {
			if n := findAll(doc, byAttr("article", "data-indicator", code)); len(n) != 1 || len(findAll(n[0], byAttr("", "data-peer-relative", ""))) != 0 {
				t.Errorf("%s: %s is marked peer-relative", lang.code, code)
			}
		}
		if len(findAll(doc, byAttr("", "data-score-note", ""))) != 1 {
			t.Errorf("%s: the live score has no note of what it leaves out", lang.code)
		}
	}
}

func TestFormShowsReviewNotes(t *testing.T) {
	s, fx := newFixtureServer(t)
	fillAndSubmit(t, s, fx)
	rv := fx.signIn(t, "reviewer")
	if resp, _ := decideForm(t, s, rv, "csrf-reviewer", url.Values{"indicator": {"NT.01"}, "decision": {"request_evidence"}, "comment": {"Gửi <quyết định> thành lập"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("request evidence: %d", resp.StatusCode)
	}
	if resp, _ := decideForm(t, s, rv, "csrf-reviewer", url.Values{"indicator": {"NT.02"}, "decision": {"accept"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("accept: %d", resp.StatusCode)
	}
	resp, _ := postForm(t, s, tcForm+"/return", url.Values{"_csrf": {"csrf-reviewer"}, "version": {jsonNum(fx.submission(t, "SO-TC").Version)}, "comment": {"Xem ý kiến từng chỉ số"}}, rv)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("return: %d", resp.StatusCode)
	}
	_, body := get(t, s, tcForm, fx.signIn(t, "editor.tc"))
	doc := parseHTML(t, body)
	nt01 := findAll(doc, byAttr("article", "data-indicator", "NT.01"))[0]
	if !strings.Contains(text(nt01), "Gửi <quyết định> thành lập") || !strings.Contains(text(nt01), "Yêu cầu bổ sung tài liệu") {
		t.Errorf("NT.01 on the returned form: %q; want the council's request", text(nt01))
	}
	if strings.Contains(body, "Gửi <quyết định>") {
		t.Error("the reviewer's comment is not escaped")
	}
	// The summary above the form: the general comment and a link per
	// indicator with a note.
	sum := findAll(doc, byAttr("section", "data-return-notes", ""))
	if len(sum) != 1 {
		t.Fatal("no summary of the council's notes on the returned form")
	}
	links := findAll(sum[0], func(n *html.Node) bool { return n.Data == "a" })
	if got := text(sum[0]); !strings.Contains(got, "Xem ý kiến từng chỉ số") || len(links) != 1 || attrOr(links[0], "href") != "#ind-NT_01" {
		t.Errorf("summary = %q with %d links; want the return comment and a link to NT.01", got, len(links))
	}
	nt02 := findAll(doc, byAttr("article", "data-indicator", "NT.02"))[0]
	if strings.Contains(text(nt02), "Ý kiến của Hội đồng") {
		t.Error("a plain accept without a comment shows a note")
	}
}

// TestAuthorizationMatrix_Appraisal checks the appraisal routes on a
// submitted form against every role and the users of another unit.
func TestAuthorizationMatrix_Appraisal(t *testing.T) {
	roles := []string{"visitor", "admin", "reviewer", "viewer", "editor.tc", "approver.tc", "editor.yt", "approver.yt"}
	routes := []struct {
		method, path string
		form         url.Values
		want         map[string]int
	}{
		{"GET", tcReview, nil, map[string]int{"visitor": 303, "admin": 200, "reviewer": 200}},
		{"POST", tcReview, url.Values{"indicator": {"NT.02"}, "decision": {"accept"}}, map[string]int{"visitor": 401, "admin": 303, "reviewer": 303}},
		{"POST", tcReview, url.Values{"indicator": {"NT.02"}, "decision": {"adjust_score"}, "points": {"3"}}, map[string]int{"visitor": 401, "admin": 422, "reviewer": 422}},
	}
	for _, rt := range routes {
		for _, role := range roles {
			t.Run(rt.method+" "+rt.path+" as "+role, func(t *testing.T) {
				s, fx := newFixtureServer(t)
				fillAndSubmit(t, s, fx)
				var resp *http.Response
				var cookies []*http.Cookie
				token := "csrf-" + role
				if role == "visitor" {
					var anon *http.Cookie
					anon, token = visitorToken(t, s)
					cookies = append(cookies, anon)
				} else {
					cookies = append(cookies, fx.signIn(t, role))
				}
				if rt.method == "GET" {
					resp, _ = get(t, s, rt.path, cookies...)
				} else {
					f := url.Values{}
					for k, v := range rt.form {
						f[k] = v
					}
					f.Set("_csrf", token)
					resp, _ = postForm(t, s, rt.path, f, cookies...)
				}
				want := rt.want[role]
				if want == 0 {
					want = http.StatusForbidden
				}
				if resp.StatusCode != want {
					t.Errorf("%s %s as %s: %d; want %d", rt.method, rt.path, role, resp.StatusCode, want)
				}
			})
		}
	}
}

// TestAppraisal_NotApplicable declares an optional indicator not
// applicable: only an admin may, with a reason; the page shows the
// indicator as not applicable and the appraised max without it.
func TestAppraisal_NotApplicable(t *testing.T) {
	s, fx := newFixtureServer(t)
	// A period pinned to the test index with NT.05 optional.
	src := strings.Replace(string(fx.ix.Source), "      - code: NT.05\n", "      - code: NT.05\n        optional: true\n", 1)
	ix, err := scoring.ParseIndex([]byte(src))
	if err != nil || !ix.Node("NT.05").Optional {
		t.Fatalf("optional NT.05: %v", err)
	}
	p := &assessment.Period{Code: "NA-2025", Name: "Kỳ thử không áp dụng", Year: 2025, Status: assessment.PeriodOpen,
		IndexCode: ix.Code, IndexVersion: ix.Version, IndexHash: ix.Hash, IndexSource: ix.Source,
		OpensAt: fixedNow.Add(-time.Hour), ClosesAt: fixedNow.Add(24 * time.Hour)}
	if err := fx.store.CreatePeriod(context.Background(), assessment.SystemActor, p); err != nil {
		t.Fatal(err)
	}
	base := "/periods/NA-2025/units/SO-TC/form"
	ap := fx.signIn(t, "approver.tc")
	get(t, s, base, ap)
	sub, err := fx.store.FindSubmission(context.Background(), p.ID, fx.units["SO-TC"].ID)
	if err != nil {
		t.Fatal(err)
	}
	if st, out := saveJSON(t, s, ap, "csrf-approver.tc", base+"/values", sub.Version, map[string]any{
		"v|NT.01|has_board": "1", "v|NT.02|meetings": "2", "v|NT.03|online": "75",
		"v|NT.04|chair": "head", "v|NT.06|plan_date": "2025-03-01",
	}); st != 200 {
		t.Fatalf("save: %d %v", st, out)
	}
	if err := fx.store.AddEvidence(context.Background(), fx.users["approver.tc"].Actor(), &assessment.Evidence{
		SubmissionID: sub.ID, Indicator: "NT.01", Kind: assessment.EvidenceExplanation, Text: "Đang trình ký",
	}, nil); err != nil {
		t.Fatal(err)
	}
	sub, _ = fx.store.FindSubmissionByID(context.Background(), sub.ID)
	if resp, _ := postForm(t, s, base+"/submit", url.Values{"_csrf": {"csrf-approver.tc"}, "version": {jsonNum(sub.Version)}}, ap); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("submit: %d", resp.StatusCode)
	}
	na := url.Values{"indicator": {"NT.05"}, "decision": {"not_applicable"}, "reason": {"Đơn vị không có kênh truyền thông riêng"}}
	rv := fx.signIn(t, "reviewer")
	_, body := get(t, s, base+"/review", rv)
	if n := len(findAll(indicatorNode(t, body, "NT.05"), byAttr("input", "value", "not_applicable"))); n != 0 {
		t.Error("a reviewer is offered to declare NT.05 not applicable")
	}
	na.Set("_csrf", "csrf-reviewer")
	if resp, _ := postForm(t, s, base+"/review", na, rv); resp.StatusCode != http.StatusForbidden {
		t.Errorf("reviewer declares not applicable: %d; want 403", resp.StatusCode)
	}
	ad := fx.signIn(t, "admin")
	_, body = get(t, s, base+"/review", ad)
	if n := len(findAll(indicatorNode(t, body, "NT.05"), byAttr("input", "value", "not_applicable"))); n != 1 {
		t.Fatal("the admin is not offered to declare NT.05 not applicable")
	}
	noReason := url.Values{"_csrf": {"csrf-admin"}, "indicator": {"NT.05"}, "decision": {"not_applicable"}}
	if resp, _ := postForm(t, s, base+"/review", noReason, ad); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("not applicable without a reason: %d; want 422", resp.StatusCode)
	}
	na.Set("_csrf", "csrf-admin")
	if resp, _ := postForm(t, s, base+"/review", na, ad); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("admin declares not applicable: %d", resp.StatusCode)
	}
	_, body = get(t, s, base+"/review", ad)
	appr := findAll(indicatorNode(t, body, "NT.05"), byAttr("", "data-appraised", ""))
	if len(appr) != 1 || text(appr[0]) != "Không áp dụng" {
		t.Errorf("NT.05 appraised = %v; want not applicable", appr)
	}
	// The appraised total's max drops by NT.05's 10 points.
	if !strings.Contains(text(parseHTML(t, body)), "/ 80,00") {
		t.Error("the appraised total does not leave NT.05 out of the max")
	}
}

func TestAppraisal_ReturnWithoutComment(t *testing.T) {
	s, fx := newFixtureServer(t)
	fillAndSubmit(t, s, fx)
	rv := fx.signIn(t, "reviewer")
	version := jsonNum(fx.submission(t, "SO-TC").Version)
	resp, body := postForm(t, s, tcForm+"/return", url.Values{"_csrf": {"csrf-reviewer"}, "version": {version}, "comment": {" "}, "from": {"review"}}, rv)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("return without a comment: %d; want 422", resp.StatusCode)
	}
	if e := findAll(parseHTML(t, body), byAttr("p", "id", "return-error")); len(e) != 1 || text(e[0]) == "" {
		t.Error("no message next to the return comment")
	}
	if st := fx.submission(t, "SO-TC").Status; st != assessment.SubmissionSubmitted {
		t.Errorf("status %s; want still submitted", st)
	}
}
