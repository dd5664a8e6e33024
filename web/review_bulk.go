package web

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/dti-platform/dti/assessment"
)

// This file holds the bulk approval of forms from the queue: each selected
// form goes through the workflow on its own (not all or nothing), and the
// queue then says which were approved and which were refused and why.

// cookieBulk carries the outcome of a bulk approval to the queue page
// (POST-redirect-GET): "a=1.2|r=3" lists approved and refused submission
// IDs. The page shows only forms the user appraises, so a forged cookie
// reveals nothing.
const cookieBulk = "dti_bulk"

// maxBulk bounds one bulk approval (and the outcome cookie).
const maxBulk = 200

// bulkOutcome is what the queue shows after a bulk approval.
type bulkOutcome struct {
	Approved []string
	Refused  []bulkRefusal
}

type bulkRefusal struct {
	Unit, Reason string
}

// bulkApprove approves each selected form ("sub" = "ID:version") that the
// workflow lets the user approve; the others are refused one by one.
func (s *Server) bulkApprove(c *fiber.Ctx) error {
	u := currentUser(c)
	a := u.Actor
	if !a.HasRole(assessment.RoleReviewer) && !a.HasRole(assessment.RoleAdmin) {
		return fiber.ErrForbidden
	}
	raw := c.Request().PostArgs().PeekMulti("sub")
	if len(raw) == 0 {
		s.setFlash(c, "flash.bulk_none")
		return c.Redirect("/reviews", fiber.StatusSeeOther)
	}
	if len(raw) > maxBulk {
		return fiber.NewError(fiber.StatusRequestEntityTooLarge, "too many forms")
	}
	var approved, refused []string
	seen := map[int64]bool{}
	for _, r := range raw {
		idText, verText, ok := strings.Cut(string(r), ":")
		id, err1 := strconv.ParseInt(idText, 10, 64)
		version, ok2 := parseVersion(verText)
		if !ok || err1 != nil || !ok2 || id <= 0 {
			return fiber.NewError(fiber.StatusBadRequest, "bad sub field")
		}
		if seen[id] {
			continue
		}
		seen[id] = true
		err := s.approveOne(c, a, id, version)
		switch {
		case err == nil:
			approved = append(approved, idText)
		case isForbidden(err) || isConflict(err) || isInvalid(err) || isNotFound(err):
			refused = append(refused, idText)
		default:
			return err
		}
	}
	s.setCookie(c, cookieBulk, "a="+strings.Join(approved, ".")+"|r="+strings.Join(refused, "."), 5*time.Minute)
	return c.Redirect("/reviews", fiber.StatusSeeOther)
}

// approveOne approves one submission at the version the user saw, the
// workflow's approve rule checked on fresh rows in the transaction.
func (s *Server) approveOne(c *fiber.Ctx, a assessment.Actor, id, version int64) error {
	ctx := c.UserContext()
	sub, err := s.cfg.Store.FindSubmissionByID(ctx, id)
	if err != nil {
		return err
	}
	unit, err := s.cfg.Store.FindUnitByID(ctx, sub.UnitID)
	if err != nil {
		return err
	}
	anc, err := s.ancestors(ctx, a, unit)
	if err != nil {
		return err
	}
	ch := assessment.SubmissionChange{Action: assessment.ActApprove, At: s.cfg.Now(), Ancestors: anc}
	_, err = s.cfg.Store.TransitionSubmission(ctx, a, assessment.Transition{
		SubmissionID: id, Version: version, To: assessment.SubmissionApproved,
		Check: assessment.SubmissionCheck(a, ch, assessment.SubmissionApproved),
	})
	return err
}

// takeBulkOutcome reads and clears the outcome of a bulk approval. A
// refusal's reason is the workflow's answer now; when the workflow would
// allow the approval now, the form had changed since the queue was loaded.
func (s *Server) takeBulkOutcome(c *fiber.Ctx, a assessment.Actor, l *Localizer) (*bulkOutcome, error) {
	val := c.Cookies(cookieBulk)
	if val == "" {
		return nil, nil
	}
	s.setCookie(c, cookieBulk, "", -1)
	ctx := c.UserContext()
	out := &bulkOutcome{}
	parts := strings.SplitN(val, "|", 2)
	for _, part := range parts {
		kind, ids, _ := strings.Cut(part, "=")
		if kind != "a" && kind != "r" || ids == "" {
			continue
		}
		for i, idText := range strings.Split(ids, ".") {
			if i >= maxBulk {
				break
			}
			id, err := strconv.ParseInt(idText, 10, 64)
			if err != nil {
				continue
			}
			sub, err := s.cfg.Store.FindSubmissionByID(ctx, id)
			if isNotFound(err) {
				continue
			} else if err != nil {
				return nil, err
			}
			unit, err := s.cfg.Store.FindUnitByID(ctx, sub.UnitID)
			if err != nil {
				return nil, err
			}
			anc, err := s.ancestors(ctx, a, unit)
			if err != nil {
				return nil, err
			}
			if !a.HasRoleFor(assessment.RoleReviewer, unit.ID, anc) && !a.HasRoleFor(assessment.RoleAdmin, unit.ID, anc) {
				continue
			}
			if kind == "a" {
				out.Approved = append(out.Approved, unit.Name(l.Lang))
				continue
			}
			p, err := s.cfg.Store.FindPeriodByID(ctx, sub.PeriodID)
			if err != nil {
				return nil, err
			}
			reason := l.T("reviews.bulk.changed")
			_, cerr := assessment.CheckSubmissionAction(a, p, sub, assessment.SubmissionChange{Action: assessment.ActApprove, At: s.cfg.Now(), Ancestors: anc})
			var e *assessment.Error
			if errors.As(cerr, &e) {
				reason = domainMessage(cerr, l.Lang)
			}
			out.Refused = append(out.Refused, bulkRefusal{Unit: unit.Name(l.Lang), Reason: reason})
		}
	}
	if len(out.Approved) == 0 && len(out.Refused) == 0 {
		return nil, nil
	}
	return out, nil
}
