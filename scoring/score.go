package scoring

// This file holds Score, the engine's entry point: every indicator is
// scored for every unit as one column (so peer-relative methods and
// composite steps see all peers at once), then each unit's tree is
// aggregated bottom-up, pillars and totals are computed, and units are
// ranked inside their blocks.

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
)

// ErrNoYear is returned by Score when the index has a deadline indicator
// and Dataset.Year is not set.
var ErrNoYear = errors.New("dataset has no year: deadline indicators need one")

// DataProblem is one problem with the data given to Score.
type DataProblem struct {
	Unit      string // unit code ("" for dataset-level problems)
	Indicator string // indicator or adjustment code, when the problem is about one
	Input     string // input key, when the problem is about one
	Message   string
}

// String formats the problem as "unit U: indicator I: input K: message".
func (p DataProblem) String() string {
	var b strings.Builder
	if p.Unit != "" {
		b.WriteString("unit " + p.Unit + ": ")
	}
	if p.Indicator != "" {
		b.WriteString("indicator " + p.Indicator + ": ")
	}
	if p.Input != "" {
		b.WriteString("input " + p.Input + ": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// DataError lists every problem found in a Dataset. Score returns it, and
// no results, when the data cannot be scored as given.
type DataError struct {
	Problems []DataProblem
}

// Error lists the problems, one per line.
func (e *DataError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.String()
	}
	return strings.Join(parts, "\n")
}

// maxProblems bounds the problems collected from one dataset.
const maxProblems = 1000

type problemList struct {
	list []DataProblem
}

func (pl *problemList) add(unit, ind, input, msg string) {
	if len(pl.list) < maxProblems {
		pl.list = append(pl.list, DataProblem{Unit: unit, Indicator: ind, Input: input, Message: msg})
	}
}

// IndicatorStages holds one indicator's value for every unit (in the order
// of Dataset.Units) at each step of the composite pipeline. NaN marks a
// unit without a value at that step (missing or not applicable); it is
// written as null in JSON. For methods that score a unit alone from its
// inputs (boolean, choice, ratio...) every stage holds the fraction.
type IndicatorStages struct {
	Code string
	// Raw is the value from the inputs (a ratio or formula evaluated).
	Raw StageValues
	// Denominated is Raw divided by the denominator attribute.
	Denominated StageValues
	// Imputed has missing values replaced by the missing-data policy.
	Imputed StageValues
	// Treated is after outlier treatment.
	Treated StageValues
	// Normalised is the method's fraction in 0..1, before overrides.
	Normalised StageValues
	// Treatment says, per unit, what outlier treatment did to the values
	// of the unit's peer group ("" none, "winsorised", "log"); nil for
	// methods without a value stage.
	Treatment []Treatment `json:",omitempty"`
}

// StageValues are per-unit values with NaN for "no value".
type StageValues []float64

// MarshalJSON writes NaN as null.
func (s StageValues) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, len(s)*20+2)
	b = append(b, '[')
	for i, v := range s {
		if i > 0 {
			b = append(b, ',')
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			b = append(b, "null"...)
			continue
		}
		b = strconv.AppendFloat(b, v, 'g', -1, 64)
	}
	return append(b, ']'), nil
}

// Score scores every unit of ds against ix. It is pure and deterministic:
// the same index and dataset give the same results, whatever else runs.
//
// It returns a *DataError listing every problem when the dataset cannot be
// scored (unknown unit types or blocks, duplicate unit codes, choices that
// are not options, malformed dates, overrides outside the max...), and
// ErrNoYear when a deadline indicator needs Dataset.Year.
func Score(ix *Index, ds *Dataset, opts Options) (*Results, error) {
	s, err := newScorer(ix, ds, opts)
	if err != nil {
		return nil, err
	}
	s.aggregate()
	s.rank()
	s.release()
	return s.res, nil
}

// cellBuf holds the cell matrices between Score calls: they are as large
// as the results' indicator part, and reusing them spares the garbage
// collector a few megabytes per call.
type cellBuf struct {
	st []cellState
	x  []float64
}

var cellPool sync.Pool

