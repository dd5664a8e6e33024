package scoring

// This file holds the low-level helpers of the parser: strict mappings with
// unknown-key and duplicate-key checks, typed scalar readers and the
// problem list. Every reader reports a problem naming the node and the key
// and returns a zero value, so parsing goes on and reports every problem of
// a file at once.

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v4"
)

// Limits that keep a hostile file from exhausting memory or the stack.
const (
	maxTreeDepth     = 32     // nesting of tree nodes
	maxWork          = 50_000 // mappings visited, aliases expanded (a full provincial index needs ~2,000)
	maxParseProblems = 200    // problems reported before parsing stops
)

// parser collects the problems of one file.
type parser struct {
	ix       *Index
	problems []Problem
	work     int
	// exhausted is set once the work budget is spent; parsing then stops
	// descending.
	exhausted bool
	// nodeFields keeps each node's mapping for checks made once the whole
	// tree is read (validate.go).
	nodeFields map[*Node]*fields
	reported   map[Problem]bool
}

// add records a problem at node n (nil: no position) about the named code.
func (p *parser) add(n *yaml.Node, code, format string, args ...any) {
	var pos Pos
	if n != nil {
		pos = Pos{n.Line, n.Column}
	}
	p.push(Problem{Pos: pos, Node: code, Message: fmt.Sprintf(format, args...)})
}

// push records a problem; past maxParseProblems it records one last problem
// saying so and stops parsing.
func (p *parser) push(pr Problem) {
	// Aliases can repeat a mistake at one position many times: report it
	// once.
	if p.reported == nil {
		p.reported = map[Problem]bool{}
	}
	if p.reported[pr] {
		return
	}
	p.reported[pr] = true
	switch {
	case len(p.problems) < maxParseProblems:
		p.problems = append(p.problems, pr)
	case len(p.problems) == maxParseProblems:
		p.problems = append(p.problems, Problem{Pos: pr.Pos, Message: fmt.Sprintf("too many problems: stopped after %d", maxParseProblems)})
		p.exhausted = true
	}
}

// spend counts one unit of work and reports whether parsing may go on.
func (p *parser) spend(n *yaml.Node) bool {
	if p.exhausted {
		return false
	}
	p.work++
	if p.work > maxWork {
		p.exhausted = true
		p.add(n, "", "file too large: more than %d mappings once aliases are expanded", maxWork)
		p.exhausted = true
		return false
	}
	return true
}

// resolve follows aliases to the node they name.
func resolveAlias(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 64; i++ {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.AliasNode {
		return nil
	}
	return n
}

// where names what a problem is about: a message prefix ("indicator NTS.01")
// and the code stored in Problem.Node.
type where struct {
	prefix string
	code   string
}

func (w where) sub(s string) where {
	return where{prefix: w.prefix + ": " + s, code: w.code}
}

// fields is a strictly read YAML mapping.
type fields struct {
	p    *parser
	w    where
	node *yaml.Node            // the mapping itself (nil when absent)
	keys map[string]*yaml.Node // key nodes
	vals map[string]*yaml.Node // value nodes, aliases resolved
	// suggested holds the keys offered for unknown keys ("max_point" ->
	// "max_points"), so that the key is not reported missing as well.
	suggested map[string]bool
}

// mapping reads n as a mapping whose keys must be among allowed. A key that
// is not allowed is reported with the closest allowed key as a suggestion;
// so is a duplicate key. n may be nil (the mapping is absent).
func (p *parser) mapping(n *yaml.Node, w where, allowed []string) *fields {
	f := &fields{p: p, w: w, keys: map[string]*yaml.Node{}, vals: map[string]*yaml.Node{}}
	n = resolveAlias(n)
	if n == nil || isNull(n) {
		return f
	}
	f.node = n
	if !p.spend(n) {
		return f
	}
	if n.Kind != yaml.MappingNode {
		p.add(n, w.code, "%s must be a mapping, got %s", w.prefix, describeNode(n))
		return f
	}
	var merges []*yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolveAlias(n.Content[i]), n.Content[i+1]
		if k == nil || k.Kind != yaml.ScalarNode {
			p.add(n.Content[i], w.code, "%s: keys must be plain words", w.prefix)
			continue
		}
		key := k.Value
		if k.ShortTag() == "!!merge" {
			merges = append(merges, k, v)
			continue
		}
		if _, dup := f.keys[key]; dup {
			p.add(k, w.code, "%s: duplicate key %q", w.prefix, key)
			continue
		}
		if !inList(allowed, key) {
			msg := fmt.Sprintf("%s: unknown key %q", w.prefix, key)
			if base, ok := textKey(key); ok && inList(allowed, base) {
				msg += fmt.Sprintf(" (write %s: {vi: ..., en: ...})", base)
				if f.suggested == nil {
					f.suggested = map[string]bool{}
				}
				f.suggested[base] = true
			} else if s := suggest(key, allowed); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
				if f.suggested == nil {
					f.suggested = map[string]bool{}
				}
				f.suggested[s] = true
			}
			p.add(k, w.code, "%s", msg)
			continue
		}
		f.keys[key] = k
		f.vals[key] = resolveAlias(v)
	}
	p.merge(f, merges, allowed)
	return f
}

