package web

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBodyLimit(t *testing.T) {
	s := newTestServer(t, func(c *Config) { c.UploadLimit = 1024; c.BodyLimit = 128 << 10 })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Listener(ln)
	t.Cleanup(func() { s.Shutdown(context.Background()) })
	resp, err := http.Post("http://"+ln.Addr().String()+"/login", "application/x-www-form-urlencoded",
		strings.NewReader("username="+strings.Repeat("a", 1<<20)))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	body := string(b)
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized body: %d; want 413", resp.StatusCode)
	}
	if resp.Header.Get("X-Frame-Options") != "DENY" || !strings.Contains(body, "Dữ liệu gửi lên quá lớn") {
		t.Errorf("the 413 answer lacks the headers or the friendly page:\n%.300s", body)
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
