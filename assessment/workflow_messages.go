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
	"period.not_computed":       {"cần tính kết quả trước khi công bố", "results must be computed before publishing"},
	"submission.status":         {"không thể %s khi hồ sơ đang ở trạng thái %s", "cannot %s while the form is %s"},
	"submission.comment":        {"cần ghi ý kiến khi trả lại hồ sơ", "a comment is required to return the form"},
	"submission.reason":         {"cần nêu lý do điều chỉnh chỉ số %s", "a reason is required to adjust indicator %s"},
	"submission.missing":        {"hồ sơ còn %d mục chưa hoàn thành", "the form has %d missing items"},
	"submission.indicator":      {"chỉ số %s không có trong bộ chỉ số", "indicator %s is not in the index"},

	// Completeness.
	"missing.input":    {"chỉ số %s: chưa nhập \"%s\"", "indicator %s: \"%s\" is not filled in"},
	"missing.evidence": {"chỉ số %s cần tài liệu kiểm chứng", "indicator %s needs evidence"},

	// Index migration: indicator, input, detail, each used at most once.
	"migrate.indicator_removed": {"chỉ số %[1]s không còn trong phiên bản mới", "indicator %[1]s is not in the new version"},
	"migrate.input_removed":     {"chỉ số %[1]s: ô nhập \"%[2]s\" không còn trong phiên bản mới", "indicator %[1]s: input \"%[2]s\" is not in the new version"},
	"migrate.type_changed":      {"chỉ số %[1]s: ô nhập \"%[2]s\" đổi kiểu dữ liệu (%[3]s), cần nhập lại", "indicator %[1]s: input \"%[2]s\" changed type (%[3]s) and must be entered again"},
	"migrate.option_removed":    {"chỉ số %[1]s: lựa chọn %[3]s của \"%[2]s\" không còn", "indicator %[1]s: option %[3]s of \"%[2]s\" no longer exists"},
	"migrate.out_of_limits":     {"chỉ số %[1]s: giá trị của \"%[2]s\" nằm ngoài giới hạn mới (%[3]s)", "indicator %[1]s: the value of \"%[2]s\" is outside the new limits (%[3]s)"},
	"migrate.not_applicable":    {"chỉ số %[1]s không còn áp dụng cho loại đơn vị %[3]s", "indicator %[1]s no longer applies to unit type %[3]s"},

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
