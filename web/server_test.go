package web

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/net/html"
)

func TestSecurityHeaders_EveryResponse(t *testing.T) {
	s := newTestServer(t)
	css, err := s.assets.URL("css/app.css")
	if err != nil {
		t.Fatal(err)
	}
	reqs := []*http.Request{
		httptest.NewRequest(http.MethodGet, "/", nil),
		httptest.NewRequest(http.MethodGet, "/login", nil),
		httptest.NewRequest(http.MethodGet, "/index", nil),
		httptest.NewRequest(http.MethodGet, "/no/such/page", nil),
		httptest.NewRequest(http.MethodGet, css, nil),
		httptest.NewRequest(http.MethodGet, "/healthz", nil),
		httptest.NewRequest(http.MethodPost, "/", strings.NewReader("a=b")),
	}
	want := map[string]string{
		"Content-Security-Policy": contentSecurityPolicy,
		"X-Frame-Options":         "DENY",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "same-origin",
	}
	for _, req := range reqs {
		resp, _ := do(t, s, req)
		for h, v := range want {
			if got := resp.Header.Get(h); got != v {
				t.Errorf("%s %s: header %s = %q; want %q", req.Method, req.URL, h, got, v)
			}
		}
		if got := resp.Header.Get("Strict-Transport-Security"); got != "" {
			t.Errorf("%s %s over plain HTTP: Strict-Transport-Security = %q; want none", req.Method, req.URL, got)
		}
		if resp.Header.Get("X-Request-ID") == "" {
			t.Errorf("%s %s: no X-Request-ID", req.Method, req.URL)
		}
	}
}

func TestSecurityHeaders_HSTSOnlyFromTrustedProxyOverTLS(t *testing.T) {
	s := newTestServer(t, func(c *Config) { c.TrustedProxies = []string{"0.0.0.0/0"} })
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.Header.Set("X-Forwarded-Proto", "https")
	resp, _ := do(t, s, req)
	if got := resp.Header.Get("Strict-Transport-Security"); !strings.HasPrefix(got, "max-age=") {
		t.Errorf("behind a trusted TLS proxy: Strict-Transport-Security = %q; want max-age", got)
	}

	untrusted := newTestServer(t)
	resp, _ = do(t, untrusted, req)
	if got := resp.Header.Get("Strict-Transport-Security"); got != "" {
		t.Errorf("X-Forwarded-Proto from an untrusted client: Strict-Transport-Security = %q; want none", got)
	}
}

func TestNotFoundPage_Languages(t *testing.T) {
	s := newTestServer(t)
	tests := []struct {
		name    string
		cookies []*http.Cookie
		lang    string
		heading string
	}{
		{"default Vietnamese", nil, "vi", "Không tìm thấy trang"},
		{"English cookie", []*http.Cookie{{Name: cookieLang, Value: "en"}}, "en", "Page not found"},
		{"unknown language falls back", []*http.Cookie{{Name: cookieLang, Value: "fr"}}, "vi", "Không tìm thấy trang"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := get(t, s, "/khong-co", tc.cookies...)
			if resp.StatusCode != http.StatusNotFound {
				t.Fatalf("GET /khong-co: status %d; want 404", resp.StatusCode)
			}
			doc := parseHTML(t, body)
			htmlEl := findAll(doc, func(n *html.Node) bool { return n.Data == "html" })
			if l, _ := attr(htmlEl[0], "lang"); l != tc.lang {
				t.Errorf("<html lang> = %q; want %q", l, tc.lang)
			}
			h1 := findAll(doc, func(n *html.Node) bool { return n.Data == "h1" })
			if len(h1) != 1 || text(h1[0]) != tc.heading {
				t.Errorf("h1 = %v; want %q", h1, tc.heading)
			}
			if !strings.Contains(body, requestIDOf(resp)) {
				t.Errorf("404 page does not show the request id %s", requestIDOf(resp))
			}
		})
	}
}

func requestIDOf(r *http.Response) string { return r.Header.Get("X-Request-ID") }

func TestErrorHandler_500LeaksNothing(t *testing.T) {
	var logBuf bytes.Buffer
	s := newTestServer(t, func(c *Config) { c.Logger = slog.New(slog.NewTextHandler(&logBuf, nil)) })
	s.App().Get("/boom", func(c *fiber.Ctx) error {
		return errSecret("database password is hunter2")
	})
	s.App().Get("/panic", func(c *fiber.Ctx) error { panic("secret panic value") })
	for _, path := range []string{"/boom", "/panic"} {
		resp, body := get(t, s, path)
		if resp.StatusCode != http.StatusInternalServerError {
			t.Errorf("GET %s: status %d; want 500", path, resp.StatusCode)
		}
		if strings.Contains(body, "hunter2") || strings.Contains(body, "secret panic") {
			t.Errorf("GET %s: the 500 page leaks the error: %s", path, body)
		}
		rid := requestIDOf(resp)
		if !strings.Contains(body, rid) {
			t.Errorf("GET %s: the 500 page lacks the request id", path)
		}
		if !strings.Contains(logBuf.String(), rid) {
			t.Errorf("GET %s: the log lacks the request id %s:\n%s", path, rid, logBuf.String())
		}
	}
	if !strings.Contains(logBuf.String(), "hunter2") {
		t.Errorf("the log lacks the error itself")
	}
}

type errSecret string

func (e errSecret) Error() string { return string(e) }

