package assessment

import (
	"errors"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/dti-platform/dti/scoring"
)

// This file checks a unit's form against the index pinned to its period:
// parsing typed values, listing what is missing before a submit, and the
// progress shown on the form.

// MissingItem is one thing a unit must still provide before submitting:
// a required input without a value, or the evidence of an indicator that
// requires it.
type MissingItem struct {
	Indicator string
	// Input is the input key, "" when the evidence is missing.
	Input string
	// Label is the input's label (or the indicator's name for evidence).
	Label scoring.Text
}

// Field returns the form field the item is about: "IND/input" or
// "IND/evidence".
func (m MissingItem) Field() string {
	if m.Input == "" {
		return m.Indicator + "/evidence"
	}
	return m.Indicator + "/" + m.Input
}

// MissingError returns a *ValidationError (matching ErrInvalid) listing
// every missing item, so the form shows each next to its field.
func MissingError(items []MissingItem) error {
	v := &ValidationError{}
	for _, m := range items {
		var e *Error
		if m.Input == "" {
			e = ruleError(ErrInvalid, "missing.evidence", m.Indicator)
		} else {
			e = ruleError(ErrInvalid, "missing.input", m.Indicator, m.Label)
		}
		v.Add(m.Field(), e.VI, e.EN)
	}
	return v.Err()
}

// Applies reports whether node n applies to units of unitType: the
// nearest of n and its ancestors that lists unit types decides; when none
// does, it applies to every type.
func Applies(n *scoring.Node, unitType string) bool {
	for m := n; m != nil; m = m.Parent {
		if len(m.AppliesTo) > 0 {
			return slices.Contains(m.AppliesTo, unitType)
		}
	}
	return true
}

// InputSource returns where an input's data come from: its own source, or
// its indicator's.
func InputSource(n *scoring.Node, in *scoring.Input) scoring.Source {
	if in.Source != "" {
		return in.Source
	}
	if n.Source != "" {
		return n.Source
	}
	return scoring.SourceSelf
}

// formIndicators returns the indicators of the tree and the adjustments in
// document order. It walks the exported tree, so it works on any Index
// value.
func formIndicators(ix *scoring.Index) []*scoring.Node {
	var out []*scoring.Node
	var walk func([]*scoring.Node)
	walk = func(ns []*scoring.Node) {
		for _, n := range ns {
			if n.IsIndicator() {
				out = append(out, n)
			}
			walk(n.Children)
		}
	}
	walk(ix.Nodes)
	walk(ix.Adjustments)
	return out
}

// findIndicator returns the indicator or adjustment with code, or nil.
func findIndicator(ix *scoring.Index, code string) *scoring.Node {
	if n := ix.Node(code); n != nil {
		if n.IsIndicator() {
			return n
		}
		return nil
	}
	for _, n := range formIndicators(ix) {
		if n.Code == code {
			return n
		}
	}
	return nil
}

// findInput returns the input of n with key, or nil.
func findInput(n *scoring.Node, key string) *scoring.Input {
	for i := range n.Inputs {
		if n.Inputs[i].Key == key {
			return &n.Inputs[i]
		}
	}
	return nil
}

// CheckSubmission lists what a unit of unitType must still provide before
// it can submit: every required input it may fill (source self) without a
// value, and every indicator requiring evidence for which evidence has no
// entry. evidence holds the codes of indicators with a file, a link or a
// written explanation; notApplicable those the secretariat declared not
// applicable to the unit (nil for none). Inputs fed by the secretariat or
// a central system are not the unit's to fill and are not listed. The
// result is in document order; empty means the form may be submitted.
func CheckSubmission(ix *scoring.Index, unitType string, values map[scoring.InputKey]scoring.Value,
	evidence map[string]bool, notApplicable map[string]bool) []MissingItem {
	var out []MissingItem
	for _, n := range formIndicators(ix) {
		if !Applies(n, unitType) || notApplicable[n.Code] {
			continue
		}
		for i := range n.Inputs {
			in := &n.Inputs[i]
			if !in.Required || InputSource(n, in).ReadOnlyForUnit() {
				continue
			}
			if !values[scoring.InputKey{Indicator: n.Code, Input: in.Key}].Set {
				out = append(out, MissingItem{Indicator: n.Code, Input: in.Key, Label: labelOf(in)})
			}
		}
		if n.Evidence.Required && !evidence[n.Code] {
			out = append(out, MissingItem{Indicator: n.Code, Label: n.Name})
		}
	}
	return out
}

