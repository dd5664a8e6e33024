package reports

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/dti-platform/dti/scoring"
)

// bigTemplateInput is a department's template of 500 inputs (100
// indicators × 5 inputs of the synthetic index), every value filled.
func bigTemplateInput() TemplateInput {
	ix := bigIndex()
	cur := map[scoring.InputKey]scoring.Value{}
	for _, n := range treeIndicators(ix) {
		n.Inputs = nil
		for i := 0; i < 5; i++ {
			k := fmt.Sprintf("v%d", i)
			n.Inputs = append(n.Inputs, scoring.Input{Key: k, Label: txt("Tỷ lệ hoàn thành nhiệm vụ "+k, "Share "+k), Type: scoring.InputPercent})
			cur[key(n.Code, k)] = num(float64(i * 10))
		}
	}
	return TemplateInput{Index: ix, Period: testPeriod(), UnitCode: "SO-TTTT", UnitType: "department", Current: cur}
}

// BenchmarkReadTemplate imports a 500-input template in which the unit
// changed every value.
func BenchmarkReadTemplate(b *testing.B) {
	in := bigTemplateInput()
	var buf bytes.Buffer
	if err := WriteTemplate(&buf, in); err != nil {
		b.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		b.Fatal(err)
	}
	sheet := f.GetSheetList()[0]
	for r := templateFirstRow; r < templateFirstRow+500; r++ {
		f.SetCellValue(sheet, cellRef(tcValue, r), float64(r%100)+0.5)
	}
	buf.Reset()
	if err := f.Write(&buf); err != nil {
		b.Fatal(err)
	}
	f.Close()
	data := buf.Bytes()
	b.ReportMetric(float64(len(data)), "file-bytes")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		imp, err := ReadTemplate(bytes.NewReader(data), int64(len(data)), in)
		if err != nil || len(imp.Errors) > 0 || len(imp.Values) != 500 {
			b.Fatalf("ReadTemplate: %v %v %d values", err, imp.Errors, len(imp.Values))
		}
	}
}

// BenchmarkWriteTemplate writes a 500-input template.
func BenchmarkWriteTemplate(b *testing.B) {
	in := bigTemplateInput()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var buf bytes.Buffer
		if err := WriteTemplate(&buf, in); err != nil {
			b.Fatal(err)
		}
	}
}
