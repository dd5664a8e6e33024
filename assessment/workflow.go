package assessment

import (
	"errors"
	"strings"
	"time"

	"github.com/dti-platform/dti/scoring"
)

// This file holds the workflow rules: who may do what to a period or a
// submission, in which state and until when. The rules are pure: the
// caller passes the actor, the period, the submission and the time, and
// acts on the answer (usually inside the store transaction, through
// Transition.Check, so the rule sees fresh rows). Every refusal is an
// *Error with a message key, matching ErrForbidden (the actor may not, or
// not now) or ErrInvalid (a comment, reason or required data is missing).

// Action is something an actor asks to do to a period or a submission.
type Action string

// Period actions: province-wide admins only, but for viewing results
// (see CheckPeriod).
const (
	ActOpen        Action = "open"         // draft -> open
	ActClose       Action = "close"        // open -> closed
	ActCompute     Action = "compute"      // compute results (open: preview; closed: final)
	ActPublish     Action = "publish"      // closed -> published, with a new snapshot
	ActReopen      Action = "reopen"       // closed|published -> open, with a reason
	ActEditPeriod  Action = "edit_period"  // change name, dates, visibility
	ActRepinIndex  Action = "repin_index"  // move the period to another index version
	ActViewResults Action = "view_results" // read computed, unpublished results
)

// Submission actions.
const (
	ActEdit    Action = "edit"    // change values and evidence (unit editor or approver)
	ActSubmit  Action = "submit"  // draft -> submitted, returned -> resubmitted
	ActReturn  Action = "return"  // submitted|resubmitted -> returned, with a comment
	ActApprove Action = "approve" // submitted|resubmitted -> approved
	ActReview  Action = "review"  // decide on one indicator (accept, adjust, ask for evidence)
	ActView    Action = "view"    // read the form, its values and evidence
)

// ActImport is the bulk import of units, users and central values
// (province-wide admins only).
const ActImport Action = "import"

// PeriodActions and SubmissionActions list the actions in display order.
var (
	PeriodActions     = []Action{ActOpen, ActClose, ActCompute, ActPublish, ActReopen, ActEditPeriod, ActRepinIndex, ActViewResults}
	SubmissionActions = []Action{ActView, ActEdit, ActSubmit, ActReturn, ActApprove, ActReview}
)

// VietnamTime is the zone dates in messages are shown in (UTC+7, no
// daylight saving), so a deadline stored in UTC reads as the date the
// province set.
var VietnamTime = time.FixedZone("ICT", 7*3600)

// PeriodChange is a request to act on a period.
type PeriodChange struct {
	Action Action
	// Reason is required to re-open (kept in the audit log).
	Reason string
	// Snapshots is how many result snapshots the period already has
	// (publishing again after a re-open keeps them and adds one).
	Snapshots int
}

// PeriodStep is what an allowed period action does.
type PeriodStep struct {
	// From and To are the statuses before and after (equal for compute,
	// edit and view).
	From, To PeriodStatus
	// Snapshot asks the caller to compute the results and store them as a
	// new snapshot (publish).
	Snapshot bool
	// Republish is true when the period was published before: the caller
	// must keep the earlier snapshots and mark the new one as the current.
	Republish bool
}

