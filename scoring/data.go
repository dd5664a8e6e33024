package scoring

// This file holds what the engine takes (Dataset) and what it gives
// (Results). Both are plain values: the engine reads no files, database,
// clock or environment.

// Value is the value of one input for one unit.
type Value struct {
	// Set is false for a missing value.
	Set bool
	// Num holds numbers: counts, numbers, percents (0..100), and yes/no as 1/0.
	Num float64
	// Text holds choice codes (multi_choice: codes joined by ","), dates as
	// YYYY-MM-DD, free text and links.
	Text string
}

// InputKey names one input of one indicator.
type InputKey struct {
	Indicator string // indicator code, e.g. "NTS.03"
	Input     string // input key, e.g. "chaired"
}

// UnitData is one unit's data for a period.
type UnitData struct {
	Code  string
	Name  string
	Type  string // a UnitType code
	Block string // a Block code
	// Attrs are free attributes: groups for group-mean imputation
	// (e.g. "EurAsia_group": "Asia") and numeric denominators
	// (e.g. "Population": "1234.5").
	Attrs map[string]string
	// Values holds the unit's input values indexed by input slot
	// (Index.Slot); a slot beyond the end or with Set false is missing.
	// Dense slots keep the engine free of map look-ups on its hot path.
	Values []Value
	// NotApplicable lists optional indicators the secretariat declared not
	// applicable to this unit: they are removed from its max.
	NotApplicable map[string]bool
	// Overrides are points decided by the appraisal council for an
	// indicator, replacing the computed points (adjust score with a reason).
	Overrides map[string]float64
}

// Options tune a scoring run.
type Options struct {
	// Explain fills NodeResult.Explanation for every indicator. It costs
	// time and memory, so bulk runs (ranking a period) leave it off and the
	// form asks for one unit's explanations.
	Explain bool
	// ExplainUnits, when not empty, limits explanations to the units with
	// these codes (the form of one unit), sparing the others' cost.
	ExplainUnits []string
	// Stages fills Results.Stages with every indicator's value at each
	// step of the composite pipeline (raw, denominated, imputed, treated,
	// normalised), for audits and for checking against other tools.
	Stages bool
}

// Dataset is every unit's data for one period.
type Dataset struct {
	// Year is the assessed year; deadline methods measure lateness against
	// dates in it.
	Year  int
	Units []UnitData
}

// Results are the scores of every unit of a Dataset.
type Results struct {
	IndexCode string
	IndexHash string
	// Units are in the order of Dataset.Units.
	Units []UnitResult
	// Stages holds, with Options.Stages, one entry per indicator of the
	// tree (pre-order) with its values at each pipeline step.
	Stages []IndicatorStages `json:",omitempty"`
}

// UnitResult is one unit's scores.
type UnitResult struct {
	Code, Name, Type, Block string

	// Value is the unit's index value in 0..1, rounded to
	// Rounding.ValueDecimals (composite style: on 0..1 too; shown × Scale).
	Value float64
	// Points is Value × Index.Scale plus adjustments, clamped to
	// [0, Scale] and rounded to Rounding.PointsDecimals.
	Points float64
	// Adjustment is the sum of bonus and penalty points (penalties
	// negative), rounded to Rounding.PointsDecimals.
	Adjustment float64
	// Rank is the standard competition rank inside the block (1, 2, 2, 4)
	// decided on the total (Value × Scale plus adjustments, clamped, ÷
	// Scale) rounded to Rounding.ValueDecimals; without adjustments that is
	// the rounded Value. Ties are listed by unit code. 0 when the block is
	// not ranked.
	Rank int
	// Band is the code of the classification band of that same total × 100,
	// "" when no band matches or none is defined.
	Band string

	// Nodes holds a result for every node of the tree in pre-order
	// (the order of Index.AllNodes).
	Nodes []NodeResult
	// Pillars holds a result per pillar tag, in the order of Index.Pillars.
	Pillars []NodeResult
	// Adjustments holds a result per adjustment item.
	Adjustments []NodeResult
}

// NodeResult is the score of one node (group, indicator, pillar or
// adjustment) for one unit.
type NodeResult struct {
	Code string
	// Value is the fraction of the max in 0..1 (composite: the normalised
	// value in 0..1), unrounded.
	Value float64
	// Points and MaxPoints are the achieved and applicable max points
	// (points style; composite style: Value × Index.Scale and the scale).
	// Points are unrounded; a penalty adjustment's points are negative.
	Points, MaxPoints float64
	// Applicable is false when the node does not apply to the unit's type,
	// the indicator was declared not applicable, or its data make it not
	// applicable (a zero denominator with on_zero_denominator: na).
	Applicable bool
	// Missing is true when the node had no value and the missing-data policy
	// left it missing.
	Missing bool
	// Overridden is true when the appraisal's points replaced the computed.
	Overridden bool
	// Explanation says, for indicators, how the points were reached; set
	// only when Options.Explain is true.
	Explanation *Explanation `json:",omitempty"`
}

// Explanation tells a user how an indicator was scored: inputs → method →
// fraction → points.
type Explanation struct {
	Inputs   []ExplainedInput
	Method   MethodKind
	Steps    Text // e.g. "a/b = 12/15 = 0,8 ≥ chỉ tiêu 1 → 0,8 × 15 = 12 điểm"
	Fraction float64
	Points   float64
}

// ExplainedInput is one input as the explanation shows it.
type ExplainedInput struct {
	Key     string
	Value   string // as typed, "" when missing
	Missing bool
}
