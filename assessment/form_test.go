package assessment

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/dti-platform/dti/scoring"
)

// linkTree sets Parent on every node, as the parser does.
func linkTree(nodes []*scoring.Node, parent *scoring.Node) {
	for _, n := range nodes {
		n.Parent = parent
		linkTree(n.Children, n)
	}
}

// formFixture is a small index built by hand: two groups, an indicator for
// districts only, a read-only input, an optional indicator and a bonus.
func formFixture() *scoring.Index {
	boolean := &scoring.Method{Kind: scoring.MethodBoolean}
	ix := &scoring.Index{
		Code:    "TEST",
		Pillars: []scoring.Pillar{{Code: "CQS"}, {Code: "KTS"}},
		Nodes: []*scoring.Node{
			{Code: "NT", AppliesTo: []string{"department", "district"}, Children: []*scoring.Node{
				{Code: "NT.01", Name: scoring.Text{VI: "Ban chỉ đạo"}, Pillars: []string{"CQS"}, Method: boolean,
					Evidence: scoring.Evidence{Required: true},
					Inputs: []scoring.Input{
						{Key: "chair", Label: scoring.Text{VI: "Trưởng ban", EN: "Chair"}, Type: scoring.InputChoice, Required: true,
							Options: []scoring.Option{{Value: "head"}, {Value: "deputy"}}},
						{Key: "doc", Label: scoring.Text{VI: "Văn bản"}, Type: scoring.InputText},
					}},
				{Code: "NT.02", Pillars: []string{"CQS", "KTS", "CQS"}, Method: boolean, Source: scoring.SourceSystem,
					Inputs: []scoring.Input{{Key: "systems", Type: scoring.InputCount, Required: true}}},
				{Code: "NT.03", AppliesTo: []string{"district"}, Pillars: []string{"KTS"}, Method: boolean,
					Inputs: []scoring.Input{{Key: "pct", Label: scoring.Text{VI: "Tỷ lệ"}, Type: scoring.InputPercent, Required: true}}},
			}},
			{Code: "HD", Children: []*scoring.Node{
				{Code: "HD.1", Children: []*scoring.Node{
					{Code: "HD.1.1", Optional: true, Pillars: []string{"KTS"}, Method: boolean,
						Evidence: scoring.Evidence{Required: true},
						Inputs: []scoring.Input{
							{Key: "done", Label: scoring.Text{VI: "Đã triển khai"}, Type: scoring.InputBoolean, Required: true},
							{Key: "audited", Type: scoring.InputBoolean, Required: true, Source: scoring.SourceSecretariat},
						}},
				}},
			}},
		},
		Adjustments: []*scoring.Node{
			{Code: "BONUS.01", Adjustment: "bonus", Method: &scoring.Method{Kind: scoring.MethodCountCapped},
				Inputs: []scoring.Input{{Key: "awards", Label: scoring.Text{VI: "Giải thưởng"}, Type: scoring.InputCount, Required: true}}},
		},
	}
	linkTree(ix.Nodes, nil)
	linkTree(ix.Adjustments, nil)
	return ix
}

type ik = scoring.InputKey

func set(f float64) scoring.Value { return scoring.Value{Set: true, Num: f} }

func TestCheckSubmission(t *testing.T) {
	ix := formFixture()
	full := map[ik]scoring.Value{
		{Indicator: "NT.01", Input: "chair"}:     {Set: true, Text: "head"},
		{Indicator: "NT.03", Input: "pct"}:       set(50),
		{Indicator: "HD.1.1", Input: "done"}:     set(1),
		{Indicator: "BONUS.01", Input: "awards"}: set(0),
	}
	allEvidence := map[string]bool{"NT.01": true, "HD.1.1": true}
	tests := []struct {
		name     string
		unitType string
		values   map[ik]scoring.Value
		evidence map[string]bool
		na       map[string]bool
		want     []string
	}{
		{"empty department", "department", nil, nil, nil,
			[]string{"NT.01/chair", "NT.01/evidence", "HD.1.1/done", "HD.1.1/evidence", "BONUS.01/awards"}},
		{"empty district has its own indicator", "district", nil, nil, nil,
			[]string{"NT.01/chair", "NT.01/evidence", "NT.03/pct", "HD.1.1/done", "HD.1.1/evidence", "BONUS.01/awards"}},
		{"commune: the NT group does not apply", "commune", nil, nil, nil,
			[]string{"HD.1.1/done", "HD.1.1/evidence", "BONUS.01/awards"}},
		{"declared not applicable", "department", nil, nil, map[string]bool{"HD.1.1": true},
			[]string{"NT.01/chair", "NT.01/evidence", "BONUS.01/awards"}},
		{"complete", "district", full, allEvidence, nil, nil},
		{"unset value counts as missing", "department",
			map[ik]scoring.Value{{Indicator: "NT.01", Input: "chair"}: {}}, allEvidence, nil,
			[]string{"NT.01/chair", "HD.1.1/done", "BONUS.01/awards"}},
		{"only evidence missing", "department", full, map[string]bool{"NT.01": true}, nil,
			[]string{"HD.1.1/evidence"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items := CheckSubmission(ix, tt.unitType, tt.values, tt.evidence, tt.na)
			var got []string
			for _, m := range items {
				got = append(got, m.Field())
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("CheckSubmission(%s) = %v; want %v", tt.unitType, got, tt.want)
			}
		})
	}
}

