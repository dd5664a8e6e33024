package assessment

import "time"

// Submission is one unit's form in one period: its status in the review
// workflow and the version that guards concurrent saves. The values are
// InputValue rows; evidence and review decisions hang off it too.
type Submission struct {
	ID       int64
	PeriodID int64
	UnitID   int64
	Status   SubmissionStatus
	// Version increases by one on every change of the submission or of
	// any of its values: a save names the version it was based on and a
	// stale one gives ErrConflict.
	Version int64
	// Round is the number of times the form was submitted (0 while a
	// first draft); review decisions carry the round they were made in.
	Round       int
	SubmittedAt time.Time // zero: never submitted
	SubmittedBy int64
	ApprovedAt  time.Time // zero: not approved
	ApprovedBy  int64
	CreatedAt   time.Time
	UpdatedAt   time.Time
	UpdatedBy   int64
}

// Valid reports whether s is a known submission status.
func (s SubmissionStatus) Valid() bool {
	switch s {
	case SubmissionDraft, SubmissionSubmitted, SubmissionReturned, SubmissionResubmitted, SubmissionApproved:
		return true
	}
	return false
}

// Editable reports whether a unit may change values in status s (draft
// or returned).
func (s SubmissionStatus) Editable() bool {
	return s == SubmissionDraft || s == SubmissionReturned
}

// SubmissionFilter selects submissions. Zero fields do not filter.
type SubmissionFilter struct {
	PeriodID *int64
	UnitID   *int64
	Status   *SubmissionStatus
	// Statuses selects submissions in any of these statuses (e.g. a
	// reviewer's queue: submitted and resubmitted); nil does not filter.
	Statuses []SubmissionStatus
	// UnitIDs selects submissions of any of these units (e.g. the units an
	// actor may see); nil does not filter, empty selects nothing.
	UnitIDs []int64

	Offset int
	Limit  int // 0: no limit
}

// Transition asks to move a submission to another status.
type Transition struct {
	SubmissionID int64
	// Version is the submission version the caller last read.
	Version int64
	To      SubmissionStatus
	// Comment is required by the workflow when returning a form; it is
	// kept in the audit log.
	Comment string
	// Check, when set, runs inside the transaction on fresh rows before
	// anything is written (e.g. the workflow rule for the actor and the
	// time); an error aborts the transition and is returned as is. The
	// period is given without IndexSource (use the parsed index cached
	// by its hash).
	Check func(p *Period, u *Unit, s *Submission) error
}

// DatasetKind says which values LoadDataset returns.
type DatasetKind string

const (
	// DatasetSelf is the units' own values (the self-assessment).
	DatasetSelf DatasetKind = "self"
	// DatasetAppraised is the units' values with the values adjusted by
	// the review (adjust_value decisions), without score overrides.
	DatasetAppraised DatasetKind = "appraised"
	// DatasetFinal is the appraised values plus the points decided by the
	// review (adjust_score decisions) as overrides.
	DatasetFinal DatasetKind = "final"
)

// Valid reports whether k is a known dataset kind.
func (k DatasetKind) Valid() bool {
	return k == DatasetSelf || k == DatasetAppraised || k == DatasetFinal
}
