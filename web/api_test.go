package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/net/html"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/scoring"
)

// token makes an API token for the fixture user and returns its secret.
func (fx *fixture) token(t testing.TB, user string) string {
	t.Helper()
	_, secret, err := fx.store.CreateAPIToken(context.Background(), assessment.SystemActor, fx.users[user].ID, "Hệ thống của "+user)
	if err != nil {
		t.Fatalf("CreateAPIToken %s: %v", user, err)
	}
	return secret
}

// apiResp is an API answer.
type apiResp struct {
	status int
	header http.Header
	body   string
	json   map[string]any
}

// errCode returns error.code of an error answer.
func (r apiResp) errCode() string {
	e, _ := r.json["error"].(map[string]any)
	c, _ := e["code"].(string)
	return c
}

// errFields returns error.fields of an error answer.
func (r apiResp) errFields() []map[string]any {
	e, _ := r.json["error"].(map[string]any)
	fs, _ := e["fields"].([]any)
	var out []map[string]any
	for _, f := range fs {
		out = append(out, f.(map[string]any))
	}
	return out
}

// callAPI sends an API request with the bearer secret ("" for none); mod
// changes the request before it is sent.
func callAPI(t *testing.T, s *Server, method, path, secret, body string, mod ...func(*http.Request)) apiResp {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if secret != "" {
		req.Header.Set("Authorization", "Bearer "+secret)
	}
	for _, m := range mod {
		m(req)
	}
	resp, b := do(t, s, req)
	r := apiResp{status: resp.StatusCode, header: resp.Header, body: b}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("%s %s: Content-Type %q; want JSON\n%.300s", method, path, ct, b)
	}
	if err := json.Unmarshal([]byte(b), &r.json); err != nil {
		t.Fatalf("%s %s: not a JSON object: %v\n%.300s", method, path, err, b)
	}
	return r
}

func TestAPI_Authentication(t *testing.T) {
	s, fx := newFixtureServer(t)
	ctx := context.Background()
	good := fx.token(t, "viewer")
	revoked := fx.token(t, "editor.tc")
	toks, _ := fx.store.FindAPITokens(ctx, fx.users["editor.tc"].ID)
	if err := fx.store.RevokeAPIToken(ctx, assessment.SystemActor, toks[0].ID); err != nil {
		t.Fatal(err)
	}
	disabled := fx.token(t, "editor.yt")
	yes := true
	if _, err := fx.store.UpdateUser(ctx, assessment.SystemActor, fx.users["editor.yt"].ID, assessment.UserUpdate{Disabled: &yes}); err != nil {
		t.Fatal(err)
	}
	cookie := fx.signIn(t, "admin")
	withCookie := func(r *http.Request) {
		r.AddCookie(cookie)
		r.Header.Set(csrfHeader, "csrf-admin")
	}
	tests := []struct {
		name     string
		method   string
		auth     string // the Authorization header
		mod      func(*http.Request)
		body     string
		want     int
		wantCode string
	}{
		{name: "valid token", method: "GET", auth: "Bearer " + good, want: 200},
		{name: "scheme in lower case", method: "GET", auth: "bearer " + good, want: 200},
		{name: "no header", method: "GET", want: 401, wantCode: "unauthorized"},
		{name: "basic auth", method: "GET", auth: "Basic YWRtaW46eA==", want: 401, wantCode: "unauthorized"},
		{name: "empty bearer", method: "GET", auth: "Bearer ", want: 401, wantCode: "unauthorized"},
		{name: "unknown token", method: "GET", auth: "Bearer dti_notatokenatall", want: 401, wantCode: "invalid_token"},
		{name: "not a dti token", method: "GET", auth: "Bearer " + strings.TrimPrefix(good, "dti_"), want: 401, wantCode: "invalid_token"},
		{name: "revoked token", method: "GET", auth: "Bearer " + revoked, want: 401, wantCode: "invalid_token"},
		{name: "disabled account", method: "GET", auth: "Bearer " + disabled, want: 401, wantCode: "invalid_token"},
		// A signed-in admin's browser: the API ignores the session cookie
		// (and so needs no CSRF protection).
		{name: "session cookie read", method: "GET", mod: withCookie, want: 401, wantCode: "unauthorized"},
		{name: "session cookie write", method: "PUT", mod: withCookie,
			body: `[{"unit":"SO-TC","indicator":"NT.02","input":"meetings","value":3}]`, want: 401, wantCode: "unauthorized"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := "/api/v1/periods"
			if tc.method == "PUT" {
				path = "/api/v1/periods/DTI-2025/values"
			}
			r := callAPI(t, s, tc.method, path, "", tc.body, func(r *http.Request) {
				if tc.auth != "" {
					r.Header.Set("Authorization", tc.auth)
				}
				if tc.mod != nil {
					tc.mod(r)
				}
			})
			if r.status != tc.want || r.errCode() != tc.wantCode {
				t.Fatalf("%s: %d %q; want %d %q\n%s", tc.name, r.status, r.errCode(), tc.want, tc.wantCode, r.body)
			}
			if tc.want == 401 && !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("401 without WWW-Authenticate: Bearer (%q)", r.header.Get("WWW-Authenticate"))
			}
			if tc.want == 401 && len(r.header.Values("Set-Cookie")) > 0 {
				t.Errorf("the API set a cookie: %v", r.header.Values("Set-Cookie"))
			}
		})
	}
	if _, err := fx.store.FindSubmission(ctx, fx.period.ID, fx.units["SO-TC"].ID); !isNotFound(err) {
		t.Errorf("the cookie-authenticated push wrote something: %v", err)
	}
	// The token's use is recorded.
	toks, _ = fx.store.FindAPITokens(ctx, fx.users["viewer"].ID)
	if toks[0].LastUsedAt.IsZero() {
		t.Error("the token's last use is not recorded")
	}
}