// growCells returns (*buf)[:n], reallocating when the capacity is short.
func growCells[T any](buf *[]T, n int) []T {
	if cap(*buf) < n {
		*buf = make([]T, n)
	}
	return (*buf)[:n]
}

// release hands the cell matrices back for the next call.
func (s *scorer) release() {
	if s.cells != nil {
		cellPool.Put(s.cells)
		s.cells, s.mSt, s.mX = nil, nil, nil
	}
}

// newScorer checks the data and scores every indicator of every unit (the
// cell matrices); aggregation is left to the caller.
func newScorer(ix *Index, ds *Dataset, opts Options) (*scorer, error) {
	if ix == nil || ds == nil {
		return nil, errors.New("score: nil index or dataset")
	}
	p, err := newScorePlan(ix)
	if err != nil {
		return nil, err
	}
	return newPlanScorer(p, ds, opts)
}

// newPlanScorer is newScorer on a prepared plan; Uncertainty changes a
// plan's methods and missing-data policies to score its alternatives.
func newPlanScorer(p *scorePlan, ds *Dataset, opts Options) (*scorer, error) {
	if ds.Year == 0 {
		for _, ip := range p.inds {
			if planHasDeadline(ip.mp) {
				return nil, ErrNoYear
			}
		}
	}
	s := &scorer{p: p, ds: ds, opts: opts, composite: p.style == StyleComposite}
	s.checkUnits()
	if len(s.probs.list) > 0 {
		return nil, &DataError{Problems: s.probs.list}
	}
	s.alloc()
	s.rawPass()
	for _, ip := range s.cols {
		s.column(ip)
	}
	if len(s.probs.list) > 0 {
		return nil, &DataError{Problems: s.probs.list}
	}
	return s, nil
}

func planHasDeadline(mp *methodPlan) bool {
	if mp.kind == MethodDeadline {
		return true
	}
	for _, part := range mp.parts {
		if planHasDeadline(part.mp) {
			return true
		}
	}
	return false
}

// scorer is the state of one Score call.
type scorer struct {
	p     *scorePlan
	ds    *Dataset
	opts  Options
	probs problemList
	res   *Results

	uType  []int
	uBlock []int
	// declNA and override are unit*nInd matrices, nil when no unit uses them.
	declNA   []bool
	override []float64 // NaN: none

	groupCache map[PeerScope]*peerGroups
	attrNum    map[string][]float64
	attrCode   map[string][]int32

	// cols are the indicators that need a column step and colOf maps an
	// indicator number to its column (-1: none). The cell matrices are
	// unit-major (unit*nInd + indicator): the state and value of every
	// unit's indicator, and with Explain the notes and explanations.
	cols  []*indPlan
	colOf []int
	cells *cellBuf
	// explainUnit, when not nil, marks the units Options.ExplainUnits asks
	// explanations for.
	explainUnit []bool
	mSt         []cellState
	mX          []float64
	mNote       []string
	mExp        []*Explanation

	// column scratch
	st    []cellState
	x     []float64
	notes []string
	buf   []float64
	buf2  []float64
	idx   []int32
	// stages scratch (Options.Stages or Explain)
	raw, den, imp, trt []float64
	treatment          []Treatment
	groupStats         []peerStats
	composite          bool      // the index is composite-style
	adj                []float64 // unrounded adjustment points per unit
	// keys are the totals ÷ scale rounded to value decimals: ranks and
	// bands are decided on them.
	keys       []float64
	groupTreat []Treatment
}

// peerGroups partitions the units by peer scope.
type peerGroups struct {
	of      []int32   // unit -> group
	members [][]int32 // group -> units, in dataset order
}

