package assessment

import (
	"context"
	"io"
	"time"

	"github.com/dti-platform/dti/scoring"
)

// Store keeps the domain. Every exported operation runs in one
// transaction; every change writes its audit entries in the same
// transaction. Operations that change data take the acting Actor (for the
// audit log and the few rules the store enforces itself).
//
// Errors: ErrNotFound for a missing row, ErrConflict for a stale version or
// a duplicate code, ErrForbidden for a rule the store enforces (locked
// values, periods not open), ErrInvalid (*ValidationError) for bad fields.
// Test with errors.Is.
//
// assessment/sqlite implements it.
type Store interface {
	UnitStore
	UserStore
	PeriodStore
	SubmissionStore
	ReviewStore
	EvidenceStore
	SnapshotStore
	AuditStore
	SessionStore
	TokenStore
	// LoadDataset returns the data of every active unit (and of inactive
	// units that submitted in the period) whose type is an enabled unit
	// type of ix, for the period, as the scoring engine takes
	// them: units in code order, Values dense by ix.Slot (numbers carry
	// Num only), Block from the unit or else the first block of ix listing
	// its type. kind chooses self, appraised or final values (see
	// DatasetKind): the latest review decision per indicator counts (a
	// later round's accept replaces an earlier adjustment);
	// not_applicable decisions fill NotApplicable for every kind. ix must
	// be the period's pinned index. Returns ErrNotFound for an unknown
	// period.
	LoadDataset(ctx context.Context, periodID int64, kind DatasetKind, ix *scoring.Index) (*scoring.Dataset, error)
	// Backup writes a consistent copy of the database to dest (a file that
	// must not exist) while the store stays in use.
	Backup(ctx context.Context, dest string) error
	// Close releases the database.
	Close() error
}

// UnitStore keeps units.
type UnitStore interface {
	// CreateUnit inserts u and sets its ID and timestamps. ErrInvalid for
	// bad fields or an unknown parent; ErrConflict for a duplicate code.
	CreateUnit(ctx context.Context, actor Actor, u *Unit) error
	// UpdateUnit changes the given fields. ErrNotFound, ErrInvalid (also
	// for a parent that would make a cycle).
	UpdateUnit(ctx context.Context, actor Actor, id int64, upd UnitUpdate) (*Unit, error)
	// FindUnitByID returns ErrNotFound when there is no such unit.
	FindUnitByID(ctx context.Context, id int64) (*Unit, error)
	// FindUnitByCode returns ErrNotFound when there is no such unit.
	FindUnitByCode(ctx context.Context, code string) (*Unit, error)
	// FindUnits returns the matching units in code order and the total
	// count before paging.
	FindUnits(ctx context.Context, f UnitFilter) ([]*Unit, int, error)
	// UnitTree returns the tree of every unit (active or not).
	UnitTree(ctx context.Context) (*UnitTree, error)
	// ImportUnits creates and updates units in one transaction, all or
	// nothing, with the audit entries of CreateUnit and UpdateUnit: the
	// creates first, in order (a ParentCode may name a unit created
	// earlier in the batch), then the updates. A failing item is
	// reported as an *ImportItemError wrapping ErrInvalid, ErrConflict (a
	// code taken meanwhile, or a unit that no longer matches its Old) or
	// ErrNotFound. Created units keep their IDs and timestamps only when
	// everything is written.
	ImportUnits(ctx context.Context, actor Actor, creates []UnitImportCreate, updates []UnitImportUpdate) error
}

