package web

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/dti-platform/dti/scoring"
)

// renderPage renders a page with fixed request data, for golden files and
// partial tests.
func renderPage(t *testing.T, s *Server, lang, page, title string, data any) string {
	t.Helper()
	tm, err := s.views.page(lang, page)
	if err != nil {
		t.Fatal(err)
	}
	p := &Page{Lang: lang, L: &Localizer{Lang: lang, cat: s.cats[lang], loc: vietnam}, Title: title,
		CSRF: "test-token", Path: "/test", RequestID: "rid", Data: data}
	var buf bytes.Buffer
	if err := tm.ExecuteTemplate(&buf, "base", p); err != nil {
		t.Fatalf("render %s: %v", page, err)
	}
	return buf.String()
}

func TestFormPreview_Controls(t *testing.T) {
	s := newTestServer(t)
	resp, body := get(t, s, "/index/form/department")
	if resp.StatusCode != 200 {
		t.Fatalf("GET /index/form/department: status %d", resp.StatusCode)
	}
	doc := parseHTML(t, body)
	byID := func(id string) *html.Node {
		t.Helper()
		n := findAll(doc, byAttr("", "id", id))
		if len(n) != 1 {
			t.Fatalf("%d elements with id %q; want 1", len(n), id)
		}
		return n[0]
	}
	tests := []struct {
		id    string
		tag   string
		attrs map[string]string
	}{
		{"in-NT_01-has_board", "input", map[string]string{"type": "radio", "value": "1", "name": "v|NT.01|has_board"}},
		{"in-NT_01-has_board-no", "input", map[string]string{"type": "radio", "value": "0"}},
		{"in-NT_02-meetings", "input", map[string]string{"type": "number", "step": "1", "min": "0", "aria-required": "true", "aria-describedby": "in-NT_02-meetings-help"}},
		{"in-NT_03-online", "input", map[string]string{"type": "number", "min": "0", "max": "100", "step": "any"}},
		{"in-NT_03-budget", "input", map[string]string{"type": "number", "min": "0", "max": "5000.5"}},
		{"in-NT_04-chair", "select", map[string]string{"name": "v|NT.04|chair"}},
		{"in-NT_05-channels-0", "input", map[string]string{"type": "checkbox", "value": "web", "name": "v|NT.05|channels"}},
		{"in-NT_05-channels-1", "input", map[string]string{"type": "checkbox", "value": "social"}},
		{"in-NT_06-plan_date", "input", map[string]string{"type": "date"}},
		{"in-NT_06-plan_url", "input", map[string]string{"type": "url"}},
		{"in-NT_06-note", "input", map[string]string{"type": "text"}},
		{"in-NT_07-dvc", "input", map[string]string{"type": "number", "disabled": ""}},
		{"in-BONUS_01-awards", "input", map[string]string{"type": "number"}},
	}
	for _, tc := range tests {
		n := byID(tc.id)
		if n.Data != tc.tag {
			t.Errorf("#%s is <%s>; want <%s>", tc.id, n.Data, tc.tag)
		}
		for k, want := range tc.attrs {
			if got, ok := attr(n, k); !ok || got != want {
				t.Errorf("#%s %s = %q (present %v); want %q", tc.id, k, got, ok, want)
			}
		}
	}
	// Every text-like control and select has a <label for>; radios and
	// checkboxes sit inside a fieldset with a legend and a label.
	labels := map[string]string{}
	for _, l := range findAll(doc, func(n *html.Node) bool { return n.Data == "label" }) {
		if f, ok := attr(l, "for"); ok {
			labels[f] = text(l)
		}
	}
	for _, in := range findAll(doc, func(n *html.Node) bool { return n.Data == "input" || n.Data == "select" }) {
		typ, _ := attr(in, "type")
		id, _ := attr(in, "id")
		switch typ {
		case "hidden":
		case "radio", "checkbox":
			if in.Parent.Data != "label" {
				t.Errorf("#%s is not inside its label", id)
			}
		default:
			if labels[id] == "" {
				t.Errorf("#%s (%s) has no <label for>", id, typ)
			}
		}
	}
	if got := labels["in-NT_02-meetings"]; got != "Số cuộc họp *(bắt buộc)" {
		t.Errorf("label of NT.02 = %q", got)
	}
	legends := findAll(doc, func(n *html.Node) bool { return n.Data == "legend" })
	if len(legends) != 2 || !strings.HasPrefix(text(legends[0]), "Có ban chỉ đạo") {
		t.Errorf("legends = %d; want the yes/no and the checkbox group", len(legends))
	}
	// Read-only source: disabled and badged.
	ind7 := byID("ind-NT_07")
	if !strings.Contains(text(ind7), "Văn phòng thường trực nhập") || !strings.Contains(text(ind7), "Chỉ xem") {
		t.Errorf("NT.07 lacks its source and read-only badges: %q", text(ind7))
	}
	// Evidence rule, max points, guidance.
	ind1 := byID("ind-NT_01")
	if !strings.Contains(text(ind1), "Cần minh chứng") || !strings.Contains(text(ind1), "Quyết định thành lập") || !strings.Contains(text(ind1), "Tối đa 20,00 điểm") {
		t.Errorf("NT.01 lacks evidence or points: %q", text(ind1))
	}
	// The district-only indicator is not on a department's form.
	if n := findAll(doc, byAttr("", "id", "ind-NT_08")); len(n) != 0 {
		t.Error("a department's form shows the district-only NT.08")
	}
	// Progress counts required inputs the unit may edit: NT.01, 02, 03
	// online, 04, 06 date (NT.07 is the secretariat's).
	if p := findAll(doc, func(n *html.Node) bool { return n.Data == "progress" }); len(p) != 1 || attrOr(p[0], "max") != "5" || attrOr(p[0], "value") != "0" {
		t.Errorf("progress = %v; want max 5 value 0", p)
	}
}

