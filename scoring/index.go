package scoring

// This file holds the in-memory model of an index definition. ParseIndex
// (parse.go) builds it from YAML and validates it; the engine (score.go) reads
// it. The YAML keys are documented in docs/index-format.md.

// Text is a name or help text in Vietnamese (shown first) and English.
type Text struct {
	VI string `yaml:"vi"`
	EN string `yaml:"en"`
}

// In returns the text in the given language ("vi" or "en"), falling back to
// Vietnamese when no English text is given.
func (t Text) In(lang string) string {
	if lang == "en" && t.EN != "" {
		return t.EN
	}
	return t.VI
}

// Pos is a position in the YAML source, 1-based. The zero Pos means unknown.
type Pos struct {
	Line, Col int
}

// Style says how an index turns indicator scores into totals.
type Style string

const (
	// StylePoints is the DTI practice: every indicator has max points, a
	// node's value is achieved points ÷ applicable max points, and the total
	// is the unit's value × Index.Scale (e.g. 1000).
	StylePoints Style = "points"
	// StyleComposite is the composite-index practice (JRC/COINr): indicators
	// are normalised, then aggregated by weighted means up the tree; values
	// are reported on Index.Scale (e.g. 0..100).
	StyleComposite Style = "composite"
)

// Index is a parsed and validated index definition.
type Index struct {
	SchemaVersion int
	Code          string
	Version       string
	Name          Text
	Description   Text
	Style         Style
	// Scale is the number a value of 1 is shown as: 1000 points for a DTI,
	// 100 for a composite index normalised to 0..100.
	Scale    float64
	Rounding Rounding

	UnitTypes []UnitType
	Blocks    []Block
	// Pillars are cross-cutting tags. A pillar's value is computed from the
	// indicators tagged with it wherever they sit in the tree (methodology §1.2).
	Pillars []Pillar
	Bands   []Band

	// Defaults applied to every indicator that does not set its own.
	Defaults IndicatorDefaults

	// Nodes are the top-level nodes of the tree (pillars of the DTI, or the
	// single root of a composite index).
	Nodes []*Node
	// Adjustments are bonus and penalty items scored outside the tree and
	// added to the total points.
	Adjustments []*Node

	// Source is the YAML text the index was parsed from and Hash its
	// lowercase hex sha256: a period pins both.
	Source []byte
	Hash   string

	indicators []*Node          // every indicator of the tree, in document order
	byCode     map[string]*Node // every node and adjustment by code
	slots      map[InputKey]int // input -> slot in UnitData.Values
}

// Rounding holds the published rounding rules. Ranks are decided on the
// rounded value (ties share a rank), as the published tables show.
type Rounding struct {
	ValueDecimals  int // decimals of a 0..1 value (DTI: 4)
	PointsDecimals int // decimals of points (provincial tables: 2)
}

// UnitType is a kind of unit (department, district, commune...). Unit types
// are data: the 2025 reform removed the district level without a code change.
type UnitType struct {
	Code    string
	Name    Text
	Enabled bool
	Pos     Pos
}

// Block is a ranking block: units of the listed types (and, when set, with
// the attribute value) are ranked together. Units of a block with Ranked
// false are assessed and scored but get no rank.
type Block struct {
	Code      string
	Name      Text
	UnitTypes []string
	Ranked    bool
	Pos       Pos
}

// Pillar is a cross-cutting tag (for the DTI: CQS, KTS, XHS).
type Pillar struct {
	Code string
	Name Text
	Pos  Pos
}

// Band is a classification band. A unit falls in the first band (in the
// order declared, highest first) whose lower bound its value reaches.
type Band struct {
	Code string
	Name Text
	// MinPercent is the lower bound as a percent of the maximum (value × 100).
	MinPercent float64
	// Exclusive makes the bound strict (value > MinPercent), as in Lào Cai's
	// "trên 75%".
	Exclusive bool
	Pos       Pos
}

// Aggregation says how a node combines its children.
type Aggregation string

const (
	AggSum       Aggregation = "sum"       // Σ points ÷ Σ applicable max points
	AggMean      Aggregation = "mean"      // weighted arithmetic mean of child values
	AggGeometric Aggregation = "geometric" // weighted geometric mean of child values
)

// MissingChildren is a node's rule for children without a value.
type MissingChildren string

const (
	MissingSkip MissingChildren = "skip" // leave them out (weights renormalised)
	MissingZero MissingChildren = "zero" // count them as 0
	MissingNA   MissingChildren = "na"   // the node itself has no value
)

