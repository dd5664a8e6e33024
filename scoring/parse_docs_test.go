package scoring

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestDocs_MethodExamples keeps docs/index-format.md honest: every
// `scoring:` example in it must parse, inside an indicator that has the
// inputs the examples use.
func TestDocs_MethodExamples(t *testing.T) {
	doc, err := os.ReadFile("../docs/index-format.md")
	if err != nil {
		t.Fatal(err)
	}
	var snippets []string
	for _, m := range regexp.MustCompile("(?s)```yaml\n(.*?)```").FindAllStringSubmatch(string(doc), -1) {
		for _, part := range strings.Split(m[1], "---\n") {
			if strings.HasPrefix(strings.TrimSpace(part), "scoring:") {
				snippets = append(snippets, part)
			}
		}
	}
	if len(snippets) < 15 {
		t.Fatalf("found %d scoring examples; want one per method at least", len(snippets))
	}
	var inputs strings.Builder
	for _, k := range []string{"online_files", "files", "fibre_pct", "meetings", "overdue_incidents", "sessions",
		"bandwidth_mbps", "staff", "broadband_pct", "open_datasets", "services", "avg_score", "responses", "posts",
		"done", "planned", "self_total", "appraised_total"} {
		fmt.Fprintf(&inputs, "      - {key: %s, label: {vi: x}, type: number}\n", k)
	}
	inputs.WriteString("      - {key: has_plan, label: {vi: x}, type: boolean}\n")
	inputs.WriteString("      - {key: has_section, label: {vi: x}, type: boolean}\n")
	inputs.WriteString("      - {key: issued_on, label: {vi: x}, type: date}\n")
	inputs.WriteString("      - {key: platforms, label: {vi: x}, type: multi_choice, options: [{value: qlvb, label: {vi: x}}, " +
		"{value: email, label: {vi: x}}, {value: video, label: {vi: x}}, {value: reports, label: {vi: x}}, {value: ioc, label: {vi: x}}]}\n")
	for i, s := range snippets {
		var b strings.Builder
		b.WriteString("schema_version: 1\nindex: {code: D, version: \"1\", name: {vi: D}}\n" +
			"unit_types: [{code: u, name: {vi: U}}]\nblocks: [{code: B, name: {vi: B}, unit_types: [u]}]\ntree:\n")
		fmt.Fprintf(&b, "  - code: I%d\n    name: {vi: x}\n    max_points: 10\n    inputs:\n%s", i, inputs.String())
		for _, line := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
			b.WriteString("    " + line + "\n")
		}
		if _, err := ParseIndex([]byte(b.String())); err != nil {
			t.Errorf("docs example %d does not parse:\n%s\n%v", i+1, s, err)
		}
	}
}
