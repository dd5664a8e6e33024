package reports

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// chartChromium is where Debian's chromium package puts the browser.
const chartChromium = "/usr/bin/chromium"

// chartBrowser starts a headless Chromium for one test and returns its tab
// context and a function returning the console errors and exceptions seen
// so far. It skips the test when Chromium is not installed.
func chartBrowser(t *testing.T) (context.Context, func() []string) {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	if _, err := os.Stat(chartChromium); err != nil {
		t.Skipf("browser test skipped: %s not found (apt-get install chromium)", chartChromium)
	}
	options := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chartChromium),
		chromedp.Headless,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1000, 800),
	}
	if os.Geteuid() == 0 {
		options = append(options, chromedp.NoSandbox)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, options...)
	tabCtx, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
		cancel()
	})

	// Readers who ask for reduced motion get charts without animation
	// (chart-init.js): the charts draw at once, and the test need not wait.
	reduceMotion := func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}},
		})
		return chromedp.Void{}, err
	}
	if err := chromedp.Do(tabCtx, reduceMotion); err != nil {
		t.Fatalf("start %s: %v", chartChromium, err)
	}

	var mu sync.Mutex
	var problems []string
	messages := chromedp.Console(tabCtx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.IsException() || m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleWarning {
				mu.Lock()
				problems = append(problems, m.String())
				mu.Unlock()
			}
		}
	}()
	return tabCtx, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), problems...)
	}
}

// chartPageState is what the browser reports about the charts of a page.
type chartPageState struct {
	Ready   int    `json:"ready"`   // charts drawn by chart-init.js
	Errors  int    `json:"errors"`  // charts that failed
	Canvas  int    `json:"canvas"`  // canvases with a drawing on them
	XSS     string `json:"xss"`     // set if a hostile name ran
	Tooltip string `json:"tooltip"` // text of the first chart's tooltip
	Images  int    `json:"images"`  // <img> elements anywhere (tooltips included)
}

// chartInspect waits until every chart of the page is drawn (or failed),
// shows the first chart's tooltip for its first data item, and reports.
const chartInspect = `(async () => {
  const want = document.querySelectorAll('[data-chart-id]').length;
  for (let i = 0; i < 600; i++) { // up to 15 s on a busy machine
    if (document.querySelectorAll('[data-chart-ready], [data-chart-error]').length === want) break;
    await new Promise(r => setTimeout(r, 25));
  }
  await new Promise(r => requestAnimationFrame(() => setTimeout(r, 50)));
  let canvas = 0;
  for (const c of document.querySelectorAll('[data-chart-id] canvas')) {
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let ink = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] > 0 && (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200)) ink++;
    }
    if (ink > 500) canvas++;
  }
  let tooltip = '';
  const first = document.querySelector('[data-chart-ready]');
  if (first) {
    const chart = echarts.getInstanceByDom(first);
    const series = chart.getOption().series;
    let s = 0, d = 0;
    search: for (; s < series.length; s++) {
      for (d = 0; d < series[s].data.length; d++) {
        const item = series[s].data[d];
        const v = item !== null && typeof item === 'object' && !Array.isArray(item) ? item.value : item;
        if (v !== '-' && !(Array.isArray(v) && v[2] === '-')) break search;
      }
    }
    chart.dispatchAction({type: 'showTip', seriesIndex: s, dataIndex: d});
    await new Promise(r => setTimeout(r, 30));
    // Tooltips are canvas text: report what the installed formatter
    // makes of a value instead.
    const t = chart.getOption().tooltip[0];
    tooltip = t.renderMode + ' ' + t.valueFormatter(0.8735) + ' ' + t.valueFormatter(1234.5) +
      (chart.getOption().animation === false ? ' still' : ' animated');
  }
  return {
    ready: document.querySelectorAll('[data-chart-ready]').length,
    errors: document.querySelectorAll('[data-chart-error]').length,
    canvas: canvas,
    xss: String(window.__xss || ''),
    tooltip: tooltip,
    images: document.querySelectorAll('img').length,
  };
})()`

func chartVisit(t *testing.T, ctx context.Context, url string) chartPageState {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("navigate %s: %v", url, err)
	}
	st, err := chromedp.Run(ctx, chromedp.Evaluate[chartPageState](chartInspect, chromedp.EvalAsValue, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("inspect %s: %v", url, err)
	}
	return st
}

