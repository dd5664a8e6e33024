package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dti-platform/dti/assessment"
)

// visitorToken fetches the sign-in page and returns the anonymous cookie
// and the CSRF token of its form.
func visitorToken(t *testing.T, s *Server) (*http.Cookie, string) {
	t.Helper()
	resp, body := get(t, s, "/login")
	var anon *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == cookieAnon {
			anon = c
		}
	}
	m := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindStringSubmatch(body)
	if anon == nil || m == nil {
		t.Fatalf("sign-in page without anonymous cookie or token")
	}
	return anon, m[1]
}

// postForm posts form fields with the cookies.
func postForm(t *testing.T, s *Server, target string, form url.Values, cookies ...*http.Cookie) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range cookies {
		req.AddCookie(c)
	}
	return do(t, s, req)
}

func cookieNamed(resp *http.Response, name string) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func login(t *testing.T, s *Server, user, password, next string) *http.Response {
	t.Helper()
	anon, token := visitorToken(t, s)
	resp, _ := postForm(t, s, "/login", url.Values{"_csrf": {token}, "username": {user}, "password": {password}, "next": {next}}, anon)
	return resp
}

func TestLogin(t *testing.T) {
	s, fx := newFixtureServer(t)
	resp := login(t, s, "Editor.TC", testPassword, "/periods/DTI-2025/units/SO-TC/form")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/periods/DTI-2025/units/SO-TC/form" {
		t.Fatalf("sign-in: %d to %q; want 303 back to next", resp.StatusCode, resp.Header.Get("Location"))
	}
	ck := cookieNamed(resp, cookieSession)
	if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.Secure || len(ck.Value) < 40 {
		t.Fatalf("session cookie = %+v; want HttpOnly, Lax, a long random value", ck)
	}
	// The store keeps only the hash of the cookie.
	sess, err := fx.store.FindSession(context.Background(), assessment.HashSecret(ck.Value))
	if err != nil || sess.UserID != fx.users["editor.tc"].ID {
		t.Fatalf("session in store: %+v, %v", sess, err)
	}
	if _, err := fx.store.FindSession(context.Background(), ck.Value); err == nil {
		t.Error("the store finds the session by its raw cookie value: it must store a hash")
	}
	// Signed in: the dashboard names the user and lists the unit's form.
	resp, body := get(t, s, "/", ck)
	if resp.StatusCode != 200 || !strings.Contains(body, "Người dùng editor.tc") || !strings.Contains(body, "/periods/DTI-2025/units/SO-TC/form") {
		t.Errorf("dashboard: %d\n%s", resp.StatusCode, body)
	}
	// Sign out ends the session in the store.
	resp, _ = postForm(t, s, "/logout", url.Values{"_csrf": {sess.CSRFToken}}, ck)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-out: %d", resp.StatusCode)
	}
	if _, err := fx.store.FindSession(context.Background(), sess.ID); err == nil {
		t.Error("the session survived sign-out")
	}
	if resp, _ := get(t, s, "/account/password", ck); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Errorf("after sign-out the old cookie still works: %d", resp.StatusCode)
	}
}

func TestLogin_Refusals(t *testing.T) {
	s, fx := newFixtureServer(t)
	disabled := true
	if _, err := fx.store.UpdateUser(context.Background(), assessment.SystemActor, fx.users["viewer"].ID, assessment.UserUpdate{Disabled: &disabled}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, user, password string
		want                 int
	}{
		{"wrong password", "editor.tc", "sai mật khẩu rồi", 422},
		{"unknown user", "nobody", testPassword, 422},
		{"disabled user", "viewer", testPassword, 422},
		{"empty", "", "", 422},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			anon, token := visitorToken(t, s)
			resp, body := postForm(t, s, "/login", url.Values{"_csrf": {token}, "username": {tc.user}, "password": {tc.password}}, anon)
			if resp.StatusCode != tc.want || cookieNamed(resp, cookieSession) != nil {
				t.Fatalf("status %d, session cookie %v; want %d and none", resp.StatusCode, cookieNamed(resp, cookieSession), tc.want)
			}
			if !strings.Contains(body, `role="alert"`) {
				t.Error("no error message on the page")
			}
		})
	}
	// Same message for a wrong name and a wrong password.
	anon, token := visitorToken(t, s)
	_, a := postForm(t, s, "/login", url.Values{"_csrf": {token}, "username": {"nobody"}, "password": {"x"}}, anon)
	_, b := postForm(t, s, "/login", url.Values{"_csrf": {token}, "username": {"approver.yt"}, "password": {"x"}}, anon)
	if !strings.Contains(a, "Tên đăng nhập hoặc mật khẩu không đúng") || !strings.Contains(b, "Tên đăng nhập hoặc mật khẩu không đúng") {
		t.Error("wrong name and wrong password are told apart")
	}
	// A POST without the token is refused before any password check.
	resp, _ := postForm(t, s, "/login", url.Values{"username": {"editor.tc"}, "password": {testPassword}}, anon)
	if resp.StatusCode != 403 {
		t.Errorf("sign-in without CSRF token: %d; want 403", resp.StatusCode)
	}
}

