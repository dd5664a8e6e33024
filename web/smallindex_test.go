package web

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/dti-platform/dti/scoring"
)

// TestFormPreview_SmallIndex renders the forms of the scoring package's
// fixture index for each unit type and checks every control against the
// index: one control (or group) per applicable input, each labelled, the
// read-only sources disabled.
func TestFormPreview_SmallIndex(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "scoring", "testdata", "small.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	ix, err := scoring.ParseIndex(src)
	if err != nil {
		t.Fatal(err)
	}
	s := newTestServer(t, func(c *Config) { c.Index = ix })
	for _, ut := range ix.UnitTypes {
		t.Run(ut.Code, func(t *testing.T) {
			resp, body := get(t, s, "/index/form/"+ut.Code, &http.Cookie{Name: cookieLang, Value: "en"})
			if resp.StatusCode != 200 {
				t.Fatalf("status %d", resp.StatusCode)
			}
			doc := parseHTML(t, body)
			labels := map[string]bool{}
			for _, l := range findAll(doc, func(n *html.Node) bool { return n.Data == "label" }) {
				if f, ok := attr(l, "for"); ok {
					labels[f] = true
				}
			}
			nodes := append(append([]*scoring.Node{}, ix.Indicators()...), ix.Adjustments...)
			skipped := 0
			for _, n := range nodes {
				if !ix.Applies(n, ut.Code) {
					if len(findAll(doc, byAttr("", "id", "ind-"+htmlID(n.Code)))) != 0 {
						t.Errorf("%s does not apply to %s but is on its form", n.Code, ut.Code)
					}
					skipped++
					continue
				}
				for _, in := range n.Inputs {
					id := "in-" + htmlID(n.Code) + "-" + htmlID(in.Key)
					if in.Type == scoring.InputMultiChoice {
						id += "-0"
					}
					els := findAll(doc, byAttr("", "id", id))
					if len(els) != 1 {
						t.Errorf("%s/%s: %d controls #%s; want 1", n.Code, in.Key, len(els), id)
						continue
					}
					el := els[0]
					switch in.Type {
					case scoring.InputBoolean, scoring.InputMultiChoice:
						if el.Parent.Data != "label" {
							t.Errorf("%s/%s: the choice is not inside its label", n.Code, in.Key)
						}
					default:
						if !labels[id] {
							t.Errorf("%s/%s: no <label for=%s>", n.Code, in.Key, id)
						}
					}
					src := in.Source
					if src == "" {
						src = n.Source
					}
					if got := hasAttr(el, "disabled"); got != src.ReadOnlyForUnit() {
						t.Errorf("%s/%s (source %q): disabled = %v", n.Code, in.Key, src, got)
					}
					if lbl := in.Label.In("en"); lbl != "" && !strings.Contains(body, lbl) {
						t.Errorf("%s/%s: the English label %q is not shown", n.Code, in.Key, lbl)
					}
				}
			}
			if skipped == 0 {
				t.Errorf("no indicator of small.yaml is left out for %s: the fixture lost its applies_to", ut.Code)
			}
		})
	}
}
