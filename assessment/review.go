package assessment

import (
	"math"
	"strings"
	"time"
)

// Decision is a reviewer's decision on one indicator of a submission.
type Decision string

const (
	DecisionAccept          Decision = "accept"           // the unit's values stand
	DecisionAdjustValue     Decision = "adjust_value"     // the council corrects input values
	DecisionAdjustScore     Decision = "adjust_score"     // the council sets the points directly
	DecisionRequestEvidence Decision = "request_evidence" // more evidence is needed
	// DecisionNotApplicable declares an optional indicator not applicable
	// to the unit (secretariat); it is removed from the unit's max.
	DecisionNotApplicable Decision = "not_applicable"
)

// Valid reports whether d is a known decision.
func (d Decision) Valid() bool {
	switch d {
	case DecisionAccept, DecisionAdjustValue, DecisionAdjustScore, DecisionRequestEvidence, DecisionNotApplicable:
		return true
	}
	return false
}

// Review is the decision on one indicator of a submission in one review
// round. Deciding again in the same round replaces the decision (the audit
// log keeps the history); the latest decision per indicator counts for the
// appraised and final scores.
type Review struct {
	ID           int64
	SubmissionID int64
	Indicator    string
	Round        int
	Decision     Decision
	// AdjustedValues are the corrected inputs of an adjust_value decision.
	AdjustedValues []AdjustedValue
	// AdjustedPoints are the points of an adjust_score decision.
	AdjustedPoints *float64
	// Reason explains an adjustment (required for adjustments); Comment is
	// a note to the unit (e.g. what evidence to add).
	Reason     string
	Comment    string
	ReviewerID int64
	CreatedAt  time.Time
}

// AdjustedValue is one input value corrected by the review.
type AdjustedValue struct {
	Input string
	Text  string
	Num   *float64
}

// Validate checks the decision's fields. It returns a *ValidationError
// naming every bad field.
func (r *Review) Validate() error {
	v := &ValidationError{}
	if !ValidCode(r.Indicator) {
		v.Add("indicator", "Mã chỉ số không hợp lệ.", "the indicator code is not valid")
	}
	if !r.Decision.Valid() {
		v.Add("decision", "Quyết định thẩm định không hợp lệ.", "unknown review decision")
	}
	adjust := r.Decision == DecisionAdjustValue || r.Decision == DecisionAdjustScore || r.Decision == DecisionNotApplicable
	if adjust && strings.TrimSpace(r.Reason) == "" {
		v.Add("reason", "Cần nêu lý do điều chỉnh.", "a reason is required for an adjustment")
	}
	if r.Decision == DecisionAdjustValue {
		if len(r.AdjustedValues) == 0 {
			v.Add("adjusted_values", "Cần nhập giá trị điều chỉnh.", "the adjusted values are required")
		}
		seen := map[string]bool{}
		for _, a := range r.AdjustedValues {
			if !ValidCode(a.Input) || seen[a.Input] {
				v.Add("adjusted_values", "Trường dữ liệu điều chỉnh không hợp lệ hoặc bị lặp: "+a.Input,
					"adjusted input not valid or repeated: "+a.Input)
			}
			seen[a.Input] = true
			if len(a.Text) > MaxTextValueLen {
				v.Add("adjusted_values", "Giá trị quá dài.", "the value is too long")
			}
			if a.Num != nil && (math.IsNaN(*a.Num) || math.IsInf(*a.Num, 0)) {
				v.Add("adjusted_values", "Giá trị số không hợp lệ: "+a.Input, "the number is not valid: "+a.Input)
			}
		}
	} else if len(r.AdjustedValues) > 0 {
		v.Add("adjusted_values", "Chỉ quyết định điều chỉnh giá trị mới có giá trị điều chỉnh.",
			"adjusted values belong to an adjust_value decision only")
	}
	if r.Decision == DecisionAdjustScore {
		if r.AdjustedPoints == nil || math.IsNaN(*r.AdjustedPoints) || math.IsInf(*r.AdjustedPoints, 0) || *r.AdjustedPoints < 0 {
			v.Add("adjusted_points", "Cần nhập số điểm điều chỉnh (không âm).", "the adjusted points are required (not negative)")
		}
	} else if r.AdjustedPoints != nil {
		v.Add("adjusted_points", "Chỉ quyết định điều chỉnh điểm mới có điểm điều chỉnh.",
			"adjusted points belong to an adjust_score decision only")
	}
	if r.Decision == DecisionRequestEvidence && strings.TrimSpace(r.Comment) == "" {
		v.Add("comment", "Cần ghi rõ tài liệu kiểm chứng cần bổ sung.", "say which evidence is needed")
	}
	if len(r.Reason) > MaxTextValueLen || len(r.Comment) > MaxTextValueLen {
		v.Add("reason", "Nội dung quá dài.", "the text is too long")
	}
	return v.Err()
}
