package scoring

// This file holds the Monte Carlo uncertainty analysis of a ranking, in the
// composite-index practice (JRC; COINr's get_sensitivity): the choices an
// index builder made — the weights (points style: the max points of the
// nodes), the aggregation, the missing-data policy, the normalisation — are
// drawn at random many times, the ranking is recomputed in every draw, and
// each unit's ranks over the draws give its rank interval.
//
// Indicator scores depend only on the missing-data policy and the
// normalisation, so every combination of those (a scenario) is scored once
// by the engine; a draw picks a scenario and re-aggregates every unit's
// tree with its own weights and aggregation, as Score does (combine).

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

const (
	// DefaultUncertaintyDraws is the number of draws when
	// UncertaintyConfig.Draws is 0.
	DefaultUncertaintyDraws = 1000
	// MaxUncertaintyDraws bounds UncertaintyConfig.Draws.
	MaxUncertaintyDraws = 1_000_000
	// DefaultWeightSpread is the weight perturbation (±25 %) when
	// UncertaintyConfig.WeightSpread is 0.
	DefaultWeightSpread = 0.25
)

// UncertaintyConfig configures Uncertainty. The zero value runs 1,000
// draws from seed 0 that perturb the weight of every node by up to ±25 %.
type UncertaintyConfig struct {
	// Draws is the number of Monte Carlo draws: 0 means
	// DefaultUncertaintyDraws, at most MaxUncertaintyDraws.
	Draws int
	// Seed seeds the draws: the same seed gives the same result. Draw d
	// has its own random source seeded from (Seed, d).
	Seed uint64
	// Workers is the number of goroutines sharing the draws (0:
	// runtime.GOMAXPROCS(0)). It changes the time taken, never the result.
	Workers int

	// WeightSpread s multiplies the weight of every perturbed node by a
	// factor drawn uniformly from [1 − s, 1 + s]; the weights of siblings
	// are then renormalised to their declared sum. In a points-style index
	// a node's weight is its max points: the children of a node keep their
	// declared total, so every group's max and the scale stay as declared
	// and only the shares move. 0 means DefaultWeightSpread; it must be
	// below 1.
	WeightSpread float64
	// FixedWeights keeps every weight as declared (no weight draws);
	// WeightSpread and Levels must then be left unset.
	FixedWeights bool
	// Levels are the depths of the tree (Node.Depth: 0 for the top-level
	// nodes) whose nodes' weights are drawn; empty means every depth. A
	// node without siblings keeps its weight whatever its factor.
	Levels []int

	// Aggregation draws, with equal chances, the arithmetic or the
	// geometric aggregation in each draw, for every group and the total at
	// once. Arithmetic is the sum of points in a points-style index and
	// the weighted mean in a composite one; the geometric mean weighs a
	// points-style node's children by their max points. Any child scoring
	// 0 makes a geometric mean 0, as in the engine (in a DTI, where many
	// yes/no indicators score 0, most geometric totals are then 0).
	Aggregation bool
	// MissingPolicies, when not empty, are the missing-data policies drawn
	// (uniformly) in each draw for every indicator of the tree: zero, na,
	// mean or none (see Missing). The drawn policy replaces every
	// indicator's own; list that one too to keep it among the choices.
	MissingPolicies []MissingPolicy
	// Normalisations, when not empty, are the methods drawn (uniformly) in
	// each draw for every indicator scored against its peers
	// (best_in_block, zscore, rank, percentile, and minmax without fixed
	// goalposts): any of those five, e.g. minmax and zscore.
	Normalisations []MethodKind
}

// UncertaintyResult is the outcome of Uncertainty.
type UncertaintyResult struct {
	IndexCode, IndexHash string
	// Config is the configuration used, defaults filled in.
	Config UncertaintyConfig
	// Units has an entry per unit, in the order of Dataset.Units.
	Units []UnitUncertainty
	// Blocks summarise the ranked blocks, in the order of Index.Blocks
	// (blocks without units left out).
	Blocks []BlockUncertainty
}