func (s *scorer) checkUnits() {
	p := s.p
	units := s.ds.Units
	s.uType = make([]int, len(units))
	s.uBlock = make([]int, len(units))
	seen := make(map[string]bool, len(units))
	nSlots := p.ix.NumSlots()
	nInd := len(p.inds)
	indByCode := make(map[string]*indPlan, nInd)
	for _, ip := range p.inds {
		indByCode[ip.node.Code] = ip
	}
	for u := range units {
		ud := &units[u]
		if ud.Code == "" {
			s.probs.add("", "", "", fmt.Sprintf("unit #%d has no code", u+1))
		} else if seen[ud.Code] {
			s.probs.add(ud.Code, "", "", "duplicate unit code")
		}
		seen[ud.Code] = true
		t, typeOK := p.types[ud.Type]
		switch {
		case !typeOK:
			s.probs.add(ud.Code, "", "", fmt.Sprintf("unknown unit type %q", ud.Type))
		case !p.typeOK[t]:
			s.probs.add(ud.Code, "", "", fmt.Sprintf("unit type %q is disabled in this index", ud.Type))
		}
		s.uType[u] = t
		b, ok := p.blocks[ud.Block]
		switch {
		case !ok:
			s.probs.add(ud.Code, "", "", fmt.Sprintf("unknown block %q", ud.Block))
		case typeOK && !p.blockOK[b][t]:
			s.probs.add(ud.Code, "", "", fmt.Sprintf("block %q does not take units of type %q", ud.Block, ud.Type))
		}
		s.uBlock[u] = b
		if len(ud.Values) > nSlots {
			s.probs.add(ud.Code, "", "", fmt.Sprintf("%d values given, the index has %d inputs", len(ud.Values), nSlots))
		}
		for _, code := range sortedMapKeys(ud.NotApplicable) {
			if !ud.NotApplicable[code] {
				continue
			}
			ip := indByCode[code]
			switch {
			case ip == nil:
				s.probs.add(ud.Code, code, "", "declared not applicable, but no such indicator")
				continue
			case !ip.node.Optional:
				s.probs.add(ud.Code, code, "", "declared not applicable, but the indicator is not optional")
				continue
			}
			if s.declNA == nil {
				s.declNA = make([]bool, len(units)*nInd)
			}
			s.declNA[u*nInd+ip.num] = true
		}
		for _, code := range sortedMapKeys(ud.Overrides) {
			pts := ud.Overrides[code]
			ip := indByCode[code]
			if ip == nil {
				s.probs.add(ud.Code, code, "", "override for an unknown indicator")
				continue
			}
			if !typeOK || !ip.applyBy[t] {
				s.probs.add(ud.Code, code, "", "override for an indicator that does not apply to the unit")
				continue
			}
			if ud.NotApplicable[code] {
				s.probs.add(ud.Code, code, "", "override for an indicator declared not applicable")
				continue
			}
			hi := ip.maxBy[t]
			if p.style == StyleComposite || hi == 0 {
				hi = 1
			}
			if math.IsNaN(pts) || pts < 0 || pts > hi {
				s.probs.add(ud.Code, code, "", fmt.Sprintf("override %s outside 0..%s", fmtLocal(pts, "en"), fmtLocal(hi, "en")))
				continue
			}
			if s.override == nil {
				s.override = make([]float64, len(units)*nInd)
				for i := range s.override {
					s.override[i] = math.NaN()
				}
			}
			s.override[u*nInd+ip.num] = pts
		}
	}
}

