package reports

import (
	"fmt"

	"github.com/dti-platform/dti/scoring"
)

// This file keeps every fixed text of the workbooks in one place, Vietnamese
// first, English second.

// msg is a fixed bilingual text.
type msg struct{ vi, en string }

// in returns the text in lang (Vietnamese for LangBoth): titles, notes and
// values.
func (m msg) in(lang string) string {
	if lang == LangEN {
		return m.en
	}
	return m.vi
}

// inf formats the text in lang with args.
func (m msg) inf(lang string, args ...any) string { return fmt.Sprintf(m.in(lang), args...) }

// head returns a column header or label: in LangBoth the Vietnamese text
// with the English below it.
func (m msg) head(lang string) string {
	if lang == LangBoth && m.en != m.vi {
		return m.vi + "\n" + m.en
	}
	return m.in(lang)
}

// headf formats a header with args, as head.
func (m msg) headf(lang string, args ...any) string {
	if lang == LangBoth && m.en != m.vi {
		return fmt.Sprintf(m.vi, args...) + "\n" + fmt.Sprintf(m.en, args...)
	}
	return m.inf(lang, args...)
}

// Sheet names.
var (
	sheetCover     = msg{"Tổng quan", "Overview"}
	sheetMatrix    = msg{"Ma trận điểm", "Score matrix"}
	sheetScorecard = msg{"Phiếu điểm", "Scorecard"}
	sheetRawData   = msg{"Dữ liệu thô", "Raw data"}
	sheetAudit     = msg{"Nhật ký", "Audit log"}
	sheetTemplate  = msg{"Mẫu nhập liệu", "Input form"}
)

// Ranking workbook texts.
var (
	lblRankingTitle   = msg{"Báo cáo xếp hạng chỉ số chuyển đổi số", "Digital transformation index ranking"}
	lblPeriod         = msg{"Kỳ đánh giá", "Assessment period"}
	lblDataYear       = msg{"Năm dữ liệu", "Data year"}
	lblIndex          = msg{"Bộ chỉ số", "Index"}
	lblIndexVersion   = msg{"Mã, phiên bản", "Code, version"}
	lblIndexHash      = msg{"Mã băm bộ chỉ số", "Index hash"}
	lblGenerated      = msg{"Ngày lập", "Generated"}
	lblComparedWith   = msg{"So sánh với kỳ", "Compared with"}
	lblNone           = msg{"(không có)", "(none)"}
	lblBlock          = msg{"Khối", "Block"}
	lblUnitCount      = msg{"Số đơn vị", "Units"}
	lblRanked         = msg{"Xếp hạng", "Ranked"}
	lblYes            = msg{"Có", "Yes"}
	lblNo             = msg{"Không", "No"}
	lblNoBand         = msg{"Chưa xếp loại", "No band"}
	lblTotal          = msg{"Tổng cộng", "Total"}
	lblBandCounts     = msg{"Số đơn vị theo mức xếp loại", "Units per band"}
	lblDetailTitle    = msg{"Xếp hạng chi tiết — %s", "Detailed ranking — %s"}
	lblNotRankedNote  = msg{"Khối này được đánh giá nhưng không xếp hạng.", "This block is assessed but not ranked."}
	lblRank           = msg{"Hạng", "Rank"}
	lblUnitCode       = msg{"Mã đơn vị", "Unit code"}
	lblUnit           = msg{"Đơn vị", "Unit"}
	lblPoints         = msg{"Tổng điểm", "Points"}
	lblValue          = msg{"Chỉ số", "Value"}
	lblBand           = msg{"Xếp loại", "Band"}
	lblPillars        = msg{"Trụ cột", "Pillars"}
	lblGroups         = msg{"Chỉ số thành phần", "Component indexes"}
	lblChange         = msg{"Thay đổi so với %s", "Change since %s"}
	lblChangeNoPrev   = msg{"Thay đổi so với kỳ trước", "Change since previous period"}
	lblRankChange     = msg{"Thay đổi hạng", "Rank change"}
	lblValueChange    = msg{"Thay đổi chỉ số", "Value change"}
	lblMatrixTitle    = msg{"Ma trận điểm cuối cùng theo chỉ tiêu", "Final points by indicator"}
	lblMatrixNote     = msg{"Ô trống: chỉ tiêu không áp dụng cho đơn vị.", "Blank cell: the indicator does not apply to the unit."}
	lblAdjustment     = msg{"Điểm cộng/trừ", "Bonus/penalty"}
	lblChartTitle     = msg{"Chỉ số chuyển đổi số — %s", "Digital transformation index — %s"}
	lblOtherBlock     = msg{"Khác", "Other"}
	lblMaxPoints      = msg{"Điểm tối đa", "Max points"}
	lblCode           = msg{"Mã", "Code"}
	lblName           = msg{"Tên", "Name"}
	lblNotApplicable  = msg{"Không áp dụng", "Not applicable"}
	lblMissing        = msg{"Thiếu dữ liệu", "Missing"}
	lblRankOf         = msg{"%d / %d", "%d of %d"}
	lblUnranked       = msg{"Không xếp hạng", "Not ranked"}
	lblScorecardTitle = msg{"Phiếu điểm đánh giá chuyển đổi số", "Digital transformation scorecard"}
)