func TestAPI_ErrorShapeAndLanguage(t *testing.T) {
	s, fx := newFixtureServer(t)
	tok := fx.token(t, "viewer")
	r := callAPI(t, s, "GET", "/api/v1/periods/NOPE", tok, "")
	if r.status != 404 || r.errCode() != "not_found" {
		t.Fatalf("unknown period: %d %s", r.status, r.body)
	}
	e := r.json["error"].(map[string]any)
	if msg, _ := e["message"].(string); msg == "" || e["fields"] == nil || r.json["request_id"] == "" {
		t.Errorf("error shape = %s; want code, message, fields and request_id", r.body)
	}
	vi := e["message"].(string)
	r = callAPI(t, s, "GET", "/api/v1/periods/NOPE", tok, "", func(r *http.Request) { r.Header.Set("Accept-Language", "en-US,en;q=0.8") })
	if en := r.json["error"].(map[string]any)["message"].(string); en == vi || !strings.Contains(strings.ToLower(en), "not found") {
		t.Errorf("English message = %q (Vietnamese %q)", en, vi)
	}
	// Unknown paths and methods answer in JSON too, before any token check.
	if r := callAPI(t, s, "GET", "/api/v1/nope", "", ""); r.status != 404 || r.errCode() != "not_found" {
		t.Errorf("unknown endpoint: %d %s", r.status, r.body)
	}
	r = callAPI(t, s, "DELETE", "/api/v1/periods/DTI-2025/values", tok, "")
	if r.status != 405 || r.errCode() != "method_not_allowed" || r.header.Get("Allow") == "" {
		t.Errorf("DELETE values: %d %q Allow %q", r.status, r.body, r.header.Get("Allow"))
	}
	if cc := r.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q; want no-store", cc)
	}
}

func TestAPI_PeriodsAndUnits(t *testing.T) {
	s, fx := newFixtureServer(t)
	fx.addPeriod(t, "NHAP-2026", 2026, assessment.PeriodDraft, false)
	codes := func(r apiResp) []string {
		var out []string
		for _, p := range r.json["periods"].([]any) {
			out = append(out, p.(map[string]any)["code"].(string))
		}
		return out
	}
	for _, tc := range []struct {
		user string
		want []string
	}{
		{"admin", []string{"NHAP-2026", "DTI-2025"}},
		{"reviewer", []string{"NHAP-2026", "DTI-2025"}},
		{"viewer", []string{"DTI-2025"}},
		{"editor.tc", []string{"DTI-2025"}},
	} {
		r := callAPI(t, s, "GET", "/api/v1/periods", fx.token(t, tc.user), "")
		if got := codes(r); r.status != 200 || !slices.Equal(got, tc.want) {
			t.Errorf("periods as %s: %d %v; want %v", tc.user, r.status, got, tc.want)
		}
	}
	viewer := fx.token(t, "viewer")
	if r := callAPI(t, s, "GET", "/api/v1/periods/NHAP-2026", viewer, ""); r.status != 404 {
		t.Errorf("viewer reads a draft period: %d; want 404", r.status)
	}
	r := callAPI(t, s, "GET", "/api/v1/periods/DTI-2025", viewer, "")
	if r.status != 200 || r.json["status"] != "open" || r.json["closes_at"] != "2026-01-30" ||
		r.json["index"].(map[string]any)["hash"] != fx.ix.Hash {
		t.Errorf("period: %d %s", r.status, r.body)
	}
	if _, ok := r.json["results_url"]; ok {
		t.Error("an open period links to results")
	}

	r = callAPI(t, s, "GET", "/api/v1/units", viewer, "")
	units := r.json["units"].([]any)
	if r.status != 200 || len(units) != 3 {
		t.Fatalf("units: %d %s", r.status, r.body)
	}
	first := units[0].(map[string]any)
	if first["code"] != "H-A" || first["name_vi"] != "Huyện A" || first["type"] != "district" || first["active"] != true {
		t.Errorf("first unit = %v", first)
	}
}

// apiNum reads a JSON number of an answer.
func apiNum(v any) float64 {
	f, _ := v.(float64)
	return f
}

