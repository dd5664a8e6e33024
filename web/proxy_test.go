package web

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// TestLogin_BehindProxy checks that, behind a trusted proxy, sign-in
// attempts are throttled per client address (X-Forwarded-For) and not per
// proxy, and that cookies get the Secure flag on a TLS deployment.
func TestLogin_BehindProxy(t *testing.T) {
	s, _ := newFixtureServer(t, func(c *Config) {
		c.TrustedProxies = []string{"0.0.0.0/0"}
		c.Secure = true
	})
	anon, token := visitorToken(t, s)
	try := func(user, pw, client string) *http.Response {
		req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(url.Values{"_csrf": {token}, "username": {user}, "password": {pw}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", client)
		req.Header.Set("X-Forwarded-Proto", "https")
		req.AddCookie(anon)
		resp, _ := do(t, s, req)
		return resp
	}
	for i := 0; i < loginBurstPerIP; i++ {
		try("guess"+strings.Repeat("x", i%7)+string(rune('a'+i%26)), "x", "203.0.113.7")
	}
	if got := try("editor.tc", testPassword, "203.0.113.7").StatusCode; got != http.StatusTooManyRequests {
		t.Errorf("the guessing client: %d; want 429", got)
	}
	resp := try("editor.tc", testPassword, "198.51.100.2")
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("another client through the same proxy: %d; want 303", resp.StatusCode)
	}
	ck := cookieNamed(resp, cookieSession)
	if ck == nil || !ck.Secure || !ck.HttpOnly {
		t.Errorf("session cookie on a TLS deployment = %+v; want Secure and HttpOnly", ck)
	}
	if got := resp.Header.Get("Strict-Transport-Security"); got == "" {
		t.Error("no HSTS behind a trusted TLS proxy")
	}
}
