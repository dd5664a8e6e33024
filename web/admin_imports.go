package web

import (
	"bytes"
	"io"
	"slices"

	"github.com/gofiber/fiber/v2"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/reports"
	"github.com/dti-platform/dti/scoring"
)

// Bulk imports of units, users and central values, for province-wide
// admins (assessment.Importer refuses anyone else): upload → preview of
// every change and problem (with row, column or cell) → apply all or
// nothing. The uploaded file waits in the stash and is read and checked
// again on apply.

// importKinds are the kinds an admin imports, in display order.
var importKinds = []string{string(assessment.ImportUnits), string(assessment.ImportUsers), string(assessment.ImportValues)}

// importSources are the data sources of a value import.
var importSources = []scoring.Source{scoring.SourceSecretariat, scoring.SourceSystem, scoring.SourceSurvey}

// Display caps of a preview: a file may have 20,000 rows.
const (
	previewMaxChanges = 500
	previewMaxIssues  = 1000
)

// importUploadView is the upload form of one kind.
type importUploadView struct {
	Kind    string
	Periods []codeOption
	Sources []codeOption
	Errors  map[string]string
	MaxMB   int
}

// importKind returns the :kind parameter or ErrNotFound.
func importKind(c *fiber.Ctx) (string, error) {
	k := c.Params("kind")
	if !slices.Contains(importKinds, k) {
		return "", fiber.ErrNotFound
	}
	return k, nil
}

// importPage shows the upload form of an import kind.
func (s *Server) adminImportPage(c *fiber.Ctx) error {
	kind, err := importKind(c)
	if err != nil {
		return err
	}
	return s.renderImportUpload(c, fiber.StatusOK, importUploadView{Kind: kind}, c.Query("period"), "")
}

func (s *Server) renderImportUpload(c *fiber.Ctx, status int, v importUploadView, period, source string) error {
	l := s.localizer(c)
	v.MaxMB = assessment.MaxImportBytes >> 20
	if v.Kind == string(assessment.ImportValues) {
		ps, _, err := s.cfg.Store.FindPeriods(c.UserContext(), assessment.PeriodFilter{})
		if err != nil {
			return err
		}
		for _, p := range ps {
			if p.Status == assessment.PeriodPublished {
				continue
			}
			v.Periods = append(v.Periods, codeOption{Code: p.Code, Label: p.Name + " (" + l.T("period.status."+string(p.Status)) + ")", Selected: p.Code == period})
		}
		for _, src := range importSources {
			v.Sources = append(v.Sources, codeOption{Code: string(src), Label: l.T("admin.imports.source." + string(src)), Selected: string(src) == source})
		}
	}
	pg := s.newPage(c, "admin.imports.title", navOfImport(v.Kind), v)
	pg.Title = l.T("admin.imports.heading." + v.Kind)
	return s.render(c, status, "admin_imports", pg)
}

// navOfImport names the navigation item of an import kind.
func navOfImport(kind string) string {
	if kind == string(assessment.ImportValues) {
		return "admin"
	}
	return "admin_" + kind
}

