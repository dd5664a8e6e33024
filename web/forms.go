package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/scoring"
)

// formCtx is what every handler of a unit's form needs: the period, its
// pinned index, the unit, the submission and what the user may do.
type formCtx struct {
	period    *assessment.Period
	ix        *scoring.Index
	unit      *assessment.Unit
	ancestors []int64
	actor     assessment.Actor
	// sub is nil when the unit has no submission yet and the user may not
	// start one (a reader).
	sub    *assessment.Submission
	values map[scoring.InputKey]scoring.Value
	// locked: values written by a central source, read-only for the unit.
	locked map[scoring.InputKey]scoring.Source
	// evidence lists the submission's evidence items by indicator, once
	// loadEvidence ran (saves do without).
	evidence map[string][]*assessment.Evidence
	// canEdit: the workflow lets the user change values now; editErr says
	// why not.
	canEdit bool
	editErr error
	// canSubmit: the user holds a role that may submit this form.
	canSubmit bool
	// canReview: the user appraises this unit (reviewer or admin over it).
	canReview bool
}

// formBase is the URL of a unit's form in a period.
func formBase(periodCode, unitCode string) string {
	return "/periods/" + periodCode + "/units/" + unitCode + "/form"
}

// loadForm loads the form of the request's period and unit and checks,
// with the workflow's view rule, that the user may read it: the unit's
// editors and approvers, admins over the unit, and reviewers over the unit
// once the form was submitted. Every other user gets ErrForbidden, so no
// unit reads another unit's draft.
func (s *Server) loadForm(c *fiber.Ctx, create bool) (*formCtx, error) {
	ctx := c.UserContext()
	st := s.cfg.Store
	u := currentUser(c)
	p, err := st.FindPeriodByCodeMeta(ctx, c.Params("period"))
	if err != nil {
		return nil, err
	}
	unit, err := st.FindUnitByCode(ctx, c.Params("unit"))
	if err != nil {
		return nil, err
	}
	anc, err := s.ancestors(ctx, u.Actor, unit)
	if err != nil {
		return nil, err
	}
	a := u.Actor
	member := a.HasRoleFor(assessment.RoleEditor, unit.ID, anc) || a.HasRoleFor(assessment.RoleApprover, unit.ID, anc)
	admin := a.HasRoleFor(assessment.RoleAdmin, unit.ID, anc)
	reviewer := a.HasRoleFor(assessment.RoleReviewer, unit.ID, anc)
	sub, err := st.FindSubmission(ctx, p.ID, unit.ID)
	switch {
	case isNotFound(err):
		sub = nil
	case err != nil:
		return nil, err
	}
	// A unit without a submission is judged as a fresh draft.
	view := sub
	if view == nil {
		view = &assessment.Submission{PeriodID: p.ID, UnitID: unit.ID, Status: assessment.SubmissionDraft}
	}
	now := s.cfg.Now()
	if _, err := assessment.CheckSubmissionAction(a, p, view, assessment.SubmissionChange{
		Action: assessment.ActView, At: now, Ancestors: anc,
	}); err != nil {
		return nil, err
	}
	ix, err := s.periodIndex(ctx, p)
	if err != nil {
		return nil, err
	}
	if _, ok := ix.UnitType(unit.Type); !ok {
		return nil, assessment.ErrNotFound
	}
	fc := &formCtx{period: p, ix: ix, unit: unit, ancestors: anc, actor: a,
		values: map[scoring.InputKey]scoring.Value{}}

	if sub == nil && member && create && p.Status == assessment.PeriodOpen {
		// The unit's first visit starts its draft.
		if sub, err = st.EnsureSubmission(ctx, a, p.ID, unit.ID); err != nil {
			return nil, err
		}
	}
	fc.sub = sub
	if sub != nil {
		vals, err := st.FindValues(ctx, sub.ID)
		if err != nil {
			return nil, err
		}
		for _, v := range vals {
			k := scoring.InputKey{Indicator: v.Indicator, Input: v.Input}
			fc.values[k] = v.Scoring()
			if v.Locked {
				if fc.locked == nil {
					fc.locked = map[scoring.InputKey]scoring.Source{}
				}
				fc.locked[k] = v.Source
			}
		}
		_, fc.editErr = assessment.CheckSubmissionAction(a, p, sub, assessment.SubmissionChange{
			Action: assessment.ActEdit, At: now, Ancestors: anc,
		})
		fc.canEdit = fc.editErr == nil
	}
	fc.canSubmit = a.HasRoleFor(assessment.RoleApprover, unit.ID, anc) || admin
	fc.canReview = reviewer || admin
	return fc, nil
}