func TestAPI_ResultsMatchSnapshot(t *testing.T) {
	s, fx := resultsServer(t)
	ctx := context.Background()
	p, err := fx.store.FindPeriodByCode(ctx, "RES-2025")
	if err != nil {
		t.Fatal(err)
	}
	snap, err := fx.store.FindSnapshot(ctx, p.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	final := snap.Results.Final
	viewer := fx.token(t, "viewer")
	r := callAPI(t, s, "GET", "/api/v1/periods/RES-2025/results", viewer, "")
	if r.status != 200 {
		t.Fatalf("results: %d %s", r.status, r.body)
	}
	if r.json["period"] != "RES-2025" || apiNum(r.json["snapshot"]) != float64(snap.Number) || apiNum(r.json["scale"]) != fx.ix.Scale {
		t.Errorf("head = %.300s", r.body)
	}
	units := r.json["units"].([]any)
	if len(units) != len(final.Units) {
		t.Fatalf("%d units; want %d", len(units), len(final.Units))
	}
	round := func(v float64, d int) float64 {
		f, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'f', d, 64), 64)
		return f
	}
	pd, vd := fx.ix.Rounding.PointsDecimals, fx.ix.Rounding.ValueDecimals
	for i, want := range final.Units {
		got := units[i].(map[string]any)
		if got["code"] != want.Code || got["block"] != want.Block || apiNum(got["total"]) != round(want.Points, pd) ||
			apiNum(got["value"]) != round(want.Value, vd) || apiNum(got["rank"]) != float64(want.Rank) {
			t.Errorf("unit %d = %v; want %s %v points, value %v, rank %d", i, got, want.Code, want.Points, want.Value, want.Rank)
		}
		if band, _ := got["band"].(map[string]any); band["code"] != want.Band {
			t.Errorf("%s band = %v; want %s", want.Code, got["band"], want.Band)
		}
		pillars := got["pillars"].([]any)
		if len(pillars) != len(fx.ix.Pillars) {
			t.Fatalf("%s: %d pillars; want %d", want.Code, len(pillars), len(fx.ix.Pillars))
		}
		for j, pr := range pillars {
			pm := pr.(map[string]any)
			wp := want.Pillars[j]
			if pm["code"] != fx.ix.Pillars[j].Code || pm["applicable"] != wp.Applicable {
				t.Errorf("%s pillar %d = %v", want.Code, j, pm)
			}
			if wp.Applicable && !wp.Missing && apiNum(pm["value"]) != round(wp.Value, vd) {
				t.Errorf("%s pillar %s value = %v; want %v", want.Code, pm["code"], pm["value"], wp.Value)
			}
		}
		groups := got["groups"].([]any)
		var wantGroups []string
		for _, n := range fx.ix.AllNodes() {
			if !n.IsIndicator() {
				wantGroups = append(wantGroups, n.Code)
			}
		}
		var gotGroups []string
		for _, g := range groups {
			gotGroups = append(gotGroups, g.(map[string]any)["code"].(string))
		}
		if !slices.Equal(gotGroups, wantGroups) {
			t.Errorf("%s groups = %v; want %v", want.Code, gotGroups, wantGroups)
		}
		if _, ok := got["indicators"]; ok {
			t.Errorf("the ranking lists indicators")
		}
	}
	// One block.
	r = callAPI(t, s, "GET", "/api/v1/periods/RES-2025/results?block=HUYEN", viewer, "")
	if units := r.json["units"].([]any); len(units) != 1 || units[0].(map[string]any)["code"] != "H-A" {
		t.Errorf("block HUYEN = %.300s", r.body)
	}
	// A poller that has the snapshot gets 304.
	etag := callAPI(t, s, "GET", "/api/v1/periods/RES-2025/results", viewer, "").header.Get("ETag")
	req := httptest.NewRequest("GET", "/api/v1/periods/RES-2025/results", nil)
	req.Header.Set("Authorization", "Bearer "+viewer)
	req.Header.Set("If-None-Match", etag)
	if resp, body := do(t, s, req); etag == "" || resp.StatusCode != http.StatusNotModified || body != "" {
		t.Errorf("If-None-Match %s: %d %q; want 304 without a body", etag, resp.StatusCode, body)
	}
	if r := callAPI(t, s, "GET", "/api/v1/periods/RES-2025/results", viewer, "", func(r *http.Request) {
		r.Header.Set("If-None-Match", `"other"`)
	}); r.status != 200 {
		t.Errorf("another ETag: %d; want 200", r.status)
	}
	if r := callAPI(t, s, "GET", "/api/v1/periods/RES-2025/results?block=NOPE", viewer, ""); r.status != 422 || r.errFields()[0]["field"] != "block" {
		t.Errorf("unknown block: %d %s; want 422 naming the block", r.status, r.body)
	}
	// One unit with its indicators.
	r = callAPI(t, s, "GET", "/api/v1/periods/RES-2025/units/SO-TC/results", viewer, "")
	if r.status != 200 {
		t.Fatalf("unit results: %d %s", r.status, r.body)
	}
	u := r.json["unit"].(map[string]any)
	ur, _ := unitResultOf(&final, "SO-TC")
	if u["code"] != "SO-TC" || apiNum(u["total"]) != round(ur.Points, pd) || len(u["indicators"].([]any)) != len(fx.ix.Indicators()) {
		t.Errorf("unit SO-TC = %.400s", r.body)
	}
	// The same answer twice: deterministic bytes.
	again := callAPI(t, s, "GET", "/api/v1/periods/RES-2025/units/SO-TC/results", viewer, "")
	if again.body != r.body {
		t.Error("two reads of the same results differ")
	}
}

func TestAPI_ResultsVisibility(t *testing.T) {
	s, fx := resultsServer(t)
	tests := []struct {
		user, path string
		want       int
		wantCode   string
	}{
		{"viewer", "/api/v1/periods/NOIBO-2025/results", 200, ""},
		{"editor.yt", "/api/v1/periods/RES-2025/results", 200, ""},
		// An open period has no results.
		{"admin", "/api/v1/periods/DTI-2025/results", 404, "not_published"},
		{"admin", "/api/v1/periods/DTI-2025/units/SO-TC/results", 404, "not_published"},
		// A unit's private results: its own roles, staff and viewers.
		{"editor.tc", "/api/v1/periods/NOIBO-2025/units/SO-TC/results", 200, ""},
		{"editor.yt", "/api/v1/periods/NOIBO-2025/units/SO-TC/results", 403, "forbidden"},
		{"editor.yt", "/api/v1/periods/RES-2025/units/SO-TC/results", 200, ""},
		{"viewer", "/api/v1/periods/NOIBO-2025/units/SO-TC/results", 200, ""},
		{"viewer", "/api/v1/periods/RES-2025/units/NOPE/results", 404, "not_found"},
	}
	for _, tc := range tests {
		r := callAPI(t, s, "GET", tc.path, fx.token(t, tc.user), "")
		if r.status != tc.want || r.errCode() != tc.wantCode {
			t.Errorf("GET %s as %s: %d %q; want %d %q", tc.path, tc.user, r.status, r.errCode(), tc.want, tc.wantCode)
		}
	}
}

