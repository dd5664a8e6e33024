package web

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowser_TemplateImport drives the import in Chromium: the unit's
// editor uploads a filled template from the form page, reads the preview
// and saves every change at once; the form then shows the values.
func TestBrowser_TemplateImport(t *testing.T) {
	s, fx := newFixtureServer(t)
	ctx, base := browser(t, s)
	// The template as the editor downloads it, filled in.
	f := downloadTemplate(t, s, fx, tcForm, "editor.tc")
	setTemplateValue(t, f, "NT.02", "meetings", 6)
	setTemplateValue(t, f, "NT.04", "chair", "Người đứng đầu")
	file := filepath.Join(t.TempDir(), "mẫu.xlsx")
	if err := os.WriteFile(file, workbookBytes(t, f), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/login?next="+tcForm),
		chromedp.SendKeys(chromedp.CSS("#username"), "editor.tc"),
		chromedp.SendKeys(chromedp.CSS("#password"), testPassword),
		chromedp.Submit(chromedp.CSS("#password"))); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the form page", `!!document.querySelector("a[href$='/form/import']")`)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("a[href$='/form/import']"))); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the upload form", `!!document.querySelector("#tmpl-file")`)
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.CSS("#tmpl-file"), []string{file}),
		chromedp.Submit(chromedp.CSS("#tmpl-file"))); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the preview of two changes", `document.querySelectorAll("form[action$='/import/apply'] input[name^='v|']").length === 2`)
	if dir := os.Getenv("DTI_SCREENSHOTS"); dir != "" {
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "import-preview.png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if got := fx.values(t, "SO-TC")["NT.02/meetings"]; got != "" {
		t.Fatalf("the preview stored NT.02 = %q", got)
	}
	if err := chromedp.Do(ctx, chromedp.Submit(chromedp.CSS("form[action$='/import/apply'] button"))); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "the form with the imported values", `document.querySelector("#in-NT_02-meetings") && document.querySelector("#in-NT_02-meetings").value === "6"`)
	got := fx.values(t, "SO-TC")
	if got["NT.02/meetings"] != "6" || got["NT.04/chair"] != "head" {
		t.Errorf("stored values = %v", got)
	}
}