// UnitUncertainty is one unit's rank over the draws of Uncertainty.
type UnitUncertainty struct {
	Code, Name, Block string
	// Rank, Value and Points are the nominal results: Score's, with the
	// index as defined. Rank is 0 in an unranked block, and so are the
	// rank statistics below.
	Rank          int
	Value, Points float64
	// MedianRank is the median of the unit's ranks over the draws (with an
	// even number of draws, the mean of the two middle ranks).
	MedianRank float64
	// RankLow and RankHigh are the 5th and 95th percentiles of the ranks
	// (nearest-rank method: the ⌈0.05 N⌉-th and ⌈0.95 N⌉-th smallest of N
	// draws): the unit's rank interval, the best rank first.
	RankLow, RankHigh int
	// RankBest and RankWorst are the best and worst ranks of any draw.
	RankBest, RankWorst int
	// MeanShift is the mean absolute difference between a draw's rank and
	// the nominal rank.
	MeanShift float64
	// PointsLow and PointsHigh are the 5th and 95th percentiles of the
	// unit's total points over the draws (value × scale plus adjustments,
	// clamped to [0, scale], as Points), counted in steps of a thousandth
	// of the scale (1 point of a 1000-point DTI), or of the value decimals
	// when they are coarser. Units of unranked blocks have them too.
	PointsLow, PointsHigh float64
}

// BlockUncertainty summarises the draws of one ranked block.
type BlockUncertainty struct {
	Code  string
	Units int
	// MeanShift is the mean of the units' MeanShift: the block's mean
	// absolute rank shift.
	MeanShift float64
}

// UncertaintyConfigError reports a field of UncertaintyConfig that is out
// of range. Field is the field's Go name (Draws, Workers, WeightSpread,
// Levels, MissingPolicies or Normalisations).
type UncertaintyConfigError struct {
	Field   string
	Message string
}

// Error formats the problem as "uncertainty: FIELD: message".
func (e *UncertaintyConfigError) Error() string {
	return "uncertainty: " + e.Field + ": " + e.Message
}

// Uncertainty runs a Monte Carlo uncertainty analysis of the ranking of ds
// against ix and gives every unit its nominal rank and its rank interval
// over the draws. It is deterministic for a given configuration, whatever
// the number of workers. Memory does not grow with the number of draws:
// each unit's ranks are counted, never stored per draw.
//
// It returns an *UncertaintyConfigError for a configuration out of range,
// and the errors of Score (*DataError, ErrNoYear) for data that cannot be
// scored.
func Uncertainty(ix *Index, ds *Dataset, cfg UncertaintyConfig) (*UncertaintyResult, error) {
	return UncertaintyContext(context.Background(), ix, ds, cfg)
}

