package reports

import (
	"fmt"
	"strings"
)

// Codes of template import errors. The web localises an error by its code
// and Args; TemplateError.Message gives the default text.
const (
	TemplateErrTooLarge      = "file_too_large" // args: limit in bytes
	TemplateErrNotWorkbook   = "not_workbook"   // args: detail
	TemplateErrNotTemplate   = "not_template"   // the metadata sheet is missing or unreadable
	TemplateErrFormat        = "format_version" // args: got, want
	TemplateErrWrongUnit     = "wrong_unit"     // args: got, want
	TemplateErrWrongPeriod   = "wrong_period"   // args: got, want
	TemplateErrWrongIndex    = "wrong_index"    // args: got, want (index code, version and hash)
	TemplateErrLayout        = "layout_changed" // the rows do not match the template made for this unit
	TemplateErrMissingSheet  = "missing_sheet"  // args: sheet
	TemplateErrTooManyRows   = "too_many_rows"  // args: limit
	TemplateErrFormula       = "formula"        // args: formula
	TemplateErrNotNumber     = "not_number"     // args: value
	TemplateErrNotWhole      = "not_whole"      // args: value
	TemplateErrBelowMin      = "below_min"      // args: value, min
	TemplateErrAboveMax      = "above_max"      // args: value, max
	TemplateErrNotBoolean    = "not_boolean"    // args: value
	TemplateErrUnknownOption = "unknown_option" // args: value
	TemplateErrNotDate       = "not_date"       // args: value
	TemplateErrNotURL        = "not_url"        // args: value
	TemplateErrTooLong       = "too_long"       // args: limit in characters
	TemplateErrReadOnly      = "read_only"      // args: value
	TemplateErrConflict      = "conflict"       // args: current value, file value
)

// templateMessages are the default texts of the error codes; %[n]q takes
// Args[n-1] quoted, %[n]s as it is.
var templateMessages = map[string]msg{
	TemplateErrTooLarge:      {"tệp quá lớn (tối đa %[1]s byte)", "file too large (at most %[1]s bytes)"},
	TemplateErrNotWorkbook:   {"tệp không phải là bảng tính Excel (.xlsx) đọc được: %[1]s", "the file is not a readable Excel workbook (.xlsx): %[1]s"},
	TemplateErrNotTemplate:   {"tệp không phải là mẫu nhập liệu do hệ thống tạo", "the file is not an input template made by the platform"},
	TemplateErrFormat:        {"phiên bản mẫu %[1]q không được hỗ trợ (cần %[2]q)", "template format %[1]q is not supported (want %[2]q)"},
	TemplateErrWrongUnit:     {"mẫu của đơn vị %[1]q, không phải của đơn vị %[2]q", "the template belongs to unit %[1]q, not %[2]q"},
	TemplateErrWrongPeriod:   {"mẫu của kỳ đánh giá %[1]q, không phải kỳ %[2]q", "the template belongs to period %[1]q, not %[2]q"},
	TemplateErrWrongIndex:    {"mẫu lập theo bộ chỉ số %[1]q, kỳ này dùng %[2]q: hãy tải mẫu mới", "the template was made for index %[1]q, the period uses %[2]q: download a new template"},
	TemplateErrLayout:        {"cấu trúc mẫu đã bị thay đổi (dòng, mã chỉ tiêu hoặc trường): hãy tải mẫu mới", "the template layout was changed (rows, indicator or input codes): download a new template"},
	TemplateErrMissingSheet:  {"thiếu trang %[1]q", "sheet %[1]q is missing"},
	TemplateErrTooManyRows:   {"trang có quá nhiều dòng (tối đa %[1]s)", "the sheet has too many rows (at most %[1]s)"},
	TemplateErrFormula:       {"ô chứa công thức %[1]q: chỉ nhập giá trị", "the cell holds the formula %[1]q: enter a value"},
	TemplateErrNotNumber:     {"%[1]q không phải là số", "%[1]q is not a number"},
	TemplateErrNotWhole:      {"%[1]q không phải là số nguyên", "%[1]q is not a whole number"},
	TemplateErrBelowMin:      {"%[1]s nhỏ hơn giá trị tối thiểu %[2]s", "%[1]s is below the minimum %[2]s"},
	TemplateErrAboveMax:      {"%[1]s lớn hơn giá trị tối đa %[2]s", "%[1]s is above the maximum %[2]s"},
	TemplateErrNotBoolean:    {"%[1]q không phải là Có hoặc Không", "%[1]q is not Yes or No"},
	TemplateErrUnknownOption: {"%[1]q không có trong danh sách lựa chọn", "%[1]q is not one of the options"},
	TemplateErrNotDate:       {"%[1]q không phải là ngày (dd/mm/yyyy hoặc yyyy-mm-dd)", "%[1]q is not a date (dd/mm/yyyy or yyyy-mm-dd)"},
	TemplateErrNotURL:        {"%[1]q không phải là đường dẫn http(s)", "%[1]q is not an http(s) link"},
	TemplateErrTooLong:       {"nội dung dài quá %[1]s ký tự", "the text is longer than %[1]s characters"},
	TemplateErrReadOnly:      {"giá trị do hệ thống hoặc cơ quan thường trực cung cấp, không được sửa (trong tệp: %[1]q)", "the value is provided by the central system or the secretariat and cannot be changed (file has %[1]q)"},
	TemplateErrConflict:      {"giá trị đã được đổi thành %[1]q trên hệ thống sau khi tải mẫu; tệp ghi %[2]q: hãy tải mẫu mới hoặc sửa trên biểu mẫu", "the value was changed to %[1]q on the platform after the template was downloaded; the file has %[2]q: download a new template or edit the form"},
}

