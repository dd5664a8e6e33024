package web

import (
	"context"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/scoring"
)

// Moving a period to another index version (ARCHITECTURE §2.1): an
// explicit admin action. The admin uploads the new index text (or picks
// the server's current indicators.yaml), sees which stored values no
// longer fit (assessment.MigrationReport), and confirms with a reason;
// the change is audited. Published periods keep their index.

// maxIndexBytes caps an uploaded index file.
const maxIndexBytes = 2 << 20

// stashIndex is the stash kind of an index text waiting for confirmation.
const stashIndex = "index"

// migrateView is the upload form and the report of a migration.
type migrateView struct {
	Code, Name         string
	Version            int64
	Current            string // "code version (hash)"
	Default            string // the server's index, when it differs
	Errors             map[string]string
	Problems           []string
	Report             *migrateReport
	ConfirmURL, Reason string
}

type migrateReport struct {
	New                           string
	Added, Removed, AddedRequired []string
	Checked                       int
	// Total counts every issue; Issues holds the first ones.
	Total int
	// N holds Checked, Total, UnitsWithIssues and More in the page
	// language.
	N               [4]string
	Issues          []migrateIssue
	More            int
	UnitsWithIssues int
}

type migrateIssue struct {
	Unit, Key, Message, Value string
}

func (s *Server) newMigrateView(p *assessment.Period) migrateView {
	v := migrateView{Code: p.Code, Name: p.Name, Version: p.Version, Errors: map[string]string{},
		Current: p.IndexCode + " " + p.IndexVersion + " (" + shortHash(p.IndexHash) + ")"}
	if ix := s.cfg.Index; ix != nil && ix.Hash != p.IndexHash {
		v.Default = ix.Code + " " + ix.Version + " (" + shortHash(ix.Hash) + ")"
	}
	return v
}

// migratePage shows the form that chooses the new index version.
func (s *Server) migratePage(c *fiber.Ctx) error {
	p, err := s.routePeriod(c, assessment.ActRepinIndex)
	if err != nil {
		return err
	}
	return s.renderMigrate(c, fiber.StatusOK, s.newMigrateView(p))
}

func (s *Server) renderMigrate(c *fiber.Ctx, status int, v migrateView) error {
	l := s.localizer(c)
	pg := s.newPage(c, "admin.migrate.title", "admin", v)
	pg.Title = l.T("admin.migrate.heading", v.Name)
	return s.render(c, status, "admin_index_migrate", pg)
}

// uploadMigration validates the new index text and keeps it for the
// report.
func (s *Server) uploadMigration(c *fiber.Ctx) error {
	p, err := s.routePeriod(c, assessment.ActRepinIndex)
	if err != nil {
		return err
	}
	l := s.localizer(c)
	v := s.newMigrateView(p)
	var src []byte
	name := "indicators.yaml"
	if c.FormValue("use_default") == "1" && s.cfg.Index != nil {
		src = s.cfg.Index.Source
	} else {
		fh, err := c.FormFile("file")
		if err != nil || fh.Size == 0 {
			v.Errors["file"] = l.T("admin.imports.file_required")
		} else if fh.Size > maxIndexBytes {
			v.Errors["file"] = l.T("admin.imports.file_too_big", maxIndexBytes>>20)
		} else if f, err := fh.Open(); err != nil {
			return err
		} else {
			src, err = io.ReadAll(io.LimitReader(f, maxIndexBytes+1))
			f.Close()
			if err != nil {
				return err
			}
			name = fh.Filename
		}
	}
	if len(v.Errors) == 0 {
		pin, _, err := assessment.PinIndex(src)
		switch {
		case err != nil:
			var verr *assessment.ValidationError
			if !errors.As(err, &verr) {
				return err
			}
			for _, f := range verr.Fields {
				v.Problems = append(v.Problems, f.Message(l.Lang))
			}
			v.Errors["file"] = l.T("admin.migrate.invalid", len(v.Problems))
		case pin.Hash == p.IndexHash:
			v.Errors["file"] = l.T("admin.migrate.same")
		}
	}
	if len(v.Errors) > 0 {
		return s.renderMigrate(c, fiber.StatusUnprocessableEntity, v)
	}
	it := &stashed{Kind: stashIndex, UserID: currentUser(c).ID, Name: name, PeriodID: p.ID}
	if err := s.imports.put(s.cfg.Now(), it, src); err != nil {
		return err
	}
	return c.Redirect("/admin/periods/"+p.Code+"/migrate/"+it.ID, fiber.StatusSeeOther)
}

// migrationReport shows what the stashed index would do to the period's
// stored values, with the confirmation form.
func (s *Server) migrationReport(c *fiber.Ctx) error {
	p, err := s.routePeriod(c, assessment.ActRepinIndex)
	if err != nil {
		return err
	}
	v, _, err := s.buildMigration(c, p)
	if err != nil {
		return err
	}
	return s.renderMigrate(c, fiber.StatusOK, v)
}