// alloc makes the results with one backing array per kind of node result.
func (s *scorer) alloc() {
	p := s.p
	units := s.ds.Units
	nU, nN, nP, nA := len(units), len(p.nodes), len(p.ix.Pillars), len(p.ix.Adjustments)
	s.res = &Results{IndexCode: p.ix.Code, IndexHash: p.ix.Hash, Units: make([]UnitResult, nU)}
	nodes := make([]NodeResult, nU*nN)
	pillars := make([]NodeResult, nU*nP)
	adjs := make([]NodeResult, nU*nA)
	for u := range units {
		ur := &s.res.Units[u]
		ud := &units[u]
		ur.Code, ur.Name, ur.Type, ur.Block = ud.Code, ud.Name, ud.Type, ud.Block
		ur.Nodes = nodes[u*nN : (u+1)*nN : (u+1)*nN]
		ur.Pillars = pillars[u*nP : (u+1)*nP : (u+1)*nP]
		for i, pl := range p.ix.Pillars {
			ur.Pillars[i].Code = pl.Code
		}
		ur.Adjustments = adjs[u*nA : (u+1)*nA : (u+1)*nA]
		for i, a := range p.ix.Adjustments {
			ur.Adjustments[i].Code = a.Code
		}
	}
	s.colOf = make([]int, len(p.inds))
	for i, ip := range p.inds {
		s.colOf[i] = -1
		if s.needsColumn(ip) {
			s.colOf[i] = len(s.cols)
			s.cols = append(s.cols, ip)
		}
	}
	nInd := len(p.inds)
	s.cells, _ = cellPool.Get().(*cellBuf)
	if s.cells == nil {
		s.cells = &cellBuf{}
	}
	// Every cell is written by rawPass before it is read.
	s.mSt = growCells(&s.cells.st, nU*nInd)
	s.mX = growCells(&s.cells.x, nU*nInd)
	if s.opts.Explain {
		s.mNote = make([]string, nU*nInd)
		s.mExp = make([]*Explanation, nU*nInd)
		if len(s.opts.ExplainUnits) > 0 {
			want := map[string]bool{}
			for _, c := range s.opts.ExplainUnits {
				want[c] = true
			}
			s.explainUnit = make([]bool, nU)
			for u := range units {
				s.explainUnit[u] = want[units[u].Code]
			}
		}
	}
	s.st = make([]cellState, nU)
	s.keys = make([]float64, nU)
	s.adj = make([]float64, nU)
	s.x = make([]float64, nU)
	s.buf = make([]float64, 0, nU)
	s.buf2 = make([]float64, 0, nU)
	s.idx = make([]int32, 0, nU)
	if s.opts.Explain {
		s.notes = make([]string, nU)
	}
	if s.opts.Stages || s.opts.Explain {
		s.raw = make([]float64, nU)
		s.den = make([]float64, nU)
		s.imp = make([]float64, nU)
		s.trt = make([]float64, nU)
		s.treatment = make([]Treatment, nU)
	}
	s.groupCache = map[PeerScope]*peerGroups{}
	s.attrNum = map[string][]float64{}
	s.attrCode = map[string][]int32{}
}

// groups returns the peer groups of a scope.
func (s *scorer) groups(scope PeerScope) *peerGroups {
	if g, ok := s.groupCache[scope]; ok {
		return g
	}
	nU := len(s.ds.Units)
	g := &peerGroups{of: make([]int32, nU)}
	var key []int
	var n int
	switch scope {
	case PeersType:
		key, n = s.uType, s.p.nTypes
	case PeersAll:
		key, n = make([]int, nU), 1
	default:
		key, n = s.uBlock, len(s.p.ix.Blocks)
	}
	g.members = make([][]int32, n)
	for u := 0; u < nU; u++ {
		g.of[u] = int32(key[u])
		g.members[key[u]] = append(g.members[key[u]], int32(u))
	}
	s.groupCache[scope] = g
	return g
}

// attrNums returns a numeric unit attribute per unit (NaN when absent or
// not a number).
func (s *scorer) attrNums(name string) []float64 {
	if v, ok := s.attrNum[name]; ok {
		return v
	}
	out := make([]float64, len(s.ds.Units))
	for u := range s.ds.Units {
		out[u] = math.NaN()
		if str, ok := s.ds.Units[u].Attrs[name]; ok {
			if f, err := strconv.ParseFloat(strings.TrimSpace(str), 64); err == nil {
				out[u] = f
			}
		}
	}
	s.attrNum[name] = out
	return out
}

// attrCodes numbers the distinct values of a unit attribute (-1: absent).
func (s *scorer) attrCodes(name string) []int32 {
	if v, ok := s.attrCode[name]; ok {
		return v
	}
	out := make([]int32, len(s.ds.Units))
	seen := map[string]int32{}
	for u := range s.ds.Units {
		str, ok := s.ds.Units[u].Attrs[name]
		if !ok || str == "" {
			out[u] = -1
			continue
		}
		c, ok := seen[str]
		if !ok {
			c = int32(len(seen))
			seen[str] = c
		}
		out[u] = c
	}
	s.attrCode[name] = out
	return out
}

