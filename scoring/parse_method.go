package scoring

// This file reads an indicator's scoring: block into a Method and checks
// that the method has the parameters it needs and that they refer to inputs
// of the right type (docs/index-format.md, "Scoring methods").

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"go.yaml.in/yaml/v4"
)

// methodKeys lists the keys each method takes besides the shared ones.
var methodKeys = map[MethodKind][]string{
	MethodBoolean:     {"input"},
	MethodChoice:      {"input", "fractions"},
	MethodRatio:       {"numerator", "denominator", "target", "on_zero_denominator"},
	MethodPercent:     {"input", "value", "target"},
	MethodTiers:       {"input", "value", "tiers"},
	MethodCountCapped: {"input", "value", "per_item", "points_per_item", "cap"},
	MethodBestInBlock: {"input", "value"},
	MethodMinMax:      {"input", "value", "goalposts"},
	MethodZScore:      {"input", "value"},
	MethodRank:        {"input", "value"},
	MethodPercentile:  {"input", "value"},
	MethodSurvey:      {"input", "scale_min", "scale_max", "min_responses", "responses_input"},
	MethodDeadline:    {"input", "due", "late_tiers"},
	MethodSumOfParts:  {"parts"},
	MethodFormula:     {"formula"},
}

// methodOrder is the documented order of the methods, for messages.
var methodOrder = []MethodKind{MethodBoolean, MethodChoice, MethodRatio, MethodPercent, MethodTiers,
	MethodCountCapped, MethodBestInBlock, MethodMinMax, MethodZScore, MethodRank, MethodPercentile,
	MethodSurvey, MethodDeadline, MethodSumOfParts, MethodFormula}

// sharedMethodKeys may appear on any method (subject to the checks in
// parseMethod).
var sharedMethodKeys = []string{"method", "lower_is_better", "peers", "denominator", "missing", "outliers"}

