package web

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/net/html"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/reports"
)

// downloadTemplate fetches the form's template as user and opens it.
func downloadTemplate(t *testing.T, s *Server, fx *fixture, form, user string) *excelize.File {
	t.Helper()
	resp, body := get(t, s, form+"/template.xlsx", fx.signIn(t, user))
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != reports.ContentTypeXLSX {
		t.Fatalf("template download: %d %s\n%.300s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, "filename*=UTF-8''M%E1%BA%ABu%20nh%E1%BA%ADp%20li%E1%BB%87u%20DTI-2025%20SO-TC.xlsx") && strings.Contains(form, "SO-TC") {
		t.Errorf("template Content-Disposition = %q", cd)
	}
	f, err := excelize.OpenReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// setTemplateValue types v into the value cell (column F) of the row of
// indicator/input (columns A and I) of the first sheet.
func setTemplateValue(t *testing.T, f *excelize.File, indicator, input string, v any) string {
	t.Helper()
	sheet := f.GetSheetName(0)
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		if len(r) >= 9 && r[0] == indicator && r[8] == input {
			cell := "F" + strconv.Itoa(i+1)
			if err := f.SetCellValue(sheet, cell, v); err != nil {
				t.Fatal(err)
			}
			return cell
		}
	}
	t.Fatalf("no template row for %s/%s", indicator, input)
	return ""
}

// uploadTemplate posts a file to the form's import as user.
func uploadTemplate(t *testing.T, s *Server, fx *fixture, form, user string, file []byte) (*http.Response, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	w, err := mw.CreateFormFile("file", "mẫu đã điền.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	w.Write(file)
	mw.WriteField("_csrf", "csrf-"+user)
	mw.Close()
	req := httptest.NewRequest(http.MethodPost, form+"/import", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.AddCookie(fx.signIn(t, user))
	return do(t, s, req)
}

func workbookBytes(t *testing.T, f *excelize.File) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// applyFields returns the hidden fields of the preview's apply form.
func applyFields(t *testing.T, body string) url.Values {
	t.Helper()
	doc := parseHTML(t, body)
	forms := findAll(doc, func(n *html.Node) bool {
		return n.Data == "form" && strings.HasSuffix(attrOr(n, "action"), "/import/apply")
	})
	if len(forms) != 1 {
		t.Fatalf("%d apply forms; want 1\n%.2000s", len(forms), body)
	}
	vals := url.Values{}
	for _, in := range findAll(forms[0], byAttr("input", "type", "hidden")) {
		vals.Add(attrOr(in, "name"), attrOr(in, "value"))
	}
	return vals
}

func TestTemplateImport_PreviewAndApply(t *testing.T) {
	s, fx := newFixtureServer(t)
	f := downloadTemplate(t, s, fx, tcForm, "editor.tc")
	cell := setTemplateValue(t, f, "NT.02", "meetings", 3)
	setTemplateValue(t, f, "NT.03", "online", "55,5")
	setTemplateValue(t, f, "NT.04", "chair", "Cấp phó")
	resp, body := uploadTemplate(t, s, fx, tcForm, "editor.tc", workbookBytes(t, f))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("preview: %d\n%.2000s", resp.StatusCode, body)
	}
	doc := parseHTML(t, body)
	rows := findAll(doc, func(n *html.Node) bool { return n.Data == "tr" && n.Parent.Data == "tbody" })
	if len(rows) != 3 {
		t.Fatalf("%d changes; want 3", len(rows))
	}
	if got := text(rows[0]); !strings.Contains(got, "NT.02") || !strings.Contains(got, cell) || !strings.HasSuffix(got, "3") {
		t.Errorf("first change = %q; want NT.02 in %s to 3", got, cell)
	}
	// Nothing is stored by the preview.
	if got := fx.values(t, "SO-TC")["NT.02/meetings"]; got != "" {
		t.Fatalf("the preview stored NT.02 = %q", got)
	}
	fields := applyFields(t, body)
	if fields.Get("v|NT.03|online") != "55.5" || fields.Get("v|NT.04|chair") != "deputy" {
		t.Errorf("apply fields = %v; want canonical values", fields)
	}
	resp, _ = postForm(t, s, tcForm+"/import/apply", fields, fx.signIn(t, "editor.tc"))
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != tcForm {
		t.Fatalf("apply: %d to %q; want 303 to the form", resp.StatusCode, resp.Header.Get("Location"))
	}
	got := fx.values(t, "SO-TC")
	if got["NT.02/meetings"] != "3" || got["NT.03/online"] != "55.5" || got["NT.04/chair"] != "deputy" {
		t.Errorf("stored values = %v", got)
	}
}

func TestTemplateImport_Refusals(t *testing.T) {
	s, fx := newFixtureServer(t)
	get(t, s, "/periods/DTI-2025/units/SO-YT/form", fx.signIn(t, "editor.yt"))
	otherUnit := workbookBytes(t, downloadTemplate(t, s, fx, "/periods/DTI-2025/units/SO-YT/form", "editor.yt"))

	bad := downloadTemplate(t, s, fx, tcForm, "editor.tc")
	badCell := setTemplateValue(t, bad, "NT.02", "meetings", "nhiều")
	setTemplateValue(t, bad, "NT.03", "online", 55)
	readOnly := downloadTemplate(t, s, fx, tcForm, "editor.tc")
	roCell := setTemplateValue(t, readOnly, "NT.07", "dvc", 12)

	tests := []struct {
		name string
		file []byte
		want []string
	}{
		{"another unit's template", otherUnit, []string{"SO-YT", "SO-TC"}},
		{"not a workbook", []byte("Mã,Giá trị\nNT.02,3\n"), []string{"không phải là bảng tính Excel"}},
		{"a cell that is not a number", workbookBytes(t, bad), []string{badCell, "không phải là số", "1 lỗi"}},
		{"a read-only input changed", workbookBytes(t, readOnly), []string{roCell, "không được sửa"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := uploadTemplate(t, s, fx, tcForm, "editor.tc", tt.file)
			if resp.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("upload: %d; want 422", resp.StatusCode)
			}
			doc := parseHTML(t, body)
			main := text(findAll(doc, byAttr("main", "id", "main"))[0])
			for _, w := range tt.want {
				if !strings.Contains(main, w) {
					t.Errorf("the page lacks %q:\n%s", w, main)
				}
			}
			if len(findAll(doc, func(n *html.Node) bool {
				return n.Data == "form" && strings.HasSuffix(attrOr(n, "action"), "/import/apply")
			})) != 0 {
				t.Error("a refused file offers to apply")
			}
		})
	}
	// A template of another period of the same unit.
	fx.addPeriod(t, "DTI-2026", 2026, assessment.PeriodOpen, false)
	good := downloadTemplate(t, s, fx, tcForm, "editor.tc")
	setTemplateValue(t, good, "NT.02", "meetings", 3)
	resp, body := uploadTemplate(t, s, fx, "/periods/DTI-2026/units/SO-TC/form", "editor.tc", workbookBytes(t, good))
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "mẫu của kỳ đánh giá &#34;DTI-2025&#34;, không phải kỳ &#34;DTI-2026&#34;") {
		t.Errorf("another period's template: %d\n%s", resp.StatusCode, text(findAll(parseHTML(t, body), byAttr("main", "id", "main"))[0]))
	}
	// Nothing was stored by any of them.
	if got := fx.values(t, "SO-TC"); len(got) != 0 {
		t.Errorf("stored values after refused imports: %v", got)
	}
}

