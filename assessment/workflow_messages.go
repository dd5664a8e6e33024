package assessment

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dti-platform/dti/scoring"
)

// ruleError builds the *Error for a rule refusal from the message
// catalogue: the Vietnamese and English texts are rendered from the same
// key and arguments (time.Time as dd/mm/yyyy, float64 with the language's
// decimal mark, statuses and roles by their names in each language).
func ruleError(code error, key string, args ...any) *Error {
	return NewError(code, key, render(key, "vi", args), render(key, "en", args), args...)
}

// render fills the catalogue message key in lang with args.
func render(key, lang string, args []any) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	format := m[langIndex(lang)]
	out := make([]any, len(args))
	for i, a := range args {
		out[i] = formatArg(a, lang)
	}
	return fmt.Sprintf(format, out...)
}

// formatArg renders one message argument the way a reader of lang expects.
func formatArg(a any, lang string) any {
	switch v := a.(type) {
	case time.Time:
		return v.Format("02/01/2006")
	case float64:
		s := strconv.FormatFloat(v, 'f', -1, 64)
		if lang != "en" {
			s = strings.Replace(s, ".", ",", 1)
		}
		return s
	case scoring.Text:
		return v.In(lang)
	case scoring.Source:
		return sourceNames[v][langIndex(lang)]
	case Action:
		if n, ok := actionNames[v]; ok {
			return n[langIndex(lang)]
		}
		return string(v)
	case Role:
		return roleNames[v][langIndex(lang)]
	case PeriodStatus:
		return periodStatusNames[v][langIndex(lang)]
	case SubmissionStatus:
		return submissionStatusNames[v][langIndex(lang)]
	}
	return a
}

func langIndex(lang string) int {
	if lang == "en" {
		return 1
	}
	return 0
}

