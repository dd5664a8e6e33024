package web

import (
	"strings"
	"testing"
)

func TestChartAssets(t *testing.T) {
	s := newTestServer(t)
	if len(s.chartScripts) != 3 {
		t.Fatalf("chart scripts %v; want echarts, its locale and the init script", s.chartScripts)
	}
	for _, u := range s.chartScripts {
		resp, body := get(t, s, u)
		if resp.StatusCode != 200 || len(body) == 0 {
			t.Errorf("GET %s: %d", u, resp.StatusCode)
		}
		if got := resp.Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
			t.Errorf("GET %s: Cache-Control %q", u, got)
		}
		if got := resp.Header.Get("Content-Type"); !strings.HasPrefix(got, "text/javascript") {
			t.Errorf("GET %s: Content-Type %q", u, got)
		}
		if resp.Header.Get("Content-Security-Policy") == "" {
			t.Errorf("GET %s: no CSP", u)
		}
	}
	if resp, _ := get(t, s, "/static/charts/echarts.min.0000000000000000.js"); resp.StatusCode != 404 {
		t.Errorf("an unknown chart script: %d; want 404", resp.StatusCode)
	}
}
