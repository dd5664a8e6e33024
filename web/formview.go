package web

import (
	"strconv"
	"strings"

	"github.com/dti-platform/dti/scoring"
)

// This file turns an index into the view model of a unit's form. It is pure
// view code: it reads the index and the unit's values and decides what each
// control shows; it never scores.

// FormOptions say whose form is rendered and with what.
type FormOptions struct {
	// UnitType is the unit's type code: it decides which nodes apply and
	// their max points.
	UnitType string
	Lang     string
	// Values are the unit's saved values.
	Values map[scoring.InputKey]scoring.Value
	// Locked are the saved values a central source wrote (the
	// secretariat's import, the API), with that source: read-only for the
	// unit whatever the input's declared source.
	Locked map[scoring.InputKey]scoring.Source
	// Raw are values as typed, shown instead of Values after a refused
	// save so nothing typed is lost (multi_choice: one entry per option).
	Raw map[scoring.InputKey][]string
	// Errors are translated messages shown next to their inputs.
	Errors map[scoring.InputKey]string
	// ReadOnly disables every input (a submitted form, a reader's view).
	ReadOnly bool
	// PointsDecimals is how max points are shown.
	PointsDecimals int
	// Num formats numbers for reading in the page's language.
	Num func(v float64, decimals int) string
	// Evidence lists the evidence given, by indicator code.
	Evidence map[string][]FormEvidence
	// EvidenceURL is where new evidence is posted; "" shows no controls.
	EvidenceURL string
	// EvidenceErrors are refusals of evidence, by indicator code.
	EvidenceErrors map[string]string
	// Reviews are the appraisal's notes to the unit, by indicator code
	// (shown on a returned form next to each indicator).
	Reviews map[string]*FormReview
}

// FormReview is the appraisal's latest decision on an indicator as the
// unit's form shows it.
type FormReview struct {
	// Decision is the decision code (accept, adjust_value...).
	Decision string
	Reason   string
	Comment  string
}

// FormEvidence is one evidence item shown under its indicator.
type FormEvidence struct {
	ID int64
	// Kind is file, link or explanation.
	Kind string
	Name string
	URL  string
	Text string
}

// FormView is a unit's whole form.
type FormView struct {
	Sections []*FormSection
	// Adjustments is the section of bonus and penalty items, nil if none
	// applies.
	Adjustments *FormSection
	Filled      int
	Required    int
	ReadOnly    bool
	// Errors counts the inputs with an error message.
	Errors int
	// PeerRelative counts the indicators whose method compares units: the
	// provisional self-score leaves them out.
	PeerRelative int
	// EvidenceForms are the indicators that take new evidence; each gets
	// a form of its own outside the values form (forms cannot nest).
	EvidenceForms []*FormIndicator
	EvidenceURL   string
}

// eachIndicator calls fn for every indicator of the form in page order:
// each section's own indicators before its subsections, then the
// adjustments.
func (f *FormView) eachIndicator(fn func(*FormIndicator)) {
	var walk func([]*FormSection)
	walk = func(ss []*FormSection) {
		for _, sec := range ss {
			for _, fi := range sec.Indicators {
				fn(fi)
			}
			walk(sec.Sections)
		}
	}
	walk(f.Sections)
	if f.Adjustments != nil {
		for _, fi := range f.Adjustments.Indicators {
			fn(fi)
		}
	}
}

// FormSection is a group of the tree (a pillar, a group...).
type FormSection struct {
	Code        string
	Anchor      string
	Name        string
	Description string
	// Level is the HTML heading level (2 for top-level sections).
	Level      int
	MaxPoints  string
	Sections   []*FormSection
	Indicators []*FormIndicator
	Filled     int
	Required   int
}