// Progress counts what is filled of a part of the form (a group, a pillar
// or the whole form). Only applicable indicators count; inputs are the
// required ones the unit fills itself.
type Progress struct {
	// Code is the group or pillar code, "" for the whole form.
	Code             string
	Filled, Required int
	// EvidenceGiven and EvidenceRequired count indicators requiring evidence.
	EvidenceGiven, EvidenceRequired int
}

// Done reports whether everything counted is there.
func (p Progress) Done() bool {
	return p.Filled == p.Required && p.EvidenceGiven == p.EvidenceRequired
}

// Percent is the filled share of required inputs and evidence, 0..100
// (100 when nothing is required).
func (p Progress) Percent() float64 {
	total := p.Required + p.EvidenceRequired
	if total == 0 {
		return 100
	}
	return float64(p.Filled+p.EvidenceGiven) * 100 / float64(total)
}

func (p *Progress) add(q Progress) {
	p.Filled += q.Filled
	p.Required += q.Required
	p.EvidenceGiven += q.EvidenceGiven
	p.EvidenceRequired += q.EvidenceRequired
}

// FormProgress is the progress of a whole form.
type FormProgress struct {
	Overall Progress
	// Groups has one entry per group node of the tree, in pre-order.
	Groups []Progress
	// Pillars has one entry per pillar of the index, in index order.
	Pillars []Progress
}

// Group returns the progress of the group with code.
func (fp FormProgress) Group(code string) (Progress, bool) {
	for _, g := range fp.Groups {
		if g.Code == code {
			return g, true
		}
	}
	return Progress{}, false
}

// Pillar returns the progress of the pillar with code.
func (fp FormProgress) Pillar(code string) (Progress, bool) {
	for _, p := range fp.Pillars {
		if p.Code == code {
			return p, true
		}
	}
	return Progress{}, false
}

// FormProgressOf counts the progress of a unit of unitType's form, with the
// same arguments as CheckSubmission. Adjustment items count in Overall
// only.
func FormProgressOf(ix *scoring.Index, unitType string, values map[scoring.InputKey]scoring.Value,
	evidence map[string]bool, notApplicable map[string]bool) FormProgress {
	var fp FormProgress
	pillars := make(map[string]*Progress, len(ix.Pillars))
	fp.Pillars = make([]Progress, len(ix.Pillars))
	for i, p := range ix.Pillars {
		fp.Pillars[i].Code = p.Code
		pillars[p.Code] = &fp.Pillars[i]
	}
	indicator := func(n *scoring.Node) Progress {
		var p Progress
		if !Applies(n, unitType) || notApplicable[n.Code] {
			return p
		}
		for i := range n.Inputs {
			in := &n.Inputs[i]
			if !in.Required || InputSource(n, in).ReadOnlyForUnit() {
				continue
			}
			p.Required++
			if values[scoring.InputKey{Indicator: n.Code, Input: in.Key}].Set {
				p.Filled++
			}
		}
		if n.Evidence.Required {
			p.EvidenceRequired++
			if evidence[n.Code] {
				p.EvidenceGiven++
			}
		}
		return p
	}
	var walk func(n *scoring.Node) Progress
	walk = func(n *scoring.Node) Progress {
		if n.IsIndicator() {
			p := indicator(n)
			for _, code := range dedupe(n.Pillars) {
				if pp := pillars[code]; pp != nil {
					pp.add(p)
				}
			}
			return p
		}
		idx := len(fp.Groups)
		fp.Groups = append(fp.Groups, Progress{Code: n.Code})
		var sum Progress
		for _, c := range n.Children {
			sum.add(walk(c))
		}
		sum.Code = n.Code
		fp.Groups[idx] = sum
		return sum
	}
	for _, n := range ix.Nodes {
		fp.Overall.add(walk(n))
	}
	for _, n := range ix.Adjustments {
		fp.Overall.add(indicator(n))
	}
	return fp
}

