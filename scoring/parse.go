package scoring

// This file turns the YAML text of an index (docs/index-format.md) into an
// Index: the file-level sections, the tree and the inputs. Scoring methods
// are read in parse_method.go, formulas in parse_formula.go, and the checks
// that need the whole model (points that add up, bands, blocks) live in
// validate.go.

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"go.yaml.in/yaml/v4"
)

// SchemaVersion is the version of the index format this package reads.
const SchemaVersion = 1

// MaxIndexSize is the largest index file ParseIndex reads, in bytes. The
// shipped 70-indicator index is about 80 KB.
const MaxIndexSize = 4 << 20

// Keys accepted in each mapping of the file.
var (
	fileKeys     = []string{"schema_version", "index", "unit_types", "blocks", "pillars", "bands", "defaults", "tree", "adjustments"}
	indexKeys    = []string{"code", "version", "name", "description", "style", "scale", "rounding"}
	roundingKeys = []string{"value_decimals", "points_decimals"}
	unitTypeKeys = []string{"code", "name", "enabled"}
	blockKeys    = []string{"code", "name", "unit_types", "ranked"}
	pillarKeys   = []string{"code", "name"}
	bandKeys     = []string{"code", "name", "min_percent", "exclusive"}
	defaultsKeys = []string{"missing", "outliers", "peers"}
	missingKeys  = []string{"policy", "group_by"}
	outlierKeys  = []string{"method", "max_skew", "max_kurtosis", "max_points", "fallback"}
	nodeKeys     = []string{"code", "name", "description", "guidance", "max_points", "max_points_by", "weight",
		"applies_to", "aggregation", "missing_children", "pillars", "children", "inputs", "scoring", "evidence",
		"source", "optional", "basis"}
	adjustmentKeys = append(append([]string(nil), nodeKeys...), "kind")
	inputKeys      = []string{"key", "label", "help", "type", "required", "unit", "min", "max", "source", "options"}
	optionKeys     = []string{"value", "label"}
	evidenceKeys   = []string{"required", "hint"}
)

// groupOnlyKeys and indicatorOnlyKeys may appear on one kind of node only.
var (
	groupOnlyKeys     = []string{"aggregation", "missing_children"}
	indicatorOnlyKeys = []string{"inputs", "evidence", "source", "optional", "guidance"}
)

var (
	inputTypes = []string{string(InputBoolean), string(InputCount), string(InputNumber), string(InputPercent),
		string(InputChoice), string(InputMultiChoice), string(InputDate), string(InputText), string(InputURL)}
	sources         = []string{string(SourceSelf), string(SourceSystem), string(SourceSurvey), string(SourceSecretariat)}
	missingPolicies = []string{string(MissingAsZero), string(MissingAsNA), string(MissingMean), string(MissingGroupMean), string(MissingNone)}
	peerScopes      = []string{string(PeersBlock), string(PeersType), string(PeersAll)}
)

// ParseIndex decodes and validates an index definition. It returns a
// *ValidationError listing every problem found, in file order, each with
// its line and column; the Index is nil then. The returned Index keeps a
// copy of data (Source) and its sha256 (Hash).
func ParseIndex(data []byte) (*Index, error) {
	sum := sha256.Sum256(data)
	ix := &Index{
		Source: append([]byte(nil), data...),
		Hash:   hex.EncodeToString(sum[:]),
		byCode: map[string]*Node{},
		slots:  map[InputKey]int{},
	}
	p := &parser{ix: ix, nodeFields: map[*Node]*fields{}}
	if len(data) > MaxIndexSize {
		p.add(nil, "", "the file is too large: %d bytes, at most %d", len(data), MaxIndexSize)
		return nil, p.result()
	}
	root, ok := p.loadDocument(data)
	if !ok {
		return nil, p.result()
	}
	p.parseFile(root)
	if len(p.problems) > 0 {
		return nil, p.result()
	}
	return ix, nil
}