func TestFormProgressOf(t *testing.T) {
	ix := formFixture()
	values := map[ik]scoring.Value{
		{Indicator: "NT.01", Input: "chair"}:   {Set: true, Text: "head"},
		{Indicator: "NT.02", Input: "systems"}: set(3), // read-only: never counted
		{Indicator: "HD.1.1", Input: "done"}:   set(0),
	}
	fp := FormProgressOf(ix, "district", values, map[string]bool{"HD.1.1": true}, nil)
	want := FormProgress{
		Overall: Progress{Filled: 2, Required: 4, EvidenceGiven: 1, EvidenceRequired: 2},
		Groups: []Progress{
			{Code: "NT", Filled: 1, Required: 2, EvidenceGiven: 0, EvidenceRequired: 1},
			{Code: "HD", Filled: 1, Required: 1, EvidenceGiven: 1, EvidenceRequired: 1},
			{Code: "HD.1", Filled: 1, Required: 1, EvidenceGiven: 1, EvidenceRequired: 1},
		},
		Pillars: []Progress{
			{Code: "CQS", Filled: 1, Required: 1, EvidenceGiven: 0, EvidenceRequired: 1},
			{Code: "KTS", Filled: 1, Required: 2, EvidenceGiven: 1, EvidenceRequired: 1},
		},
	}
	if !reflect.DeepEqual(fp, want) {
		t.Errorf("FormProgressOf =\n%+v\nwant\n%+v", fp, want)
	}
	if g, _ := fp.Group("HD"); !g.Done() {
		t.Errorf("group HD %+v not done", g)
	}
	if p, _ := fp.Pillar("KTS"); p.Done() || p.Percent() != 200.0/3 {
		t.Errorf("pillar KTS %+v: done %v percent %v; want not done, 66.67", p, p.Done(), p.Percent())
	}
	if _, ok := fp.Group("NT.01"); ok {
		t.Errorf("an indicator is listed as a group")
	}
	if (Progress{}).Percent() != 100 {
		t.Errorf("empty progress is not 100%%")
	}
}

