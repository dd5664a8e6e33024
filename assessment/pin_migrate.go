package assessment

import (
	"context"
	"math"
	"sort"
	"strings"

	"github.com/dti-platform/dti/scoring"
)

// This file compares two index versions against the values a period
// already holds, so the admin sees what would no longer fit before moving
// the period to the new version (PeriodUpdate.Index).

// UnitValues are one unit's stored values in a period.
type UnitValues struct {
	Unit string // unit code
	Type string // unit type code
	// Values are the unit's values by indicator and input.
	Values map[scoring.InputKey]scoring.Value
}

// MigrationKind says why a stored value does not fit the new index.
type MigrationKind string

const (
	// MigrationIndicatorRemoved: the new index has no such indicator; the
	// value is dropped from scoring.
	MigrationIndicatorRemoved MigrationKind = "indicator_removed"
	// MigrationInputRemoved: the indicator no longer has this input.
	MigrationInputRemoved MigrationKind = "input_removed"
	// MigrationTypeChanged: the input's type changed (e.g. count to
	// percent); the value must be entered again.
	MigrationTypeChanged MigrationKind = "type_changed"
	// MigrationOptionRemoved: a chosen option no longer exists.
	MigrationOptionRemoved MigrationKind = "option_removed"
	// MigrationOutOfLimits: a number is outside the new limits (or no
	// longer whole for a count).
	MigrationOutOfLimits MigrationKind = "out_of_limits"
	// MigrationNotApplicable: the indicator no longer applies to the
	// unit's type; the value is kept but not scored.
	MigrationNotApplicable MigrationKind = "not_applicable"
)

// MigrationIssue is one stored value that does not fit the new index.
type MigrationIssue struct {
	Unit      string
	Indicator string
	Input     string
	Kind      MigrationKind
	// Value is the stored value.
	Value scoring.Value
	// Detail names what changed: the old and new type, the removed
	// options, or the new limit; "" when the kind says it all.
	Detail string
}

// Message says what the issue is, in lang.
func (m MigrationIssue) Message(lang string) string {
	return render("migrate."+string(m.Kind), lang, []any{m.Indicator, m.Input, m.Detail})
}

// Migration is the report of moving a period's values from one index
// version to another.
type Migration struct {
	OldCode, OldVersion string
	NewCode, NewVersion string
	// AddedIndicators and RemovedIndicators list indicator (and adjustment)
	// codes present in only one version, in document order.
	AddedIndicators, RemovedIndicators []string
	// AddedRequired lists the new required inputs ("IND/input") that every
	// unit they apply to will have to fill.
	AddedRequired []string
	// Checked is how many stored values were compared; Issues those that
	// do not fit, by unit code then the old index's document order.
	Checked int
	Issues  []MigrationIssue
}

// OK reports whether every stored value fits the new index.
func (m *Migration) OK() bool { return len(m.Issues) == 0 }

// MigrationReport lists which stored values no longer fit newIx: their
// indicator or input was removed, the input's type changed, a chosen
// option was removed, a number is out of the new limits, or the indicator
// no longer applies to the unit's type. Missing values (Set false) are not
// checked. The result is deterministic for the same inputs.
func MigrationReport(oldIx, newIx *scoring.Index, units []UnitValues) *Migration {
	m := &Migration{OldCode: oldIx.Code, OldVersion: oldIx.Version, NewCode: newIx.Code, NewVersion: newIx.Version}

	oldInds, newInds := formIndicators(oldIx), formIndicators(newIx)
	oldBy := make(map[string]*scoring.Node, len(oldInds))
	newBy := make(map[string]*scoring.Node, len(newInds))
	order := newInputOrder(oldInds)
	for _, n := range oldInds {
		oldBy[n.Code] = n
	}
	for _, n := range newInds {
		newBy[n.Code] = n
		if oldBy[n.Code] == nil {
			m.AddedIndicators = append(m.AddedIndicators, n.Code)
		}
		old := oldBy[n.Code]
		for i := range n.Inputs {
			in := &n.Inputs[i]
			if in.Required && !InputSource(n, in).ReadOnlyForUnit() && (old == nil || findInput(old, in.Key) == nil) {
				m.AddedRequired = append(m.AddedRequired, n.Code+"/"+in.Key)
			}
		}
	}
	for _, n := range oldInds {
		if newBy[n.Code] == nil {
			m.RemovedIndicators = append(m.RemovedIndicators, n.Code)
		}
	}

	sorted := append([]UnitValues(nil), units...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Unit < sorted[j].Unit })
	for _, u := range sorted {
		keys := make([]scoring.InputKey, 0, len(u.Values))
		for k, v := range u.Values {
			if v.Set {
				keys = append(keys, k)
			}
		}
		order.sort(keys)
		for _, k := range keys {
			m.Checked++
			v := u.Values[k]
			issue := MigrationIssue{Unit: u.Unit, Indicator: k.Indicator, Input: k.Input, Value: v}
			kind, detail := migrateValue(oldBy[k.Indicator], newBy[k.Indicator], k.Input, u.Type, v)
			if kind != "" {
				issue.Kind, issue.Detail = kind, detail
				m.Issues = append(m.Issues, issue)
			}
		}
	}
	return m
}