func TestAPI_UnitValues(t *testing.T) {
	s, fx := newFixtureServer(t)
	path := "/api/v1/periods/DTI-2025/units/SO-TC/values"
	// Before the unit opened its form: no submission, no values.
	r := callAPI(t, s, "GET", path, fx.token(t, "editor.tc"), "")
	if r.status != 200 || r.json["submission"] != nil || len(r.json["values"].([]any)) != 0 {
		t.Fatalf("no form yet: %d %s", r.status, r.body)
	}
	ck := fx.signIn(t, "editor.tc")
	get(t, s, tcForm, ck)
	if status, out := saveJSON(t, s, ck, "csrf-editor.tc", tcForm+"/values", fx.submission(t, "SO-TC").Version,
		map[string]any{"v|NT.02|meetings": "3", "v|NT.03|online": "12,5"}); status != 200 {
		t.Fatalf("save: %d %v", status, out)
	}
	for _, tc := range []struct {
		user string
		want int
	}{
		{"editor.tc", 200}, {"approver.tc", 200}, {"admin", 200},
		{"editor.yt", 403}, {"approver.yt", 403}, {"reviewer", 403}, {"viewer", 403},
	} {
		r := callAPI(t, s, "GET", path, fx.token(t, tc.user), "")
		if r.status != tc.want {
			t.Errorf("values as %s: %d; want %d", tc.user, r.status, tc.want)
			continue
		}
		if tc.want != 200 {
			continue
		}
		got := map[string]string{}
		for _, v := range r.json["values"].([]any) {
			m := v.(map[string]any)
			got[m["indicator"].(string)+"/"+m["input"].(string)] = m["value"].(string)
			if m["source"] != "self" || m["locked"] != false {
				t.Errorf("value %v: want a self value, not locked", m)
			}
		}
		if got["NT.02/meetings"] != "3" || got["NT.03/online"] != "12.5" {
			t.Errorf("values as %s = %v", tc.user, got)
		}
		if sub := r.json["submission"].(map[string]any); sub["status"] != "draft" {
			t.Errorf("submission = %v", sub)
		}
	}
	if r := callAPI(t, s, "GET", "/api/v1/periods/DTI-2025/units/NOPE/values", fx.token(t, "admin"), ""); r.status != 404 {
		t.Errorf("unknown unit: %d", r.status)
	}
}

func TestAPI_PushValues(t *testing.T) {
	s, fx := newFixtureServer(t)
	ctx := context.Background()
	admin := fx.token(t, "admin")
	body := `{"source": "system", "note": "Kết nối hệ thống một cửa", "values": [
		{"unit": "SO-TC", "indicator": "NT.02", "input": "meetings", "value": 4},
		{"unit": "SO-TC", "indicator": "NT.03", "input": "online", "value": 72.5},
		{"unit": "SO-YT", "indicator": "NT.01", "input": "has_board", "value": true},
		{"unit": "SO-YT", "indicator": "NT.05", "input": "channels", "value": ["web", "Mạng xã hội"]},
		{"unit": "H-A", "indicator": "NT.08", "input": "communes", "value": "12"},
		{"unit": "H-A", "indicator": "NT.06", "input": "plan_date", "value": "15/03/2025"}]}`
	r := callAPI(t, s, "PUT", "/api/v1/periods/DTI-2025/values", admin, body)
	if r.status != 200 || apiNum(r.json["written"]) != 6 || apiNum(r.json["created"]) != 6 || r.json["source"] != "system" {
		t.Fatalf("push: %d %s", r.status, r.body)
	}
	stored := func(unit string) map[string]*assessment.InputValue {
		sub, err := fx.store.FindSubmission(ctx, fx.period.ID, fx.units[unit].ID)
		if err != nil {
			t.Fatalf("FindSubmission %s: %v", unit, err)
		}
		vals, err := fx.store.FindValues(ctx, sub.ID)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]*assessment.InputValue{}
		for _, v := range vals {
			out[v.Indicator+"/"+v.Input] = v
		}
		return out
	}
	want := map[string]map[string]string{
		"SO-TC": {"NT.02/meetings": "4", "NT.03/online": "72.5"},
		"SO-YT": {"NT.01/has_board": "true", "NT.05/channels": "web,social"},
		"H-A":   {"NT.08/communes": "12", "NT.06/plan_date": "2025-03-15"},
	}
	for unit, vals := range want {
		got := stored(unit)
		for k, text := range vals {
			v := got[k]
			if v == nil || v.Text != text || !v.Locked || v.Source != scoring.SourceSystem {
				t.Errorf("%s %s = %+v; want %q locked from system", unit, k, v, text)
			}
		}
	}
	// Audited with the token's name and the note.
	entries, _, err := fx.store.FindAudit(ctx, assessment.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	audited := false
	for _, e := range entries {
		if strings.Contains(e.Reason, "Hệ thống của admin") && strings.Contains(e.Reason, "Kết nối hệ thống một cửa") && e.ActorID == fx.users["admin"].ID {
			audited = true
		}
	}
	if !audited {
		t.Error("no audit entry names the token and the note")
	}
	// The same push again changes nothing; a bare array and POST work too.
	r = callAPI(t, s, "POST", "/api/v1/periods/DTI-2025/values", admin,
		`[{"unit": "SO-TC", "indicator": "NT.02", "input": "meetings", "value": 4}, {"unit": "SO-TC", "indicator": "NT.02", "input": "meetings", "value": 5}]`)
	if r.status != 422 {
		t.Errorf("a repeated value: %d; want 422", r.status)
	}
	r = callAPI(t, s, "POST", "/api/v1/periods/DTI-2025/values", admin, `[{"unit": "SO-TC", "indicator": "NT.02", "input": "meetings", "value": 4}]`)
	if r.status != 200 || apiNum(r.json["written"]) != 0 || apiNum(r.json["unchanged"]) != 1 {
		t.Errorf("same push again: %d %s", r.status, r.body)
	}
	// The unit sees the pushed value read-only on its form and cannot
	// change it.
	ck := fx.signIn(t, "editor.tc")
	_, page := get(t, s, tcForm, ck)
	fields := findAll(parseHTML(t, page), byAttr("div", "data-field", "v|NT.02|meetings"))
	if len(fields) != 1 || !hasAttr(fields[0], "data-readonly") {
		t.Fatalf("the pushed field is not read-only on the form")
	}
	if in := findAll(fields[0], func(n *html.Node) bool { return n.Data == "input" }); len(in) != 1 || !hasAttr(in[0], "disabled") {
		t.Error("the pushed input can be typed into")
	} else if v, _ := attr(in[0], "value"); v != "4" {
		t.Errorf("the form shows %q; want the pushed 4", v)
	}
	saveJSON(t, s, ck, "csrf-editor.tc", tcForm+"/values", fx.submission(t, "SO-TC").Version, map[string]any{"v|NT.02|meetings": "9"})
	if stored("SO-TC")["NT.02/meetings"].Text != "4" {
		t.Error("the unit overwrote a pushed value")
	}
}

