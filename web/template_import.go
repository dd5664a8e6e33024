package web

import (
	"bytes"
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/reports"
	"github.com/dti-platform/dti/scoring"
)

// This file holds the fillable Excel template of a unit's form and its
// import: the upload is read and checked (unit, period, index version,
// every cell) and shown as a preview of every change and every error; the
// changes are applied all or nothing through the form's optimistic save,
// and only while the form is editable.

// templateInput is the template of the form's unit and period with its
// current values.
func (s *Server) templateInput(fc *formCtx, lang string) reports.TemplateInput {
	lim := reports.DefaultTemplateLimits
	lim.MaxFileBytes = min(lim.MaxFileBytes, int64(s.cfg.UploadLimit))
	return reports.TemplateInput{
		Index:    fc.ix,
		Period:   reportPeriod(fc.period),
		UnitCode: fc.unit.Code,
		UnitName: scoring.Text{VI: fc.unit.NameVI, EN: fc.unit.NameEN},
		UnitType: fc.unit.Type,
		Current:  fc.values,
		Lang:     lang,
		Limits:   lim,
	}
}

// templateDownload sends the unit's fillable template with its current
// values to anyone who may read the form.
func (s *Server) templateDownload(c *fiber.Ctx) error {
	fc, err := s.loadForm(c, false)
	if err != nil {
		return err
	}
	l := s.localizer(c)
	var buf bytes.Buffer
	if err := reports.WriteTemplate(&buf, s.templateInput(fc, l.Lang)); err != nil {
		return err
	}
	return sendAttachment(c, reports.ContentTypeXLSX, l.T("tmpl.file_name", fc.period.Code, fc.unit.Code)+".xlsx", "private, no-store", buf.Bytes())
}

// importView is the data of the import page: the upload form, then the
// preview of an uploaded file.
type importView struct {
	PeriodName, UnitName string
	FormURL, ImportURL   string
	TemplateURL          string
	MaxMB                int
	// FileError is a problem with the whole file ("" for none).
	FileError string
	// FileName is the uploaded file, "" before an upload.
	FileName string
	Errors   []importError
	Changes  []importChange
	// Apply: the changes may be applied (no error, at least one change).
	Apply   bool
	Version int64
	// Conflict: the form changed since the preview; nothing was applied.
	Conflict bool
}

type importError struct {
	Location, Message string
}

type importChange struct {
	Field, Indicator, Input, Cell, Old, New, Value string
}

// importCtx loads the form and refuses an import when the form is not
// editable by the user now.
func (s *Server) importCtx(c *fiber.Ctx) (*formCtx, importView, error) {
	fc, err := s.loadForm(c, true)
	if err != nil {
		return nil, importView{}, err
	}
	if fc.sub == nil || !fc.canEdit {
		if fc.editErr != nil {
			return nil, importView{}, fc.editErr
		}
		return nil, importView{}, assessment.ErrForbidden
	}
	l := s.localizer(c)
	base := formBase(fc.period.Code, fc.unit.Code)
	return fc, importView{
		PeriodName:  fc.period.Name,
		UnitName:    fc.unit.Name(l.Lang),
		FormURL:     base,
		ImportURL:   base + "/import",
		TemplateURL: base + "/template.xlsx",
		MaxMB:       max(1, s.cfg.UploadLimit>>20),
		Version:     fc.sub.Version,
	}, nil
}

func (s *Server) renderImport(c *fiber.Ctx, status int, v importView) error {
	pg := s.newPage(c, "tmpl.title", "forms", v)
	pg.Title = s.localizer(c).T("tmpl.title") + " · " + v.UnitName
	return s.render(c, status, "template_import", pg)
}

// importPage shows the upload form.
func (s *Server) importPage(c *fiber.Ctx) error {
	_, v, err := s.importCtx(c)
	if err != nil {
		return err
	}
	return s.renderImport(c, fiber.StatusOK, v)
}

// importPreview reads an uploaded template and shows every change and
// every error; nothing is stored.
func (s *Server) importPreview(c *fiber.Ctx) error {
	fc, v, err := s.importCtx(c)
	if err != nil {
		return err
	}
	l := s.localizer(c)
	fh, err := c.FormFile("file")
	if err != nil {
		v.FileError = l.T("tmpl.no_file")
		return s.renderImport(c, fiber.StatusUnprocessableEntity, v)
	}
	v.FileName = fh.Filename
	f, err := fh.Open()
	if err != nil {
		return err
	}
	defer f.Close()
	imp, err := reports.ReadTemplate(f, fh.Size, s.templateInput(fc, l.Lang))
	var terr *reports.TemplateError
	switch {
	case errors.As(err, &terr):
		v.FileError = terr.Message(l.Lang)
		return s.renderImport(c, fiber.StatusUnprocessableEntity, v)
	case err != nil:
		return err
	}
	for _, e := range imp.Errors {
		v.Errors = append(v.Errors, importError{Location: e.Location(), Message: e.Message(l.Lang)})
	}
	for _, ch := range imp.Changes {
		v.Changes = append(v.Changes, importChange{
			Field: FieldName(ch.Key.Indicator, ch.Key.Input), Indicator: ch.Key.Indicator + " · " + ch.Indicator,
			Input: ch.Input, Cell: ch.Cell, Old: ch.Old, New: ch.New, Value: imp.Texts[ch.Key],
		})
	}
	v.Apply = len(v.Errors) == 0 && len(v.Changes) > 0
	status := fiber.StatusOK
	if len(v.Errors) > 0 {
		status = fiber.StatusUnprocessableEntity
	}
	return s.renderImport(c, status, v)
}

// importApply applies the previewed changes (posted back as the form's
// fields with the version of the preview) all or nothing. A form changed
// since the preview gives 409 and applies nothing; values refused by the
// form's rules give 422 with every message.
func (s *Server) importApply(c *fiber.Ctx) error {
	fc, v, err := s.importCtx(c)
	if err != nil {
		return err
	}
	l := s.localizer(c)
	raw := map[scoring.InputKey]string{}
	c.Request().PostArgs().VisitAll(func(key, val []byte) {
		if k, ok := ParseFieldName(string(key)); ok {
			raw[k] = string(val)
		}
	})
	version, ok := parseVersion(c.FormValue("version"))
	if !ok || len(raw) == 0 || len(raw) > maxSaveFields {
		return fiber.ErrBadRequest
	}
	_, err = s.saveValues(c, fc, version, raw)
	var verr *assessment.ValidationError
	switch {
	case errors.As(err, &verr):
		for _, f := range verr.Fields {
			v.Errors = append(v.Errors, importError{Location: strings.Replace(f.Field, "/", " · ", 1), Message: f.Message(l.Lang)})
		}
		return s.renderImport(c, fiber.StatusUnprocessableEntity, v)
	case isConflict(err):
		v.Conflict = true
		return s.renderImport(c, fiber.StatusConflict, v)
	case err != nil:
		return err
	}
	s.setFlash(c, "flash.template_imported")
	return c.Redirect(v.FormURL, fiber.StatusSeeOther)
}