// loadEvidence fills fc.evidence, once.
func (s *Server) loadEvidence(ctx context.Context, fc *formCtx) error {
	if fc.evidence != nil {
		return nil
	}
	fc.evidence = map[string][]*assessment.Evidence{}
	if fc.sub == nil {
		return nil
	}
	ev, err := s.cfg.Store.FindEvidence(ctx, fc.sub.ID)
	if err != nil {
		return err
	}
	for _, e := range ev {
		fc.evidence[e.Indicator] = append(fc.evidence[e.Indicator], e)
	}
	return nil
}

// ancestors returns the unit's ancestors, nearest first, when a grant of
// the actor could cover the unit through a subtree; otherwise none are
// needed and none are loaded.
func (s *Server) ancestors(ctx context.Context, a assessment.Actor, unit *assessment.Unit) ([]int64, error) {
	need := false
	for _, g := range a.Grants {
		if g.Subtree && g.UnitID != 0 && g.UnitID != unit.ID {
			need = true
		}
	}
	if !need || unit.ParentID == 0 {
		return nil, nil
	}
	var out []int64
	for id := unit.ParentID; id != 0 && len(out) < 64; {
		out = append(out, id)
		p, err := s.cfg.Store.FindUnitByID(ctx, id)
		if err != nil {
			return nil, err
		}
		id = p.ParentID
	}
	return out, nil
}

// unitFormView is the data of a unit's form page.
type unitFormView struct {
	PeriodName string
	PeriodCode string
	UnitName   string
	UnitType   string
	Status     string
	StatusKey  string
	Deadline   string
	Form       *FormView
	Version    int64
	Base       string
	SaveURL    string
	ScoreURL   string
	CanSubmit  bool
	// EditNote explains why the form is read-only.
	EditNote string
	// Missing is the checklist shown when a submit was refused.
	Missing []missingView
	// CanApprove and CanReturn offer the appraisal decisions.
	CanApprove bool
	CanReturn  bool
	// ResultsURL is the unit's profile once the period is published, ""
	// before.
	ResultsURL string
	// AppraisalURL is the per-indicator appraisal page, for those who
	// appraise a submitted form.
	AppraisalURL string
	// ReturnComment is the council's general comment when the form was
	// returned; ReviewNotes link to the indicators with a note.
	ReturnComment string
	ReviewNotes   []reviewNoteLink
}

// reviewNoteLink is an indicator with a note of the council, in the
// summary above a returned form.
type reviewNoteLink struct {
	Anchor, Code, Name, DecisionKey string
}

type missingView struct {
	Anchor, Indicator, Label string
	Evidence                 bool
}

// formPage shows a unit's form.
func (s *Server) formPage(c *fiber.Ctx) error {
	fc, err := s.loadForm(c, true)
	if err != nil {
		return err
	}
	return s.renderFormWith(c, fc, fiber.StatusOK, formExtras{})
}

// formExtras carry what a refused action shows on the form page.
type formExtras struct {
	// raw and errs: a refused save (what was typed, the messages).
	raw  map[scoring.InputKey][]string
	errs map[scoring.InputKey]string
	// missing: a refused submit.
	missing []assessment.MissingItem
	// evidenceErrors: refused evidence, by indicator.
	evidenceErrors map[string]string
}

