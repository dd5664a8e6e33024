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
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/dti-platform/dti/scoring"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// fixedNow is the clock of every test server.
var fixedNow = time.Date(2025, 12, 31, 3, 42, 0, 0, time.UTC) // 10:42 in Vietnam

func fptr(v float64) *float64 { return &v }

// testIndex builds a small index by hand: two pillars, a group with every
// input type, a secretariat-sourced indicator, an indicator only for
// districts, and a bonus item.
func testIndex() *scoring.Index {
	ix := &scoring.Index{
		Code:     "TEST-2025",
		Version:  "2025.1",
		Name:     scoring.Text{VI: "Chỉ số thử nghiệm", EN: "Test index"},
		Style:    scoring.StylePoints,
		Scale:    1000,
		Rounding: scoring.Rounding{ValueDecimals: 4, PointsDecimals: 2},
		UnitTypes: []scoring.UnitType{
			{Code: "department", Name: scoring.Text{VI: "Sở, ban, ngành", EN: "Department"}, Enabled: true},
			{Code: "district", Name: scoring.Text{VI: "Cấp huyện", EN: "District"}, Enabled: true},
		},
		Blocks: []scoring.Block{
			{Code: "SO", Name: scoring.Text{VI: "Khối sở", EN: "Departments"}, UnitTypes: []string{"department"}, Ranked: true},
			{Code: "HUYEN", Name: scoring.Text{VI: "Khối huyện", EN: "Districts"}, UnitTypes: []string{"district"}, Ranked: true},
		},
		Pillars: []scoring.Pillar{
			{Code: "CQS", Name: scoring.Text{VI: "Chính quyền số", EN: "Digital government"}},
			{Code: "KTS", Name: scoring.Text{VI: "Kinh tế số", EN: "Digital economy"}},
		},
		Bands: []scoring.Band{
			{Code: "A", Name: scoring.Text{VI: "Tốt", EN: "Good"}, MinPercent: 75},
			{Code: "B", Name: scoring.Text{VI: "Khá", EN: "Fair"}, MinPercent: 50},
			{Code: "C", Name: scoring.Text{VI: "Yếu", EN: "Weak"}, MinPercent: 0},
		},
	}
	g := &scoring.Node{
		Code: "NT", Name: scoring.Text{VI: "Nhận thức số", EN: "Digital awareness"}, MaxPoints: 100,
		Aggregation: scoring.AggSum,
	}
	ind := func(code, vi string, mp float64, inputs ...scoring.Input) *scoring.Node {
		n := &scoring.Node{
			Code: code, Name: scoring.Text{VI: vi, EN: vi + " (en)"}, MaxPoints: mp, Parent: g, Depth: 1,
			Inputs: inputs, Method: &scoring.Method{Kind: scoring.MethodBoolean}, Source: scoring.SourceSelf,
		}
		g.Children = append(g.Children, n)
		return n
	}
	ind("NT.01", "Ban chỉ đạo chuyển đổi số", 10, scoring.Input{
		Key: "has_board", Label: scoring.Text{VI: "Có ban chỉ đạo", EN: "Has a steering board"}, Type: scoring.InputBoolean, Required: true,
	}).Evidence = scoring.Evidence{Required: true, Hint: scoring.Text{VI: "Quyết định thành lập", EN: "Founding decision"}}
	ind("NT.02", "Số cuộc họp", 10, scoring.Input{
		Key: "meetings", Label: scoring.Text{VI: "Số cuộc họp", EN: "Meetings"}, Type: scoring.InputCount, Required: true,
		Help: scoring.Text{VI: "Tính cả họp trực tuyến", EN: "Online meetings count"},
	})
	ind("NT.03", "Tỷ lệ hồ sơ trực tuyến", 20, scoring.Input{
		Key: "online", Label: scoring.Text{VI: "Tỷ lệ", EN: "Share"}, Type: scoring.InputPercent, Required: true,
	}, scoring.Input{
		Key: "budget", Label: scoring.Text{VI: "Kinh phí", EN: "Budget"}, Type: scoring.InputNumber, Unit: "triệu đồng",
		Min: fptr(0), Max: fptr(5000.5),
	})
	ind("NT.04", "Người đứng đầu", 20, scoring.Input{
		Key: "chair", Label: scoring.Text{VI: "Trưởng ban", EN: "Chair"}, Type: scoring.InputChoice, Required: true,
		Options: []scoring.Option{
			{Value: "head", Label: scoring.Text{VI: "Người đứng đầu", EN: "Head"}},
			{Value: "deputy", Label: scoring.Text{VI: "Cấp phó", EN: "Deputy"}},
		},
	})
	ind("NT.05", "Kênh truyền thông", 10, scoring.Input{
		Key: "channels", Label: scoring.Text{VI: "Kênh", EN: "Channels"}, Type: scoring.InputMultiChoice,
		Options: []scoring.Option{
			{Value: "web", Label: scoring.Text{VI: "Cổng thông tin", EN: "Portal"}},
			{Value: "social", Label: scoring.Text{VI: "Mạng xã hội", EN: "Social media"}},
		},
	})
	ind("NT.06", "Ngày ban hành kế hoạch", 10, scoring.Input{
		Key: "plan_date", Label: scoring.Text{VI: "Ngày ban hành", EN: "Issued on"}, Type: scoring.InputDate, Required: true,
	}, scoring.Input{
		Key: "plan_url", Label: scoring.Text{VI: "Đường dẫn", EN: "Link"}, Type: scoring.InputURL,
	}, scoring.Input{
		Key: "note", Label: scoring.Text{VI: "Ghi chú", EN: "Note"}, Type: scoring.InputText,
	})
	sys := ind("NT.07", "Dịch vụ công trực tuyến", 10, scoring.Input{
		Key: "dvc", Label: scoring.Text{VI: "Số dịch vụ", EN: "Services"}, Type: scoring.InputCount, Required: true,
	})
	sys.Source = scoring.SourceSecretariat
	dist := ind("NT.08", "Xã có mạng", 10, scoring.Input{
		Key: "communes", Label: scoring.Text{VI: "Số xã", EN: "Communes"}, Type: scoring.InputCount, Required: true,
	})
	dist.AppliesTo = []string{"district"}
	dist.MaxPointsBy = map[string]float64{"district": 12.5}
	ix.Nodes = []*scoring.Node{g}
	ix.Adjustments = []*scoring.Node{{
		Code: "BONUS.01", Name: scoring.Text{VI: "Giải thưởng", EN: "Awards"}, MaxPoints: 30, Adjustment: "bonus",
		Inputs: []scoring.Input{{Key: "awards", Label: scoring.Text{VI: "Số giải", EN: "Awards"}, Type: scoring.InputCount}},
		Method: &scoring.Method{Kind: scoring.MethodCountCapped},
	}}
	return ix
}

// newTestServer builds a server over the test index with a fixed clock.
func newTestServer(t *testing.T, mod ...func(*Config)) *Server {
	t.Helper()
	cfg := Config{
		Index:  testIndex(),
		Now:    func() time.Time { return fixedNow },
		Secret: bytes.Repeat([]byte("k"), 32),
	}
	for _, m := range mod {
		m(&cfg)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
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