// buildMigration reads the stashed index of the :id parameter for p
// again and compares it with p's pinned index over the stored values.
func (s *Server) buildMigration(c *fiber.Ctx, p *assessment.Period) (migrateView, *assessment.PinnedIndex, error) {
	ctx := c.UserContext()
	l := s.localizer(c)
	v := s.newMigrateView(p)
	it, src, err := s.imports.get(s.cfg.Now(), c.Params("id"), stashIndex, currentUser(c).ID)
	if err != nil {
		return v, nil, err
	}
	if it.PeriodID != p.ID {
		return v, nil, fiber.ErrNotFound
	}
	pin, newIx, err := assessment.PinIndex(src)
	if err != nil {
		return v, nil, err
	}
	oldIx, err := s.periodIndex(ctx, p)
	if err != nil {
		return v, nil, err
	}
	units, err := s.periodValues(ctx, p)
	if err != nil {
		return v, nil, err
	}
	m := assessment.MigrationReport(oldIx, newIx, units)
	r := &migrateReport{New: pin.Code + " " + pin.Version + " (" + shortHash(pin.Hash) + ")",
		Added: m.AddedIndicators, Removed: m.RemovedIndicators, AddedRequired: m.AddedRequired, Checked: m.Checked, Total: len(m.Issues)}
	seen := map[string]bool{}
	for i, is := range m.Issues {
		if !seen[is.Unit] {
			seen[is.Unit] = true
			r.UnitsWithIssues++
		}
		if i >= previewMaxIssues {
			r.More++
			continue
		}
		val := localNumber(l, is.Value)
		r.Issues = append(r.Issues, migrateIssue{Unit: is.Unit, Key: is.Indicator + "/" + is.Input, Message: is.Message(l.Lang), Value: val})
	}
	r.N = [4]string{l.Num(float64(r.Checked), 0), l.Num(float64(r.Total), 0), l.Num(float64(r.UnitsWithIssues), 0), l.Num(float64(r.More), 0)}
	v.Report = r
	v.ConfirmURL = "/admin/periods/" + p.Code + "/migrate/" + it.ID
	return v, &pin, nil
}

// periodValues returns every stored value of the period, by unit.
func (s *Server) periodValues(ctx context.Context, p *assessment.Period) ([]assessment.UnitValues, error) {
	units, _, err := s.cfg.Store.FindUnits(ctx, assessment.UnitFilter{})
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*assessment.Unit, len(units))
	for _, u := range units {
		byID[u.ID] = u
	}
	subs, _, err := s.cfg.Store.FindSubmissions(ctx, assessment.SubmissionFilter{PeriodID: &p.ID})
	if err != nil {
		return nil, err
	}
	out := make([]assessment.UnitValues, 0, len(subs))
	for _, sub := range subs {
		u := byID[sub.UnitID]
		if u == nil {
			continue
		}
		vals, err := s.cfg.Store.FindValues(ctx, sub.ID)
		if err != nil {
			return nil, err
		}
		uv := assessment.UnitValues{Unit: u.Code, Type: u.Type, Values: make(map[scoring.InputKey]scoring.Value, len(vals))}
		for _, val := range vals {
			uv.Values[scoring.InputKey{Indicator: val.Indicator, Input: val.Input}] = val.Scoring()
		}
		out = append(out, uv)
	}
	return out, nil
}

// confirmMigration re-pins the period to the stashed index, with the
// required reason, when the period's version is still the one the report
// was made for.
func (s *Server) confirmMigration(c *fiber.Ctx) error {
	s.imports.applying.Lock()
	defer s.imports.applying.Unlock()
	p, err := s.routePeriod(c, assessment.ActRepinIndex)
	if err != nil {
		return err
	}
	l := s.localizer(c)
	v, pin, err := s.buildMigration(c, p)
	if err != nil {
		return err
	}
	version, ok := parseVersion(c.FormValue("version"))
	if !ok {
		return fiber.ErrBadRequest
	}
	v.Reason = strings.TrimSpace(c.FormValue("reason"))
	if v.Reason == "" {
		v.Errors["reason"] = l.T("admin.migrate.reason_required")
		return s.renderMigrate(c, fiber.StatusUnprocessableEntity, v)
	}
	_, err = s.cfg.Store.UpdatePeriod(c.UserContext(), currentUser(c).Actor, p.ID, assessment.PeriodUpdate{
		Version: version, Index: pin, Reason: v.Reason,
	})
	if err != nil {
		return err
	}
	s.imports.drop(c.Params("id"))
	s.setFlash(c, "flash.period_migrated")
	return c.Redirect("/admin/periods", fiber.StatusSeeOther)
}

// localNumber shows a stored value in the page language: numbers (whose
// text is the canonical form of a number) with the decimals they were
// given, other values as they are.
func localNumber(l *Localizer, v scoring.Value) string {
	if v.Text == "" {
		return strconv.FormatFloat(v.Num, 'f', -1, 64)
	}
	f, err := strconv.ParseFloat(v.Text, 64)
	if err != nil || strconv.FormatFloat(f, 'f', -1, 64) != v.Text {
		// Not a number in canonical form: a date, a code, free text.
		return v.Text
	}
	decimals := 0
	if _, frac, ok := strings.Cut(v.Text, "."); ok {
		decimals = len(frac)
	}
	return l.Num(f, decimals)
}
