package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/dti-platform/dti/assessment"
)

const tcForm = "/periods/DTI-2025/units/SO-TC/form"

// saveJSON posts an autosave as form.js does.
func saveJSON(t *testing.T, s *Server, ck *http.Cookie, csrf, target string, version int64, values map[string]any) (int, map[string]any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"version": version, "values": values})
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if csrf != "" {
		req.Header.Set(csrfHeader, csrf)
	}
	req.AddCookie(ck)
	resp, b := do(t, s, req)
	var out map[string]any
	if err := json.Unmarshal([]byte(b), &out); err != nil {
		t.Fatalf("POST %s: %d, not JSON: %s", target, resp.StatusCode, b)
	}
	return resp.StatusCode, out
}

// submission returns the unit's submission.
func (fx *fixture) submission(t testing.TB, unit string) *assessment.Submission {
	t.Helper()
	sub, err := fx.store.FindSubmission(context.Background(), fx.period.ID, fx.units[unit].ID)
	if err != nil {
		t.Fatalf("FindSubmission %s: %v", unit, err)
	}
	return sub
}

// values returns the stored values of the unit's submission.
func (fx *fixture) values(t *testing.T, unit string) map[string]string {
	t.Helper()
	vals, err := fx.store.FindValues(context.Background(), fx.submission(t, unit).ID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, v := range vals {
		out[v.Indicator+"/"+v.Input] = v.Text
	}
	return out
}

func TestFormPage_StartsDraft(t *testing.T) {
	s, fx := newFixtureServer(t)
	ck := fx.signIn(t, "editor.tc")
	resp, body := get(t, s, tcForm, ck)
	if resp.StatusCode != 200 {
		t.Fatalf("GET form: %d", resp.StatusCode)
	}
	sub := fx.submission(t, "SO-TC")
	if sub.Status != assessment.SubmissionDraft {
		t.Errorf("status %s; want draft", sub.Status)
	}
	doc := parseHTML(t, body)
	forms := findAll(doc, byAttr("form", "data-save-url", tcForm+"/values"))
	if len(forms) != 1 {
		t.Fatal("no autosave form")
	}
	if v := attrOr(forms[0], "data-version"); v != jsonNum(sub.Version) {
		t.Errorf("data-version = %q; want %d", v, sub.Version)
	}
	if n := findAll(doc, byAttr("input", "id", "in-NT_02-meetings")); len(n) != 1 || hasAttr(n[0], "disabled") {
		t.Error("NT.02 is not editable for the unit's editor")
	}
	if n := findAll(doc, byAttr("input", "id", "in-NT_07-dvc")); len(n) != 1 || !hasAttr(n[0], "disabled") {
		t.Error("NT.07 (secretariat) is editable")
	}
	// An editor does not submit: no submit form.
	if strings.Contains(body, tcForm+"/submit") {
		t.Error("an editor is offered the submit button")
	}
}

func jsonNum(v int64) string { b, _ := json.Marshal(v); return string(b) }

func TestAutosave(t *testing.T) {
	s, fx := newFixtureServer(t)
	ck := fx.signIn(t, "editor.tc")
	get(t, s, tcForm, ck)
	v0 := fx.submission(t, "SO-TC").Version
	target := tcForm + "/values"

	status, out := saveJSON(t, s, ck, "csrf-editor.tc", target, v0, map[string]any{
		"v|NT.01|has_board": "1",
		"v|NT.02|meetings":  "4",
		"v|NT.05|channels":  []string{"web", "social"},
		"v|NT.06|note":      "<b>ghi chú</b>",
	})
	if status != 200 {
		t.Fatalf("save: %d %v", status, out)
	}
	v1 := int64(out["version"].(float64))
	if v1 <= v0 || out["saved_at"] != "10:42" || out["score"] != "40,00 / 90,00" {
		// NT.01 yes: 20; NT.02 4 meetings × 0.25 caps at 10; NT.05 both channels: 10.
		t.Errorf("save answer = %v; want a newer version, 10:42 and the score 40,00 / 90,00 (NT.07, best in block, waits for closing)", out)
	}
	got := fx.values(t, "SO-TC")
	want := map[string]string{"NT.01/has_board": "true", "NT.02/meetings": "4", "NT.05/channels": "web,social", "NT.06/note": "<b>ghi chú</b>"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("stored %s = %q; want %q", k, got[k], v)
		}
	}
	// The page shows the saved values, text escaped.
	_, body := get(t, s, tcForm, ck)
	if !strings.Contains(body, `value="&lt;b&gt;ghi chú&lt;/b&gt;"`) {
		t.Error("the saved note is not shown escaped")
	}

	tests := []struct {
		name    string
		version int64
		csrf    string
		values  map[string]any
		want    int
		errKey  string
	}{
		{"stale version", v0, "csrf-editor.tc", map[string]any{"v|NT.02|meetings": "9"}, 409, ""},
		{"value out of range", v1, "csrf-editor.tc", map[string]any{"v|NT.02|meetings": "9", "v|NT.03|online": "120"}, 422, "v|NT.03|online"},
		{"read-only input", v1, "csrf-editor.tc", map[string]any{"v|NT.07|dvc": "5"}, 422, "v|NT.07|dvc"},
		{"unknown field", v1, "csrf-editor.tc", map[string]any{"v|NT.99|x": "1"}, 422, "v|NT.99|x"},
		{"bad field name", v1, "csrf-editor.tc", map[string]any{"meetings": "1"}, 422, "meetings"},
		{"not applicable to the unit", v1, "csrf-editor.tc", map[string]any{"v|NT.08|communes": "3"}, 422, "v|NT.08|communes"},
		{"no CSRF header", v1, "", map[string]any{"v|NT.02|meetings": "9"}, 403, ""},
		{"another session's token", v1, "csrf-editor.yt", map[string]any{"v|NT.02|meetings": "9"}, 403, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, out := saveJSON(t, s, ck, tc.csrf, target, tc.version, tc.values)
			if status != tc.want {
				t.Fatalf("status %d (%v); want %d", status, out, tc.want)
			}
			if tc.errKey != "" {
				errs, _ := out["errors"].(map[string]any)
				if msg, _ := errs[tc.errKey].(string); msg == "" {
					t.Errorf("errors = %v; want a message for %s", out["errors"], tc.errKey)
				}
			}
			// Nothing changed: all or nothing.
			if v := fx.submission(t, "SO-TC").Version; v != v1 {
				t.Errorf("version moved to %d", v)
			}
			if got := fx.values(t, "SO-TC")["NT.02/meetings"]; got != "4" {
				t.Errorf("NT.02 = %q after a refused save", got)
			}
		})
	}
	// Clearing a value.
	status, out = saveJSON(t, s, ck, "csrf-editor.tc", target, v1, map[string]any{"v|NT.05|channels": []string{}})
	if status != 200 {
		t.Fatalf("clear: %d %v", status, out)
	}
	if _, ok := fx.values(t, "SO-TC")["NT.05/channels"]; ok {
		t.Error("NT.05 still stored after clearing")
	}
}

