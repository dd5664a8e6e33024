package scoring

// This file holds the Monte Carlo uncertainty analysis of a ranking, the
// composite-index practice (JRC, COINr get_sensitivity): the weights (or,
// in a points-style index, the indicators' max points) and optionally the
// aggregation method of every group are drawn at random many times, and
// each unit's rank over the draws gives its rank interval. Indicator
// scores do not depend on those choices, so they are computed once and
// only the tree is re-aggregated per draw.

import (
	"errors"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
)

// UncertaintyOptions configure Uncertainty.
type UncertaintyOptions struct {
	// Draws is the number of random draws (default 1000).
	Draws int
	// Seed seeds the random draws: the same seed gives the same result.
	Seed uint64
	// WeightSpread s multiplies every node's weight (composite style) or
	// every indicator's max points (points style) by a factor drawn
	// uniformly from [1 − s, 1 + s] in each draw. Default 0.25; must be in
	// 0..1.
	WeightSpread float64
	// Aggregations, when not empty, are the methods drawn uniformly for
	// every group of a composite index in each draw (e.g. mean and
	// geometric). Points-style indexes always sum.
	Aggregations []Aggregation
}

// UnitUncertainty is one unit's rank and value over the draws.
type UnitUncertainty struct {
	Code, Block string
	// Rank is the unit's rank with the index as defined (as Score gives
	// it); 0 in an unranked block, and then the rank fields are 0 too.
	Rank int
	// MedianRank is the median of the unit's rank over the draws.
	MedianRank float64
	// RankLow and RankHigh bound the middle 90 % of the draws (5th and
	// 95th percentiles, nearest rank): the best and worst plausible ranks.
	RankLow, RankHigh int
	// Value is the unit's value as defined; ValueLow and ValueHigh are
	// the 5th and 95th percentiles of its value over the draws.
	Value, ValueLow, ValueHigh float64
}

// Uncertainty spreads the draws over GOMAXPROCS goroutines; each draw has
// its own seeded random source, so the result is the same however many
// there are.

// ErrBadUncertainty is returned by Uncertainty for options out of range.
var ErrBadUncertainty = errors.New("uncertainty: draws must be ≥ 1 and weight spread in 0..1")

