package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

func envOf(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestParseServeConfig(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name  string
		args  []string
		env   map[string]string
		check func(serveConfig) bool
		want  string // substring of the error, "" for success
	}{
		{"defaults", nil, nil, func(c serveConfig) bool {
			return c.DB == "dti.db" && c.Index == "indicators.yaml" && c.Addr == "127.0.0.1:8080" && c.SessionLifetime == 12*time.Hour && !c.Secure
		}, ""},
		{"environment", nil, map[string]string{"DTI_DB": filepath.Join(dir, "x.db"), "DTI_ADDR": ":9000", "DTI_DEV": "true"},
			func(c serveConfig) bool { return c.DB == filepath.Join(dir, "x.db") && c.Addr == ":9000" && c.Dev }, ""},
		{"flags beat the environment", []string{"--addr", "127.0.0.1:1234"}, map[string]string{"DTI_ADDR": ":9000"},
			func(c serveConfig) bool { return c.Addr == "127.0.0.1:1234" }, ""},
		{"https base URL means secure", []string{"--base-url", "https://dti.example.gov.vn"}, nil,
			func(c serveConfig) bool { return c.Secure }, ""},
		{"trusted proxies", []string{"--trusted-proxies", "10.0.0.1, 192.168.0.0/16"}, nil,
			func(c serveConfig) bool { return len(c.TrustedProxies) == 2 && c.TrustedProxies[1] == "192.168.0.0/16" }, ""},
		{"bad address", []string{"--addr", "8080"}, nil, nil, "--addr (DTI_ADDR)"},
		{"bad port", []string{"--addr", "127.0.0.1:99999"}, nil, nil, "--addr (DTI_ADDR): port"},
		{"bad env bool", nil, map[string]string{"DTI_DEMO": "maybe"}, nil, "--demo (DTI_DEMO)"},
		{"bad env duration", nil, map[string]string{"DTI_SESSION_LIFETIME": "forever"}, nil, "--session-lifetime (DTI_SESSION_LIFETIME)"},
		{"lifetime out of range", []string{"--session-lifetime", "10s"}, nil, nil, "--session-lifetime"},
		{"bad base URL", []string{"--base-url", "dti.example"}, nil, nil, "--base-url (DTI_BASE_URL)"},
		{"bad proxy", []string{"--trusted-proxies", "proxy.local"}, nil, nil, "--trusted-proxies (DTI_TRUSTED_PROXIES)"},
		{"missing db directory", []string{"--db", filepath.Join(dir, "nope", "x.db")}, nil, nil, "--db (DTI_DB): directory"},
		{"short secret", nil, map[string]string{"DTI_SECRET": "short"}, nil, "DTI_SECRET"},
		{"bad log format", []string{"--log-format", "xml"}, nil, nil, "--log-format"},
		{"API rate", nil, map[string]string{"DTI_API_RATE": "600"}, func(c serveConfig) bool { return c.APIRate == 600 }, ""},
		{"API rate out of range", []string{"--api-rate", "0"}, nil, nil, "--api-rate (DTI_API_RATE)"},
		{"stray argument", []string{"extra"}, nil, nil, `unexpected argument "extra"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := parseServeConfig(tc.args, envOf(tc.env), io.Discard)
			if tc.want != "" {
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("parseServeConfig(%q) error = %v; want one naming %q", tc.args, err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseServeConfig(%q): %v", tc.args, err)
			}
			if !tc.check(c) {
				t.Errorf("parseServeConfig(%q) = %+v", tc.args, c)
			}
		})
	}
}

func TestParseServeConfig_ReportsEveryProblem(t *testing.T) {
	_, err := parseServeConfig([]string{"--addr", "x", "--log-format", "xml"}, envOf(nil), io.Discard)
	if err == nil || !strings.Contains(err.Error(), "--addr") || !strings.Contains(err.Error(), "--log-format") {
		t.Errorf("error = %v; want both problems", err)
	}
}

// syncBuffer is a bytes.Buffer safe for the server goroutine's log.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestServe_StartsAndShutsDown(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs syncBuffer
	env := &cmdEnv{stdout: io.Discard, stderr: &logs, getenv: envOf(map[string]string{
		"DTI_DB":    filepath.Join(dir, "dti.db"),
		"DTI_INDEX": filepath.Join("..", "..", "scoring", "testdata", "small.yaml"),
		"DTI_ADDR":  "127.0.0.1:0",
	})}
	done := make(chan error, 1)
	go func() { done <- run(ctx, env, []string{"serve"}) }()

	urlRE := regexp.MustCompile(`url=(http://127\.0\.0\.1:\d+)`)
	var base string
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := urlRE.FindStringSubmatch(logs.String()); m != nil {
			base = m[1]
			break
		}
		select {
		case err := <-done:
			t.Fatalf("serve ended early: %v\n%s", err, logs.String())
		default:
		}
	}
	if base == "" {
		t.Fatalf("serve did not report its address:\n%s", logs.String())
	}
	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("X-Frame-Options") != "DENY" {
		t.Errorf("GET /healthz: %d, X-Frame-Options %q", resp.StatusCode, resp.Header.Get("X-Frame-Options"))
	}
	if fi, err := os.Stat(filepath.Join(dir, "dti.secret")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("secret file: %v, %v; want mode 0600", fi, err)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve after cancel: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not shut down")
	}
}

func TestServe_BadIndexNamesTheFile(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("schema_version: 1\nindex: {code: X}\n"), 0o644)
	env := &cmdEnv{stdout: io.Discard, stderr: io.Discard, getenv: envOf(map[string]string{
		"DTI_DB": filepath.Join(dir, "dti.db"), "DTI_INDEX": bad, "DTI_ADDR": "127.0.0.1:0",
	})}
	err := run(context.Background(), env, []string{"serve"})
	if err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("serve with a bad index: %v; want an error naming %s", err, bad)
	}
}

func TestServe_Demo(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var logs, out syncBuffer
	env := &cmdEnv{stdout: &out, stderr: &logs, getenv: envOf(map[string]string{
		"DTI_DB":    filepath.Join(dir, "dti.db"),
		"DTI_INDEX": filepath.Join("..", "..", "scoring", "testdata", "small.yaml"),
		"DTI_ADDR":  "127.0.0.1:0",
	})}
	done := make(chan error, 1)
	go func() { done <- run(ctx, env, []string{"serve", "--demo"}) }()
	urlRE := regexp.MustCompile(`url=(http://127\.0\.0\.1:\d+)`)
	var base string
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline) && base == ""; time.Sleep(50 * time.Millisecond) {
		if m := urlRE.FindStringSubmatch(logs.String()); m != nil {
			base = m[1]
		}
		select {
		case err := <-done:
			t.Fatalf("serve --demo ended early: %v\n%s", err, logs.String())
		default:
		}
	}
	if base == "" {
		t.Fatalf("no address:\n%s", logs.String())
	}
	if !strings.Contains(out.String(), "ChuyenDoiSo@2026") {
		t.Errorf("the demo accounts are not printed:\n%s", out.String())
	}
	resp, err := http.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("GET /login: %d", resp.StatusCode)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve: %v", err)
	}
}