// snapshot copies the current values into a stage (NaN where no value of
// the given state).
func (s *scorer) snapshot(dst []float64, want cellState) {
	if dst == nil {
		return
	}
	for u, st := range s.st {
		if st == want {
			dst[u] = s.x[u]
		} else {
			dst[u] = math.NaN()
		}
	}
}

// column scores one indicator for every unit.
func (s *scorer) column(ip *indPlan) {
	units := s.ds.Units
	mp := ip.mp
	code := ip.node.Code
	st, x := s.st, s.x
	stageState := cellFrac
	if mp.usesValue {
		stageState = cellValue
	}

	// 1. Gather the raw values of the column.
	nInd := len(s.p.inds)
	for u := range units {
		k := u*nInd + ip.num
		st[u], x[u] = s.mSt[k], s.mX[k]
		if s.notes != nil {
			s.notes[u] = s.mNote[k]
		}
	}
	s.snapshot(s.raw, stageState)

	// 2. Denominator attribute.
	if ip.attr != "" {
		den := s.attrNums(ip.attr)
		for u := range units {
			if st[u] != cellValue {
				continue
			}
			if d := den[u]; math.IsNaN(d) || d == 0 {
				st[u] = cellMissing
				if s.notes != nil {
					s.notes[u] = "no-denominator"
				}
			} else {
				x[u] /= d
			}
		}
	}
	s.snapshot(s.den, stageState)

	// 3. Missing data.
	s.impute(ip, stageState)
	s.snapshot(s.imp, stageState)

	// 4 and 5. Outlier treatment and the method, per peer group.
	if mp.usesValue {
		// Outlier treatment belongs to the peer-relative methods: a method
		// against a fixed target (percent, tiers...) scores the value as given.
		var rule outlierRule
		if mp.peer {
			rule = newOutlierRule(ip.outliers)
		}
		g := s.groups(ip.peers)
		if s.opts.Explain {
			s.groupStats = s.groupStats[:0]
			s.groupTreat = s.groupTreat[:0]
		}
		for _, members := range g.members {
			idx := s.idx[:0]
			xs := s.buf[:0]
			for _, u := range members {
				if st[u] == cellValue {
					idx = append(idx, u)
					xs = append(xs, x[u])
				}
			}
			tr := rule.treat(xs, s.buf2)
			if s.trt != nil {
				for _, u := range members {
					s.trt[u] = math.NaN()
					s.treatment[u] = tr
				}
				for i, u := range idx {
					s.trt[u] = xs[i]
				}
			}
			var ps peerStats
			if mp.peer {
				ps = newPeerStats(mp.kind, xs, s.buf2)
				for i, u := range idx {
					x[u] = mp.peerFraction(xs[i], &ps)
					st[u] = cellFrac
				}
			} else {
				for i, u := range idx {
					x[u] = mp.valueFractionMax(xs[i], ip.maxBy[s.uType[u]])
					st[u] = cellFrac
				}
			}
			if s.opts.Explain {
				if ps.sorted != nil {
					ps.sorted = nil // the buffer is reused by the next group
				}
				s.groupStats = append(s.groupStats, ps)
				s.groupTreat = append(s.groupTreat, tr)
			}
			s.idx, s.buf = idx, xs
		}
	} else if s.trt != nil {
		copy(s.trt, s.imp)
	}

	if s.opts.Stages && ip.nodeIdx >= 0 {
		stg := IndicatorStages{Code: code,
			Raw:         append(StageValues(nil), s.raw...),
			Denominated: append(StageValues(nil), s.den...),
			Imputed:     append(StageValues(nil), s.imp...),
			Treated:     append(StageValues(nil), s.trt...),
			Normalised:  make(StageValues, len(units)),
		}
		if mp.usesValue {
			stg.Treatment = append([]Treatment(nil), s.treatment...)
		}
		for u := range units {
			if st[u] == cellFrac {
				stg.Normalised[u] = x[u]
			} else {
				stg.Normalised[u] = math.NaN()
			}
		}
		s.res.Stages = append(s.res.Stages, stg)
	}

	// 6. Scatter the column back, with explanations.
	for u := range units {
		k := u*nInd + ip.num
		s.mSt[k], s.mX[k] = st[u], x[u]
		if s.opts.Explain && (s.explainUnit == nil || s.explainUnit[u]) {
			var nr NodeResult
			s.fillCell(ip, u, st[u], x[u], &nr)
			s.mExp[k] = s.explain(ip, u, &nr, clamp01(x[u]))
		}
	}
}