// Uncertainty runs a Monte Carlo uncertainty analysis of the ranking of ds
// against ix and returns one entry per unit, in the order of ds.Units. It
// is deterministic for a given seed. It returns the errors of Score and
// ErrBadUncertainty.
func Uncertainty(ix *Index, ds *Dataset, opts UncertaintyOptions) ([]UnitUncertainty, error) {
	if opts.Draws == 0 {
		opts.Draws = 1000
	}
	if opts.WeightSpread == 0 {
		opts.WeightSpread = 0.25
	}
	if opts.Draws < 1 || opts.WeightSpread < 0 || opts.WeightSpread > 1 || math.IsNaN(opts.WeightSpread) {
		return nil, ErrBadUncertainty
	}
	s, err := newScorer(ix, ds, Options{})
	if err != nil {
		return nil, err
	}
	s.aggregate()
	s.rank()
	p := s.p
	nU, nN, draws := len(ds.Units), len(p.nodes), opts.Draws

	// Units of ranked blocks, per block.
	var blocks [][]int
	for b, blk := range p.ix.Blocks {
		if !blk.Ranked {
			continue
		}
		var members []int
		for u := range ds.Units {
			if s.uBlock[u] == b {
				members = append(members, u)
			}
		}
		if len(members) > 0 {
			blocks = append(blocks, members)
		}
	}

	// The indicators' nominal results, compact and unit-major: the draws
	// only re-weigh them.
	nT := p.nTree
	cells := make([]drawNode, nU*nT)
	for u := range ds.Units {
		for k, ip := range p.inds[:nT] {
			nr := &s.res.Units[u].Nodes[ip.nodeIdx]
			cells[u*nT+k] = drawNode{app: nr.Applicable, miss: nr.Missing, v: nr.Value, pts: nr.Points, max: nr.MaxPoints}
		}
	}

	ranks := make([]int32, nU*draws)
	values := make([]float64, nU*draws)
	pow := math.Pow(10, float64(p.valueDec))
	defAgg := AggSum
	if s.composite {
		defAgg = AggMean
	}

	// Each draw has its own random source seeded from (Seed, draw), so the
	// draws can be shared among workers and the result never depends on
	// how they were scheduled. Workers write disjoint slots.
	draw := func(d int, weight, factor []float64, aggs []Aggregation, scratch []drawNode, keys []float64, bk *blockScratch) {
		r := rand.New(rand.NewPCG(opts.Seed, uint64(d)))
		for i := range weight {
			f := 1 + opts.WeightSpread*(2*r.Float64()-1)
			factor[i], weight[i] = 1, p.weight[i]
			if s.composite {
				weight[i] *= f
			} else if p.indOf[i] >= 0 {
				factor[i] = f
			}
			aggs[i] = p.nodes[i].Aggregation
			if aggs[i] == "" {
				aggs[i] = defAgg
			}
			if s.composite && len(opts.Aggregations) > 0 && p.indOf[i] < 0 {
				aggs[i] = opts.Aggregations[r.IntN(len(opts.Aggregations))]
			}
		}
		for u := range ds.Units {
			t := s.uType[u]
			row := cells[u*nT : (u+1)*nT]
			for k, ip := range p.inds[:nT] {
				c := row[k]
				f := factor[ip.nodeIdx]
				c.pts *= f
				c.max *= f
				scratch[ip.nodeIdx] = c
			}
			for i := nN - 1; i >= 0; i-- {
				if p.indOf[i] >= 0 {
					continue
				}
				scratch[i] = drawNode{}
				if p.applies[i*p.nTypes+t] {
					scratch[i] = p.combineDraw(scratch, p.children[i], aggs[i], p.nodes[i].MissingChildren, weight, s.composite)
				}
			}
			root := p.combineDraw(scratch, p.top, defAgg, MissingSkip, weight, s.composite)
			value := clamp01(root.v)
			total := math.Max(0, math.Min(p.scale, value*p.scale+s.adj[u]))
			keys[u] = math.Round(total/p.scale*pow) / pow
			values[u*draws+d] = value
		}
		for _, members := range blocks {
			bk.keys, bk.codes, bk.ranks = bk.keys[:0], bk.codes[:0], bk.ranks[:0]
			for _, u := range members {
				bk.keys = append(bk.keys, keys[u])
				bk.codes = append(bk.codes, ds.Units[u].Code)
				bk.ranks = append(bk.ranks, 0)
			}
			bk.order = competitionRanksInto(bk.keys, bk.codes, bk.order, bk.ranks)
			for k, rk := range bk.ranks {
				ranks[members[k]*draws+d] = int32(rk)
			}
		}
	}
	workers := min(runtime.GOMAXPROCS(0), draws)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			weight, factor := make([]float64, nN), make([]float64, nN)
			aggs, scratch := make([]Aggregation, nN), make([]drawNode, nN)
			keys := make([]float64, nU)
			var bk blockScratch
			for d := w; d < draws; d += workers {
				draw(d, weight, factor, aggs, scratch, keys, &bk)
			}
		}(w)
	}
	wg.Wait()

	out := make([]UnitUncertainty, nU)
	lo, hi := int(math.Floor(0.05*float64(draws-1))), int(math.Ceil(0.95*float64(draws-1)))
	for u := range out {
		ur := &s.res.Units[u]
		uu := UnitUncertainty{Code: ur.Code, Block: ur.Block, Rank: ur.Rank, Value: ur.Value}
		vs := values[u*draws : (u+1)*draws]
		slices.Sort(vs)
		uu.ValueLow, uu.ValueHigh = roundTo(vs[lo], p.valueDec), roundTo(vs[hi], p.valueDec)
		if ur.Rank > 0 {
			rs := ranks[u*draws : (u+1)*draws]
			slices.Sort(rs)
			uu.RankLow, uu.RankHigh = int(rs[lo]), int(rs[hi])
			m := draws / 2
			if draws%2 == 1 {
				uu.MedianRank = float64(rs[m])
			} else {
				uu.MedianRank = float64(rs[m-1]+rs[m]) / 2
			}
		}
		out[u] = uu
	}
	return out, nil
}

// blockScratch is a worker's space for ranking one block.
type blockScratch struct {
	keys  []float64
	codes []string
	ranks []int
	order []rankEntry
}

// drawNode is a node's result inside a draw.
type drawNode struct {
	app, miss   bool
	v, pts, max float64
}

// combineDraw aggregates children as combine does, on draw results. The
// two must follow the same rules; TestUncertainty_NoSpreadIsScore checks
// that a draw with unchanged weights gives Score's values.
func (p *scorePlan) combineDraw(nodes []drawNode, kids []int32, agg Aggregation, rule MissingChildren, weight []float64, composite bool) drawNode {
	var pts, mx, wsum, vsum, lsum float64
	applicable, counted, geoZero := false, 0, false
	for _, c := range kids {
		cr := &nodes[c]
		if !cr.app {
			continue
		}
		applicable = true
		w := weight[c]
		if cr.miss {
			switch rule {
			case MissingNA:
				return drawNode{app: true, miss: true}
			case MissingZero:
				counted++
				mx += cr.max
				wsum += w
				geoZero = true
			}
			continue
		}
		counted++
		pts += cr.pts
		mx += cr.max
		wsum += w
		vsum += w * cr.v
		if agg == AggGeometric {
			if cr.v > 0 {
				lsum += w * math.Log(cr.v)
			} else {
				geoZero = true
			}
		}
	}
	if !applicable {
		return drawNode{}
	}
	if counted == 0 || wsum == 0 {
		return drawNode{app: true, miss: true}
	}
	out := drawNode{app: true}
	switch {
	case agg == AggSum && !composite && mx > 0:
		out.v = pts / mx
	case agg == AggGeometric:
		if !geoZero {
			out.v = math.Exp(lsum / wsum)
		}
	default:
		out.v = vsum / wsum
	}
	if composite {
		out.max = p.scale
		out.pts = out.v * p.scale
		return out
	}
	out.max = mx
	if agg == AggSum {
		out.pts = pts
	} else {
		out.pts = out.v * mx
	}
	return out
}