// merge adds the keys of YAML merge keys ("<<: *defaults", or a list of
// aliases, earlier ones first) that the mapping does not set itself.
func (p *parser) merge(f *fields, merges []*yaml.Node, allowed []string) {
	for i := 0; i+1 < len(merges); i += 2 {
		k, v := merges[i], resolveAlias(merges[i+1])
		var sources []*yaml.Node
		switch {
		case v != nil && v.Kind == yaml.MappingNode:
			sources = []*yaml.Node{v}
		case v != nil && v.Kind == yaml.SequenceNode:
			for _, c := range v.Content {
				sources = append(sources, resolveAlias(c))
			}
		}
		for _, src := range sources {
			if src == nil || src.Kind != yaml.MappingNode {
				p.add(k, f.w.code, "%s: << must merge a mapping or a list of mappings", f.w.prefix)
				continue
			}
			if !p.spend(src) {
				return
			}
			for j := 0; j+1 < len(src.Content); j += 2 {
				sk := resolveAlias(src.Content[j])
				if sk == nil || sk.Kind != yaml.ScalarNode || sk.ShortTag() == "!!merge" {
					continue // nested merges are not followed
				}
				if _, set := f.keys[sk.Value]; set {
					continue
				}
				if !inList(allowed, sk.Value) {
					p.add(sk, f.w.code, "%s: unknown key %q (merged with <<)", f.w.prefix, sk.Value)
					continue
				}
				f.keys[sk.Value] = sk
				f.vals[sk.Value] = resolveAlias(src.Content[j+1])
			}
		}
	}
}

// has reports whether the key is present (a null value counts as absent).
func (f *fields) has(key string) bool {
	v, ok := f.vals[key]
	return ok && v != nil && !isNull(v)
}

// get returns the value node of key, or nil.
func (f *fields) get(key string) *yaml.Node {
	if !f.has(key) {
		return nil
	}
	return f.vals[key]
}

// at returns the best position for a problem about key: its value, or the
// mapping when the key is absent.
func (f *fields) at(key string) *yaml.Node {
	if v := f.get(key); v != nil {
		return v
	}
	if k := f.keys[key]; k != nil {
		return k
	}
	return f.node
}

// errorf reports a problem about key.
func (f *fields) errorf(key, format string, args ...any) {
	f.p.add(f.at(key), f.w.code, "%s: %s", f.w.prefix, fmt.Sprintf(format, args...))
}

// require reports the key as missing when absent and returns presence.
func (f *fields) require(key string) bool {
	if f.has(key) {
		return true
	}
	if f.node != nil && f.node.Kind == yaml.MappingNode && !f.suggested[key] {
		f.p.add(f.node, f.w.code, "%s: missing required key %q", f.w.prefix, key)
	}
	return false
}

