package assessment

import "time"

// AuditEntry records one change: who, when, what, from, to and why. Store
// operations write entries in the same transaction as the change.
type AuditEntry struct {
	ID        int64
	At        time.Time
	ActorID   int64 // 0: the system
	ActorName string
	// Action is what happened, e.g. "value.set", "submission.submitted",
	// "period.reopened", "user.login_failed" (see the Action constants).
	Action string
	// Entity and EntityID name the changed row, e.g. "submission" 42.
	Entity   string
	EntityID int64
	UnitID   int64 // 0: not about a unit
	PeriodID int64 // 0: not about a period
	// Field is the changed field, e.g. "NTS.01/chair_role" or "status".
	Field  string
	From   string
	To     string
	Reason string
}

// Audit actions. The store writes most of them with its changes; the web
// layer records the events marked "AddAudit" itself.
const (
	ActionUnitCreated       = "unit.created"
	ActionUnitUpdated       = "unit.updated"
	ActionUserCreated       = "user.created"
	ActionUserUpdated       = "user.updated"
	ActionUserPassword      = "user.password_changed"
	ActionUserLogin         = "user.login"
	ActionUserLoginFailed   = "user.login_failed" // AddAudit
	ActionUserLogout        = "user.logout"       // AddAudit
	ActionSessionsRevoked   = "user.sessions_revoked"
	ActionExport            = "export" // AddAudit: a report was downloaded
	ActionPeriodCreated     = "period.created"
	ActionPeriodUpdated     = "period.updated"
	ActionPeriodStatus      = "period.status"
	ActionPeriodPublished   = "period.published"
	ActionSubmissionCreated = "submission.created"
	ActionSubmissionStatus  = "submission.status"
	ActionValueSet          = "value.set"
	ActionValueCleared      = "value.cleared"
	ActionEvidenceAdded     = "evidence.added"
	ActionEvidenceDeleted   = "evidence.deleted"
	ActionReviewDecided     = "review.decided"
	ActionTokenCreated      = "token.created"
	ActionTokenRevoked      = "token.revoked"
)

// AuditFilter selects audit entries; zero fields do not filter. Results
// are newest first.
type AuditFilter struct {
	ActorID  *int64
	UnitID   *int64
	PeriodID *int64
	Action   string // exact action, or a prefix ending in "." (e.g. "value.")
	Entity   string
	EntityID *int64
	// From and To bound At: From ≤ At < To; zero does not bound.
	From time.Time
	To   time.Time

	Offset int
	Limit  int // 0: the default page size (100); at most 10,000
}