// messages is the catalogue of rule messages: key -> {Vietnamese, English}.
// Both formats take the same verbs in the same order.
var messages = map[string][2]string{
	// Workflow: who.
	"role.admin_only":           {"chỉ quản trị viên được %s", "only an administrator may %s"},
	"role.not_allowed":          {"vai trò của bạn không được phép %s", "your role may not %s"},
	"role.not_own_unit":         {"bạn không được %s của đơn vị khác", "you may not %s of another unit"},
	"role.pillar_scope_approve": {"bạn chỉ thẩm định trụ cột %s nên không thể duyệt toàn bộ hồ sơ", "you only appraise pillar %s, so you cannot approve the whole form"},
	"role.pillar_scope":         {"bạn chỉ thẩm định các chỉ số thuộc trụ cột %s; chỉ số %s không thuộc phạm vi này", "you only appraise indicators of pillar %s; indicator %s is outside that scope"},
	"role.no_unit":              {"không xác định được đơn vị của hồ sơ", "the form's unit is unknown"},
	"action.unknown":            {"thao tác không hợp lệ: %s", "unknown action: %s"},
	"period.status":             {"không thể %s khi kỳ đánh giá đang ở trạng thái %s", "cannot %s while the period is %s"},
	"period.closed":             {"kỳ đánh giá đã đóng ngày %s", "the period closed on %s"},
	"period.not_open":           {"kỳ đánh giá chưa mở hoặc đã đóng (trạng thái: %s)", "the period is not open (status: %s)"},
	"period.reason":             {"cần nêu lý do mở lại kỳ đánh giá", "a reason is required to re-open the period"},
	"period.no_index":           {"kỳ đánh giá chưa gắn bộ chỉ số", "the period has no index pinned"},
	"submission.status":         {"không thể %s khi hồ sơ đang ở trạng thái %s", "cannot %s while the form is %s"},
	"submission.comment":        {"cần ghi ý kiến khi trả lại hồ sơ", "a comment is required to return the form"},
	"submission.indicator":      {"chỉ số %s không có trong bộ chỉ số", "indicator %s is not in the index"},

	"review.na_admin":    {"chỉ cơ quan thường trực (quản trị viên) được xác định chỉ số %s không áp dụng", "only the secretariat (an administrator) may declare indicator %s not applicable"},
	"review.na_optional": {"chỉ số %s là chỉ số bắt buộc, không thể xác định là không áp dụng", "indicator %s is not optional and cannot be declared not applicable"},

	// Completeness.
	"missing.input":    {"chỉ số %s: chưa nhập \"%s\"", "indicator %s: \"%s\" is not filled in"},
	"missing.evidence": {"chỉ số %s cần tài liệu kiểm chứng", "indicator %s needs evidence"},

	// Pinned index.
	"index.problem": {"bộ chỉ số: %s", "index: %s"},
	"index.hash":    {"bộ chỉ số gắn với kỳ %s đã bị thay đổi (mã băm %s, nay là %s)", "the index pinned to period %s was altered (hash %s, now %s)"},

	// Index migration: indicator, input, detail, each used at most once.
	"migrate.indicator_removed": {"chỉ số %[1]s không còn trong phiên bản mới", "indicator %[1]s is not in the new version"},
	"migrate.input_removed":     {"chỉ số %[1]s: ô nhập \"%[2]s\" không còn trong phiên bản mới", "indicator %[1]s: input \"%[2]s\" is not in the new version"},
	"migrate.type_changed":      {"chỉ số %[1]s: ô nhập \"%[2]s\" đổi kiểu dữ liệu (%[3]s), cần nhập lại", "indicator %[1]s: input \"%[2]s\" changed type (%[3]s) and must be entered again"},
	"migrate.option_removed":    {"chỉ số %[1]s: lựa chọn %[3]s của \"%[2]s\" không còn", "indicator %[1]s: option %[3]s of \"%[2]s\" no longer exists"},
	"migrate.out_of_limits":     {"chỉ số %[1]s: giá trị của \"%[2]s\" nằm ngoài giới hạn mới (%[3]s)", "indicator %[1]s: the value of \"%[2]s\" is outside the new limits (%[3]s)"},
	"migrate.not_applicable":    {"chỉ số %[1]s không còn áp dụng cho loại đơn vị %[3]s", "indicator %[1]s no longer applies to unit type %[3]s"},

	// Imports: reading the file.
	"import.too_large":        {"tệp quá lớn (tối đa %d MB)", "the file is too large (at most %d MB)"},
	"import.xls":              {"tệp Excel 97-2003 (.xls) hoặc có mật khẩu không được hỗ trợ; hãy lưu thành .xlsx", "Excel 97-2003 (.xls) and password-protected workbooks are not supported; save it as .xlsx"},
	"import.not_xlsx":         {"tệp không phải là bảng tính Excel (.xlsx) hợp lệ", "the file is not a valid Excel workbook (.xlsx)"},
	"import.utf8":             {"dòng %d: tệp CSV phải dùng mã UTF-8", "line %d: the CSV file must be UTF-8"},
	"import.csv":              {"dòng %d: lỗi định dạng CSV (%s)", "line %d: malformed CSV (%s)"},
	"import.too_many_rows":    {"tệp có quá %d dòng dữ liệu", "the file has more than %d data rows"},
	"import.too_many_cols":    {"tệp có quá %d cột", "the file has more than %d columns"},
	"import.too_many_cols_at": {"tệp có quá %d cột (ô %s có giá trị)", "the file has more than %d columns (cell %s has a value)"},
	"import.too_many_cells":   {"bảng tính quá lớn: các dòng chứa quá nhiều ô; hãy xoá các ô thừa ở xa bên phải", "the sheet is too large: its rows hold too many cells; delete stray cells far to the right"},
	"import.empty":            {"tệp không có dòng tiêu đề", "the file has no header row"},
	"import.formula":          {"ô %s chứa công thức; hãy nhập giá trị", "cell %s holds a formula; type the value instead"},

	"import.stale":    {"dữ liệu đã thay đổi sau khi xem trước; hãy xem trước lại rồi mới ghi", "the data changed after the preview; preview again before writing"},
	"import.no_table": {"bản xem trước không còn dữ liệu của tệp; hãy tải tệp lên lại", "the preview no longer holds the file's data; upload the file again"},
	// A row failed while the import was written: line, key, the row's error.
	"import.row_failed": {"không ghi gì: dòng %d (%s): %s", "nothing was written: line %d (%s): %s"},

	// Imports: columns and rows.
	"import.invalid":              {"dữ liệu không hợp lệ", "invalid data"},
	"import.control":              {"chứa ký tự điều khiển (tab, ký tự ẩn)", "holds a control character (a tab or another invisible character)"},
	"import.stray_cell":           {"ô %s có giá trị nhưng cột không có tiêu đề", "cell %s has a value but its column has no header"},
	"import.column_twice":         {"cột \"%s\" xuất hiện hai lần", "column \"%s\" appears twice"},
	"import.column_unknown":       {"cột \"%s\" không được hỗ trợ", "column \"%s\" is not supported"},
	"import.column_missing":       {"thiếu cột bắt buộc \"%s\"", "the required column \"%s\" is missing"},
	"import.no_value_columns":     {"không có cột dữ liệu dạng \"CHỈ_SỐ/trường\"", "no value column headed \"INDICATOR/input\""},
	"import.required":             {"chưa có giá trị", "a value is required"},
	"import.code":                 {"mã \"%s\" chỉ được gồm chữ, số, '.', '_', '-' (tối đa 64 ký tự)", "code \"%s\" must be 1-64 letters, digits, '.', '_' or '-'"},
	"import.duplicate":            {"mã %s đã có ở dòng %d", "code %s already appears on line %d"},
	"import.too_long":             {"dài quá %d ký tự", "longer than %d characters"},
	"import.too_long_value":       {"\"%s\" quá dài", "\"%s\" is too long"},
	"import.unit_type":            {"loại đơn vị \"%s\" không có trong bộ chỉ số", "unit type \"%s\" is not in the index"},
	"import.block":                {"khối \"%s\" không có trong bộ chỉ số", "block \"%s\" is not in the index"},
	"import.block_needed":         {"loại đơn vị %s thuộc nhiều khối (%s); cần ghi khối", "unit type %s belongs to several blocks (%s); the block is required"},
	"import.block_type":           {"khối %s không xếp hạng loại đơn vị %s", "block %s does not rank unit type %s"},
	"import.parent_self":          {"đơn vị không thể là đơn vị cha của chính nó", "a unit cannot be its own parent"},
	"import.parent_unknown":       {"không có đơn vị cha mã %s", "there is no parent unit %s"},
	"import.parent_cycle":         {"đơn vị cha tạo thành vòng lặp: %s", "the parents make a cycle: %s"},
	"import.attr_name":            {"tên thuộc tính \"%s\" không hợp lệ", "attribute name \"%s\" is not valid"},
	"import.boolean":              {"\"%s\": chọn Có hoặc Không", "\"%s\": answer yes or no"},
	"import.username":             {"tên đăng nhập \"%s\" gồm 3-64 chữ thường, số, '.', '_', '-' hoặc '@'", "username \"%s\" must be 3-64 lower-case letters, digits, '.', '_', '-' or '@'"},
	"import.email":                {"\"%s\" không phải là địa chỉ thư điện tử hợp lệ", "\"%s\" is not a valid e-mail address"},
	"import.lang":                 {"ngôn ngữ \"%s\" phải là vi hoặc en", "language \"%s\" must be vi or en"},
	"import.user_conflict":        {"thông tin tài khoản %s khác với dòng %d", "account %s differs from line %d"},
	"import.role":                 {"vai trò \"%s\" không hợp lệ", "unknown role \"%s\""},
	"import.unit_unknown":         {"không có đơn vị mã %s", "there is no unit %s"},
	"import.unit_role_needs_unit": {"vai trò %s cần mã đơn vị", "role %s needs a unit code"},
	"import.pillars_role":         {"chỉ thành viên hội đồng thẩm định được giới hạn theo trụ cột", "only reviewers can be limited to pillars"},
	"import.pillar_unknown":       {"trụ cột %s không có trong bộ chỉ số", "pillar %s is not in the index"},
	"import.duplicate_grant":      {"quyền %s đã có ở dòng %d", "grant %s already appears on line %d"},
	"import.period_published":     {"kỳ đánh giá %s đã công bố; hãy mở lại trước khi nhập số liệu", "period %s is published; re-open it before importing values"},
	"import.source":               {"nguồn dữ liệu \"%s\" không hợp lệ (system, secretariat hoặc survey)", "data source \"%s\" is not valid (system, secretariat or survey)"},
	"import.value_duplicate":      {"giá trị %s %s đã có ở dòng %d", "value %s %s already appears on line %d"},

	// Form values. The first verb is the input's label.
	"value.number":         {"\"%s\": \"%s\" không phải là số", "\"%s\": \"%s\" is not a number"},
	"value.whole":          {"\"%s\": phải là số nguyên không âm, không phải \"%s\"", "\"%s\": must be a whole number ≥ 0, not \"%s\""},
	"value.min":            {"\"%s\": không được nhỏ hơn %s", "\"%s\": must not be less than %s"},
	"value.max":            {"\"%s\": không được lớn hơn %s", "\"%s\": must not be greater than %s"},
	"value.boolean":        {"\"%s\": chọn Có hoặc Không, không phải \"%s\"", "\"%s\": answer yes or no, not \"%s\""},
	"value.option":         {"\"%s\": \"%s\" không phải là một lựa chọn hợp lệ", "\"%s\": \"%s\" is not one of the options"},
	"value.date":           {"\"%s\": \"%s\" không phải là ngày hợp lệ (dd/mm/yyyy)", "\"%s\": \"%s\" is not a valid date (dd/mm/yyyy)"},
	"value.url":            {"\"%s\": \"%s\" không phải là đường dẫn http(s) hợp lệ", "\"%s\": \"%s\" is not a valid http(s) link"},
	"value.text_long":      {"\"%s\": dài quá %d ký tự", "\"%s\": longer than %d characters"},
	"value.text_invalid":   {"\"%s\": chứa ký tự không hợp lệ", "\"%s\": contains invalid characters"},
	"value.unknown_type":   {"\"%s\": kiểu dữ liệu %s không được hỗ trợ", "\"%s\": unsupported input type %s"},
	"value.unknown_input":  {"chỉ số %s không có ô nhập \"%s\"", "indicator %s has no input \"%s\""},
	"value.not_applicable": {"chỉ số %s không áp dụng cho loại đơn vị %s", "indicator %s does not apply to unit type %s"},
	"value.in_indicator":   {"chỉ số %s: %s", "indicator %s: %s"},
	"value.read_only":      {"\"%s\" do %s cung cấp, đơn vị không được sửa", "\"%s\" is provided by %s and is read-only for the unit"},
}