func TestParseForm(t *testing.T) {
	ix := formFixture()
	got, err := ParseForm(ix, "district", map[ik]string{
		{Indicator: "NT.01", Input: "chair"}:     "Deputy",
		{Indicator: "NT.01", Input: "doc"}:       "",
		{Indicator: "NT.03", Input: "pct"}:       "87,5%",
		{Indicator: "BONUS.01", Input: "awards"}: "2",
	})
	if err != nil {
		t.Fatalf("ParseForm: %v", err)
	}
	want := map[ik]scoring.Value{
		{Indicator: "NT.01", Input: "chair"}:     {Set: true, Text: "deputy"},
		{Indicator: "NT.01", Input: "doc"}:       {},
		{Indicator: "NT.03", Input: "pct"}:       set(87.5),
		{Indicator: "BONUS.01", Input: "awards"}: set(2),
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParseForm = %v; want %v", got, want)
	}

	got, err = ParseForm(ix, "department", map[ik]string{
		{Indicator: "ZZ.9", Input: "x"}:           "1",
		{Indicator: "BONUS.01", Input: "awards"}:  "-1",
		{Indicator: "NT.01", Input: "chair"}:      "secretary",
		{Indicator: "NT.01", Input: "nope"}:       "1",
		{Indicator: "NT.02", Input: "systems"}:    "4",
		{Indicator: "NT.03", Input: "pct"}:        "50",
		{Indicator: "HD.1.1", Input: "done"}:      "có",
		{Indicator: "HD.1.1", Input: "audited"}:   "có",
		{Indicator: "AA.1", Input: "x"}:           "1",
		{Indicator: "HD.1.1", Input: "done_also"}: "",
	})
	if got != nil {
		t.Errorf("ParseForm with errors returned values %v", got)
	}
	var v *ValidationError
	if !errors.As(err, &v) || !errors.Is(err, ErrInvalid) {
		t.Fatalf("ParseForm error %v; want *ValidationError", err)
	}
	var lines []string
	for _, f := range v.Fields {
		lines = append(lines, f.Field+": "+f.VI+" | "+f.EN)
	}
	wantLines := []string{
		`NT.01/chair: chỉ số NT.01: "Trưởng ban": "secretary" không phải là một lựa chọn hợp lệ | indicator NT.01: "Chair": "secretary" is not one of the options`,
		`NT.02/systems: "systems" do hệ thống dùng chung cung cấp, đơn vị không được sửa | "systems" is provided by a central system and is read-only for the unit`,
		`NT.03/pct: chỉ số NT.03 không áp dụng cho loại đơn vị department | indicator NT.03 does not apply to unit type department`,
		`HD.1.1/audited: "audited" do cơ quan thường trực cung cấp, đơn vị không được sửa | "audited" is provided by the secretariat and is read-only for the unit`,
		`BONUS.01/awards: chỉ số BONUS.01: "Giải thưởng": phải là số nguyên không âm, không phải "-1" | indicator BONUS.01: "Giải thưởng": must be a whole number ≥ 0, not "-1"`,
		`AA.1/x: chỉ số AA.1 không có trong bộ chỉ số | indicator AA.1 is not in the index`,
		`HD.1.1/done_also: chỉ số HD.1.1 không có ô nhập "done_also" | indicator HD.1.1 has no input "done_also"`,
		`NT.01/nope: chỉ số NT.01 không có ô nhập "nope" | indicator NT.01 has no input "nope"`,
		`ZZ.9/x: chỉ số ZZ.9 không có trong bộ chỉ số | indicator ZZ.9 is not in the index`,
	}
	if strings.Join(lines, "\n") != strings.Join(wantLines, "\n") {
		t.Errorf("ParseForm errors:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(wantLines, "\n"))
	}

	// Central imports may write read-only inputs.
	val, err := ParseFormValue(ix, "department", ik{Indicator: "NT.02", Input: "systems"}, "4", true)
	if err != nil || val != set(4) {
		t.Errorf("central ParseFormValue = %v, %v; want 4", val, err)
	}
	_, err = ParseFormValue(ix, "department", ik{Indicator: "NT.02", Input: "systems"}, "4", false)
	if !errors.Is(err, ErrForbidden) {
		t.Errorf("unit writing a system input: %v; want forbidden", err)
	}
}

func TestChangeOf(t *testing.T) {
	k := ik{Indicator: "A", Input: "b"}
	tests := []struct {
		in   scoring.InputType
		v    scoring.Value
		want ValueChange
	}{
		{scoring.InputBoolean, set(1), ValueChange{Indicator: "A", Input: "b", Text: "true", Num: ptr(1.0)}},
		{scoring.InputBoolean, set(0), ValueChange{Indicator: "A", Input: "b", Text: "false", Num: ptr(0.0)}},
		{scoring.InputNumber, set(12.5), ValueChange{Indicator: "A", Input: "b", Text: "12.5", Num: ptr(12.5)}},
		{scoring.InputCount, set(1234567), ValueChange{Indicator: "A", Input: "b", Text: "1234567", Num: ptr(1234567.0)}},
		{scoring.InputDate, scoring.Value{Set: true, Text: "2026-03-31"}, ValueChange{Indicator: "A", Input: "b", Text: "2026-03-31"}},
		{scoring.InputText, scoring.Value{}, ValueChange{Indicator: "A", Input: "b", Clear: true}},
	}
	for _, tt := range tests {
		got := ChangeOf(k, &scoring.Input{Key: "b", Type: tt.in}, tt.v)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ChangeOf(%s, %+v) = %+v; want %+v", tt.in, tt.v, got, tt.want)
		}
		if err := ValidateChanges([]ValueChange{got}); err != nil {
			t.Errorf("ChangeOf(%s, %+v) is not a valid change: %v", tt.in, tt.v, err)
		}
	}
}