// UserStore keeps users and their grants.
type UserStore interface {
	// CreateUser inserts u (PasswordHash from HashPassword) with its
	// grants and sets ID and timestamps. The username is stored lower
	// case. ErrInvalid, ErrConflict for a taken username.
	CreateUser(ctx context.Context, actor Actor, u *User) error
	// UpdateUser changes the given fields; disabling a user also ends its
	// sessions. ErrNotFound, ErrInvalid.
	UpdateUser(ctx context.Context, actor Actor, id int64, upd UserUpdate) (*User, error)
	// SetPassword stores a new hash, sets MustChangePassword and ends
	// every session of the user except keepSession ("" ends all).
	// ErrNotFound.
	SetPassword(ctx context.Context, actor Actor, id int64, hash string, mustChange bool, keepSession string) error
	// FindUserByID returns the user with its grants, or ErrNotFound.
	FindUserByID(ctx context.Context, id int64) (*User, error)
	// FindUserByUsername looks the username up case-insensitively;
	// ErrNotFound.
	FindUserByUsername(ctx context.Context, username string) (*User, error)
	// FindUsers returns the matching users (with grants) in username
	// order and the total count before paging.
	FindUsers(ctx context.Context, f UserFilter) ([]*User, int, error)
	// ImportUsers creates users (PasswordHash set by the caller, as for
	// CreateUser) and updates users in one transaction, all or nothing,
	// with the audit entries of CreateUser and UpdateUser (disabling a
	// user ends its sessions). A failing item is reported as an
	// *ImportItemError wrapping ErrInvalid, ErrConflict (a username taken
	// meanwhile, or a user that no longer matches its Old) or
	// ErrNotFound. Created users keep their IDs and timestamps only when
	// everything is written.
	ImportUsers(ctx context.Context, actor Actor, creates []*User, updates []UserImportUpdate) error
}

// PeriodStore keeps assessment periods.
type PeriodStore interface {
	// CreatePeriod inserts p (Status draft unless set) and sets ID,
	// Version 1 and timestamps. ErrInvalid, ErrConflict for a duplicate
	// code.
	CreatePeriod(ctx context.Context, actor Actor, p *Period) error
	// UpdatePeriod changes settings when upd.Version is current.
	// ErrNotFound, ErrConflict (stale version), ErrInvalid.
	UpdatePeriod(ctx context.Context, actor Actor, id int64, upd PeriodUpdate) (*Period, error)
	// SetPeriodStatus moves the period to status when version is current,
	// auditing reason (required by the workflow for a re-open). The
	// workflow rules decide whether the move is allowed; check, when not
	// nil, runs on the fresh row inside the transaction. ErrNotFound,
	// ErrConflict, ErrInvalid (unknown status).
	SetPeriodStatus(ctx context.Context, actor Actor, id, version int64, status PeriodStatus, reason string, check func(*Period) error) (*Period, error)
	// PublishPeriod stores snap as the period's next snapshot (Number =
	// last + 1, timestamps and publisher set) and sets the status to
	// published, in one transaction. ErrNotFound, ErrConflict.
	PublishPeriod(ctx context.Context, actor Actor, id, version int64, snap *Snapshot) (*Period, error)
	// PeriodDataMark is the id of the latest audit entry of the period
	// that records a change (exports and other reads excluded); 0 when
	// there is none. Every change of a period's data writes its audit
	// entry in its own transaction, so an unchanged mark means unchanged
	// data. Give it to PublishPeriod in Snapshot.DataMark.
	PeriodDataMark(ctx context.Context, periodID int64) (int64, error)
	// FindPeriodByID returns ErrNotFound when there is no such period.
	FindPeriodByID(ctx context.Context, id int64) (*Period, error)
	// FindPeriodByCode returns ErrNotFound when there is no such period.
	FindPeriodByCode(ctx context.Context, code string) (*Period, error)
	// FindPeriodByCodeMeta is FindPeriodByCode without IndexSource, for
	// the hot paths that take the parsed index from a cache keyed by
	// IndexHash. ErrNotFound when there is no such period.
	FindPeriodByCodeMeta(ctx context.Context, code string) (*Period, error)
	// FindPeriods returns matching periods, newest year first, without
	// IndexSource, and the total count before paging.
	FindPeriods(ctx context.Context, f PeriodFilter) ([]*Period, int, error)
}