// renderFormWith renders the form page.
func (s *Server) renderFormWith(c *fiber.Ctx, fc *formCtx, status int, x formExtras) error {
	raw, errs, missing := x.raw, x.errs, x.missing
	if err := s.loadEvidence(c.UserContext(), fc); err != nil {
		return err
	}
	l := s.localizer(c)
	base := formBase(fc.period.Code, fc.unit.Code)
	evidenceURL := ""
	if fc.canEdit {
		evidenceURL = base + "/evidence"
	}
	reviews, err := s.formReviews(c.UserContext(), fc)
	if err != nil {
		return err
	}
	form := BuildForm(fc.ix, FormOptions{
		Reviews:        reviews,
		UnitType:       fc.unit.Type,
		Lang:           l.Lang,
		Values:         fc.values,
		Locked:         fc.locked,
		Raw:            raw,
		Errors:         errs,
		ReadOnly:       !fc.canEdit,
		PointsDecimals: fc.ix.Rounding.PointsDecimals,
		Num:            l.Num,
		Evidence:       evidenceViews(fc.evidence, base),
		EvidenceURL:    evidenceURL,
		EvidenceErrors: x.evidenceErrors,
	})
	v := unitFormView{
		PeriodName: fc.period.Name,
		PeriodCode: fc.period.Code,
		UnitName:   fc.unit.Name(l.Lang),
		Form:       form,
		Base:       base,
		ScoreURL:   base + "/score",
		Deadline:   l.DateTime(fc.period.ClosesAt),
	}
	if ut, ok := fc.ix.UnitType(fc.unit.Type); ok {
		v.UnitType = ut.Name.In(l.Lang)
	}
	if fc.period.Status == assessment.PeriodPublished {
		v.ResultsURL = profileBase(fc.period.Code, fc.unit.Code)
	}
	if fc.sub != nil {
		v.Version = fc.sub.Version
		v.Status = string(fc.sub.Status)
		v.StatusKey = "status." + string(fc.sub.Status)
		v.CanSubmit = fc.canSubmit && fc.canEdit
	} else {
		v.StatusKey = "status.none"
	}
	if fc.canEdit {
		v.SaveURL = base + "/values"
	} else if fc.editErr != nil && !fc.canReview {
		v.EditNote = domainMessage(fc.editErr, l.Lang)
	}
	v.CanApprove, v.CanReturn = reviewActions(fc, s.cfg.Now())
	if fc.canReview && fc.sub != nil && fc.sub.Round > 0 {
		v.AppraisalURL = base + "/review"
	}
	if fc.sub != nil && fc.sub.Status == assessment.SubmissionReturned {
		if v.ReturnComment, err = s.returnComment(c.UserContext(), fc.sub.ID); err != nil {
			return err
		}
		v.ReviewNotes = reviewNoteLinks(form, reviews)
	}
	for _, m := range missing {
		v.Missing = append(v.Missing, missingView{
			Anchor: "ind-" + htmlID(m.Indicator), Indicator: m.Indicator, Label: m.Label.In(l.Lang), Evidence: m.Input == "",
		})
	}
	p := s.newPage(c, "form.title", "forms", v)
	p.Title = v.UnitName + " · " + fc.period.Name
	return s.render(c, status, "unit_form", p)
}

func evidenceViews(ev map[string][]*assessment.Evidence, base string) map[string][]FormEvidence {
	out := make(map[string][]FormEvidence, len(ev))
	for code, items := range ev {
		for _, e := range items {
			fe := FormEvidence{ID: e.ID, Kind: string(e.Kind), Text: e.Text}
			switch e.Kind {
			case assessment.EvidenceFile:
				fe.Name = e.FileName
				fe.URL = base + "/evidence/" + strconv.FormatInt(e.ID, 10)
			case assessment.EvidenceLink:
				fe.Name, fe.URL = e.URL, e.URL
			}
			out[code] = append(out[code], fe)
		}
	}
	return out
}

// saveRequest is the body of an autosave.
type saveRequest struct {
	Version int64                      `json:"version"`
	Values  map[string]json.RawMessage `json:"values"`
}

// maxSaveFields bounds one save: a form has a few hundred inputs at most.
const maxSaveFields = 2000