// uploadImport reads the uploaded table, checks that it is a readable CSV
// or Excel table, keeps it in the stash and sends the admin to its
// preview.
func (s *Server) uploadImport(c *fiber.Ctx) error {
	kind, err := importKind(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	l := s.localizer(c)
	v := importUploadView{Kind: kind, Errors: map[string]string{}}
	period, source := c.FormValue("period"), c.FormValue("source")
	it := &stashed{Kind: kind, UserID: currentUser(c).ID, Source: source}
	if kind == string(assessment.ImportValues) {
		p, err := s.cfg.Store.FindPeriodByCode(ctx, period)
		switch {
		case isNotFound(err):
			v.Errors["period"] = l.T("admin.imports.period_required")
		case err != nil:
			return err
		case p.Status == assessment.PeriodPublished:
			v.Errors["period"] = l.T("admin.imports.period_published")
		default:
			it.PeriodID = p.ID
		}
		if !slices.Contains(importSources, scoring.Source(source)) {
			v.Errors["source"] = l.T("admin.imports.source_required")
		}
	}
	data, name, msg := s.readUpload(c)
	if msg != "" {
		v.Errors["file"] = msg
	} else if _, err := assessment.ReadTable(name, bytes.NewReader(data), reports.ReadSheetRows); err != nil {
		if m := domainMessage(err, l.Lang); m != "" && isInvalid(err) {
			v.Errors["file"] = m
		} else {
			return err
		}
	}
	if len(v.Errors) > 0 {
		return s.renderImportUpload(c, fiber.StatusUnprocessableEntity, v, period, source)
	}
	it.Name = name
	if err := s.imports.put(s.cfg.Now(), it, data); err != nil {
		return err
	}
	return c.Redirect("/admin/imports/"+kind+"/"+it.ID, fiber.StatusSeeOther)
}

// readUpload reads the "file" field of a multipart form, at most the
// import limit; it returns a message for the field when there is no file
// or it is too big.
func (s *Server) readUpload(c *fiber.Ctx) (data []byte, name, msg string) {
	l := s.localizer(c)
	fh, err := c.FormFile("file")
	if err != nil || fh.Size == 0 {
		return nil, "", l.T("admin.imports.file_required")
	}
	if fh.Size > assessment.MaxImportBytes {
		return nil, "", l.T("admin.imports.file_too_big", assessment.MaxImportBytes>>20)
	}
	f, err := fh.Open()
	if err != nil {
		return nil, "", l.T("admin.imports.file_required")
	}
	defer f.Close()
	data, err = io.ReadAll(io.LimitReader(f, assessment.MaxImportBytes+1))
	if err != nil || len(data) > assessment.MaxImportBytes {
		return nil, "", l.T("admin.imports.file_too_big", assessment.MaxImportBytes>>20)
	}
	return data, fh.Filename, ""
}

// importPreviewView is the preview of an uploaded file.
type importPreviewView struct {
	Kind, ID, FileName   string
	Period, Source       string
	Create, Update, Same int
	Changes              []importChangeRow
	MoreChanges          int
	Issues               []string
	MoreIssues           int
	OK                   bool
	ApplyURL, AgainURL   string
	Passwords            []importPassword
	Applied              bool
	// N holds the counts in the page language: create, update, same,
	// issues, more_issues, more_changes.
	N                       map[string]string
	AppliedCreated, Updated int
	Unchanged               int
}

type importChangeRow struct {
	Line   int
	Key    string
	Op     string
	Fields []assessment.FieldChange
}

type importPassword struct{ Username, Password string }

// previewImport reads the stashed file again and shows what would change
// and every problem.
func (s *Server) previewImport(c *fiber.Ctx) error {
	kind, err := importKind(c)
	if err != nil {
		return err
	}
	it, data, err := s.imports.get(s.cfg.Now(), c.Params("id"), kind, currentUser(c).ID)
	if err != nil {
		return err
	}
	_, _, v, err := s.runImportPreview(c, it, data)
	if err != nil {
		return err
	}
	return s.renderImportPreview(c, fiber.StatusOK, v)
}

// runImportPreview reads the stashed table and previews it with the
// importer that will apply it.
func (s *Server) runImportPreview(c *fiber.Ctx, it *stashed, data []byte) (*assessment.Importer, *assessment.ImportPreview, importPreviewView, error) {
	ctx := c.UserContext()
	l := s.localizer(c)
	v := importPreviewView{Kind: it.Kind, ID: it.ID, FileName: it.Name,
		ApplyURL: "/admin/imports/" + it.Kind + "/" + it.ID, AgainURL: "/admin/imports/" + it.Kind}
	im := &assessment.Importer{Store: s.cfg.Store, Index: s.cfg.Index, Actor: currentUser(c).Actor,
		Reason: l.T("admin.imports.reason", it.Name)}
	t, err := assessment.ReadTable(it.Name, bytes.NewReader(data), reports.ReadSheetRows)
	if err != nil {
		return nil, nil, v, err
	}
	var pv *assessment.ImportPreview
	switch assessment.ImportKind(it.Kind) {
	case assessment.ImportUnits:
		pv, err = im.PreviewUnits(ctx, t)
	case assessment.ImportUsers:
		pv, err = im.PreviewUsers(ctx, t)
	case assessment.ImportValues:
		var p *assessment.Period
		if p, err = s.cfg.Store.FindPeriodByID(ctx, it.PeriodID); err != nil {
			return nil, nil, v, err
		}
		v.Period, v.Source = p.Name, l.T("admin.imports.source."+it.Source)
		v.AgainURL += "?period=" + p.Code
		var ix *scoring.Index
		if ix, err = s.periodIndex(ctx, p); err != nil {
			return nil, nil, v, err
		}
		pv, err = im.PreviewValues(ctx, p, ix, scoring.Source(it.Source), t)
	}
	if err != nil {
		return nil, nil, v, err
	}
	v.OK = pv.OK()
	v.Create, v.Update, v.Same = pv.Count(assessment.OpCreate), pv.Count(assessment.OpUpdate), pv.Count(assessment.OpUnchanged)
	for _, ch := range pv.Changes {
		if ch.Op == assessment.OpUnchanged {
			continue
		}
		if len(v.Changes) == previewMaxChanges {
			v.MoreChanges++
			continue
		}
		v.Changes = append(v.Changes, importChangeRow{Line: ch.Line, Key: ch.Key, Op: string(ch.Op), Fields: ch.Fields})
	}
	for i, is := range pv.Issues {
		if i == previewMaxIssues {
			v.MoreIssues = len(pv.Issues) - i
			break
		}
		v.Issues = append(v.Issues, is.Message(l.Lang))
	}
	v.N = map[string]string{}
	for k, n := range map[string]int{"create": v.Create, "update": v.Update, "same": v.Same,
		"issues": len(pv.Issues), "more_issues": v.MoreIssues, "more_changes": v.MoreChanges} {
		v.N[k] = l.Num(float64(n), 0)
	}
	return im, pv, v, nil
}

func (s *Server) renderImportPreview(c *fiber.Ctx, status int, v importPreviewView) error {
	l := s.localizer(c)
	pg := s.newPage(c, "admin.imports.title", navOfImport(v.Kind), v)
	pg.Title = l.T("admin.imports.heading." + v.Kind)
	if len(v.Passwords) > 0 {
		c.Set(fiber.HeaderCacheControl, "no-store")
	}
	return s.render(c, status, "admin_imports_preview", pg)
}

// applyImport previews the stashed file again and, when it has no
// problems, writes it. A file with problems shows its preview again
// (422). Units and values go back to their lists with a notice; a users
// import shows the new accounts' one-time passwords, once.
func (s *Server) applyImport(c *fiber.Ctx) error {
	kind, err := importKind(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	s.imports.applying.Lock()
	defer s.imports.applying.Unlock()
	it, data, err := s.imports.get(s.cfg.Now(), c.Params("id"), kind, currentUser(c).ID)
	if err != nil {
		return err
	}
	im, pv, v, err := s.runImportPreview(c, it, data)
	if err != nil {
		return err
	}
	if !pv.OK() {
		return s.renderImportPreview(c, fiber.StatusUnprocessableEntity, v)
	}
	res, err := im.Apply(ctx, pv)
	if err != nil {
		return err
	}
	s.imports.drop(it.ID)
	switch assessment.ImportKind(kind) {
	case assessment.ImportUnits:
		s.setFlash(c, "flash.import_units")
		return c.Redirect("/admin/units", fiber.StatusSeeOther)
	case assessment.ImportValues:
		s.setFlash(c, "flash.import_values")
		return c.Redirect("/admin/periods", fiber.StatusSeeOther)
	}
	v.Applied, v.AppliedCreated, v.Updated, v.Unchanged = true, res.Created, res.Updated, res.Unchanged
	l := s.localizer(c)
	v.N["created"], v.N["updated"] = l.Num(float64(res.Created), 0), l.Num(float64(res.Updated), 0)
	v.Changes, v.Issues, v.MoreChanges = nil, nil, 0
	for _, u := range sortedCodes(res.Passwords) {
		v.Passwords = append(v.Passwords, importPassword{Username: u, Password: res.Passwords[u]})
	}
	return s.renderImportPreview(c, fiber.StatusOK, v)
}
