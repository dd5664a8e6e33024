package assessment

import (
	"reflect"
	"strings"
	"testing"

	"github.com/dti-platform/dti/scoring"
)

// newVersionFixture is formFixture changed the ways a new index version
// changes: an indicator removed and one added, an input removed, an option
// removed, a tighter limit, a changed type and a narrower applicability.
func newVersionFixture() *scoring.Index {
	ix := formFixture()
	ix.Version = "2026.1"
	nt := ix.Nodes[0]
	nt.AppliesTo = []string{"district"}
	nt.Children[0].Inputs[0].Options = []scoring.Option{{Value: "head"}} // NT.01/chair: "deputy" removed
	nt.Children = append(nt.Children[:1], nt.Children[2:]...)            // NT.02 removed
	nt.Children[1].Inputs[0].Max = fptr(50)                              // NT.03/pct ≤ 50
	nt.Children = append(nt.Children, &scoring.Node{Code: "NT.04", Method: &scoring.Method{Kind: scoring.MethodBoolean},
		Inputs: []scoring.Input{{Key: "plan", Type: scoring.InputBoolean, Required: true}, {Key: "note", Type: scoring.InputText}}})
	hd := ix.Nodes[1].Children[0].Children[0]
	hd.Inputs = hd.Inputs[1:]                              // HD.1.1/done removed
	ix.Adjustments[0].Inputs[0].Type = scoring.InputNumber // BONUS.01/awards count -> number
	linkTree(ix.Nodes, nil)
	return ix
}

func TestMigrationReport(t *testing.T) {
	oldIx, newIx := formFixture(), newVersionFixture()
	oldIx.Version = "2025.1"
	units := []UnitValues{
		{Unit: "SO-YT", Type: "department", Values: map[ik]scoring.Value{
			{Indicator: "NT.01", Input: "chair"}:     {Set: true, Text: "head"}, // no longer applies to departments
			{Indicator: "HD.1.1", Input: "audited"}:  set(1),                    // fits
			{Indicator: "BONUS.01", Input: "awards"}: set(2),                    // type changed
			{Indicator: "NT.01", Input: "doc"}:       {},                        // missing: not checked
		}},
		{Unit: "H-CP", Type: "district", Values: map[ik]scoring.Value{
			{Indicator: "NT.03", Input: "pct"}:      set(75),                     // over the new limit
			{Indicator: "NT.02", Input: "systems"}:  set(3),                      // indicator removed
			{Indicator: "NT.01", Input: "chair"}:    {Set: true, Text: "deputy"}, // option removed
			{Indicator: "HD.1.1", Input: "done"}:    set(1),                      // input removed
			{Indicator: "OLD.9", Input: "x"}:        set(1),                      // never in any version
			{Indicator: "HD.1.1", Input: "audited"}: set(0),                      // fits
		}},
	}
	m := MigrationReport(oldIx, newIx, units)
	if m.OldVersion != "2025.1" || m.NewVersion != "2026.1" {
		t.Errorf("versions %s -> %s", m.OldVersion, m.NewVersion)
	}
	if want := []string{"NT.04"}; !reflect.DeepEqual(m.AddedIndicators, want) {
		t.Errorf("AddedIndicators = %v; want %v", m.AddedIndicators, want)
	}
	if want := []string{"NT.02"}; !reflect.DeepEqual(m.RemovedIndicators, want) {
		t.Errorf("RemovedIndicators = %v; want %v", m.RemovedIndicators, want)
	}
	if want := []string{"NT.04/plan"}; !reflect.DeepEqual(m.AddedRequired, want) {
		t.Errorf("AddedRequired = %v; want %v", m.AddedRequired, want)
	}
	if m.Checked != 9 {
		t.Errorf("Checked = %d; want 9", m.Checked)
	}
	var got []string
	for _, is := range m.Issues {
		got = append(got, is.Unit+" "+is.Indicator+"/"+is.Input+" "+string(is.Kind)+" "+is.Detail)
	}
	want := []string{
		"H-CP NT.01/chair option_removed deputy",
		"H-CP NT.02/systems indicator_removed ",
		"H-CP NT.03/pct out_of_limits ≤ 50",
		"H-CP HD.1.1/done input_removed ",
		"H-CP OLD.9/x indicator_removed ",
		"SO-YT NT.01/chair not_applicable department",
		"SO-YT BONUS.01/awards type_changed count → number",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("issues:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if m.OK() {
		t.Errorf("OK() with issues")
	}
	if got, want := m.Issues[0].Message("vi"), `chỉ số NT.01: lựa chọn deputy của "chair" không còn`; got != want {
		t.Errorf("Message(vi) = %q; want %q", got, want)
	}
	if got, want := m.Issues[2].Message("en"), `indicator NT.03: the value of "pct" is outside the new limits (≤ 50)`; got != want {
		t.Errorf("Message(en) = %q; want %q", got, want)
	}

	// Same index: nothing to report.
	same := MigrationReport(oldIx, formFixture(), units[:1])
	if len(same.Issues) != 0 || len(same.AddedIndicators)+len(same.RemovedIndicators)+len(same.AddedRequired) != 0 {
		t.Errorf("same index: %+v; want no changes", same)
	}
}

func TestMigrationReport_wholeAndMin(t *testing.T) {
	oldIx := &scoring.Index{Nodes: []*scoring.Node{{Code: "A", Method: &scoring.Method{Kind: scoring.MethodPercent},
		Inputs: []scoring.Input{{Key: "n", Type: scoring.InputCount}, {Key: "p", Type: scoring.InputNumber}}}}}
	newIx := &scoring.Index{Nodes: []*scoring.Node{{Code: "A", Method: &scoring.Method{Kind: scoring.MethodPercent},
		Inputs: []scoring.Input{{Key: "n", Type: scoring.InputCount}, {Key: "p", Type: scoring.InputNumber, Min: fptr(10)}}}}}
	m := MigrationReport(oldIx, newIx, []UnitValues{{Unit: "U", Values: map[ik]scoring.Value{
		{Indicator: "A", Input: "n"}: set(2.5),
		{Indicator: "A", Input: "p"}: set(9.5),
	}}})
	var got []string
	for _, is := range m.Issues {
		got = append(got, is.Input+" "+string(is.Kind)+" "+is.Detail)
	}
	if want := []string{"n out_of_limits 0, 1, 2, …", "p out_of_limits ≥ 10"}; !reflect.DeepEqual(got, want) {
		t.Errorf("issues %v; want %v", got, want)
	}
}