// saveValuesJSON is the autosave endpoint: it applies the changed values
// all or nothing when the version is current. Answers: 200 with the new
// version, the time and the provisional score; 422 with an error per
// field; 409 when someone saved first; 403 when the form is not editable.
func (s *Server) saveValuesJSON(c *fiber.Ctx) error {
	l := s.localizer(c)
	var req saveRequest
	dec := json.NewDecoder(bytes.NewReader(c.Body()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil || len(req.Values) > maxSaveFields || req.Version < 0 {
		// A negative version would skip the conflict check.
		return c.Status(fiber.StatusBadRequest).JSON(fiber.Map{"error": l.T("save.bad_request")})
	}
	raw := make(map[scoring.InputKey]string, len(req.Values))
	fieldErrs := map[string]string{}
	for name, rv := range req.Values {
		k, ok := ParseFieldName(name)
		if !ok {
			fieldErrs[name] = l.T("save.unknown_field")
			continue
		}
		var str string
		var list []string
		switch {
		case json.Unmarshal(rv, &str) == nil:
			raw[k] = str
		case json.Unmarshal(rv, &list) == nil:
			raw[k] = strings.Join(list, ",")
		default:
			fieldErrs[name] = l.T("save.unknown_field")
		}
	}
	if len(fieldErrs) > 0 {
		return c.Status(fiber.StatusUnprocessableEntity).JSON(fiber.Map{"error": l.T("save.invalid"), "errors": fieldErrs})
	}
	fc, err := s.loadForm(c, false)
	if err != nil {
		return err
	}
	sub, err := s.saveValues(c, fc, req.Version, raw)
	var verr *assessment.ValidationError
	switch {
	case errors.As(err, &verr):
		out := map[string]string{}
		for _, f := range verr.Fields {
			if ind, in, ok := strings.Cut(f.Field, "/"); ok {
				out[FieldName(ind, in)] = f.Message(l.Lang)
			}
		}
		return c.Status(fiber.StatusUnprocessableEntity).JSON(fiber.Map{"error": l.T("save.invalid"), "errors": out})
	case err != nil:
		return err
	}
	score, err := s.unitScore(fc, l)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{
		"version":  sub.Version,
		"saved_at": l.Clock(s.cfg.Now()),
		"score":    score,
	})
}

// errBadFormVersion refuses a form post whose version field is not a
// version (422 page).
var errBadFormVersion = &assessment.ValidationError{Fields: []assessment.FieldError{{Field: "version",
	VI: "Biểu mẫu gửi lên thiếu phiên bản hợp lệ nên không được lưu. Vui lòng tải lại trang và nhập lại.",
	EN: "the form was sent without a valid version and was not saved; reload the page and enter the values again"}}}

// saveValuesForm is the same save from the plain form post (browsers
// without scripts): a refused save shows the page again with what was
// typed and the errors next to the fields.
func (s *Server) saveValuesForm(c *fiber.Ctx) error {
	l := s.localizer(c)
	fc, err := s.loadForm(c, false)
	if err != nil {
		return err
	}
	version, ok := parseVersion(c.FormValue("version"))
	if !ok {
		// Missing, garbled or negative: a save without the version the
		// page was loaded at could overwrite a newer one.
		return errBadFormVersion
	}
	raw := map[scoring.InputKey]string{}
	shown := map[scoring.InputKey][]string{}
	c.Request().PostArgs().VisitAll(func(key, val []byte) {
		k, ok := ParseFieldName(string(key))
		if !ok {
			return
		}
		shown[k] = append(shown[k], string(val))
	})
	for k, vs := range shown {
		raw[k] = strings.Join(vs, ",")
	}
	_, err = s.saveValues(c, fc, version, raw)
	var verr *assessment.ValidationError
	switch {
	case errors.As(err, &verr):
		errs := map[scoring.InputKey]string{}
		for _, f := range verr.Fields {
			if ind, in, ok := strings.Cut(f.Field, "/"); ok {
				errs[scoring.InputKey{Indicator: ind, Input: in}] = f.Message(l.Lang)
			}
		}
		return s.renderFormWith(c, fc, fiber.StatusUnprocessableEntity, formExtras{raw: shown, errs: errs})
	case err != nil:
		return err
	}
	s.setFlash(c, "flash.saved")
	return c.Redirect(formBase(fc.period.Code, fc.unit.Code), fiber.StatusSeeOther)
}

// saveValues parses raw values against the pinned index and saves those
// that differ from the stored ones, under the workflow's edit rule checked
// on fresh rows inside the store's transaction.
func (s *Server) saveValues(c *fiber.Ctx, fc *formCtx, version int64, raw map[scoring.InputKey]string) (*assessment.Submission, error) {
	if fc.sub == nil {
		if !fc.canSubmit && !fc.actor.HasRoleFor(assessment.RoleEditor, fc.unit.ID, fc.ancestors) {
			return nil, assessment.ErrForbidden
		}
		sub, err := s.cfg.Store.EnsureSubmission(c.UserContext(), fc.actor, fc.period.ID, fc.unit.ID)
		if err != nil {
			return nil, err
		}
		fc.sub = sub
	}
	vals, err := assessment.ParseForm(fc.ix, fc.unit.Type, raw)
	if err != nil {
		return nil, err
	}
	keys := make([]scoring.InputKey, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b scoring.InputKey) int {
		if c := strings.Compare(a.Indicator, b.Indicator); c != 0 {
			return c
		}
		return strings.Compare(a.Input, b.Input)
	})
	var changes []assessment.ValueChange
	for _, k := range keys {
		v := vals[k]
		if sameValue(fc.values[k], v) {
			continue
		}
		in, ok := fc.ix.Input(k.Indicator, k.Input)
		if !ok {
			continue // ParseForm accepted it, so this cannot happen
		}
		changes = append(changes, assessment.ChangeOf(k, in, v))
	}
	now := s.cfg.Now()
	actor, anc := fc.actor, fc.ancestors
	sub, err := s.cfg.Store.SaveValues(c.UserContext(), actor, assessment.ValueSave{
		SubmissionID: fc.sub.ID,
		Version:      version,
		Changes:      changes,
		Check: func(p *assessment.Period, _ *assessment.Unit, sub *assessment.Submission) error {
			_, err := assessment.CheckSubmissionAction(actor, p, sub, assessment.SubmissionChange{
				Action: assessment.ActEdit, At: now, Ancestors: anc,
			})
			return err
		},
	})
	if err != nil {
		return nil, err
	}
	for k, v := range vals {
		fc.values[k] = v
	}
	fc.sub = sub
	return sub, nil
}