// Scorecard texts.
var (
	lblIndicator      = msg{"Chỉ tiêu / nhóm", "Indicator / group"}
	lblInput          = msg{"Trường dữ liệu", "Input"}
	lblSelfValue      = msg{"Giá trị tự đánh giá", "Self-assessed value"}
	lblAppraisedValue = msg{"Giá trị thẩm định", "Appraised value"}
	lblSelfPoints     = msg{"Điểm tự đánh giá", "Self points"}
	lblApprPoints     = msg{"Điểm thẩm định", "Appraised points"}
	lblFinalPoints    = msg{"Điểm cuối cùng", "Final points"}
	lblDecision       = msg{"Kết luận thẩm định", "Review decision"}
	lblReason         = msg{"Lý do / nhận xét", "Reason / comment"}
	lblEvidence       = msg{"Tài liệu kiểm chứng", "Evidence"}
	lblExplain        = msg{"Cách tính điểm", "How the points were reached"}
	lblReviewer       = msg{"Người thẩm định", "Reviewer"}
	lblFinalValue     = msg{"Chỉ số cuối cùng", "Final value"}
	lblAdjustments    = msg{"Điểm cộng, điểm trừ", "Bonus and penalty points"}
	lblUnitType       = msg{"Loại đơn vị", "Unit type"}
)

// decisionLabels name the review decisions.
var decisionLabels = map[string]msg{
	"accept":           {"Chấp nhận", "Accepted"},
	"adjust_value":     {"Điều chỉnh giá trị", "Value adjusted"},
	"adjust_score":     {"Điều chỉnh điểm", "Score adjusted"},
	"request_evidence": {"Yêu cầu bổ sung minh chứng", "More evidence requested"},
}

// evidenceKindLabels name the kinds of evidence.
var evidenceKindLabels = map[string]msg{
	"file":        {"Tệp", "File"},
	"link":        {"Liên kết", "Link"},
	"explanation": {"Giải trình", "Explanation"},
}

// sourceLabels name the data sources.
var sourceLabels = map[scoring.Source]msg{
	scoring.SourceSelf:        {"Đơn vị tự nhập", "Entered by the unit"},
	scoring.SourceSystem:      {"Hệ thống (chỉ đọc)", "Central system (read-only)"},
	scoring.SourceSurvey:      {"Khảo sát", "Survey"},
	scoring.SourceSecretariat: {"Cơ quan thường trực (chỉ đọc)", "Secretariat (read-only)"},
}

// Raw data and audit texts.
var (
	lblRawTitle   = msg{"Dữ liệu đầu vào cuối cùng", "Final input values"}
	lblUnitName   = msg{"Tên đơn vị", "Unit name"}
	lblAuditTitle = msg{"Nhật ký thay đổi", "Audit log"}
	lblAt         = msg{"Thời điểm", "Time"}
	lblActor      = msg{"Người thực hiện", "User"}
	lblAction     = msg{"Thao tác", "Action"}
	lblEntity     = msg{"Đối tượng", "Entity"}
	lblEntityID   = msg{"Mã đối tượng", "Entity ID"}
	lblField      = msg{"Trường", "Field"}
	lblFrom       = msg{"Giá trị cũ", "From"}
	lblTo         = msg{"Giá trị mới", "To"}
	lblWhy        = msg{"Lý do", "Reason"}
)

// textHead returns an index text (a band, pillar, group or indicator name)
// as a column header: in LangBoth the Vietnamese name with the English one
// below it.
func textHead(t scoring.Text, lang string) string {
	if lang == LangBoth && t.EN != "" && t.EN != t.VI {
		return t.VI + "\n" + t.EN
	}
	return t.In(lang)
}

// lookupMsg returns the label of code in m in lang, or code itself.
func lookupMsg[K ~string](m map[K]msg, code K, lang string) string {
	if l, ok := m[code]; ok {
		return l.in(lang)
	}
	return string(code)
}