// loadDocument decodes the single YAML document of data into nodes. It
// reports syntax errors, an empty file and a second document.
func (p *parser) loadDocument(data []byte) (*yaml.Node, bool) {
	ld, err := yaml.NewLoader(bytes.NewReader(data), yaml.WithV3Defaults())
	if err != nil {
		p.yamlError(err)
		return nil, false
	}
	var doc yaml.Node
	if err := ld.Load(&doc); err != nil && err != io.EOF {
		p.yamlError(err)
		return nil, false
	}
	root := resolveAlias(&doc)
	if root != nil && root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			root = nil
		} else {
			root = resolveAlias(root.Content[0])
		}
	}
	if root == nil || root.Kind == 0 || isNull(root) {
		p.add(nil, "", "the file is empty")
		return nil, false
	}
	var next yaml.Node
	switch err := ld.Load(&next); {
	case err == nil:
		p.problems = append(p.problems, Problem{Pos: Pos{next.Line, 1},
			Message: "the file holds more than one YAML document: remove the \"---\" separator and everything after it, or merge the documents"})
		return nil, false
	case err != io.EOF:
		p.yamlError(err)
		return nil, false
	}
	return root, true
}

// result returns the problems as a sorted *ValidationError.
func (p *parser) result() error {
	sort.SliceStable(p.problems, func(i, j int) bool {
		a, b := p.problems[i].Pos, p.problems[j].Pos
		if (a.Line == 0) != (b.Line == 0) {
			return b.Line == 0
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	return &ValidationError{Problems: p.problems}
}

// yamlError records a YAML syntax error with its position.
func (p *parser) yamlError(err error) {
	var les *yaml.LoadErrors
	if errors.As(err, &les) && len(les.Errors) > 1 {
		for _, le := range les.Errors {
			p.problems = append(p.problems, Problem{Pos: Pos{le.Mark.Line, le.Mark.Column}, Message: "YAML syntax error: " + le.Message})
		}
		return
	}
	var le *yaml.LoadError
	if errors.As(err, &le) {
		msg := "YAML syntax error: " + le.Message
		if le.ContextMsg != "" && le.ContextMark.Line > 0 {
			msg += fmt.Sprintf(" (%s started at %d:%d)", strings.TrimPrefix(le.ContextMsg, "while "), le.ContextMark.Line, le.ContextMark.Column)
		}
		p.problems = append(p.problems, Problem{Pos: Pos{le.Mark.Line, le.Mark.Column}, Message: msg})
		return
	}
	p.problems = append(p.problems, Problem{Message: "YAML syntax error: " + strings.TrimPrefix(err.Error(), "yaml: ")})
}

// parseFile reads the top-level sections.
func (p *parser) parseFile(root *yaml.Node) {
	ix := p.ix
	// Top-level keys starting with "x-" are ignored: they hold anchors
	// that the rest of the file refers to.
	allowed := fileKeys
	if root.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(root.Content); i += 2 {
			if k := root.Content[i]; k.Kind == yaml.ScalarNode && strings.HasPrefix(k.Value, "x-") {
				allowed = append(allowed[:len(allowed):len(allowed)], k.Value)
			}
		}
	}
	f := p.mapping(root, where{prefix: "file"}, allowed)
	if f.node == nil || f.node.Kind != yaml.MappingNode {
		return
	}
	if f.require("schema_version") {
		if v, ok := f.integer("schema_version"); ok {
			if v != SchemaVersion {
				f.errorf("schema_version", "unsupported schema_version %d (this version reads %d)", v, SchemaVersion)
			}
			ix.SchemaVersion = v
		}
	}
	scaleDeclared := false
	if f.require("index") {
		scaleDeclared = p.parseHeader(f.get("index"))
	} else {
		ix.Style = StylePoints
		ix.Scale = 1000
	}
	if f.require("unit_types") {
		p.parseUnitTypes(f)
	}
	p.parsePillars(f)
	if f.require("blocks") {
		p.parseBlocks(f)
	}
	p.parseBands(f)
	p.parseDefaults(f)
	if f.require("tree") {
		items := f.seq("tree")
		if f.get("tree").Kind == yaml.SequenceNode && len(items) == 0 {
			f.errorf("tree", "tree is empty: an index needs at least one indicator")
		}
		for _, n := range items {
			if c := p.parseNode(n, nil, 0, false); c != nil {
				ix.Nodes = append(ix.Nodes, c)
			}
		}
	}
	if ix.Style == StyleComposite && len(f.seq("adjustments")) > 0 {
		f.errorf("adjustments", "adjustments (bonus and penalty points) need style points")
	}
	for _, n := range f.seq("adjustments") {
		if c := p.parseNode(n, nil, 0, true); c != nil {
			ix.Adjustments = append(ix.Adjustments, c)
		}
	}
	if p.exhausted {
		return // the model is partial: whole-index checks would mislead
	}
	p.validate(scaleDeclared)
	p.assignSlots()
}

// parseHeader reads the index section; it reports whether scale was
// declared (only then are unit totals checked against it).
func (p *parser) parseHeader(n *yaml.Node) bool {
	ix := p.ix
	f := p.mapping(n, where{prefix: "index"}, indexKeys)
	if f.require("code") {
		ix.Code = f.code("code")
	}
	if f.require("version") {
		ix.Version = f.str("version")
	}
	ix.Name = f.text("name", true)
	ix.Description = f.text("description", false)
	ix.Style = Style(f.oneOf("style", string(StylePoints), string(StyleComposite)))
	if ix.Style == "" {
		ix.Style = StylePoints
	}
	ix.Scale = 1000
	if ix.Style == StyleComposite {
		ix.Scale = 100
	}
	declared := false
	if x, ok := f.num("scale"); ok {
		if x <= 0 {
			f.errorf("scale", "scale must be greater than 0, got %v", x)
		} else {
			ix.Scale, declared = x, true
		}
	}
	ix.Rounding = Rounding{ValueDecimals: 4, PointsDecimals: 2}
	r := p.mapping(f.get("rounding"), where{prefix: "index: rounding"}, roundingKeys)
	for _, k := range roundingKeys {
		d, ok := r.integer(k)
		if !ok {
			continue
		}
		if d < 0 || d > 10 {
			r.errorf(k, "%s must be between 0 and 10, got %d", k, d)
			continue
		}
		if k == "value_decimals" {
			ix.Rounding.ValueDecimals = d
		} else {
			ix.Rounding.PointsDecimals = d
		}
	}
	return declared
}

// codeOf returns the value of the "code" key of a mapping, to name the
// node in messages before it is read.
func codeOf(n *yaml.Node) string { return codeOfKey(n, "code") }

// named returns the message prefix of a list item: "kind CODE", or
// "section[i]" when the item has no code.
func named(kind, section string, i int, code string) where {
	if code == "" {
		return where{prefix: fmt.Sprintf("%s[%d]", section, i)}
	}
	return where{prefix: kind + " " + code, code: code}
}

// codes tracks the first position of each code of a kind to report
// duplicates.
type codes map[string]*yaml.Node

func (p *parser) unique(seen codes, f *fields, kind, code string) bool {
	if code == "" {
		return false
	}
	if first, dup := seen[code]; dup {
		f.errorf("code", "duplicate %s code %q (first declared at %d:%d)", kind, code, first.Line, first.Column)
		return false
	}
	seen[code] = f.at("code")
	return true
}

// item is the head shared by the coded list items of the file (unit
// types, pillars, blocks, bands): the mapping, its position, its code and
// its name.
type item struct {
	f    *fields
	pos  Pos
	code string
	name Text
}

// eachItem reads each mapping of items, the list under section, accepting
// keys; it reads the required code and name and hands the item to read for
// its other keys. Items that are not mappings are reported and skipped.
func (p *parser) eachItem(items []*yaml.Node, kind, section string, keys []string, read func(it item)) {
	for i, n := range items {
		g := p.mapping(n, named(kind, section, i, codeOf(n)), keys)
		if g.node == nil || g.node.Kind != yaml.MappingNode {
			continue
		}
		it := item{f: g, pos: Pos{n.Line, n.Column}}
		if g.require("code") {
			it.code = g.code("code")
		}
		it.name = g.text("name", true)
		read(it)
	}
}

func (p *parser) parseUnitTypes(f *fields) {
	seen := codes{}
	items := f.seq("unit_types")
	if f.get("unit_types").Kind == yaml.SequenceNode && len(items) == 0 {
		f.errorf("unit_types", "unit_types is empty")
	}
	p.eachItem(items, "unit type", "unit_types", unitTypeKeys, func(it item) {
		ut := UnitType{Pos: it.pos, Code: it.code, Name: it.name}
		ut.Enabled = it.f.boolean("enabled", true)
		if p.unique(seen, it.f, "unit type", ut.Code) {
			p.ix.UnitTypes = append(p.ix.UnitTypes, ut)
		}
	})
}

func (p *parser) parsePillars(f *fields) {
	seen := codes{}
	p.eachItem(f.seq("pillars"), "pillar", "pillars", pillarKeys, func(it item) {
		if p.unique(seen, it.f, "pillar", it.code) {
			p.ix.Pillars = append(p.ix.Pillars, Pillar{Pos: it.pos, Code: it.code, Name: it.name})
		}
	})
}

func (p *parser) parseBlocks(f *fields) {
	seen := codes{}
	items := f.seq("blocks")
	if f.get("blocks").Kind == yaml.SequenceNode && len(items) == 0 {
		f.errorf("blocks", "blocks is empty: every enabled unit type needs a ranking block")
	}
	p.eachItem(items, "block", "blocks", blockKeys, func(it item) {
		b := it.f
		bl := Block{Pos: it.pos, Code: it.code, Name: it.name}
		bl.Ranked = b.boolean("ranked", true)
		if b.require("unit_types") {
			bl.UnitTypes = p.unitTypeList(b, "unit_types")
			if len(bl.UnitTypes) == 0 && b.get("unit_types").Kind == yaml.SequenceNode && len(b.get("unit_types").Content) == 0 {
				b.errorf("unit_types", "a block needs at least one unit type")
			}
		}
		if p.unique(seen, b, "block", bl.Code) {
			p.ix.Blocks = append(p.ix.Blocks, bl)
		}
	})
}

// unitTypeList reads a list of unit type codes, reporting unknown and
// repeated ones.
func (p *parser) unitTypeList(f *fields, key string) []string {
	var out []string
	items := f.seq(key)
	for _, c := range items {
		if c.Kind != yaml.ScalarNode || isNull(c) {
			p.add(c, f.w.code, "%s: %s items must be unit type codes, got %s", f.w.prefix, key, describeNode(c))
			continue
		}
		code := strings.TrimSpace(c.Value)
		if _, ok := p.ix.UnitType(code); !ok {
			p.add(c, f.w.code, "%s: %s: unknown unit type %q%s", f.w.prefix, key, code, p.didYouMean(code, p.unitTypeCodes()))
			continue
		}
		if inList(out, code) {
			p.add(c, f.w.code, "%s: %s: unit type %q is listed twice", f.w.prefix, key, code)
			continue
		}
		out = append(out, code)
	}
	return out
}

func (p *parser) didYouMean(s string, choices []string) string {
	if m := suggest(s, choices); m != "" {
		return fmt.Sprintf(" (did you mean %q?)", m)
	}
	return ""
}

func (p *parser) unitTypeCodes() []string {
	out := make([]string, len(p.ix.UnitTypes))
	for i, u := range p.ix.UnitTypes {
		out[i] = u.Code
	}
	return out
}

func (p *parser) pillarCodes() []string {
	out := make([]string, len(p.ix.Pillars))
	for i, u := range p.ix.Pillars {
		out[i] = u.Code
	}
	return out
}

func (p *parser) parseBands(f *fields) {
	seen := codes{}
	p.eachItem(f.seq("bands"), "band", "bands", bandKeys, func(it item) {
		b := it.f
		bd := Band{Pos: it.pos, Code: it.code, Name: it.name}
		if b.require("min_percent") {
			if x, ok := b.num("min_percent"); ok {
				if x < 0 || x > 100 {
					b.errorf("min_percent", "min_percent must be between 0 and 100, got %v", x)
				}
				bd.MinPercent = x
			}
		}
		bd.Exclusive = b.boolean("exclusive", false)
		// A duplicate is kept so that the order checks see every band.
		p.unique(seen, b, "band", bd.Code)
		p.ix.Bands = append(p.ix.Bands, bd)
	})
}

func (p *parser) parseDefaults(f *fields) {
	d := p.mapping(f.get("defaults"), where{prefix: "defaults"}, defaultsKeys)
	ix := p.ix
	ix.Defaults.Missing = Missing{Policy: MissingAsZero}
	if m := p.parseMissing(d, "missing"); m != nil {
		ix.Defaults.Missing = *m
	}
	ix.Defaults.Outliers = Outliers{Method: "none"}
	if o := p.parseOutliers(d, "outliers"); o != nil {
		ix.Defaults.Outliers = *o
	}
	ix.Defaults.Peers = PeerScope(d.oneOf("peers", peerScopes...))
	if ix.Defaults.Peers == "" {
		ix.Defaults.Peers = PeersBlock
	}
}

// parseMissing reads a missing-data policy; nil when absent or invalid.
func (p *parser) parseMissing(f *fields, key string) *Missing {
	if !f.has(key) {
		return nil
	}
	m := p.mapping(f.get(key), f.w.sub(key), missingKeys)
	if m.node == nil || m.node.Kind != yaml.MappingNode {
		return nil
	}
	out := &Missing{}
	if m.require("policy") {
		out.Policy = MissingPolicy(m.oneOf("policy", missingPolicies...))
	}
	out.GroupBy = m.str("group_by")
	switch {
	case out.Policy == "":
		return nil
	case out.Policy == MissingGroupMean && out.GroupBy == "":
		m.errorf("policy", "policy group_mean needs group_by (the unit attribute that forms the groups)")
		return nil
	case out.Policy != MissingGroupMean && out.GroupBy != "":
		m.errorf("group_by", "group_by is only used with policy group_mean")
		return nil
	}
	return out
}

// parseOutliers reads an outlier treatment; nil when absent or invalid.
func (p *parser) parseOutliers(f *fields, key string) *Outliers {
	if !f.has(key) {
		return nil
	}
	m := p.mapping(f.get(key), f.w.sub(key), outlierKeys)
	if m.node == nil || m.node.Kind != yaml.MappingNode {
		return nil
	}
	out := &Outliers{}
	if m.require("method") {
		out.Method = m.oneOf("method", "none", "winsorise")
	}
	if out.Method == "" {
		return nil
	}
	if out.Method == "none" {
		for _, k := range outlierKeys[1:] {
			if m.has(k) {
				m.errorf(k, "%s is only used with method winsorise", k)
			}
		}
		return out
	}
	out.MaxSkew = m.numOr("max_skew", 2)
	out.MaxKurtosis = m.numOr("max_kurtosis", 3.5)
	out.MaxPoints = 5
	if v, ok := m.integer("max_points"); ok {
		out.MaxPoints = v
	}
	out.Fallback = m.oneOf("fallback", "log", "none")
	if out.Fallback == "" {
		out.Fallback = "log"
	}
	if out.MaxSkew <= 0 {
		m.errorf("max_skew", "max_skew must be greater than 0, got %v", out.MaxSkew)
	}
	if out.MaxKurtosis <= 0 {
		m.errorf("max_kurtosis", "max_kurtosis must be greater than 0, got %v", out.MaxKurtosis)
	}
	if out.MaxPoints < 1 {
		m.errorf("max_points", "max_points must be at least 1, got %d", out.MaxPoints)
	}
	return out
}

// parseNode reads a tree node (recursively) or an adjustment.
func (p *parser) parseNode(n *yaml.Node, parent *Node, depth int, adjustment bool) *Node {
	ix := p.ix
	code := codeOf(n)
	isGroup := false
	if n != nil && n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k := resolveAlias(n.Content[i]); k != nil && k.Value == "children" {
				isGroup = true
			}
		}
	}
	kind, keys, section := "indicator", nodeKeys, "tree"
	switch {
	case adjustment:
		kind, keys, section = "adjustment", adjustmentKeys, "adjustments"
	case isGroup:
		kind = "group"
	}
	w := named(kind, section, 0, code)
	if code == "" {
		w = where{prefix: "a " + kind + " without code"}
	}
	if depth >= maxTreeDepth {
		p.add(n, code, "%s: the tree is nested deeper than %d levels", w.prefix, maxTreeDepth)
		return nil
	}
	f := p.mapping(n, w, keys)
	if f.node == nil || f.node.Kind != yaml.MappingNode {
		if f.node == nil && n != nil {
			p.add(n, "", "%s must be a mapping, got %s", w.prefix, describeNode(n))
		}
		return nil
	}
	nd := &Node{Parent: parent, Depth: depth, Pos: Pos{n.Line, n.Column}}
	p.nodeFields[nd] = f
	if f.require("code") {
		nd.Code = f.code("code")
	}
	if nd.Code != "" {
		if first, dup := ix.byCode[nd.Code]; dup {
			f.errorf("code", "duplicate node code %q (first declared at %d:%d)", nd.Code, first.Pos.Line, first.Pos.Col)
		} else {
			ix.byCode[nd.Code] = nd
		}
	}
	nd.Name = f.text("name", true)
	nd.Description = f.text("description", false)
	nd.Guidance = f.text("guidance", false)
	nd.Basis = f.str("basis")

	// Applicability: the node's own list, which must stay within its
	// parent's, or the parent's (the root: every unit type).
	var parentApplies []string
	if parent != nil {
		parentApplies = parent.applies
	} else {
		parentApplies = p.unitTypeCodes()
	}
	nd.applies = parentApplies
	if f.has("applies_to") {
		before := len(p.problems)
		nd.AppliesTo = p.unitTypeList(f, "applies_to")
		if v := f.get("applies_to"); v.Kind == yaml.SequenceNode && len(v.Content) == 0 {
			f.errorf("applies_to", "applies_to is empty: list unit types, or remove it to apply to every unit type of the parent")
		}
		var eff []string
		for _, t := range nd.AppliesTo {
			if !inList(parentApplies, t) {
				f.errorf("applies_to", "applies_to lists unit type %q, which group %s does not apply to", t, parent.Code)
				continue
			}
			eff = append(eff, t)
		}
		nd.applies = eff
		if len(p.problems) > before {
			// Already reported: keep the parent's types so that the
			// points checks do not report the same mistake again.
			nd.applies = parentApplies
		}
	}

	if x, ok := f.num("max_points"); ok {
		if x < 0 || (adjustment && x == 0) {
			f.errorf("max_points", "max_points must be greater than 0, got %v", x)
		}
		nd.MaxPoints = x
	}
	for _, kv := range f.pairs("max_points_by") {
		t := strings.TrimSpace(kv[0].Value)
		if _, ok := ix.UnitType(t); !ok {
			p.add(kv[0], nd.Code, "%s: max_points_by: unknown unit type %q%s", w.prefix, t, p.didYouMean(t, p.unitTypeCodes()))
			continue
		}
		if !inList(nd.applies, t) {
			p.add(kv[0], nd.Code, "%s: max_points_by: unit type %q is not one the node applies to", w.prefix, t)
			continue
		}
		x, ok := scalarNum(kv[1])
		if !ok || x < 0 {
			p.add(kv[1], nd.Code, "%s: max_points_by: %s must be a number ≥ 0, got %s", w.prefix, t, describeNode(kv[1]))
			continue
		}
		if nd.MaxPointsBy == nil {
			nd.MaxPointsBy = map[string]float64{}
		}
		nd.MaxPointsBy[t] = x
	}
	nd.Weight = 1
	if x, ok := f.num("weight"); ok {
		if x <= 0 {
			f.errorf("weight", "weight must be greater than 0, got %v", x)
		}
		nd.Weight = x
	}

	// Pillar tags: the node's own plus its ancestors', in the order the
	// pillars are declared.
	tags := map[string]bool{}
	if parent != nil {
		for _, t := range parent.Pillars {
			tags[t] = true
		}
	}
	for _, c := range f.seq("pillars") {
		t := strings.TrimSpace(c.Value)
		if c.Kind != yaml.ScalarNode || isNull(c) {
			p.add(c, nd.Code, "%s: pillars items must be pillar codes, got %s", w.prefix, describeNode(c))
			continue
		}
		if _, ok := ix.Pillar(t); !ok {
			p.add(c, nd.Code, "%s: pillars: unknown pillar %q%s", w.prefix, t, p.didYouMean(t, p.pillarCodes()))
			continue
		}
		tags[t] = true
	}
	for _, pl := range ix.Pillars {
		if tags[pl.Code] {
			nd.Pillars = append(nd.Pillars, pl.Code)
		}
	}

	if adjustment {
		if f.require("kind") {
			nd.Adjustment = f.oneOf("kind", "bonus", "penalty")
		}
		if !f.has("max_points") && len(nd.MaxPointsBy) == 0 {
			f.require("max_points")
		}
	}

	hasChildren, hasScoring := f.has("children"), f.has("scoring")
	switch {
	case hasChildren && hasScoring:
		f.errorf("scoring", "a node has either children (a group) or scoring (an indicator), not both")
		return nd
	case adjustment && hasChildren:
		f.errorf("children", "an adjustment cannot have children")
		return nd
	case !hasChildren && !hasScoring:
		if _, present := f.keys["children"]; present {
			f.errorf("children", "children is empty")
		} else if !f.suggested["children"] && !f.suggested["scoring"] {
			p.add(f.node, nd.Code, "%s: a node needs children (a group) or scoring (an indicator)", w.prefix)
		}
		return nd
	}

	if hasChildren {
		for _, k := range indicatorOnlyKeys {
			if f.has(k) {
				f.errorf(k, "%s is only for indicators, not groups", k)
			}
		}
		p.parseGroup(f, nd, depth)
		return nd
	}
	for _, k := range groupOnlyKeys {
		if f.has(k) {
			f.errorf(k, "%s is only for groups, not indicators", k)
		}
	}
	p.parseIndicator(f, nd)
	if !adjustment {
		ix.indicators = append(ix.indicators, nd)
	}
	return nd
}