// TestLogin_Throttled checks the sign-in budgets: failures per account and
// address, failures per account over all addresses, attempts per address.
// The test connection comes from a trusted proxy, so X-Forwarded-For is
// the client address.
func TestLogin_Throttled(t *testing.T) {
	s, fx := newFixtureServer(t, func(c *Config) { c.TrustedProxies = []string{"0.0.0.0/32"} })
	anon, token := visitorToken(t, s)
	try := func(user, pw, ip string) int {
		t.Helper()
		req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(url.Values{"_csrf": {token}, "username": {user}, "password": {pw}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", ip)
		req.AddCookie(anon)
		resp, _ := do(t, s, req)
		return resp.StatusCode
	}
	const attacker, owner = "198.51.100.66", "203.0.113.10"
	for i := 0; i < loginBurstPerUser; i++ {
		if got := try("editor.tc", "wrong password!", attacker); got != 422 {
			t.Fatalf("attempt %d: %d; want 422", i+1, got)
		}
	}
	// The guessing address is throttled, even with the right password.
	if got := try("editor.tc", testPassword, attacker); got != http.StatusTooManyRequests {
		t.Errorf("after %d failures, from the same address: %d; want 429", loginBurstPerUser, got)
	}
	// The real user, elsewhere, is not locked out; nor while the guessing
	// goes on at one attempt a minute.
	for i := range 3 {
		fx.now = fx.now.Add(loginEveryPerUser)
		if got := try("editor.tc", "wrong password!", attacker); got != 422 {
			t.Errorf("guess %d a minute later: %d; want 422", i+1, got)
		}
		if got := try("editor.tc", testPassword, attacker); got != http.StatusTooManyRequests {
			t.Errorf("right password at the guessing address right after: %d; want 429", got)
		}
		if got := try("editor.tc", testPassword, owner); got != http.StatusSeeOther {
			t.Errorf("the owner's address while guessing goes on: %d; want 303", got)
		}
	}
	// Successful sign-ins and incomplete forms spend nothing of the
	// account's budget.
	for i := range loginBurstPerUser + 2 {
		if got := try("editor.yt", "", owner); got != 422 {
			t.Fatalf("empty password %d: %d; want 422", i+1, got)
		}
		if got := try("editor.yt", testPassword, owner); got != http.StatusSeeOther {
			t.Fatalf("sign-in %d in a row: %d; want 303", i+1, got)
		}
	}
	// One address trying many names is throttled too.
	for i := 0; i < loginBurstPerIP; i++ {
		try("guess"+string(rune('a'+i%26))+string(rune('a'+i/26)), "x", "10.9.9.9")
	}
	if got := try("approver.yt", testPassword, "10.9.9.9"); got != http.StatusTooManyRequests {
		t.Errorf("address after %d attempts: %d; want 429", loginBurstPerIP, got)
	}
}

// TestLogin_AccountCeiling checks that guessing one account from many
// addresses stops at the account's ceiling, for that account only.
func TestLogin_AccountCeiling(t *testing.T) {
	s, _ := newFixtureServer(t, func(c *Config) { c.TrustedProxies = []string{"0.0.0.0/32"} })
	anon, token := visitorToken(t, s)
	try := func(user, pw, ip string) int {
		t.Helper()
		req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(url.Values{"_csrf": {token}, "username": {user}, "password": {pw}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-For", ip)
		req.AddCookie(anon)
		resp, _ := do(t, s, req)
		return resp.StatusCode
	}
	for i := range loginBurstPerAccount {
		ip := fmt.Sprintf("198.51.%d.%d", 100+i/250, 1+i%250)
		if got := try("editor.tc", "wrong password!", ip); got != 422 {
			t.Fatalf("guess %d from %s: %d; want 422", i+1, ip, got)
		}
	}
	if got := try("editor.tc", "wrong password!", "192.0.2.200"); got != http.StatusTooManyRequests {
		t.Errorf("guess past the ceiling from a fresh address: %d; want 429", got)
	}
	if got := try("editor.yt", testPassword, "192.0.2.200"); got != http.StatusSeeOther {
		t.Errorf("another account from the same address: %d; want 303", got)
	}
}

func TestSession_Expiry(t *testing.T) {
	s, fx := newFixtureServer(t, func(c *Config) { c.SessionLifetime = time.Hour })
	ck := login(t, s, "editor.tc", testPassword, "").Cookies()[0]
	if ck.Name != cookieSession {
		t.Fatalf("cookie %s", ck.Name)
	}
	// Activity slides the expiry: 50 minutes later the session lives on
	// and is extended by an hour.
	fx.now = fx.now.Add(50 * time.Minute)
	if resp, _ := get(t, s, "/account/password", ck); resp.StatusCode != 200 {
		t.Fatalf("active session after 50 min: %d", resp.StatusCode)
	}
	fx.now = fx.now.Add(50 * time.Minute)
	if resp, _ := get(t, s, "/account/password", ck); resp.StatusCode != 200 {
		t.Fatalf("session 50 min after its last use: %d; want it extended", resp.StatusCode)
	}
	// An hour of silence ends it.
	fx.now = fx.now.Add(61 * time.Minute)
	resp, _ := get(t, s, "/account/password", ck)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login?next=") {
		t.Errorf("expired session: %d to %q; want a redirect to sign in", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func TestSession_DisabledUser(t *testing.T) {
	s, fx := newFixtureServer(t)
	ck := fx.signIn(t, "editor.tc")
	if resp, _ := get(t, s, "/account/password", ck); resp.StatusCode != 200 {
		t.Fatalf("fresh session: %d", resp.StatusCode)
	}
	disabled := true
	if _, err := fx.store.UpdateUser(context.Background(), assessment.SystemActor, fx.users["editor.tc"].ID, assessment.UserUpdate{Disabled: &disabled}); err != nil {
		t.Fatal(err)
	}
	resp, _ := get(t, s, "/account/password", ck)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login?next=") {
		t.Errorf("disabled user's session: %d to %q; want a redirect to sign in", resp.StatusCode, resp.Header.Get("Location"))
	}
	if c := cookieNamed(resp, cookieSession); c == nil || c.MaxAge >= 0 {
		t.Errorf("the dead session cookie is not cleared: %+v", c)
	}
}

func TestPasswordChange(t *testing.T) {
	s, fx := newFixtureServer(t)
	ck := fx.signIn(t, "reset.user")
	// A user whose password was reset goes to the password page first.
	for _, path := range []string{"/", "/periods/DTI-2025/units/SO-TC/form", "/results"} {
		resp, _ := get(t, s, path, ck)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/account/password" {
			t.Errorf("GET %s with a forced change: %d to %q", path, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	tests := []struct {
		name                  string
		current, next, repeat string
		wantField             string
	}{
		{"wrong current", "not it at all", "một mật khẩu mới đủ dài", "một mật khẩu mới đủ dài", "pw-current-error"},
		{"too short", testPassword, "short", "short", "pw-new-error"},
		{"same as before", testPassword, testPassword, testPassword, "pw-new-error"},
		{"mismatch", testPassword, "một mật khẩu mới đủ dài", "một mật khẩu khác hẳn", "pw-confirm-error"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := postForm(t, s, "/account/password", url.Values{"_csrf": {"csrf-reset.user"},
				"current": {tc.current}, "new": {tc.next}, "confirm": {tc.repeat}}, ck)
			if resp.StatusCode != 422 || !strings.Contains(body, `id="`+tc.wantField+`"`) {
				t.Errorf("status %d; want 422 with #%s", resp.StatusCode, tc.wantField)
			}
		})
	}
	other := fx.signIn(t, "reset.user")
	resp, _ := postForm(t, s, "/account/password", url.Values{"_csrf": {"csrf-reset.user"},
		"current": {testPassword}, "new": {"một mật khẩu mới đủ dài"}, "confirm": {"một mật khẩu mới đủ dài"}}, ck)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("password change: %d", resp.StatusCode)
	}
	// This session goes on, without the forced change; others end.
	if resp, _ := get(t, s, "/", ck); resp.StatusCode != 200 {
		t.Errorf("after the change: GET / %d; want 200", resp.StatusCode)
	}
	if resp, _ := get(t, s, "/account/password", other); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("another session of the user survived the change: %d", resp.StatusCode)
	}
	if resp := login(t, s, "reset.user", "một mật khẩu mới đủ dài", ""); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("sign-in with the new password: %d", resp.StatusCode)
	}
}