func attrOr(n *html.Node, k string) string { v, _ := attr(n, k); return v }

func TestFormPreview_UnitTypes(t *testing.T) {
	s := newTestServer(t)
	_, body := get(t, s, "/index/form/district", &http.Cookie{Name: cookieLang, Value: "en"})
	doc := parseHTML(t, body)
	n := findAll(doc, byAttr("", "id", "ind-NT_08"))
	if len(n) != 1 {
		t.Fatal("a district's form lacks NT.08")
	}
	if !strings.Contains(text(n[0]), "Max 12.50 points") {
		t.Errorf("NT.08 for a district: %q; want its per-type max 12.50", text(n[0]))
	}
	if resp, _ := get(t, s, "/index/form/province"); resp.StatusCode != 404 {
		t.Errorf("GET /index/form/province: %d; want 404", resp.StatusCode)
	}
}

func TestBuildForm_ValuesAndErrors(t *testing.T) {
	s := newTestServer(t)
	ix := testIndex()
	k := func(ind, in string) scoring.InputKey { return scoring.InputKey{Indicator: ind, Input: in} }
	form := BuildForm(ix, FormOptions{
		UnitType: "department",
		Lang:     LangVI,
		Values: map[scoring.InputKey]scoring.Value{
			k("NT.01", "has_board"): {Set: true, Num: 0},
			k("NT.02", "meetings"):  {Set: true, Num: 4},
			k("NT.04", "chair"):     {Set: true, Text: "deputy"},
			k("NT.05", "channels"):  {Set: true, Text: "web,social"},
			k("NT.06", "plan_date"): {Set: true, Text: "2025-03-01"},
			k("NT.07", "dvc"):       {Set: true, Num: 12},
		},
		Raw:    map[scoring.InputKey][]string{k("NT.03", "online"): {"120"}},
		Errors: map[scoring.InputKey]string{k("NT.03", "online"): "Tỷ lệ phải từ 0 đến 100"},
	})
	if form.Filled != 5 || form.Required != 5 {
		t.Errorf("progress %d/%d; want 5/5 (NT.03 typed but refused still counts as typed)", form.Filled, form.Required)
	}
	if form.Errors != 1 {
		t.Errorf("Errors = %d; want 1", form.Errors)
	}
	body := renderPage(t, s, LangVI, "form_preview", "x", formPreviewView{Form: form})
	doc := parseHTML(t, body)
	one := func(id string) *html.Node {
		n := findAll(doc, byAttr("", "id", id))
		if len(n) != 1 {
			t.Fatalf("%d elements #%s", len(n), id)
		}
		return n[0]
	}
	if hasAttr(one("in-NT_01-has_board"), "checked") || !hasAttr(one("in-NT_01-has_board-no"), "checked") {
		t.Error("NT.01 = no: the No radio is not the checked one")
	}
	if v := attrOr(one("in-NT_02-meetings"), "value"); v != "4" {
		t.Errorf("NT.02 value = %q; want 4", v)
	}
	online := one("in-NT_03-online")
	if attrOr(online, "value") != "120" || attrOr(online, "aria-invalid") != "true" {
		t.Errorf("NT.03 does not keep the refused value and mark it invalid: %v", online.Attr)
	}
	if d := attrOr(online, "aria-describedby"); d != "in-NT_03-online-error" {
		t.Errorf("NT.03 aria-describedby = %q", d)
	}
	errEl := one("in-NT_03-online-error")
	if hasAttr(errEl, "hidden") || text(errEl) != "Tỷ lệ phải từ 0 đến 100" {
		t.Errorf("error next to NT.03: hidden=%v text %q", hasAttr(errEl, "hidden"), text(errEl))
	}
	if hasAttr(one("in-NT_02-meetings-error"), "hidden") == false {
		t.Error("the error slot of a valid field is not hidden")
	}
	selected := findAll(one("in-NT_04-chair"), func(n *html.Node) bool { return n.Data == "option" && hasAttr(n, "selected") })
	if len(selected) != 1 || attrOr(selected[0], "value") != "deputy" {
		t.Errorf("selected chair options = %v; want deputy", selected)
	}
	if !hasAttr(one("in-NT_05-channels-0"), "checked") || !hasAttr(one("in-NT_05-channels-1"), "checked") {
		t.Error("multi_choice web,social: both boxes should be checked")
	}
	if v := attrOr(one("in-NT_07-dvc"), "value"); v != "12" {
		t.Errorf("read-only NT.07 shows %q; want the secretariat's 12", v)
	}
	if !strings.Contains(body, "Có 1 ô cần sửa") {
		t.Error("no summary of the errors at the top of the form")
	}
}