// SubmissionStore keeps submissions and their input values.
type SubmissionStore interface {
	// EnsureSubmission returns the unit's submission for the period,
	// creating a draft when there is none. ErrNotFound for an unknown
	// period or unit.
	EnsureSubmission(ctx context.Context, actor Actor, periodID, unitID int64) (*Submission, error)
	// FindSubmissionByID returns ErrNotFound when there is none.
	FindSubmissionByID(ctx context.Context, id int64) (*Submission, error)
	// FindSubmission returns the unit's submission for the period or
	// ErrNotFound.
	FindSubmission(ctx context.Context, periodID, unitID int64) (*Submission, error)
	// FindSubmissions returns matching submissions ordered by unit code
	// and the total count before paging.
	FindSubmissions(ctx context.Context, f SubmissionFilter) ([]*Submission, int, error)
	// TransitionSubmission moves a submission to t.To when t.Version is
	// current: submitted/resubmitted increase Round and set SubmittedAt/By,
	// approved sets ApprovedAt/By; Version increases. The workflow rule
	// goes in t.Check. ErrNotFound, ErrConflict, ErrInvalid.
	TransitionSubmission(ctx context.Context, actor Actor, t Transition) (*Submission, error)

	// SaveValues applies a batch of the unit's value changes when
	// s.Version is current, all or nothing, and returns the submission
	// with its new Version. Refused with ErrForbidden when the period is
	// not open, the submission is not draft or returned, or a change
	// touches a Locked value; ErrConflict for a stale version (nothing
	// written); ErrInvalid for bad codes.
	SaveValues(ctx context.Context, actor Actor, s ValueSave) (*Submission, error)
	// ImportValues stores centrally sourced values for many units of a
	// period (creating draft submissions as needed) as Locked values with
	// imp.Source, all or nothing, bumping each touched submission's
	// version. Each value's audit entry gives the source and imp.Reason
	// (e.g. the file it came from). Refused with ErrForbidden for a
	// published period; ErrInvalid for a bad source, value or reason.
	// Returns the number of values written.
	ImportValues(ctx context.Context, actor Actor, imp CentralImport) (int, error)
	// FindValues returns the submission's values ordered by indicator and
	// input.
	FindValues(ctx context.Context, submissionID int64) ([]*InputValue, error)
}

// ReviewStore keeps review decisions.
type ReviewStore interface {
	// SaveReview records r in the submission's current round (replacing a
	// decision on the same indicator in that round) and sets ID, Round,
	// ReviewerID and CreatedAt. check, when not nil, runs inside the
	// transaction on fresh rows (the workflow rule: submission under
	// review, reviewer's pillar scope; the period comes without
	// IndexSource). ErrNotFound, ErrInvalid.
	SaveReview(ctx context.Context, actor Actor, r *Review, check func(p *Period, u *Unit, s *Submission) error) error
	// FindReviews returns every decision of the submission, by round then
	// indicator.
	FindReviews(ctx context.Context, submissionID int64) ([]*Review, error)
	// FindLatestReviews returns, in one read for many submissions, the
	// decision that counts for each indicator (as LatestReviews), keyed by
	// submission ID then indicator code. Submissions without decisions
	// are absent from the map.
	FindLatestReviews(ctx context.Context, submissionIDs []int64) (map[int64]map[string]*Review, error)
}

