package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/dti-platform/dti/assessment"
)

// postTokens posts a form of the token page with the user's CSRF token.
func postTokens(t *testing.T, s *Server, fx *fixture, user, target string, form url.Values) (*http.Response, string) {
	t.Helper()
	form.Set("_csrf", "csrf-"+user)
	return postForm(t, s, target, form, fx.signIn(t, user))
}

// createdSecret reads the one-time secret from the secret page.
func createdSecret(t *testing.T, body string) string {
	t.Helper()
	n := findAll(parseHTML(t, body), byAttr("code", "id", "token-secret"))
	if len(n) != 1 {
		t.Fatalf("no secret on the page:\n%.500s", body)
	}
	return text(n[0])
}

// tokenRows returns the rows of the token list as text.
func tokenRows(t *testing.T, body string) []string {
	t.Helper()
	var out []string
	for _, tbl := range findAll(parseHTML(t, body), byAttr("table", "id", "tokens")) {
		for _, tr := range findAll(tbl, func(n *html.Node) bool { return n.Data == "tr" && n.Parent != nil && n.Parent.Data == "tbody" }) {
			out = append(out, text(tr))
		}
	}
	return out
}

func TestTokens_CreateUseRevoke(t *testing.T) {
	s, fx := newFixtureServer(t)
	ck := fx.signIn(t, "editor.tc")
	resp, body := get(t, s, "/account/tokens", ck)
	if resp.StatusCode != 200 || !strings.Contains(body, "Chưa có mã truy cập nào.") {
		t.Fatalf("empty token page: %d", resp.StatusCode)
	}
	doc := parseHTML(t, body)
	if len(findAll(doc, byAttr("input", "name", "user"))) != 0 {
		t.Error("a unit editor is offered to make tokens for other accounts")
	}
	if len(findAll(doc, byAttr("input", "name", "_csrf"))) == 0 {
		t.Error("the form has no CSRF field")
	}

	// Without the CSRF token nothing is created.
	resp, _ = postForm(t, s, "/account/tokens", url.Values{"name": {"x"}}, ck)
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("create without CSRF: %d; want 403", resp.StatusCode)
	}
	// Errors next to the field, 422.
	resp, body = postTokens(t, s, fx, "editor.tc", "/account/tokens", url.Values{"name": {"  "}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("empty name: %d; want 422", resp.StatusCode)
	}
	if e := findAll(parseHTML(t, body), byAttr("p", "id", "tk-name-error")); len(e) != 1 || !strings.Contains(text(e[0]), "Cần đặt tên") {
		t.Error("no error next to the name field")
	}

	// A unit editor cannot make a token for another account by adding
	// the field: the token is their own.
	name := `<script>alert(1)</script> Một cửa`
	resp, body = postTokens(t, s, fx, "editor.tc", "/account/tokens", url.Values{"name": {name}, "user": {"admin"}})
	if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("create: %d, Cache-Control %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	if strings.Contains(body, "<script>alert") {
		t.Error("the token name is not escaped")
	}
	secret := createdSecret(t, body)
	if !strings.HasPrefix(secret, "dti_") || !strings.Contains(body, "Authorization: Bearer "+secret) {
		t.Errorf("secret %q or its example missing", secret)
	}
	toks, _ := fx.store.FindAPITokens(context.Background(), fx.users["editor.tc"].ID)
	if len(toks) != 1 || toks[0].Name != name {
		t.Fatalf("editor.tc's tokens = %v", toks)
	}
	if admins, _ := fx.store.FindAPITokens(context.Background(), fx.users["admin"].ID); len(admins) != 0 {
		t.Fatal("a unit editor made a token for the admin")
	}

	// The secret works once listed; the list shows its use.
	if r := callAPI(t, s, "GET", "/api/v1/periods", secret, ""); r.status != 200 {
		t.Fatalf("new token: %d", r.status)
	}
	_, body = get(t, s, "/account/tokens", ck)
	rows := tokenRows(t, body)
	if len(rows) != 1 || !strings.Contains(rows[0], name) || !strings.Contains(rows[0], toks[0].Prefix+"…") ||
		!strings.Contains(rows[0], "31/12/2025") || strings.Contains(rows[0], "Chưa dùng") || strings.Contains(body, secret) {
		t.Errorf("token row = %q", rows)
	}

	// Another unit's editor cannot see or revoke it.
	revoke := "/account/tokens/" + jsonNum(toks[0].ID) + "/revoke"
	if f := findAll(parseHTML(t, body), byAttr("form", "action", revoke)); len(f) != 1 {
		t.Error("no revoke form")
	} else if c, _ := attr(f[0], "data-confirm"); !strings.Contains(c, name) {
		t.Errorf("revoke confirmation = %q; want the token's name", c)
	}
	if _, body := get(t, s, "/account/tokens", fx.signIn(t, "editor.yt")); len(tokenRows(t, body)) != 0 {
		t.Error("editor.yt sees editor.tc's token")
	}
	if resp, _ := postTokens(t, s, fx, "editor.yt", revoke, url.Values{}); resp.StatusCode != 404 {
		t.Errorf("editor.yt revokes editor.tc's token: %d; want 404", resp.StatusCode)
	}
	if r := callAPI(t, s, "GET", "/api/v1/periods", secret, ""); r.status != 200 {
		t.Fatalf("token after a refused revoke: %d", r.status)
	}
	// Its owner revokes it: POST-redirect-GET, and the API refuses it.
	resp, _ = postTokens(t, s, fx, "editor.tc", revoke, url.Values{})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/account/tokens" {
		t.Fatalf("revoke: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if r := callAPI(t, s, "GET", "/api/v1/periods", secret, ""); r.status != 401 {
		t.Errorf("revoked token: %d; want 401", r.status)
	}
	_, body = get(t, s, "/account/tokens", ck)
	if rows := tokenRows(t, body); len(rows) != 1 || !strings.Contains(rows[0], "Thu hồi lúc") {
		t.Errorf("revoked row = %q", rows)
	}
	if len(findAll(parseHTML(t, body), byAttr("form", "action", revoke))) != 0 {
		t.Error("a revoked token still has a revoke button")
	}
	if resp, _ := postTokens(t, s, fx, "editor.tc", "/account/tokens/abc/revoke", url.Values{}); resp.StatusCode != 404 {
		t.Errorf("revoke a bad id: %d; want 404", resp.StatusCode)
	}
}