// TemplateError is one problem of an imported template: a whole-file
// problem (Cell empty; ReadTemplate returns it as its error) or a problem
// of one cell (listed in TemplateImport.Errors).
type TemplateError struct {
	Sheet string // sheet name, "" for whole-file problems
	Cell  string // e.g. "F12", "" for whole-file and whole-sheet problems
	// Code is one of the TemplateErr* constants; Args are its arguments
	// (offending value, limits) for a localised message.
	Code string
	Args []string
}

// Location returns where the problem is, e.g. "Mẫu nhập liệu!F12", or "".
func (e *TemplateError) Location() string {
	switch {
	case e.Sheet != "" && e.Cell != "":
		return e.Sheet + "!" + e.Cell
	case e.Sheet != "":
		return e.Sheet
	}
	return e.Cell
}

// Message returns the text of the problem in lang ("vi" or "en") without
// its location.
func (e *TemplateError) Message(lang string) string {
	m, ok := templateMessages[e.Code]
	if !ok {
		return e.Code + " " + strings.Join(e.Args, " ")
	}
	lang = normLang(lang)
	args := make([]any, len(e.Args))
	for i, a := range e.Args {
		// Limits are carried with a decimal point; Vietnamese shows a comma.
		if lang == LangVI && (e.Code == TemplateErrBelowMin || e.Code == TemplateErrAboveMax) {
			a = strings.Replace(a, ".", ",", 1)
		}
		args[i] = a
	}
	s := fmt.Sprintf(m.in(lang), args...)
	// A format with fewer verbs than args marks the extras: drop them.
	if i := strings.Index(s, "%!(EXTRA"); i >= 0 {
		s = s[:i]
	}
	return s
}

// Text returns the located message in lang, e.g.
// `Mẫu nhập liệu!F12: "abc" không phải là số`.
func (e *TemplateError) Text(lang string) string {
	if loc := e.Location(); loc != "" {
		return loc + ": " + e.Message(lang)
	}
	return e.Message(lang)
}

// Error returns the located message in English.
func (e *TemplateError) Error() string { return "template: " + e.Text(LangEN) }
