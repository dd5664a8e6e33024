package scoring

// This file turns an Index into a scorePlan: the tree flattened in
// pre-order with dense numbers for nodes, indicators, unit types and input
// slots, so that the scoring loops index slices instead of maps.

import (
	"fmt"
	"sort"
	"strconv"
)

// scorePlan is an index prepared for one Score call.
type scorePlan struct {
	ix *Index

	nodes    []*Node   // the tree in pre-order (Index.AllNodes order)
	children [][]int32 // node -> children node numbers
	top      []int32   // top-level node numbers
	indOf    []int32   // node -> indicator number, -1 for groups
	weight   []float64 // node -> weight in its parent's mean

	// inds are the tree's indicators in pre-order, then the adjustments.
	inds  []*indPlan
	nTree int

	types    map[string]int // unit type code -> number
	typeOK   []bool         // unit type number -> enabled
	blocks   map[string]int // block code -> number
	blockOK  [][]bool       // block number -> unit type number -> allowed
	nTypes   int
	applies  []bool // node*nTypes + type: the node applies to the type
	pillarOf map[string]int
	// pillarInds lists, per pillar, the indicator numbers tagged with it.
	pillarInds [][]int32

	style    Style
	scale    float64
	valueDec int
	pointDec int
}

// indPlan is one indicator (or adjustment) prepared for scoring.
type indPlan struct {
	node    *Node
	num     int // indicator number
	nodeIdx int // pre-order node number, -1 for adjustments
	adjIdx  int // adjustment number, -1 for tree indicators
	mp      *methodPlan
	maxBy   []float64 // unit type number -> max points (0 when not applicable)
	applyBy []bool    // unit type number -> applies

	missing  Missing
	outliers Outliers
	peers    PeerScope
	// attr is the denominator attribute ("" for none).
	attr string
	// sign is -1 for penalty adjustments, 1 otherwise.
	sign float64
}

// methodPlan is a Method with its input keys resolved to slots.
type methodPlan struct {
	m         *Method
	kind      MethodKind
	usesValue bool // the method scores a value (percent, tiers, peer methods...)
	peer      bool // the method compares a unit with its peers

	val valuePlan // when usesValue

	slot   int       // boolean, choice, survey_scale, deadline: the input slot
	inType InputType // type of that input
	inKey  string
	// ratio
	numSlot, denSlot int
	numKey, denKey   string
	// choice
	choices map[string]float64
	options map[string]bool
	labels  map[string]Text // option code -> label, for explanations
	multi   bool
	// survey_scale
	countSlot int
	// deadline: due month and day
	dueMonth, dueDay int
	parts            []partPlan
	formula          *formulaPlan
	target           float64
	perItem          float64
	pointsPerItem    float64
	cap              float64
}

type partPlan struct {
	share float64
	mp    *methodPlan
}

// valuePlan is a ValueSpec with slots.
type valuePlan struct {
	kind    int // valInput, valRatio, valFormula
	slot    int
	key     string
	slotA   int
	slotB   int
	keyA    string
	keyB    string
	mult    float64
	zeroDiv ZeroDivision
	formula *formulaPlan
}

const (
	valInput = iota
	valRatio
	valFormula
)

// methodIsPeer reports whether a method compares a unit with its peers, so
// that every unit's data must be final before it can be scored.
func methodIsPeer(k MethodKind) bool {
	switch k {
	case MethodBestInBlock, MethodMinMax, MethodZScore, MethodRank, MethodPercentile:
		return true
	}
	return false
}

// methodUsesValue reports whether a method scores a ValueSpec quantity.
func methodUsesValue(k MethodKind) bool {
	switch k {
	case MethodPercent, MethodTiers, MethodCountCapped:
		return true
	}
	return methodIsPeer(k)
}