func TestAPI_PushValues_Refused(t *testing.T) {
	s, fx := newFixtureServer(t)
	admin := fx.token(t, "admin")
	item := func(unit, ind, in, value string) string {
		return `{"unit": "` + unit + `", "indicator": "` + ind + `", "input": "` + in + `", "value": ` + value + `}`
	}
	good := item("SO-TC", "NT.02", "meetings", "4")
	type field struct{ field, unit, indicator, input string }
	tests := []struct {
		name       string
		body       string
		want       int
		wantCode   string
		wantFields []field
	}{
		{"unknown unit", `[` + good + `,` + item("SO-XX", "NT.02", "meetings", "1") + `]`, 422, "invalid",
			[]field{{"values[1].unit", "SO-XX", "NT.02", "meetings"}}},
		{"unknown indicator", `[` + good + `,` + item("SO-YT", "NT.99", "x", "1") + `]`, 422, "invalid",
			[]field{{"values[1].indicator", "SO-YT", "NT.99", "x"}}},
		{"unknown input", `[` + item("SO-YT", "NT.02", "nope", "1") + `]`, 422, "invalid",
			[]field{{"values[0].input", "SO-YT", "NT.02", "nope"}}},
		{"not a number", `[` + good + `,` + item("SO-YT", "NT.03", "online", `"nhiều"`) + `]`, 422, "invalid",
			[]field{{"values[1].value", "SO-YT", "NT.03", "online"}}},
		{"over the limit", `[` + item("SO-YT", "NT.03", "budget", "9000") + `]`, 422, "invalid",
			[]field{{"values[0].value", "SO-YT", "NT.03", "budget"}}},
		{"count not whole", `[` + item("SO-YT", "NT.02", "meetings", "12.345") + `]`, 422, "invalid",
			[]field{{"values[0].value", "SO-YT", "NT.02", "meetings"}}},
		{"not applicable to the unit type", `[` + item("SO-YT", "NT.08", "communes", "3") + `]`, 422, "invalid",
			[]field{{"values[0].value", "SO-YT", "NT.08", "communes"}}},
		{"missing value", `[` + item("SO-YT", "NT.02", "meetings", "null") + `]`, 422, "invalid",
			[]field{{"values[0].value", "SO-YT", "NT.02", "meetings"}}},
		{"object value", `[` + item("SO-YT", "NT.02", "meetings", `{"n": 1}`) + `]`, 422, "invalid",
			[]field{{"values[0].value", "SO-YT", "NT.02", "meetings"}}},
		{"bad option", `[` + item("SO-YT", "NT.04", "chair", `"vice"`) + `]`, 422, "invalid",
			[]field{{"values[0].value", "SO-YT", "NT.04", "chair"}}},
		{"several problems at once", `[` + item("SO-XX", "NT.02", "meetings", "1") + `,` + good + `,` + item("SO-YT", "NT.01", "has_board", `"maybe"`) + `]`, 422, "invalid",
			[]field{{"values[0].unit", "SO-XX", "NT.02", "meetings"}, {"values[2].value", "SO-YT", "NT.01", "has_board"}}},
		{"unknown source", `{"source": "rumour", "values": [` + good + `]}`, 422, "invalid", []field{{"source", "", "", ""}}},
		{"empty list", `{"values": []}`, 422, "invalid", []field{{"values", "", "", ""}}},
		{"note with control characters", `{"note": "a\u0007b", "values": [` + good + `]}`, 422, "invalid", []field{{"note", "", "", ""}}},
		{"malformed JSON", `[{"unit": "SO-TC",`, 400, "bad_request", nil},
		{"unknown field", `[{"unit": "SO-TC", "indicator": "NT.02", "input": "meetings", "value": 1, "extra": 1}]`, 400, "bad_request", nil},
		{"trailing data", `[` + good + `] []`, 400, "bad_request", nil},
		{"empty body", ``, 400, "bad_request", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := callAPI(t, s, "PUT", "/api/v1/periods/DTI-2025/values", admin, tc.body)
			if r.status != tc.want || r.errCode() != tc.wantCode {
				t.Fatalf("%d %q; want %d %q\n%s", r.status, r.errCode(), tc.want, tc.wantCode, r.body)
			}
			var got []field
			for _, f := range r.errFields() {
				str := func(k string) string { v, _ := f[k].(string); return v }
				got = append(got, field{str("field"), str("unit"), str("indicator"), str("input")})
				if str("message") == "" {
					t.Errorf("field %v has no message", f)
				}
			}
			if tc.wantFields != nil && !slices.Equal(got, tc.wantFields) {
				t.Errorf("fields = %v; want %v\n%s", got, tc.wantFields, r.body)
			}
			// Nothing was written, not even the good values.
			if _, err := fx.store.FindSubmission(context.Background(), fx.period.ID, fx.units["SO-TC"].ID); !isNotFound(err) {
				t.Errorf("a refused push created a form: %v", err)
			}
		})
	}

	// The message names the indicator and the problem.
	r := callAPI(t, s, "PUT", "/api/v1/periods/DTI-2025/values", admin, `[`+item("SO-YT", "NT.03", "online", `"nhiều"`)+`]`,
		func(r *http.Request) { r.Header.Set("Accept-Language", "en") })
	if msg := r.errFields()[0]["message"].(string); !strings.Contains(msg, "NT.03") {
		t.Errorf("message %q does not name the indicator", msg)
	}

	// Roles: only province-wide admins push.
	for _, user := range []string{"reviewer", "viewer", "editor.tc", "approver.tc"} {
		if r := callAPI(t, s, "PUT", "/api/v1/periods/DTI-2025/values", fx.token(t, user), `[`+good+`]`); r.status != 403 {
			t.Errorf("push as %s: %d; want 403", user, r.status)
		}
	}
	if r := callAPI(t, s, "PUT", "/api/v1/periods/NOPE/values", admin, `[`+good+`]`); r.status != 404 {
		t.Errorf("unknown period: %d; want 404", r.status)
	}
	// A published period refuses pushes.
	res := &scoring.Results{IndexCode: fx.ix.Code, IndexHash: fx.ix.Hash}
	fx.publish(t, "DONE-2024", 2024, true, res)
	if r := callAPI(t, s, "PUT", "/api/v1/periods/DONE-2024/values", admin, `[`+good+`]`); r.status != 409 || r.errCode() != "period_published" {
		t.Errorf("published period: %d %s; want 409", r.status, r.body)
	}
	// A body over the API's limit.
	big := `{"note": "` + strings.Repeat("x", apiBodyLimit) + `", "values": []}`
	if r := callAPI(t, s, "PUT", "/api/v1/periods/DTI-2025/values", admin, big); r.status != 413 || r.errCode() != "too_large" {
		t.Errorf("large body: %d %.200s; want 413", r.status, r.body)
	}
	if _, err := fx.store.FindSubmission(context.Background(), fx.period.ID, fx.units["SO-TC"].ID); !isNotFound(err) {
		t.Errorf("a refused push created a form: %v", err)
	}
}

