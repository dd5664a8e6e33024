package assessment

// Role is what a user may do. Unit roles are tied to a unit (or a unit and
// its descendants); admin, reviewer and viewer may be tied to a unit subtree
// too (a district admin runs its communes' assessment) or to none (the whole
// province).
type Role string

const (
	RoleAdmin    Role = "admin"         // the secretariat
	RoleReviewer Role = "reviewer"      // appraisal council member, optionally scoped to pillars
	RoleEditor   Role = "unit_editor"   // the unit's focal point: fills the form
	RoleApprover Role = "unit_approver" // the unit's head: fills and submits
	RoleViewer   Role = "viewer"        // steering committee, leaders: reads results
)

// Roles lists every role in display order.
var Roles = []Role{RoleAdmin, RoleReviewer, RoleApprover, RoleEditor, RoleViewer}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, k := range Roles {
		if r == k {
			return true
		}
	}
	return false
}

// PeriodStatus is the state of an assessment round.
type PeriodStatus string

const (
	PeriodDraft     PeriodStatus = "draft"     // created, units see nothing yet
	PeriodOpen      PeriodStatus = "open"      // units fill and submit
	PeriodClosed    PeriodStatus = "closed"    // data entry closed; results computed and previewed
	PeriodPublished PeriodStatus = "published" // a frozen snapshot is public to its audience
)

// SubmissionStatus is the state of one unit's form in one period.
type SubmissionStatus string

const (
	SubmissionDraft       SubmissionStatus = "draft"
	SubmissionSubmitted   SubmissionStatus = "submitted"
	SubmissionReturned    SubmissionStatus = "returned"
	SubmissionResubmitted SubmissionStatus = "resubmitted"
	SubmissionApproved    SubmissionStatus = "approved"
)