// UncertaintyContext is Uncertainty that stops between draws when ctx is
// done (a web request gone, a deadline) and then returns ctx.Err().
func UncertaintyContext(ctx context.Context, ix *Index, ds *Dataset, cfg UncertaintyConfig) (*UncertaintyResult, error) {
	if ix == nil || ds == nil {
		return nil, errors.New("uncertainty: nil index or dataset")
	}
	if len(ds.Units) >= 1<<uncUnitBits {
		return nil, fmt.Errorf("uncertainty: %d units: at most %d", len(ds.Units), 1<<uncUnitBits-1)
	}
	cfg, err := cfg.resolve(ix)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	nominal, err := Score(ix, ds, Options{})
	if err != nil {
		return nil, err
	}
	a, err := newUncAnalysis(ix, ds, cfg, nominal)
	if err != nil {
		return nil, err
	}

	// Draws are handed out one at a time; every statistic is an integer
	// count, so how draws fall to workers cannot change the sums.
	workers := min(cfg.Workers, cfg.Draws)
	ws := make([]*uncWorker, workers)
	var next atomic.Int64
	var wg sync.WaitGroup
	for k := range ws {
		ws[k] = a.newWorker()
		wg.Add(1)
		go func(w *uncWorker) {
			defer wg.Done()
			for ctx.Err() == nil {
				d := int(next.Add(1) - 1)
				if d >= cfg.Draws {
					return
				}
				w.draw(d)
			}
		}(ws[k])
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, w := range ws[1:] {
		ws[0].merge(w)
	}
	return a.result(ws[0], nominal), nil
}

// resolve checks the configuration and fills in its defaults.
func (c UncertaintyConfig) resolve(ix *Index) (UncertaintyConfig, error) {
	bad := func(field, format string, args ...any) (UncertaintyConfig, error) {
		return c, &UncertaintyConfigError{Field: field, Message: fmt.Sprintf(format, args...)}
	}
	switch {
	case c.Draws == 0:
		c.Draws = DefaultUncertaintyDraws
	case c.Draws < 0 || c.Draws > MaxUncertaintyDraws:
		return bad("Draws", "%d draws: want 1 to %d", c.Draws, MaxUncertaintyDraws)
	}
	switch {
	case c.Workers == 0:
		c.Workers = runtime.GOMAXPROCS(0)
	case c.Workers < 0:
		return bad("Workers", "%d workers: want 1 or more (0: one per CPU)", c.Workers)
	}
	switch {
	case math.IsNaN(c.WeightSpread) || c.WeightSpread < 0 || c.WeightSpread >= 1:
		return bad("WeightSpread", "%v: want a share in 0..1, below 1 (0.25 is ±25 %%)", c.WeightSpread)
	case c.FixedWeights && c.WeightSpread != 0:
		return bad("WeightSpread", "set together with FixedWeights")
	case c.FixedWeights && len(c.Levels) > 0:
		return bad("Levels", "set together with FixedWeights")
	case !c.FixedWeights && c.WeightSpread == 0:
		c.WeightSpread = DefaultWeightSpread
	}
	maxDepth := 0
	for _, n := range ix.AllNodes() {
		maxDepth = max(maxDepth, n.Depth)
	}
	for i, l := range c.Levels {
		if l < 0 || l > maxDepth {
			return bad("Levels", "level %d: the tree has levels 0 (top) to %d", l, maxDepth)
		}
		if slices.Contains(c.Levels[:i], l) {
			return bad("Levels", "level %d is listed twice", l)
		}
	}
	for i, m := range c.MissingPolicies {
		switch m {
		case MissingAsZero, MissingAsNA, MissingMean, MissingNone:
		case MissingGroupMean:
			return bad("MissingPolicies", "group_mean needs a group_by attribute per indicator; use mean")
		default:
			return bad("MissingPolicies", "unknown policy %q: want zero, na, mean or none", m)
		}
		if slices.Contains(c.MissingPolicies[:i], m) {
			return bad("MissingPolicies", "%s is listed twice", m)
		}
	}
	for i, k := range c.Normalisations {
		if !methodIsPeer(k) {
			return bad("Normalisations", "%q is not a peer-relative method: want minmax, zscore, rank, percentile or best_in_block", k)
		}
		if slices.Contains(c.Normalisations[:i], k) {
			return bad("Normalisations", "%s is listed twice", k)
		}
	}
	if len(c.Normalisations) > 0 && !slices.ContainsFunc(ix.Indicators(), normalisable) {
		return bad("Normalisations", "the index has no indicator scored against its peers")
	}
	c.Levels = slices.Clone(c.Levels)
	c.MissingPolicies = slices.Clone(c.MissingPolicies)
	c.Normalisations = slices.Clone(c.Normalisations)
	return c, nil
}

// normalisable reports whether an indicator's method may be swapped for
// another normalisation: a peer-relative method, minmax only without fixed
// goalposts (those are a fixed scale, not a comparison with peers).
func normalisable(n *Node) bool {
	m := n.Method
	return m != nil && methodIsPeer(m.Kind) && m.Goalposts == nil
}

// Cell codes of a scenario besides values in 0..1.
const (
	uncNA      = -1 // not applicable
	uncMissing = -2 // applicable, no value
)

// uncScenario is every tree indicator's result for every unit under one
// choice of missing-data policy and normalisation.
type uncScenario struct {
	// cells are unit-major (unit*nTree + indicator): the value in 0..1
	// (overrides applied), uncNA or uncMissing.
	cells []float64
	// adj is each unit's unrounded adjustment points (bonus − penalty).
	adj []float64
}

// uncAnalysis is what every draw reads.
type uncAnalysis struct {
	p         *scorePlan
	cfg       UncertaintyConfig
	ds        *Dataset
	composite bool
	defAgg    Aggregation
	pow       float64
	// ptsSteps is the number of steps of the scale in which the totals
	// are counted (PointsLow, PointsHigh).
	ptsSteps float64

	nU, nN, nT, nTypes int
	uType              []int
	// blocks lists the units of each ranked block; blockNo maps a block
	// of the index to its number in blocks (-1: not ranked).
	blocks  [][]int32
	blockNo []int32
	nominal []int32 // nominal rank per unit (0: not ranked)

	scen  []uncScenario // missing choice × normalisation choice
	nNorm int

	indNode []int32   // tree indicator -> its node
	perturb []bool    // node -> its weight is drawn
	parent  []int32   // node -> parent node (-1: top level)
	sets    [][]int32 // sibling sets, parents before children: top, then each group's children
	nodeMax []float64 // node*nTypes + type: declared max points (points style)
}

func newUncAnalysis(ix *Index, ds *Dataset, cfg UncertaintyConfig, nominal *Results) (*uncAnalysis, error) {
	p, err := newScorePlan(ix)
	if err != nil {
		return nil, err
	}
	a := &uncAnalysis{p: p, cfg: cfg, ds: ds, composite: p.style == StyleComposite,
		nU: len(ds.Units), nN: len(p.nodes), nT: p.nTree, nTypes: p.nTypes}
	a.defAgg = AggSum
	if a.composite {
		a.defAgg = AggMean
	}
	a.pow = math.Pow(10, float64(p.valueDec))
	a.ptsSteps = math.Min(a.pow, 1000)

	// Units: Score has checked their types and blocks.
	a.uType = make([]int, a.nU)
	a.nominal = make([]int32, a.nU)
	a.blockNo = make([]int32, len(ix.Blocks))
	for b, blk := range ix.Blocks {
		a.blockNo[b] = -1
		if blk.Ranked {
			a.blockNo[b] = int32(len(a.blocks))
			a.blocks = append(a.blocks, nil)
		}
	}
	for u := range ds.Units {
		ud := &ds.Units[u]
		a.uType[u] = p.types[ud.Type]
		k := a.blockNo[p.blocks[ud.Block]]
		a.nominal[u] = int32(nominal.Units[u].Rank)
		if k >= 0 {
			a.blocks[k] = append(a.blocks[k], int32(u))
		}
	}

	// The tree: parents, sibling sets and which weights are drawn.
	a.indNode = make([]int32, a.nT)
	for k, ip := range p.inds[:a.nT] {
		a.indNode[k] = int32(ip.nodeIdx)
	}
	a.parent = make([]int32, a.nN)
	a.perturb = make([]bool, a.nN)
	a.nodeMax = make([]float64, a.nN*a.nTypes)
	for i := range a.parent {
		a.parent[i] = -1
	}
	a.sets = append(a.sets, p.top)
	for i, kids := range p.children {
		for _, c := range kids {
			a.parent[c] = int32(i)
		}
		if len(kids) > 0 {
			a.sets = append(a.sets, kids)
		}
	}
	for i, n := range p.nodes {
		a.perturb[i] = !cfg.FixedWeights && (len(cfg.Levels) == 0 || slices.Contains(cfg.Levels, n.Depth))
		for t, ut := range ix.UnitTypes {
			a.nodeMax[i*a.nTypes+t] = ix.MaxPointsFor(n, ut.Code)
		}
	}

	// Scenarios.
	missing := cfg.MissingPolicies
	if len(missing) == 0 {
		missing = []MissingPolicy{""}
	}
	norms := cfg.Normalisations
	if len(norms) == 0 {
		norms = []MethodKind{""}
	}
	a.nNorm = len(norms)
	for _, m := range missing {
		for _, k := range norms {
			sc, err := a.scenario(ix, nominal, m, k)
			if err != nil {
				return nil, err
			}
			a.scen = append(a.scen, sc)
		}
	}
	return a, nil
}

// scenario scores every indicator with the missing-data policy and the
// normalisation given; with neither, it takes nominal's scores.
func (a *uncAnalysis) scenario(ix *Index, nominal *Results, missing MissingPolicy, norm MethodKind) (uncScenario, error) {
	if missing == "" && norm == "" {
		return a.newScenario(func(u, i int) *NodeResult {
			ur, ip := &nominal.Units[u], a.p.inds[i]
			if ip.nodeIdx >= 0 {
				return &ur.Nodes[ip.nodeIdx]
			}
			return &ur.Adjustments[ip.adjIdx]
		}), nil
	}
	p, err := newScorePlan(ix)
	if err != nil {
		return uncScenario{}, err
	}
	for _, ip := range p.inds[:p.nTree] {
		if missing != "" {
			ip.missing = Missing{Policy: missing}
		}
		if norm != "" && normalisable(ip.node) {
			ip.mp.kind = norm
		}
	}
	s, err := newPlanScorer(p, a.ds, Options{})
	if err != nil {
		return uncScenario{}, err
	}
	defer s.release()
	var nr NodeResult
	nInd := len(p.inds)
	return a.newScenario(func(u, i int) *NodeResult {
		k := u*nInd + i
		s.fillCell(p.inds[i], u, s.mSt[k], s.mX[k], &nr)
		return &nr
	}), nil
}

// newScenario collects a scenario from a scoring run: result(u, i) is
// unit u's result of indicator i (the tree's, then the adjustments).
func (a *uncAnalysis) newScenario(result func(u, i int) *NodeResult) uncScenario {
	sc := uncScenario{cells: make([]float64, a.nU*a.nT), adj: make([]float64, a.nU)}
	nInd := len(a.p.inds)
	for u := 0; u < a.nU; u++ {
		for i := 0; i < nInd; i++ {
			nr := result(u, i)
			if i >= a.nT {
				// Summed in the order Score sums them.
				sc.adj[u] += nr.Points
				continue
			}
			c := nr.Value
			switch {
			case !nr.Applicable:
				c = uncNA
			case nr.Missing:
				c = uncMissing
			}
			sc.cells[u*a.nT+i] = c
		}
	}
	return sc
}

// uncWorker holds one goroutine's scratch and counts.
type uncWorker struct {
	a      *uncAnalysis
	src    *rand.PCG // reseeded for every draw
	rng    *rand.Rand
	nodes  []NodeResult // one unit's tree
	weight []float64    // node weights of the draw
	maxW   []float64    // points style, geometric: children weighed by max points
	fac    []float64    // node -> drawn factor
	mult   []float64    // node*nTypes + type: max points multiplier (points style)
	effMax []float64    // type*nTree + indicator: the indicator's max points in the draw
	keys   []int64      // unit -> ranking key (total ÷ scale in value decimals)
	order  []uint64     // a block's packed keys (see draw)

	ranks []spanCounts // unit -> its ranks over the draws
	shift []int64      // unit -> Σ |rank − nominal rank|
	// points counts each unit's totals over the draws, in steps of the
	// scale (ptsSteps), step s counted as s + 1.
	points []spanCounts
}

// uncUnitBits is the width of the unit number in a packed ranking key:
// the key (at most 10^10, 34 bits) fills the bits above.
const uncUnitBits = 30

func (a *uncAnalysis) newWorker() *uncWorker {
	src := rand.NewPCG(0, 0)
	w := &uncWorker{a: a, src: src, rng: rand.New(src),
		nodes:  make([]NodeResult, a.nN),
		weight: slices.Clone(a.p.weight),
		maxW:   make([]float64, a.nN),
		fac:    make([]float64, a.nN),
		mult:   make([]float64, a.nN*a.nTypes),
		effMax: make([]float64, a.nTypes*a.nT),
		keys:   make([]int64, a.nU),
		ranks:  make([]spanCounts, a.nU),
		shift:  make([]int64, a.nU),
		points: make([]spanCounts, a.nU),
	}
	for i := range w.mult {
		w.mult[i] = 1
	}
	return w
}

// splitMix64 scrambles the draw number into a seed word.
func splitMix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// draw runs draw d: its choices, every unit's total, the ranks.
func (w *uncWorker) draw(d int) {
	a, p := w.a, w.a.p
	w.src.Seed(a.cfg.Seed, splitMix64(uint64(d)))
	r := w.rng

	// The choices of the draw, always drawn in this order.
	mi, ni := 0, 0
	if n := len(a.cfg.MissingPolicies); n > 0 {
		mi = r.IntN(n)
	}
	if n := len(a.cfg.Normalisations); n > 0 {
		ni = r.IntN(n)
	}
	sc := &a.scen[mi*a.nNorm+ni]
	geo := a.cfg.Aggregation && r.IntN(2) == 1
	if !a.cfg.FixedWeights {
		for i := range w.fac {
			w.fac[i] = 1
			if a.perturb[i] {
				w.fac[i] = 1 + a.cfg.WeightSpread*(2*r.Float64()-1)
			}
		}
		w.drawWeights()
	}
	rootAgg := a.defAgg
	if geo {
		rootAgg = AggGeometric
	}
	// Points style weighs a geometric mean's children by their max points.
	weight := w.weight
	pointsGeo := geo && !a.composite
	if pointsGeo {
		weight = w.maxW
	}
	// Every indicator's max points for each unit type in this draw.
	for k, ip := range p.inds[:a.nT] {
		for t := 0; t < a.nTypes; t++ {
			mx := p.scale
			if !a.composite {
				mx = ip.maxBy[t] * w.mult[int(a.indNode[k])*a.nTypes+t]
			}
			w.effMax[t*a.nT+k] = mx
		}
	}

	nodes := w.nodes
	for u := 0; u < a.nU; u++ {
		t := a.uType[u]
		row := sc.cells[u*a.nT : (u+1)*a.nT]
		maxes := w.effMax[t*a.nT : (t+1)*a.nT]
		for k, i := range a.indNode {
			nr := &nodes[i]
			switch c, mx := row[k], maxes[k]; c {
			case uncNA:
				*nr = NodeResult{}
			case uncMissing:
				*nr = NodeResult{Applicable: true, Missing: true, MaxPoints: mx}
			default:
				*nr = NodeResult{Applicable: true, Value: c, Points: c * mx, MaxPoints: mx}
			}
			if pointsGeo {
				w.maxW[i] = nr.MaxPoints
			}
		}
		for i := a.nN - 1; i >= 0; i-- {
			if p.indOf[i] >= 0 {
				continue
			}
			nr := &nodes[i]
			*nr = NodeResult{}
			if p.applies[i*a.nTypes+t] {
				agg := p.nodes[i].Aggregation
				switch {
				case geo:
					agg = AggGeometric
				case a.cfg.Aggregation || agg == "":
					agg = a.defAgg
				}
				p.combine(nodes, p.children[i], agg, p.nodes[i].MissingChildren, weight, nr)
			}
			if pointsGeo {
				w.maxW[i] = nr.MaxPoints
			}
		}
		var root NodeResult
		p.combine(nodes, p.top, rootAgg, MissingSkip, weight, &root)
		// The total and its key, as Score computes them.
		total := clamp01(root.Value)*p.scale + sc.adj[u]
		total = math.Max(0, math.Min(p.scale, total))
		w.keys[u] = int64(math.Round(total / p.scale * a.pow))
		w.points[u].add(int32(math.Round(total/p.scale*a.ptsSteps))+1, 1)
	}

	// Standard competition ranks: units sorted by key, best first, as
	// packed integers (the key's distance from the best possible key above
	// the unit number) that sort faster than pairs.
	maxKey := int64(a.pow)
	for _, members := range a.blocks {
		ord := w.order[:0]
		for _, u := range members {
			ord = append(ord, uint64(maxKey-w.keys[u])<<uncUnitBits|uint64(u))
		}
		slices.Sort(ord)
		rank := 0
		for pos, e := range ord {
			if pos == 0 || ord[pos-1]>>uncUnitBits != e>>uncUnitBits {
				rank = pos + 1
			}
			u := int32(e & (1<<uncUnitBits - 1))
			w.ranks[u].add(int32(rank), 1)
			diff := int64(rank) - int64(a.nominal[u])
			w.shift[u] += max(diff, -diff)
		}
		w.order = ord
	}
}

// drawWeights turns the drawn factors into the draw's weights: composite
// weights w·f renormalised to the siblings' declared sum; points-style
// max point multipliers, per unit type, such that siblings keep their
// declared total max, compounded down the tree.
func (w *uncWorker) drawWeights() {
	a, p := w.a, w.a.p
	for _, set := range a.sets {
		if a.composite {
			var sw, sf float64
			for _, j := range set {
				sw += p.weight[j]
				sf += p.weight[j] * w.fac[j]
			}
			norm := 1.0
			if sf > 0 {
				norm = sw / sf
			}
			for _, j := range set {
				w.weight[j] = p.weight[j] * w.fac[j] * norm
			}
			continue
		}
		for t := 0; t < a.nTypes; t++ {
			var sm, sf float64
			for _, j := range set {
				m := a.nodeMax[int(j)*a.nTypes+t]
				sm += m
				sf += m * w.fac[j]
			}
			norm := 1.0
			if sf > 0 {
				norm = sm / sf
			}
			for _, j := range set {
				up := 1.0
				if par := a.parent[j]; par >= 0 {
					up = w.mult[int(par)*a.nTypes+t]
				}
				w.mult[int(j)*a.nTypes+t] = up * w.fac[j] * norm
			}
		}
	}
}

// merge adds o's counts to w's.
func (w *uncWorker) merge(o *uncWorker) {
	for u := range w.ranks {
		w.ranks[u].merge(&o.ranks[u])
		w.points[u].merge(&o.points[u])
		w.shift[u] += o.shift[u]
	}
}

// result summarises the counts.
func (a *uncAnalysis) result(w *uncWorker, nominal *Results) *UncertaintyResult {
	n := a.cfg.Draws
	res := &UncertaintyResult{IndexCode: a.p.ix.Code, IndexHash: a.p.ix.Hash, Config: a.cfg,
		Units: make([]UnitUncertainty, a.nU)}
	for u := range res.Units {
		ur := &nominal.Units[u]
		uu := UnitUncertainty{Code: ur.Code, Name: ur.Name, Block: ur.Block, Rank: ur.Rank, Value: ur.Value, Points: ur.Points}
		if ur.Rank > 0 {
			w.ranks[u].summarise(&uu)
			uu.MeanShift = float64(w.shift[u]) / float64(n)
		}
		pc := &w.points[u]
		step := func(k uint64) float64 {
			return roundTo(float64(pc.nth(k)-1)/a.ptsSteps*a.p.scale, a.p.pointDec)
		}
		uu.PointsLow, uu.PointsHigh = step(uint64(5*n+99)/100), step(uint64(95*n+99)/100)
		res.Units[u] = uu
	}
	for b, blk := range a.p.ix.Blocks {
		if a.blockNo[b] < 0 {
			continue
		}
		members := a.blocks[a.blockNo[b]]
		if len(members) == 0 {
			continue
		}
		bu := BlockUncertainty{Code: blk.Code, Units: len(members)}
		for _, u := range members {
			bu.MeanShift += res.Units[u].MeanShift
		}
		bu.MeanShift /= float64(len(members))
		res.Blocks = append(res.Blocks, bu)
	}
	return res
}

// spanCounts counts values ≥ 1 over the draws (a unit's ranks, or its
// totals in steps of the scale plus 1): counts[i] draws gave lo+i. Only
// the span of values seen is kept, so memory does not grow with the draws.
type spanCounts struct {
	lo     int32
	counts []uint32
}

// add counts n more draws at value r (r ≥ 1). The span grows by doubling,
// on either side, so a unit whose ranks wander costs few allocations.
func (rc *spanCounts) add(r int32, n uint32) {
	switch {
	case len(rc.counts) == 0:
		rc.lo = r
		rc.counts = make([]uint32, 1, 4)
	case r < rc.lo:
		// Values start at 1: never reach below it.
		extra := min(max(int(rc.lo-r), len(rc.counts)), int(rc.lo-1))
		grown := make([]uint32, extra+len(rc.counts))
		copy(grown[extra:], rc.counts)
		rc.counts, rc.lo = grown, rc.lo-int32(extra)
	case int(r-rc.lo) >= len(rc.counts):
		// Counts beyond the length are zero: they were never written.
		need := int(r-rc.lo) + 1
		if need > cap(rc.counts) {
			grown := make([]uint32, len(rc.counts), max(need, 2*cap(rc.counts)))
			copy(grown, rc.counts)
			rc.counts = grown
		}
		rc.counts = rc.counts[:need]
	}
	rc.counts[r-rc.lo] += n
}

// merge adds o's counts.
func (rc *spanCounts) merge(o *spanCounts) {
	for i, n := range o.counts {
		if n > 0 {
			rc.add(o.lo+int32(i), n)
		}
	}
}

// nth returns the k-th smallest value counted (k from 1).
func (rc *spanCounts) nth(k uint64) int {
	var seen uint64
	for i, n := range rc.counts {
		seen += uint64(n)
		if seen >= k {
			return int(rc.lo) + i
		}
	}
	return int(rc.lo) + len(rc.counts) - 1
}

// summarise sets the rank statistics of uu from the counts.
func (rc *spanCounts) summarise(uu *UnitUncertainty) {
	var n uint64
	for _, c := range rc.counts {
		n += uint64(c)
	}
	if n == 0 {
		return
	}
	uu.RankBest, uu.RankWorst = rc.nth(1), rc.nth(n)
	uu.RankLow, uu.RankHigh = rc.nth((5*n+99)/100), rc.nth((95*n+99)/100)
	if n%2 == 1 {
		uu.MedianRank = float64(rc.nth((n + 1) / 2))
	} else {
		uu.MedianRank = float64(rc.nth(n/2)+rc.nth(n/2+1)) / 2
	}
}