// sameValue reports whether a save would leave a stored value unchanged.
func sameValue(old, v scoring.Value) bool {
	if !old.Set || !v.Set {
		return old.Set == v.Set
	}
	return old.Num == v.Num && old.Text == v.Text
}

// unitScore returns the unit's provisional self-score as shown on the
// form: "73,50 / 900", counting only the indicators the unit can be scored
// on alone (scoring.ScoreProvisional); peer-relative indicators wait for
// the period's results. A composite index shows no provisional total.
func (s *Server) unitScore(fc *formCtx, l *Localizer) (string, error) {
	pr, err := scoring.ScoreProvisional(fc.ix, fc.period.Year, unitData(fc.ix, fc.unit, fc.values))
	if err != nil {
		return "", err
	}
	if !pr.HasTotal {
		return l.T("form.score_at_closing"), nil
	}
	d := fc.ix.Rounding.PointsDecimals
	return l.Num(pr.Points, d) + " / " + l.Num(pr.MaxPoints, d), nil
}

// scoreJSON answers the form's live score.
func (s *Server) scoreJSON(c *fiber.Ctx) error {
	fc, err := s.loadForm(c, false)
	if err != nil {
		return err
	}
	score, err := s.unitScore(fc, s.localizer(c))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"score": score})
}

// submitForm submits the form: refused, with the checklist of what is
// missing, until required inputs and evidence are there.
func (s *Server) submitForm(c *fiber.Ctx) error {
	fc, err := s.loadForm(c, false)
	if err != nil {
		return err
	}
	if fc.sub == nil {
		return assessment.ErrForbidden
	}
	version, ok := parseVersion(c.FormValue("version"))
	if !ok {
		return fiber.ErrBadRequest
	}
	if err := s.loadEvidence(c.UserContext(), fc); err != nil {
		return err
	}
	has := make(map[string]bool, len(fc.evidence))
	for code := range fc.evidence {
		has[code] = true
	}
	missing := assessment.CheckSubmission(fc.ix, fc.unit.Type, fc.values, has, nil)
	now := s.cfg.Now()
	ch := assessment.SubmissionChange{Action: assessment.ActSubmit, At: now, Ancestors: fc.ancestors, Missing: missing}
	to, err := assessment.CheckSubmissionAction(fc.actor, fc.period, fc.sub, ch)
	if err != nil {
		if len(missing) > 0 && isInvalid(err) {
			return s.renderFormWith(c, fc, fiber.StatusUnprocessableEntity, formExtras{errs: missingErrors(missing, s.localizer(c)), missing: missing})
		}
		return err
	}
	if err := s.transitionForm(c, fc, version, to, ch); err != nil {
		return err
	}
	s.setFlash(c, "flash.submitted")
	return c.Redirect(formBase(fc.period.Code, fc.unit.Code), fiber.StatusSeeOther)
}

// transitionForm moves fc's submission, at the version the user saw, to
// status to with the change ch. The workflow rule runs again on the fresh
// rows inside the store's transaction; a form the rule would now move to
// another status is a conflict.
func (s *Server) transitionForm(c *fiber.Ctx, fc *formCtx, version int64, to assessment.SubmissionStatus, ch assessment.SubmissionChange) error {
	actor := fc.actor
	_, err := s.cfg.Store.TransitionSubmission(c.UserContext(), actor, assessment.Transition{
		SubmissionID: fc.sub.ID, Version: version, To: to, Comment: ch.Comment,
		Check: func(p *assessment.Period, _ *assessment.Unit, sub *assessment.Submission) error {
			got, err := assessment.CheckSubmissionAction(actor, p, sub, ch)
			if err == nil && got != to {
				return assessment.ErrConflict
			}
			return err
		},
	})
	return err
}

// missingErrors puts "required" next to every missing input.
func missingErrors(missing []assessment.MissingItem, l *Localizer) map[scoring.InputKey]string {
	out := map[scoring.InputKey]string{}
	for _, m := range missing {
		if m.Input != "" {
			out[scoring.InputKey{Indicator: m.Indicator, Input: m.Input}] = l.T("submit.missing_input")
		}
	}
	return out
}