func TestAPI_RateLimit(t *testing.T) {
	s, fx := newFixtureServer(t, func(c *Config) { c.APIRequestsPerMinute = 3 })
	tok := fx.token(t, "viewer")
	other := fx.token(t, "admin")
	for i := range 3 {
		if r := callAPI(t, s, "GET", "/api/v1/units", tok, ""); r.status != 200 {
			t.Fatalf("request %d: %d", i+1, r.status)
		}
	}
	r := callAPI(t, s, "GET", "/api/v1/units", tok, "")
	if r.status != 429 || r.errCode() != "rate_limited" {
		t.Fatalf("4th request: %d %s; want 429", r.status, r.body)
	}
	if ra, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || ra < 1 || ra > 21 {
		t.Errorf("Retry-After = %q; want the seconds until the next request", r.header.Get("Retry-After"))
	}
	// Another token has its own budget.
	if r := callAPI(t, s, "GET", "/api/v1/units", other, ""); r.status != 200 {
		t.Errorf("another token: %d; want 200", r.status)
	}
	// The budget comes back with time.
	fx.now = fx.now.Add(time.Minute)
	if r := callAPI(t, s, "GET", "/api/v1/units", tok, ""); r.status != 200 {
		t.Errorf("a minute later: %d; want 200", r.status)
	}
	// Guessing tokens is throttled per address.
	var last apiResp
	for range apiFailBurst + 1 {
		last = callAPI(t, s, "GET", "/api/v1/units", "dti_guess", "")
	}
	if last.status != 429 {
		t.Errorf("after %d bad tokens: %d; want 429", apiFailBurst+1, last.status)
	}
}

