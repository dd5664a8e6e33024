package web

import (
	"context"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/dti-platform/dti/assessment"
)

// chromium is where Debian's chromium package puts the browser.
const chromium = "/usr/bin/chromium"

// browser starts the server on a loopback port and a headless Chromium;
// the test is skipped without the browser or in -short mode.
func browser(t *testing.T, s *Server) (ctx context.Context, base string) {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	if _, err := os.Stat(chromium); err != nil {
		t.Skipf("browser test skipped: %s not found (apt-get install chromium)", chromium)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Listener(ln)
	t.Cleanup(func() { s.Shutdown(context.Background()) })
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("no-first-run", true))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	return ctx, "http://" + ln.Addr().String()
}

// waitJS polls a JavaScript condition until it is true. Errors while a
// page loads count as false.
func waitJS(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	var lastErr error
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("(function(){try{return !!("+expr+")}catch(e){return false}})()"))
		if err == nil && ok {
			return
		}
		lastErr = err
	}
	t.Fatalf("timed out waiting for %s (%s): %v", what, expr, lastErr)
}

// TestBrowser_AutosaveAndConflict drives the form in Chromium: a typed
// value is saved by the autosave script, a concurrent change shows the
// conflict banner without losing what was typed, and a reload restores the
// unsaved value from the browser's storage.
func TestBrowser_AutosaveAndConflict(t *testing.T) {
	s, fx := newFixtureServer(t)
	ctx, base := browser(t, s)
	do := func(actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			t.Fatal(err)
		}
	}
	do(chromedp.Navigate(base+"/login?next="+tcForm),
		chromedp.SendKeys(chromedp.CSS("#username"), "editor.tc"),
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
		chromedp.Submit(chromedp.CSS("#password")))
	waitJS(t, ctx, "the form page", `!!document.querySelector("form.unit-form[data-save-url]")`)

	// Typing saves on its own.
	do(chromedp.SendKeys(chromedp.CSS("#in-NT_02-meetings"), "4"))
	waitJS(t, ctx, "the saved note", `document.querySelector("[data-save-status]").textContent === "Đã lưu lúc 10:42"`)
	if got := fx.values(t, "SO-TC")["NT.02/meetings"]; got != "4" {
		t.Fatalf("stored NT.02 = %q; want 4", got)
	}
	waitJS(t, ctx, "the live score", `document.querySelector("[data-score]").textContent === "10,00 / 90,00"`)
	waitJS(t, ctx, "the progress", `document.querySelector("[data-progress-text]").textContent === "1/5"`)

	// Someone else saves the form meanwhile.
	sub := fx.submission(t, "SO-TC")
	n := 9.0
	_, err := fx.store.SaveValues(context.Background(), fx.users["approver.tc"].Actor(), assessment.ValueSave{
		SubmissionID: sub.ID, Version: sub.Version,
		Changes: []assessment.ValueChange{{Indicator: "NT.02", Input: "meetings", Text: "9", Num: &n}},
	})
	if err != nil {
		t.Fatal(err)
	}
	do(chromedp.SendKeys(chromedp.CSS("#in-NT_03-budget"), "1234.5"))
	waitJS(t, ctx, "the conflict banner", `!document.querySelector("[data-conflict]").hidden`)
	val, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#in-NT_03-budget").value`))
	if err != nil || val == "" {
		t.Fatalf("the typed budget is gone after the conflict: %q %v", val, err)
	}
	stored, err := chromedp.Run(ctx, chromedp.Evaluate[string](`localStorage.getItem("dti-form:" + location.pathname) || ""`))
	if err != nil || !strings.Contains(stored, "NT.03|budget") {
		t.Fatalf("the unsaved value is not kept in localStorage: %q %v", stored, err)
	}
	if strings.Contains(stored, "NT.02|meetings") {
		t.Errorf("a value the server already has is kept as unsaved: %q", stored)
	}
	if got := fx.values(t, "SO-TC")["NT.02/meetings"]; got != "9" {
		t.Errorf("the other save was overwritten: NT.02 = %q", got)
	}

	// Reloading restores the unsaved value onto the fresh form and saves it.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("[data-reload]").click(), true`)); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the reloaded form", `document.querySelector("#in-NT_02-meetings") && document.querySelector("#in-NT_02-meetings").value === "9"`)
	waitJS(t, ctx, "the restored value", `document.querySelector("#in-NT_03-budget").value !== ""`)
	waitJS(t, ctx, "the restored value saved", `document.querySelector("[data-save-status]").textContent === "Đã lưu lúc 10:42"`)
	if got := fx.values(t, "SO-TC")["NT.03/budget"]; got == "" {
		t.Error("the restored value was not saved")
	}
}
