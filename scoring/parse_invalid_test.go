package scoring

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// problemsOf parses a file and returns its problems as "line:col: message".
func problemsOf(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := ParseIndex(data)
	if err == nil {
		t.Fatalf("ParseIndex(%s) = ok; want problems", path)
	}
	if ix != nil {
		t.Errorf("ParseIndex(%s) returned an index along with problems", path)
	}
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("ParseIndex(%s) error %T; want *ValidationError", path, err)
	}
	var out []string
	for _, p := range ve.Problems {
		out = append(out, p.String())
	}
	return out
}

// TestParseIndex_Invalid checks the exact problems, with line and column,
// reported for each file of testdata/invalid (one mistake per file, plus
// the consequences a reader would expect).
func TestParseIndex_Invalid(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		{"adjustment_without_kind", []string{
			"37:5: adjustment BONUS: missing required key \"kind\"",
		}},
		{"applies_to_outside_parent", []string{
			"9:5: unit type district: it is enabled but no indicator applies to it",
			"26:21: indicator G.1: applies_to lists unit type \"district\", which group G does not apply to",
		}},
		{"bad_code", []string{
			"29:15: indicator G 2: code \"G 2\" may only contain letters, digits, '.', '_' and '-'",
		}},
		{"bad_input_type", []string{
			"33:44: indicator G.2: input a: type must be one of boolean, count, number, percent, choice, multi_choice, date, text, url, got \"integer\"",
		}},
		{"bands_duplicate_threshold", []string{
			"17:5: band KHA: duplicate threshold min_percent 50 (band TOT has it too)",
		}},
		{"bands_gap", []string{
			"17:5: band YEU: the lowest band must start at min_percent 0 (not exclusive), or low values fall in no band",
		}},
		{"bands_order", []string{
			"17:5: band TOT: bands must be listed highest first (min_percent 50 follows 40)",
		}},
		{"block_without_unit_types", []string{
			"13:48: block KHAC: a block needs at least one unit type",
		}},
		{"children_and_scoring", []string{
			"22:14: group G: a node has either children (a group) or scoring (an indicator), not both",
		}},
		{"choice_fraction_missing", []string{
			"39:60: indicator G.2: fractions has no fraction for option app of input level",
		}},
		{"choice_unknown_option", []string{
			"39:70: indicator G.2: fractions: \"lo\" is not an option of input level (did you mean \"low\"?)",
		}},
		{"composite_sum", []string{
			"23:18: group G: aggregation sum needs style points; use mean or geometric",
		}},
		{"deadline_due", []string{
			"37:16: indicator G.2: due \"02-30\" is not a date (\"MM-DD\")",
			"38:55: indicator G.2: late_tiers[1]: late_tiers must be in increasing order of days (0 follows 0)",
		}},
		{"duplicate_band", []string{
			"17:12: band TOT: duplicate band code \"TOT\" (first declared at 16:12)",
		}},
		{"duplicate_block", []string{
			"9:5: unit type district: it is enabled but no block lists it",
			"12:12: block SO: duplicate block code \"SO\" (first declared at 11:12)",
		}},
		{"duplicate_input_key", []string{
			"34:13: indicator G.2: duplicate input key \"a\" (first declared at 33:13)",
			"35:61: indicator G.2: denominator \"b\" is not an input of the indicator (did you mean \"a\"?)",
		}},
		{"duplicate_node_code", []string{
			"29:15: indicator G.1: duplicate node code \"G.1\" (first declared at 23:9)",
		}},
		{"duplicate_pillar", []string{
			"15:12: pillar CQS: duplicate pillar code \"CQS\" (first declared at 14:12)",
		}},
		{"duplicate_unit_type", []string{
			"10:12: unit type department: duplicate unit type code \"department\" (first declared at 8:12)",
		}},
		{"duplicate_yaml_key", []string{
			"5:3: index: duplicate key \"version\"",
		}},
		{"empty_file", []string{
			"the file is empty",
		}},
		{"empty_tree", []string{
			"18:7: file: tree is empty: an index needs at least one indicator",
		}},
		{"formula_syntax", []string{
			"35:57: indicator G.2: formula: unexpected token Bracket(\")\")",
		}},
		{"formula_unknown_input", []string{
			"37:33: indicator G.2: formula refers to \"bb\", which is not an input of the indicator (did you mean \"b\"?)",
		}},
		{"fraction_out_of_range", []string{
			"39:67: indicator G.2: fractions: high must be between 0 and 1, got 1.5",
		}},
		{"group_mean_without_group_by", []string{
			"19:21: defaults: missing: policy group_mean needs group_by (the unit attribute that forms the groups)",
		}},
		{"group_points_per_type", []string{
			"21:17: group G: its children add up to 10 points for unit type district, but the group declares 20",
		}},
		{"indicator_without_inputs", []string{
			"23:9: indicator G.1: an indicator needs at least one input",
		}},
		{"input_min_gt_max", []string{
			"33:56: indicator G.2: input a: min 10 is greater than max 5",
		}},
		{"input_wrong_type", []string{
			"34:43: indicator G.2: input \"note\" is text, but method boolean needs a boolean input",
		}},
		{"key_not_for_method", []string{
			"35:75: indicator G.2: key \"fractions\" does not apply to method ratio",
		}},
		{"missing_required", []string{
			"3:3: index: missing required key \"code\"",
		}},
		{"name_not_bilingual", []string{
			"24:15: indicator G.1: name must be a mapping {vi: ..., en: ...}, got \"Chỉ số 1\"",
		}},
		{"node_without_scoring", []string{
			"23:9: indicator G.1: a node needs children (a group) or scoring (an indicator)",
		}},
		{"options_missing", []string{
			"33:13: indicator G.2: input level: missing required key \"options\"",
		}},
		{"parts_shares", []string{
			"38:13: indicator G.2: part shares must add up to 1, got 0.9",
		}},
		{"percent_target", []string{
			"35:54: indicator G.2: target must be greater than 0, got 0",
		}},
		{"ratio_without_denominator", []string{
			"35:18: indicator G.2: missing required key \"denominator\"",
		}},
		{"rounding_decimals", []string{
			"7:30: index: rounding: value_decimals must be between 0 and 10, got 12",
			"7:51: index: rounding: points_decimals must be a whole number, got 1.5",
		}},
		{"schema_version", []string{
			"1:17: file: unsupported schema_version 2 (this version reads 1)",
		}},
		{"survey_scale", []string{
			"35:76: indicator G.2: scale_max 1 must be greater than scale_min 5",
		}},
		{"syntax_error", []string{
			"11:60: YAML syntax error: did not find expected ',' or ']' (parsing a flow sequence started at 11:49)",
		}},
		{"text_without_vi", []string{
			"24:15: indicator G.1: name.vi (Vietnamese) is required",
		}},
		{"tiers_empty", []string{
			"35:51: indicator G.2: tiers is empty",
		}},
		{"tiers_mixed", []string{
			"40:21: indicator G.2: tiers[1]: tiers mix min and max; use min on every tier (higher is better) or max on every tier (lower is better)",
		}},
		{"tiers_out_of_order", []string{
			"40:21: indicator G.2: tiers[1]: tiers must be in decreasing order of min (20 follows 10)",
		}},
		{"total_not_scale", []string{
			"8:5: unit type department: its indicators add up to 20 points, not the scale 1000",
			"9:5: unit type district: its indicators add up to 20 points, not the scale 1000",
		}},
		{"unit_type_without_block", []string{
			"9:5: unit type district: it is enabled but no block lists it",
		}},
		{"unknown_input", []string{
			"35:61: indicator G.2: denominator \"c\" is not an input of the indicator (did you mean \"a\"?)",
		}},
		{"unknown_key", []string{
			"25:9: indicator G.1: unknown key \"max_point\" (did you mean \"max_points\"?)",
		}},
		{"unknown_method", []string{
			"35:27: indicator G.2: unknown scoring method \"ratios\" (did you mean \"ratio\"?)",
		}},
		{"unknown_pillar", []string{
			"25:24: indicator G.1: pillars: unknown pillar \"KTS\"",
		}},
		{"unknown_unit_type_applies_to", []string{
			"25:22: indicator G.1: applies_to: unknown unit type \"departmnt\" (did you mean \"department\"?)",
		}},
		{"unknown_unit_type_block", []string{
			"9:5: unit type district: it is enabled but no block lists it",
			"12:56: block HUYEN: unit_types: unknown unit type \"commune\"",
		}},
		{"unknown_unit_type_max_points_by", []string{
			"25:25: indicator G.1: max_points_by: unknown unit type \"ward\"",
		}},
		{"value_and_input", []string{
			"35:59: indicator G.2: give either input or value, not both",
		}},
		{"weight_not_positive", []string{
			"25:17: indicator G.1: weight must be greater than 0, got 0",
		}},
		{"wrong_type", []string{
			"6:10: index: scale must be a number, got \"twenty\"",
		}},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		seen[tt.file+".yaml"] = true
		t.Run(tt.file, func(t *testing.T) {
			got := problemsOf(t, filepath.Join("testdata", "invalid", tt.file+".yaml"))
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("ParseIndex(%s) problems:\n%s\nwant:\n%s", tt.file, strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
	// Every fixture is covered by a case.
	files, _ := filepath.Glob(filepath.Join("testdata", "invalid", "*.yaml"))
	for _, f := range files {
		if !seen[filepath.Base(f)] {
			t.Errorf("%s has no test case", f)
		}
	}
}

// TestParseIndex_ManyProblems checks that one file with many mistakes
// reports them all at once, in file order.
func TestParseIndex_ManyProblems(t *testing.T) {
	want := []string{
		"1:17: file: unsupported schema_version 3 (this version reads 1)",
		"3:3: index: missing required key \"code\"",
		"7:5: unit type department: its indicators add up to 20 points, not the scale 1000",
		"8:5: unit type district: its indicators add up to 20 points, not the scale 1000",
		"16:5: band YEU: the lowest band must start at min_percent 0 (not exclusive), or low values fall in no band",
		"16:50: band YEU: unknown key \"colour\"",
		"28:15: indicator G.1: duplicate node code \"G.1\" (first declared at 22:9)",
		"36:18: indicator G.1: input \"c\" is not an input of the indicator (did you mean \"a\"?)",
		"39:21: indicator G.1: tiers[1]: tiers must be in decreasing order of min (20 follows 10)",
		"39:35: indicator G.1: tiers[1]: fraction must be between 0 and 1, got 2",
	}
	got := problemsOf(t, filepath.Join("testdata", "many_problems.yaml"))
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
