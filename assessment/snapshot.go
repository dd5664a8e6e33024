package assessment

import (
	"time"

	"github.com/dti-platform/dti/scoring"
)

// Snapshot is a frozen set of published results of a period. Publishing
// again (after a re-open) adds a snapshot with the next Number and keeps
// the old ones, so a published ranking never changes silently.
type Snapshot struct {
	ID       int64
	PeriodID int64
	// Number is 1 for the first publication, 2 for the next...
	Number      int
	PublishedAt time.Time
	PublishedBy int64
	// Reason is required when republishing.
	Reason string
	// IndexHash is the hash of the pinned index the results were computed
	// with.
	IndexHash string
	// Results holds the scores; Store.FindSnapshots leaves it empty and
	// Store.FindSnapshot fills it.
	Results SnapshotResults
	// DataMark is the period's data mark (Store.PeriodDataMark) read
	// before Results were computed. Store.PublishPeriod reads it again in
	// its transaction and refuses with ErrConflict when it moved (a
	// review, an approval or a push landed while computing). 0 skips the
	// check, for results not computed from the store; negative is
	// ErrInvalid. It is not stored.
	DataMark int64
}

// SnapshotResults are the self, appraised and final scores of every unit,
// kept side by side.
type SnapshotResults struct {
	Self      scoring.Results `json:"self"`
	Appraised scoring.Results `json:"appraised"`
	Final     scoring.Results `json:"final"`
}
