package web

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowser_Appraisal opens the queue, the appraisal page (with a
// refused decision) and a resubmitted form's changes in Chromium at
// desktop and phone widths. With DTI_SCREENSHOTS set to a directory it
// saves a full-page picture of each, for review.
func TestBrowser_Appraisal(t *testing.T) {
	s, fx := newFixtureServer(t)
	fillAndSubmit(t, s, fx)
	submitYT(t, s, fx)
	rv := fx.signIn(t, "reviewer")
	post := func(path string, f url.Values) {
		t.Helper()
		f.Set("_csrf", "csrf-reviewer")
		if resp, _ := postForm(t, s, path, f, rv); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("POST %s %v: %d", path, f, resp.StatusCode)
		}
	}
	post(tcReview, url.Values{"indicator": {"NT.02"}, "decision": {"adjust_score"}, "points": {"2,5"}, "reason": {"Biên bản chỉ có 1 cuộc họp đủ thành phần"}})
	post(tcReview, url.Values{"indicator": {"NT.01"}, "decision": {"request_evidence"}, "comment": {"Gửi bản chụp quyết định thành lập Ban chỉ đạo"}})
	post(tcReview, url.Values{"indicator": {"NT.04"}, "decision": {"accept"}})
	// SO-YT: returned with a note, changed and resubmitted.
	post(ytForm+"/review", url.Values{"indicator": {"NT.03"}, "decision": {"request_evidence"}, "comment": {"Số liệu tỷ lệ chưa khớp báo cáo"}})
	post(ytForm+"/return", url.Values{"version": {jsonNum(fx.submission(t, "SO-YT").Version)}, "comment": {"Xem ý kiến từng chỉ số"}})
	ap := fx.signIn(t, "approver.yt")
	if st, out := saveJSON(t, s, ap, "csrf-approver.yt", ytForm+"/values", fx.submission(t, "SO-YT").Version, map[string]any{"v|NT.03|online": "55"}); st != 200 {
		t.Fatalf("save: %d %v", st, out)
	}
	if resp, _ := postForm(t, s, ytForm+"/submit", url.Values{"_csrf": {"csrf-approver.yt"}, "version": {jsonNum(fx.submission(t, "SO-YT").Version)}}, ap); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("resubmit: %d", resp.StatusCode)
	}

	ctx, base := browser(t, s)
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/login?next=/reviews"),
		chromedp.SendKeys(chromedp.CSS("#username"), "reviewer"),
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
		chromedp.Submit(chromedp.CSS("#password"))); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the queue", `!!document.querySelector("#bulk-form")`)
	dir := os.Getenv("DTI_SCREENSHOTS")
	shot := func(name string, width int64) {
		t.Helper()
		if dir == "" {
			return
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+"-"+map[int64]string{1280: "desktop", 390: "phone"}[width]+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// view saves the viewport scrolled to an element: long pages read
	// better in parts than in one full-page picture.
	view := func(name, sel string, width int64) {
		t.Helper()
		if dir == "" {
			return
		}
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector(`+strconv.Quote(sel)+`).scrollIntoView()`)); err != nil {
			t.Fatal(err)
		}
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+"-"+map[int64]string{1280: "desktop", 390: "phone"}[width]+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, width := range []int64{1280, 390} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 900)); err != nil {
			t.Fatal(err)
		}
		for _, p := range []struct{ name, path, ready string }{
			{"appraisal-queue", "/reviews?status=all", `document.querySelectorAll("tr[data-unit-row]").length === 2`},
			{"appraisal-page", tcReview, `!!document.querySelector("article[data-indicator='NT.02'] [data-appraised]")`},
			{"appraisal-changes", ytForm + "/review", `!!document.querySelector("section[aria-labelledby='changes-h']")`},
			{"appraisal-form-notes", tcForm, `!!document.querySelector(".review-note")`},
		} {
			if err := chromedp.Do(ctx, chromedp.Navigate(base+p.path)); err != nil {
				t.Fatal(err)
			}
			waitJS(t, ctx, p.name, p.ready)
			shot(p.name, width)
		}
		if err := chromedp.Do(ctx, chromedp.Navigate(base+tcReview)); err != nil {
			t.Fatal(err)
		}
		waitJS(t, ctx, "the appraisal page", `!!document.querySelector("#ind-NT_01")`)
		view("appraisal-view-top", "body", width)
		view("appraisal-view-nt02", "#ind-NT_02", width)
		view("appraisal-view-nt03", "#ind-NT_03", width)
		if err := chromedp.Do(ctx, chromedp.Navigate(base+ytForm+"/review")); err != nil {
			t.Fatal(err)
		}
		waitJS(t, ctx, "the changed value", `!!document.querySelector("[data-changed-input]")`)
		view("appraisal-view-changed", "#ind-NT_03", width)
		// A refused decision: adjusting points without a reason shows the
		// message next to the reason field.
		if err := chromedp.Do(ctx, chromedp.Navigate(base+tcReview)); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`(function(){
			var a = document.querySelector("article[data-indicator='NT.06']");
			a.querySelector("details").open = true;
			a.querySelector("input[value='adjust_score']").checked = true;
			a.querySelector("input[name='points']").value = "5";
			a.querySelector("form").submit();
		})()`)); err != nil {
			t.Fatal(err)
		}
		waitJS(t, ctx, "the reason error", `!!document.querySelector("#ind-NT_06-reason-error")`)
		view("appraisal-refused", "#ind-NT_06-reason", width)
	}
	// In English: the reviewer saves the account's language.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(base+tcReview)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`form[data-lang-pref] button[value="en"]`))); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the English appraisal page", `document.documentElement.lang === "en" && !!document.querySelector("#ind-NT_02")`)
	view("appraisal-en-nt02", "#ind-NT_02", 1280)
}
