package web

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/scoring"
)

// This file holds the appraisal page of one submitted form: every
// indicator with the unit's values, evidence, self score and explanation,
// the latest decision and the appraised score, and a decision control per
// indicator (appraisal_decide.go saves it).

// appraisalView is the data of the appraisal page.
type appraisalView struct {
	PeriodName, UnitName, UnitType string
	Status, StatusKey              string
	Base, ReviewURL                string
	Version                        int64
	Round                          int
	Indicators                     []*appraisalIndicator
	// Decided counts the indicators with a decision in this round.
	Decided, Total int
	// SelfTotal and AppraisedTotal are the provisional totals of the
	// indicators scored alone ("" in a composite index).
	SelfTotal, AppraisedTotal string
	PeerRelative              int
	CanApprove, CanReturn     bool
	// ReturnError explains a refused return, next to its comment.
	ReturnError string
	// Changes lists the indicators the unit changed since the form was
	// last returned (a resubmission).
	Changes []appraisalChange
}

// appraisalChange is one line of the summary of changes since the return.
type appraisalChange struct {
	Anchor, Code, Name string
	Values, Evidence   int
}

// appraisalIndicator is one indicator on the appraisal page.
type appraisalIndicator struct {
	*FormIndicator
	// Section is the name of the top-level section, set on the first
	// indicator of each.
	Section string
	// Values are the unit's values as read: label and text.
	Values []appraisalValue
	// Self and Appraised are the points "7,50 / 10"; Steps the self
	// score's explanation.
	Self, Appraised string
	SelfSteps       string
	AppraisedSteps  string
	Overridden      bool
	NotApplicable   bool
	// Latest is the decision that counts, nil if none.
	Latest *appraisalDecision
	// CanDecide: the user may decide on this indicator; CanNA: and declare
	// it not applicable.
	CanDecide, CanNA bool
	// Kinds are the decisions offered, in order.
	Kinds []string
	// DecideNote says why the user may not decide (another pillar).
	DecideNote string
	// Adjust are the controls of an adjust_value decision.
	Adjust []*FormInput
	// MaxPoints as a number attribute for the adjust_score control.
	MaxAttr string
	// Form holds what a refused decision typed; Errors its messages by
	// field (decision, reason, comment, points, or an input key).
	Form   appraisalForm
	Errors map[string]string
	// Changed marks the indicator the unit changed since the return.
	ChangedValues, ChangedEvidence bool
}

// appraisalValue is one of the unit's values as the page shows it.
type appraisalValue struct {
	Label, Text, Unit string
	Missing           bool
	// Changed marks an input the unit changed since the return; Before
	// is its value then, as read ("" when it had none).
	Changed bool
	Before  string
}

// inputReading shows a form input's value for reading in the page's
// language: yes/no, option labels, numbers with the page's marks.
func inputReading(in *FormInput, l *Localizer) appraisalValue {
	v := appraisalValue{Label: in.Label, Unit: in.Unit}
	switch in.Control {
	case "yesno":
		switch {
		case in.Yes:
			v.Text = l.T("form.yes")
		case in.No:
			v.Text = l.T("form.no")
		}
	case "select", "checkboxes":
		var labels []string
		for _, o := range in.Options {
			if o.Selected {
				labels = append(labels, o.Label)
			}
		}
		v.Text = strings.Join(labels, "; ")
	case "number":
		if f, err := strconv.ParseFloat(in.Value, 64); err == nil {
			dec := 0
			if i := strings.IndexByte(in.Value, '.'); i >= 0 {
				dec = len(in.Value) - i - 1
			}
			v.Text = l.Num(f, dec)
		}
	case "date":
		v.Text = in.Value
		if d, err := time.Parse("2006-01-02", in.Value); err == nil {
			v.Text = l.Date(d)
		}
	default:
		v.Text = in.Value
	}
	if v.Text == "" {
		v.Missing, v.Unit = true, ""
	}
	return v
}

// appraisalDecision is a decision as the page shows it.
type appraisalDecision struct {
	Decision, DecisionKey string
	Reason, Comment       string
	Round                 int
	Current               bool
	Points                string
	Values                []string
}