// evalCell evaluates indicator ip's inputs for unit u. For an indicator
// that needs no column step (final), the result is the final fraction.
func (s *scorer) evalCell(ip *indPlan, u int, final bool) evalResult {
	ud := &s.ds.Units[u]
	t := s.uType[u]
	if !ip.applyBy[t] || (s.declNA != nil && s.declNA[u*len(s.p.inds)+ip.num]) {
		return evalResult{state: cellNA, note: "not-applicable"}
	}
	mp := ip.mp
	var r evalResult
	if mp.usesValue {
		r = mp.val.eval(ud.Values, &s.probs, ud.Code, ip.node.Code)
	} else {
		r = mp.evalDirect(ud.Values, s.ds.Year, ip.maxBy[t], &s.probs, ud.Code, ip.node.Code)
	}
	if (r.state == cellValue || r.state == cellFrac) && (math.IsNaN(r.x) || math.IsInf(r.x, 0)) {
		s.probs.add(ud.Code, ip.node.Code, "", "a value is not a finite number")
		r.state = cellMissing
	}
	if final {
		switch r.state {
		case cellValue:
			r.state, r.x = cellFrac, mp.valueFractionMax(r.x, ip.maxBy[t])
		case cellMissing:
			switch ip.missing.Policy {
			case MissingAsNA:
				r.state = cellNA
			case MissingAsZero:
				r.state, r.x = cellFrac, 0
			}
		}
	}
	return r
}

// rawPass evaluates every indicator's inputs for every unit, unit by unit
// (each unit's values are read once, in order), into the cell matrices.
// Indicators that need no column step get their final fraction here.
func (s *scorer) rawPass() {
	nInd := len(s.p.inds)
	for u := range s.ds.Units {
		base := u * nInd
		vals := s.ds.Units[u].Values
		t := s.uType[u]
		for i, ip := range s.p.inds {
			// The common case inline: one numeric input, present and
			// finite, of an applicable indicator.
			if mp := ip.mp; mp.usesValue && mp.val.kind == valInput && s.mNote == nil && s.declNA == nil && ip.applyBy[t] {
				if slot := mp.val.slot; slot < len(vals) && vals[slot].Set {
					if x := vals[slot].Num; !math.IsNaN(x) && !math.IsInf(x, 0) {
						if s.colOf[i] < 0 {
							s.mSt[base+i], s.mX[base+i] = cellFrac, mp.valueFractionMax(x, ip.maxBy[t])
						} else {
							s.mSt[base+i], s.mX[base+i] = cellValue, x
						}
						continue
					}
				}
			} else if mp.kind == MethodRatio && s.mNote == nil && s.declNA == nil && ip.applyBy[t] && !mp.m.LowerIsBetter {
				// A ratio of two present inputs with a non-zero denominator.
				if a, b := mp.numSlot, mp.denSlot; a < len(vals) && b < len(vals) && vals[a].Set && vals[b].Set && vals[b].Num != 0 {
					if f := vals[a].Num / (vals[b].Num * mp.target); !math.IsNaN(f) && !math.IsInf(f, 0) {
						s.mSt[base+i], s.mX[base+i] = cellFrac, clamp01(f)
						continue
					}
				}
			}
			r := s.evalCell(ip, u, s.colOf[i] < 0)
			s.mSt[base+i], s.mX[base+i] = r.state, r.x
			if s.mNote != nil {
				s.mNote[base+i] = r.note
			}
		}
	}
}