// TestAPI_OpenAPIMatchesRoutes checks that the OpenAPI document describes
// every /api/v1 route and nothing else.
func TestAPI_OpenAPIMatchesRoutes(t *testing.T) {
	s, _ := newFixtureServer(t)
	r := callAPI(t, s, "GET", "/api/v1/openapi.json", "", "")
	if r.status != 200 || r.json["openapi"] != "3.0.3" {
		t.Fatalf("openapi.json: %d %.200s", r.status, r.body)
	}
	var documented []string
	for path, ops := range r.json["paths"].(map[string]any) {
		for method, op := range ops.(map[string]any) {
			documented = append(documented, strings.ToUpper(method)+" "+path)
			o := op.(map[string]any)
			if o["operationId"] == nil || o["responses"] == nil {
				t.Errorf("%s %s: no operationId or responses", method, path)
			}
			// Path parameters are declared.
			for _, seg := range strings.Split(path, "/") {
				if !strings.HasPrefix(seg, "{") {
					continue
				}
				name := strings.Trim(seg, "{}")
				found := false
				params, _ := o["parameters"].([]any)
				for _, p := range params {
					if pm := p.(map[string]any); pm["name"] == name && pm["in"] == "path" {
						found = true
					}
				}
				if !found {
					t.Errorf("%s %s: path parameter %s not declared", method, path, name)
				}
			}
		}
	}
	var routed []string
	for _, rt := range s.App().GetRoutes(true) {
		if !strings.HasPrefix(rt.Path, apiPrefix+"/") || strings.HasSuffix(rt.Path, "*") || rt.Method == "HEAD" {
			continue
		}
		segs := strings.Split(rt.Path, "/")
		for i, seg := range segs {
			if strings.HasPrefix(seg, ":") {
				segs[i] = "{" + seg[1:] + "}"
			}
		}
		routed = append(routed, rt.Method+" "+strings.Join(segs, "/"))
	}
	slices.Sort(documented)
	slices.Sort(routed)
	routed = slices.Compact(routed)
	if !slices.Equal(documented, routed) {
		t.Errorf("OpenAPI paths differ from the routes:\ndocumented %v\nrouted     %v", documented, routed)
	}
	// The served document is the embedded file, valid JSON with every
	// $ref resolvable.
	b, err := fs.ReadFile(staticFS, openAPIFile)
	if err != nil || string(b) != r.body {
		t.Fatalf("served document differs from %s: %v", openAPIFile, err)
	}
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if k == "$ref" {
					ref := strings.TrimPrefix(x.(string), "#/")
					var cur any = r.json
					for _, part := range strings.Split(ref, "/") {
						cur = cur.(map[string]any)[part]
						if cur == nil {
							t.Errorf("unresolved $ref %s", x)
							return
						}
					}
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(r.json)
}

// tokenID makes an API token for the fixture user and returns its ID.
func (fx *fixture) tokenID(t testing.TB, user string) int64 {
	t.Helper()
	tok, _, err := fx.store.CreateAPIToken(context.Background(), assessment.SystemActor, fx.users[user].ID, "Mã của "+user)
	if err != nil {
		t.Fatalf("CreateAPIToken %s: %v", user, err)
	}
	return tok.ID
}

func TestAPI_ErrorMapping(t *testing.T) {
	s, _ := newFixtureServer(t)
	tests := []struct {
		name       string
		err        error
		wantStatus int
		wantCode   string
	}{
		{"not found", fmt.Errorf("period 7: %w", assessment.ErrNotFound), 404, "not_found"},
		{"forbidden", assessment.ErrForbidden, 403, "forbidden"},
		{"conflict", fmt.Errorf("save: %w", assessment.ErrConflict), 409, "conflict"},
		{"validation", &assessment.ValidationError{Fields: []assessment.FieldError{{Field: "name", VI: "Sai", EN: "wrong"}}}, 422, "invalid"},
		{"body over the server's limit", fiber.ErrRequestEntityTooLarge, 413, "too_large"},
		{"other client error", fiber.ErrUnsupportedMediaType, 415, "unsupported_media_type"},
		{"server fault", errors.New("disk on fire"), 500, "internal"},
	}
	for _, tc := range tests {
		app := fiber.New()
		app.Get("/", func(c *fiber.Ctx) error {
			c.Locals(localRequestID, "rid")
			return s.apiWriteError(c, tc.err)
		})
		resp, err := app.Test(httptest.NewRequest("GET", "/", nil), -1)
		if err != nil {
			t.Fatal(err)
		}
		var got struct {
			Error apiErrorBody `json:"error"`
		}
		b, _ := io.ReadAll(resp.Body)
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("%s: %s", tc.name, b)
		}
		if resp.StatusCode != tc.wantStatus || got.Error.Code != tc.wantCode {
			t.Errorf("%s: %d %q; want %d %q", tc.name, resp.StatusCode, got.Error.Code, tc.wantStatus, tc.wantCode)
		}
		if tc.wantStatus == 500 && strings.Contains(string(b), "disk on fire") {
			t.Errorf("a server fault reveals its cause: %s", b)
		}
		if tc.name == "validation" && (len(got.Error.Fields) != 1 || got.Error.Fields[0].Field != "name" || got.Error.Fields[0].Message != "Sai") {
			t.Errorf("validation fields = %+v", got.Error.Fields)
		}
	}
}

// TestAPI_ResultsGolden keeps the exact answers of a period's results and
// of one unit's (the contract dashboards code against) in golden files.
func TestAPI_ResultsGolden(t *testing.T) {
	s, fx := resultsServer(t)
	tok := fx.token(t, "viewer")
	for _, tc := range []struct{ path, lang, golden string }{
		{"/api/v1/periods/RES-2025/results", "vi", "api_results_vi.golden.json"},
		{"/api/v1/periods/RES-2025/units/H-A/results", "en", "api_unit_results_en.golden.json"},
	} {
		r := callAPI(t, s, "GET", tc.path, tok, "", func(r *http.Request) { r.Header.Set("Accept-Language", tc.lang) })
		if r.status != 200 {
			t.Fatalf("%s: %d", tc.path, r.status)
		}
		var pretty bytes.Buffer
		if err := json.Indent(&pretty, []byte(r.body), "", "  "); err != nil {
			t.Fatal(err)
		}
		pretty.WriteByte('\n')
		checkGolden(t, tc.golden, pretty.Bytes())
	}
}

