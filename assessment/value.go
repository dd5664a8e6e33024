package assessment

import (
	"math"
	"strings"
	"time"

	"github.com/dti-platform/dti/scoring"
)

// InputValue is the unit's value of one input of one indicator. The
// review's adjusted value is kept apart, in Review.AdjustedValues, so the
// self-assessment stays visible next to the appraisal.
type InputValue struct {
	SubmissionID int64
	Indicator    string // indicator code, e.g. "NTS.01"
	Input        string // input key, e.g. "chair_role"
	// Text is the canonical text of the value: a number in Go syntax
	// ("12.5"), "true"/"false", an option code, codes joined by ",", a
	// date YYYY-MM-DD, free text or a link.
	Text string
	// Num is the numeric value for numeric and boolean inputs (1/0).
	Num *float64
	// Source is where the value came from: self (typed by the unit),
	// system (pushed by a central system), secretariat or survey.
	Source scoring.Source
	// Locked values are centrally sourced: read-only for the unit.
	Locked    bool
	UpdatedAt time.Time
	UpdatedBy int64
	// Version is the submission version produced by the save that last
	// wrote this value: it changes on every write and never repeats, even
	// after the value was cleared (ValueChange.BaseVersion).
	Version int64
}

// Scoring returns the value as the scoring engine takes it.
func (v *InputValue) Scoring() scoring.Value {
	sv := scoring.Value{Set: true, Text: v.Text}
	if v.Num != nil {
		sv.Num = *v.Num
	}
	return sv
}

// ValueChange is one input to set (or clear) in a save.
type ValueChange struct {
	Indicator string
	Input     string
	// Text and Num are the parsed value (see InputValue); Clear removes
	// the value instead.
	Text  string
	Num   *float64
	Clear bool
	// BaseVersion is the InputValue.Version the client loaded, 0 when the
	// input had no value (see ValueSave.PerValue).
	BaseVersion int64
}

// MaxTextValueLen is the longest value text accepted, in bytes.
const MaxTextValueLen = 10000

func (c ValueChange) validate(v *ValidationError) {
	field := c.Indicator + "/" + c.Input
	if !ValidCode(c.Indicator) || !ValidCode(c.Input) {
		v.Add(field, "Mã chỉ số hoặc trường dữ liệu không hợp lệ.", "the indicator or input code is not valid")
		return
	}
	if len(c.Text) > MaxTextValueLen {
		v.Add(field, "Giá trị quá dài.", "the value is too long")
	}
	if c.Num != nil && (math.IsNaN(*c.Num) || math.IsInf(*c.Num, 0)) {
		v.Add(field, "Giá trị số không hợp lệ.", "the number is not valid")
	}
	if !c.Clear && strings.TrimSpace(c.Text) == "" && c.Num == nil {
		v.Add(field, "Giá trị trống; hãy xoá giá trị thay vì lưu chuỗi rỗng.", "empty value; clear it instead")
	}
}

// ValidateChanges checks a batch of changes: codes, lengths and no input
// twice. It returns a *ValidationError naming "INDICATOR/input".
func ValidateChanges(changes []ValueChange) error {
	v := &ValidationError{}
	seen := make(map[[2]string]bool, len(changes))
	for _, c := range changes {
		c.validate(v)
		k := [2]string{c.Indicator, c.Input}
		if seen[k] {
			v.Add(c.Indicator+"/"+c.Input, "Trường dữ liệu bị lặp trong cùng một lần lưu.", "the input appears twice in one save")
		}
		seen[k] = true
	}
	return v.Err()
}

// ValueSave is a batch of value changes to one submission made by the
// unit (an autosave of the form). It is all or nothing.
type ValueSave struct {
	SubmissionID int64
	// Version is the submission version the form was loaded at; a stale
	// one gives ErrConflict and changes nothing. A negative one is
	// ErrInvalid unless PerValue is set (then Version is not read).
	Version int64
	// PerValue checks each change's BaseVersion against its stored value
	// instead of Version, so two people filling different inputs of one
	// form both save. A change to an input written since it was loaded
	// gives ErrConflict (an *Error naming the inputs) and changes nothing.
	PerValue bool
	Changes  []ValueChange
	// Check, when set, runs inside the transaction on fresh rows before
	// anything is written (the workflow rule for actor and time). The
	// period is given without IndexSource.
	Check func(p *Period, u *Unit, s *Submission) error
}

// CentralValue is a centrally sourced value for one unit, imported by the
// secretariat or pushed by a central system. It becomes Locked.
type CentralValue struct {
	UnitID int64
	ValueChange
}

// CentralImport is a batch of centrally sourced values for many units of a
// period, applied all or nothing.
type CentralImport struct {
	PeriodID int64
	// Source is system, secretariat or survey.
	Source scoring.Source
	Values []CentralValue
	// Reason says where the values come from (e.g. the file name); it is
	// kept in the audit entry of every value, after the source. At most
	// 500 characters, no control characters.
	Reason string
}