// scalar returns the scalar value node of key, reporting other kinds.
func (f *fields) scalar(key, want string) (*yaml.Node, bool) {
	v := f.get(key)
	if v == nil {
		return nil, false
	}
	if v.Kind != yaml.ScalarNode {
		f.errorf(key, "%s must be %s, got %s", key, want, describeNode(v))
		return nil, false
	}
	return v, true
}

// str reads a string.
func (f *fields) str(key string) string {
	v, ok := f.scalar(key, "a string")
	if !ok {
		return ""
	}
	return strings.TrimSpace(v.Value)
}

// code reads an identifier-like code (letters, digits, '.', '_', '-').
func (f *fields) code(key string) string {
	s := f.str(key)
	if s != "" && !validCode(s) {
		f.errorf(key, "%s %q may only contain letters, digits, '.', '_' and '-'", key, s)
		return ""
	}
	return s
}

// num reads a finite number.
func (f *fields) num(key string) (float64, bool) {
	v, ok := f.scalar(key, "a number")
	if !ok {
		return 0, false
	}
	x, ok := scalarNum(v)
	if !ok {
		f.errorf(key, "%s must be a number, got %q", key, v.Value)
		return 0, false
	}
	return x, true
}

// numOr reads a number with a default.
func (f *fields) numOr(key string, def float64) float64 {
	if x, ok := f.num(key); ok {
		return x
	}
	return def
}

// numPtr reads an optional number.
func (f *fields) numPtr(key string) *float64 {
	if x, ok := f.num(key); ok {
		return &x
	}
	return nil
}

// integer reads a whole number.
func (f *fields) integer(key string) (int, bool) {
	x, ok := f.num(key)
	if !ok {
		return 0, false
	}
	if x != math.Trunc(x) || math.Abs(x) > 1e9 {
		f.errorf(key, "%s must be a whole number, got %v", key, x)
		return 0, false
	}
	return int(x), true
}

// boolean reads true/false with a default.
func (f *fields) boolean(key string, def bool) bool {
	v, ok := f.scalar(key, "true or false")
	if !ok {
		return def
	}
	switch v.ShortTag() {
	case "!!bool":
		b, err := strconv.ParseBool(strings.ToLower(v.Value))
		if err == nil {
			return b
		}
	}
	f.errorf(key, "%s must be true or false, got %q", key, v.Value)
	return def
}

// oneOf reads a string that must be one of choices; "" when absent.
func (f *fields) oneOf(key string, choices ...string) string {
	s := f.str(key)
	if s == "" || inList(choices, s) {
		return s
	}
	f.errorf(key, "%s must be one of %s, got %q", key, strings.Join(choices, ", "), s)
	return ""
}

// text reads a {vi, en} text; vi is required when the text is present or
// required.
func (f *fields) text(key string, required bool) Text {
	if !f.has(key) {
		if required {
			f.require(key)
		}
		return Text{}
	}
	v := f.get(key)
	if v.Kind != yaml.MappingNode {
		f.errorf(key, "%s must be a mapping {vi: ..., en: ...}, got %s", key, describeNode(v))
		return Text{}
	}
	t := f.p.mapping(v, f.w.sub(key), []string{"vi", "en"})
	out := Text{VI: t.str("vi"), EN: t.str("en")}
	if out.VI == "" {
		f.p.add(v, f.w.code, "%s: %s.vi (Vietnamese) is required", f.w.prefix, key)
	}
	return out
}

// seq returns the items of a sequence (aliases resolved), reporting other
// kinds.
func (f *fields) seq(key string) []*yaml.Node {
	v := f.get(key)
	if v == nil {
		return nil
	}
	if v.Kind != yaml.SequenceNode {
		f.errorf(key, "%s must be a list, got %s", key, describeNode(v))
		return nil
	}
	out := make([]*yaml.Node, 0, len(v.Content))
	for i, c := range v.Content {
		switch c = resolveAlias(c); {
		case c == nil:
		case isNull(c):
			f.p.add(c, f.w.code, "%s: %s[%d] is empty", f.w.prefix, key, i)
		default:
			out = append(out, c)
		}
	}
	return out
}