func TestTokens_AdminForIntegrationAccount(t *testing.T) {
	s, fx := newFixtureServer(t)
	ctx := context.Background()
	tests := []struct {
		name, user string
		want       int
		wantError  string
	}{
		{"unknown account", "nobody", 422, "Không có tài khoản nobody."},
		{"own token", "", 200, ""},
		{"viewer account", "Viewer", 200, ""},
	}
	for _, tc := range tests {
		resp, body := postTokens(t, s, fx, "admin", "/account/tokens", url.Values{"name": {"IOC " + tc.name}, "user": {tc.user}})
		if resp.StatusCode != tc.want {
			t.Fatalf("%s: %d; want %d", tc.name, resp.StatusCode, tc.want)
		}
		if tc.wantError != "" {
			e := findAll(parseHTML(t, body), byAttr("p", "id", "tk-user-error"))
			if len(e) != 1 || text(e[0]) != tc.wantError {
				t.Errorf("%s: error %v; want %q", tc.name, e, tc.wantError)
			}
		}
	}
	if toks, _ := fx.store.FindAPITokens(ctx, fx.users["viewer"].ID); len(toks) != 1 || toks[0].Name != "IOC viewer account" {
		t.Fatalf("viewer's tokens = %v", toks)
	}
	if toks, _ := fx.store.FindAPITokens(ctx, fx.users["admin"].ID); len(toks) != 1 {
		t.Fatalf("admin's tokens = %v", toks)
	}
	fx.token(t, "editor.yt")
	_, body := get(t, s, "/account/tokens", fx.signIn(t, "admin"))
	rows := tokenRows(t, body)
	if len(rows) != 3 || !strings.Contains(rows[0], "editor.yt") || !strings.Contains(rows[1], "viewer") {
		t.Errorf("admin's list = %q", rows)
	}
	// The admin revokes another account's token.
	toks, _ := fx.store.FindAPITokens(ctx, fx.users["editor.yt"].ID)
	if resp, _ := postTokens(t, s, fx, "admin", "/account/tokens/"+jsonNum(toks[0].ID)+"/revoke", url.Values{}); resp.StatusCode != 303 {
		t.Errorf("admin revokes a token: %d", resp.StatusCode)
	}
	if toks, _ = fx.store.FindAPITokens(ctx, fx.users["editor.yt"].ID); toks[0].Active() {
		t.Error("the token is still active")
	}
	// A disabled account gets no token.
	yes := true
	if _, err := fx.store.UpdateUser(ctx, fx.users["admin"].Actor(), fx.users["approver.yt"].ID, assessment.UserUpdate{Disabled: &yes}); err != nil {
		t.Fatal(err)
	}
	if resp, _ := postTokens(t, s, fx, "admin", "/account/tokens", url.Values{"name": {"x"}, "user": {"approver.yt"}}); resp.StatusCode != 422 {
		t.Errorf("token for a disabled account: %d; want 422", resp.StatusCode)
	}
}

func TestTokens_English(t *testing.T) {
	s, fx := newFixtureServer(t)
	fx.setLang(t, "viewer", "en")
	fx.token(t, "viewer")
	req := httptest.NewRequest(http.MethodGet, "/account/tokens", nil)
	req.AddCookie(fx.signIn(t, "viewer"))
	resp, body := do(t, s, req)
	if resp.StatusCode != 200 {
		t.Fatalf("English page: %d", resp.StatusCode)
	}
	doc := parseHTML(t, body)
	if h := findAll(doc, byAttr("h1", "id", "tk-h")); len(h) != 1 || text(h[0]) != "API tokens" {
		t.Errorf("heading = %v", h)
	}
	if rows := tokenRows(t, body); len(rows) != 1 || !strings.Contains(rows[0], "Never") || !strings.Contains(rows[0], "Active") {
		t.Errorf("rows = %q", rows)
	}
}
