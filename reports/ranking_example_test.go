package reports_test

import (
	"bytes"
	"fmt"
	"log"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/dti-platform/dti/reports"
	"github.com/dti-platform/dti/scoring"
)

// Scoring a period and writing its ranking workbook; a web handler passes
// its response writer instead of a buffer.
func ExampleWriteRanking() {
	ix, err := scoring.ParseIndex([]byte(`
schema_version: 1
index: {code: MINI, version: "1", name: {vi: Chỉ số mẫu, en: Sample index}, style: points, scale: 100}
unit_types: [{code: department, name: {vi: Sở}}]
blocks: [{code: SO, name: {vi: Khối sở, en: Departments}, unit_types: [department], ranked: true}]
bands: [{code: ALL, name: {vi: Tất cả, en: All}, min_percent: 0}]
tree:
  - code: A
    name: {vi: Nhóm A, en: Group A}
    children:
      - code: A.1
        name: {vi: Có kế hoạch, en: Has a plan}
        max_points: 100
        inputs: [{key: has_plan, label: {vi: Đã ban hành kế hoạch}, type: boolean}]
        scoring: {method: boolean, input: has_plan}
`))
	if err != nil {
		log.Fatal(err)
	}
	ds := &scoring.Dataset{Year: 2025}
	for i, code := range []string{"SO-TC", "SO-XD"} {
		ds.Units = append(ds.Units, scoring.UnitData{Code: code, Type: "department", Block: "SO",
			Values: []scoring.Value{{Set: true, Num: float64(i)}}})
	}
	rs, err := scoring.Score(ix, ds, scoring.Options{})
	if err != nil {
		log.Fatal(err)
	}
	var buf bytes.Buffer
	err = reports.WriteRanking(&buf, reports.RankingInput{
		Index:       ix,
		Period:      reports.Period{Code: "DTI-2025", Name: scoring.Text{VI: "DTI 2025"}, Year: 2025},
		Results:     rs,
		Names:       reports.UnitNames{"SO-TC": {VI: "Sở Tài chính"}, "SO-XD": {VI: "Sở Xây dựng"}},
		GeneratedAt: time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC),
		Lang:        reports.LangVI,
	})
	if err != nil {
		log.Fatal(err)
	}
	f, _ := excelize.OpenReader(&buf)
	fmt.Println(f.GetSheetList())
	first, _ := f.GetCellValue("Khối sở", "C6")
	fmt.Println("hạng 1:", first)
	// Output:
	// [Tổng quan Khối sở Ma trận điểm]
	// hạng 1: Sở Xây dựng
}
