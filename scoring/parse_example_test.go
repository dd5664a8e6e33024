package scoring_test

import (
	"errors"
	"fmt"

	"github.com/dti-platform/dti/scoring"
)

func ExampleParseIndex() {
	src := []byte(`schema_version: 1
index: {code: DEMO, version: "1", name: {vi: Thử, en: Demo}, scale: 10}
unit_types: [{code: department, name: {vi: Sở, en: Department}}]
blocks: [{code: SO, name: {vi: Khối sở, en: Departments}, unit_types: [department]}]
tree:
  - code: A.1
    name: {vi: Có kế hoạch, en: Has a plan}
    max_points: 10
    inputs: [{key: has_plan, label: {vi: Đã ban hành, en: Issued}, type: boolean}]
    scoring: {method: boolean, input: has_plan}
`)
	ix, err := scoring.ParseIndex(src)
	if err != nil {
		fmt.Println(err)
		return
	}
	n := ix.Node("A.1")
	slot, _ := ix.Slot("A.1", "has_plan")
	fmt.Println(ix.Code, len(ix.Indicators()), n.Method.Kind, ix.MaxPointsFor(n, "department"), slot)
	// Output: DEMO 1 boolean 10 0
}

func ExampleValidationError() {
	src := []byte(`schema_version: 1
index: {code: DEMO, version: "1", name: {vi: Thử}, scale: 10}
unit_types: [{code: department, name: {vi: Sở}}]
blocks: [{code: SO, name: {vi: Khối sở}, unit_types: [department]}]
tree:
  - code: A.1
    name: {vi: Có kế hoạch}
    max_point: 10
    inputs: [{key: has_plan, label: {vi: Đã ban hành}, type: boolean}]
    scoring: {method: boolean, input: has_pln}
`)
	_, err := scoring.ParseIndex(src)
	var ve *scoring.ValidationError
	if errors.As(err, &ve) {
		for _, p := range ve.Problems {
			fmt.Printf("indicators.yaml:%d:%d: %s\n", p.Pos.Line, p.Pos.Col, p.Message)
		}
	}
	// Output:
	// indicators.yaml:8:5: indicator A.1: unknown key "max_point" (did you mean "max_points"?)
	// indicators.yaml:10:39: indicator A.1: input "has_pln" is not an input of the indicator (did you mean "has_plan"?)
}