// FormIndicator is one indicator with its inputs.
type FormIndicator struct {
	Code   string
	Anchor string
	// Level is the HTML heading level of the indicator's name.
	Level            int
	Name             string
	Guidance         string
	MaxPoints        string
	EvidenceRequired bool
	EvidenceHint     string
	// Source is self, system, survey or secretariat.
	Source   string
	ReadOnly bool
	Optional bool
	Inputs   []*FormInput
	Filled   int
	Required int
	Evidence []FormEvidence
	// CanAddEvidence shows the controls to attach evidence.
	CanAddEvidence bool
	EvidenceError  string
	// PeerRelative: the method compares the unit with other units, so the
	// indicator is scored only when the period's results are computed.
	PeerRelative bool
	// Review is the appraisal's latest note on the indicator, nil if none.
	Review *FormReview
}

// FormInput is one control.
type FormInput struct {
	Indicator string
	Key       string
	// ID is the control's HTML id; Name its form field name.
	ID   string
	Name string
	// Control is the kind of control: yesno, number, select, checkboxes,
	// date, text, url.
	Control  string
	Type     string
	Label    string
	Help     string
	HelpID   string
	Required bool
	Unit     string
	// Min, Max and Step are HTML attribute values ("" when unset).
	Min, Max, Step string
	Options        []FormOption
	// Value is the control's value (number, date, text, url, select).
	Value string
	// Yes and No say which radio of a yes/no control is checked.
	Yes, No  bool
	Filled   bool
	ReadOnly bool
	Source   string
	Error    string
	ErrorID  string
	// sourceReadOnly: the data come from the secretariat or a system.
	sourceReadOnly bool
	// DescribedBy lists the ids of the help and error texts.
	DescribedBy string
}

// FormOption is one option of a select or a checkbox group.
type FormOption struct {
	ID       string
	Value    string
	Label    string
	Selected bool
}

// FieldName returns the form field name of an input: "v|NTS.01|chair".
// The autosave script sends the same keys.
func FieldName(indicator, input string) string { return "v|" + indicator + "|" + input }

// ParseFieldName splits a field name made by FieldName.
func ParseFieldName(name string) (scoring.InputKey, bool) {
	rest, ok := strings.CutPrefix(name, "v|")
	if !ok {
		return scoring.InputKey{}, false
	}
	i := strings.LastIndexByte(rest, '|')
	if i <= 0 || i == len(rest)-1 {
		return scoring.InputKey{}, false
	}
	return scoring.InputKey{Indicator: rest[:i], Input: rest[i+1:]}, true
}

// BuildForm builds the form of a unit of type opt.UnitType from ix.
func BuildForm(ix *scoring.Index, opt FormOptions) *FormView {
	if opt.Num == nil {
		opt.Num = func(v float64, d int) string { return strconv.FormatFloat(v, 'f', d, 64) }
	}
	b := formBuilder{ix: ix, opt: opt}
	fv := &FormView{ReadOnly: opt.ReadOnly}
	for _, n := range ix.Nodes {
		if s := b.section(n, 0); s != nil {
			fv.Sections = append(fv.Sections, s)
			fv.Filled += s.Filled
			fv.Required += s.Required
		}
	}
	var adj []*FormIndicator
	for _, n := range ix.Adjustments {
		if !ix.Applies(n, opt.UnitType) {
			continue
		}
		adj = append(adj, b.indicator(n, 3))
	}
	if len(adj) > 0 {
		s := &FormSection{Code: "adjustments", Anchor: "sec-adjustments", Level: 2, Indicators: adj}
		for _, in := range adj {
			s.Filled += in.Filled
			s.Required += in.Required
		}
		fv.Adjustments = s
		fv.Filled += s.Filled
		fv.Required += s.Required
	}
	fv.Errors = b.errors
	fv.PeerRelative = b.peerRelative
	fv.EvidenceForms = b.evidenceForms
	fv.EvidenceURL = opt.EvidenceURL
	return fv
}

type formBuilder struct {
	ix            *scoring.Index
	opt           FormOptions
	errors        int
	peerRelative  int
	evidenceForms []*FormIndicator
}

func (b *formBuilder) text(t scoring.Text) string { return t.In(b.opt.Lang) }

