package scoring

import "math"

// PeerRelative reports whether the method scores a unit against other
// units' values, so that one unit scored alone gets a meaningless number:
// best_in_block, rank, percentile, zscore, and minmax over peers (minmax
// with fixed goalposts compares with the goalposts only). A sum_of_parts
// method is peer-relative when one of its parts is.
func (m *Method) PeerRelative() bool {
	if m == nil {
		return false
	}
	switch m.Kind {
	case MethodBestInBlock, MethodRank, MethodPercentile, MethodZScore:
		return true
	case MethodMinMax:
		return m.Goalposts == nil
	case MethodSumOfParts:
		for _, p := range m.Parts {
			if p.Method.PeerRelative() {
				return true
			}
		}
	}
	return false
}

// Provisional is one unit's self-score before the period's results are
// computed: the indicators the unit can be scored on alone, and the
// peer-relative ones left out until every unit's data are in.
type Provisional struct {
	// Result is the unit's full result, explanations included. Its total
	// counts the peer-relative indicators as if the unit were alone in its
	// block: do not show it.
	Result *UnitResult
	// Points is the sum of the points of the applicable indicators that
	// are not peer-relative plus bonus and penalty points (never below
	// zero); MaxPoints the sum of those indicators' max points. Both are
	// rounded to Rounding.PointsDecimals. HasTotal is false in a
	// composite-style index, whose total is not a sum of indicator points.
	Points, MaxPoints float64
	HasTotal          bool
	// PeerRelative lists, in document order, the applicable indicators
	// left out of Points because their method compares units.
	PeerRelative []string
}

// ScoreProvisional scores one unit alone, with explanations, and sums
// what can honestly be shown on its form (see Provisional). Errors are
// those of Score.
func ScoreProvisional(ix *Index, year int, ud UnitData) (*Provisional, error) {
	res, err := Score(ix, &Dataset{Year: year, Units: []UnitData{ud}}, Options{Explain: true})
	if err != nil {
		return nil, err
	}
	ur := &res.Units[0]
	pr := &Provisional{Result: ur, HasTotal: ix.Style != StyleComposite}
	nodes := ix.AllNodes()
	var pts, max float64
	for i, n := range nodes {
		if !n.IsIndicator() || i >= len(ur.Nodes) {
			continue
		}
		nr := ur.Nodes[i]
		if !nr.Applicable {
			continue
		}
		if n.Method.PeerRelative() {
			pr.PeerRelative = append(pr.PeerRelative, n.Code)
			continue
		}
		pts += nr.Points
		max += nr.MaxPoints
	}
	for _, a := range ur.Adjustments {
		pts += a.Points
	}
	if pr.HasTotal {
		d := ix.Rounding.PointsDecimals
		pr.Points = roundTo(math.Max(pts, 0), d)
		pr.MaxPoints = roundTo(max, d)
	}
	return pr, nil
}