func TestErrorHandler_JSONForFetch(t *testing.T) {
	s := newTestServer(t)
	req := httptest.NewRequest(http.MethodGet, "/nothing-here", nil)
	req.Header.Set("Accept", "application/json")
	resp, body := do(t, s, req)
	if resp.StatusCode != 404 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("status %d, type %q; want 404 JSON", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if !strings.Contains(body, `"error":"Trang bạn tìm không tồn tại`) {
		t.Errorf("JSON body = %s", body)
	}
}

func TestCSRF(t *testing.T) {
	s := newTestServer(t)
	s.App().Post("/echo", func(c *fiber.Ctx) error { return c.SendString("done") })

	// A visitor gets an anonymous cookie and a token in the page.
	resp, body := get(t, s, "/login")
	var anon *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == cookieAnon {
			anon = c
		}
	}
	if anon == nil || !anon.HttpOnly || anon.SameSite != http.SameSiteLaxMode {
		t.Fatalf("anonymous cookie = %+v; want HttpOnly SameSite=Lax", anon)
	}
	m := regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)">`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no csrf-token meta in the page")
	}
	token := m[1]

	post := func(form url.Values, header string, cookie *http.Cookie) int {
		req := httptest.NewRequest(http.MethodPost, "/echo", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if header != "" {
			req.Header.Set(csrfHeader, header)
		}
		if cookie != nil {
			req.AddCookie(cookie)
		}
		resp, _ := do(t, s, req)
		return resp.StatusCode
	}
	otherAnon := &http.Cookie{Name: cookieAnon, Value: newRandomToken()}
	tests := []struct {
		name   string
		form   url.Values
		header string
		cookie *http.Cookie
		want   int
	}{
		{"no token", url.Values{"a": {"1"}}, "", anon, 403},
		{"no cookie", url.Values{csrfField: {token}}, "", nil, 403},
		{"wrong token", url.Values{csrfField: {token[:len(token)-1] + "x"}}, "", anon, 403},
		{"token of another session", url.Values{csrfField: {token}}, "", otherAnon, 403},
		{"form field", url.Values{csrfField: {token}}, "", anon, 200},
		{"header", nil, token, anon, 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := post(tc.form, tc.header, tc.cookie); got != tc.want {
				t.Errorf("POST /echo: status %d; want %d", got, tc.want)
			}
		})
	}
}

func TestCSRF_RefusalPage(t *testing.T) {
	s := newTestServer(t)
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(""))
	req.Header.Set("Cookie", cookieLang+"=en")
	resp, body := do(t, s, req)
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("POST / without a token: status %d; want 403", resp.StatusCode)
	}
	if !strings.Contains(body, "Your session has changed") {
		t.Errorf("403 page does not explain the CSRF refusal: %s", body)
	}
}

func TestStaticAssets(t *testing.T) {
	s := newTestServer(t)
	u, err := s.assets.URL("css/app.css")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^/static/[0-9a-f]{12}/css/app\.css$`).MatchString(u) {
		t.Fatalf("asset URL = %q", u)
	}
	resp, body := get(t, s, u)
	if resp.StatusCode != 200 || !strings.Contains(body, "--c-primary") {
		t.Fatalf("GET %s: status %d", u, resp.StatusCode)
	}
	if got := resp.Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
		t.Errorf("Cache-Control = %q; want a year, immutable", got)
	}
	if got := resp.Header.Get("Content-Type"); !strings.HasPrefix(got, "text/css") {
		t.Errorf("Content-Type = %q; want text/css", got)
	}
	// The page links the versioned URL.
	_, page := get(t, s, "/login")
	if !strings.Contains(page, `href="`+u+`"`) {
		t.Errorf("home page does not link %s", u)
	}
	// An outdated hash still serves, uncached; a missing file is a 404.
	resp, _ = get(t, s, "/static/000000000000/css/app.css")
	if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-cache" {
		t.Errorf("outdated hash: status %d, Cache-Control %q; want 200 no-cache", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	for _, p := range []string{"/static/abc/css/nope.css", "/static/abc/../server.go", "/static/abc/%2e%2e/server.go"} {
		if resp, _ := get(t, s, p); resp.StatusCode != 404 {
			t.Errorf("GET %s: status %d; want 404", p, resp.StatusCode)
		}
	}
}

func TestSwitchLang(t *testing.T) {
	s := newTestServer(t)
	tests := []struct {
		target, location string
	}{
		{"/lang/en?next=/index", "/index"},
		{"/lang/vi?next=//evil.example/x", "/"},
		{"/lang/en?next=https://evil.example/", "/"},
		{"/lang/en?next=/%5Cevil.example", "/"},
		{"/lang/en", "/"},
	}
	for _, tc := range tests {
		resp, _ := get(t, s, tc.target)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != tc.location {
			t.Errorf("GET %s: %d to %q; want 303 to %q", tc.target, resp.StatusCode, resp.Header.Get("Location"), tc.location)
		}
	}
	resp, _ := get(t, s, "/lang/fr")
	if resp.StatusCode != 404 {
		t.Errorf("GET /lang/fr: status %d; want 404", resp.StatusCode)
	}
}

func TestNew_BadConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"short secret", Config{Secret: []byte("short")}, "secret"},
		{"bad proxy", Config{TrustedProxies: []string{"proxy.local"}}, `trusted proxy "proxy.local"`},
		{"negative lifetime", Config{SessionLifetime: -1}, "session lifetime"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("New(%s) = %v; want an error naming %q", tc.name, err, tc.want)
			}
		})
	}
}
