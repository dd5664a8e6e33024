package reports

// This file arranges one unit's results for its profile: its pillars and
// groups next to the block average, and its strongest and weakest
// indicators. The web shows what is computed here; the averages and the
// choice of indicators stay out of the web layer.

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/dti-platform/dti/scoring"
)

// Profile is one unit's results arranged for its profile page.
type Profile struct {
	// Unit is the unit's result in the results given to UnitProfile.
	Unit *scoring.UnitResult
	// BlockUnits is the number of units of the unit's block in the results.
	BlockUnits int
	// Pillars has one entry per pillar of the index, in index order.
	Pillars []ProfileNode
	// Groups has one entry per group node of the tree (nodes with
	// children) that applies to the unit, in tree order; Depth says how
	// deep it sits.
	Groups []ProfileNode
	// Strengths are the applicable indicators whose share of their max is
	// above the unit's value (or full), best first; Weaknesses those below
	// it (or zero), worst first. An indicator at exactly the unit's value
	// is neither.
	Strengths, Weaknesses []ProfileNode
}

// ProfileNode is one pillar, group or indicator of a unit's profile.
type ProfileNode struct {
	Code  string
	Name  scoring.Text
	Depth int
	// Value is the unit's share of the max in 0..1 (composite: the
	// normalised value); Points and MaxPoints are its points and
	// applicable max. HasValue is false when the node does not apply or
	// has no value.
	Value, Points, MaxPoints float64
	HasValue                 bool
	// BlockAverage is the mean Value of the units of the block that have
	// a value for the node; NaN when none has.
	BlockAverage float64
}

// peerAverage returns the mean chart value of the node result of each peer
// that has one (node returns false for a peer without it); NaN when no
// peer has a value.
func peerAverage(peers []*scoring.UnitResult, node func(peer *scoring.UnitResult) (scoring.NodeResult, bool)) float64 {
	sum, n := 0.0, 0
	for _, peer := range peers {
		if nr, ok := node(peer); ok {
			if v := chartNodeValue(nr); !math.IsNaN(v) {
				sum += v
				n++
			}
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return sum / float64(n)
}

// UnitProfile returns the profile of unit in res, computed with ix: the
// unit's pillar and group values with the block averages, and up to
// highlights strengths and weaknesses. It fails when the unit is not in
// res or res was computed with another index.
func UnitProfile(ix *scoring.Index, res *scoring.Results, unit string, highlights int) (*Profile, error) {
	if ix == nil || res == nil {
		return nil, fmt.Errorf("reports: profile: index and results are required")
	}
	if res.IndexCode != "" && res.IndexCode != ix.Code {
		return nil, fmt.Errorf("reports: profile: results of index %q, not of %q", res.IndexCode, ix.Code)
	}
	u, ok := chartUnit(res, unit)
	if !ok {
		return nil, fmt.Errorf("reports: profile: unit %q is not in the results", unit)
	}
	var peers []*scoring.UnitResult
	for i := range res.Units {
		if res.Units[i].Block == u.Block {
			peers = append(peers, &res.Units[i])
		}
	}
	p := &Profile{Unit: u, BlockUnits: len(peers)}

	for i, pl := range ix.Pillars {
		pn := ProfileNode{Code: pl.Code, Name: pl.Name}
		if i < len(u.Pillars) {
			profileFill(&pn, u.Pillars[i])
		}
		pn.BlockAverage = peerAverage(peers, func(peer *scoring.UnitResult) (scoring.NodeResult, bool) {
			if i < len(peer.Pillars) {
				return peer.Pillars[i], true
			}
			return scoring.NodeResult{}, false
		})
		p.Pillars = append(p.Pillars, pn)
	}

	// Node results are in the pre-order of ix.AllNodes, for every unit.
	all := ix.AllNodes()
	var indicators []ProfileNode
	for k, node := range all {
		if k >= len(u.Nodes) || u.Nodes[k].Code != node.Code {
			continue
		}
		nr := u.Nodes[k]
		if !nr.Applicable {
			continue
		}
		pn := ProfileNode{Code: node.Code, Name: node.Name, Depth: node.Depth, BlockAverage: math.NaN()}
		profileFill(&pn, nr)
		if node.IsIndicator() {
			if pn.HasValue && pn.MaxPoints > 0 || pn.HasValue && ix.Style == scoring.StyleComposite {
				indicators = append(indicators, pn)
			}
			continue
		}
		pn.BlockAverage = peerAverage(peers, func(peer *scoring.UnitResult) (scoring.NodeResult, bool) {
			if k < len(peer.Nodes) && peer.Nodes[k].Code == node.Code {
				return peer.Nodes[k], true
			}
			return scoring.NodeResult{}, false
		})
		p.Groups = append(p.Groups, pn)
	}
	p.Strengths, p.Weaknesses = profileHighlights(indicators, u.Value, highlights)
	return p, nil
}

// profileFill copies a node result into pn.
func profileFill(pn *ProfileNode, nr scoring.NodeResult) {
	pn.HasValue = nr.Applicable && !nr.Missing
	pn.Value, pn.Points, pn.MaxPoints = nr.Value, nr.Points, nr.MaxPoints
}

// profileHighlights picks up to n strengths and n weaknesses from
// indicators, measured against the unit's own value (its overall share of
// the max): a strength scores a higher share than that or full marks, a
// weakness a lower share or nothing. Strengths come highest share first,
// weaknesses lowest first; among equal shares the indicator worth more
// points comes first, then by code.
func profileHighlights(indicators []ProfileNode, value float64, n int) (strong, weak []ProfileNode) {
	if n <= 0 {
		return nil, nil
	}
	order := func(desc bool) func(a, b ProfileNode) int {
		return func(a, b ProfileNode) int {
			c := cmp.Compare(a.Value, b.Value)
			if desc {
				c = -c
			}
			if c != 0 {
				return c
			}
			if c := cmp.Compare(b.MaxPoints, a.MaxPoints); c != 0 {
				return c
			}
			return cmp.Compare(a.Code, b.Code)
		}
	}
	for _, pn := range indicators {
		switch {
		case pn.Value > value || pn.Value >= 1:
			strong = append(strong, pn)
		case pn.Value < value || pn.Value <= 0:
			weak = append(weak, pn)
		}
	}
	slices.SortStableFunc(strong, order(true))
	slices.SortStableFunc(weak, order(false))
	return strong[:min(n, len(strong))], weak[:min(n, len(weak))]
}
