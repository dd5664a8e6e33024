package web

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestSave_MalformedBodies(t *testing.T) {
	s, fx := newFixtureServer(t)
	ck := fx.signIn(t, "editor.tc")
	get(t, s, tcForm, ck)
	before := fx.submission(t, "SO-TC").Version
	bodies := []string{
		`not json`,
		`{"version": 1, "values": {"v|NT.02|meetings": "1"}, "extra": true}`,
		`{"version": "one", "values": {}}`,
		`{"version": 1, "values": {"v|NT.02|meetings": {"nested": 1}}}`,
	}
	for _, b := range bodies {
		req := httptest.NewRequest(http.MethodPost, tcForm+"/values", strings.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json")
		req.Header.Set(csrfHeader, "csrf-editor.tc")
		req.AddCookie(ck)
		resp, out := do(t, s, req)
		if resp.StatusCode != 400 && resp.StatusCode != 422 {
			t.Errorf("body %s: %d; want 400 or 422", b, resp.StatusCode)
		}
		if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") || !strings.Contains(out, `"error"`) {
			t.Errorf("body %s: answer is not a JSON error: %s", b, out)
		}
	}
	if v := fx.submission(t, "SO-TC").Version; v != before {
		t.Errorf("a malformed save changed the version: %d -> %d", before, v)
	}
}

func TestEvidence_TooBig(t *testing.T) {
	s, fx := newFixtureServer(t, func(c *Config) { c.UploadLimit = 1 << 10 })
	ck := fx.signIn(t, "editor.tc")
	get(t, s, tcForm, ck)
	pdf := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("0"), 4<<10)...)
	resp, body := postMultipart(t, s, tcForm+"/evidence",
		map[string]string{"_csrf": "csrf-editor.tc", "indicator": "NT.01", "kind": "file"}, "lon.pdf", pdf, ck)
	if resp.StatusCode != 422 || !strings.Contains(body, "Tệp lớn hơn giới hạn") {
		t.Errorf("oversized evidence: %d; want 422 with the limit", resp.StatusCode)
	}
	if _, page := get(t, s, tcForm, ck); strings.Contains(page, "lon.pdf") {
		t.Error("the oversized file was stored")
	}
}

func TestHealthz(t *testing.T) {
	s := newTestServer(t)
	resp, body := get(t, s, "/healthz")
	if resp.StatusCode != 200 || strings.TrimSpace(body) != `{"status":"ok"}` || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("healthz: %d %s %q", resp.StatusCode, body, resp.Header.Get("Cache-Control"))
	}
}
