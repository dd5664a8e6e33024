package assessment

import (
	"math"
	"strings"
	"testing"
	"time"
)

func TestValidateChanges(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	tests := []struct {
		name    string
		changes []ValueChange
		want    string // fields with problems, space-separated
	}{
		{"ok", []ValueChange{{Indicator: "NTS.01", Input: "count", Text: "3", Num: f(3)}, {Indicator: "NTS.02", Input: "c", Clear: true}}, ""},
		{"bad indicator", []ValueChange{{Indicator: "NTS 01", Input: "x", Text: "1"}}, "NTS 01/x"},
		{"empty value", []ValueChange{{Indicator: "A", Input: "x", Text: "  "}}, "A/x"},
		{"NaN", []ValueChange{{Indicator: "A", Input: "x", Text: "NaN", Num: f(math.NaN())}}, "A/x"},
		{"infinite", []ValueChange{{Indicator: "A", Input: "x", Text: "Inf", Num: f(math.Inf(1))}}, "A/x"},
		{"too long", []ValueChange{{Indicator: "A", Input: "x", Text: strings.Repeat("x", MaxTextValueLen+1)}}, "A/x"},
		{"twice", []ValueChange{{Indicator: "A", Input: "x", Text: "1"}, {Indicator: "A", Input: "x", Clear: true}}, "A/x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateChanges(tt.changes)
			var got []string
			if v, ok := err.(*ValidationError); ok {
				for _, fe := range v.Fields {
					got = append(got, fe.Field)
				}
			} else if err != nil {
				t.Fatalf("ValidateChanges = %v; want a *ValidationError", err)
			}
			if strings.Join(got, " ") != tt.want {
				t.Errorf("ValidateChanges fields = %v; want %q", got, tt.want)
			}
		})
	}
}

func TestPeriod_Validate(t *testing.T) {
	ok := Period{Code: "DTI-2025", Name: "DTI 2025", Year: 2025, Status: PeriodDraft, IndexCode: "PDTI", IndexHash: "h", IndexSource: []byte("x")}
	tests := []struct {
		name string
		edit func(*Period)
		want string
	}{
		{"ok", func(*Period) {}, ""},
		{"year", func(p *Period) { p.Year = 1999 }, "year"},
		{"status", func(p *Period) { p.Status = "running" }, "status"},
		{"no index", func(p *Period) { p.IndexSource = nil }, "index"},
		{"deadline before opening", func(p *Period) {
			p.OpensAt = mustTime("2026-03-01")
			p.ClosesAt = mustTime("2026-02-01")
		}, "closes_at"},
	}
	for _, tt := range tests {
		p := ok
		tt.edit(&p)
		got := ""
		if v, isV := p.Validate().(*ValidationError); isV {
			got = v.Fields[0].Field
		}
		if got != tt.want {
			t.Errorf("%s: Validate() first field = %q; want %q", tt.name, got, tt.want)
		}
	}
}

func TestEvidenceAndReview_Validate(t *testing.T) {
	nan := math.NaN()
	tests := []struct {
		name string
		err  error
		want bool // valid
	}{
		{"file", (&Evidence{Indicator: "A", Kind: EvidenceFile, FileName: "qd.pdf"}).Validate(), true},
		{"file with path", (&Evidence{Indicator: "A", Kind: EvidenceFile, FileName: "../qd.pdf"}).Validate(), false},
		{"link https", (&Evidence{Indicator: "A", Kind: EvidenceLink, URL: "https://x.gov.vn/a"}).Validate(), true},
		{"link ftp", (&Evidence{Indicator: "A", Kind: EvidenceLink, URL: "ftp://x.gov.vn/a"}).Validate(), false},
		{"adjusted NaN", (&Review{Indicator: "A", Decision: DecisionAdjustValue, Reason: "r",
			AdjustedValues: []AdjustedValue{{Input: "x", Text: "NaN", Num: &nan}}}).Validate(), false},
		{"not applicable needs reason", (&Review{Indicator: "A", Decision: DecisionNotApplicable}).Validate(), false},
	}
	for _, tt := range tests {
		if (tt.err == nil) != tt.want {
			t.Errorf("%s: Validate() = %v; want valid %v", tt.name, tt.err, tt.want)
		}
	}
}

func mustTime(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}