// CheckPeriod decides whether a may do ch to period p. Only province-wide
// admins act on periods; viewers may also view results in progress when
// the period allows it (Period.ShowInProgress). It returns the step to
// take, or an *Error matching ErrForbidden (wrong role or state) or
// ErrInvalid (missing reason).
func CheckPeriod(a Actor, p *Period, ch PeriodChange) (PeriodStep, error) {
	step := PeriodStep{From: p.Status, To: p.Status}
	admin := a.IsAdmin()
	if ch.Action == ActViewResults {
		switch {
		case admin || a.HasRoleFor(RoleReviewer, 0, nil):
		case a.HasRoleFor(RoleViewer, 0, nil) && (p.ShowInProgress || p.Status == PeriodPublished):
		default:
			return step, ruleError(ErrForbidden, "role.not_allowed", ch.Action)
		}
		if p.Status == PeriodDraft {
			return step, statusRefusal(ch.Action, p.Status)
		}
		return step, nil
	}
	if !isPeriodAction(ch.Action) {
		return step, ruleError(ErrInvalid, "action.unknown", string(ch.Action))
	}
	if !admin {
		return step, ruleError(ErrForbidden, "role.admin_only", ch.Action)
	}
	switch ch.Action {
	case ActOpen:
		if p.Status != PeriodDraft {
			return step, statusRefusal(ch.Action, p.Status)
		}
		if p.IndexHash == "" || len(p.IndexSource) == 0 {
			return step, ruleError(ErrInvalid, "period.no_index")
		}
		step.To = PeriodOpen
	case ActClose:
		if p.Status != PeriodOpen {
			return step, statusRefusal(ch.Action, p.Status)
		}
		step.To = PeriodClosed
	case ActCompute:
		if p.Status != PeriodOpen && p.Status != PeriodClosed {
			return step, statusRefusal(ch.Action, p.Status)
		}
	case ActPublish:
		if p.Status != PeriodClosed {
			return step, statusRefusal(ch.Action, p.Status)
		}
		step.To = PeriodPublished
		step.Snapshot = true
		step.Republish = ch.Snapshots > 0
	case ActReopen:
		if p.Status != PeriodClosed && p.Status != PeriodPublished {
			return step, statusRefusal(ch.Action, p.Status)
		}
		if strings.TrimSpace(ch.Reason) == "" {
			return step, ruleError(ErrInvalid, "period.reason")
		}
		step.To = PeriodOpen
	case ActEditPeriod:
		// Settings (name, dates, visibility) may change in any state; the
		// index and the results may not.
	case ActRepinIndex:
		if p.Status == PeriodPublished {
			return step, statusRefusal(ch.Action, p.Status)
		}
	}
	return step, nil
}

func isPeriodAction(act Action) bool {
	for _, a := range PeriodActions {
		if a == act {
			return true
		}
	}
	return false
}

func statusRefusal(act Action, s PeriodStatus) *Error {
	return ruleError(ErrForbidden, "period.status", act, s)
}

// SubmissionChange is a request to act on a submission.
type SubmissionChange struct {
	Action Action
	// At is when the action happens (the caller's clock); the deadline
	// Period.ClosesAt is checked against it.
	At time.Time
	// Ancestors are the IDs of the submission's unit's ancestors, nearest
	// first (UnitTree.Ancestors): grants with Subtree cover descendants.
	Ancestors []int64
	// Comment is required to return a form.
	Comment string
	// Indicator is the indicator a review decision is about (ActReview):
	// a reviewer scoped to pillars decides only on indicators tagged with
	// one of them.
	Indicator *scoring.Node
	// Decision is the review decision asked for (ActReview), "" when not
	// known yet: declaring an indicator not applicable is the
	// secretariat's (an admin's) and only for optional indicators.
	Decision Decision
	// Missing is what CheckSubmission found missing in the form; submitting
	// is refused while it is not empty.
	Missing []MissingItem
}

