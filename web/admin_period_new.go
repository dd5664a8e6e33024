package web

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/dti-platform/dti/assessment"
)

// periodFormView is the data of the new-period form.
type periodFormView struct {
	Code, Name, Year, Opens, Closes string
	Public, ShowInProgress          bool
	IndexName, IndexVersion         string
	// Errors by field: code, name, year, opens_at, closes_at.
	Errors map[string]string
}

// newPeriodPage shows the form that creates a period pinned to the
// default index.
func (s *Server) newPeriodPage(c *fiber.Ctx) error {
	if s.cfg.Index == nil {
		return fiber.ErrNotFound
	}
	year := s.cfg.Now().In(s.cfg.Location).Year() - 1 // the assessed year is the last full one
	v := periodFormView{
		Code: "DTI-" + strconv.Itoa(year), Year: strconv.Itoa(year),
		Name: s.localizer(c).T("admin.period_new.default_name", year),
	}
	return s.renderPeriodForm(c, fiber.StatusOK, v)
}

func (s *Server) renderPeriodForm(c *fiber.Ctx, status int, v periodFormView) error {
	l := s.localizer(c)
	v.IndexName, v.IndexVersion = s.cfg.Index.Name.In(l.Lang), s.cfg.Index.Version
	return s.render(c, status, "period_new", s.newPage(c, "admin.period_new.title", "admin", v))
}

// createPeriod creates a draft period pinned to the default index, as it
// is now: later edits of indicators.yaml never change it.
func (s *Server) createPeriod(c *fiber.Ctx) error {
	if s.cfg.Index == nil {
		return fiber.ErrNotFound
	}
	l := s.localizer(c)
	v := periodFormView{
		Code: strings.TrimSpace(c.FormValue("code")), Name: strings.TrimSpace(c.FormValue("name")),
		Year: strings.TrimSpace(c.FormValue("year")), Opens: c.FormValue("opens_at"), Closes: c.FormValue("closes_at"),
		Public: c.FormValue("public") == "1", ShowInProgress: c.FormValue("show_in_progress") == "1",
		Errors: map[string]string{},
	}
	ix := s.cfg.Index
	p := &assessment.Period{
		Code: v.Code, Name: v.Name, Status: assessment.PeriodDraft, Public: v.Public, ShowInProgress: v.ShowInProgress,
		IndexCode: ix.Code, IndexVersion: ix.Version, IndexHash: ix.Hash, IndexSource: ix.Source,
	}
	year, err := strconv.Atoi(v.Year)
	if err != nil {
		v.Errors["year"] = l.T("admin.period_new.bad_year")
	}
	p.Year = year
	// Dates are days in the platform's time zone: open from the first
	// minute of the opening day, close after the last minute of the deadline.
	if v.Opens != "" {
		d, err := time.ParseInLocation("2006-01-02", v.Opens, s.cfg.Location)
		if err != nil {
			v.Errors["opens_at"] = l.T("admin.period_new.bad_date")
		}
		p.OpensAt = d
	}
	if v.Closes != "" {
		d, err := time.ParseInLocation("2006-01-02", v.Closes, s.cfg.Location)
		if err != nil {
			v.Errors["closes_at"] = l.T("admin.period_new.bad_date")
		}
		p.ClosesAt = d.Add(24*time.Hour - time.Second)
	}
	if len(v.Errors) == 0 {
		err = s.cfg.Store.CreatePeriod(c.UserContext(), currentUser(c).Actor, p)
		var verr *assessment.ValidationError
		switch {
		case errors.As(err, &verr):
			for _, f := range verr.Fields {
				v.Errors[f.Field] = f.Message(l.Lang)
			}
		case errors.Is(err, assessment.ErrConflict):
			v.Errors["code"] = l.T("admin.period_new.code_taken")
		case err != nil:
			return err
		}
	}
	if len(v.Errors) > 0 {
		return s.renderPeriodForm(c, fiber.StatusUnprocessableEntity, v)
	}
	s.setFlash(c, "flash.period_created")
	return c.Redirect("/admin/periods", fiber.StatusSeeOther)
}