var sourceNames = map[scoring.Source][2]string{
	scoring.SourceSelf:        {"đơn vị", "the unit"},
	scoring.SourceSystem:      {"hệ thống dùng chung", "a central system"},
	scoring.SourceSurvey:      {"khảo sát", "a survey"},
	scoring.SourceSecretariat: {"cơ quan thường trực", "the secretariat"},
}

var actionNames = map[Action][2]string{
	ActOpen:        {"mở kỳ đánh giá", "open the period"},
	ActClose:       {"đóng kỳ đánh giá", "close the period"},
	ActCompute:     {"tính kết quả", "compute the results"},
	ActPublish:     {"công bố kết quả", "publish the results"},
	ActReopen:      {"mở lại kỳ đánh giá", "re-open the period"},
	ActEditPeriod:  {"sửa thông tin kỳ đánh giá", "edit the period settings"},
	ActRepinIndex:  {"chuyển kỳ đánh giá sang phiên bản bộ chỉ số khác", "move the period to another index version"},
	ActViewResults: {"xem kết quả chưa công bố", "view unpublished results"},
	ActImport:      {"nhập dữ liệu hàng loạt", "run bulk imports"},
	ActView:        {"xem hồ sơ", "view the form"},
	ActEdit:        {"sửa số liệu hồ sơ", "edit the form"},
	ActSubmit:      {"gửi hồ sơ", "submit the form"},
	ActReturn:      {"trả lại hồ sơ", "return the form"},
	ActApprove:     {"duyệt hồ sơ", "approve the form"},
	ActReview:      {"thẩm định chỉ số", "appraise indicators"},
}

var roleNames = map[Role][2]string{
	RoleAdmin:    {"quản trị viên", "administrator"},
	RoleReviewer: {"thành viên hội đồng thẩm định", "reviewer"},
	RoleEditor:   {"cán bộ đầu mối", "unit editor"},
	RoleApprover: {"lãnh đạo đơn vị", "unit approver"},
	RoleViewer:   {"người xem", "viewer"},
}

var periodStatusNames = map[PeriodStatus][2]string{
	PeriodDraft:     {"dự thảo", "draft"},
	PeriodOpen:      {"đang mở", "open"},
	PeriodClosed:    {"đã đóng", "closed"},
	PeriodPublished: {"đã công bố", "published"},
}

var submissionStatusNames = map[SubmissionStatus][2]string{
	SubmissionDraft:       {"đang soạn", "draft"},
	SubmissionSubmitted:   {"đã gửi", "submitted"},
	SubmissionReturned:    {"bị trả lại", "returned"},
	SubmissionResubmitted: {"đã gửi lại", "resubmitted"},
	SubmissionApproved:    {"đã duyệt", "approved"},
}