func TestTemplateImport_ConflictAppliesNothing(t *testing.T) {
	s, fx := newFixtureServer(t)
	f := downloadTemplate(t, s, fx, tcForm, "editor.tc")
	setTemplateValue(t, f, "NT.02", "meetings", 3)
	setTemplateValue(t, f, "NT.03", "online", 40)
	_, body := uploadTemplate(t, s, fx, tcForm, "editor.tc", workbookBytes(t, f))
	fields := applyFields(t, body)

	// The approver saves the form between the preview and the apply.
	sub := fx.submission(t, "SO-TC")
	n := 9.0
	if _, err := fx.store.SaveValues(context.Background(), fx.users["approver.tc"].Actor(), assessment.ValueSave{
		SubmissionID: sub.ID, Version: sub.Version,
		Changes: []assessment.ValueChange{{Indicator: "NT.02", Input: "meetings", Text: "9", Num: &n}},
	}); err != nil {
		t.Fatal(err)
	}
	resp, body := postForm(t, s, tcForm+"/import/apply", fields, fx.signIn(t, "editor.tc"))
	if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "chưa lưu giá trị nào") {
		t.Fatalf("apply after a concurrent save: %d; want 409 with the message", resp.StatusCode)
	}
	got := fx.values(t, "SO-TC")
	if got["NT.02/meetings"] != "9" || got["NT.03/online"] != "" {
		t.Errorf("values after the refused apply = %v; want only the approver's save", got)
	}
}

func TestTemplateImport_OnlyWhileEditable(t *testing.T) {
	s, fx := newFixtureServer(t)
	get(t, s, tcForm, fx.signIn(t, "editor.tc"))
	file := workbookBytes(t, downloadTemplate(t, s, fx, tcForm, "editor.tc"))
	// Admins and reviewers read the form but never import into it.
	for _, user := range []string{"admin", "editor.yt"} {
		if resp, _ := get(t, s, tcForm+"/import", fx.signIn(t, user)); resp.StatusCode != http.StatusForbidden {
			t.Errorf("import page as %s: %d; want 403", user, resp.StatusCode)
		}
		if resp, _ := uploadTemplate(t, s, fx, tcForm, user, file); resp.StatusCode != http.StatusForbidden {
			t.Errorf("upload as %s: %d; want 403", user, resp.StatusCode)
		}
	}
	// Once submitted, the unit may not import either: the form is locked.
	sub := fx.submission(t, "SO-TC")
	if _, err := fx.store.TransitionSubmission(context.Background(), assessment.SystemActor, assessment.Transition{
		SubmissionID: sub.ID, Version: sub.Version, To: assessment.SubmissionSubmitted,
	}); err != nil {
		t.Fatal(err)
	}
	resp, body := get(t, s, tcForm+"/import", fx.signIn(t, "editor.tc"))
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("import page of a submitted form: %d; want 403\n%.300s", resp.StatusCode, body)
	}
	if resp, _ := uploadTemplate(t, s, fx, tcForm, "editor.tc", file); resp.StatusCode != http.StatusForbidden {
		t.Errorf("upload to a submitted form: %d; want 403", resp.StatusCode)
	}
}

func TestTemplateImport_TooLarge(t *testing.T) {
	s, fx := newFixtureServer(t, func(c *Config) { c.UploadLimit = 64 << 10 })
	big := append([]byte("PK\x03\x04"), bytes.Repeat([]byte("x"), 100<<10)...)
	resp, body := uploadTemplate(t, s, fx, tcForm, "editor.tc", big)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "tệp quá lớn (tối đa 65536 byte)") {
		t.Errorf("a file over the limit: %d; want 422 with the limit", resp.StatusCode)
	}
	if got := fx.values(t, "SO-TC"); len(got) != 0 {
		t.Errorf("stored values: %v", got)
	}
}
