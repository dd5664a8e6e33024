package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestSave_NegativeVersionRefused checks that a save cannot skip the
// conflict check with a negative or missing version: a stale save does
// not overwrite what someone else saved meanwhile.
func TestSave_NegativeVersionRefused(t *testing.T) {
	s, fx := newFixtureServer(t)
	ck := fx.signIn(t, "editor.tc")
	get(t, s, tcForm, ck)
	v := fx.submission(t, "SO-TC").Version
	if st, out := saveJSON(t, s, ck, "csrf-editor.tc", tcForm+"/values", v, map[string]any{"v|NT.02|meetings": "4"}); st != 200 {
		t.Fatalf("first save: %d %v", st, out)
	}
	after := fx.submission(t, "SO-TC").Version

	t.Run("json", func(t *testing.T) {
		for _, bad := range []int64{-1, -1 << 40} {
			st, out := saveJSON(t, s, ck, "csrf-editor.tc", tcForm+"/values", bad, map[string]any{"v|NT.02|meetings": "9"})
			if st != http.StatusBadRequest || out["error"] == "" {
				t.Errorf("version %d: %d %v; want 400 with an error", bad, st, out)
			}
		}
	})
	t.Run("form post", func(t *testing.T) {
		for _, bad := range []string{"-1", "", "abc", "1.5"} {
			form := url.Values{"_csrf": {"csrf-editor.tc"}, "v|NT.02|meetings": {"9"}}
			if bad != "" {
				form.Set("version", bad)
			}
			resp, body := postForm(t, s, tcForm, form, ck)
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("version %q: %d; want 422", bad, resp.StatusCode)
				continue
			}
			if !strings.Contains(text(parseHTML(t, body)), "tải lại trang") {
				t.Errorf("version %q: the page does not say to reload", bad)
			}
		}
	})
	if got := fx.values(t, "SO-TC")["NT.02/meetings"]; got != "4" {
		t.Errorf("NT.02/meetings = %q after refused saves; want the first save's 4", got)
	}
	if got := fx.submission(t, "SO-TC").Version; got != after {
		t.Errorf("version %d after refused saves; want %d", got, after)
	}
	// The stale but well-formed version still conflicts.
	if st, _ := saveJSON(t, s, ck, "csrf-editor.tc", tcForm+"/values", v, map[string]any{"v|NT.02|meetings": "9"}); st != http.StatusConflict {
		t.Errorf("stale version %d: %d; want 409", v, st)
	}
}
