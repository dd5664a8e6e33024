package scoring

// This file holds the checks that need the whole index: bands in order,
// blocks covering every enabled unit type, and points that add up per unit
// type (a group's declared max_points against its children, and each
// enabled unit type's total against the scale).

import (
	"math"
	"strconv"
)

// pointsTolerance absorbs float noise when comparing sums of points.
const pointsTolerance = 1e-6

// validate runs the whole-index checks after the tree is read.
func (p *parser) validate(scaleDeclared bool) {
	p.checkBands()
	p.checkBlocks()
	p.resolvePoints(scaleDeclared)
}

// checkBands: highest first, strictly decreasing thresholds, lowest at 0
// and inclusive so that every value falls in a band.
func (p *parser) checkBands() {
	bands := p.ix.Bands
	for i := 1; i < len(bands); i++ {
		prev, b := bands[i-1], bands[i]
		switch {
		case b.MinPercent == prev.MinPercent:
			p.addAt(b.Pos, b.Code, "band %s: duplicate threshold min_percent %v (band %s has it too)", b.Code, fmtNum(b.MinPercent), prev.Code)
		case b.MinPercent > prev.MinPercent:
			p.addAt(b.Pos, b.Code, "band %s: bands must be listed highest first (min_percent %v follows %v)", b.Code, fmtNum(b.MinPercent), fmtNum(prev.MinPercent))
		}
	}
	if n := len(bands); n > 0 {
		low := bands[n-1]
		if low.MinPercent != 0 || low.Exclusive {
			p.addAt(low.Pos, low.Code, "band %s: the lowest band must start at min_percent 0 (not exclusive), or low values fall in no band", low.Code)
		}
	}
}

// checkBlocks: every enabled unit type is ranked or assessed in a block.
func (p *parser) checkBlocks() {
	if len(p.ix.Blocks) == 0 {
		return
	}
	covered := map[string]bool{}
	for _, b := range p.ix.Blocks {
		for _, t := range b.UnitTypes {
			covered[t] = true
		}
	}
	for _, u := range p.ix.UnitTypes {
		if u.Enabled && !covered[u.Code] {
			p.addAt(u.Pos, u.Code, "unit type %s: it is enabled but no block lists it", u.Code)
		}
	}
}

func (p *parser) addAt(pos Pos, code, format string, args ...any) {
	p.add(nil, code, format, args...)
	p.problems[len(p.problems)-1].Pos = pos
}

// fmtNum prints a number without float noise (389.99999999 -> 390).
func fmtNum(x float64) string {
	return strconv.FormatFloat(math.Round(x*1e6)/1e6, 'f', -1, 64)
}

// resolvePoints computes every node's max points per applicable unit type
// (Node.maxBy), checks groups that declare max_points against their
// children, and each enabled unit type's total against the scale.
func (p *parser) resolvePoints(scaleDeclared bool) {
	ix := p.ix
	total := map[string]float64{}
	pointsOK := true // no points problem below: totals are worth checking
	for _, n := range ix.Nodes {
		if !p.nodePoints(n) {
			pointsOK = false
		}
		if n.maxBy == nil {
			continue
		}
		for t, x := range n.maxBy {
			total[t] += x
		}
	}
	for _, n := range ix.Adjustments {
		p.nodePoints(n)
	}
	applies := map[string]bool{}
	for _, n := range ix.indicators {
		for _, t := range n.applies {
			applies[t] = true
		}
	}
	for _, u := range ix.UnitTypes {
		if !u.Enabled {
			continue
		}
		if !applies[u.Code] {
			if len(ix.indicators) > 0 {
				p.addAt(u.Pos, u.Code, "unit type %s: it is enabled but no indicator applies to it", u.Code)
			}
			continue
		}
		if ix.Style == StylePoints && scaleDeclared && pointsOK && math.Abs(total[u.Code]-ix.Scale) > pointsTolerance {
			p.addAt(u.Pos, u.Code, "unit type %s: its indicators add up to %s points, not the scale %s", u.Code, fmtNum(total[u.Code]), fmtNum(ix.Scale))
		}
	}
}

// nodePoints fills n.maxBy (points style) for n and its descendants. It
// reports false when a problem was found below n, so that a group does not
// report the same mistake again as points that do not add up.
func (p *parser) nodePoints(n *Node) bool {
	if p.ix.Style != StylePoints {
		return true
	}
	f := p.nodeFields[n]
	declared := f != nil && f.has("max_points")
	n.maxBy = make(map[string]float64, len(n.applies))
	if !n.IsIndicator() && len(n.Children) == 0 {
		// Neither group nor indicator: reported already; count what it
		// declares so that its parent is not reported as well.
		for _, t := range n.applies {
			if x, ok := n.MaxPointsBy[t]; ok {
				n.maxBy[t] = x
			} else {
				n.maxBy[t] = n.MaxPoints
			}
		}
		return false
	}
	if n.IsIndicator() {
		var lacking []string
		for _, t := range n.applies {
			x, ok := n.MaxPointsBy[t]
			switch {
			case ok:
			case declared:
				x = n.MaxPoints
			default:
				lacking = append(lacking, t)
				continue
			}
			n.maxBy[t] = x
			if x == 0 && f != nil {
				key := "max_points"
				if _, by := n.MaxPointsBy[t]; by {
					key = "max_points_by"
				}
				f.errorf(key, "max points for unit type %s must be greater than 0 (use applies_to to leave a unit type out)", t)
				return false
			}
		}
		if len(lacking) > 0 && f != nil && !f.suggested["max_points"] {
			if len(n.MaxPointsBy) == 0 {
				p.add(f.node, n.Code, "%s: missing required key \"max_points\" (a points-style index needs max points on every indicator)", f.w.prefix)
			} else {
				p.add(f.at("max_points_by"), n.Code, "%s: no max points for unit type %s: add it to max_points_by or set max_points", f.w.prefix, lacking[0])
			}
		}
		return len(lacking) == 0
	}
	sum := map[string]float64{}
	ok := true
	for _, c := range n.Children {
		if !p.nodePoints(c) {
			ok = false
		}
		for t, x := range c.maxBy {
			sum[t] += x
		}
	}
	for _, t := range n.applies {
		want, has := n.MaxPointsBy[t]
		key := "max_points_by"
		if !has && declared {
			want, has, key = n.MaxPoints, true, "max_points"
		}
		if has && ok && math.Abs(want-sum[t]) > pointsTolerance && f != nil {
			f.errorf(key, "its children add up to %s points for unit type %s, but the group declares %s", fmtNum(sum[t]), t, fmtNum(want))
		}
		if has {
			n.maxBy[t] = want
		} else {
			n.maxBy[t] = sum[t]
		}
	}
	return ok
}
