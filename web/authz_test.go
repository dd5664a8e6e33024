package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestAuthorizationMatrix sends every route that acts on data as every
// role, including the editor of another unit, and checks the status.
// 303 for a visitor's page means "sign in first"; 422 on submit means the
// role may submit but the empty form is incomplete.
func TestAuthorizationMatrix(t *testing.T) {
	s, fx := newFixtureServer(t)
	// The SO-TC draft exists (its editor opened it).
	get(t, s, tcForm, fx.signIn(t, "editor.tc"))
	// An API token of editor.tc, for the token page's revoke route.
	tcToken := fx.tokenID(t, "editor.tc")

	roles := []string{"visitor", "admin", "reviewer", "viewer", "editor.tc", "approver.tc", "editor.yt", "approver.yt"}
	type route struct {
		method, path string
		json         bool
		body         func() string
		want         map[string]int
	}
	saveBody := func() string {
		b, _ := json.Marshal(map[string]any{"version": fx.submission(t, "SO-TC").Version, "values": map[string]any{"v|NT.02|meetings": "2"}})
		return string(b)
	}
	submitBody := func() string {
		return url.Values{"version": {jsonNum(fx.submission(t, "SO-TC").Version)}}.Encode()
	}
	all := func(v int, except map[string]int) map[string]int {
		m := map[string]int{}
		for _, r := range roles {
			m[r] = v
		}
		for k, e := range except {
			m[k] = e
		}
		return m
	}
	routes := []route{
		{"GET", "/", false, nil, all(200, map[string]int{"visitor": 303})},
		{"GET", "/results", false, nil, all(200, nil)},
		{"GET", "/account/password", false, nil, all(200, map[string]int{"visitor": 303})},
		// API tokens: everyone manages their own (an empty name is
		// refused); only the owner and admins revoke. The JSON API ignores
		// session cookies, whoever sends them (token matrix:
		// TestAuthorizationMatrix_API).
		{"GET", "/account/tokens", false, nil, all(200, map[string]int{"visitor": 303})},
		{"POST", "/account/tokens", false, nil, all(422, map[string]int{"visitor": 401})},
		{"POST", "/account/tokens/" + jsonNum(tcToken) + "/revoke", false, nil,
			all(404, map[string]int{"visitor": 401, "admin": 303, "editor.tc": 303})},
		{"GET", "/api/v1/periods", true, nil, all(401, nil)},
		{"PUT", "/api/v1/periods/DTI-2025/values", true, func() string {
			return `[{"unit": "SO-TC", "indicator": "NT.02", "input": "meetings", "value": 9}]`
		}, all(401, nil)},
		{"GET", "/reviews", false, nil, all(403, map[string]int{"visitor": 303, "admin": 200, "reviewer": 200})},
		{"POST", tcForm + "/approve", false, submitBody, all(403, map[string]int{"visitor": 401})},
		{"GET", "/admin/periods", false, nil, all(403, map[string]int{"visitor": 303, "admin": 200})},
		{"GET", tcForm, false, nil, all(403, map[string]int{"visitor": 303, "admin": 200, "editor.tc": 200, "approver.tc": 200})},
		{"GET", tcForm + "/score", true, nil, all(403, map[string]int{"visitor": 401, "admin": 200, "editor.tc": 200, "approver.tc": 200})},
		{"POST", tcForm + "/values", true, saveBody, all(403, map[string]int{"visitor": 401, "editor.tc": 200, "approver.tc": 200})},
		{"POST", tcForm + "/submit", false, submitBody, all(403, map[string]int{"visitor": 401, "admin": 422, "approver.tc": 422})},
		{"GET", "/periods/DTI-2025/units/SO-YT/form", false, nil, all(403, map[string]int{"visitor": 303, "admin": 200, "editor.yt": 200, "approver.yt": 200})},
		{"GET", "/periods/NOPE/units/SO-TC/form", false, nil, all(404, map[string]int{"visitor": 303})},
		{"GET", "/admin/periods/DTI-2025/preview", false, nil, all(403, map[string]int{"visitor": 303, "admin": 200})},
		// The form's Excel template: whoever reads the form downloads it;
		// only who may edit it now imports (results: TestAuthorizationMatrix_Results).
		{"GET", tcForm + "/template.xlsx", false, nil, all(403, map[string]int{"visitor": 303, "admin": 200, "editor.tc": 200, "approver.tc": 200})},
		{"GET", tcForm + "/import", false, nil, all(403, map[string]int{"visitor": 303, "editor.tc": 200, "approver.tc": 200})},
		{"POST", tcForm + "/import", false, nil, all(403, map[string]int{"visitor": 401, "editor.tc": 422, "approver.tc": 422})},
		{"POST", tcForm + "/import/apply", false, func() string { return url.Values{"version": {"0"}, "v|NT.02|meetings": {"7"}}.Encode() },
			all(403, map[string]int{"visitor": 401, "editor.tc": 409, "approver.tc": 409})},
		{"GET", "/admin/periods/DTI-2025/rawdata.csv", false, nil, all(403, map[string]int{"visitor": 303, "admin": 200})},
		// A stale version: allowed roles get 409 and nothing changes.
		{"POST", "/admin/periods/DTI-2025/close", false, func() string { return url.Values{"version": {"0"}}.Encode() },
			all(403, map[string]int{"visitor": 401, "admin": 409})},
		// Period settings: admins only; a stale version is refused.
		{"GET", "/admin/periods/DTI-2025/edit", false, nil, all(403, map[string]int{"visitor": 303, "admin": 200})},
		{"POST", "/admin/periods/DTI-2025/edit", false, func() string { return url.Values{"version": {"0"}, "name": {"DTI"}}.Encode() },
			all(403, map[string]int{"visitor": 401, "admin": 409})},
		// Administration of units, users, imports and the audit log
		// (subtree admins: TestAdminScopeMatrix).
		{"GET", "/admin/units", false, nil, all(403, map[string]int{"visitor": 303, "admin": 200})},
		{"GET", "/admin/units/SO-TC", false, nil, all(403, map[string]int{"visitor": 303, "admin": 200})},
		{"POST", "/admin/units", false, nil, all(403, map[string]int{"visitor": 401, "admin": 422})},
		{"GET", "/admin/users", false, nil, all(403, map[string]int{"visitor": 303, "admin": 200})},
		{"POST", "/admin/users/" + jsonNum(fx.users["editor.yt"].ID) + "/enable", false, nil, all(403, map[string]int{"visitor": 401, "admin": 303})},
		{"GET", "/admin/imports/units", false, nil, all(403, map[string]int{"visitor": 303, "admin": 200})},
		{"GET", "/admin/audit", false, nil, all(403, map[string]int{"visitor": 303, "admin": 200})},
		{"GET", "/admin/audit/export.csv", false, nil, all(403, map[string]int{"visitor": 303, "admin": 200})},
		{"GET", "/admin/units/new", false, nil, all(403, map[string]int{"visitor": 303, "admin": 200})},
		{"GET", "/admin/users/new", false, nil, all(403, map[string]int{"visitor": 303, "admin": 200})},
		{"POST", "/admin/users/" + jsonNum(fx.users["reset.user"].ID) + "/reset-password", false, nil, all(403, map[string]int{"visitor": 401, "admin": 200})},
		{"GET", "/admin/imports/units/sample.csv", false, nil, all(403, map[string]int{"visitor": 303, "admin": 200})},
		{"POST", "/admin/imports/units", false, nil, all(403, map[string]int{"visitor": 401, "admin": 422})},
		{"GET", "/admin/periods/DTI-2025/migrate", false, nil, all(403, map[string]int{"visitor": 303, "admin": 200})},
		{"POST", "/admin/periods/DTI-2025/migrate", false, nil, all(403, map[string]int{"visitor": 401, "admin": 422})},
		// Appraisal of a draft: nobody (a submitted form:
		// TestAuthorizationMatrix_Appraisal); bulk approval with nothing
		// selected; the account's language.
		{"GET", tcForm + "/review", false, nil, all(403, map[string]int{"visitor": 303, "admin": 404})},
		{"POST", tcForm + "/review", false, func() string { return url.Values{"indicator": {"NT.01"}, "decision": {"accept"}}.Encode() },
			all(403, map[string]int{"visitor": 401, "admin": 404})},
		{"POST", "/reviews/approve", false, nil, all(403, map[string]int{"visitor": 401, "admin": 303, "reviewer": 303})},
		{"POST", "/account/lang", false, func() string { return url.Values{"lang": {"vi"}}.Encode() }, all(303, map[string]int{"visitor": 401})},
	}
	cookies := map[string]*http.Cookie{}
	anon, anonToken := visitorToken(t, s)
	for _, r := range roles {
		if r == "visitor" {
			cookies[r] = anon
		} else {
			cookies[r] = fx.signIn(t, r)
		}
	}
	for _, rt := range routes {
		for _, role := range roles {
			t.Run(rt.method+" "+rt.path+" as "+role, func(t *testing.T) {
				var body string
				if rt.body != nil {
					body = rt.body()
				}
				req := httptest.NewRequest(rt.method, rt.path, strings.NewReader(body))
				if rt.json {
					req.Header.Set("Accept", "application/json")
					req.Header.Set("Content-Type", "application/json")
				} else if rt.method == "POST" {
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				}
				token := "csrf-" + role
				if role == "visitor" {
					token = anonToken
				}
				req.Header.Set(csrfHeader, token)
				req.AddCookie(cookies[role])
				resp, got := do(t, s, req)
				if want := rt.want[role]; resp.StatusCode != want {
					t.Errorf("%s %s as %s: %d; want %d\n%.300s", rt.method, rt.path, role, resp.StatusCode, want, got)
				}
			})
		}
	}
	// No other unit's value was written by the refused saves.
	if got := fx.values(t, "SO-TC")["NT.02/meetings"]; got != "2" {
		t.Errorf("NT.02 = %q; want the unit's own save", got)
	}
}

func TestReviewerReadsOnlySubmittedForms(t *testing.T) {
	s, fx := newFixtureServer(t)
	rv := fx.signIn(t, "reviewer")
	get(t, s, tcForm, fx.signIn(t, "editor.tc"))
	if resp, _ := get(t, s, tcForm, rv); resp.StatusCode != 403 {
		t.Errorf("reviewer on a draft: %d; want 403", resp.StatusCode)
	}
	if resp, _ := get(t, s, "/periods/DTI-2025/units/SO-YT/form", rv); resp.StatusCode != 403 {
		t.Errorf("reviewer on a unit without a submission: %d; want 403", resp.StatusCode)
	}
}
