package reports_test

import (
	"bytes"
	"fmt"
	"log"

	"github.com/dti-platform/dti/reports"
	"github.com/dti-platform/dti/scoring"
)

// A web handler offers a unit its template, then previews an upload and
// applies it only when there is no error.
func ExampleReadTemplate() {
	ix, err := scoring.ParseIndex([]byte(`
schema_version: 1
index: {code: MINI, version: "1", name: {vi: Chỉ số mẫu}, style: points, scale: 100}
unit_types: [{code: department, name: {vi: Sở}}]
blocks: [{code: SO, name: {vi: Khối sở}, unit_types: [department], ranked: true}]
bands: [{code: ALL, name: {vi: Tất cả}, min_percent: 0}]
tree:
  - code: A
    name: {vi: Nhóm A}
    children:
      - code: A.1
        name: {vi: Có kế hoạch}
        max_points: 100
        inputs: [{key: has_plan, label: {vi: Đã ban hành kế hoạch}, type: boolean}]
        scoring: {method: boolean, input: has_plan}
`))
	if err != nil {
		log.Fatal(err)
	}
	in := reports.TemplateInput{
		Index:    ix,
		Period:   reports.Period{Code: "DTI-2025"},
		UnitCode: "SO-TC",
		UnitType: "department",
		Current:  map[scoring.InputKey]scoring.Value{{Indicator: "A.1", Input: "has_plan"}: {Set: true, Num: 0}},
	}
	var file bytes.Buffer
	if err := reports.WriteTemplate(&file, in); err != nil {
		log.Fatal(err)
	}
	// The unit fills in the file; here it is sent back unchanged.
	imp, err := reports.ReadTemplate(bytes.NewReader(file.Bytes()), int64(file.Len()), in)
	if err != nil {
		// A whole-file problem: wrong unit, period or index, not a template...
		fmt.Println(err.(*reports.TemplateError).Text("vi"))
		return
	}
	for _, e := range imp.Errors {
		fmt.Println(e.Text("vi")) // e.g. Mẫu nhập liệu!F6: "abc" không phải là Có hoặc Không
	}
	fmt.Println(len(imp.Changes), "changes,", len(imp.Errors), "errors,", len(imp.Values), "values to apply")

	// Another unit's upload is refused.
	other := in
	other.UnitCode = "SO-XD"
	_, err = reports.ReadTemplate(bytes.NewReader(file.Bytes()), int64(file.Len()), other)
	fmt.Println(err.(*reports.TemplateError).Text("vi"))
	// Output:
	// 0 changes, 0 errors, 0 values to apply
	// mẫu của đơn vị "SO-TC", không phải của đơn vị "SO-XD"
}
