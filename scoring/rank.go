package scoring

// This file holds ranking inside blocks, classification bands and the
// year-over-year comparison of two results.

import (
	"math"
	"slices"
	"strings"
)

// rank sets UnitResult.Rank inside every ranked block. Units are ranked on
// their total (value plus adjustments ÷ scale) rounded to the index's value
// decimals, as published tables are: equal rounded totals share a rank
// (standard competition ranking, 1, 2, 2, 4).
func (s *scorer) rank() {
	p := s.p
	byBlock := make([][]int, len(p.ix.Blocks))
	for u := range s.res.Units {
		b := s.uBlock[u]
		if p.ix.Blocks[b].Ranked {
			byBlock[b] = append(byBlock[b], u)
		}
	}
	nU := len(s.res.Units)
	keys, sorted, ranks := make([]float64, 0, nU), make([]float64, 0, nU), make([]int, 0, nU)
	for _, members := range byBlock {
		keys, ranks = keys[:0], ranks[:0]
		for _, u := range members {
			keys = append(keys, s.keys[u])
			ranks = append(ranks, 0)
		}
		sorted = competitionRanksOfKeys(keys, ranks, sorted)
		for i, r := range ranks {
			s.res.Units[members[i]].Rank = r
		}
	}
}

// competitionRanksOfKeys is CompetitionRanks without the order of ties:
// a value's rank is one more than the number of greater values, which the
// sorted values give by binary search. sorted is scratch space
// (reallocated when short); it is returned for reuse.
func competitionRanksOfKeys(values []float64, ranks []int, sorted []float64) []float64 {
	sorted = append(sorted[:0], values...)
	for i, v := range sorted {
		if math.IsNaN(v) {
			sorted[i] = math.Inf(-1)
		}
	}
	slices.Sort(sorted)
	for i, v := range values {
		if math.IsNaN(v) {
			v = math.Inf(-1)
		}
		// The first value above v: everything from there on ranks ahead.
		above, _ := slices.BinarySearchFunc(sorted, v, func(e, t float64) int {
			if e <= t {
				return -1
			}
			return 1
		})
		ranks[i] = len(sorted) - above + 1
	}
	return sorted
}

// CompetitionRanks ranks values from highest to lowest with standard
// competition ranking: equal values share the best rank and the next rank
// skips (1, 2, 2, 4). Values should already be rounded as published. NaN
// values rank last, sharing a rank. codes, when given, only decide the
// order in which ties are visited, so the result is independent of the
// input order. The result is in the order of values.
func CompetitionRanks(values []float64, codes []string) []int {
	ranks := make([]int, len(values))
	competitionRanksInto(values, codes, nil, ranks)
	return ranks
}

// rankEntry is one value being ranked.
type rankEntry struct {
	key  float64
	code string
	i    int
}

// competitionRanksInto is CompetitionRanks writing into ranks, with order
// as scratch space (reallocated when short); it returns the scratch.
func competitionRanksInto(values []float64, codes []string, order []rankEntry, ranks []int) []rankEntry {
	if cap(order) < len(values) {
		order = make([]rankEntry, len(values))
	}
	order = order[:len(values)]
	for i, v := range values {
		if math.IsNaN(v) {
			v = math.Inf(-1)
		}
		order[i] = rankEntry{key: v, i: i}
		if codes != nil {
			order[i].code = codes[i]
		}
	}
	slices.SortFunc(order, func(a, b rankEntry) int {
		switch {
		case a.key > b.key:
			return -1
		case a.key < b.key:
			return 1
		}
		if c := strings.Compare(a.code, b.code); c != 0 {
			return c
		}
		return a.i - b.i
	})
	for pos, e := range order {
		if pos > 0 && order[pos-1].key == e.key {
			ranks[e.i] = ranks[order[pos-1].i]
		} else {
			ranks[e.i] = pos + 1
		}
	}
	return order
}

// bandCode returns the first band, in the declared order (highest first),
// whose lower bound percent reaches, "" when none does.
func bandCode(bands []Band, percent float64) string {
	// Percent comes from a rounded value × 100; remove the binary noise of
	// that product (0.29 × 100 = 28.999999999999996) before comparing.
	percent = math.Round(percent*1e9) / 1e9
	for _, b := range bands {
		if b.Exclusive {
			if percent > b.MinPercent {
				return b.Code
			}
		} else if percent >= b.MinPercent {
			return b.Code
		}
	}
	return ""
}

// Change is one unit's change between two scoring runs (usually the same
// index over two years).
type Change struct {
	Code, Name, Block string
	// New is true when the unit has no result in the earlier run; the
	// Prev fields and the changes are then zero.
	New bool
	// Gone is true when the unit has a result in the earlier run only;
	// the current fields are then zero.
	Gone bool

	PrevRank, Rank int
	// RankChange is PrevRank − Rank: positive when the unit moved up. It
	// is 0 when either run left the unit unranked.
	RankChange int

	PrevValue, Value float64
	ValueChange      float64 // Value − PrevValue

	PrevPoints, Points float64
	PointsChange       float64 // Points − PrevPoints
}

// Compare lists, for every unit of cur (in its order), the change of rank,
// value and points since prev, then the units of prev that cur no longer
// has (in prev's order). Units are matched by code.
func Compare(prev, cur *Results) []Change {
	before := map[string]*UnitResult{}
	if prev != nil {
		for i := range prev.Units {
			before[prev.Units[i].Code] = &prev.Units[i]
		}
	}
	var out []Change
	seen := map[string]bool{}
	if cur != nil {
		for i := range cur.Units {
			u := &cur.Units[i]
			seen[u.Code] = true
			c := Change{Code: u.Code, Name: u.Name, Block: u.Block, Rank: u.Rank, Value: u.Value, Points: u.Points}
			p, ok := before[u.Code]
			if !ok {
				c.New = true
				out = append(out, c)
				continue
			}
			c.PrevRank, c.PrevValue, c.PrevPoints = p.Rank, p.Value, p.Points
			if p.Rank > 0 && u.Rank > 0 {
				c.RankChange = p.Rank - u.Rank
			}
			// Rounded to 10 decimals to drop binary noise (0.85 − 0.7).
			c.ValueChange = roundTo(u.Value-p.Value, 10)
			c.PointsChange = roundTo(u.Points-p.Points, 10)
			out = append(out, c)
		}
	}
	if prev != nil {
		for i := range prev.Units {
			p := &prev.Units[i]
			if seen[p.Code] {
				continue
			}
			out = append(out, Change{Code: p.Code, Name: p.Name, Block: p.Block, Gone: true,
				PrevRank: p.Rank, PrevValue: p.Value, PrevPoints: p.Points})
		}
	}
	return out
}