// CheckSubmissionAction decides whether a may do ch to submission s of
// period p. It returns the status after the action (s.Status for edit and
// review) or an error: an *Error matching ErrForbidden when the actor's
// roles, the period, the deadline or the form's status do not allow it, or
// matching ErrInvalid when a return has no comment; a *ValidationError
// (ErrInvalid) listing every missing item when a submit is incomplete.
//
// The rules:
//   - view: unit editor or approver of the unit (not while the period is a
//     draft), admin over the unit, or reviewer over the unit once the form
//     was submitted (drafts stay with the unit);
//   - edit: unit editor or approver of the unit, form in draft or
//     returned, period open, before Period.ClosesAt;
//   - submit: unit approver of the unit (or an admin over it for a first
//     submission), form in draft (-> submitted) or returned (only the
//     unit approver: -> resubmitted), period open, before the deadline,
//     nothing missing;
//   - return: reviewer or admin over the unit, form submitted or
//     resubmitted, period open, a comment;
//   - approve: reviewer without pillar scope, or admin, over the unit, form
//     submitted or resubmitted, period open or closed;
//   - review: reviewer or admin over the unit, form submitted or
//     resubmitted, period open or closed; a reviewer scoped to pillars
//     only on indicators of those pillars; only an admin declares an
//     optional indicator not applicable.
func CheckSubmissionAction(a Actor, p *Period, s *Submission, ch SubmissionChange) (SubmissionStatus, error) {
	unit, anc := s.UnitID, ch.Ancestors
	has := func(r Role) bool { return a.HasRoleFor(r, unit, anc) }
	// refuseRole explains a refusal on roles: a role held on other units
	// only is "not your unit"; otherwise "your role may not".
	refuseRole := func(roles ...Role) error {
		for _, r := range roles {
			if a.HasRole(r) {
				return ruleError(ErrForbidden, "role.not_own_unit", ch.Action)
			}
		}
		return ruleError(ErrForbidden, "role.not_allowed", ch.Action)
	}
	if unit == 0 {
		return s.Status, ruleError(ErrInvalid, "role.no_unit")
	}
	switch ch.Action {
	case ActView:
		switch {
		case has(RoleAdmin):
		case has(RoleEditor) || has(RoleApprover):
			if p.Status == PeriodDraft {
				return s.Status, ruleError(ErrForbidden, "period.not_open", p.Status)
			}
		case has(RoleReviewer):
			if s.Status == SubmissionDraft {
				return s.Status, ruleError(ErrForbidden, "submission.status", ch.Action, s.Status)
			}
		default:
			return s.Status, refuseRole(RoleEditor, RoleApprover, RoleReviewer, RoleAdmin)
		}
		return s.Status, nil

	case ActEdit:
		if !has(RoleEditor) && !has(RoleApprover) {
			return s.Status, refuseRole(RoleEditor, RoleApprover)
		}
		if err := checkEntryOpen(p, ch.At); err != nil {
			return s.Status, err
		}
		if !s.Status.Editable() {
			return s.Status, ruleError(ErrForbidden, "submission.status", ch.Action, s.Status)
		}
		return s.Status, nil

	case ActSubmit:
		var to SubmissionStatus
		switch s.Status {
		case SubmissionDraft:
			if !has(RoleApprover) && !has(RoleAdmin) {
				return s.Status, refuseRole(RoleApprover, RoleAdmin)
			}
			to = SubmissionSubmitted
		case SubmissionReturned:
			if !has(RoleApprover) {
				return s.Status, refuseRole(RoleApprover)
			}
			to = SubmissionResubmitted
		default:
			if !has(RoleApprover) && !has(RoleAdmin) {
				return s.Status, refuseRole(RoleApprover, RoleAdmin)
			}
			return s.Status, ruleError(ErrForbidden, "submission.status", ch.Action, s.Status)
		}
		if err := checkEntryOpen(p, ch.At); err != nil {
			return s.Status, err
		}
		if len(ch.Missing) > 0 {
			return s.Status, MissingError(ch.Missing)
		}
		return to, nil

	case ActReturn, ActApprove, ActReview:
		if !has(RoleReviewer) && !has(RoleAdmin) {
			return s.Status, refuseRole(RoleReviewer, RoleAdmin)
		}
		if ch.Action == ActReturn {
			if p.Status != PeriodOpen {
				return s.Status, statusRefusal(ch.Action, p.Status)
			}
		} else if p.Status != PeriodOpen && p.Status != PeriodClosed {
			return s.Status, statusRefusal(ch.Action, p.Status)
		}
		if s.Status != SubmissionSubmitted && s.Status != SubmissionResubmitted {
			return s.Status, ruleError(ErrForbidden, "submission.status", ch.Action, s.Status)
		}
		admin := has(RoleAdmin)
		pillars, all := a.ReviewerPillars(unit, anc)
		switch ch.Action {
		case ActReturn:
			if strings.TrimSpace(ch.Comment) == "" {
				return s.Status, ruleError(ErrInvalid, "submission.comment")
			}
			return SubmissionReturned, nil
		case ActApprove:
			if !admin && !all {
				return s.Status, ruleError(ErrForbidden, "role.pillar_scope_approve", strings.Join(pillars, ", "))
			}
			return SubmissionApproved, nil
		default: // ActReview
			if ch.Indicator == nil {
				return s.Status, ruleError(ErrInvalid, "submission.indicator", "")
			}
			if !admin && !all && !(Grant{Pillars: pillars}).CoversPillars(ch.Indicator.Pillars) {
				return s.Status, ruleError(ErrForbidden, "role.pillar_scope", strings.Join(pillars, ", "), ch.Indicator.Code)
			}
			if ch.Decision == DecisionNotApplicable {
				if !admin {
					return s.Status, ruleError(ErrForbidden, "review.na_admin", ch.Indicator.Code)
				}
				if !ch.Indicator.Optional {
					return s.Status, ruleError(ErrInvalid, "review.na_optional", ch.Indicator.Code)
				}
			}
			return s.Status, nil
		}
	}
	return s.Status, ruleError(ErrInvalid, "action.unknown", string(ch.Action))
}