// needsColumn reports whether an indicator needs a pass over all units:
// peer methods (with their outlier treatment), denominators, imputation
// from peers, and every indicator when stages or explanations are asked
// for.
func (s *scorer) needsColumn(ip *indPlan) bool {
	if s.opts.Stages || s.opts.Explain {
		return true
	}
	if ip.missing.Policy == MissingMean || ip.missing.Policy == MissingGroupMean {
		return true
	}
	return ip.mp.usesValue && (ip.mp.peer || ip.attr != "")
}

// fillCell writes an indicator's result for unit u from its final state
// and value, applying the appraisal council's override.
func (s *scorer) fillCell(ip *indPlan, u int, st cellState, x float64, nr *NodeResult) {
	// Built in a local and stored once: this runs for every unit and
	// indicator.
	r := NodeResult{Code: ip.node.Code}
	if st != cellNA {
		r.Applicable = true
		if st == cellFrac {
			r.Value = clamp01(x)
		} else {
			r.Missing = true
		}
		mx := ip.maxBy[s.uType[u]]
		if s.override != nil {
			if ov := s.override[u*len(s.p.inds)+ip.num]; !math.IsNaN(ov) {
				r.Overridden, r.Missing = true, false
				if s.composite || mx == 0 {
					r.Value = ov
				} else {
					r.Value = ov / mx
				}
			}
		}
		if s.composite {
			mx = s.p.scale
		}
		r.MaxPoints = mx
		r.Points = r.Value * mx * ip.sign
	}
	*nr = r
}

// impute applies the missing-data policy to the units still missing.
func (s *scorer) impute(ip *indPlan, pool cellState) {
	st, x := s.st, s.x
	anyMissing := false
	for _, c := range st {
		if c == cellMissing {
			anyMissing = true
			break
		}
	}
	if !anyMissing {
		return
	}
	switch ip.missing.Policy {
	case MissingNone:
		return
	case MissingAsNA:
		for u, c := range st {
			if c == cellMissing {
				st[u] = cellNA
				if s.notes != nil {
					s.notes[u] = "missing-na"
				}
			}
		}
		return
	case MissingMean, MissingGroupMean:
		g := s.groups(ip.peers)
		var codes []int32
		if ip.missing.Policy == MissingGroupMean {
			codes = s.attrCodes(ip.missing.GroupBy)
		}
		for _, members := range g.members {
			// Means are taken over the peers' own values only, never over
			// values imputed in this step.
			sums := map[int32]float64{}
			counts := map[int32]int{}
			for _, u := range members {
				if st[u] != pool {
					continue
				}
				k := int32(0)
				if codes != nil {
					k = codes[u]
				}
				sums[k] += x[u]
				counts[k]++
			}
			for _, u := range members {
				if st[u] != cellMissing {
					continue
				}
				k := int32(0)
				if codes != nil {
					k = codes[u]
				}
				if k < 0 || counts[k] == 0 {
					continue // nothing to impute from: stays missing
				}
				x[u] = sums[k] / float64(counts[k])
				st[u] = pool
				if s.notes != nil {
					s.notes[u] = "imputed"
				}
			}
		}
		return
	default: // zero
		for u, c := range st {
			if c == cellMissing {
				st[u], x[u] = cellFrac, 0
				if s.notes != nil && s.notes[u] == "" {
					s.notes[u] = "missing-zero"
				}
			}
		}
	}
}

