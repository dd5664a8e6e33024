package web

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// e2e drives one browser through the application for an end-to-end test.
type e2e struct {
	t    *testing.T
	ctx  context.Context
	base string
	fx   *fixture
	// shots is the directory screenshots go to; "" takes none.
	shots string
}

// Viewports of the screenshots: a common laptop and a common phone.
var e2eViewports = []struct {
	name          string
	width, height int64
}{
	{"desktop", 1366, 900},
	{"phone", 390, 844},
}

// newE2E starts the server and the browser (see browser). With
// DTI_SCREENSHOTS=1 screenshots go to testdata/screenshots (gitignored);
// another non-empty value names the directory.
func newE2E(t *testing.T, s *Server, fx *fixture) *e2e {
	t.Helper()
	ctx, base := browser(t, s)
	e := &e2e{t: t, ctx: ctx, base: base, fx: fx}
	switch dir := os.Getenv("DTI_SCREENSHOTS"); dir {
	case "":
	case "1":
		e.shots = filepath.Join("testdata", "screenshots")
	default:
		e.shots = dir
	}
	if e.shots != "" {
		if err := os.MkdirAll(e.shots, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	e.do(chromedp.EmulateViewport(e2eViewports[0].width, e2eViewports[0].height))
	// A dialog the test did not expect (the form's "leave this page?"
	// while a save is pending) would block the browser until the test's
	// deadline: dismiss it and fail with its message instead.
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			t.Errorf("unexpected %s dialog on %s: %q", ev.Type, ev.URL, ev.Message)
			chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := cdp.Call(ctx, tg, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
				return err
			}))
		}
	}()
	return e
}

// do runs browser actions, failing the test on an error.
func (e *e2e) do(actions ...chromedp.Action[chromedp.Void]) {
	e.t.Helper()
	if err := chromedp.Do(e.ctx, actions...); err != nil {
		e.t.Fatal(err)
	}
}

// open navigates to a path of the application and waits for the page.
func (e *e2e) open(path string) {
	e.t.Helper()
	e.do(chromedp.Navigate(e.base + path))
	e.wait("the page "+path, `document.readyState === "complete"`)
}

// wait polls a JavaScript condition (see waitJS).
func (e *e2e) wait(what, expr string) {
	e.t.Helper()
	waitJS(e.t, e.ctx, what, expr)
}

// js evaluates an expression and returns its string value.
func (e *e2e) js(expr string) string {
	e.t.Helper()
	v, err := chromedp.Run(e.ctx, chromedp.Evaluate[string]("(function(){ return String("+expr+") })()"))
	if err != nil {
		e.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// text returns the text of the first element matching the CSS selector,
// spaces collapsed, "" when there is none.
func (e *e2e) text(sel string) string {
	e.t.Helper()
	return e.js(`(function(){ var n = document.querySelector(` + strconv.Quote(sel) + `);
		return n ? n.textContent.replace(/\s+/g, " ").trim() : "" })()`)
}

// click clicks the first element matching the CSS selector; confirmation
// dialogs are accepted.
func (e *e2e) click(sel string) {
	e.t.Helper()
	got := e.js(`(function(){ window.confirm = function(){ return true };
		var n = document.querySelector(` + strconv.Quote(sel) + `); if (!n) return "missing"; n.click(); return "ok" })()`)
	if got != "ok" {
		e.t.Fatalf("click %s: no such element on %s", sel, e.js("location.pathname"))
	}
}

// clickAndLoad clicks an element that leaves the page and waits for the
// next page.
func (e *e2e) clickAndLoad(sel string) {
	e.t.Helper()
	e.js(`window.__e2eOld = true`)
	e.click(sel)
	e.wait("the page after clicking "+sel, `!window.__e2eOld && document.readyState === "complete"`)
}

// waitAllSaved waits until the form's script has nothing left to save:
// it keeps unsaved values in localStorage and removes them once the server
// has acknowledged them. Leaving the page earlier would raise the
// browser's "leave this page?" dialog.
func (e *e2e) waitAllSaved() {
	e.t.Helper()
	e.wait("every change saved", `localStorage.getItem("dti-form:" + location.pathname) === null &&
		/^Đã lưu/.test(document.querySelector("[data-save-status]").textContent)`)
}

// setField sets a control's value as a user would (input and change
// events fire), for controls SendKeys cannot type into portably (select,
// date).
func (e *e2e) setField(sel, value string) {
	e.t.Helper()
	got := e.js(`(function(){ var n = document.querySelector(` + strconv.Quote(sel) + `); if (!n) return "missing";
		n.focus(); n.value = ` + strconv.Quote(value) + `;
		n.dispatchEvent(new Event("input", {bubbles: true})); n.dispatchEvent(new Event("change", {bubbles: true})); return "ok" })()`)
	if got != "ok" {
		e.t.Fatalf("set %s: no such element", sel)
	}
}

// as switches the browser to the fixture user's own session (created in
// the store; the sign-in form has its own tests).
func (e *e2e) as(name string) {
	e.t.Helper()
	ck := e.fx.signIn(e.t, name)
	e.do(chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, network.SetCookie, network.SetCookieParams{
			Name: ck.Name, Value: ck.Value, URL: e.base + "/", HTTPOnly: new(true), SameSite: network.CookieSameSiteLax,
		})
		return err
	}))
}

// signOut forgets every cookie: the browser is a visitor's.
func (e *e2e) signOut() {
	e.t.Helper()
	e.do(chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, network.ClearBrowserCookies, cdp.Empty{})
		return err
	}))
}

// shot saves a full-page screenshot at each viewport when screenshots are
// on; name is the step, e.g. "03-submit-refused". The viewport is made as
// tall as the page, so sticky parts (the form's contents and save bar)
// sit where a reader scrolling through would meet them, and the picture
// is exactly the viewport's width (a wide table inside its scroll box
// does not widen it).
func (e *e2e) shot(name string) {
	e.t.Helper()
	if e.shots == "" {
		return
	}
	e.js(`(document.activeElement && document.activeElement.blur(), window.scrollTo(0, 0))`)
	for _, vp := range e2eViewports {
		e.do(chromedp.EmulateViewport(vp.width, vp.height))
		h, err := strconv.ParseInt(e.js(`document.documentElement.scrollHeight`), 10, 64)
		if err != nil {
			e.t.Fatal(err)
		}
		e.do(chromedp.EmulateViewport(vp.width, max(h, vp.height)))
		png, err := chromedp.Run(e.ctx, chromedp.CaptureScreenshot())
		if err != nil {
			e.t.Fatalf("screenshot %s: %v", name, err)
		}
		path := filepath.Join(e.shots, fmt.Sprintf("e2e-%s-%s.png", name, vp.name))
		if err := os.WriteFile(path, png, 0o644); err != nil {
			e.t.Fatal(err)
		}
	}
	e.do(chromedp.EmulateViewport(e2eViewports[0].width, e2eViewports[0].height))
}

// viNum formats x with d decimals the Vietnamese way (decimal comma,
// thousands dots), written here independently of the application's
// formatter.
func viNum(x float64, d int) string {
	s := strconv.FormatFloat(x, 'f', d, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	out := b.String()
	if frac != "" {
		out += "," + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}