// appraisalForm is what the decision control shows.
type appraisalForm struct {
	Decision, Reason, Comment, Points string
	// Adjust are the adjusted values as typed, by input key (several for
	// a multiple choice).
	Adjust map[string][]string
}

// appraisalPage shows the appraisal page of a submitted form.
func (s *Server) appraisalPage(c *fiber.Ctx) error {
	fc, err := s.loadAppraisal(c)
	if err != nil {
		return err
	}
	return s.renderAppraisal(c, fc, fiber.StatusOK, appraisalExtras{})
}

// appraisalExtras carry what a refused action shows on the page: a
// decision (failed names its indicator; typed and errs are what was
// typed and the messages by field) or a return (returnError).
type appraisalExtras struct {
	failed      string
	typed       appraisalForm
	errs        map[string]string
	returnError string
}

// loadAppraisal loads the form and checks that the user appraises it:
// a reviewer or admin over the unit, the form submitted at least once.
func (s *Server) loadAppraisal(c *fiber.Ctx) (*formCtx, error) {
	fc, err := s.loadForm(c, false)
	if err != nil {
		return nil, err
	}
	if !fc.canReview {
		return nil, assessment.ErrForbidden
	}
	if fc.sub == nil || fc.sub.Round == 0 {
		return nil, assessment.ErrNotFound
	}
	return fc, nil
}