// parseGroup reads a group's aggregation rule and children.
func (p *parser) parseGroup(f *fields, nd *Node, depth int) {
	style := p.ix.Style
	agg := Aggregation(f.oneOf("aggregation", string(AggSum), string(AggMean), string(AggGeometric)))
	switch {
	case agg == "" && style == StyleComposite:
		agg = AggMean
	case agg == "":
		agg = AggSum
	case style == StylePoints && agg != AggSum:
		f.errorf("aggregation", "aggregation %s needs style composite; a points-style index sums points", agg)
	case style == StyleComposite && agg == AggSum:
		f.errorf("aggregation", "aggregation sum needs style points; use mean or geometric")
	}
	nd.Aggregation = agg
	nd.MissingChildren = MissingChildren(f.oneOf("missing_children", string(MissingSkip), string(MissingZero), string(MissingNA)))
	if nd.MissingChildren == "" {
		nd.MissingChildren = MissingSkip
	}
	items := f.seq("children")
	if len(items) == 0 && f.get("children").Kind == yaml.SequenceNode {
		f.errorf("children", "children is empty")
	}
	for _, c := range items {
		if p.exhausted {
			return
		}
		if ch := p.parseNode(c, nd, depth+1, false); ch != nil {
			nd.Children = append(nd.Children, ch)
		}
	}
}

