package web

import (
	"context"
	"errors"
	"math"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/scoring"
)

// appraisalDecide saves a decision on one indicator of a submitted form:
// accept, adjust values or points (with a reason), request evidence (with
// a comment), or, for an admin and an optional indicator, not applicable.
// The workflow's review rule (status, pillar scope) runs again inside the
// store's transaction. A refused decision shows the page again with the
// messages next to the indicator's fields (422).
func (s *Server) appraisalDecide(c *fiber.Ctx) error {
	fc, err := s.loadAppraisal(c)
	if err != nil {
		return err
	}
	l := s.localizer(c)
	code := c.FormValue("indicator")
	n := fc.ix.Node(code)
	if n == nil || !n.IsIndicator() || !fc.ix.Applies(n, fc.unit.Type) {
		return fiber.NewError(fiber.StatusBadRequest, errIndicator.Error())
	}
	typed := appraisalForm{
		Decision: c.FormValue("decision"),
		Reason:   strings.TrimSpace(c.FormValue("reason")),
		Comment:  strings.TrimSpace(c.FormValue("comment")),
		Points:   strings.TrimSpace(c.FormValue("points")),
	}
	r := &assessment.Review{SubmissionID: fc.sub.ID, Indicator: code, Decision: assessment.Decision(typed.Decision),
		Reason: typed.Reason, Comment: typed.Comment}
	ch := assessment.SubmissionChange{Action: assessment.ActReview, At: s.cfg.Now(), Ancestors: fc.ancestors,
		Indicator: n, Decision: r.Decision}
	if _, err := assessment.CheckSubmissionAction(fc.actor, fc.period, fc.sub, ch); err != nil {
		return err
	}
	errs := map[string]string{}
	switch r.Decision {
	case assessment.DecisionAdjustValue:
		raw := map[string]string{}
		typed.Adjust = map[string][]string{}
		for _, in := range n.Inputs {
			vals := c.Request().PostArgs().PeekMulti(adjustField(in.Key))
			for _, v := range vals {
				typed.Adjust[in.Key] = append(typed.Adjust[in.Key], string(v))
			}
			var parts []string
			for _, v := range vals {
				if t := strings.TrimSpace(string(v)); t != "" {
					parts = append(parts, t)
				}
			}
			if len(parts) > 0 {
				raw[in.Key] = strings.Join(parts, ",")
			}
		}
		if len(raw) == 0 {
			errs["values"] = l.T("appraisal.err.values")
			break
		}
		adj, err := assessment.ParseAdjustedValues(fc.ix, fc.unit.Type, code, raw)
		if err != nil {
			for k, msg := range assessment.FieldErrors(err, l.Lang) {
				errs[k.Input] = msg
			}
			if len(errs) == 0 {
				return err
			}
			break
		}
		// Inputs left at the unit's own value are not corrections.
		for _, a := range adj {
			v := scoring.Value{Set: true, Text: a.Text}
			if a.Num != nil {
				v.Num = *a.Num
			}
			if !sameValue(fc.values[scoring.InputKey{Indicator: code, Input: a.Input}], v) {
				r.AdjustedValues = append(r.AdjustedValues, a)
			}
		}
		if len(r.AdjustedValues) == 0 {
			errs["values"] = l.T("appraisal.err.same_values")
		}
	case assessment.DecisionAdjustScore:
		max := fc.ix.MaxPointsFor(n, fc.unit.Type)
		pts, ok := parseLocalNumber(typed.Points)
		if !ok || pts < 0 || pts > max {
			errs["points"] = l.T("appraisal.err.points", l.Num(max, fc.ix.Rounding.PointsDecimals))
			break
		}
		r.AdjustedPoints = &pts
	}
	if len(errs) == 0 {
		err = s.cfg.Store.SaveReview(c.UserContext(), fc.actor, r, assessment.SubmissionCheck(fc.actor, ch, ""))
		var verr *assessment.ValidationError
		switch {
		case errors.As(err, &verr):
			for _, f := range verr.Fields {
				errs[reviewField(f.Field)] = f.Message(l.Lang)
			}
		case err != nil:
			return err
		}
	}
	if len(errs) > 0 {
		return s.renderAppraisal(c, fc, fiber.StatusUnprocessableEntity, appraisalExtras{failed: code, typed: typed, errs: errs})
	}
	s.setFlash(c, "flash.appraisal_saved")
	return c.Redirect(formBase(fc.period.Code, fc.unit.Code)+"/review#ind-"+htmlID(code), fiber.StatusSeeOther)
}

// reviewField maps a field of Review.Validate to the page's field.
func reviewField(f string) string {
	switch f {
	case "adjusted_points":
		return "points"
	case "adjusted_values":
		return "values"
	}
	return f
}

// parseLocalNumber reads a number typed with a dot or a comma as the
// decimal mark ("7.5", "7,5"); no grouping.
func parseLocalNumber(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	if strings.Count(s, ",") == 1 && !strings.Contains(s, ".") {
		s = strings.Replace(s, ",", ".", 1)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}

// changesSinceReturn returns what the unit changed per indicator since the
// form was last returned (nil for a first submission).
func (s *Server) changesSinceReturn(ctx context.Context, fc *formCtx) (map[string]assessment.IndicatorChange, error) {
	if fc.sub.Status != assessment.SubmissionResubmitted && fc.sub.Status != assessment.SubmissionReturned {
		return nil, nil
	}
	return assessment.ChangesSinceReturn(ctx, s.cfg.Store, fc.sub)
}
