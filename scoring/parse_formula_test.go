package scoring

import (
	"math"
	"strings"
	"testing"
)

// formulaIndex wraps a scoring block in a minimal valid index: indicator F
// with inputs n (number), ok (boolean), level (choice a/b), tags
// (multi_choice a/b) and note (text).
func formulaIndex(scoring string) string {
	return `schema_version: 1
index: {code: F, version: "1", name: {vi: F}, scale: 10}
unit_types: [{code: u, name: {vi: U}}]
blocks: [{code: B, name: {vi: B}, unit_types: [u]}]
tree:
  - code: F
    name: {vi: F}
    max_points: 10
    inputs:
      - {key: n, label: {vi: N}, type: number}
      - {key: ok, label: {vi: OK}, type: boolean}
      - {key: level, label: {vi: L}, type: choice, options: [{value: a, label: {vi: A}}, {value: b, label: {vi: B}}]}
      - {key: tags, label: {vi: T}, type: multi_choice, options: [{value: a, label: {vi: A}}, {value: b, label: {vi: B}}]}
      - {key: note, label: {vi: Note}, type: text}
` + scoring
}

func TestFormula_ErrorPositions(t *testing.T) {
	// The scoring block starts on line 15.
	tests := []struct {
		name, scoring, want string
	}{
		{"plain", "    scoring: {method: formula, formula: n +* 2}\n",
			`15:44: indicator F: formula: unexpected token Operator("*")`},
		{"double quoted", "    scoring: {method: formula, formula: \"n + nn\"}\n",
			`15:46: indicator F: formula refers to "nn", which is not an input of the indicator (did you mean "n"?)`},
		{"single quoted", "    scoring: {method: formula, formula: 'ok && level == \"a\" && x'}\n",
			`15:64: indicator F: formula refers to "x", which is not an input of the indicator`},
		{"block scalar", "    scoring:\n      method: formula\n      formula: |\n        ok ?\n          n / )\n          : 0\n",
			`19:15: indicator F: formula: unexpected token Bracket(")")`},
		{"value formula", "    scoring: {method: percent, value: {formula: \"n * \"}}\n",
			`15:53: indicator F: formula: unexpected token EOF`},
		{"text result", "    scoring: {method: formula, formula: note}\n",
			`15:41: indicator F: formula must give a number or true/false, but gives string`},
		{"type error", "    scoring: {method: formula, formula: \"n + note\"}\n",
			`15:44: indicator F: formula: invalid operation: + (mismatched types float64 and string)`},
		{"empty", "    scoring: {method: formula, formula: \"  \"}\n",
			`15:41: indicator F: formula is empty`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseIndex([]byte(formulaIndex(tt.scoring)))
			if err == nil {
				t.Fatal("ParseIndex = ok; want a formula problem")
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("ParseIndex problems:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func TestFormula_Eval(t *testing.T) {
	env := map[string]any{"n": 4.0, "ok": true, "level": "a", "tags": []string{"a", "b"}, "note": "x"}
	tests := []struct {
		formula string
		inputs  string // Formula.Inputs joined by ","
		want    float64
		err     string
	}{
		{"n / 8", "n", 0.5, ""},
		{"ok", "ok", 1, ""},
		{"!ok", "ok", 0, ""},
		{"level == 'a' ? 1 : 0.5", "level", 1, ""},
		{"len(tags) / 4", "tags", 0.5, ""},
		{"'b' in tags && n > 3", "n,tags", 1, ""},
		{"let x = n * 2; x / 16", "n", 0.5, ""},
		{"min(1, n / 2)", "n", 1, ""},
		{"n - 10", "n", -6, ""}, // clamping is the engine's job
		{"n / 0", "n", math.Inf(1), ""},
		{"(n - 4) / (n - 4)", "n", 0, "gave NaN"},
	}
	for _, tt := range tests {
		ix, err := ParseIndex([]byte(formulaIndex("    scoring: {method: formula, formula: \"" + tt.formula + "\"}\n")))
		if err != nil {
			t.Fatalf("ParseIndex(%q): %v", tt.formula, err)
		}
		f := ix.Node("F").Method.Formula
		if got := strings.Join(f.Inputs, ","); got != tt.inputs {
			t.Errorf("%q: Inputs = %s; want %s", tt.formula, got, tt.inputs)
		}
		got, err := f.Eval(env)
		switch {
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("%q: Eval error %v; want %q", tt.formula, err, tt.err)
		case tt.err == "" && err != nil:
			t.Errorf("%q: Eval error %v", tt.formula, err)
		case tt.err == "" && got != tt.want:
			t.Errorf("%q: Eval = %v; want %v", tt.formula, got, tt.want)
		}
	}
	// A formula that was not compiled (built by hand) reports it.
	if _, err := (&Formula{Text: "1"}).Eval(nil); err == nil {
		t.Error("Eval of an uncompiled formula: no error")
	}
}

// TestParseIndex_PartMethods checks that every method that scores one unit
// alone is accepted as a part of sum_of_parts, with its own keys.
func TestParseIndex_PartMethods(t *testing.T) {
	scoring := `    scoring:
      method: sum_of_parts
      parts:
        - {share: 0.1, method: boolean, input: ok}
        - {share: 0.1, method: choice, input: level, fractions: {a: 1, b: 0}}
        - {share: 0.1, method: ratio, numerator: n, denominator: n, target: 0.5, on_zero_denominator: full}
        - {share: 0.1, method: percent, input: n, target: 80, lower_is_better: true}
        - {share: 0.1, method: tiers, value: {ratio_of: [n, n], as_percent: true}, tiers: [{min: 50, fraction: 1}]}
        - {share: 0.1, method: count_capped, input: n, points_per_item: 2, cap: 0.5}
        - {share: 0.1, method: survey_scale, input: n, scale_min: 1, scale_max: 5}
        - {share: 0.1, method: formula, formula: "ok ? 1 : 0"}
        - {share: 0.2, method: choice, input: tags, fractions: {a: 0.5, b: 0.5}}
`
	ix, err := ParseIndex([]byte(formulaIndex(scoring)))
	if err != nil {
		t.Fatalf("ParseIndex: %v", err)
	}
	parts := ix.Node("F").Method.Parts
	var kinds []string
	total := 0.0
	for _, p := range parts {
		kinds = append(kinds, string(p.Method.Kind))
		total += p.Share
	}
	if got := strings.Join(kinds, " "); got != "boolean choice ratio percent tiers count_capped survey_scale formula choice" {
		t.Errorf("parts = %s", got)
	}
	if r := parts[2].Method; r.Numerator != "n" || r.Denominator != "n" || r.Target != 0.5 || r.OnZeroDiv != ZeroDivFull {
		t.Errorf("ratio part = %+v", r)
	}
	if math.Abs(total-1) > 1e-9 {
		t.Errorf("shares add up to %v", total)
	}
}