func (b *formBuilder) maxPoints(n *scoring.Node) string {
	mp := b.ix.MaxPointsFor(n, b.opt.UnitType)
	if mp == 0 {
		return ""
	}
	return b.opt.Num(mp, b.opt.PointsDecimals)
}

// section builds a group's section, nil when nothing of it applies.
func (b *formBuilder) section(n *scoring.Node, depth int) *FormSection {
	if !b.ix.Applies(n, b.opt.UnitType) {
		return nil
	}
	if n.IsIndicator() {
		// An indicator at the top of the tree gets a section of its own.
		in := b.indicator(n, headingLevel(depth)+1)
		return &FormSection{
			Code: n.Code, Anchor: "sec-" + htmlID(n.Code), Name: b.text(n.Name), Level: headingLevel(depth),
			MaxPoints: in.MaxPoints, Indicators: []*FormIndicator{in}, Filled: in.Filled, Required: in.Required,
		}
	}
	s := &FormSection{
		Code:        n.Code,
		Anchor:      "sec-" + htmlID(n.Code),
		Name:        b.text(n.Name),
		Description: b.text(n.Description),
		Level:       headingLevel(depth),
		MaxPoints:   b.maxPoints(n),
	}
	for _, c := range n.Children {
		if !b.ix.Applies(c, b.opt.UnitType) {
			continue
		}
		if c.IsIndicator() {
			in := b.indicator(c, s.Level+1)
			s.Indicators = append(s.Indicators, in)
			s.Filled += in.Filled
			s.Required += in.Required
			continue
		}
		if sub := b.section(c, depth+1); sub != nil {
			s.Sections = append(s.Sections, sub)
			s.Filled += sub.Filled
			s.Required += sub.Required
		}
	}
	if len(s.Sections) == 0 && len(s.Indicators) == 0 {
		return nil
	}
	return s
}

func headingLevel(depth int) int { return min(depth+2, 6) }

func (b *formBuilder) indicator(n *scoring.Node, level int) *FormIndicator {
	src := n.Source
	if src == "" {
		src = scoring.SourceSelf
	}
	fi := &FormIndicator{
		Code:             n.Code,
		Anchor:           "ind-" + htmlID(n.Code),
		Level:            min(level, 6),
		Name:             b.text(n.Name),
		Guidance:         b.text(n.Guidance),
		MaxPoints:        b.maxPoints(n),
		EvidenceRequired: n.Evidence.Required,
		EvidenceHint:     b.text(n.Evidence.Hint),
		Source:           string(src),
		Optional:         n.Optional,
		ReadOnly:         true,
		Evidence:         b.opt.Evidence[n.Code],
		EvidenceError:    b.opt.EvidenceErrors[n.Code],
		PeerRelative:     n.Method.PeerRelative(),
		Review:           b.opt.Reviews[n.Code],
	}
	if fi.PeerRelative {
		b.peerRelative++
	}
	if b.opt.EvidenceURL != "" && !b.opt.ReadOnly && (n.Evidence.Required || n.Evidence.Hint.VI != "") {
		fi.CanAddEvidence = true
		b.evidenceForms = append(b.evidenceForms, fi)
	}
	for _, in := range n.Inputs {
		fin := b.input(n, in, src)
		fi.Inputs = append(fi.Inputs, fin)
		if !fin.ReadOnly {
			fi.ReadOnly = false
		}
		// Progress counts what the unit has to type: required inputs it
		// may edit.
		if fin.Required && !fin.sourceReadOnly {
			fi.Required++
			if fin.Filled {
				fi.Filled++
			}
		}
	}
	return fi
}