// parseIndicator reads an indicator's inputs, scoring, evidence and source.
func (p *parser) parseIndicator(f *fields, nd *Node) {
	nd.Source = Source(f.oneOf("source", sources...))
	if nd.Source == "" {
		nd.Source = SourceSelf
	}
	nd.Optional = f.boolean("optional", false)
	if f.has("evidence") {
		e := p.mapping(f.get("evidence"), f.w.sub("evidence"), evidenceKeys)
		nd.Evidence = Evidence{Required: e.boolean("required", false), Hint: e.text("hint", false)}
	}
	items := f.seq("inputs")
	if len(items) == 0 {
		if f.get("inputs") == nil || f.get("inputs").Kind == yaml.SequenceNode {
			p.add(f.node, nd.Code, "%s: an indicator needs at least one input", f.w.prefix)
		}
	}
	byKey := map[string]*yaml.Node{}
	for _, n := range items {
		in, ok := p.parseInput(n, f.w, nd)
		if !ok {
			continue
		}
		if first, dup := byKey[in.Key]; dup {
			p.add(n, nd.Code, "%s: duplicate input key %q (first declared at %d:%d)", f.w.prefix, in.Key, first.Line, first.Column)
			continue
		}
		byKey[in.Key] = n
		nd.Inputs = append(nd.Inputs, in)
	}
	if f.has("scoring") {
		nd.Method = p.parseMethod(f.get("scoring"), f.w, nd, false)
	}
	if nd.Method == nil {
		// Keep the node an indicator so later checks treat it as one.
		nd.Method = &Method{Pos: Pos{f.node.Line, f.node.Column}}
	}
}