func TestSaveValuesForm_WithoutScript(t *testing.T) {
	s, fx := newFixtureServer(t)
	ck := fx.signIn(t, "editor.tc")
	get(t, s, tcForm, ck)
	v := fx.submission(t, "SO-TC").Version
	form := url.Values{"_csrf": {"csrf-editor.tc"}, "version": {jsonNum(v)},
		"v|NT.02|meetings": {"3"}, "v|NT.03|online": {"abc"}, "v|NT.05|channels": {"web", "social"}}
	resp, body := postForm(t, s, tcForm, form, ck)
	if resp.StatusCode != 422 {
		t.Fatalf("refused save: %d", resp.StatusCode)
	}
	doc := parseHTML(t, body)
	if n := findAll(doc, byAttr("input", "id", "in-NT_03-online")); len(n) != 1 || attrOr(n[0], "value") != "abc" || attrOr(n[0], "aria-invalid") != "true" {
		t.Error("the refused value is not kept and marked")
	}
	if n := findAll(doc, byAttr("p", "id", "in-NT_03-online-error")); len(n) != 1 || hasAttr(n[0], "hidden") || text(n[0]) == "" {
		t.Error("no error next to NT.03")
	}
	if n := findAll(doc, byAttr("input", "id", "in-NT_02-meetings")); len(n) != 1 || attrOr(n[0], "value") != "3" {
		t.Error("the other typed value is lost")
	}
	if _, ok := fx.values(t, "SO-TC")["NT.02/meetings"]; ok {
		t.Error("a refused save stored a value")
	}
	delete(form, "v|NT.03|online")
	resp, _ = postForm(t, s, tcForm, form, ck)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", resp.StatusCode)
	}
	if got := fx.values(t, "SO-TC"); got["NT.02/meetings"] != "3" || got["NT.05/channels"] != "web,social" {
		t.Errorf("stored %v", got)
	}
	flash := cookieNamed(resp, cookieFlash)
	if flash == nil {
		t.Fatal("no flash cookie")
	}
	_, body = get(t, s, tcForm, ck, flash)
	if !strings.Contains(body, "Đã lưu biểu mẫu.") {
		t.Error("no saved notice after the redirect")
	}
}