// renderAppraisal renders the page, with what a refused action shows.
func (s *Server) renderAppraisal(c *fiber.Ctx, fc *formCtx, status int, x appraisalExtras) error {
	failed, typed, errs := x.failed, x.typed, x.errs
	ctx := c.UserContext()
	l := s.localizer(c)
	if err := s.loadEvidence(ctx, fc); err != nil {
		return err
	}
	reviews, err := s.cfg.Store.FindReviews(ctx, fc.sub.ID)
	if err != nil {
		return err
	}
	latest := assessment.LatestReviews(reviews)
	base := formBase(fc.period.Code, fc.unit.Code)
	form := BuildForm(fc.ix, FormOptions{
		UnitType: fc.unit.Type, Lang: l.Lang, Values: fc.values, ReadOnly: true,
		PointsDecimals: fc.ix.Rounding.PointsDecimals, Num: l.Num,
		Evidence: evidenceViews(fc.evidence, base),
	})
	self, err := scoring.ScoreProvisional(fc.ix, fc.period.Year, unitData(fc.ix, fc.unit, fc.values))
	if err != nil {
		return err
	}
	appraised, err := scoring.ScoreProvisional(fc.ix, fc.period.Year, appraisedData(fc, latest))
	if err != nil {
		return err
	}
	changes, err := s.changesSinceReturn(ctx, fc)
	if err != nil {
		return err
	}
	v := &appraisalView{
		PeriodName: fc.period.Name, UnitName: fc.unit.Name(l.Lang),
		Status: string(fc.sub.Status), StatusKey: "status." + string(fc.sub.Status),
		Base: base, ReviewURL: base + "/review", Version: fc.sub.Version, Round: fc.sub.Round,
		PeerRelative: len(self.PeerRelative),
	}
	if ut, ok := fc.ix.UnitType(fc.unit.Type); ok {
		v.UnitType = ut.Name.In(l.Lang)
	}
	dec := fc.ix.Rounding.PointsDecimals
	if self.HasTotal {
		v.SelfTotal = l.Num(self.Points, dec) + " / " + l.Num(self.MaxPoints, dec)
		v.AppraisedTotal = l.Num(appraised.Points, dec) + " / " + l.Num(appraised.MaxPoints, dec)
	}
	selfNodes, apprNodes := nodeResults(fc.ix, self.Result), nodeResults(fc.ix, appraised.Result)
	before := beforeReturn(fc, changes, l)
	now := s.cfg.Now()
	add := func(section string, fi *FormIndicator) {
		n := fc.ix.Node(fi.Code)
		ai := &appraisalIndicator{FormIndicator: fi, Section: section}
		for _, in := range fi.Inputs {
			rv := inputReading(in, l)
			if d, ok := changes[fi.Code].Inputs[in.Key]; ok {
				rv.Changed = true
				if d.From != "" {
					rv.Before = before[scoring.InputKey{Indicator: fi.Code, Input: in.Key}]
					if in.Unit != "" && rv.Before != "" {
						rv.Before += " " + in.Unit
					}
				}
			}
			ai.Values = append(ai.Values, rv)
		}
		if sr, ok := selfNodes[fi.Code]; ok {
			ai.Self, ai.SelfSteps = pointsText(l, sr, dec), stepsText(sr, l.Lang)
		}
		if ar, ok := apprNodes[fi.Code]; ok {
			ai.Appraised, ai.AppraisedSteps = pointsText(l, ar, dec), stepsText(ar, l.Lang)
			ai.Overridden, ai.NotApplicable = ar.Overridden, !ar.Applicable
		}
		if r := latest[fi.Code]; r != nil {
			ai.Latest = decisionView(fc, r, l)
			if r.Round == fc.sub.Round {
				v.Decided++
			}
		}
		v.Total++
		ch := assessment.SubmissionChange{Action: assessment.ActReview, At: now, Ancestors: fc.ancestors, Indicator: n}
		_, err := assessment.CheckSubmissionAction(fc.actor, fc.period, fc.sub, ch)
		ai.CanDecide = err == nil
		if err != nil {
			ai.DecideNote = domainMessage(err, l.Lang)
		}
		ch.Decision = assessment.DecisionNotApplicable
		_, err = assessment.CheckSubmissionAction(fc.actor, fc.period, fc.sub, ch)
		ai.CanNA = err == nil
		ai.Kinds = []string{string(assessment.DecisionAccept), string(assessment.DecisionAdjustValue),
			string(assessment.DecisionAdjustScore), string(assessment.DecisionRequestEvidence)}
		if ai.CanNA {
			ai.Kinds = append(ai.Kinds, string(assessment.DecisionNotApplicable))
		}
		if ai.CanDecide {
			ai.MaxAttr = attrNumber(fc.ix.MaxPointsFor(n, fc.unit.Type))
			for _, in := range fi.Inputs {
				adj := *in
				adj.ID = "adj-" + strings.TrimPrefix(in.ID, "in-")
				adj.Name = adjustField(in.Key)
				adj.ReadOnly, adj.Required, adj.Error, adj.ErrorID, adj.HelpID, adj.Help, adj.DescribedBy = false, false, "", "", "", "", ""
				adj.Options = slices.Clone(in.Options)
				for i := range adj.Options {
					adj.Options[i].ID = adj.ID + "-" + strconv.Itoa(i)
				}
				ai.Adjust = append(ai.Adjust, &adj)
			}
		}
		if fi.Code == failed {
			ai.Form, ai.Errors = typed, errs
			for _, in := range ai.Adjust {
				if raw, ok := typed.Adjust[in.Key]; ok {
					showTyped(in, raw)
				}
				if msg := errs[in.Key]; msg != "" {
					in.Error, in.ErrorID, in.DescribedBy = msg, in.ID+"-error", in.ID+"-error"
				}
			}
		}
		if ai.Form.Decision == "" {
			ai.Form.Decision = string(assessment.DecisionAccept)
		}
		if c, ok := changes[fi.Code]; ok {
			ai.ChangedValues, ai.ChangedEvidence = c.Values > 0, c.Evidence > 0
		}
		v.Indicators = append(v.Indicators, ai)
	}
	var walk func(section string, ss []*FormSection)
	walk = func(section string, ss []*FormSection) {
		for _, sec := range ss {
			name := section
			if name == "" {
				name = sec.Code + " · " + sec.Name
			}
			for _, fi := range sec.Indicators {
				add(name, fi)
				name = ""
			}
			walk(name, sec.Sections)
		}
	}
	for _, sec := range form.Sections {
		walk("", []*FormSection{sec})
	}
	if form.Adjustments != nil {
		first := l.T("form.adjustments")
		for _, fi := range form.Adjustments.Indicators {
			add(first, fi)
			first = ""
		}
	}
	for _, ai := range v.Indicators {
		if c, ok := changes[ai.Code]; ok {
			v.Changes = append(v.Changes, appraisalChange{Anchor: ai.Anchor, Code: ai.Code, Name: ai.Name, Values: c.Values, Evidence: c.Evidence})
		}
	}
	v.CanApprove, v.CanReturn = reviewActions(fc, now)
	v.ReturnError = x.returnError
	p := s.newPage(c, "appraisal.title", "reviews", v)
	p.Title = l.T("appraisal.title") + " · " + v.UnitName
	return s.render(c, status, "appraisal", p)
}

