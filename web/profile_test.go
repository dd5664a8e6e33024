package web

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/scoring"
)

// profileIndex parses testdata/profile_index.yaml: three pillars and two
// top-level groups with sub-groups.
func profileIndex(t testing.TB) *scoring.Index {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("testdata", "profile_index.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	ix, err := scoring.ParseIndex(src)
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

// unitValues are the raw values of one unit: "IND/input" -> text.
type unitValues map[string]string

// scoredPeriod creates a period pinned to fx.ix, stores every unit's
// values, closes it and publishes the results the server computes.
// before, when given, runs on the open period with the units'
// submissions before it is closed (to submit and review forms).
func (fx *fixture) scoredPeriod(t testing.TB, s *Server, code string, year int, public bool, values map[string]unitValues,
	before ...func(p *assessment.Period, subs map[string]*assessment.Submission)) *assessment.Period {
	t.Helper()
	ctx := context.Background()
	sys := assessment.SystemActor
	p := fx.addPeriod(t, code, year, assessment.PeriodOpen, public)
	subs := map[string]*assessment.Submission{}
	for unitCode, vals := range values {
		unit := fx.units[unitCode]
		sub, err := fx.store.EnsureSubmission(ctx, sys, p.ID, unit.ID)
		if err != nil {
			t.Fatal(err)
		}
		var changes []assessment.ValueChange
		for key, raw := range vals {
			ind, in, _ := strings.Cut(key, "/")
			def, ok := fx.ix.Input(ind, in)
			if !ok {
				t.Fatalf("no input %s", key)
			}
			v, err := assessment.ParseValue(def, raw)
			if err != nil {
				t.Fatalf("%s = %q: %v", key, raw, err)
			}
			changes = append(changes, assessment.ChangeOf(scoring.InputKey{Indicator: ind, Input: in}, def, v))
		}
		if subs[unitCode], err = fx.store.SaveValues(ctx, sys, assessment.ValueSave{SubmissionID: sub.ID, Version: sub.Version, Changes: changes}); err != nil {
			t.Fatalf("SaveValues %s: %v", unitCode, err)
		}
	}
	for _, b := range before {
		b(p, subs)
	}
	p, err := fx.store.SetPeriodStatus(ctx, sys, p.ID, p.Version, assessment.PeriodClosed, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	snap, err := s.computeSnapshot(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if p, err = fx.store.PublishPeriod(ctx, sys, p.ID, p.Version, snap); err != nil {
		t.Fatal(err)
	}
	return p
}

// resultsServer is a server whose fixture publishes, with the profile
// index, RES-2024 and RES-2025 (public) and NOIBO-2025 (private).
func resultsServer(t testing.TB) (*Server, *fixture) {
	t.Helper()
	s, fx := newFixtureServer(t)
	fx.ix = profileIndex(t)
	fx.scoredPeriod(t, s, "RES-2024", 2024, true, map[string]unitValues{
		"SO-TC": {"NT.01/has_board": "có", "NT.02/meetings": "1", "NT.03/online": "20", "HD.01/chair": "deputy", "HD.02/dvc": "5"},
		"SO-YT": {"NT.01/has_board": "có", "NT.02/meetings": "4", "NT.03/online": "80", "HD.01/chair": "head", "HD.02/dvc": "10"},
		"H-A":   {"NT.01/has_board": "không", "NT.02/meetings": "2", "NT.03/online": "40", "HD.01/chair": "deputy", "HD.02/dvc": "3"},
	})
	res2025 := map[string]unitValues{
		"SO-TC": {"NT.01/has_board": "có", "NT.02/meetings": "4", "NT.03/online": "80", "HD.01/chair": "head", "HD.02/dvc": "12"},
		"SO-YT": {"NT.01/has_board": "có", "NT.02/meetings": "2", "NT.03/online": "40", "HD.01/chair": "deputy", "HD.02/dvc": "6"},
		"H-A":   {"NT.01/has_board": "có", "NT.02/meetings": "0", "NT.03/online": "60", "HD.01/chair": "head", "HD.02/dvc": "3"},
	}
	fx.scoredPeriod(t, s, "RES-2025", 2025, true, res2025)
	fx.scoredPeriod(t, s, "NOIBO-2025", 2025, false, res2025)
	return s, fx
}

func TestProfile_Page(t *testing.T) {
	s, _ := resultsServer(t)
	resp, body := get(t, s, "/results/RES-2025/units/SO-TC")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("public profile: %d\n%.500s", resp.StatusCode, body)
	}
	doc := parseHTML(t, body)
	facts := text(findAll(doc, byAttr("dl", "class", "facts profile-facts"))[0])
	// SO-TC 2025: NT.01 20 + NT.02 10 + NT.03 20 + HD.01 30 + HD.02 20 = 100.
	for _, want := range []string{"100,00 / 100", "1,0000", "1 / 2", "Tốt", "Thay đổi so với Đánh giá DTI RES-2024", "+"} {
		if !strings.Contains(facts, want) {
			t.Errorf("facts %q lack %q", facts, want)
		}
	}
	// Pillars with the block average: CQS is 1 for SO-TC, 25/30 for SO-YT.
	tables := findAll(doc, byAttr("table", "class", "data profile-table"))
	if len(tables) != 2 {
		t.Fatalf("%d profile tables; want pillars and groups", len(tables))
	}
	pillarRows := findAll(tables[0], func(n *html.Node) bool { return n.Data == "tr" && n.Parent.Data == "tbody" })
	if len(pillarRows) != 3 {
		t.Fatalf("%d pillar rows; want 3", len(pillarRows))
	}
	if got := text(pillarRows[0]); !strings.Contains(got, "Chính quyền số") || !strings.Contains(got, "1,0000") || !strings.Contains(got, "0,9167") {
		t.Errorf("CQS row = %q; want value 1,0000 and block average 0,9167", got)
	}
	if n := len(findAll(tables[0], byAttr("meter", "class", "meter-avg"))); n != 3 {
		t.Errorf("%d block-average meters; want 3", n)
	}
	groupRows := findAll(tables[1], func(n *html.Node) bool { return n.Data == "tr" && n.Parent.Data == "tbody" })
	var groups []string
	for _, r := range groupRows {
		groups = append(groups, text(findAll(r, byAttr("span", "class", "ind-code"))[0]))
	}
	if got := strings.Join(groups, " "); got != "NT NT.A NT.B HD HD.A" {
		t.Errorf("groups = %s; want NT NT.A NT.B HD HD.A", got)
	}
	// Charts: the radar against the block average and the trend of two
	// periods, each with its download.
	for _, id := range []string{"chart-radar-so-tc", "chart-trend-so-tc"} {
		if len(findAll(doc, byAttr("div", "id", id))) != 1 {
			t.Errorf("no chart %s", id)
		}
	}
	for _, href := range []string{"/results/RES-2025/units/SO-TC/radar.html", "/results/RES-2025/units/SO-TC/trend.html"} {
		if len(findAll(doc, byAttr("a", "href", href))) != 1 {
			t.Errorf("no download link %s", href)
		}
	}
	// A visitor gets no scorecard and no history link.
	if strings.Contains(body, "scorecard.xlsx") || strings.Contains(body, "/history") {
		t.Error("a visitor is offered the scorecard or the history")
	}
	// Every indicator is full: strengths, no weakness.
	highlights := findAll(doc, func(n *html.Node) bool {
		return n.Data == "div" && strings.HasPrefix(attrOr(n, "class"), "card highlight")
	})
	if len(highlights) != 2 || !strings.Contains(text(highlights[0]), "HD.01") || !strings.Contains(text(highlights[1]), "Không có.") {
		t.Errorf("strengths and weaknesses = %q", text(highlights[0])+" | "+text(highlights[1]))
	}
	// Explanations of every indicator, from the engine.
	expl := findAll(doc, byAttr("details", "class", "explanation"))
	if len(expl) != 5 {
		t.Fatalf("%d explanations; want 5", len(expl))
	}
	if got := text(expl[0]); !strings.Contains(got, "NT.01") || !strings.Contains(got, "Có ban chỉ đạo: có") || !strings.Contains(got, "20,00 / 20,00") {
		t.Errorf("NT.01 explanation = %q", got)
	}
}

func TestProfile_WeaknessesAndEnglish(t *testing.T) {
	s, _ := resultsServer(t)
	req := httptest.NewRequest("GET", "/results/RES-2025/units/SO-YT", nil)
	req.AddCookie(&http.Cookie{Name: cookieLang, Value: "en"})
	resp, body := do(t, s, req)
	if resp.StatusCode != 200 {
		t.Fatalf("profile: %d", resp.StatusCode)
	}
	doc := parseHTML(t, body)
	highlights := findAll(doc, func(n *html.Node) bool {
		return n.Data == "div" && strings.HasPrefix(attrOr(n, "class"), "card highlight")
	})
	// SO-YT 2025 (value 0.6): NT.01 1, the others 0.5; among these the
	// one worth more points first.
	if got := text(highlights[0]); got != "Strengths NT.01 Steering board — 20.00 / 20.00 (1.0000)" {
		t.Errorf("strengths = %q; want NT.01 only", got)
	}
	if got := text(highlights[1]); !strings.HasPrefix(got, "Weaknesses HD.01 Chair — 15.00 / 30.00") || strings.Contains(got, "NT.01") {
		t.Errorf("weaknesses = %q; want the half-scored, HD.01 first", got)
	}
	facts := text(findAll(doc, byAttr("dl", "class", "facts profile-facts"))[0])
	for _, want := range []string{"2 of 2", "Change since", "rank -1"} {
		if !strings.Contains(facts, want) {
			t.Errorf("English facts %q lack %q", facts, want)
		}
	}
}

func TestProfile_Visibility(t *testing.T) {
	s, fx := resultsServer(t)
	tests := []struct {
		name, path, user string
		want             int
	}{
		{"visitor, public", "/results/RES-2025/units/H-A", "", 200},
		{"visitor, private", "/results/NOIBO-2025/units/H-A", "", 404},
		{"viewer, private", "/results/NOIBO-2025/units/H-A", "viewer", 200},
		{"reviewer, private", "/results/NOIBO-2025/units/H-A", "reviewer", 200},
		{"own unit, private", "/results/NOIBO-2025/units/SO-TC", "editor.tc", 200},
		{"other unit, private", "/results/NOIBO-2025/units/SO-TC", "editor.yt", 403},
		{"other unit, public", "/results/RES-2025/units/SO-TC", "editor.yt", 200},
		{"unknown unit", "/results/RES-2025/units/NOPE", "", 404},
		{"open period", "/results/DTI-2025/units/SO-TC", "admin", 404},
		{"unit without result", "/results/RES-2025/units/SO-TC-X", "admin", 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var cookies []*http.Cookie
			if tt.user != "" {
				cookies = append(cookies, fx.signIn(t, tt.user))
			}
			if resp, body := get(t, s, tt.path, cookies...); resp.StatusCode != tt.want {
				t.Errorf("GET %s as %q: %d; want %d\n%.300s", tt.path, tt.user, resp.StatusCode, tt.want, body)
			}
		})
	}
}

func TestProfile_EscapesUnitNames(t *testing.T) {
	s, fx := newFixtureServer(t)
	fx.ix = profileIndex(t)
	name := `</script><script>alert("x")</script>`
	if _, err := fx.store.UpdateUnit(context.Background(), assessment.SystemActor, fx.units["SO-TC"].ID, assessment.UnitUpdate{NameVI: &name}); err != nil {
		t.Fatal(err)
	}
	// Published after the rename: the results and the charts carry it.
	vals := unitValues{"NT.01/has_board": "có", "NT.02/meetings": "4", "NT.03/online": "80", "HD.01/chair": "head", "HD.02/dvc": "12"}
	fx.scoredPeriod(t, s, "RES-2024", 2024, true, map[string]unitValues{"SO-TC": vals, "SO-YT": vals})
	fx.scoredPeriod(t, s, "RES-2025", 2025, true, map[string]unitValues{"SO-TC": vals, "SO-YT": vals})
	for _, path := range []string{
		"/results/RES-2025/units/SO-TC",
		"/results/RES-2025/charts/ranking",
		"/results/RES-2025/charts/heatmap",
		"/results/RES-2025/charts/ranking/download?block=SO",
		"/results/RES-2025/units/SO-TC/radar.html",
		"/results/RES-2025/units/SO-TC/trend.html",
		"/results/RES-2025",
	} {
		resp, body := get(t, s, path)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d", path, resp.StatusCode)
		}
		if strings.Contains(body, "<script>alert") {
			t.Errorf("GET %s: the unit name is not escaped", path)
		}
	}
	_, body := get(t, s, "/results/RES-2025/units/SO-TC")
	if h1 := text(findAll(parseHTML(t, body), func(n *html.Node) bool { return n.Data == "h1" })[0]); h1 != name {
		t.Errorf("heading = %q; want the name as text", h1)
	}
}

// TestProfile_TrendOfAnotherUnit: a user of another unit reads the public
// profile, whose trend leaves out the private period.
func TestProfile_TrendOfAnotherUnit(t *testing.T) {
	s, fx := resultsServer(t)
	_, body := get(t, s, "/results/RES-2025/units/SO-TC", fx.signIn(t, "editor.yt"))
	doc := parseHTML(t, body)
	tables := findAll(doc, byAttr("details", "id", "chart-trend-so-tc-table"))
	if len(tables) != 1 {
		t.Fatal("no trend data table")
	}
	if got := text(tables[0]); strings.Contains(got, "NOIBO-2025") || !strings.Contains(got, "RES-2024") {
		t.Errorf("trend of another unit's profile = %q; want the public periods only", got)
	}
	_, body = get(t, s, "/results/RES-2025/units/SO-TC", fx.signIn(t, "editor.tc"))
	if !strings.Contains(body, "NOIBO-2025") {
		t.Error("the unit's own trend lacks its private period")
	}
}

// TestProfile_Golden compares the main content of a profile, in both
// languages, with testdata/profile_*.golden (go test -run
// TestProfile_Golden -update rewrites them).
func TestProfile_Golden(t *testing.T) {
	s, fx := resultsServer(t)
	for _, lang := range languages {
		t.Run(lang, func(t *testing.T) {
			req := httptest.NewRequest("GET", "/results/RES-2025/units/SO-YT", nil)
			req.AddCookie(&http.Cookie{Name: cookieLang, Value: lang})
			// A signed-in user sees the language saved on the account.
			fx.setLang(t, "editor.yt", lang)
			req.AddCookie(fx.signIn(t, "editor.yt"))
			resp, body := do(t, s, req)
			if resp.StatusCode != 200 {
				t.Fatalf("profile: %d", resp.StatusCode)
			}
			main := findAll(parseHTML(t, body), byAttr("main", "id", "main"))[0]
			var buf bytes.Buffer
			if err := html.Render(&buf, main); err != nil {
				t.Fatal(err)
			}
			buf.WriteByte('\n')
			checkGolden(t, "profile_"+lang+".golden", buf.Bytes())
		})
	}
}

func TestExplainCache_Bounded(t *testing.T) {
	var ec explainCache
	calls := 0
	fn := func() (map[string]scoring.NodeResult, error) { calls++; return map[string]scoring.NodeResult{}, nil }
	for i := 0; i < maxExplained; i++ {
		ec.get(strconv.Itoa(i), fn)
	}
	ec.get("0", fn)
	if calls != maxExplained {
		t.Fatalf("%d computations for %d keys and a repeat; want %d", calls, maxExplained, maxExplained)
	}
	// One more key: the cache starts afresh instead of growing.
	ec.get("new", fn)
	if len(ec.m) != 1 {
		t.Errorf("cache holds %d entries after overflowing; want 1", len(ec.m))
	}
	ec.get("0", fn)
	if calls != maxExplained+2 {
		t.Errorf("%d computations; want %d (the dropped key computed again)", calls, maxExplained+2)
	}
}

// TestProfile_TwoPillars: an index with two pillars and one top-level
// group has no radar; the profile shows without it, and without
// explanations when the stored data no longer give the published points.
func TestProfile_TwoPillars(t *testing.T) {
	s, fx := newFixtureServer(t)
	cur, prev := testResults()
	cur.Units[0].Adjustment = 10
	fx.publish(t, "DTI-2024P", 2024, true, prev)
	fx.publish(t, "DTI-2025P", 2025, true, cur)
	resp, body := get(t, s, "/results/DTI-2025P/units/SO-TC")
	if resp.StatusCode != 200 {
		t.Fatalf("profile: %d\n%.300s", resp.StatusCode, body)
	}
	doc := parseHTML(t, body)
	if len(findAll(doc, byAttr("div", "id", "chart-radar-so-tc"))) != 0 || strings.Contains(body, "radar.html") {
		t.Error("a radar of two pillars is shown")
	}
	if !strings.Contains(body, "Không có diễn giải cho kết quả này.") {
		t.Error("no note that explanations are unavailable")
	}
	facts := text(findAll(doc, byAttr("dl", "class", "facts profile-facts"))[0])
	if !strings.Contains(facts, "731,61") || !strings.Contains(facts, "2 / 3") || !strings.Contains(facts, "+31,50") ||
		!strings.Contains(facts, "gồm +10,00 điểm thưởng, điểm trừ") {
		t.Errorf("facts = %q", facts)
	}
	if resp, _ := get(t, s, "/results/DTI-2025P/units/SO-TC/radar.html"); resp.StatusCode != 404 {
		t.Errorf("radar download: %d; want 404", resp.StatusCode)
	}
}

func TestHistory_None(t *testing.T) {
	s, fx := newFixtureServer(t)
	resp, body := get(t, s, "/units/SO-TC/history", fx.signIn(t, "editor.tc"))
	if resp.StatusCode != 200 || !strings.Contains(body, "Đơn vị chưa có kết quả nào được công bố.") {
		t.Errorf("history without results: %d", resp.StatusCode)
	}
	if resp, _ := get(t, s, "/units/NOPE/history", fx.signIn(t, "admin")); resp.StatusCode != 404 {
		t.Errorf("history of an unknown unit: %d; want 404", resp.StatusCode)
	}
}
