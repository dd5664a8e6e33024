package web

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// postMultipart posts fields and an optional file as the evidence form does.
func postMultipart(t *testing.T, s *Server, target string, fields map[string]string, fileName string, content []byte, ck *http.Cookie) (*http.Response, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	if fileName != "" {
		fw, _ := w.CreateFormFile("file", fileName)
		fw.Write(content)
	}
	w.Close()
	req := httptest.NewRequest(http.MethodPost, target, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.AddCookie(ck)
	return do(t, s, req)
}

func TestEvidence(t *testing.T) {
	s, fx := newFixtureServer(t)
	ck := fx.signIn(t, "editor.tc")
	_, body := get(t, s, tcForm, ck)
	if !strings.Contains(body, `id="ind-NT_01-ev"`) || !strings.Contains(body, `form="ind-NT_01-ev"`) {
		t.Fatal("no evidence form for NT.01")
	}
	target := tcForm + "/evidence"
	base := map[string]string{"_csrf": "csrf-editor.tc", "indicator": "NT.01"}
	with := func(kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	// Refusals: shown next to the indicator, nothing stored.
	resp, body := postMultipart(t, s, target, with("kind", "link", "url", "javascript:alert(1)"), "", nil, ck)
	if resp.StatusCode != 422 || !strings.Contains(body, `id="ind-NT_01-ev-error"`) {
		t.Errorf("bad link: %d; want 422 with the error next to NT.01", resp.StatusCode)
	}
	if resp, _ := postMultipart(t, s, target, with("kind", "file"), "", nil, ck); resp.StatusCode != 422 {
		t.Errorf("file kind without a file: %d; want 422", resp.StatusCode)
	}
	if resp, _ := postMultipart(t, s, target, map[string]string{"indicator": "NT.01", "kind": "link", "url": "https://a.example"}, "", nil, ck); resp.StatusCode != 403 {
		t.Errorf("evidence without CSRF token: %d; want 403", resp.StatusCode)
	}
	if resp, _ := postMultipart(t, s, target, with("indicator", "NT.08", "kind", "explanation", "text", "x"), "", nil, ck); resp.StatusCode != 400 {
		t.Errorf("evidence for an indicator that does not apply: %d; want 400", resp.StatusCode)
	}
	// A link and a file with a Vietnamese name.
	if resp, _ := postMultipart(t, s, target, with("kind", "link", "url", "https://vanban.example.gov.vn/qd-12"), "", nil, ck); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add link: %d", resp.StatusCode)
	}
	pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
	resp, _ = postMultipart(t, s, target, with("kind", "file", "text", "bản ký số"), "Quyết định thành lập.pdf", pdf, ck)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add file: %d", resp.StatusCode)
	}
	_, body = get(t, s, tcForm, ck)
	m := regexp.MustCompile(`href="(` + regexp.QuoteMeta(target) + `/\d+)">Quyết định thành lập.pdf</a>`).FindStringSubmatch(body)
	if m == nil || !strings.Contains(body, "https://vanban.example.gov.vn/qd-12") {
		t.Fatalf("the evidence is not listed:\n%s", body)
	}
	resp, got := get(t, s, m[1], ck)
	if resp.StatusCode != 200 || got != string(pdf) {
		t.Fatalf("download: %d, %d bytes", resp.StatusCode, len(got))
	}
	cd := resp.Header.Get("Content-Disposition")
	if !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, "filename*=UTF-8''Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh%20th%C3%A0nh%20l%E1%BA%ADp.pdf") {
		t.Errorf("Content-Disposition = %q", cd)
	}
	// Another unit cannot read it, even knowing the URL.
	if resp, _ := get(t, s, m[1], fx.signIn(t, "editor.yt")); resp.StatusCode != 403 {
		t.Errorf("another unit's download: %d; want 403", resp.StatusCode)
	}
	if resp, _ := get(t, s, strings.Replace(m[1], "SO-TC", "SO-YT", 1), fx.signIn(t, "editor.yt")); resp.StatusCode != 404 {
		t.Errorf("the item through another unit's form: %d; want 404", resp.StatusCode)
	}
	// Delete.
	id := m[1][strings.LastIndex(m[1], "/")+1:]
	resp, _ = postForm(t, s, target+"/delete", url.Values{"_csrf": {"csrf-editor.tc"}, "id": {id}}, ck)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete: %d", resp.StatusCode)
	}
	if _, body := get(t, s, tcForm, ck); strings.Contains(body, "Quyết định thành lập.pdf") {
		t.Error("the deleted file is still listed")
	}
}

func TestContentDisposition(t *testing.T) {
	tests := []struct{ name, want string }{
		{"báo cáo.xlsx", `attachment; filename="bao-cao.xlsx"; filename*=UTF-8''b%C3%A1o%20c%C3%A1o.xlsx`},
		{`a"b;c\d.pdf`, `attachment; filename="a-b-c-d.pdf"; filename*=UTF-8''a%22b%3Bc%5Cd.pdf`},
		{"", `attachment; filename="download"; filename*=UTF-8''`},
	}
	for _, tc := range tests {
		if got := contentDisposition(tc.name); got != tc.want {
			t.Errorf("contentDisposition(%q) = %q; want %q", tc.name, got, tc.want)
		}
	}
}