// Node is a node of the index tree: a group (it has Children) or an
// indicator (it has a Method). Adjustments are indicator nodes too.
type Node struct {
	Code        string
	Name        Text
	Description Text
	// Guidance is the help text shown with an indicator on the form.
	Guidance Text

	// MaxPoints is the node's maximum in a points-style index; MaxPointsBy
	// overrides it per unit type.
	MaxPoints   float64
	MaxPointsBy map[string]float64
	// Weight is the node's weight in its parent's mean (composite style).
	Weight float64
	// AppliesTo lists the unit types the node applies to; empty means the
	// parent's (the root: every unit type).
	AppliesTo []string

	Aggregation     Aggregation     // groups only
	MissingChildren MissingChildren // groups only
	Children        []*Node

	// Pillars lists the pillar tags of an indicator (inherited from its
	// ancestors when they declare some).
	Pillars []string

	// Indicator fields.
	Inputs   []Input
	Method   *Method
	Evidence Evidence
	Source   Source
	// Optional marks an indicator that the secretariat may declare not
	// applicable for a unit (it is then removed from the max).
	Optional bool
	// Adjustment is "bonus" or "penalty" for adjustment items, "" otherwise.
	Adjustment string
	// Basis cites where the indicator comes from (free text).
	Basis string

	Parent *Node
	Depth  int // 0 for top-level nodes
	Pos    Pos

	applies []string           // resolved unit types the node applies to
	maxBy   map[string]float64 // resolved max points per applicable unit type
}

// IsIndicator reports whether n is an indicator (a leaf with a method).
func (n *Node) IsIndicator() bool { return n.Method != nil }

// InputType is the type of a form input.
type InputType string

const (
	InputBoolean     InputType = "boolean"      // yes/no; Value.Num 1 or 0
	InputCount       InputType = "count"        // whole number ≥ 0
	InputNumber      InputType = "number"       // any number within limits
	InputPercent     InputType = "percent"      // 0..100 unless limits say otherwise
	InputChoice      InputType = "choice"       // one option; Value.Text is its code
	InputMultiChoice InputType = "multi_choice" // options; Value.Text is codes joined by ","
	InputDate        InputType = "date"         // Value.Text is YYYY-MM-DD
	InputText        InputType = "text"         // free text, not scored
	InputURL         InputType = "url"          // a link, not scored
)

// Source says where an input's data come from. Inputs from SourceSystem and
// SourceSecretariat are read-only for the unit.
type Source string

const (
	SourceSelf        Source = "self"
	SourceSystem      Source = "system"
	SourceSurvey      Source = "survey"
	SourceSecretariat Source = "secretariat"
)

// ReadOnlyForUnit reports whether a unit may not type this source's values.
func (s Source) ReadOnlyForUnit() bool { return s != SourceSelf && s != "" }

// Input is one typed input of an indicator.
type Input struct {
	Key      string
	Label    Text
	Help     Text
	Type     InputType
	Required bool
	Unit     string // e.g. "%", "Mbps", "triệu đồng"
	Min, Max *float64
	Options  []Option // choice and multi_choice
	// Source overrides the indicator's source for this input.
	Source Source
	Pos    Pos
}

// Option is one option of a choice input.
type Option struct {
	Value string
	Label Text
}

// Evidence is an indicator's evidence rule.
type Evidence struct {
	Required bool
	Hint     Text
}

// Method is an indicator's scoring method with its parameters. Which fields
// a method uses is documented in docs/index-format.md; the parser checks
// that each method has the ones it needs.
type Method struct {
	Kind MethodKind

	// Value is the quantity the method scores: one input, a ratio of two
	// inputs, or a formula. Used by every method but boolean/choice/ratio/
	// sum_of_parts.
	Value *ValueSpec

	// Input is the input key of boolean, choice, survey_scale and deadline;
	// for a value method whose value is one input it repeats Value.Input.
	Input string

	// ratio
	Numerator, Denominator string
	// Target is the value that earns full points (ratio: a share, e.g. 1 or
	// 0.8; percent: a percent, e.g. 80).
	Target    float64
	OnZeroDiv ZeroDivision
	Fractions map[string]float64 // choice: option -> fraction
	Tiers     []Tier             // tiers
	PerItem   float64            // count_capped: fraction of the max per item
	// PointsPerItem is count_capped's alternative to PerItem: points per
	// item, capped at Cap × the max points of the unit's type.
	PointsPerItem float64
	Cap           float64    // count_capped: max fraction (default 1)
	ScaleMin      float64    // survey_scale
	ScaleMax      float64    // survey_scale
	MinCount      float64    // survey_scale: fewer responses -> missing
	CountInput    string     // survey_scale: input holding the response count
	Due           string     // deadline: "MM-DD" of the assessed year
	LateTiers     []LateTier // deadline
	Parts         []Part     // sum_of_parts
	Formula       *Formula   // formula
	Goalposts     *Goalposts // minmax with fixed goalposts
	Peers         PeerScope  // peer-relative methods: over the block or all units

	LowerIsBetter bool

	// Composite-index steps applied to Value before a peer-relative method.
	DenominatorAttr string    // divide by this unit attribute (e.g. population)
	Missing         *Missing  // nil: Index.Defaults.Missing
	Outliers        *Outliers // nil: Index.Defaults.Outliers
	Pos             Pos
}

// MethodKind names a scoring method.
type MethodKind string