// aggregate computes every group, the unit values, pillars, adjustments,
// totals and bands.
func (s *scorer) aggregate() {
	p := s.p
	composite := p.style == StyleComposite
	defAgg := AggSum
	if composite {
		defAgg = AggMean
	}
	pow := math.Pow(10, float64(p.valueDec))
	for u := range s.res.Units {
		ur := &s.res.Units[u]
		t := s.uType[u]
		nodes := ur.Nodes
		base := u * len(p.inds)
		for i, ip := range p.inds {
			var nr *NodeResult
			if ip.nodeIdx >= 0 {
				nr = &nodes[ip.nodeIdx]
			} else {
				nr = &ur.Adjustments[ip.adjIdx]
			}
			s.fillCell(ip, u, s.mSt[base+i], s.mX[base+i], nr)
			if s.mExp != nil {
				nr.Explanation = s.mExp[base+i]
			}
		}
		for i := len(p.nodes) - 1; i >= 0; i-- {
			if p.indOf[i] >= 0 {
				continue
			}
			n := p.nodes[i]
			nr := &nodes[i]
			nr.Code = n.Code
			if !p.applies[i*p.nTypes+t] {
				continue
			}
			agg := n.Aggregation
			if agg == "" {
				agg = defAgg
			}
			p.combine(nodes, p.children[i], agg, n.MissingChildren, p.weight, nr)
		}
		var root NodeResult
		p.combine(nodes, p.top, defAgg, MissingSkip, p.weight, &root)

		// Pillars.
		for k, inds := range p.pillarInds {
			pr := &ur.Pillars[k]
			var pts, mx, wsum, vsum float64
			for _, in := range inds {
				ip := p.inds[in]
				cr := &nodes[ip.nodeIdx]
				if !cr.Applicable {
					continue
				}
				pr.Applicable = true
				if cr.Missing {
					continue
				}
				w := p.weight[ip.nodeIdx]
				pts += cr.Points
				mx += cr.MaxPoints
				wsum += w
				vsum += w * cr.Value
			}
			switch {
			case !pr.Applicable:
			case wsum == 0:
				pr.Missing = true
			case composite:
				pr.Value = vsum / wsum
				pr.MaxPoints = p.scale
				pr.Points = pr.Value * p.scale
			case mx > 0:
				pr.Value = pts / mx
				pr.Points, pr.MaxPoints = pts, mx
			}
		}

		// Adjustments and the total.
		adj := 0.0
		for i := range ur.Adjustments {
			adj += ur.Adjustments[i].Points
		}
		ur.Adjustment = roundTo(adj, p.pointDec)
		s.adj[u] = adj
		value := clamp01(root.Value)
		ur.Value = math.Round(value*pow) / pow
		total := value*p.scale + adj
		total = math.Max(0, math.Min(p.scale, total))
		ur.Points = roundTo(total, p.pointDec)
		key := math.Round(total/p.scale*pow) / pow
		s.keys[u] = key
		ur.Band = bandCode(p.ix.Bands, key*100)
	}
}

// combine aggregates a node's children into nr.
// weight holds the nodes' weights (the plan's, or drawn ones).
func (p *scorePlan) combine(nodes []NodeResult, kids []int32, agg Aggregation, rule MissingChildren, weight []float64, nr *NodeResult) {
	var pts, mx, wsum, vsum, lsum float64
	applicable, counted, geoZero := false, 0, false
	for _, c := range kids {
		cr := &nodes[c]
		if !cr.Applicable {
			continue
		}
		applicable = true
		w := weight[c]
		if cr.Missing {
			switch rule {
			case MissingNA:
				nr.Applicable, nr.Missing = true, true
				return
			case MissingZero:
				counted++
				mx += cr.MaxPoints
				wsum += w
				geoZero = true
			}
			continue
		}
		counted++
		pts += cr.Points
		mx += cr.MaxPoints
		wsum += w
		vsum += w * cr.Value
		if agg == AggGeometric {
			if cr.Value > 0 {
				lsum += w * math.Log(cr.Value)
			} else {
				geoZero = true
			}
		}
	}
	nr.Applicable = applicable
	if !applicable {
		return
	}
	if counted == 0 || wsum == 0 {
		nr.Missing = true
		return
	}
	composite := p.style == StyleComposite
	switch {
	case agg == AggSum && !composite && mx > 0:
		nr.Value = pts / mx
	case agg == AggGeometric:
		if !geoZero {
			nr.Value = math.Exp(lsum / wsum)
		}
	default:
		nr.Value = vsum / wsum
	}
	if composite {
		nr.MaxPoints = p.scale
		nr.Points = nr.Value * p.scale
		return
	}
	nr.MaxPoints = mx
	if agg == AggSum {
		nr.Points = pts
	} else {
		nr.Points = nr.Value * mx
	}
}

// roundTo rounds x to d decimals, halves away from zero.
func roundTo(x float64, d int) float64 {
	pow := math.Pow(10, float64(d))
	return math.Round(x*pow) / pow
}