// strList reads a list of codes.
func (f *fields) strList(key string) []string {
	var out []string
	for _, c := range f.seq(key) {
		if c.Kind != yaml.ScalarNode || isNull(c) {
			f.p.add(c, f.w.code, "%s: %s items must be strings, got %s", f.w.prefix, key, describeNode(c))
			continue
		}
		out = append(out, strings.TrimSpace(c.Value))
	}
	return out
}

// pairs returns the key/value pairs of a mapping value in document order.
func (f *fields) pairs(key string) [][2]*yaml.Node {
	v := f.get(key)
	if v == nil {
		return nil
	}
	if v.Kind != yaml.MappingNode {
		f.errorf(key, "%s must be a mapping, got %s", key, describeNode(v))
		return nil
	}
	var out [][2]*yaml.Node
	seen := map[string]bool{}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := resolveAlias(v.Content[i]), resolveAlias(v.Content[i+1])
		if k == nil || k.Kind != yaml.ScalarNode || val == nil {
			f.p.add(v.Content[i], f.w.code, "%s: %s keys must be plain words", f.w.prefix, key)
			continue
		}
		if seen[k.Value] {
			f.p.add(k, f.w.code, "%s: %s: duplicate key %q", f.w.prefix, key, k.Value)
			continue
		}
		seen[k.Value] = true
		out = append(out, [2]*yaml.Node{k, val})
	}
	return out
}

// scalarNum converts a scalar node to a finite number.
func scalarNum(n *yaml.Node) (float64, bool) {
	if n == nil || n.Kind != yaml.ScalarNode {
		return 0, false
	}
	if t := n.ShortTag(); t != "!!int" && t != "!!float" {
		return 0, false
	}
	x, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, false
	}
	return x, true
}

// isNull reports whether n is an explicit or implicit null.
func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// describe names the kind of a node for messages.
func describeNode(n *yaml.Node) string {
	if n == nil {
		return "nothing"
	}
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if isNull(n) {
			return "null"
		}
		return fmt.Sprintf("%q", n.Value)
	}
	return "an unsupported node"
}

func inList(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// validCode reports whether s is usable as a code or input key.
func validCode(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
		default:
			return false
		}
	}
	return true
}

// validIdent reports whether s can be used as a formula variable.
func validIdent(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r == '_':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// textKey reports whether key is a one-language text key of the draft
// format ("name_vi", "label_en") and returns its base ("name").
func textKey(key string) (string, bool) {
	for _, suffix := range []string{"_vi", "_en"} {
		if base, ok := strings.CutSuffix(key, suffix); ok && base != "" {
			return base, true
		}
	}
	return "", false
}

// renamed maps keys and method names of the province's draft format to
// this format's, to suggest them where spelling is too far off to guess.
var renamed = map[string]string{
	"ranking_blocks": "blocks",
	"contributes_to": "pillars",
	"applicability":  "optional",
	"groups":         "children",
	"indicators":     "children",
	"classification": "bands",
	"multiplier":     "multiply",
	"fraction":       "fractions",
	"best_in_group":  "best_in_block",
	"computed":       "formula",
}

// suggest returns the allowed key closest to key when it is close enough
// to be a likely typo, "" otherwise.
func suggest(key string, allowed []string) string {
	if r, ok := renamed[key]; ok && inList(allowed, r) {
		return r
	}
	best, bestD := "", 1<<30
	sorted := append([]string(nil), allowed...)
	sort.Strings(sorted)
	for _, a := range sorted {
		if d := editDistance(key, a); d < bestD {
			best, bestD = a, d
		}
	}
	// One edit for short keys, two for longer ones; a one-letter key is
	// too short to guess from.
	limit := 2
	switch {
	case len(key) <= 1:
		return ""
	case len(key) <= 3:
		limit = 1
	}
	if bestD <= limit {
		return best
	}
	return ""
}

// editDistance is the Levenshtein distance between a and b (bytes; keys are
// ASCII).
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 1 << 20
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
