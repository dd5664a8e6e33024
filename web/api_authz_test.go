package web

import (
	"strings"
	"testing"
)

// TestAuthorizationMatrix_API calls every API route with a token of every
// role, including the editor of another unit, and without a token.
// Results: RES-2025 is public, NOIBO-2025 private (resultsServer); values:
// the open DTI-2025.
func TestAuthorizationMatrix_API(t *testing.T) {
	s, fx := resultsServer(t)
	roles := []string{"none", "admin", "reviewer", "viewer", "editor.tc", "approver.tc", "editor.yt", "approver.yt"}
	tokens := map[string]string{}
	for _, r := range roles[1:] {
		tokens[r] = fx.token(t, r)
	}
	all := func(v int, except map[string]int) map[string]int {
		m := map[string]int{"none": 401}
		for _, r := range roles[1:] {
			m[r] = v
		}
		for k, e := range except {
			m[k] = e
		}
		return m
	}
	push := `[{"unit": "SO-YT", "indicator": "NT.02", "input": "meetings", "value": 2}]`
	routes := []struct {
		method, path, body string
		want               map[string]int
	}{
		{"GET", "/api/v1/openapi.json", "", all(200, map[string]int{"none": 200})},
		{"GET", "/api/v1/periods", "", all(200, nil)},
		{"GET", "/api/v1/periods/DTI-2025", "", all(200, nil)},
		{"GET", "/api/v1/units", "", all(200, nil)},
		{"GET", "/api/v1/periods/RES-2025/results", "", all(200, nil)},
		{"GET", "/api/v1/periods/NOIBO-2025/results", "", all(200, nil)},
		{"GET", "/api/v1/periods/RES-2025/units/SO-TC/results", "", all(200, nil)},
		{"GET", "/api/v1/periods/NOIBO-2025/units/SO-TC/results", "", all(200, map[string]int{"editor.yt": 403, "approver.yt": 403})},
		{"GET", "/api/v1/periods/DTI-2025/units/SO-TC/values", "",
			all(403, map[string]int{"none": 401, "admin": 200, "editor.tc": 200, "approver.tc": 200})},
		{"GET", "/api/v1/periods/DTI-2025/units/SO-YT/values", "",
			all(403, map[string]int{"none": 401, "admin": 200, "editor.yt": 200, "approver.yt": 200})},
		{"PUT", "/api/v1/periods/DTI-2025/values", push, all(403, map[string]int{"none": 401, "admin": 200})},
		{"POST", "/api/v1/periods/DTI-2025/values", push, all(403, map[string]int{"none": 401, "admin": 200})},
	}
	for _, rt := range routes {
		for _, role := range roles {
			r := callAPI(t, s, rt.method, rt.path, tokens[role], rt.body)
			if want := rt.want[role]; r.status != want {
				t.Errorf("%s %s as %s: %d; want %d\n%.300s", rt.method, rt.path, role, r.status, want, r.body)
			}
		}
	}
}

// TestAuthorizationMatrix_APIDistrictAdmin checks a district admin's
// token: the values of units in its subtree, nothing else, and no push
// (central values are the province's).
func TestAuthorizationMatrix_APIDistrictAdmin(t *testing.T) {
	s, fx := newFixtureServer(t)
	fx.addDistrictAdmin(t)
	tok := fx.token(t, "admin.ha")
	for _, tc := range []struct {
		method, path, body string
		want               int
	}{
		{"GET", "/api/v1/periods/DTI-2025/units/X-A1/values", "", 200},
		{"GET", "/api/v1/periods/DTI-2025/units/H-A/values", "", 200},
		{"GET", "/api/v1/periods/DTI-2025/units/SO-TC/values", "", 403},
		{"PUT", "/api/v1/periods/DTI-2025/values", `[{"unit": "X-A1", "indicator": "NT.08", "input": "communes", "value": 2}]`, 403},
	} {
		if r := callAPI(t, s, tc.method, tc.path, tok, tc.body); r.status != tc.want {
			t.Errorf("%s %s as admin.ha: %d; want %d", tc.method, tc.path, r.status, tc.want)
		}
	}
	// The token page shows a district admin only its own tokens.
	_, body := get(t, s, "/account/tokens", fx.signIn(t, "admin.ha"))
	if rows := tokenRows(t, body); len(rows) != 1 || strings.Contains(body, `name="user"`) {
		t.Errorf("district admin's token page: rows %q", rows)
	}
}
