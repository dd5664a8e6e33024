package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/scoring"
)

// LoadDataset returns the period's data for the scoring engine. Units are
// the active units, and the inactive ones that submitted in the period,
// whose type is an enabled unit type of ix (any type when ix declares
// none), in code order. A unit's block is
// its own Block or else the first block of ix listing its type.
func (db *DB) LoadDataset(ctx context.Context, periodID int64, kind assessment.DatasetKind, ix *scoring.Index) (*scoring.Dataset, error) {
	if !kind.Valid() {
		return nil, fmt.Errorf("load dataset: %w: unknown kind %q", assessment.ErrInvalid, kind)
	}
	if ix == nil {
		return nil, fmt.Errorf("load dataset: %w: no index", assessment.ErrInvalid)
	}
	var ds *scoring.Dataset
	err := db.view(ctx, func(t *sql.Tx) error {
		var err error
		ds, err = loadDataset(ctx, t, periodID, kind, ix)
		return err
	})
	if err != nil {
		return nil, translate(err, fmt.Sprintf("load %s dataset of period %d", kind, periodID))
	}
	return ds, nil
}

// slotIndex maps "indicator\x00input" to a slot without allocating on
// look-up.
type slotIndex map[string]int

func newSlotIndex(ix *scoring.Index) slotIndex {
	m := slotIndex{}
	add := func(n *scoring.Node) {
		for _, in := range n.Inputs {
			if s, ok := ix.Slot(n.Code, in.Key); ok {
				m[n.Code+"\x00"+in.Key] = s
			}
		}
	}
	for _, n := range ix.Indicators() {
		add(n)
	}
	for _, n := range ix.Adjustments {
		add(n)
	}
	return m
}

func (m slotIndex) lookup(buf *[]byte, indicator, input []byte) (int, bool) {
	b := append(append(append((*buf)[:0], indicator...), 0), input...)
	*buf = b
	s, ok := m[string(b)]
	return s, ok
}

// qPackedValues reads every submission's packed values (see pack.go).
const qPackedValues = "SELECT unit_id, values_packed FROM submissions WHERE period_id = ?"

// loadValues fills the units' value slots.
func loadValues(ctx context.Context, t *sql.Tx, periodID int64, ix *scoring.Index, ds *scoring.Dataset, pos map[int64]int) error {
	slots := newSlotIndex(ix)
	var buf []byte
	rows, err := t.QueryContext(ctx, qPackedValues, periodID)
	if err != nil {
		return err
	}
	defer rows.Close()
	var unitID int64
	var packed sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&unitID, &packed); err != nil {
			return err
		}
		i, ok := pos[unitID]
		if !ok {
			continue
		}
		values := ds.Units[i].Values
		for p := []byte(packed); len(p) > 0; {
			pv, rest, err := nextPacked(p)
			if err != nil {
				return fmt.Errorf("unit %d: packed values: %w", unitID, err)
			}
			p = rest
			slot, ok := slots.lookup(&buf, pv.indicator, pv.input)
			if !ok {
				continue // an input the pinned index does not know
			}
			v := scoring.Value{Set: true}
			if len(pv.num) > 0 {
				// Numbers are scored from Num; their text is not needed.
				if v.Num, err = strconv.ParseFloat(string(pv.num), 64); err != nil {
					return fmt.Errorf("unit %d: value %s/%s: %w", unitID, pv.indicator, pv.input, err)
				}
			} else {
				v.Text = string(pv.text)
			}
			values[slot] = v
		}
	}
	return rows.Err()
}

