package web

import (
	"bytes"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/dti-platform/dti/scoring"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// fixedNow is the clock of every test server.
var fixedNow = time.Date(2025, 12, 31, 3, 42, 0, 0, time.UTC) // 10:42 in Vietnam

// indexSrc is testdata/index.yaml, read once (a test may change directory).
var (
	indexSrcOnce sync.Once
	indexSrc     []byte
)

// testIndex parses testdata/index.yaml: every input type, a
// secretariat-sourced indicator, a district-only indicator with a per-type
// max, and a bonus item. Each call returns a fresh index that a test may
// change.
func testIndex() *scoring.Index {
	indexSrcOnce.Do(func() {
		var err error
		if indexSrc, err = os.ReadFile(filepath.Join("testdata", "index.yaml")); err != nil {
			panic(err)
		}
	})
	ix, err := scoring.ParseIndex(indexSrc)
	if err != nil {
		panic(err)
	}
	return ix
}

// newTestServer builds a server over the test index and a fresh store
// (see newFixture) with a fixed clock.
func newTestServer(t testing.TB, mod ...func(*Config)) *Server {
	t.Helper()
	s, _ := newFixtureServer(t, mod...)
	return s
}

// newFixtureServer is newTestServer that also returns the fixture.
func newFixtureServer(t testing.TB, mod ...func(*Config)) (*Server, *fixture) {
	t.Helper()
	fx := newFixture(t)
	cfg := Config{
		Store:  fx.store,
		Index:  fx.ix,
		Now:    fx.clock,
		Secret: bytes.Repeat([]byte("k"), 32),
	}
	for _, m := range mod {
		m(&cfg)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s, fx
}

// do sends req through the app and returns the response and its body.
func do(t *testing.T, s *Server, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := s.App().Test(req, -1)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

func get(t *testing.T, s *Server, target string, cookies ...*http.Cookie) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	return do(t, s, req)
}

// parseHTML parses a page.
func parseHTML(t *testing.T, body string) *html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatalf("parse HTML: %v", err)
	}
	return doc
}

// findAll returns the elements under n for which match is true.
func findAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

// byAttr matches elements with the tag (any if "") and attribute value.
func byAttr(tag, key, val string) func(*html.Node) bool {
	return func(n *html.Node) bool {
		if tag != "" && n.Data != tag {
			return false
		}
		v, ok := attr(n, key)
		return ok && v == val
	}
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

func hasAttr(n *html.Node, key string) bool { _, ok := attr(n, key); return ok }

// text returns the text content of n, spaces collapsed.
func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

// checkGolden compares got with testdata/name, rewriting it with -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(p, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run go test ./web -run %s -update and review the diff", p, t.Name())
	}
}