// beforeReturn reads the changed inputs' values as they were when the
// form was returned, formatted like the current ones.
func beforeReturn(fc *formCtx, changes map[string]assessment.IndicatorChange, l *Localizer) map[scoring.InputKey]string {
	if len(changes) == 0 {
		return nil
	}
	old := make(map[scoring.InputKey]scoring.Value, len(fc.values))
	for k, v := range fc.values {
		old[k] = v
	}
	var keys []scoring.InputKey
	for code, c := range changes {
		for in, d := range c.Inputs {
			k := scoring.InputKey{Indicator: code, Input: in}
			keys = append(keys, k)
			if d.From == "" {
				delete(old, k)
				continue
			}
			v := scoring.Value{Set: true, Text: d.From}
			if n, err := strconv.ParseFloat(d.From, 64); err == nil {
				v.Num = n
			} else if d.From == "true" {
				v.Num = 1
			}
			old[k] = v
		}
	}
	form := BuildForm(fc.ix, FormOptions{UnitType: fc.unit.Type, Lang: l.Lang, Values: old, ReadOnly: true,
		PointsDecimals: fc.ix.Rounding.PointsDecimals, Num: l.Num})
	out := map[scoring.InputKey]string{}
	form.eachIndicator(func(fi *FormIndicator) {
		for _, in := range fi.Inputs {
			k := scoring.InputKey{Indicator: fi.Code, Input: in.Key}
			if slices.Contains(keys, k) {
				out[k] = inputReading(in, l).Text
			}
		}
	})
	return out
}

// showTyped puts what a reviewer typed back into an adjust control.
func showTyped(in *FormInput, raw []string) {
	first := ""
	if len(raw) > 0 {
		first = raw[0]
	}
	switch in.Control {
	case "yesno":
		in.Yes, in.No = first == "1", first == "0"
	case "select", "checkboxes":
		for i := range in.Options {
			in.Options[i].Selected = slices.Contains(raw, in.Options[i].Value)
		}
	default:
		in.Value = first
	}
}

// adjustField is the form field of an adjusted input.
func adjustField(key string) string { return "adj|" + key }

// unitData is the unit's data as the scoring engine takes it, the block
// from the unit or else the first block of the index listing its type.
func unitData(ix *scoring.Index, unit *assessment.Unit, values map[scoring.InputKey]scoring.Value) scoring.UnitData {
	ud := scoring.UnitData{
		Code: unit.Code, Name: unit.NameVI, Type: unit.Type, Block: unit.Block,
		Attrs: unit.Attrs, Values: make([]scoring.Value, ix.NumSlots()),
	}
	if ud.Block == "" {
		for _, b := range ix.Blocks {
			if slices.Contains(b.UnitTypes, unit.Type) {
				ud.Block = b.Code
				break
			}
		}
	}
	for k, v := range values {
		if slot, ok := ix.Slot(k.Indicator, k.Input); ok {
			ud.Values[slot] = v
		}
	}
	return ud
}

// appraisedData is the unit's data after the appraisal: values adjusted,
// points set by the council, optional indicators declared not applicable.
func appraisedData(fc *formCtx, latest map[string]*assessment.Review) scoring.UnitData {
	ud := unitData(fc.ix, fc.unit, assessment.AppraisedValues(fc.values, latest))
	for code, r := range latest {
		switch r.Decision {
		case assessment.DecisionNotApplicable:
			if n := fc.ix.Node(code); n != nil && n.Optional {
				if ud.NotApplicable == nil {
					ud.NotApplicable = map[string]bool{}
				}
				ud.NotApplicable[code] = true
			}
		case assessment.DecisionAdjustScore:
			if r.AdjustedPoints != nil && fc.ix.Node(code) != nil && *r.AdjustedPoints <= fc.ix.MaxPointsFor(fc.ix.Node(code), fc.unit.Type) {
				if ud.Overrides == nil {
					ud.Overrides = map[string]float64{}
				}
				ud.Overrides[code] = *r.AdjustedPoints
			}
		}
	}
	return ud
}

