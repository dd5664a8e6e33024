package web

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowser_AdminCreatesAccount drives the onboarding of an account in
// Chromium: the admin fills the form with a grant, reads the one-time
// password, and the new user signs in with it and is kept on the password
// page until choosing its own.
func TestBrowser_AdminCreatesAccount(t *testing.T) {
	s, fx := newFixtureServer(t)
	ctx, base := browser(t, s)
	do := func(actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatal(err)
		}
	}
	do(chromedp.Navigate(base+"/login?next=/admin/users/new"),
		chromedp.SendKeys(chromedp.CSS("#username"), "admin"),
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
		chromedp.Submit(chromedp.CSS("#password")))
	waitJS(t, ctx, "the new-user form", `!!document.querySelector("#f-username")`)
	do(chromedp.SendKeys(chromedp.CSS("#f-username"), "tran.thi.b"),
		chromedp.SendKeys(chromedp.CSS("#f-full_name"), "Trần Thị B"),
		chromedp.SetValue(chromedp.CSS("#g-role-0"), "unit_editor"),
		chromedp.SetValue(chromedp.CSS("#g-unit-0"), "SO-YT"),
		chromedp.Submit(chromedp.CSS("#f-username")))
	waitJS(t, ctx, "the one-time password", `!!document.querySelector("#one-time-password")`)
	pw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#one-time-password").textContent.trim()`))
	if err != nil || len(pw) < 10 {
		t.Fatalf("one-time password = %q, %v", pw, err)
	}
	u, err := fx.store.FindUserByUsername(context.Background(), "tran.thi.b")
	if err != nil || len(u.Grants) != 1 || u.Grants[0].UnitID != fx.units["SO-YT"].ID {
		t.Fatalf("created user = %+v, %v", u, err)
	}

	// The new user, in a fresh browser session.
	do(chromedp.Evaluate[chromedp.Void](`document.querySelector("form[action='/logout']").submit()`))
	waitJS(t, ctx, "signed out", `!document.querySelector("form[action='/logout']")`)
	do(chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(chromedp.CSS("#username"), "tran.thi.b"),
		chromedp.SendKeys(chromedp.CSS("#password"), pw),
		chromedp.Submit(chromedp.CSS("#password")))
	waitJS(t, ctx, "the forced password change", `location.pathname === "/account/password"`)
	// Any other page leads back to it.
	do(chromedp.Navigate(base + "/periods/DTI-2025/units/SO-YT/form"))
	waitJS(t, ctx, "still the password page", `location.pathname === "/account/password"`)
}
