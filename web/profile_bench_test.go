package web

import (
	"io"
	"net/http/httptest"
	"testing"
)

// BenchmarkProfilePage renders a unit's public profile (pillars, groups,
// radar, trend, explanations) after the first view has cached its
// explanations.
func BenchmarkProfilePage(b *testing.B) {
	benchPage(b, "/results/RES-2025/units/SO-TC")
}

// BenchmarkChartPage renders the heatmaps of a period, one per block.
func BenchmarkChartPage(b *testing.B) {
	benchPage(b, "/results/RES-2025/charts/heatmap")
}

func benchPage(b *testing.B, path string) {
	s, _ := resultsServer(b)
	app := s.App()
	for b.Loop() {
		resp, err := app.Test(httptest.NewRequest("GET", path, nil), -1)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("GET %s: %d", path, resp.StatusCode)
		}
	}
}