// EvidenceStore keeps evidence items and their files.
type EvidenceStore interface {
	// AddEvidence stores e; for a file item it reads the content from r
	// (at most the configured size; the type is checked against an
	// allow-list by extension and sniffed content), stores it
	// content-addressed and sets Size, SHA256 and ContentType. The
	// submission must be editable unless the actor is an admin
	// (ErrForbidden). ErrInvalid for a bad item, a file too big or of a
	// refused type; ErrNotFound for an unknown submission.
	AddEvidence(ctx context.Context, actor Actor, e *Evidence, r io.Reader) error
	// DeleteEvidence removes an item; the content-addressed file stays
	// (others may share it). Same rules as AddEvidence; ErrNotFound.
	DeleteEvidence(ctx context.Context, actor Actor, id int64) error
	// FindEvidenceByID returns ErrNotFound when there is none.
	FindEvidenceByID(ctx context.Context, id int64) (*Evidence, error)
	// FindEvidence returns the submission's items by indicator then ID.
	FindEvidence(ctx context.Context, submissionID int64) ([]*Evidence, error)
	// OpenEvidenceFile opens the stored file of a file item.
	// ErrNotFound when the item is not a file or the file is gone.
	OpenEvidenceFile(ctx context.Context, id int64) (*Evidence, io.ReadCloser, error)
}

// SnapshotStore reads published snapshots (PublishPeriod writes them).
type SnapshotStore interface {
	// FindSnapshots lists the period's snapshots, newest first, without
	// Results.
	FindSnapshots(ctx context.Context, periodID int64) ([]*Snapshot, error)
	// FindSnapshot returns a snapshot with its Results; number 0 means the
	// latest. ErrNotFound. Decoding a large period's results is costly and
	// snapshots never change: cache them by (PeriodID, Number) and use
	// FindSnapshots to learn the latest number.
	FindSnapshot(ctx context.Context, periodID int64, number int) (*Snapshot, error)
}

// AuditStore reads the audit log and records events that change nothing
// else (sign-in failures, exports).
type AuditStore interface {
	// AddAudit records e (At is set by the store).
	AddAudit(ctx context.Context, e *AuditEntry) error
	// FindAudit returns matching entries newest first and the total count
	// before paging.
	FindAudit(ctx context.Context, f AuditFilter) ([]*AuditEntry, int, error)
}

// SessionStore keeps browser sessions.
type SessionStore interface {
	// CreateSession stores s (ID = HashSecret(cookie secret)), sets
	// CreatedAt and LastSeenAt, and records the sign-in on the user
	// (LastLoginAt) and in the audit log. ErrNotFound for an unknown user.
	CreateSession(ctx context.Context, s *Session) error
	// FindSession returns the session with id; ErrNotFound when there is
	// none or it has expired.
	FindSession(ctx context.Context, id string) (*Session, error)
	// TouchSession sets LastSeenAt to now and ExpiresAt to expiresAt
	// (sliding expiry). It is a write: call it at most about once a
	// minute per session (compare LastSeenAt), not on every request.
	// ErrNotFound.
	TouchSession(ctx context.Context, id string, expiresAt time.Time) error
	// DeleteSession ends one session (sign-out); deleting a missing
	// session is not an error.
	DeleteSession(ctx context.Context, id string) error
	// DeleteExpiredSessions removes sessions expired before now and
	// returns how many.
	DeleteExpiredSessions(ctx context.Context) (int, error)
}

// TokenStore keeps API tokens.
type TokenStore interface {
	// CreateAPIToken makes a token for userID and returns it with its
	// secret, which is shown once and never stored. ErrNotFound for an
	// unknown user, ErrInvalid for an empty name.
	CreateAPIToken(ctx context.Context, actor Actor, userID int64, name string) (*APIToken, string, error)
	// AuthenticateToken finds the active token with this secret, records
	// its use and returns it with its user. ErrNotFound for an unknown or
	// revoked token; ErrForbidden when the user is disabled.
	AuthenticateToken(ctx context.Context, secret string) (*APIToken, *User, error)
	// RevokeAPIToken revokes a token. ErrNotFound.
	RevokeAPIToken(ctx context.Context, actor Actor, id int64) error
	// FindAPITokens lists a user's tokens (userID 0: all), newest first.
	FindAPITokens(ctx context.Context, userID int64) ([]*APIToken, error)
}
