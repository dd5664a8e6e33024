package web

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/dti-platform/dti/assessment"
)

// TestBrowser_PhoneHeader: on a 390-px phone the signed-in header keeps
// the user menu on one row (a long name is cut, the account actions sit
// in a disclosure menu that opens without scripts); on a desktop the
// actions are reachable the same way. DTI_SCREENSHOTS=dir also saves
// screenshots.
func TestBrowser_PhoneHeader(t *testing.T) {
	s, fx := newFixtureServer(t)
	long := "Nguyễn Thị Phương Thảo Quản trị hệ thống tỉnh"
	if _, err := fx.store.UpdateUser(t.Context(), assessment.SystemActor, fx.users["admin"].ID, assessment.UserUpdate{FullName: &long}); err != nil {
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
	dir := os.Getenv("DTI_SCREENSHOTS")
	for _, w := range []struct {
		name          string
		width, height int64
	}{{"phone", 390, 844}, {"desktop", 1280, 900}} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(w.width, w.height), chromedp.Navigate(base+"/admin/periods")); err != nil {
			t.Fatal(err)
		}
		// One row: the menu is no taller than one line of buttons, and it
		// does not overflow the screen.
		h, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`document.querySelector(".usermenu").getBoundingClientRect().height`))
		if err != nil {
			t.Fatal(err)
		}
		if h > 48 {
			t.Errorf("%s: the user menu is %.0f px tall; want one row", w.name, h)
		}
		over, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
		if err != nil {
			t.Fatal(err)
		}
		if over {
			t.Errorf("%s: the page scrolls sideways", w.name)
		}
		if dir != "" {
			if err := shoot(ctx, filepath.Join(dir, "header-"+w.name+".png")); err != nil {
				t.Fatal(err)
			}
		}
		// The period settings page (its form) fits the screen too.
		if err := chromedp.Do(ctx, chromedp.Navigate(base+"/admin/periods/DTI-2025/edit")); err != nil {
			t.Fatal(err)
		}
		if over, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`)); over {
			t.Errorf("%s: the period settings page scrolls sideways", w.name)
		}
		if dir != "" {
			if err := shoot(ctx, filepath.Join(dir, "period-edit-"+w.name+".png")); err != nil {
				t.Fatal(err)
			}
		}
		// The actions open from the name, without scripts.
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".usermenu summary"))); err != nil {
			t.Fatal(err)
		}
		waitJS(t, ctx, "the open menu", `document.querySelector(".usermenu-panel a[href='/account/tokens']").getBoundingClientRect().height > 0`)
		if dir != "" {
			if err := shoot(ctx, filepath.Join(dir, "header-"+w.name+"-open.png")); err != nil {
				t.Fatal(err)
			}
		}
	}
	// The menu's sign-out works.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".usermenu form[action='/logout'] button"))); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "signed out", `!document.querySelector("form[action='/logout']")`)
}

// TestBrowser_SmallBlockChart: a block of one unit draws a short ranking
// chart, not one bar in a tall empty frame.
func TestBrowser_SmallBlockChart(t *testing.T) {
	s, fx := newFixtureServer(t)
	cur, _ := testResults()
	fx.publish(t, "DTI-2024", 2024, true, cur)
	ctx, base := browser(t, s)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(base+"/results/DTI-2024")); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the charts", `document.querySelectorAll(".chart[data-chart-ready]").length === 2`)
	heights, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`Array.from(document.querySelectorAll(".chart")).map(e => e.getBoundingClientRect().height)`))
	if err != nil {
		t.Fatal(err)
	}
	// The blocks: three departments, then one district.
	if len(heights) != 2 || heights[0] != 120+26*3 || heights[1] != 160 {
		t.Errorf("chart heights = %v; want [198 160]", heights)
	}
	if dir := os.Getenv("DTI_SCREENSHOTS"); dir != "" {
		if err := shoot(ctx, filepath.Join(dir, "ranking-small-blocks.png")); err != nil {
			t.Fatal(err)
		}
	}
}