// TestWriteChartHTML_Browser opens standalone chart files from disk in
// Chromium: every kind of chart must draw on its canvas with no network,
// no console error, and hostile unit names must stay text.
func TestWriteChartHTML_Browser(t *testing.T) {
	ctx, problems := chartBrowser(t)
	dir := t.TempDir()
	hostile := `</script><script>window.__xss='script'</script><img src=x onerror="window.__xss='img'">__f__window.__xss='f'__f__`

	var all []*Chart
	for _, f := range chartFixtures {
		c, err := f.build()
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, c)
	}
	all = append(all, chartHostileCharts(t, hostile)...)
	for i, c := range all {
		path := filepath.Join(dir, fmt.Sprintf("%02d-%s.html", i, c.ID))
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := WriteChartHTML(f, c, ""); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		st := chartVisit(t, ctx, "file://"+path)
		if st.Ready != 1 || st.Errors != 0 || st.Canvas < 1 {
			t.Errorf("%s: ready %d, errors %d, drawn canvases %d; want 1, 0, ≥1", c.ID, st.Ready, st.Errors, st.Canvas)
		}
		if st.XSS != "" || st.Images != 0 {
			t.Errorf("%s: hostile name ran (xss %q, %d <img> elements)", c.ID, st.XSS, st.Images)
		}
		want := "richText 0,8735 1.234,5 still"
		if c.Lang == ChartLangEN {
			want = "richText 0.8735 1,234.5 still"
		}
		if st.Tooltip != want {
			t.Errorf("%s: tooltip mode and number format %q; want %q", c.ID, st.Tooltip, want)
		}
	}
	if p := problems(); len(p) > 0 {
		t.Errorf("console errors:\n%s", strings.Join(p, "\n"))
	}

	// Defence in depth: the file's policy lets only its own three scripts
	// run, so a script that got into the file some other way does not.
	var page strings.Builder
	if err := WriteChartHTML(&page, all[0], ""); err != nil {
		t.Fatal(err)
	}
	i := strings.LastIndex(page.String(), "</body>")
	injected := page.String()[:i] +
		"<script>window.__xss='inline'</script><img src=x onerror=\"window.__xss='img'\">" + page.String()[i:]
	path := filepath.Join(dir, "injected.html")
	if err := os.WriteFile(path, []byte(injected), 0o644); err != nil {
		t.Fatal(err)
	}
	st := chartVisit(t, ctx, "file://"+path)
	if st.Ready != 1 || st.XSS != "" {
		t.Errorf("injected file: ready %d, xss %q; want the chart drawn and the injected script blocked", st.Ready, st.XSS)
	}
	// The blocked script shows as a policy violation, as it should.
	if p := problems(); len(p) == 0 || !strings.Contains(strings.Join(p, "\n"), "Content Security Policy") {
		t.Errorf("injected file: no policy violation reported: %q", p)
	}
}

// TestChartEmbed_BrowserStrictCSP serves a page with two embedded charts
// and the chart scripts as files under a strict Content-Security-Policy (no
// inline script, no eval): both charts must draw with no violation.
func TestChartEmbed_BrowserStrictCSP(t *testing.T) {
	ctx, problems := chartBrowser(t)
	hostile := `"><img src=x onerror="window.__xss=1">`
	ranking, err := RankingChart(chartFixtureRanking())
	if err != nil {
		t.Fatal(err)
	}
	radar := chartFixtureRadar()
	radar.Series[0].Name = hostile
	radarChart, err := RadarChart(radar)
	if err != nil {
		t.Fatal(err)
	}
	var embeds []template.HTML
	for _, c := range []*Chart{ranking, radarChart} {
		e, err := ChartEmbed(c)
		if err != nil {
			t.Fatal(err)
		}
		embeds = append(embeds, e)
	}
	page := template.Must(template.New("p").Parse(`<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>t</title></head><body>
{{range .Embeds}}{{.}}{{end}}
{{range .Assets}}<script src="/static/{{.VersionedName}}"></script>
{{end}}</body></html>`))

	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy",
			"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'")
		if name, ok := strings.CutPrefix(r.URL.Path, "/static/"); ok {
			for _, a := range ChartAssets() {
				if a.VersionedName() == name {
					w.Header().Set("Content-Type", a.ContentType)
					w.Write(a.Body)
					return
				}
			}
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if err := page.Execute(w, map[string]any{"Embeds": embeds, "Assets": ChartAssets()}); err != nil {
			t.Error(err)
		}
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	st := chartVisit(t, ctx, srv.URL+"/")
	if st.Ready != 2 || st.Errors != 0 || st.Canvas < 2 {
		t.Errorf("ready %d, errors %d, drawn canvases %d; want 2, 0, ≥2", st.Ready, st.Errors, st.Canvas)
	}
	if st.XSS != "" || st.Images != 0 {
		t.Errorf("hostile name ran (xss %q, %d <img> elements)", st.XSS, st.Images)
	}
	if p := problems(); len(p) > 0 {
		t.Errorf("console errors (CSP violations show here):\n%s", strings.Join(p, "\n"))
	}
}
