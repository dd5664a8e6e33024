package web

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowser_ResultPages opens the profile, chart, history and template
// import pages in Chromium at desktop and phone widths and checks that
// every chart draws. With DTI_SCREENSHOTS set to a directory it also
// saves a full-page picture of each, for review.
func TestBrowser_ResultPages(t *testing.T) {
	s, _ := resultsServer(t)
	ctx, base := browser(t, s)
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/login?next=/"),
		chromedp.SendKeys(chromedp.CSS("#username"), "editor.tc"),
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
		chromedp.Submit(chromedp.CSS("#password"))); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the dashboard", `!!document.querySelector("a[href='/units/SO-TC/history']")`)
	pages := []struct{ name, path string }{
		{"profile", "/results/RES-2025/units/SO-YT"},
		{"charts-ranking", "/results/RES-2025/charts/ranking"},
		{"charts-heatmap", "/results/RES-2025/charts/heatmap"},
		{"charts-distribution", "/results/RES-2025/charts/distribution"},
		{"history", "/units/SO-TC/history"},
		{"import", "/periods/DTI-2025/units/SO-TC/form/import"},
		{"form", "/periods/DTI-2025/units/SO-TC/form"},
	}
	dir := os.Getenv("DTI_SCREENSHOTS")
	for _, width := range []int64{1280, 390} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 900)); err != nil {
			t.Fatal(err)
		}
		for _, p := range pages {
			if err := chromedp.Do(ctx, chromedp.Navigate(base+p.path)); err != nil {
				t.Fatal(err)
			}
			waitJS(t, ctx, p.name+" charts drawn",
				`Array.from(document.querySelectorAll("div.chart")).every(function(d){return d.querySelector("canvas, svg")})`)
			if dir == "" {
				continue
			}
			png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatal(err)
			}
			name := filepath.Join(dir, p.name+"-"+map[int64]string{1280: "desktop", 390: "phone"}[width]+".png")
			if err := os.WriteFile(name, png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
