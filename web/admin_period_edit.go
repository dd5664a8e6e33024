package web

import (
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/dti-platform/dti/assessment"
)

// periodEditView is the data of the form that changes a period's settings.
type periodEditView struct {
	Code, Name, Opens, Closes string
	Public, ShowInProgress    bool
	Status, StatusKey         string
	Index                     string
	// Version is the period version the form was read at (optimistic
	// concurrency).
	Version int64
	// Conflict: someone else saved the period in between; the form shows
	// the values entered and the fresh version.
	Conflict bool
	// Errors by field: name, opens_at, closes_at.
	Errors map[string]string
}

// editPeriodPage shows the settings of a period (name, dates, visibility)
// for an admin to change, in any state of the lifecycle.
func (s *Server) editPeriodPage(c *fiber.Ctx) error {
	p, err := s.routePeriod(c, assessment.ActEditPeriod)
	if err != nil {
		return err
	}
	v := periodEditView{
		Name: p.Name, Opens: s.dateInput(p.OpensAt), Closes: s.dateInput(p.ClosesAt),
		Public: p.Public, ShowInProgress: p.ShowInProgress,
	}
	return s.renderPeriodEdit(c, fiber.StatusOK, p, v)
}

// dateInput is t as the value of a date input, in the platform's zone.
func (s *Server) dateInput(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(s.cfg.Location).Format("2006-01-02")
}

func (s *Server) renderPeriodEdit(c *fiber.Ctx, status int, p *assessment.Period, v periodEditView) error {
	v.Code, v.Version = p.Code, p.Version
	v.Status, v.StatusKey = string(p.Status), "period.status."+string(p.Status)
	v.Index = p.IndexCode + " " + p.IndexVersion
	pg := s.newPage(c, "admin.period_edit.title", "admin", v)
	pg.Title = p.Name
	return s.render(c, status, "period_edit", pg)
}

// updatePeriod saves the settings form through the store, which checks
// the version and audits every changed field.
func (s *Server) updatePeriod(c *fiber.Ctx) error {
	p, err := s.routePeriod(c, assessment.ActEditPeriod)
	if err != nil {
		return err
	}
	version, ok := parseVersion(c.FormValue("version"))
	if !ok {
		return fiber.ErrBadRequest
	}
	l := s.localizer(c)
	v := periodEditView{
		Name: strings.TrimSpace(c.FormValue("name")), Opens: strings.TrimSpace(c.FormValue("opens_at")),
		Closes:         strings.TrimSpace(c.FormValue("closes_at")),
		Public:         c.FormValue("public") == "1",
		ShowInProgress: c.FormValue("show_in_progress") == "1",
		Errors:         map[string]string{},
	}
	// Dates are days in the platform's time zone, as on creation: open
	// from the first minute, close after the last minute of the day.
	var opens, closes time.Time
	if v.Opens != "" {
		if opens, err = time.ParseInLocation("2006-01-02", v.Opens, s.cfg.Location); err != nil {
			v.Errors["opens_at"] = l.T("admin.period_new.bad_date")
		}
	}
	if v.Closes != "" {
		d, err := time.ParseInLocation("2006-01-02", v.Closes, s.cfg.Location)
		if err != nil {
			v.Errors["closes_at"] = l.T("admin.period_new.bad_date")
		} else {
			closes = d.Add(24*time.Hour - time.Second)
		}
	}
	if len(v.Errors) == 0 {
		upd := assessment.PeriodUpdate{Version: version, Name: &v.Name, OpensAt: &opens, ClosesAt: &closes,
			Public: &v.Public, ShowInProgress: &v.ShowInProgress}
		_, err = s.cfg.Store.UpdatePeriod(c.UserContext(), currentUser(c).Actor, p.ID, upd)
		var verr *assessment.ValidationError
		switch {
		case errors.As(err, &verr):
			for _, f := range verr.Fields {
				v.Errors[f.Field] = f.Message(l.Lang)
			}
		case isConflict(err):
			// The form keeps what was entered, at the fresh version: saving
			// again overwrites the other change knowingly.
			v.Conflict = true
			return s.renderPeriodEdit(c, fiber.StatusConflict, p, v)
		case err != nil:
			return err
		}
	}
	if len(v.Errors) > 0 {
		p.Version = version
		return s.renderPeriodEdit(c, fiber.StatusUnprocessableEntity, p, v)
	}
	s.setFlash(c, "flash.period_updated")
	return c.Redirect("/admin/periods", fiber.StatusSeeOther)
}
