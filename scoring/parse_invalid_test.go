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
		{"applies_to_empty", []string{
			"25:21: indicator G.1: applies_to is empty: list unit types, or remove it to apply to every unit type of the parent",
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
		{"band_exclusive_lowest", []string{
			"17:5: band YEU: the lowest band must start at min_percent 0 (not exclusive), or low values fall in no band",
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
		{"composite_adjustments", []string{
			"38:3: file: adjustments (bonus and penalty points) need style points",
		}},
		{"composite_sum", []string{
			"23:18: group G: aggregation sum needs style points; use mean or geometric",
		}},
		{"count_capped_both_rates", []string{
			"35:83: indicator G.2: give either per_item or points_per_item, not both",
			"35:91: indicator G.2: cap must be greater than 0",
		}},
		{"count_capped_per_item", []string{
			"35:18: indicator G.2: method count_capped needs per_item or points_per_item",
		}},
		{"deadline_due", []string{
			"37:16: indicator G.2: due \"02-30\" is not a date (\"MM-DD\")",
			"38:55: indicator G.2: late_tiers[1]: late_tiers must be in increasing order of days (0 follows 0)",
		}},
		{"deadline_due_format", []string{
			"34:55: indicator G.2: due must be a date \"MM-DD\" of the assessed year, got \"1-31\"",
			"34:83: indicator G.2: late_tiers[0]: days must not be negative, got -1",
		}},
		{"draft_format", []string{
			"6:3: index: unknown key \"name_vi\" (write name: {vi: ..., en: ...})",
			"9:1: file: unknown key \"ranking_blocks\" (did you mean \"blocks\"?)",
			"14:5: indicator G: unknown key \"indicators\" (did you mean \"children\"?)",
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
			"35:61: indicator G.2: denominator \"b\" is not an input of the indicator",
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
		{"formula_block_position", []string{
			"40:15: indicator G.2: formula: unexpected token Operator(\"*\")",
		}},
		{"formula_gives_text", []string{
			"34:45: indicator G.2: formula must give a number or true/false, but gives string",
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
		{"fractions_duplicate_and_type", []string{
			"38:70: indicator G.2: fractions: duplicate key \"high\"",
			"38:86: indicator G.2: fractions: low must be a number, got a list",
		}},
		{"goalposts_order", []string{
			"35:56: indicator G.2: goalposts low 10 must be less than high 10 (use lower_is_better to reverse)",
		}},
		{"group_mean_without_group_by", []string{
			"19:21: defaults: missing: policy group_mean needs group_by (the unit attribute that forms the groups)",
		}},
		{"group_points_per_type", []string{
			"21:17: group G: its children add up to 10 points for unit type district, but the group declares 20",
		}},
		{"index_not_mapping", []string{
			"2:8: index must be a mapping, got \"T\"",
		}},
		{"indicator_without_inputs", []string{
			"23:9: indicator G.1: an indicator needs at least one input",
		}},
		{"indicator_zero_points", []string{
			"32:24: indicator G.2: max points for unit type district must be greater than 0 (use applies_to to leave a unit type out)",
		}},
		{"input_key_invalid", []string{
			"27:19: indicator G.1: input 2done: input key \"2done\" must start with a letter or '_' and hold only letters, digits and '_'",
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
		{"list_items_kind", []string{
			"22:20: group G: pillars items must be pillar codes, got a list",
		}},
		{"lower_is_better_choice", []string{
			"38:88: indicator G.2: key \"lower_is_better\" does not apply to method choice",
		}},
		{"max_points_by_not_applicable", []string{
			"21:17: group G: its children add up to 10 points for unit type district, but the group declares 20",
			"26:25: indicator G.1: max_points_by: unit type \"district\" is not one the node applies to",
		}},
		{"merge_not_mapping", []string{
			"28:19: indicator G.1: << must merge a mapping or a list of mappings",
		}},
		{"min_responses_alone", []string{
			"35:94: indicator G.2: min_responses needs responses_input (the input holding the number of responses)",
		}},
		{"min_responses_input_type", []string{
			"35:98: indicator G.2: min_responses must be at least 1, got 0",
			"35:118: indicator G.2: input \"n\" is text, but method survey_scale needs a count or number input",
		}},
		{"missing_policy_group_by_alone", []string{
			"19:37: defaults: missing: group_by is only used with policy group_mean",
			"20:10: defaults: peers must be one of block, type, all, got \"everyone\"",
		}},
		{"missing_required", []string{
			"3:3: index: missing required key \"code\"",
		}},
		{"name_not_bilingual", []string{
			"24:15: indicator G.1: name must be a mapping {vi: ..., en: ...}, got \"Chỉ số 1\"",
		}},
		{"nested_sum_of_parts", []string{
			"38:34: indicator G.2: part 1: a part cannot itself be sum_of_parts",
		}},
		{"node_without_scoring", []string{
			"23:9: indicator G.1: a node needs children (a group) or scoring (an indicator)",
		}},
		{"null_list_item", []string{
			"10:4: file: unit_types[2] is empty",
			"28:12: indicator G.1: inputs[0] is empty",
		}},
		{"option_duplicate", []string{
			"38:25: indicator G.2: input level: option high: duplicate option \"high\"",
		}},
		{"options_missing", []string{
			"33:13: indicator G.2: input level: missing required key \"options\"",
		}},
		{"options_on_number", []string{
			"33:60: indicator G.2: input a: options are only for choice and multi_choice inputs",
		}},
		{"outliers_max_points", []string{
			"19:45: defaults: outliers: max_points must be at least 1, got 0",
			"19:58: defaults: outliers: fallback must be one of log, none, got \"logarithm\"",
		}},
		{"outliers_none_with_params", []string{
			"19:38: defaults: outliers: max_skew is only used with method winsorise",
		}},
		{"part_peer_method", []string{
			"38:36: indicator G.2: part 1: a part must use a method that scores one unit alone, not best_in_block",
			"39:64: indicator G.2: part 2: key \"missing\" does not apply to a part of sum_of_parts",
		}},
		{"part_share", []string{
			"38:15: indicator G.2: part 1: missing required key \"share\"",
			"39:23: indicator G.2: part 2: share must be a number in (0, 1], got \"1.5\"",
		}},
		{"parts_shares", []string{
			"38:13: indicator G.2: part shares must add up to 1, got 0.9",
		}},
		{"peers_not_for_method", []string{
			"28:56: indicator G.1: key \"peers\" does not apply to method boolean",
		}},
		{"percent_target", []string{
			"35:54: indicator G.2: target must be greater than 0, got 0",
		}},
		{"ratio_of_three", []string{
			"35:52: indicator G.2: value: ratio_of needs two input keys [numerator, denominator]",
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
		{"style_unknown", []string{
			"7:10: index: style must be one of points, composite, got \"weighted\"",
		}},
		{"survey_scale", []string{
			"35:76: indicator G.2: scale_max 1 must be greater than scale_min 5",
		}},
		{"syntax_error", []string{
			"11:60: YAML syntax error: did not find expected ',' or ']' (parsing a flow sequence started at 11:49)",
		}},
		{"tab_indentation", []string{
			"4:1: YAML syntax error: found a tab character that violates indentation (scanning a plain scalar started at 3:9)",
		}},
		{"text_without_vi", []string{
			"24:15: indicator G.1: name.vi (Vietnamese) is required",
		}},
		{"tier_min_and_max", []string{
			"35:66: indicator G.2: tiers[0]: a tier has either min or max, not both",
		}},
		{"tier_without_bound", []string{
			"35:52: indicator G.2: tiers[0] needs min (higher is better) or max (lower is better)",
		}},
		{"tiers_empty", []string{
			"35:51: indicator G.2: tiers is empty",
		}},
		{"tiers_lower_is_better_min", []string{
			"35:61: indicator G.2: tiers with min are higher-is-better; write the tiers with max for lower-is-better",
		}},
		{"tiers_max_order", []string{
			"35:81: indicator G.2: tiers[1]: tiers must be in increasing order of max (5 follows 5)",
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
		{"two_documents", []string{
			"36:1: the file holds more than one YAML document: remove the \"---\" separator and everything after it, or merge the documents",
		}},
		{"unit_type_without_block", []string{
			"9:5: unit type district: it is enabled but no block lists it",
		}},
		{"unknown_input", []string{
			"35:61: indicator G.2: denominator \"c\" is not an input of the indicator",
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
		{"value_forms", []string{
			"35:41: indicator G.2: value needs exactly one of input, ratio_of or formula",
		}},
		{"value_multiply", []string{
			"35:72: indicator G.2: value: multiply must not be 0",
			"35:87: indicator G.2: value: give either multiply or as_percent, not both",
		}},
		{"value_scalar_unknown", []string{
			"35:40: indicator G.2: value \"c\" is not an input of the indicator",
		}},
		{"value_zero_without_ratio", []string{
			"35:75: indicator G.2: value: on_zero_denominator is only used with ratio_of",
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
		"36:18: indicator G.1: input \"c\" is not an input of the indicator",
		"39:21: indicator G.1: tiers[1]: tiers must be in decreasing order of min (20 follows 10)",
		"39:35: indicator G.1: tiers[1]: fraction must be between 0 and 1, got 2",
	}
	got := problemsOf(t, filepath.Join("testdata", "many_problems.yaml"))
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