// migrateValue checks one stored value against the new indicator. old may
// be nil when the value did not fit the old index either; the new input is
// the reference.
func migrateValue(old, nw *scoring.Node, key, unitType string, v scoring.Value) (MigrationKind, string) {
	if nw == nil {
		return MigrationIndicatorRemoved, ""
	}
	in := findInput(nw, key)
	if in == nil {
		return MigrationInputRemoved, ""
	}
	if old != nil {
		if oin := findInput(old, key); oin != nil && oin.Type != in.Type {
			return MigrationTypeChanged, string(oin.Type) + " → " + string(in.Type)
		}
	}
	switch in.Type {
	case scoring.InputChoice, scoring.InputMultiChoice:
		var gone []string
		for _, code := range strings.Split(v.Text, ",") {
			if code == "" {
				continue
			}
			found := false
			for _, o := range in.Options {
				if o.Value == code {
					found = true
					break
				}
			}
			if !found {
				gone = append(gone, code)
			}
		}
		if len(gone) > 0 {
			return MigrationOptionRemoved, strings.Join(gone, ", ")
		}
	case scoring.InputCount, scoring.InputNumber, scoring.InputPercent, scoring.InputBoolean:
		lo, hi := limits(in)
		if in.Type == scoring.InputBoolean {
			lo, hi = nil, nil
		}
		switch {
		case in.Type == scoring.InputCount && v.Num != math.Trunc(v.Num):
			return MigrationOutOfLimits, "0, 1, 2, …"
		case lo != nil && v.Num < *lo:
			return MigrationOutOfLimits, "≥ " + formatArg(*lo, "en").(string)
		case hi != nil && v.Num > *hi:
			return MigrationOutOfLimits, "≤ " + formatArg(*hi, "en").(string)
		}
	}
	if unitType != "" && !Applies(nw, unitType) {
		return MigrationNotApplicable, unitType
	}
	return "", ""
}

// PeriodValues loads the stored values of every form of a period, with
// the unit's code and type, as MigrationReport takes them (units in code
// order). ErrNotFound for an unknown period.
func PeriodValues(ctx context.Context, st Store, periodID int64) ([]UnitValues, error) {
	if _, err := st.FindPeriodByID(ctx, periodID); err != nil {
		return nil, err
	}
	subs, _, err := st.FindSubmissions(ctx, SubmissionFilter{PeriodID: &periodID})
	if err != nil {
		return nil, err
	}
	units, _, err := st.FindUnits(ctx, UnitFilter{})
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*Unit, len(units))
	for _, u := range units {
		byID[u.ID] = u
	}
	out := make([]UnitValues, 0, len(subs))
	for _, s := range subs {
		u := byID[s.UnitID]
		if u == nil {
			continue
		}
		rows, err := st.FindValues(ctx, s.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, UnitValues{Unit: u.Code, Type: u.Type, Values: ValuesOf(rows)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Unit < out[j].Unit })
	return out, nil
}

// RepinReport prepares moving period p (read with its IndexSource) to the
// index version in src: it validates src (PinIndex), loads the period's
// stored values and reports which no longer fit. The admin reads the
// report, then the caller checks ActRepinIndex and stores the returned pin
// with Store.UpdatePeriod(PeriodUpdate{Index: &pin, Reason: ...}).
func RepinReport(ctx context.Context, st Store, p *Period, src []byte) (*Migration, PinnedIndex, error) {
	oldIx, err := PeriodIndex(p)
	if err != nil {
		return nil, PinnedIndex{}, err
	}
	pin, newIx, err := PinIndex(src)
	if err != nil {
		return nil, PinnedIndex{}, err
	}
	vals, err := PeriodValues(ctx, st, p.ID)
	if err != nil {
		return nil, PinnedIndex{}, err
	}
	return MigrationReport(oldIx, newIx, vals), pin, nil
}