// checkEntryOpen refuses data entry when the period is not open or its
// deadline has passed at t.
func checkEntryOpen(p *Period, t time.Time) error {
	if p.Status != PeriodOpen {
		if p.Status != PeriodDraft && !p.ClosesAt.IsZero() {
			return ruleError(ErrForbidden, "period.closed", p.ClosesAt.In(VietnamTime))
		}
		return ruleError(ErrForbidden, "period.not_open", p.Status)
	}
	if !p.ClosesAt.IsZero() && t.After(p.ClosesAt) {
		return ruleError(ErrForbidden, "period.closed", p.ClosesAt.In(VietnamTime))
	}
	return nil
}

// SubmissionCheck returns a check for the store's Transition.Check,
// ValueSave.Check and SaveReview: it runs CheckSubmissionAction for a and
// ch on the rows the store reads inside its transaction, so the rule sees
// the fresh period and form. When ch.Action is a submit the check also
// makes sure the form moves to the status the rule gives (want, when not
// empty).
func SubmissionCheck(a Actor, ch SubmissionChange, want SubmissionStatus) func(p *Period, u *Unit, s *Submission) error {
	return func(p *Period, _ *Unit, s *Submission) error {
		to, err := CheckSubmissionAction(a, p, s, ch)
		if err != nil {
			return err
		}
		if want != "" && to != want {
			return ruleError(ErrForbidden, "submission.status", ch.Action, s.Status)
		}
		return nil
	}
}

// AvailableActions lists the submission actions a may take on s at time
// at, to show the matching buttons. An action refused only for want of a
// comment, an indicator or complete data is listed: using it explains
// what is missing.
func AvailableActions(a Actor, p *Period, s *Submission, at time.Time, ancestors []int64) []Action {
	var out []Action
	for _, act := range SubmissionActions {
		_, err := CheckSubmissionAction(a, p, s, SubmissionChange{Action: act, At: at, Ancestors: ancestors})
		if err == nil || errors.Is(err, ErrInvalid) {
			out = append(out, act)
		}
	}
	return out
}

// AvailablePeriodActions lists the period actions a may take on p (a
// re-open is listed though it needs a reason).
func AvailablePeriodActions(a Actor, p *Period) []Action {
	var out []Action
	for _, act := range PeriodActions {
		_, err := CheckPeriod(a, p, PeriodChange{Action: act})
		if err == nil || errors.Is(err, ErrInvalid) && act == ActReopen {
			out = append(out, act)
		}
	}
	return out
}

// PeriodCheck returns a check for Store.SetPeriodStatus: it runs
// CheckPeriod for a and ch on the fresh period and refuses unless the rule
// moves the period to want.
func PeriodCheck(a Actor, ch PeriodChange, want PeriodStatus) func(p *Period) error {
	return func(p *Period) error {
		step, err := CheckPeriod(a, p, ch)
		if err != nil {
			return err
		}
		if step.To != want {
			return statusRefusal(ch.Action, p.Status)
		}
		return nil
	}
}