func (b *formBuilder) input(n *scoring.Node, in scoring.Input, indSrc scoring.Source) *FormInput {
	key := scoring.InputKey{Indicator: n.Code, Input: in.Key}
	src := in.Source
	if src == "" {
		src = indSrc
	}
	id := "in-" + htmlID(n.Code) + "-" + htmlID(in.Key)
	fi := &FormInput{
		Indicator: n.Code,
		Key:       in.Key,
		ID:        id,
		Name:      FieldName(n.Code, in.Key),
		Type:      string(in.Type),
		Label:     b.text(in.Label),
		Help:      b.text(in.Help),
		Required:  in.Required,
		Unit:      in.Unit,
		ReadOnly:  b.opt.ReadOnly || src.ReadOnlyForUnit(),
		Source:    string(src),

		sourceReadOnly: src.ReadOnlyForUnit(),
	}
	if ls, ok := b.opt.Locked[key]; ok {
		fi.ReadOnly, fi.Source = true, string(ls)
	}
	if fi.Label == "" {
		fi.Label = b.text(n.Name)
	}
	var describedBy []string
	if fi.Help != "" {
		fi.HelpID = id + "-help"
		describedBy = append(describedBy, fi.HelpID)
	}
	if msg := b.opt.Errors[key]; msg != "" {
		fi.Error = msg
		fi.ErrorID = id + "-error"
		describedBy = append(describedBy, fi.ErrorID)
		b.errors++
	}
	fi.DescribedBy = strings.Join(describedBy, " ")

	v, set := b.opt.Values[key]
	set = set && v.Set
	raw, hasRaw := b.opt.Raw[key]
	fi.Filled = set || (hasRaw && len(raw) > 0 && raw[0] != "")
	first := func() string {
		if hasRaw && len(raw) > 0 {
			return raw[0]
		}
		return ""
	}

	switch in.Type {
	case scoring.InputBoolean:
		fi.Control = "yesno"
		switch {
		case hasRaw:
			fi.Yes, fi.No = first() == "1", first() == "0"
		case set:
			fi.Yes, fi.No = v.Num == 1, v.Num != 1
		}
	case scoring.InputCount, scoring.InputNumber, scoring.InputPercent:
		fi.Control = "number"
		fi.Step = "any"
		if in.Type == scoring.InputCount {
			fi.Step = "1"
			fi.Min = "0"
		}
		if in.Type == scoring.InputPercent {
			fi.Min, fi.Max = "0", "100"
			if fi.Unit == "" {
				fi.Unit = "%"
			}
		}
		if in.Min != nil {
			fi.Min = attrNumber(*in.Min)
		}
		if in.Max != nil {
			fi.Max = attrNumber(*in.Max)
		}
		switch {
		case hasRaw:
			fi.Value = first()
		case set:
			fi.Value = attrNumber(v.Num)
		}
	case scoring.InputChoice, scoring.InputMultiChoice:
		fi.Control = "select"
		if in.Type == scoring.InputMultiChoice {
			fi.Control = "checkboxes"
		}
		chosen := map[string]bool{}
		switch {
		case hasRaw:
			for _, r := range raw {
				chosen[r] = true
			}
		case set && v.Text != "":
			for _, c := range strings.Split(v.Text, ",") {
				chosen[c] = true
			}
		}
		for i, o := range in.Options {
			fi.Options = append(fi.Options, FormOption{
				ID:       id + "-" + strconv.Itoa(i),
				Value:    o.Value,
				Label:    b.text(o.Label),
				Selected: chosen[o.Value],
			})
		}
	case scoring.InputDate:
		fi.Control = "date"
	case scoring.InputURL:
		fi.Control = "url"
	default:
		fi.Control = "text"
	}
	if fi.Control == "date" || fi.Control == "url" || fi.Control == "text" {
		switch {
		case hasRaw:
			fi.Value = first()
		case set:
			fi.Value = v.Text
		}
	}
	return fi
}

// attrNumber writes a number for an HTML attribute or a number input:
// always with a dot, no grouping, no needless zeros.
func attrNumber(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// htmlID makes s safe inside an HTML id: letters, digits, '-' and '_'
// stay, anything else becomes '_'.
func htmlID(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			b[i] = '_'
		}
	}
	return string(b)
}