// parseInput reads one input of indicator nd.
func (p *parser) parseInput(n *yaml.Node, w where, nd *Node) (Input, bool) {
	key := codeOfKey(n, "key")
	iw := w.sub("input " + key)
	if key == "" {
		iw = w.sub("an input without key")
	}
	f := p.mapping(n, iw, inputKeys)
	if f.node == nil || f.node.Kind != yaml.MappingNode {
		return Input{}, false
	}
	in := Input{Pos: Pos{n.Line, n.Column}}
	if f.require("key") {
		in.Key = f.str("key")
		if in.Key != "" && !validIdent(in.Key) {
			f.errorf("key", "input key %q must start with a letter or '_' and hold only letters, digits and '_'", in.Key)
			in.Key = ""
		}
	}
	in.Label = f.text("label", true)
	in.Help = f.text("help", false)
	if f.require("type") {
		in.Type = InputType(f.oneOf("type", inputTypes...))
	}
	in.Required = f.boolean("required", false)
	in.Unit = f.str("unit")
	in.Min, in.Max = f.numPtr("min"), f.numPtr("max")
	numeric := in.Type == InputCount || in.Type == InputNumber || in.Type == InputPercent
	if in.Type != "" && !numeric {
		for _, k := range []string{"min", "max", "unit"} {
			if f.has(k) {
				f.errorf(k, "%s is only for count, number and percent inputs", k)
			}
		}
	}
	if in.Min != nil && in.Max != nil && *in.Min > *in.Max {
		f.errorf("min", "min %v is greater than max %v", *in.Min, *in.Max)
	}
	in.Source = Source(f.oneOf("source", sources...))
	if in.Source == "" {
		in.Source = nd.Source
	}
	choice := in.Type == InputChoice || in.Type == InputMultiChoice
	switch {
	case choice && !f.has("options"):
		f.require("options")
	case !choice && f.has("options") && in.Type != "":
		f.errorf("options", "options are only for choice and multi_choice inputs")
	case choice:
		items := f.seq("options")
		if len(items) == 0 && f.get("options").Kind == yaml.SequenceNode {
			f.errorf("options", "options is empty")
		}
		seen := map[string]bool{}
		for _, o := range items {
			of := p.mapping(o, iw.sub("option "+codeOfKey(o, "value")), optionKeys)
			if of.node == nil || of.node.Kind != yaml.MappingNode {
				continue
			}
			opt := Option{}
			if of.require("value") {
				opt.Value = of.code("value")
			}
			opt.Label = of.text("label", true)
			if opt.Value == "" {
				continue
			}
			if seen[opt.Value] {
				of.errorf("value", "duplicate option %q", opt.Value)
				continue
			}
			seen[opt.Value] = true
			in.Options = append(in.Options, opt)
		}
	}
	return in, in.Key != ""
}

// codeOfKey returns the scalar value of key in mapping n, or "", without
// consuming it.
func codeOfKey(n *yaml.Node, key string) string {
	if n == nil || n.Kind != yaml.MappingNode {
		return ""
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k, v := resolveAlias(n.Content[i]), resolveAlias(n.Content[i+1]); k != nil && k.Value == key && v != nil && v.Kind == yaml.ScalarNode {
			return strings.TrimSpace(v.Value)
		}
	}
	return ""
}

// assignSlots numbers every input densely in document order: the tree's
// indicators, then the adjustments.
func (p *parser) assignSlots() {
	ix := p.ix
	add := func(n *Node) {
		for _, in := range n.Inputs {
			k := InputKey{n.Code, in.Key}
			if _, ok := ix.slots[k]; !ok {
				ix.slots[k] = len(ix.slots)
			}
		}
	}
	for _, n := range ix.indicators {
		add(n)
	}
	for _, n := range ix.Adjustments {
		add(n)
	}
}