func loadDataset(ctx context.Context, t *sql.Tx, periodID int64, kind assessment.DatasetKind, ix *scoring.Index) (*scoring.Dataset, error) {
	var year int
	if err := t.QueryRowContext(ctx, "SELECT year FROM periods WHERE id = ?", periodID).Scan(&year); err != nil {
		return nil, err
	}
	enabled := map[string]bool{}
	for _, ut := range ix.UnitTypes {
		if ut.Enabled {
			enabled[ut.Code] = true
		}
	}
	blockOf := map[string]string{}
	for _, b := range ix.Blocks {
		for _, ut := range b.UnitTypes {
			if _, ok := blockOf[ut]; !ok {
				blockOf[ut] = b.Code
			}
		}
	}
	// Units deactivated later (a district merged away) still count in a
	// period they took part in: submitted at least once.
	units, err := queryUnits(ctx, t, "SELECT "+unitColumns+` FROM units WHERE active = TRUE
		OR id IN (SELECT unit_id FROM submissions WHERE period_id = ? AND round > 0) ORDER BY code`, periodID)
	if err != nil {
		return nil, err
	}
	ds := &scoring.Dataset{Year: year}
	pos := map[int64]int{} // unit ID -> index in ds.Units
	nslots := ix.NumSlots()
	for _, u := range units {
		if len(ix.UnitTypes) > 0 && !enabled[u.Type] {
			continue
		}
		block := u.Block
		if block == "" {
			block = blockOf[u.Type]
		}
		pos[u.ID] = len(ds.Units)
		ds.Units = append(ds.Units, scoring.UnitData{Code: u.Code, Name: u.NameVI, Type: u.Type, Block: block,
			Attrs: u.Attrs, Values: make([]scoring.Value, nslots)})
	}

	if err := loadValues(ctx, t, periodID, ix, ds, pos); err != nil {
		return nil, err
	}

	// Review decisions: the latest decision per unit and indicator counts.
	type key struct {
		unit      int64
		indicator string
	}
	type decided struct {
		id       int64
		decision assessment.Decision
		points   *float64
	}
	latest := map[key]decided{}
	rrows, err := t.QueryContext(ctx, `SELECT r.id, s.unit_id, r.indicator, r.decision, r.adjusted_points
		FROM reviews r JOIN submissions s ON s.id = r.submission_id WHERE s.period_id = ? ORDER BY r.round, r.id`, periodID)
	if err != nil {
		return nil, err
	}
	defer rrows.Close()
	for rrows.Next() {
		var d decided
		var k key
		var decision string
		if err := rrows.Scan(&d.id, &k.unit, &k.indicator, &decision, floatDest{&d.points}); err != nil {
			return nil, err
		}
		d.decision = assessment.Decision(decision)
		if _, ok := pos[k.unit]; ok {
			latest[k] = d
		}
	}
	if err := rrows.Err(); err != nil {
		return nil, err
	}
	rrows.Close()
	if len(latest) == 0 {
		return ds, nil
	}
	keys := make([]key, 0, len(latest))
	for k := range latest {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b key) int {
		if a.unit != b.unit {
			return cmp.Compare(a.unit, b.unit)
		}
		if a.indicator < b.indicator {
			return -1
		}
		if a.indicator > b.indicator {
			return 1
		}
		return 0
	})
	adjusted := map[int64]key{} // adjust_value review ID -> its unit and indicator
	for _, k := range keys {
		d := latest[k]
		u := &ds.Units[pos[k.unit]]
		switch d.decision {
		case assessment.DecisionNotApplicable:
			if u.NotApplicable == nil {
				u.NotApplicable = map[string]bool{}
			}
			u.NotApplicable[k.indicator] = true
		case assessment.DecisionAdjustValue:
			if kind != assessment.DatasetSelf {
				adjusted[d.id] = k
			}
		case assessment.DecisionAdjustScore:
			if kind == assessment.DatasetFinal && d.points != nil {
				if u.Overrides == nil {
					u.Overrides = map[string]float64{}
				}
				u.Overrides[k.indicator] = *d.points
			}
		}
	}
	if len(adjusted) == 0 {
		return ds, nil
	}
	vrows, err := t.QueryContext(ctx, `SELECT rv.review_id, rv.input, rv.text, rv.num FROM review_values rv
		JOIN reviews r ON r.id = rv.review_id JOIN submissions s ON s.id = r.submission_id
		WHERE s.period_id = ? AND r.decision = ?`, periodID, string(assessment.DecisionAdjustValue))
	if err != nil {
		return nil, err
	}
	defer vrows.Close()
	for vrows.Next() {
		var id int64
		var in, text string
		var num sql.NullFloat64
		if err := vrows.Scan(&id, &in, &text, &num); err != nil {
			return nil, err
		}
		k, ok := adjusted[id]
		if !ok {
			continue // a decision that a later one replaced
		}
		slot, ok := ix.Slot(k.indicator, in)
		if !ok {
			continue
		}
		ds.Units[pos[k.unit]].Values[slot] = scoring.Value{Set: true, Num: num.Float64, Text: text}
	}
	return ds, vrows.Err()
}