func TestAPI_EarlierSnapshot(t *testing.T) {
	s, fx := newFixtureServer(t)
	ctx := context.Background()
	first, second := testResults()
	second.Units = append(second.Units[:0:0], first.Units...)
	second.Units[0].Points, second.Units[0].Rank = 999.99, 1
	p := fx.publish(t, "LAI-2025", 2025, true, first)
	// Re-opened and published again: a second snapshot, the first kept.
	p, err := fx.store.SetPeriodStatus(ctx, assessment.SystemActor, p.ID, p.Version, assessment.PeriodClosed, "sửa số liệu", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fx.store.PublishPeriod(ctx, assessment.SystemActor, p.ID, p.Version, &assessment.Snapshot{Reason: "sửa số liệu",
		IndexHash: fx.ix.Hash, Results: assessment.SnapshotResults{Self: *second, Appraised: *second, Final: *second}}); err != nil {
		t.Fatal(err)
	}
	tok := fx.token(t, "viewer")
	totalOf := func(r apiResp) any {
		if u, ok := r.json["unit"].(map[string]any); ok {
			return u["total"]
		}
		return r.json["units"].([]any)[0].(map[string]any)["total"]
	}
	tests := []struct {
		query     string
		want      int
		snapshot  float64
		total     float64
		errorCode string
	}{
		{"", 200, 2, 999.99, ""},
		{"?snapshot=2", 200, 2, 999.99, ""},
		{"?snapshot=1", 200, 1, 731.61, ""},
		{"?snapshot=3", 404, 0, 0, "not_found"},
		{"?snapshot=0", 422, 0, 0, "invalid"},
		{"?snapshot=abc", 422, 0, 0, "invalid"},
	}
	for _, base := range []string{"/api/v1/periods/LAI-2025/results", "/api/v1/periods/LAI-2025/units/SO-TC/results"} {
		for _, tc := range tests {
			r := callAPI(t, s, "GET", base+tc.query, tok, "")
			if r.status != tc.want || r.errCode() != tc.errorCode {
				t.Errorf("GET %s%s: %d %q; want %d %q", base, tc.query, r.status, r.errCode(), tc.want, tc.errorCode)
				continue
			}
			if tc.want == 200 && (apiNum(r.json["snapshot"]) != tc.snapshot || apiNum(totalOf(r)) != tc.total) {
				t.Errorf("GET %s%s: snapshot %v total %v; want %v and %v", base, tc.query, r.json["snapshot"], totalOf(r), tc.snapshot, tc.total)
			}
		}
	}
	// The period lists both publications, newest first, with the reason.
	r := callAPI(t, s, "GET", "/api/v1/periods/LAI-2025", tok, "")
	snaps, _ := r.json["snapshots"].([]any)
	if len(snaps) != 2 || apiNum(snaps[0].(map[string]any)["number"]) != 2 || snaps[0].(map[string]any)["reason"] != "sửa số liệu" {
		t.Errorf("snapshots = %v", r.json["snapshots"])
	}
}

func TestAPI_PushValues_DryRun(t *testing.T) {
	s, fx := newFixtureServer(t)
	admin := fx.token(t, "admin")
	body := `[{"unit": "SO-TC", "indicator": "NT.02", "input": "meetings", "value": 4},
		{"unit": "SO-YT", "indicator": "NT.02", "input": "meetings", "value": 2}]`
	r := callAPI(t, s, "PUT", "/api/v1/periods/DTI-2025/values?dry_run=true", admin, body)
	if r.status != 200 || r.json["dry_run"] != true || apiNum(r.json["written"]) != 0 || apiNum(r.json["created"]) != 2 {
		t.Fatalf("dry run: %d %s", r.status, r.body)
	}
	if _, err := fx.store.FindSubmission(context.Background(), fx.period.ID, fx.units["SO-TC"].ID); !isNotFound(err) {
		t.Fatalf("a dry run wrote: %v", err)
	}
	// A dry run reports problems as the real push does.
	if r := callAPI(t, s, "PUT", "/api/v1/periods/DTI-2025/values?dry_run=1", admin,
		`[{"unit": "SO-XX", "indicator": "NT.02", "input": "meetings", "value": 4}]`); r.status != 422 {
		t.Errorf("dry run of a bad value: %d; want 422", r.status)
	}
	if r := callAPI(t, s, "PUT", "/api/v1/periods/DTI-2025/values?dry_run=perhaps", admin, body); r.status != 422 || r.errFields()[0]["field"] != "dry_run" {
		t.Errorf("dry_run=perhaps: %d %s; want 422 naming dry_run", r.status, r.body)
	}
	// Then the real push, then a dry run of the same: unchanged.
	if r := callAPI(t, s, "PUT", "/api/v1/periods/DTI-2025/values", admin, body); r.status != 200 || apiNum(r.json["written"]) != 2 {
		t.Fatalf("push: %d %s", r.status, r.body)
	}
	if r := callAPI(t, s, "PUT", "/api/v1/periods/DTI-2025/values?dry_run=true", admin, body); apiNum(r.json["unchanged"]) != 2 {
		t.Errorf("dry run after the push: %s; want 2 unchanged", r.body)
	}
	// The longest note fits the audit log with the token's name.
	long := `{"note": "` + strings.Repeat("ghi chú ", 62) + `", "values": [{"unit": "SO-TC", "indicator": "NT.02", "input": "meetings", "value": 5}]}`
	if r := callAPI(t, s, "PUT", "/api/v1/periods/DTI-2025/values", admin, long); r.status != 200 || apiNum(r.json["written"]) != 1 {
		t.Errorf("push with a 500-character note: %d %s", r.status, r.body)
	}
}

func TestPushReason(t *testing.T) {
	long := strings.Repeat("ê", 500)
	tests := []struct {
		name, token, note, want string
	}{
		{"name and note", "Một cửa", "số liệu quý 4", "API: Một cửa (dti_abcdef…): số liệu quý 4"},
		{"no note", "IOC", "", "API: IOC (dti_abcdef…)"},
		{"control characters", "a\tb\x1bc", "", "API: a b c (dti_abcdef…)"},
		{"too long", "X", long, "API: X (dti_abcdef…): " + strings.Repeat("ê", 500-len([]rune("API: X (dti_abcdef…): "))-1) + "…"},
	}
	for _, tc := range tests {
		got := pushReason(&assessment.APIToken{Name: tc.token, Prefix: "dti_abcdef"}, tc.note)
		if got != tc.want {
			t.Errorf("%s: pushReason = %q; want %q", tc.name, got, tc.want)
		}
		if n := len([]rune(got)); n > maxReasonLen || !assessment.CleanText(got) {
			t.Errorf("%s: %d characters, clean %v", tc.name, n, assessment.CleanText(got))
		}
	}
}
