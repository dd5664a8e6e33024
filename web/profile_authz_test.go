package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestAuthorizationMatrix_Results sends every route of the published
// results (profiles, charts, downloads, history) as every role, including
// the users of another unit, for a public and a private period.
func TestAuthorizationMatrix_Results(t *testing.T) {
	s, fx := resultsServer(t)
	roles := []string{"visitor", "admin", "reviewer", "viewer", "editor.tc", "approver.tc", "editor.yt", "approver.yt"}
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
	// Readers of a private period's profile of SO-TC: everyone signed in
	// but the users of another unit.
	private := all(200, map[string]int{"visitor": 404, "editor.yt": 403, "approver.yt": 403})
	scorecard := all(403, map[string]int{"visitor": 303, "admin": 200, "reviewer": 200, "editor.tc": 200, "approver.tc": 200})
	routes := []struct {
		path string
		want map[string]int
	}{
		{"/results/RES-2025/units/SO-TC", all(200, nil)},
		{"/results/NOIBO-2025/units/SO-TC", private},
		{"/results/RES-2025/units/SO-TC/radar.html", all(200, nil)},
		{"/results/NOIBO-2025/units/SO-TC/radar.html", private},
		{"/results/RES-2025/units/SO-TC/trend.html", all(200, nil)},
		{"/results/NOIBO-2025/units/SO-TC/trend.html", private},
		{"/results/RES-2025/units/SO-TC/scorecard.xlsx", scorecard},
		{"/results/NOIBO-2025/units/SO-TC/scorecard.xlsx", scorecard},
		{"/results/RES-2025/charts/ranking", all(200, nil)},
		{"/results/NOIBO-2025/charts/heatmap", all(200, map[string]int{"visitor": 404})},
		{"/results/NOIBO-2025/charts/distribution/download?shape=histogram", all(200, map[string]int{"visitor": 404})},
		{"/units/SO-TC/history", all(200, map[string]int{"visitor": 303, "editor.yt": 403, "approver.yt": 403})},
		{"/admin/periods/NOIBO-2025/rawdata.xlsx", all(403, map[string]int{"visitor": 303, "admin": 200})},
	}
	cookies := map[string]*http.Cookie{}
	for _, r := range roles[1:] {
		cookies[r] = fx.signIn(t, r)
	}
	for _, rt := range routes {
		for _, role := range roles {
			t.Run(rt.path+" as "+role, func(t *testing.T) {
				req := httptest.NewRequest(http.MethodGet, rt.path, nil)
				if c := cookies[role]; c != nil {
					req.AddCookie(c)
				}
				resp, body := do(t, s, req)
				if want := rt.want[role]; resp.StatusCode != want {
					t.Errorf("GET %s as %s: %d; want %d\n%.300s", rt.path, role, resp.StatusCode, want, body)
				}
			})
		}
	}
}
