package web

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestTokens_Browser creates an integration account's token, sees its
// one-time secret, then revokes a token, in a real browser. With
// DTI_SCREENSHOTS set (see newE2E) it photographs each page at desktop
// and phone widths.
func TestTokens_Browser(t *testing.T) {
	s, fx := newFixtureServer(t)
	fx.tokenID(t, "editor.tc")
	e := newE2E(t, s, fx)
	e.as("admin")
	e.open("/account/tokens")
	if got := e.text("h1"); got != "Mã truy cập API" {
		t.Fatalf("heading = %q", got)
	}
	e.shot("tokens-list")

	// An unknown account: the error sits next to its field.
	e.setField("#tk-name", "Bảng điều khiển IOC")
	e.setField("#tk-user", "khong.co")
	e.clickAndLoad(".token-form button[type=submit]")
	if got := e.text("#tk-user-error"); got != "Không có tài khoản khong.co." {
		t.Fatalf("user error = %q", got)
	}
	if got := e.js(`document.querySelector("#tk-name").value`); got != "Bảng điều khiển IOC" {
		t.Errorf("the typed name was lost: %q", got)
	}
	e.shot("tokens-error")

	e.setField("#tk-user", "viewer")
	e.clickAndLoad(".token-form button[type=submit]")
	secret := e.text("#token-secret")
	if !strings.HasPrefix(secret, "dti_") || !strings.Contains(e.text(".notice"), "viewer") {
		t.Fatalf("secret page: %q / %q", secret, e.text(".notice"))
	}
	// The secret fits the phone's width (it wraps instead of overflowing).
	e.shot("tokens-secret")
	e.do(chromedp.EmulateViewport(390, 844))
	if over := e.js(`document.documentElement.scrollWidth > window.innerWidth`); over != "false" {
		t.Error("the secret page scrolls sideways on a phone")
	}
	e.do(chromedp.EmulateViewport(1366, 900))

	e.open("/account/tokens")
	if got := e.js(`document.querySelectorAll("#tokens tbody tr").length`); got != "2" {
		t.Fatalf("%s tokens listed; want 2", got)
	}
	e.clickAndLoad("#tokens tbody tr:last-child form button")
	if got := e.text("#tokens tbody tr:last-child"); !strings.Contains(got, "Thu hồi lúc") {
		t.Errorf("revoked row = %q", got)
	}
	e.shot("tokens-revoked")
}