func TestBuildForm_ReadOnly(t *testing.T) {
	form := BuildForm(testIndex(), FormOptions{UnitType: "department", Lang: LangVI, ReadOnly: true})
	var walk func(*FormSection)
	walk = func(s *FormSection) {
		for _, in := range s.Indicators {
			for _, f := range in.Inputs {
				if !f.ReadOnly {
					t.Errorf("%s/%s is editable on a read-only form", in.Code, f.Key)
				}
			}
		}
		for _, c := range s.Sections {
			walk(c)
		}
	}
	for _, s := range form.Sections {
		walk(s)
	}
}

func TestForm_EscapesIndexText(t *testing.T) {
	ix := testIndex()
	evil := `<script>alert("x")</script>`
	ix.Nodes[0].Name = scoring.Text{VI: evil}
	ix.Nodes[0].Children[0].Guidance = scoring.Text{VI: evil + `<img src=x onerror=alert(1)>`}
	ix.Nodes[0].Children[1].Inputs[0].Label = scoring.Text{VI: `"><script>bad()</script>`}
	ix.Nodes[0].Children[3].Inputs[0].Options[0].Value = `x" onmouseover="alert(1)`
	ix.Name = scoring.Text{VI: evil}
	s := newTestServer(t, func(c *Config) { c.Index = ix })
	for _, path := range []string{"/index/form/department", "/index"} {
		_, body := get(t, s, path)
		if strings.Contains(body, "<script>alert") || strings.Contains(body, "<script>bad") || strings.Contains(body, "<img src=x") ||
			strings.Contains(body, `onmouseover="alert`) {
			t.Errorf("GET %s renders index text unescaped", path)
		}
		if !strings.Contains(body, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") {
			t.Errorf("GET %s: the escaped name is missing", path)
		}
	}
}

func TestFieldName_RoundTrip(t *testing.T) {
	tests := []struct {
		ind, in string
	}{
		{"NT.01", "has_board"},
		{"CQS.2.3", "a"},
		{"X|Y", "z"},
	}
	for _, tc := range tests {
		got, ok := ParseFieldName(FieldName(tc.ind, tc.in))
		if !ok || got.Indicator != tc.ind || got.Input != tc.in {
			t.Errorf("ParseFieldName(FieldName(%q, %q)) = %v, %v", tc.ind, tc.in, got, ok)
		}
	}
	for _, bad := range []string{"", "v|", "v|x", "v|x|", "w|a|b", "_csrf"} {
		if _, ok := ParseFieldName(bad); ok {
			t.Errorf("ParseFieldName(%q) accepted", bad)
		}
	}
}
