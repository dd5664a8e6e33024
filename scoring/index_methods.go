package scoring

// AllNodes returns every node of the tree in pre-order (a group before its
// children, siblings in document order). Adjustments are not included.
func (ix *Index) AllNodes() []*Node {
	var out []*Node
	var walk func([]*Node)
	walk = func(ns []*Node) {
		for _, n := range ns {
			out = append(out, n)
			walk(n.Children)
		}
	}
	walk(ix.Nodes)
	return out
}

// IndicatorsFor returns the indicators of the tree that apply to the unit
// type, in document order.
func (ix *Index) IndicatorsFor(unitType string) []*Node {
	var out []*Node
	for _, n := range ix.indicators {
		if ix.Applies(n, unitType) {
			out = append(out, n)
		}
	}
	return out
}

// Applies reports whether node n (a group, indicator or adjustment) applies
// to the unit type: its own applies_to, within its ancestors', or every unit
// type when none of them restricts it.
func (ix *Index) Applies(n *Node, unitType string) bool {
	if n == nil {
		return false
	}
	return inList(n.applies, unitType)
}

// MaxPointsFor returns the maximum points of node n for a unit of the given
// type in a points-style index: its max_points_by entry, else max_points,
// else (for a group that declares none) the sum over its children. It is 0
// when the node does not apply to the type, and in a composite index.
func (ix *Index) MaxPointsFor(n *Node, unitType string) float64 {
	if n == nil {
		return 0
	}
	return n.maxBy[unitType]
}

// UnitType returns the unit type with the given code.
func (ix *Index) UnitType(code string) (UnitType, bool) {
	for _, u := range ix.UnitTypes {
		if u.Code == code {
			return u, true
		}
	}
	return UnitType{}, false
}

// Block returns the ranking block with the given code.
func (ix *Index) Block(code string) (Block, bool) {
	for _, b := range ix.Blocks {
		if b.Code == code {
			return b, true
		}
	}
	return Block{}, false
}

// Pillar returns the pillar tag with the given code.
func (ix *Index) Pillar(code string) (Pillar, bool) {
	for _, p := range ix.Pillars {
		if p.Code == code {
			return p, true
		}
	}
	return Pillar{}, false
}

// BandFor returns the band of a value in 0..1: the first band, in the order
// declared (highest first), whose lower bound value × 100 reaches (or, for
// an exclusive band, exceeds). It uses the engine's rule (bandCode), which
// removes float noise first (0.29 × 100 = 28.999999999999996 is band 29).
// It returns false when the index has no bands.
func (ix *Index) BandFor(value float64) (Band, bool) {
	code := bandCode(ix.Bands, value*100)
	for _, b := range ix.Bands {
		if b.Code == code {
			return b, true
		}
	}
	return Band{}, false
}

// Input returns the input with the given key of an indicator or adjustment.
func (ix *Index) Input(indicator, key string) (*Input, bool) {
	n := ix.byCode[indicator]
	if n == nil {
		return nil, false
	}
	for i := range n.Inputs {
		if n.Inputs[i].Key == key {
			return &n.Inputs[i], true
		}
	}
	return nil, false
}