const (
	MethodBoolean     MethodKind = "boolean"
	MethodChoice      MethodKind = "choice"
	MethodRatio       MethodKind = "ratio"
	MethodPercent     MethodKind = "percent"
	MethodTiers       MethodKind = "tiers"
	MethodCountCapped MethodKind = "count_capped"
	MethodBestInBlock MethodKind = "best_in_block"
	MethodMinMax      MethodKind = "minmax"
	MethodZScore      MethodKind = "zscore"
	MethodRank        MethodKind = "rank"
	MethodPercentile  MethodKind = "percentile"
	MethodSurvey      MethodKind = "survey_scale"
	MethodDeadline    MethodKind = "deadline"
	MethodSumOfParts  MethodKind = "sum_of_parts"
	MethodFormula     MethodKind = "formula"
)

// ValueSpec is the quantity a method scores.
type ValueSpec struct {
	Input     string   // one input
	RatioOf   []string // [a, b]: a ÷ b
	Multiply  float64  // applied to a ratio (as_percent sets 100); 0 means 1
	OnZeroDiv ZeroDivision
	Formula   *Formula
}

// ZeroDivision says what a ratio with a zero denominator scores.
type ZeroDivision string

const (
	ZeroDivZero    ZeroDivision = "zero"    // fraction 0
	ZeroDivFull    ZeroDivision = "full"    // full points (nothing was required)
	ZeroDivNA      ZeroDivision = "na"      // not applicable: removed from the max
	ZeroDivMissing ZeroDivision = "missing" // treated as missing data (see Missing)
)

// Tier is one threshold of the tiers method. Tiers are tried in order and
// the first that matches gives the fraction: with Min, value ≥ Min; with Max
// (lower is better), value ≤ Max.
type Tier struct {
	Min, Max *float64
	Fraction float64
	Pos      Pos
}

// LateTier gives the fraction for a delivery at most Days days late.
type LateTier struct {
	Days     float64
	Fraction float64
}

// Part is one part of a sum_of_parts indicator: Share of the max points,
// scored by its own method.
type Part struct {
	Share  float64
	Method *Method
}

// Formula is an expression over the indicator's inputs, compiled at load
// time; its result is the fraction of the max points (clamped to 0..1) or,
// when used as a ValueSpec, the value.
type Formula struct {
	Text string
	Pos  Pos
	// Inputs are the input keys the formula references, sorted. When one
	// of them is missing the indicator is missing (no Eval).
	Inputs  []string
	program any // compiled program, set by the parser
}

// Goalposts are the fixed low and high values of a minmax method.
type Goalposts struct {
	Low, High float64
}

// PeerScope says which units a peer-relative method compares a unit with.
type PeerScope string

const (
	PeersBlock PeerScope = "block" // the unit's ranking block (default)
	PeersType  PeerScope = "type"  // units of the same type
	PeersAll   PeerScope = "all"   // every unit in the period
)

// MissingPolicy says what a missing value becomes.
type MissingPolicy string

const (
	MissingAsZero    MissingPolicy = "zero"       // fraction 0
	MissingAsNA      MissingPolicy = "na"         // removed from the max
	MissingMean      MissingPolicy = "mean"       // mean of the peers' values
	MissingGroupMean MissingPolicy = "group_mean" // mean of units sharing GroupBy
	MissingNone      MissingPolicy = "none"       // left missing for the parent's rule
)

// Missing is a missing-data policy.
type Missing struct {
	Policy  MissingPolicy
	GroupBy string // unit attribute for group_mean
}

// Outliers configures outlier treatment of an indicator's values before
// normalisation (COINr's default: winsorise while |skew| ≥ 2 and kurtosis ≥
// 3.5, at most 5 points, then fall back to a log transform).
type Outliers struct {
	Method      string  // "winsorise" or "none"
	MaxSkew     float64 // 2
	MaxKurtosis float64 // 3.5
	MaxPoints   int     // 5
	Fallback    string  // "log" or "none"
}

// IndicatorDefaults are index-wide defaults for indicators.
type IndicatorDefaults struct {
	Missing  Missing
	Outliers Outliers
	Peers    PeerScope
	// Normalised is the range a peer-relative method maps to in a composite
	// index: 0..1 internally, shown × Index.Scale.
}

// Indicators returns every indicator of the tree in document order.
func (ix *Index) Indicators() []*Node { return ix.indicators }

// Node returns the node or adjustment with the given code, or nil.
func (ix *Index) Node(code string) *Node { return ix.byCode[code] }

// Slot returns the dense slot number of an indicator's input, used to index
// UnitData.Values. Slots are numbered in document order: the inputs of the
// tree's indicators, then those of the adjustments.
func (ix *Index) Slot(indicator, input string) (int, bool) {
	s, ok := ix.slots[InputKey{indicator, input}]
	return s, ok
}

// NumSlots returns the number of input slots (the length of a full
// UnitData.Values).
func (ix *Index) NumSlots() int { return len(ix.slots) }
