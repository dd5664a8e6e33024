package web

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/dti-platform/dti/assessment"
)

// TestBrowser_AdminScreenshots renders the admin pages in Chromium at
// desktop and phone widths and writes full-page screenshots into the
// directory named by DTI_SCREENSHOTS, for people to look at. Skipped
// without it.
func TestBrowser_AdminScreenshots(t *testing.T) {
	dir := os.Getenv("DTI_SCREENSHOTS")
	if dir == "" {
		t.Skip("set DTI_SCREENSHOTS to a directory to take screenshots of the admin pages")
	}
	s, fx := newFixtureServer(t)
	fx.addDistrictAdmin(t)
	t.Cleanup(func() { s.imports.close() })
	now := fx.now
	bad := &stashed{Kind: "units", UserID: fx.users["admin"].ID, Name: "don-vi.csv"}
	if err := s.imports.put(now, bad, []byte("code,name_vi,type,parent_code\nSO-MOI,Sở Mới,department,\nbad code!,Sở Lỗi,department,\nX-B1,Xã B1,planet,NOPE\n")); err != nil {
		t.Fatal(err)
	}
	good := &stashed{Kind: "units", UserID: fx.users["admin"].ID, Name: "don-vi.csv"}
	if err := s.imports.put(now, good, []byte("code,name_vi,name_en,type,parent_code\nSO-MOI,Sở Mới,New department,department,\nX-B1,Xã B1,Commune B1,district,H-A\nSO-TC,Sở Tài chính mới,Finance,department,\n")); err != nil {
		t.Fatal(err)
	}
	idx := &stashed{Kind: stashIndex, UserID: fx.users["admin"].ID, Name: "v2.yaml", PeriodID: fx.period.ID}
	if err := s.imports.put(now, idx, newIndexVersion(t)); err != nil {
		t.Fatal(err)
	}
	// A stored value the new index version no longer accepts, for the
	// migration report.
	n := 2000.0
	sub, err := fx.store.EnsureSubmission(context.Background(), assessment.SystemActor, fx.period.ID, fx.units["SO-TC"].ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fx.store.SaveValues(context.Background(), fx.users["editor.tc"].Actor(), assessment.ValueSave{
		SubmissionID: sub.ID, Version: sub.Version,
		Changes: []assessment.ValueChange{{Indicator: "NT.03", Input: "budget", Text: "2000", Num: &n}},
	}); err != nil {
		t.Fatal(err)
	}
	ctx, base := browser(t, s)
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(chromedp.CSS("#username"), "admin"),
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
		chromedp.Submit(chromedp.CSS("#password"))); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "signed in", `location.pathname !== "/login"`)
	pages := map[string]string{
		"units":          "/admin/units",
		"unit-edit":      "/admin/units/SO-TC",
		"unit-errors":    "/admin/units/new",
		"users":          "/admin/users",
		"user-edit":      "/admin/users/" + jsonNum(fx.users["admin.ha"].ID),
		"import-upload":  "/admin/imports/values",
		"import-issues":  "/admin/imports/units/" + bad.ID,
		"import-preview": "/admin/imports/units/" + good.ID,
		"audit":          "/admin/audit",
		"migrate":        "/admin/periods/DTI-2025/migrate/" + idx.ID,
		"periods":        "/admin/periods",
	}
	for _, w := range []struct {
		name   string
		width  int64
		height int64
	}{{"desktop", 1280, 900}, {"phone", 390, 844}} {
		for name, path := range pages {
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(w.width, w.height), chromedp.Navigate(base+path)); err != nil {
				t.Fatal(err)
			}
			if name == "unit-errors" {
				// Submit the empty form to show the field errors.
				if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.querySelectorAll("[required]").forEach(e => e.removeAttribute("required")); document.querySelector("main form.stack").submit()`)); err != nil {
					t.Fatal(err)
				}
				waitJS(t, ctx, "the errors", `!!document.querySelector(".field-error")`)
			}
			if err := shoot(ctx, filepath.Join(dir, "admin-"+name+"-"+w.name+".png")); err != nil {
				t.Fatal(err)
			}
			body, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.innerText`))
			if strings.Contains(body, "500") && strings.Contains(body, "Lỗi máy chủ") {
				t.Errorf("%s: server error page", name)
			}
		}
	}
	// A few pages in English: the signed-in admin saves English as the
	// account's language once.
	for i, name := range []string{"users", "import-preview", "audit"} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(base+pages[name])); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`form[data-lang-pref] button[value="en"]`))); err != nil {
				t.Fatal(err)
			}
			waitJS(t, ctx, "the English page", `document.documentElement.lang === "en"`)
		}
		if err := shoot(ctx, filepath.Join(dir, "admin-"+name+"-en.png")); err != nil {
			t.Fatal(err)
		}
	}
}

// shoot writes a full-page screenshot of the current page to file.
func shoot(ctx context.Context, file string) error {
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		return err
	}
	return os.WriteFile(file, png, 0o644)
}