func TestFormChanges(t *testing.T) {
	ix := formFixture()
	got, err := FormChanges(ix, "district", map[ik]string{
		{Indicator: "BONUS.01", Input: "awards"}: "3",
		{Indicator: "NT.03", Input: "pct"}:       "12,5",
		{Indicator: "NT.01", Input: "doc"}:       "",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []ValueChange{
		{Indicator: "NT.01", Input: "doc", Clear: true},
		{Indicator: "NT.03", Input: "pct", Text: "12.5", Num: ptr(12.5)},
		{Indicator: "BONUS.01", Input: "awards", Text: "3", Num: ptr(3.0)},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("FormChanges = %+v; want %+v", got, want)
	}
	if _, err := FormChanges(ix, "district", map[ik]string{{Indicator: "NT.02", Input: "systems"}: "1"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("FormChanges on a read-only input: %v; want a validation error", err)
	}
}

func TestParseAdjustedValues(t *testing.T) {
	ix := formFixture()
	got, err := ParseAdjustedValues(ix, "district", "NT.02", map[string]string{"systems": "4"})
	if err != nil || !reflect.DeepEqual(got, []AdjustedValue{{Input: "systems", Text: "4", Num: ptr(4.0)}}) {
		t.Errorf("ParseAdjustedValues = %+v, %v", got, err)
	}
	_, err = ParseAdjustedValues(ix, "district", "NT.01", map[string]string{"chair": "", "doc": "x", "nope": "1"})
	var v *ValidationError
	if !errors.As(err, &v) || len(v.Fields) != 2 || v.Fields[0].Field != "NT.01/chair" || v.Fields[1].Field != "NT.01/nope" {
		t.Errorf("ParseAdjustedValues errors = %v", err)
	}
}

func TestValuesOfAndEvidenceSet(t *testing.T) {
	n := 2.0
	vals := ValuesOf([]*InputValue{{Indicator: "A", Input: "x", Text: "2", Num: &n}, {Indicator: "B", Input: "y", Text: "head"}})
	if x := vals[ik{Indicator: "A", Input: "x"}]; !x.Set || x.Num != 2 || vals[ik{Indicator: "B", Input: "y"}].Text != "head" {
		t.Errorf("ValuesOf = %v", vals)
	}
	ev := EvidenceSet([]*Evidence{{Indicator: "A"}, {Indicator: "A"}, {Indicator: "C"}})
	if !reflect.DeepEqual(ev, map[string]bool{"A": true, "C": true}) {
		t.Errorf("EvidenceSet = %v", ev)
	}
}

func TestFieldErrors(t *testing.T) {
	_, err := ParseForm(formFixture(), "district", map[ik]string{
		{Indicator: "NT.03", Input: "pct"}:       "200",
		{Indicator: "BONUS.01", Input: "awards"}: "x",
	})
	got := FieldErrors(err, "en")
	want := map[ik]string{
		{Indicator: "NT.03", Input: "pct"}:       `indicator NT.03: "Tỷ lệ": must not be greater than 100`,
		{Indicator: "BONUS.01", Input: "awards"}: `indicator BONUS.01: "Giải thưởng": "x" is not a number`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("FieldErrors = %v; want %v", got, want)
	}
	missing := FieldErrors(MissingError([]MissingItem{{Indicator: "A"}, {Indicator: "A", Input: "x", Label: scoring.Text{VI: "X"}}}), "vi")
	if missing[ik{Indicator: "A", Input: "evidence"}] != "chỉ số A cần tài liệu kiểm chứng" || len(missing) != 2 {
		t.Errorf("FieldErrors(missing) = %v", missing)
	}
	v := &ValidationError{}
	v.Add("code", "a", "a")
	v.Add("A/x", "một", "one")
	v.Add("A/x", "hai", "two")
	if got := FieldErrors(v, "en"); !reflect.DeepEqual(got, map[ik]string{{Indicator: "A", Input: "x"}: "one; two"}) {
		t.Errorf("FieldErrors(mixed) = %v", got)
	}
	if FieldErrors(ErrForbidden, "vi") != nil || FieldErrors(nil, "vi") != nil {
		t.Errorf("FieldErrors of a non-validation error is not nil")
	}
}
