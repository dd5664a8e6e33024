package web

import (
	"io"
	"mime/multipart"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/reports"
)

// addEvidence attaches a file, a link or an explanation to an indicator of
// the form. Refused evidence shows the form again with the reason next to
// the indicator; what was typed in the form's fields is kept by the
// autosave script, and nothing else on the page is lost.
func (s *Server) addEvidence(c *fiber.Ctx) error {
	fc, err := s.loadForm(c, false)
	if err != nil {
		return err
	}
	if fc.sub == nil || !fc.canEdit {
		if fc.editErr != nil {
			return fc.editErr
		}
		return assessment.ErrForbidden
	}
	code := c.FormValue("indicator")
	n := fc.ix.Node(code)
	if n == nil || !n.IsIndicator() || !fc.ix.Applies(n, fc.unit.Type) {
		return fiber.ErrBadRequest
	}
	e := &assessment.Evidence{SubmissionID: fc.sub.ID, Indicator: code, Kind: assessment.EvidenceKind(c.FormValue("kind")),
		Text: strings.TrimSpace(c.FormValue("text"))}
	var r io.Reader
	switch e.Kind {
	case assessment.EvidenceLink:
		e.URL = strings.TrimSpace(c.FormValue("url"))
	case assessment.EvidenceExplanation:
	case assessment.EvidenceFile:
		fh, err := c.FormFile("file")
		if err != nil {
			return s.evidenceRefused(c, fc, code, s.localizer(c).T("evidence.no_file"))
		}
		if fh.Size > int64(s.cfg.UploadLimit) {
			return s.evidenceRefused(c, fc, code, s.localizer(c).T("evidence.too_big", s.cfg.UploadLimit>>20))
		}
		f, err := fh.Open()
		if err != nil {
			return err
		}
		defer f.Close()
		e.FileName = fh.Filename
		r = limitedFile(f, int64(s.cfg.UploadLimit))
	default:
		return fiber.ErrBadRequest
	}
	err = s.cfg.Store.AddEvidence(c.UserContext(), fc.actor, e, r)
	if isInvalid(err) {
		return s.evidenceRefused(c, fc, code, domainMessage(err, lang(c)))
	}
	if err != nil {
		return err
	}
	s.setFlash(c, "flash.evidence_added")
	return c.Redirect(formBase(fc.period.Code, fc.unit.Code)+"#ind-"+htmlID(code), fiber.StatusSeeOther)
}

// limitedFile reads at most n+1 bytes, so the store sees an oversized
// upload as too big instead of trusting the declared size.
func limitedFile(f multipart.File, n int64) io.Reader { return io.LimitReader(f, n+1) }

// evidenceRefused shows the form with the reason next to the indicator.
func (s *Server) evidenceRefused(c *fiber.Ctx, fc *formCtx, code, msg string) error {
	return s.renderFormWith(c, fc, fiber.StatusUnprocessableEntity, formExtras{evidenceErrors: map[string]string{code: msg}})
}

// deleteEvidence removes an evidence item of the form.
func (s *Server) deleteEvidence(c *fiber.Ctx) error {
	fc, err := s.loadForm(c, false)
	if err != nil {
		return err
	}
	if fc.sub == nil || !fc.canEdit {
		return assessment.ErrForbidden
	}
	id, err := strconv.ParseInt(c.FormValue("id"), 10, 64)
	if err != nil {
		return fiber.ErrBadRequest
	}
	e, err := s.cfg.Store.FindEvidenceByID(c.UserContext(), id)
	if err != nil {
		return err
	}
	if e.SubmissionID != fc.sub.ID {
		// Another unit's item: it does not exist for this form.
		return assessment.ErrNotFound
	}
	if err := s.cfg.Store.DeleteEvidence(c.UserContext(), fc.actor, id); err != nil {
		return err
	}
	s.setFlash(c, "flash.evidence_deleted")
	return c.Redirect(formBase(fc.period.Code, fc.unit.Code)+"#ind-"+htmlID(e.Indicator), fiber.StatusSeeOther)
}

// evidenceFile sends an evidence file to those who may read the form,
// always as a download (never rendered in the site's origin).
func (s *Server) evidenceFile(c *fiber.Ctx) error {
	fc, err := s.loadForm(c, false)
	if err != nil {
		return err
	}
	if fc.sub == nil {
		return assessment.ErrNotFound
	}
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return fiber.ErrNotFound
	}
	e, rc, err := s.cfg.Store.OpenEvidenceFile(c.UserContext(), id)
	if err != nil {
		return err
	}
	if e.SubmissionID != fc.sub.ID {
		rc.Close()
		return assessment.ErrNotFound
	}
	ctype := e.ContentType
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	c.Set(fiber.HeaderContentType, ctype)
	c.Set(fiber.HeaderContentDisposition, contentDisposition(e.FileName))
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.SendStream(rc, int(e.Size))
}

// sendAttachment answers with body as a file download of type ctype
// named name; cache is the Cache-Control header, none when empty.
func sendAttachment(c *fiber.Ctx, ctype, name, cache string, body []byte) error {
	c.Set(fiber.HeaderContentType, ctype)
	c.Set(fiber.HeaderContentDisposition, contentDisposition(name))
	if cache != "" {
		c.Set(fiber.HeaderCacheControl, cache)
	}
	return c.Send(body)
}

// contentDisposition makes an attachment header that keeps a Vietnamese
// file name: an ASCII fallback ("Xep-hang.xlsx") plus the UTF-8 name
// (RFC 6266, 5987). fiber's Attachment mangles the latter.
func contentDisposition(name string) string {
	return `attachment; filename="` + reports.ASCIIFileName(name) + `"; filename*=UTF-8''` + strings.ReplaceAll(url.PathEscape(name), "'", "%27")
}