func dedupe(ss []string) []string {
	if len(ss) < 2 {
		return ss
	}
	out := slices.Clone(ss)
	sort.Strings(out)
	return slices.Compact(out)
}

// inputOrder ranks the inputs of a list of indicators in document order.
type inputOrder map[scoring.InputKey]int

// newInputOrder returns the document order of the inputs of inds.
func newInputOrder(inds []*scoring.Node) inputOrder {
	order := make(inputOrder)
	for i, n := range inds {
		for j, in := range n.Inputs {
			order[scoring.InputKey{Indicator: n.Code, Input: in.Key}] = i*1000 + j
		}
	}
	return order
}

// sort sorts keys in document order, the keys not in it last, by
// indicator then input code.
func (order inputOrder) sort(keys []scoring.InputKey) {
	sort.Slice(keys, func(i, j int) bool {
		oi, iok := order[keys[i]]
		oj, jok := order[keys[j]]
		if iok != jok {
			return iok
		}
		if oi != oj {
			return oi < oj
		}
		if keys[i].Indicator != keys[j].Indicator {
			return keys[i].Indicator < keys[j].Indicator
		}
		return keys[i].Input < keys[j].Input
	})
}

// ParseForm parses the raw values a unit typed (indicator/input -> text)
// for a unit of unitType. Every problem is reported at once in a
// *ValidationError (matching ErrInvalid) whose fields are "IND/input":
// unknown indicators or inputs, indicators that do not apply to the unit
// type, inputs the unit may not write (system or secretariat sources), and
// values that do not parse. Nothing is returned when anything is wrong.
// Empty raw text gives a missing value (clearing the input).
func ParseForm(ix *scoring.Index, unitType string, raw map[scoring.InputKey]string) (map[scoring.InputKey]scoring.Value, error) {
	keys := make([]scoring.InputKey, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	// Report in a stable order: document order of the index, then the rest.
	newInputOrder(formIndicators(ix)).sort(keys)
	v := &ValidationError{}
	out := make(map[scoring.InputKey]scoring.Value, len(raw))
	for _, k := range keys {
		val, err := ParseFormValue(ix, unitType, k, raw[k], false)
		if err != nil {
			var e *Error
			errors.As(err, &e)
			v.Add(k.Indicator+"/"+k.Input, e.VI, e.EN)
			continue
		}
		out[k] = val
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// ParseFormValue parses one raw value of indicator/input k for a unit of
// unitType. central is true for the secretariat's and central systems'
// imports, which may write read-only inputs. Errors are *Error matching
// ErrInvalid (unknown or inapplicable field, bad value) or ErrForbidden (a
// read-only input written by the unit); their messages name the indicator.
func ParseFormValue(ix *scoring.Index, unitType string, k scoring.InputKey, raw string, central bool) (scoring.Value, error) {
	n := findIndicator(ix, k.Indicator)
	if n == nil {
		return scoring.Value{}, ruleError(ErrInvalid, "submission.indicator", k.Indicator)
	}
	in := findInput(n, k.Input)
	if in == nil {
		return scoring.Value{}, ruleError(ErrInvalid, "value.unknown_input", k.Indicator, k.Input)
	}
	if unitType != "" && !Applies(n, unitType) {
		return scoring.Value{}, ruleError(ErrInvalid, "value.not_applicable", k.Indicator, unitType)
	}
	if !central && InputSource(n, in).ReadOnlyForUnit() {
		return scoring.Value{}, ruleError(ErrForbidden, "value.read_only", labelOf(in), InputSource(n, in))
	}
	val, err := ParseValue(in, raw)
	if err != nil {
		var e *Error
		errors.As(err, &e)
		return scoring.Value{}, NewError(e.Code, e.Key,
			render("value.in_indicator", "vi", []any{k.Indicator, e.VI}),
			render("value.in_indicator", "en", []any{k.Indicator, e.EN}), e.Args...)
	}
	return val, nil
}

// ChangeOf turns a parsed value of input in into the change a store save
// takes (InputValue's canonical text: numbers in Go syntax, booleans as
// "true"/"false"); a missing value clears the input.
func ChangeOf(k scoring.InputKey, in *scoring.Input, v scoring.Value) ValueChange {
	c := ValueChange{Indicator: k.Indicator, Input: k.Input}
	if !v.Set {
		c.Clear = true
		return c
	}
	switch in.Type {
	case scoring.InputBoolean:
		c.Text = strconv.FormatBool(v.Num != 0)
		c.Num = ptr(v.Num)
	case scoring.InputCount, scoring.InputNumber, scoring.InputPercent:
		c.Text = strconv.FormatFloat(v.Num, 'f', -1, 64)
		c.Num = ptr(v.Num)
	default:
		c.Text = v.Text
	}
	return c
}

// FormChanges parses the raw values a unit typed (see ParseForm) and
// returns them as the changes Store.SaveValues takes, in the index's
// document order; an empty text clears its input. Errors are those of
// ParseForm.
func FormChanges(ix *scoring.Index, unitType string, raw map[scoring.InputKey]string) ([]ValueChange, error) {
	vals, err := ParseForm(ix, unitType, raw)
	if err != nil {
		return nil, err
	}
	var out []ValueChange
	for _, n := range formIndicators(ix) {
		for i := range n.Inputs {
			in := &n.Inputs[i]
			k := scoring.InputKey{Indicator: n.Code, Input: in.Key}
			if v, ok := vals[k]; ok {
				out = append(out, ChangeOf(k, in, v))
			}
		}
	}
	return out, nil
}

// ParseAdjustedValues parses the values a reviewer typed to correct an
// indicator's inputs (input key -> text) into a Review's AdjustedValues,
// sorted by input key. Reviewers may correct any input, centrally sourced
// ones included; an empty text is an error (a correction needs a value).
// Problems come in a *ValidationError with fields "IND/input".
func ParseAdjustedValues(ix *scoring.Index, unitType, indicator string, raw map[string]string) ([]AdjustedValue, error) {
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	v := &ValidationError{}
	var out []AdjustedValue
	for _, key := range keys {
		k := scoring.InputKey{Indicator: indicator, Input: key}
		val, err := ParseFormValue(ix, unitType, k, raw[key], true)
		if err == nil && !val.Set {
			err = ruleError(ErrInvalid, "missing.input", indicator, labelOf(findInput(findIndicator(ix, indicator), key)))
		}
		if err != nil {
			var e *Error
			errors.As(err, &e)
			v.Add(indicator+"/"+key, e.VI, e.EN)
			continue
		}
		c := ChangeOf(k, findInput(findIndicator(ix, indicator), key), val)
		out = append(out, AdjustedValue{Input: key, Text: c.Text, Num: c.Num})
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// ValuesOf turns stored values into the map CheckSubmission and
// FormProgressOf take.
func ValuesOf(rows []*InputValue) map[scoring.InputKey]scoring.Value {
	out := make(map[scoring.InputKey]scoring.Value, len(rows))
	for _, r := range rows {
		out[scoring.InputKey{Indicator: r.Indicator, Input: r.Input}] = r.Scoring()
	}
	return out
}

// EvidenceSet returns the codes of the indicators that have at least one
// evidence item (a file, a link or an explanation).
func EvidenceSet(items []*Evidence) map[string]bool {
	out := make(map[string]bool, len(items))
	for _, e := range items {
		out[e.Indicator] = true
	}
	return out
}

// FieldErrors returns the messages in lang of a *ValidationError whose
// fields are "INDICATOR/input" (ParseForm, FormChanges, MissingError,
// ParseAdjustedValues), keyed by indicator and input, so a form shows each
// next to its control; a missing evidence item has Input "evidence".
// Several messages for one field are joined by "; ". Fields of another
// shape and other errors give nil.
func FieldErrors(err error, lang string) map[scoring.InputKey]string {
	var v *ValidationError
	if !errors.As(err, &v) {
		return nil
	}
	var out map[scoring.InputKey]string
	for _, f := range v.Fields {
		ind, in, ok := strings.Cut(f.Field, "/")
		if !ok || ind == "" || in == "" {
			continue
		}
		if out == nil {
			out = map[scoring.InputKey]string{}
		}
		k := scoring.InputKey{Indicator: ind, Input: in}
		if prev := out[k]; prev != "" {
			out[k] = prev + "; " + f.Message(lang)
		} else {
			out[k] = f.Message(lang)
		}
	}
	return out
}