// newScorePlan prepares ix for scoring. It fails only when the index is
// internally inconsistent (an input key without a slot), which ParseIndex
// never produces.
func newScorePlan(ix *Index) (*scorePlan, error) {
	p := &scorePlan{
		ix:       ix,
		types:    map[string]int{},
		blocks:   map[string]int{},
		pillarOf: map[string]int{},
		style:    ix.Style,
		scale:    ix.Scale,
		valueDec: ix.Rounding.ValueDecimals,
		pointDec: ix.Rounding.PointsDecimals,
	}
	if p.scale <= 0 {
		p.scale = 1
	}
	if p.valueDec <= 0 {
		p.valueDec = 4
	}
	if p.pointDec < 0 {
		p.pointDec = 2
	}
	for i, t := range ix.UnitTypes {
		p.types[t.Code] = i
		p.typeOK = append(p.typeOK, t.Enabled)
	}
	p.nTypes = len(ix.UnitTypes)
	for i, b := range ix.Blocks {
		p.blocks[b.Code] = i
		ok := make([]bool, p.nTypes)
		for _, t := range b.UnitTypes {
			if n, found := p.types[t]; found {
				ok[n] = true
			}
		}
		p.blockOK = append(p.blockOK, ok)
	}
	for i, pl := range ix.Pillars {
		p.pillarOf[pl.Code] = i
	}
	p.pillarInds = make([][]int32, len(ix.Pillars))

	// Flatten the tree.
	var walk func(n *Node, parent int32)
	walk = func(n *Node, parent int32) {
		i := int32(len(p.nodes))
		p.nodes = append(p.nodes, n)
		p.children = append(p.children, nil)
		p.indOf = append(p.indOf, -1)
		p.weight = append(p.weight, n.Weight)
		if parent >= 0 {
			p.children[parent] = append(p.children[parent], i)
		} else {
			p.top = append(p.top, i)
		}
		for _, c := range n.Children {
			walk(c, i)
		}
	}
	for _, n := range ix.Nodes {
		walk(n, -1)
	}

	// Applicability per node and unit type, as resolved by the parser
	// (a node's applies_to within its ancestors').
	p.applies = make([]bool, len(p.nodes)*p.nTypes)
	for i, n := range p.nodes {
		for k, t := range ix.UnitTypes {
			p.applies[i*p.nTypes+k] = ix.Applies(n, t.Code)
		}
	}

	// Indicators of the tree, then adjustments.
	for i, n := range p.nodes {
		if !n.IsIndicator() {
			continue
		}
		ip, err := p.newIndPlan(n, i, -1, p.applies[i*p.nTypes:(i+1)*p.nTypes])
		if err != nil {
			return nil, err
		}
		p.indOf[i] = int32(ip.num)
		for _, pc := range planPillarTags(n) {
			if k, ok := p.pillarOf[pc]; ok {
				p.pillarInds[k] = append(p.pillarInds[k], int32(ip.num))
			}
		}
	}
	p.nTree = len(p.inds)
	for a, n := range ix.Adjustments {
		row := make([]bool, p.nTypes)
		for k, t := range ix.UnitTypes {
			row[k] = ix.Applies(n, t.Code)
		}
		if n.Method == nil {
			return nil, fmt.Errorf("adjustment %s has no scoring method", n.Code)
		}
		if _, err := p.newIndPlan(n, -1, a, row); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// planPillarTags returns the pillar tags of an indicator and of its
// ancestors, without duplicates, in first-seen order.
func planPillarTags(n *Node) []string {
	var out []string
	seen := map[string]bool{}
	for m := n; m != nil; m = m.Parent {
		for _, c := range m.Pillars {
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	return out
}

func (p *scorePlan) newIndPlan(n *Node, nodeIdx, adjIdx int, applies []bool) (*indPlan, error) {
	ip := &indPlan{
		node:    n,
		num:     len(p.inds),
		nodeIdx: nodeIdx,
		adjIdx:  adjIdx,
		applyBy: applies,
		maxBy:   make([]float64, p.nTypes),
		sign:    1,
	}
	if n.Adjustment == "penalty" {
		ip.sign = -1
	}
	for k, t := range p.ix.UnitTypes {
		if applies[k] {
			ip.maxBy[k] = p.ix.MaxPointsFor(n, t.Code)
		}
	}
	mp, err := p.newMethodPlan(n, n.Method)
	if err != nil {
		return nil, err
	}
	ip.mp = mp
	m := n.Method
	ip.missing = p.ix.Defaults.Missing
	if m.Missing != nil {
		ip.missing = *m.Missing
	}
	if ip.missing.Policy == "" {
		ip.missing.Policy = MissingAsZero
	}
	ip.outliers = p.ix.Defaults.Outliers
	if m.Outliers != nil {
		ip.outliers = *m.Outliers
	}
	ip.peers = m.Peers
	if ip.peers == "" {
		ip.peers = p.ix.Defaults.Peers
	}
	if ip.peers == "" {
		ip.peers = PeersBlock
	}
	if mp.usesValue {
		ip.attr = m.DenominatorAttr
	}
	p.inds = append(p.inds, ip)
	return ip, nil
}

// inputOf returns the slot and type of an indicator's input.
func (p *scorePlan) inputOf(n *Node, key string) (int, InputType, error) {
	slot, ok := p.ix.Slot(n.Code, key)
	if !ok {
		return 0, "", fmt.Errorf("indicator %s: input %q has no slot", n.Code, key)
	}
	for _, in := range n.Inputs {
		if in.Key == key {
			return slot, in.Type, nil
		}
	}
	return slot, InputNumber, nil
}

func (p *scorePlan) newMethodPlan(n *Node, m *Method) (*methodPlan, error) {
	if m == nil {
		return nil, fmt.Errorf("indicator %s has no scoring method", n.Code)
	}
	mp := &methodPlan{
		m:         m,
		kind:      m.Kind,
		usesValue: methodUsesValue(m.Kind),
		peer:      methodIsPeer(m.Kind),
		target:    m.Target,
		perItem:   m.PerItem,
		cap:       m.Cap,
		slot:      -1,
		countSlot: -1,
	}
	mp.pointsPerItem = m.PointsPerItem
	if mp.cap <= 0 {
		mp.cap = 1
	}
	var err error
	if mp.usesValue {
		vs := m.Value
		if vs == nil {
			if m.Input == "" {
				return nil, fmt.Errorf("indicator %s: method %s has no value", n.Code, m.Kind)
			}
			vs = &ValueSpec{Input: m.Input}
		}
		if mp.val, err = p.newValuePlan(n, vs); err != nil {
			return nil, err
		}
		return mp, nil
	}
	switch m.Kind {
	case MethodBoolean, MethodChoice, MethodSurvey, MethodDeadline:
		mp.inKey = m.Input
		if mp.slot, mp.inType, err = p.inputOf(n, m.Input); err != nil {
			return nil, err
		}
		if m.Kind == MethodChoice {
			mp.choices = m.Fractions
			mp.multi = mp.inType == InputMultiChoice
			for _, in := range n.Inputs {
				if in.Key == m.Input && len(in.Options) > 0 {
					mp.options = map[string]bool{}
					mp.labels = map[string]Text{}
					for _, o := range in.Options {
						mp.options[o.Value] = true
						mp.labels[o.Value] = o.Label
					}
				}
			}
		}
		if m.Kind == MethodSurvey && m.CountInput != "" {
			if mp.countSlot, _, err = p.inputOf(n, m.CountInput); err != nil {
				return nil, err
			}
		}
		if m.Kind == MethodDeadline {
			mp.dueMonth, mp.dueDay, err = planDueDate(m.Due)
			if err != nil {
				return nil, fmt.Errorf("indicator %s: %v", n.Code, err)
			}
		}
	case MethodRatio:
		mp.numKey, mp.denKey = m.Numerator, m.Denominator
		if mp.numSlot, _, err = p.inputOf(n, m.Numerator); err != nil {
			return nil, err
		}
		if mp.denSlot, _, err = p.inputOf(n, m.Denominator); err != nil {
			return nil, err
		}
		if mp.target <= 0 {
			mp.target = 1
		}
	case MethodSumOfParts:
		for _, part := range m.Parts {
			if part.Method == nil || methodIsPeer(part.Method.Kind) {
				return nil, fmt.Errorf("indicator %s: a part of sum_of_parts must use a method that scores one unit alone", n.Code)
			}
			sub, err := p.newMethodPlan(n, part.Method)
			if err != nil {
				return nil, err
			}
			mp.parts = append(mp.parts, partPlan{share: part.Share, mp: sub})
		}
	case MethodFormula:
		if m.Formula == nil {
			return nil, fmt.Errorf("indicator %s: formula method without a formula", n.Code)
		}
		if mp.formula, err = p.newFormulaPlan(n, m.Formula); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("indicator %s: unknown method %q", n.Code, m.Kind)
	}
	return mp, nil
}

func (p *scorePlan) newValuePlan(n *Node, vs *ValueSpec) (valuePlan, error) {
	vp := valuePlan{mult: vs.Multiply, zeroDiv: vs.OnZeroDiv}
	if vp.mult == 0 {
		vp.mult = 1
	}
	if vp.zeroDiv == "" {
		vp.zeroDiv = ZeroDivZero
	}
	var err error
	switch {
	case vs.Formula != nil:
		vp.kind = valFormula
		vp.formula, err = p.newFormulaPlan(n, vs.Formula)
	case len(vs.RatioOf) == 2:
		vp.kind = valRatio
		vp.keyA, vp.keyB = vs.RatioOf[0], vs.RatioOf[1]
		if vp.slotA, _, err = p.inputOf(n, vp.keyA); err != nil {
			return vp, err
		}
		vp.slotB, _, err = p.inputOf(n, vp.keyB)
	case vs.Input != "":
		vp.kind = valInput
		vp.key = vs.Input
		vp.slot, _, err = p.inputOf(n, vs.Input)
	default:
		err = fmt.Errorf("indicator %s: empty value", n.Code)
	}
	return vp, err
}

// planDueDate reads a deadline's "MM-DD".
func planDueDate(s string) (month, day int, err error) {
	if len(s) != 5 || s[2] != '-' {
		return 0, 0, fmt.Errorf("due %q is not MM-DD", s)
	}
	month, err1 := strconv.Atoi(s[:2])
	day, err2 := strconv.Atoi(s[3:])
	if err1 != nil || err2 != nil || month < 1 || month > 12 || day < 1 || day > 31 {
		return 0, 0, fmt.Errorf("due %q is not MM-DD", s)
	}
	return month, day, nil
}

// sortedMapKeys returns the keys of m in increasing order.
func sortedMapKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
