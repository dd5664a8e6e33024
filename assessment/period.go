package assessment

import (
	"strings"
	"time"
)

// Period is one assessment round (e.g. "DTI 2025", data year 2025). It
// pins the full text of an index version: editing indicators.yaml later
// never changes a period under way or published.
type Period struct {
	ID int64
	// Code is the stable short code, e.g. "DTI-2025"; unique.
	Code string
	Name string
	// Year is the assessed (data) year.
	Year   int
	Status PeriodStatus
	// The pinned index: code, version, sha256 (hex) and the full YAML
	// text it was parsed from.
	IndexCode    string
	IndexVersion string
	IndexHash    string
	IndexSource  []byte
	// OpensAt is when units may start filling (informative); ClosesAt is
	// the deadline for data entry. Zero means not set.
	OpensAt  time.Time
	ClosesAt time.Time
	// Public periods show their published results to visitors.
	Public bool
	// ShowInProgress lets viewers see rankings computed before publishing.
	ShowInProgress bool
	// Version increases by one on every change (optimistic concurrency).
	Version   int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Valid reports whether s is a known period status.
func (s PeriodStatus) Valid() bool {
	switch s {
	case PeriodDraft, PeriodOpen, PeriodClosed, PeriodPublished:
		return true
	}
	return false
}

// Validate checks the period's fields. It returns a *ValidationError
// naming every bad field.
func (p *Period) Validate() error {
	v := &ValidationError{}
	if !ValidCode(p.Code) {
		v.Add("code", "Mã kỳ đánh giá chỉ gồm chữ, số, '.', '_', '-'.",
			"the period code must be letters, digits, '.', '_' or '-'")
	}
	if strings.TrimSpace(p.Name) == "" {
		v.Add("name", "Cần nhập tên kỳ đánh giá.", "the period name is required")
	} else if !CleanText(p.Name) || len(p.Name) > 300 {
		v.Add("name", "Tên kỳ đánh giá quá dài hoặc chứa ký tự điều khiển.", "the period name is too long or contains control characters")
	}
	if p.Year < 2000 || p.Year > 2100 {
		v.Add("year", "Năm đánh giá phải trong khoảng 2000-2100.", "the year must be between 2000 and 2100")
	}
	if !p.Status.Valid() {
		v.Add("status", "Trạng thái kỳ đánh giá không hợp lệ.", "unknown period status")
	}
	if p.IndexCode == "" || p.IndexHash == "" || len(p.IndexSource) == 0 {
		v.Add("index", "Kỳ đánh giá cần gắn với một phiên bản bộ chỉ số.", "the period needs a pinned index version")
	}
	if !p.OpensAt.IsZero() && !p.ClosesAt.IsZero() && !p.ClosesAt.After(p.OpensAt) {
		v.Add("closes_at", "Hạn nộp phải sau ngày mở.", "the deadline must be after the opening date")
	}
	return v.Err()
}

// PeriodFilter selects periods. Zero fields do not filter.
type PeriodFilter struct {
	ID     *int64
	Code   *string
	Status *PeriodStatus
	Public *bool
	Year   *int

	Offset int
	Limit  int // 0: no limit
}

// PeriodUpdate holds the settings to change on a period; nil fields are
// kept. Status changes go through Store.SetPeriodStatus and
// Store.PublishPeriod.
type PeriodUpdate struct {
	// Version is the version the caller last read; a stale version gives
	// ErrConflict.
	Version        int64
	Name           *string
	Year           *int
	OpensAt        *time.Time
	ClosesAt       *time.Time
	Public         *bool
	ShowInProgress *bool
	// Index re-pins the period to another index version (an explicit
	// admin action, audited with Reason).
	Index  *PinnedIndex
	Reason string
}

// PinnedIndex is an index version pinned to a period.
type PinnedIndex struct {
	Code    string
	Version string
	Hash    string
	Source  []byte
}