// allMethodKeys is the union of every method's keys plus "share" (parts).
var allMethodKeys = func() []string {
	seen := map[string]bool{}
	var out []string
	for _, k := range sharedMethodKeys {
		seen[k] = true
		out = append(out, k)
	}
	for _, m := range methodOrder {
		for _, k := range methodKeys[m] {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	return append(out, "share")
}()

// peerKinds are the methods that may compare a unit with its peers (minmax
// only without goalposts).
var peerKinds = map[MethodKind]bool{MethodBestInBlock: true, MethodMinMax: true, MethodZScore: true,
	MethodRank: true, MethodPercentile: true}

// lowerIsBetterOK are the methods that can reverse their direction.
var lowerIsBetterOK = map[MethodKind]bool{MethodBoolean: true, MethodRatio: true, MethodPercent: true,
	MethodSurvey: true, MethodTiers: true, MethodBestInBlock: true, MethodMinMax: true, MethodZScore: true,
	MethodRank: true, MethodPercentile: true}

// peerMethod reports whether m compares a unit with its peers.
func peerMethod(k MethodKind, m *Method) bool {
	switch k {
	case MethodBestInBlock, MethodZScore, MethodRank, MethodPercentile:
		return true
	case MethodMinMax:
		return m.Goalposts == nil
	}
	return false
}

// valueMethod reports whether the method scores a ValueSpec.
func valueMethod(k MethodKind) bool {
	switch k {
	case MethodPercent, MethodTiers, MethodCountCapped, MethodBestInBlock, MethodMinMax,
		MethodZScore, MethodRank, MethodPercentile:
		return true
	}
	return false
}

var (
	numericTypes = []InputType{InputCount, InputNumber, InputPercent}
	zeroDivs     = []string{string(ZeroDivZero), string(ZeroDivFull), string(ZeroDivNA), string(ZeroDivMissing)}
)

// parseMethod reads a scoring mapping (or, with part set, one part of a
// sum_of_parts) for indicator nd. It returns nil when the method is
// unusable; the problems are recorded.
func (p *parser) parseMethod(n *yaml.Node, w where, nd *Node, part bool) *Method {
	allowed := allMethodKeys
	if !part {
		allowed = allowed[:len(allowed)-1] // no "share"
	}
	f := p.mapping(n, w, allowed)
	if f.node == nil || f.node.Kind != yaml.MappingNode {
		if f.node == nil && n != nil {
			p.add(n, w.code, "%s: scoring must be a mapping, got %s", w.prefix, describeNode(n))
		}
		return nil
	}
	m := &Method{Pos: Pos{f.node.Line, f.node.Column}}
	if !f.require("method") {
		return nil
	}
	kind := MethodKind(f.str("method"))
	own, known := methodKeys[kind]
	if !known {
		names := make([]string, len(methodOrder))
		for i, k := range methodOrder {
			names[i] = string(k)
		}
		f.errorf("method", "unknown scoring method %q%s", kind, p.didYouMean(string(kind), names))
		return nil
	}
	m.Kind = kind
	if part {
		// A part is scored for one unit on its own share of the points;
		// the indicator-wide steps belong on the indicator.
		switch {
		case kind == MethodSumOfParts:
			f.errorf("method", "a part cannot itself be sum_of_parts")
			return nil
		case peerKinds[kind]:
			f.errorf("method", "a part must use a method that scores one unit alone, not %s", kind)
			return nil
		}
		for _, k := range []string{"missing", "peers", "outliers", "denominator"} {
			if k == "denominator" && kind == MethodRatio {
				continue // the ratio's own input key
			}
			if f.has(k) {
				f.errorf(k, "key %q does not apply to a part of sum_of_parts", k)
			}
		}
	}
	// Keys the method does not take.
	for _, k := range allowed {
		if !f.has(k) || inList(own, k) || k == "method" || k == "share" || k == "missing" {
			continue
		}
		switch k {
		case "lower_is_better":
			if lowerIsBetterOK[kind] {
				continue
			}
		case "peers", "outliers":
			if peerKinds[kind] {
				continue
			}
		case "denominator":
			if valueMethod(kind) {
				continue
			}
		}
		f.errorf(k, "key %q does not apply to method %s", k, kind)
	}

	inputs := map[string]*Input{}
	for i := range nd.Inputs {
		inputs[nd.Inputs[i].Key] = &nd.Inputs[i]
	}
	// input reads an input reference and checks its type.
	input := func(key string, types ...InputType) string {
		if !f.require(key) {
			return ""
		}
		name := f.str(key)
		if name == "" {
			return ""
		}
		p.checkInput(f, key, name, inputs, kind, types)
		return name
	}

	if valueMethod(kind) {
		m.Value = p.parseValue(f, inputs, kind)
		if m.Value != nil {
			m.Input = m.Value.Input
		}
		if f.has("denominator") {
			m.DenominatorAttr = f.str("denominator")
		}
	}
	m.Missing = p.parseMissing(f, "missing")
	m.Outliers = p.parseOutliers(f, "outliers")
	m.LowerIsBetter = f.boolean("lower_is_better", false)

	switch kind {
	case MethodBoolean:
		m.Input = input("input", InputBoolean)
	case MethodChoice:
		m.Input = input("input", InputChoice, InputMultiChoice)
		p.parseFractions(f, m, inputs[m.Input])
	case MethodRatio:
		m.Numerator = input("numerator", numericTypes...)
		m.Denominator = input("denominator", numericTypes...)
		m.Target = p.positive(f, "target", 1)
		m.OnZeroDiv = ZeroDivision(f.oneOf("on_zero_denominator", zeroDivs...))
		if m.OnZeroDiv == "" {
			m.OnZeroDiv = ZeroDivZero
		}
	case MethodPercent:
		m.Target = p.positive(f, "target", 100)
	case MethodTiers:
		p.parseTiers(f, m)
	case MethodCountCapped:
		p.parseCountCapped(f, m)
	case MethodMinMax:
		if f.has("goalposts") {
			g := p.mapping(f.get("goalposts"), f.w.sub("goalposts"), []string{"low", "high"})
			if g.node != nil && g.node.Kind == yaml.MappingNode && g.require("low") && g.require("high") {
				lo, ok1 := g.num("low")
				hi, ok2 := g.num("high")
				if ok1 && ok2 {
					if lo >= hi {
						f.errorf("goalposts", "goalposts low %v must be less than high %v (use lower_is_better to reverse)", lo, hi)
					} else {
						m.Goalposts = &Goalposts{Low: lo, High: hi}
					}
				}
			}
		}
	case MethodSurvey:
		p.parseSurvey(f, m, input)
	case MethodDeadline:
		m.Input = input("input", InputDate)
		p.parseDeadline(f, m)
	case MethodSumOfParts:
		p.parseParts(f, m, nd)
	case MethodFormula:
		if f.require("formula") {
			if v, ok := f.scalar("formula", "an expression"); ok {
				m.Formula = p.compileFormula(v, f.w, nd)
			}
		}
	}
	if peerMethod(kind, m) {
		m.Peers = PeerScope(f.oneOf("peers", peerScopes...))
		if m.Peers == "" {
			m.Peers = p.ix.Defaults.Peers
		}
	} else if f.has("peers") && kind == MethodMinMax {
		f.errorf("peers", "peers does not apply to minmax with goalposts")
	}
	return m
}

// checkInput reports an input reference that names no input of the
// indicator, or one of a type the method cannot score.
func (p *parser) checkInput(f *fields, key, name string, inputs map[string]*Input, kind MethodKind, types []InputType) {
	in, ok := inputs[name]
	if !ok && len(inputs) == 0 {
		return // the indicator's lack of inputs is reported already
	}
	if !ok {
		keys := make([]string, 0, len(inputs))
		for k := range inputs {
			keys = append(keys, k)
		}
		f.errorf(key, "%s %q is not an input of the indicator%s", key, name, p.didYouMean(name, keys))
		return
	}
	if in.Type == "" || len(types) == 0 {
		return
	}
	for _, t := range types {
		if in.Type == t {
			return
		}
	}
	names := make([]string, len(types))
	for i, t := range types {
		names[i] = string(t)
	}
	f.errorf(key, "input %q is %s, but method %s needs %s", name, in.Type, kind, orList(names))
}

// orList names input types as "a boolean input" or "a count, number or
// percent input".
func orList(names []string) string {
	if len(names) == 1 {
		return "a " + names[0] + " input"
	}
	return "a " + strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1] + " input"
}

// positive reads an optional number that must be > 0.
func (p *parser) positive(f *fields, key string, def float64) float64 {
	x, ok := f.num(key)
	if !ok {
		return def
	}
	if x <= 0 {
		f.errorf(key, "%s must be greater than 0, got %v", key, x)
		return def
	}
	return x
}

// fraction reads a number that must lie in 0..1.
func (p *parser) fraction(f *fields, key string) (float64, bool) {
	x, ok := f.num(key)
	if !ok {
		return 0, false
	}
	if x < 0 || x > 1 {
		f.errorf(key, "%s must be between 0 and 1, got %v", key, x)
		return 0, false
	}
	return x, true
}

// parseValue reads the value a value method scores: input: k, or value:
// (k | {input} | {ratio_of, multiply|as_percent, on_zero_denominator} |
// {formula}).
func (p *parser) parseValue(f *fields, inputs map[string]*Input, kind MethodKind) *ValueSpec {
	hasIn, hasVal := f.has("input"), f.has("value")
	switch {
	case hasIn && hasVal:
		f.errorf("value", "give either input or value, not both")
		return nil
	case !hasIn && !hasVal:
		f.p.add(f.node, f.w.code, "%s: method %s needs input or value", f.w.prefix, kind)
		return nil
	case hasIn:
		name := f.str("input")
		if name == "" {
			return nil
		}
		p.checkInput(f, "input", name, inputs, kind, numericTypes)
		return &ValueSpec{Input: name}
	}
	v := f.get("value")
	if v.Kind == yaml.ScalarNode {
		name := f.str("value")
		p.checkInput(f, "value", name, inputs, kind, numericTypes)
		return &ValueSpec{Input: name}
	}
	g := p.mapping(v, f.w.sub("value"), []string{"input", "ratio_of", "multiply", "as_percent", "on_zero_denominator", "formula"})
	if g.node == nil || g.node.Kind != yaml.MappingNode {
		return nil
	}
	n := 0
	for _, k := range []string{"input", "ratio_of", "formula"} {
		if g.has(k) {
			n++
		}
	}
	if n != 1 {
		p.add(g.node, f.w.code, "%s: value needs exactly one of input, ratio_of or formula", f.w.prefix)
		return nil
	}
	out := &ValueSpec{}
	switch {
	case g.has("input"):
		out.Input = g.str("input")
		p.checkInput(g, "input", out.Input, inputs, kind, numericTypes)
	case g.has("formula"):
		if s, ok := g.scalar("formula", "an expression"); ok {
			out.Formula = p.compileFormula(s, f.w, p.currentNode(inputs))
		}
	default:
		parts := g.strList("ratio_of")
		if len(parts) != 2 {
			g.errorf("ratio_of", "ratio_of needs two input keys [numerator, denominator]")
			return nil
		}
		for _, k := range parts {
			p.checkInput(g, "ratio_of", k, inputs, kind, numericTypes)
		}
		out.RatioOf = parts
		out.Multiply = 1
		if g.has("multiply") && g.has("as_percent") {
			g.errorf("as_percent", "give either multiply or as_percent, not both")
		}
		if x, ok := g.num("multiply"); ok {
			if x == 0 {
				g.errorf("multiply", "multiply must not be 0")
			} else {
				out.Multiply = x
			}
		}
		if g.boolean("as_percent", false) {
			out.Multiply = 100
		}
		out.OnZeroDiv = ZeroDivision(g.oneOf("on_zero_denominator", zeroDivs...))
		if out.OnZeroDiv == "" {
			out.OnZeroDiv = ZeroDivZero
		}
	}
	for _, k := range []string{"multiply", "as_percent", "on_zero_denominator"} {
		if g.has(k) && !g.has("ratio_of") {
			g.errorf(k, "%s is only used with ratio_of", k)
		}
	}
	return out
}

// currentNode builds a throw-away node holding inputs, for compiling a
// value formula against the indicator's inputs.
func (p *parser) currentNode(inputs map[string]*Input) *Node {
	keys := make([]string, 0, len(inputs))
	for k := range inputs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	nd := &Node{}
	for _, k := range keys {
		nd.Inputs = append(nd.Inputs, *inputs[k])
	}
	return nd
}

// parseFractions reads choice fractions: one per option of the input, each
// in 0..1.
func (p *parser) parseFractions(f *fields, m *Method, in *Input) {
	if !f.require("fractions") {
		return
	}
	m.Fractions = map[string]float64{}
	bad := false
	// Options are checked only when the input has some (a choice input
	// without options is reported already).
	checkOptions := in != nil && (in.Type == InputChoice || in.Type == InputMultiChoice) && len(in.Options) > 0
	for _, kv := range f.pairs("fractions") {
		opt := strings.TrimSpace(kv[0].Value)
		x, ok := scalarNum(kv[1])
		if !ok {
			p.add(kv[1], f.w.code, "%s: fractions: %s must be a number, got %s", f.w.prefix, opt, describeNode(kv[1]))
			bad = true
			continue
		}
		if x < 0 || x > 1 {
			p.add(kv[1], f.w.code, "%s: fractions: %s must be between 0 and 1, got %v", f.w.prefix, opt, x)
			bad = true
			continue
		}
		if checkOptions {
			found := false
			for _, o := range in.Options {
				found = found || o.Value == opt
			}
			if !found {
				vals := make([]string, len(in.Options))
				for i, o := range in.Options {
					vals[i] = o.Value
				}
				p.add(kv[0], f.w.code, "%s: fractions: %q is not an option of input %s%s", f.w.prefix, opt, in.Key, p.didYouMean(opt, vals))
				bad = true
				continue
			}
		}
		m.Fractions[opt] = x
	}
	if checkOptions && !bad && f.get("fractions").Kind == yaml.MappingNode {
		var lacking []string
		for _, o := range in.Options {
			if _, ok := m.Fractions[o.Value]; !ok {
				lacking = append(lacking, o.Value)
			}
		}
		if len(lacking) > 0 {
			f.errorf("fractions", "fractions has no fraction for option %s of input %s", strings.Join(lacking, ", "), in.Key)
		}
	}
}

// parseTiers reads tiers: all with min (strictly decreasing) or all with
// max (strictly increasing, lower is better), fractions in 0..1.
func (p *parser) parseTiers(f *fields, m *Method) {
	if !f.require("tiers") {
		return
	}
	items := f.seq("tiers")
	if len(items) == 0 {
		if f.get("tiers").Kind == yaml.SequenceNode {
			f.errorf("tiers", "tiers is empty")
		}
		return
	}
	mode := ""
	var prev *float64
	for i, n := range items {
		t := p.mapping(n, f.w.sub(fmt.Sprintf("tiers[%d]", i)), []string{"min", "max", "fraction"})
		if t.node == nil || t.node.Kind != yaml.MappingNode {
			return
		}
		tier := Tier{Pos: Pos{n.Line, n.Column}}
		tier.Min, tier.Max = t.numPtr("min"), t.numPtr("max")
		if t.require("fraction") {
			tier.Fraction, _ = p.fraction(t, "fraction")
		}
		var bound *float64
		switch {
		case tier.Min != nil && tier.Max != nil:
			t.errorf("max", "a tier has either min or max, not both")
			return
		case tier.Min == nil && tier.Max == nil:
			if !t.has("min") && !t.has("max") {
				p.add(n, f.w.code, "%s: tiers[%d] needs min (higher is better) or max (lower is better)", f.w.prefix, i)
			}
			return
		case tier.Min != nil:
			bound = tier.Min
			if mode == "max" {
				t.errorf("min", "tiers mix min and max; use min on every tier (higher is better) or max on every tier (lower is better)")
				return
			}
			mode = "min"
			if prev != nil && *bound >= *prev {
				t.errorf("min", "tiers must be in decreasing order of min (%v follows %v)", *bound, *prev)
			}
		default:
			bound = tier.Max
			if mode == "min" {
				t.errorf("max", "tiers mix min and max; use min on every tier (higher is better) or max on every tier (lower is better)")
				return
			}
			mode = "max"
			if prev != nil && *bound <= *prev {
				t.errorf("max", "tiers must be in increasing order of max (%v follows %v)", *bound, *prev)
			}
		}
		prev = bound
		m.Tiers = append(m.Tiers, tier)
	}
	if mode == "max" {
		if f.has("lower_is_better") && !m.LowerIsBetter {
			f.errorf("lower_is_better", "tiers with max are lower-is-better; lower_is_better: false contradicts them")
		}
		m.LowerIsBetter = true
	} else if m.LowerIsBetter {
		f.errorf("lower_is_better", "tiers with min are higher-is-better; write the tiers with max for lower-is-better")
	}
}

// parseCountCapped reads per_item or points_per_item and cap.
func (p *parser) parseCountCapped(f *fields, m *Method) {
	switch {
	case f.has("per_item") && f.has("points_per_item"):
		f.errorf("points_per_item", "give either per_item or points_per_item, not both")
	case f.has("per_item"):
		m.PerItem = p.positive(f, "per_item", 0)
	case f.has("points_per_item"):
		m.PointsPerItem = p.positive(f, "points_per_item", 0)
		if p.ix.Style == StyleComposite {
			f.errorf("points_per_item", "points_per_item needs style points; use per_item")
		}
	default:
		p.add(f.node, f.w.code, "%s: method count_capped needs per_item or points_per_item", f.w.prefix)
	}
	m.Cap = 1
	if f.has("cap") {
		if x, ok := p.fraction(f, "cap"); ok {
			if x == 0 {
				f.errorf("cap", "cap must be greater than 0")
			} else {
				m.Cap = x
			}
		}
	}
}

// parseSurvey reads survey_scale parameters.
func (p *parser) parseSurvey(f *fields, m *Method, input func(string, ...InputType) string) {
	m.Input = input("input", numericTypes...)
	lo, ok1 := f.num("scale_min")
	hi, ok2 := f.num("scale_max")
	if !f.has("scale_min") {
		f.require("scale_min")
	}
	if !f.has("scale_max") {
		f.require("scale_max")
	}
	if ok1 && ok2 {
		if lo >= hi {
			f.errorf("scale_max", "scale_max %v must be greater than scale_min %v", hi, lo)
		}
		m.ScaleMin, m.ScaleMax = lo, hi
	}
	switch {
	case f.has("min_responses") != f.has("responses_input"):
		if f.has("min_responses") {
			f.errorf("min_responses", "min_responses needs responses_input (the input holding the number of responses)")
		} else {
			f.errorf("responses_input", "responses_input needs min_responses")
		}
	case f.has("min_responses"):
		if x, ok := f.num("min_responses"); ok {
			if x < 1 {
				f.errorf("min_responses", "min_responses must be at least 1, got %v", x)
			}
			m.MinCount = x
		}
		m.CountInput = input("responses_input", InputCount, InputNumber)
	}
}

// monthDays is the number of days of each month (February in a leap year, so
// "02-29" is accepted).
var monthDays = [13]int{0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}

// parseDeadline reads due and late_tiers.
func (p *parser) parseDeadline(f *fields, m *Method) {
	if f.require("due") {
		due := f.str("due")
		var mm, dd int
		if len(due) != 5 || due[2] != '-' || !allDigits(due[:2]) || !allDigits(due[3:]) {
			f.errorf("due", "due must be a date \"MM-DD\" of the assessed year, got %q", due)
		} else {
			fmt.Sscanf(due, "%d-%d", &mm, &dd)
			if mm < 1 || mm > 12 || dd < 1 || dd > monthDays[mm] {
				f.errorf("due", "due %q is not a date (\"MM-DD\")", due)
			} else {
				m.Due = due
			}
		}
	}
	if !f.require("late_tiers") {
		return
	}
	items := f.seq("late_tiers")
	if len(items) == 0 && f.get("late_tiers").Kind == yaml.SequenceNode {
		f.errorf("late_tiers", "late_tiers is empty")
	}
	prev := -1.0
	for i, n := range items {
		t := p.mapping(n, f.w.sub(fmt.Sprintf("late_tiers[%d]", i)), []string{"days", "fraction"})
		if t.node == nil || t.node.Kind != yaml.MappingNode {
			return
		}
		lt := LateTier{}
		if t.require("days") {
			if x, ok := t.num("days"); ok {
				switch {
				case x < 0:
					t.errorf("days", "days must not be negative, got %v", x)
				case x <= prev:
					t.errorf("days", "late_tiers must be in increasing order of days (%v follows %v)", x, prev)
				}
				lt.Days, prev = x, x
			}
		}
		if t.require("fraction") {
			lt.Fraction, _ = p.fraction(t, "fraction")
		}
		m.LateTiers = append(m.LateTiers, lt)
	}
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// parseParts reads sum_of_parts parts; their shares must add up to 1.
func (p *parser) parseParts(f *fields, m *Method, nd *Node) {
	if !f.require("parts") {
		return
	}
	items := f.seq("parts")
	if len(items) == 0 {
		if f.get("parts").Kind == yaml.SequenceNode {
			f.errorf("parts", "parts is empty")
		}
		return
	}
	total, ok := 0.0, true
	for i, n := range items {
		w := f.w.sub(fmt.Sprintf("part %d", i+1))
		pm := p.parseMethod(n, w, nd, true)
		share := 0.0
		// Read share with a scratch parser: parseMethod already reported
		// the mapping's own problems.
		pf := (&parser{ix: p.ix}).mapping(n, w, allMethodKeys)
		if !pf.has("share") {
			p.add(n, f.w.code, "%s: missing required key \"share\"", w.prefix)
			ok = false
		} else if x, good := scalarNum(pf.get("share")); !good || x <= 0 || x > 1 {
			p.add(pf.get("share"), f.w.code, "%s: share must be a number in (0, 1], got %s", w.prefix, describeNode(pf.get("share")))
			ok = false
		} else {
			share = x
		}
		total += share
		if pm != nil {
			m.Parts = append(m.Parts, Part{Share: share, Method: pm})
		} else {
			ok = false
		}
	}
	if ok && math.Abs(total-1) > 1e-9 {
		f.errorf("parts", "part shares must add up to 1, got %v", roundTo9(total))
	}
}

// roundTo9 rounds x to 9 decimals, to print sums without float noise.
func roundTo9(x float64) float64 {
	return math.Round(x*1e9) / 1e9
}
