package web

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/dti-platform/dti/assessment"
)

// reviewQueueView is the reviewer's list of forms waiting for appraisal.
type reviewQueueView struct {
	Items []reviewItem
}

type reviewItem struct {
	PeriodName, UnitName, URL string
	StatusKey, StatusClass    string
	SubmittedAt               string
	Round                     int
}

// reviewQueue lists the submitted and resubmitted forms of open and
// closed periods that the user may appraise (reviewers and admins over
// the unit), oldest submission first.
func (s *Server) reviewQueue(c *fiber.Ctx) error {
	ctx := c.UserContext()
	u := currentUser(c)
	a := u.Actor
	if !a.HasRole(assessment.RoleReviewer) && !a.HasRole(assessment.RoleAdmin) {
		return fiber.ErrForbidden
	}
	l := s.localizer(c)
	periods, _, err := s.cfg.Store.FindPeriods(ctx, assessment.PeriodFilter{})
	if err != nil {
		return err
	}
	units := map[int64]*assessment.Unit{}
	v := reviewQueueView{}
	for _, p := range periods {
		if p.Status != assessment.PeriodOpen && p.Status != assessment.PeriodClosed {
			continue
		}
		id := p.ID
		subs, _, err := s.cfg.Store.FindSubmissions(ctx, assessment.SubmissionFilter{PeriodID: &id,
			Statuses: []assessment.SubmissionStatus{assessment.SubmissionSubmitted, assessment.SubmissionResubmitted}})
		if err != nil {
			return err
		}
		for _, sub := range subs {
			unit := units[sub.UnitID]
			if unit == nil {
				if unit, err = s.cfg.Store.FindUnitByID(ctx, sub.UnitID); err != nil {
					return err
				}
				units[sub.UnitID] = unit
			}
			anc, err := s.ancestors(ctx, a, unit)
			if err != nil {
				return err
			}
			if !a.HasRoleFor(assessment.RoleReviewer, unit.ID, anc) && !a.HasRoleFor(assessment.RoleAdmin, unit.ID, anc) {
				continue
			}
			v.Items = append(v.Items, reviewItem{
				PeriodName: p.Name, UnitName: unit.Name(l.Lang), URL: formBase(p.Code, unit.Code),
				StatusKey: "status." + string(sub.Status), StatusClass: "status-" + string(sub.Status),
				SubmittedAt: l.DateTime(sub.SubmittedAt), Round: sub.Round,
			})
		}
	}
	return s.render(c, fiber.StatusOK, "reviews", s.newPage(c, "reviews.title", "reviews", v))
}

// reviewActions says which appraisal decisions the form page offers at
// time now: those the workflow allows the user.
func reviewActions(fc *formCtx, now time.Time) (approve, ret bool) {
	if fc.sub == nil {
		return false, false
	}
	ch := assessment.SubmissionChange{Action: assessment.ActApprove, At: now, Ancestors: fc.ancestors}
	_, errA := assessment.CheckSubmissionAction(fc.actor, fc.period, fc.sub, ch)
	ch.Action, ch.Comment = assessment.ActReturn, "x"
	_, errR := assessment.CheckSubmissionAction(fc.actor, fc.period, fc.sub, ch)
	return errA == nil, errR == nil
}

// reviewDecision approves a submitted form or returns it to the unit with
// a comment. The workflow rule runs again inside the store's transaction.
func (s *Server) reviewDecision(act assessment.Action) fiber.Handler {
	return func(c *fiber.Ctx) error {
		fc, err := s.loadForm(c, false)
		if err != nil {
			return err
		}
		if fc.sub == nil {
			return assessment.ErrNotFound
		}
		version, ok := parseVersion(c.FormValue("version"))
		if !ok {
			return fiber.ErrBadRequest
		}
		ch := assessment.SubmissionChange{Action: act, At: s.cfg.Now(), Ancestors: fc.ancestors,
			Comment: strings.TrimSpace(c.FormValue("comment"))}
		to, err := assessment.CheckSubmissionAction(fc.actor, fc.period, fc.sub, ch)
		if err != nil {
			return err
		}
		actor := fc.actor
		_, err = s.cfg.Store.TransitionSubmission(c.UserContext(), actor, assessment.Transition{
			SubmissionID: fc.sub.ID, Version: version, To: to, Comment: ch.Comment,
			Check: func(p *assessment.Period, _ *assessment.Unit, sub *assessment.Submission) error {
				got, err := assessment.CheckSubmissionAction(actor, p, sub, ch)
				if err == nil && got != to {
					return assessment.ErrConflict
				}
				return err
			},
		})
		if err != nil {
			return err
		}
		s.setFlash(c, "flash.review_"+string(act))
		return c.Redirect("/reviews", fiber.StatusSeeOther)
	}
}
