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

// setLang stores a fixture user's language.
func (fx *fixture) setLang(t testing.TB, name, lang string) {
	t.Helper()
	u := fx.users[name]
	if _, err := fx.store.UpdateUser(context.Background(), assessment.SystemActor, u.ID, assessment.UserUpdate{Lang: &lang}); err != nil {
		t.Fatal(err)
	}
	u.Lang = lang
}

func TestAccountLanguage(t *testing.T) {
	s, fx := newFixtureServer(t)
	ck := fx.signIn(t, "editor.tc")
	htmlLang := func(cookies ...*http.Cookie) string {
		t.Helper()
		req := httptest.NewRequest(http.MethodGet, "/index", nil)
		for _, c := range cookies {
			req.AddCookie(c)
		}
		_, body := do(t, s, req)
		h := findAll(parseHTML(t, body), func(n *html.Node) bool { return n.Data == "html" })
		v, _ := attr(h[0], "lang")
		return v
	}
	// The header offers the saved-language control to signed-in users.
	_, body := get(t, s, "/index", ck)
	if len(findAll(parseHTML(t, body), byAttr("form", "action", "/account/lang"))) != 1 {
		t.Fatal("no language control for a signed-in user")
	}

	tests := []struct {
		name   string
		form   url.Values
		cookie *http.Cookie
		status int
		stored string
	}{
		{"no CSRF token", url.Values{"lang": {"en"}}, ck, http.StatusForbidden, "vi"},
		{"unknown language", url.Values{"_csrf": {"csrf-editor.tc"}, "lang": {"fr"}}, ck, http.StatusBadRequest, "vi"},
		{"visitor", url.Values{"lang": {"en"}}, nil, http.StatusForbidden, "vi"},
		{"english", url.Values{"_csrf": {"csrf-editor.tc"}, "lang": {"en"}, "next": {"/index"}}, ck, http.StatusSeeOther, "en"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var cookies []*http.Cookie
			if tt.cookie != nil {
				cookies = append(cookies, tt.cookie)
			}
			resp, _ := postForm(t, s, "/account/lang", tt.form, cookies...)
			if resp.StatusCode != tt.status && !(tt.cookie == nil && resp.StatusCode == http.StatusUnauthorized) {
				t.Fatalf("POST /account/lang %v: %d; want %d", tt.form, resp.StatusCode, tt.status)
			}
			u, err := fx.store.FindUserByID(context.Background(), fx.users["editor.tc"].ID)
			if err != nil {
				t.Fatal(err)
			}
			if u.Lang != tt.stored {
				t.Errorf("stored language %q; want %q", u.Lang, tt.stored)
			}
			if tt.status == http.StatusSeeOther && resp.Header.Get("Location") != "/index" {
				t.Errorf("redirect to %q; want /index", resp.Header.Get("Location"))
			}
		})
	}
	// The saved language wins over the cookie on every request of the
	// user; a visitor keeps the cookie.
	if got := htmlLang(ck, &http.Cookie{Name: cookieLang, Value: "vi"}); got != "en" {
		t.Errorf("signed-in page with a vi cookie: lang %q; want en (saved)", got)
	}
	if got := htmlLang(&http.Cookie{Name: cookieLang, Value: "vi"}); got != "vi" {
		t.Errorf("visitor with a vi cookie: lang %q; want vi", got)
	}
	// Audited as a change of the user.
	uid := fx.users["editor.tc"].ID
	entries, _, err := fx.store.FindAudit(context.Background(), assessment.AuditFilter{Entity: "user", EntityID: &uid, Action: assessment.ActionUserUpdated})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range entries {
		if e.Field == "lang" && e.From == "vi" && e.To == "en" && e.ActorID == uid {
			found = true
		}
	}
	if !found {
		t.Errorf("no audit entry lang vi -> en by the user: %+v", entries)
	}
	if !strings.Contains(body, "Tiếng Việt") {
		t.Error("the control does not offer Vietnamese")
	}
}
