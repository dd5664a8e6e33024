package web

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// rawPost sends a POST to addr over a fresh TCP connection with the given
// Content-Length and body bytes (possibly fewer: the server must answer
// from the header alone) and reads the response.
func rawPost(t *testing.T, addr, target string, length int, body []byte) (*http.Response, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(20 * time.Second)); err != nil {
		t.Fatal(err)
	}
	head := fmt.Sprintf("POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\n"+
		"Content-Length: %d\r\nConnection: close\r\n\r\n", target, addr, length)
	if _, err := conn.Write(append([]byte(head), body...)); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("POST %s: %v", target, err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

// TestBodyLimit checks that a body over the limit is refused from its
// Content-Length, before it is read, with the security headers and the
// friendly page; and that only the upload routes and the API accept
// bodies past the general limit. The oversized requests send no body at
// all, so the answer cannot race the client's writing.
func TestBodyLimit(t *testing.T) {
	s := newTestServer(t, func(c *Config) { c.UploadLimit = 256 << 10; c.BodyLimit = 64 << 10 })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Listener(ln)
	t.Cleanup(func() { s.Shutdown(context.Background()) })
	addr := ln.Addr().String()

	resp, body := rawPost(t, addr, "/login", 1<<20, nil)
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized body: %d; want 413", resp.StatusCode)
	}
	if resp.Header.Get("X-Frame-Options") != "DENY" || resp.Header.Get("Content-Security-Policy") == "" ||
		!strings.Contains(body, "Dữ liệu gửi lên quá lớn") {
		t.Errorf("the 413 answer lacks the headers or the friendly page:\n%.300s", body)
	}

	const upload = "/periods/DTI-2025/units/SO-TC/form/evidence"
	tests := []struct {
		name   string
		target string
		length int
		send   bool // send the body (an accepted length must be read)
		want   bool // refused with 413
	}{
		{"sign-in at the limit", "/login", 64 << 10, true, false},
		{"sign-in over the limit", "/login", 64<<10 + 1, false, true},
		{"sign-in, other spelling", "/LOGIN/", 200 << 10, false, true},
		{"dot segments resolve to the sign-in", upload + "/../../../../../../login", 200 << 10, false, true},
		{"autosave over the limit", "/periods/DTI-2025/units/SO-TC/form/values", 200 << 10, false, true},
		{"evidence upload", upload, 200 << 10, true, false},
		{"evidence upload over the upload limit", upload, 256<<10 + uploadFormSlack + 1, false, true},
		{"evidence upload, query string", upload + "?x=1", 200 << 10, true, false},
		{"template import", "/periods/DTI-2025/units/SO-TC/form/import", 200 << 10, true, false},
		{"admin import", "/admin/imports/units", 200 << 10, true, false},
		{"admin import apply takes no file", "/admin/imports/units/abc", 200 << 10, false, true},
		{"index migration", "/admin/periods/DTI-2025/migrate", 200 << 10, true, false},
		{"API push", "/api/v1/periods/DTI-2025/values", 2 << 20, true, false},
		{"API push over its limit", "/api/v1/periods/DTI-2025/values", apiBodyLimit + uploadFormSlack + 1, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b []byte
			if tt.send {
				b = []byte(strings.Repeat("a", tt.length))
			}
			resp, body := rawPost(t, addr, tt.target, tt.length, b)
			if got := resp.StatusCode == http.StatusRequestEntityTooLarge; got != tt.want {
				t.Errorf("POST %s with %d bytes: %d; want 413: %v\n%.200s", tt.target, tt.length, resp.StatusCode, tt.want, body)
			}
		})
	}
}

func TestIsUploadPath(t *testing.T) {
	for path, want := range map[string]bool{
		"/periods/p/units/u/form/evidence":        true,
		"/periods/p/units/u/form/import":          true,
		"/admin/imports/units":                    true,
		"/admin/periods/p/migrate":                true,
		"/periods/p/units/u/form/evidence/delete": false,
		"/periods/p/units/u/form/import/apply":    false,
		"/periods/p/units/u/form":                 false,
		"/admin/imports/units/42":                 false,
		"/admin/periods/p/publish":                false,
		"/login":                                  false,
		"/":                                       false,
	} {
		if got := isUploadPath(path); got != want {
			t.Errorf("isUploadPath(%q) = %v; want %v", path, got, want)
		}
	}
}

func TestDevMode_ReloadsTemplates(t *testing.T) {
	testIndex() // read the fixture before leaving the package directory
	// Dev mode reads web/templates from the working directory: run from a
	// copy of the module root's web directory.
	dir := t.TempDir()
	if err := os.CopyFS(filepath.Join(dir, "web", "templates"), os.DirFS("templates")); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(filepath.Join(dir, "web", "static"), os.DirFS("static")); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	s := newTestServer(t, func(c *Config) { c.Dev = true })
	_, before := get(t, s, "/login")
	page := filepath.Join(dir, "web", "templates", "pages", "login.html")
	b, _ := os.ReadFile(page)
	if err := os.WriteFile(page, []byte(strings.Replace(string(b), `<h1 id="login-h">`, `<h1 id="login-h" data-edited>`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	_, after := get(t, s, "/login")
	if strings.Contains(before, "data-edited") || !strings.Contains(after, "data-edited") {
		t.Error("dev mode did not pick up the edited template")
	}
	css, _ := s.assets.URL("css/app.css")
	resp, _ := get(t, s, css)
	if resp.Header.Get("Cache-Control") != "no-cache" {
		t.Errorf("dev mode caches assets: %q", resp.Header.Get("Cache-Control"))
	}
}