func TestSubmit(t *testing.T) {
	s, fx := newFixtureServer(t)
	ctx := context.Background()
	ck := fx.signIn(t, "approver.tc")
	_, body := get(t, s, tcForm, ck)
	if !strings.Contains(body, tcForm+"/submit") {
		t.Fatal("the approver has no submit button")
	}
	sub := fx.submission(t, "SO-TC")
	submit := func(version int64) (*http.Response, string) {
		return postForm(t, s, tcForm+"/submit", url.Values{"_csrf": {"csrf-approver.tc"}, "version": {jsonNum(version)}}, ck)
	}
	// Empty form: refused with the checklist, nothing changes.
	resp, body := submit(sub.Version)
	if resp.StatusCode != 422 {
		t.Fatalf("incomplete submit: %d", resp.StatusCode)
	}
	doc := parseHTML(t, body)
	items := findAll(doc, func(n *html.Node) bool {
		return n.Data == "li" && n.Parent != nil && n.Parent.Parent != nil && hasClass(n.Parent.Parent, "checklist")
	})
	var listed []string
	for _, li := range items {
		listed = append(listed, text(li))
	}
	joined := strings.Join(listed, "\n")
	for _, want := range []string{"NT.01 — Có ban chỉ đạo", "NT.01 — thiếu minh chứng", "NT.02 — Số cuộc họp", "NT.06 — Ngày ban hành"} {
		if !strings.Contains(joined, want) {
			t.Errorf("checklist lacks %q:\n%s", want, joined)
		}
	}
	if strings.Contains(joined, "NT.07") {
		t.Error("the checklist asks the unit for the secretariat's NT.07")
	}
	if fx.submission(t, "SO-TC").Status != assessment.SubmissionDraft {
		t.Fatal("an incomplete form was submitted")
	}
	// Fill what is required and give the evidence.
	status, out := saveJSON(t, s, ck, "csrf-approver.tc", tcForm+"/values", sub.Version, map[string]any{
		"v|NT.01|has_board": "1", "v|NT.02|meetings": "2", "v|NT.03|online": "75",
		"v|NT.04|chair": "head", "v|NT.06|plan_date": "2025-03-01",
	})
	if status != 200 {
		t.Fatalf("save: %d %v", status, out)
	}
	err := fx.store.AddEvidence(ctx, fx.users["approver.tc"].Actor(), &assessment.Evidence{
		SubmissionID: sub.ID, Indicator: "NT.01", Kind: assessment.EvidenceLink, URL: "https://vanban.example.gov.vn/qd-12",
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	version := int64(out["version"].(float64))
	version = fx.submission(t, "SO-TC").Version // adding evidence moves the version too
	if resp, _ := submit(version - 1); resp.StatusCode != http.StatusConflict {
		t.Errorf("submit on a stale version: %d; want 409", resp.StatusCode)
	}
	resp, _ = submit(version)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("complete submit: %d", resp.StatusCode)
	}
	if st := fx.submission(t, "SO-TC").Status; st != assessment.SubmissionSubmitted {
		t.Fatalf("status %s; want submitted", st)
	}
	// Submitted: read-only for the unit, and saves are refused.
	edCk := fx.signIn(t, "editor.tc")
	_, body = get(t, s, tcForm, edCk)
	if strings.Contains(body, "data-save-url") || !strings.Contains(body, "https://vanban.example.gov.vn/qd-12") {
		t.Error("a submitted form is still editable, or its evidence is not shown")
	}
	status, _ = saveJSON(t, s, edCk, "csrf-editor.tc", tcForm+"/values", fx.submission(t, "SO-TC").Version, map[string]any{"v|NT.02|meetings": "9"})
	if status != 403 {
		t.Errorf("save on a submitted form: %d; want 403", status)
	}
}

func hasClass(n *html.Node, class string) bool {
	return strings.Contains(" "+attrOr(n, "class")+" ", " "+class+" ")
}

func TestScoreJSON(t *testing.T) {
	s, fx := newFixtureServer(t)
	ck := fx.signIn(t, "editor.tc")
	get(t, s, tcForm, ck)
	saveJSON(t, s, ck, "csrf-editor.tc", tcForm+"/values", fx.submission(t, "SO-TC").Version, map[string]any{"v|NT.04|chair": "deputy"})
	req := httptest.NewRequest(http.MethodGet, tcForm+"/score", nil)
	req.Header.Set("Accept", "application/json")
	req.AddCookie(ck)
	resp, body := do(t, s, req)
	if resp.StatusCode != 200 || !strings.Contains(body, `"score":"10,00 / 90,00"`) {
		t.Errorf("score: %d %s; want 10,00 / 90,00 (deputy chair: half of 20; NT.07 compared with peers is left out)", resp.StatusCode, body)
	}
}
