package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/dti-platform/dti/assessment"
)

// dashboardView is the home page of a signed-in user.
type dashboardView struct {
	Forms   []dashboardForm
	Results []periodLink
	// Units link the user's units to their results across periods.
	Units   []periodLink
	IsAdmin bool
}

// dashboardForm is one form the user fills or approves.
type dashboardForm struct {
	PeriodName string
	UnitName   string
	URL        string
	StatusKey  string
	// StatusClass colours the status badge.
	StatusClass string
	Deadline    string
}

// home sends visitors to the latest public results, or to the sign-in
// page when nothing is public; signed-in users get their dashboard.
func (s *Server) home(c *fiber.Ctx) error {
	u := currentUser(c)
	if u == nil {
		ps, err := s.visiblePeriods(c)
		if err != nil {
			return err
		}
		if len(ps) > 0 {
			return c.Redirect("/results/"+ps[0].Code, fiber.StatusSeeOther)
		}
		return c.Redirect("/login", fiber.StatusSeeOther)
	}
	ctx := c.UserContext()
	l := s.localizer(c)
	v := dashboardView{IsAdmin: u.IsAdmin}
	periods, _, err := s.cfg.Store.FindPeriods(ctx, assessment.PeriodFilter{})
	if err != nil {
		return err
	}
	seen := map[int64]bool{}
	for _, g := range u.Actor.Grants {
		if (g.Role != assessment.RoleEditor && g.Role != assessment.RoleApprover) || g.UnitID == 0 || seen[g.UnitID] {
			continue
		}
		seen[g.UnitID] = true
		unit, err := s.cfg.Store.FindUnitByID(ctx, g.UnitID)
		if err != nil {
			return err
		}
		v.Units = append(v.Units, periodLink{Name: l.T("dashboard.unit_results", unit.Name(l.Lang)), URL: "/units/" + unit.Code + "/history"})
		for _, p := range periods {
			if p.Status == assessment.PeriodDraft {
				continue
			}
			f := dashboardForm{PeriodName: p.Name, UnitName: unit.Name(l.Lang), URL: formBase(p.Code, unit.Code),
				StatusKey: "status.none", Deadline: l.DateTime(p.ClosesAt)}
			sub, err := s.cfg.Store.FindSubmission(ctx, p.ID, unit.ID)
			switch {
			case err == nil:
				f.StatusKey = "status." + string(sub.Status)
				f.StatusClass = "status-" + string(sub.Status)
			case !isNotFound(err):
				return err
			}
			v.Forms = append(v.Forms, f)
		}
	}
	ps, err := s.visiblePeriods(c)
	if err != nil {
		return err
	}
	for _, p := range ps {
		v.Results = append(v.Results, periodLink{Code: p.Code, Name: p.Name, Year: p.Year, URL: "/results/" + p.Code})
	}
	return s.render(c, fiber.StatusOK, "dashboard", s.newPage(c, "dashboard.title", "home", v))
}
