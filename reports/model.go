package reports

import (
	"time"

	"github.com/dti-platform/dti/scoring"
)

// This file holds the plain inputs of the Excel writers: what the scoring
// engine does not know (period, unit names, reviews, evidence, audit
// entries) next to the engine's own types, which are taken as they are.

// Languages of the generated files. Anything else means Vietnamese.
// LangBoth writes Vietnamese content with bilingual column headers
// (Vietnamese first, English below); the fillable template treats it as
// Vietnamese.
const (
	LangVI   = "vi"
	LangEN   = "en"
	LangBoth = "vi-en"
)

// Period identifies the assessment round a file is about.
type Period struct {
	Code string       // e.g. "DTI-2025"
	Name scoring.Text // e.g. {"DTI năm 2025", "DTI 2025"}
	Year int          // the assessed (data) year
}

// UnitNames maps a unit code to its bilingual name. A unit missing from the
// map is shown with the name carried by its scoring result.
type UnitNames map[string]scoring.Text

// name returns the unit's name in lang, falling back to fallback.
func (n UnitNames) name(code, fallback, lang string) string {
	if t, ok := n[code]; ok && t.VI != "" {
		return t.In(lang)
	}
	if fallback != "" {
		return fallback
	}
	return code
}

// RankingInput is what WriteRanking needs.
type RankingInput struct {
	Index *scoring.Index
	// Period is the period ranked; Results are its final results.
	Period  Period
	Results *scoring.Results
	// Previous holds the previous period's final results, matched to
	// Results by unit code, for the change columns; nil when there is none
	// (the change columns are then blank).
	Previous       *scoring.Results
	PreviousPeriod Period
	Names          UnitNames
	// GeneratedAt is printed on the cover sheet (the caller passes the
	// clock's time; the package never reads the clock).
	GeneratedAt time.Time
	// Lang is LangVI (default) or LangEN.
	Lang string
	// GroupDepth is the deepest tree level whose groups get a column on
	// the block sheets: 0 shows the top-level groups only, 1 adds their
	// sub-groups (the DTI's "main indexes"), and so on.
	GroupDepth int
	// Blocks, when not empty, limits the workbook to these block codes
	// (cover counts, block sheets and matrix rows), e.g. for a viewer
	// scoped to one block.
	Blocks []string
}

// Review is the appraisal council's decision on one indicator, as the
// scorecard shows it.
type Review struct {
	// Decision is one of "accept", "adjust_value", "adjust_score",
	// "request_evidence" (other codes are shown as they are).
	Decision string
	Reason   string
	Comment  string
	Reviewer string
}

// EvidenceItem is one piece of evidence attached to an indicator.
type EvidenceItem struct {
	// Kind is "file", "link" or "explanation".
	Kind string
	Name string // file name
	URL  string // link
	Text string // explanation of why evidence is missing, or a note
	Size int64  // file size in bytes
}

// ScorecardInput is what WriteScorecard needs: one unit's results side by
// side with its inputs, the reviewers' decisions and its evidence.
type ScorecardInput struct {
	Index  *scoring.Index
	Period Period
	// UnitCode selects the unit in the results; UnitName overrides the name
	// carried by the results when set.
	UnitCode string
	UnitName scoring.Text
	// Self, Appraised and Final are the period's results computed from the
	// units' own values, from the appraised values and the final ones; Self
	// and Appraised may be nil (their columns are then blank). Final is
	// required.
	Self, Appraised, Final *scoring.Results
	// SelfValues and AppraisedValues are the unit's input values.
	SelfValues, AppraisedValues map[scoring.InputKey]scoring.Value
	// Reviews and Evidence are keyed by indicator code.
	Reviews  map[string]Review
	Evidence map[string][]EvidenceItem
	// GeneratedAt is printed in the header.
	GeneratedAt time.Time
	Lang        string
}

// RawDataInput is what the raw data exports need: every unit's final input
// values.
type RawDataInput struct {
	Index   *scoring.Index
	Period  Period
	Dataset *scoring.Dataset
	Names   UnitNames
	Lang    string
}

// AuditEntry is one line of the audit log as exported.
type AuditEntry struct {
	At       time.Time
	Actor    string // user name
	Action   string // e.g. "value.save", "period.publish"
	Entity   string // e.g. "submission"
	EntityID string
	Unit     string // unit code, "" when none
	Period   string // period code, "" when none
	Field    string
	From, To string
	Reason   string
}

// AuditInput is what the audit log exports need.
type AuditInput struct {
	Entries []AuditEntry
	// Location is the time zone the times are shown in; nil keeps each
	// entry's own.
	Location *time.Location
	Lang     string
}

// TemplateInput identifies one unit's fillable template and carries its
// current values. The same value is given to WriteTemplate and to
// ReadTemplate: the import refuses a file made for another unit, period or
// index version.
type TemplateInput struct {
	Index    *scoring.Index
	Period   Period
	UnitCode string
	UnitName scoring.Text
	// UnitType selects the indicators that apply (scoring.UnitType code).
	UnitType string
	// NotApplicable lists optional indicators the secretariat declared not
	// applicable to the unit (as scoring.UnitData.NotApplicable): the
	// template leaves them out.
	NotApplicable map[string]bool
	// Current holds the unit's current values; the template shows them and
	// the import reports changes against them.
	Current map[scoring.InputKey]scoring.Value
	Lang    string
	// Limits of the import; zero values mean DefaultTemplateLimits.
	Limits TemplateLimits
}

// TemplateLimits bound the import of an untrusted template file.
type TemplateLimits struct {
	MaxFileBytes     int64 // size of the uploaded file
	MaxUnzipBytes    int64 // total unzipped size of the workbook
	MaxUnzipXMLBytes int64 // unzipped size of one worksheet part
	MaxRows          int   // rows read from the input sheet
}

// DefaultTemplateLimits are the import limits used when TemplateInput.Limits
// leaves a field zero: a template of 500 inputs (about 30 KB, 400 KB
// unzipped) is far below all of them.
var DefaultTemplateLimits = TemplateLimits{
	MaxFileBytes:     10 << 20,
	MaxUnzipBytes:    16 << 20,
	MaxUnzipXMLBytes: 16 << 20,
	MaxRows:          5000,
}

// TemplateImport is the preview of an imported template: what would change
// and what is wrong. Applying it (all or nothing) is the caller's job, and
// only when Errors is empty.
type TemplateImport struct {
	// Changes lists every input the unit changed in the file, in form
	// order: its value differs from the one written to the template and
	// from the current one.
	Changes []TemplateChange
	// Values holds the new value of every changed input, with Texts its
	// canonical text (see CanonicalText): exactly what to apply. A cleared
	// cell gives a Value with Set false and text "". Inputs the file leaves
	// as written are absent, so a value saved on the platform since the
	// download is never overwritten.
	Values map[scoring.InputKey]scoring.Value
	Texts  map[scoring.InputKey]string
	// Errors lists every problem found, in sheet order.
	Errors []*TemplateError
}

// TemplateChange is one changed input in an import preview.
type TemplateChange struct {
	Key  scoring.InputKey
	Cell string // e.g. "'Mẫu nhập liệu'!H12"
	// Indicator and Input are the indicator name and input label in the
	// template's language.
	Indicator, Input string
	// Old and New are the values as a person reads them ("Có", "12,5",
	// "2025-03-15"); "" for an empty value.
	Old, New string
}