// nodeResults maps indicator and adjustment codes to their results.
func nodeResults(ix *scoring.Index, ur *scoring.UnitResult) map[string]scoring.NodeResult {
	out := map[string]scoring.NodeResult{}
	for i, n := range ix.AllNodes() {
		if i < len(ur.Nodes) && n.IsIndicator() {
			out[n.Code] = ur.Nodes[i]
		}
	}
	for _, r := range ur.Adjustments {
		out[r.Code] = r
	}
	return out
}

// pointsText shows a node's points "7,50 / 10", or "—" when it does not
// apply.
func pointsText(l *Localizer, r scoring.NodeResult, dec int) string {
	if !r.Applicable {
		return l.T("appraisal.not_applicable")
	}
	return l.Num(r.Points, dec) + " / " + l.Num(r.MaxPoints, dec)
}

func stepsText(r scoring.NodeResult, lang string) string {
	if r.Explanation == nil {
		return ""
	}
	return r.Explanation.Steps.In(lang)
}

// decisionView shows a stored decision.
func decisionView(fc *formCtx, r *assessment.Review, l *Localizer) *appraisalDecision {
	d := &appraisalDecision{Decision: string(r.Decision), DecisionKey: "appraisal.decision." + string(r.Decision),
		Reason: r.Reason, Comment: r.Comment, Round: r.Round, Current: r.Round == fc.sub.Round}
	if r.AdjustedPoints != nil {
		d.Points = l.Num(*r.AdjustedPoints, fc.ix.Rounding.PointsDecimals)
	}
	for _, a := range r.AdjustedValues {
		label := a.Input
		if in, ok := fc.ix.Input(r.Indicator, a.Input); ok && in.Label.In(l.Lang) != "" {
			label = in.Label.In(l.Lang)
		}
		d.Values = append(d.Values, label+": "+a.Text)
	}
	return d
}

// formReviews are the latest decisions with a note for the unit, as its
// form shows them next to each indicator (accepted indicators without a
// comment show nothing).
func (s *Server) formReviews(ctx context.Context, fc *formCtx) (map[string]*FormReview, error) {
	if fc.sub == nil || fc.sub.Round == 0 {
		return nil, nil
	}
	reviews, err := s.cfg.Store.FindReviews(ctx, fc.sub.ID)
	if err != nil {
		return nil, err
	}
	out := map[string]*FormReview{}
	for code, r := range assessment.LatestReviews(reviews) {
		if r.Decision == assessment.DecisionAccept && strings.TrimSpace(r.Comment) == "" {
			continue
		}
		out[code] = &FormReview{Decision: string(r.Decision), Reason: r.Reason, Comment: r.Comment}
	}
	return out, nil
}

// returnComment is the comment of the latest return of the submission
// (kept with its status change in the audit log), "" if none.
func (s *Server) returnComment(ctx context.Context, submissionID int64) (string, error) {
	e, err := assessment.LastReturn(ctx, s.cfg.Store, submissionID)
	if e == nil || err != nil {
		return "", err
	}
	return e.Reason, nil
}

// reviewNoteLinks lists, in the form's order, the indicators with a note
// of the council.
func reviewNoteLinks(form *FormView, notes map[string]*FormReview) []reviewNoteLink {
	if len(notes) == 0 {
		return nil
	}
	var out []reviewNoteLink
	form.eachIndicator(func(fi *FormIndicator) {
		if r := notes[fi.Code]; r != nil {
			out = append(out, reviewNoteLink{Anchor: fi.Anchor, Code: fi.Code, Name: fi.Name, DecisionKey: "appraisal.decision." + r.Decision})
		}
	})
	return out
}

// errIndicator is a decision about an indicator that is not on the form.
var errIndicator = errors.New("unknown indicator")
