package main

import (
	"bytes"
	"encoding/csv"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/dti-platform/dti/scoring"
)

var regenExample = flag.Bool("regen-example", false, "rewrite examples/province-2025.csv from a fixed seed")

const exampleData = "../../examples/province-2025.csv"

// exampleUnits are the units of the sample province: 20 departments (three
// without administrative procedures, assessed but not ranked) and 9
// districts. quality steers how well each one does.
var exampleUnits = []struct {
	code, name, block string
	quality           float64
}{
	{"STTTT", "Sở Thông tin và Truyền thông", "SO_CO_TTHC", 0.97},
	{"STP", "Sở Tư pháp", "SO_CO_TTHC", 0.86},
	{"STC", "Sở Tài chính", "SO_CO_TTHC", 0.83},
	{"SKHDT", "Sở Kế hoạch và Đầu tư", "SO_CO_TTHC", 0.85},
	{"SNV", "Sở Nội vụ", "SO_CO_TTHC", 0.78},
	{"SYT", "Sở Y tế", "SO_CO_TTHC", 0.74},
	{"SGDDT", "Sở Giáo dục và Đào tạo", "SO_CO_TTHC", 0.80},
	{"SLDTBXH", "Sở Lao động - Thương binh và Xã hội", "SO_CO_TTHC", 0.70},
	{"STNMT", "Sở Tài nguyên và Môi trường", "SO_CO_TTHC", 0.62},
	{"SXD", "Sở Xây dựng", "SO_CO_TTHC", 0.66},
	{"SGTVT", "Sở Giao thông vận tải", "SO_CO_TTHC", 0.68},
	{"SNNPTNT", "Sở Nông nghiệp và Phát triển nông thôn", "SO_CO_TTHC", 0.58},
	{"SCT", "Sở Công Thương", "SO_CO_TTHC", 0.72},
	{"SKHCN", "Sở Khoa học và Công nghệ", "SO_CO_TTHC", 0.88},
	{"SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", "SO_CO_TTHC", 0.64},
	{"SNGV", "Sở Ngoại vụ", "SO_CO_TTHC", 0.60},
	{"BQLKCN", "Ban Quản lý các khu công nghiệp", "SO_CO_TTHC", 0.55},
	{"VPUBND", "Văn phòng UBND tỉnh", "SO_KHONG_TTHC", 0.90},
	{"TTT", "Thanh tra tỉnh", "SO_KHONG_TTHC", 0.57},
	{"DPTTH", "Đài Phát thanh và Truyền hình", "SO_KHONG_TTHC", 0.50},
	{"TPCL", "Thành phố Cao Lãnh", "HUYEN", 0.92},
	{"TPSD", "Thành phố Sa Đéc", "HUYEN", 0.87},
	{"TPHN", "Thành phố Hồng Ngự", "HUYEN", 0.74},
	{"HTH", "Huyện Tân Hồng", "HUYEN", 0.61},
	{"HTN", "Huyện Tam Nông", "HUYEN", 0.66},
	{"HTB", "Huyện Thanh Bình", "HUYEN", 0.70},
	{"HTM", "Huyện Tháp Mười", "HUYEN", 0.69},
	{"HLV", "Huyện Lai Vung", "HUYEN", 0.76},
	{"HCT", "Huyện Châu Thành", "HUYEN", 0.79},
}

// TestScore_RegenerateExample writes the sample data file from a fixed
// seed when run with -regen-example (after a change of indicators.yaml).
func TestScore_RegenerateExample(t *testing.T) {
	if !*regenExample {
		t.Skip("run with -regen-example to rewrite " + exampleData)
	}
	src, err := os.ReadFile("../../indicators.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ix, err := scoring.ParseIndex(src)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(2025, 11))
	type col struct {
		n  *scoring.Node
		in scoring.Input
	}
	var cols []col
	for _, n := range append(append([]*scoring.Node{}, ix.Indicators()...), ix.Adjustments...) {
		for _, in := range n.Inputs {
			cols = append(cols, col{n, in})
		}
	}
	var buf bytes.Buffer
	buf.WriteString("# year: 2025\n")
	w := csv.NewWriter(&buf)
	head := []string{"code", "name", "type", "block"}
	for _, c := range cols {
		head = append(head, c.n.Code+"/"+c.in.Key)
	}
	w.Write(head)
	for _, u := range exampleUnits {
		typ := "department"
		if u.block == "HUYEN" {
			typ = "district"
		}
		row := []string{u.code, u.name, typ, u.block}
		// Denominators first, so numerators can stay below them.
		den := map[string]float64{}
		for _, c := range cols {
			if c.n.Method != nil && c.n.Method.Kind == scoring.MethodRatio && c.in.Key == c.n.Method.Denominator {
				den[c.n.Code] = exampleDenominator(r, c.in.Key, typ)
			}
			if c.n.Method != nil && c.n.Method.Value != nil && len(c.n.Method.Value.RatioOf) == 2 && c.in.Key == c.n.Method.Value.RatioOf[1] {
				den[c.n.Code] = exampleDenominator(r, c.in.Key, typ)
			}
		}
		for _, c := range cols {
			row = append(row, exampleCell(r, ix, c.n, c.in, u.quality, typ, den))
		}
		w.Write(row)
	}
	w.Flush()
	if err := os.WriteFile(exampleData, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// exampleCell makes up a plausible value of one input for a unit of the
// given quality (0..1); "" when the input does not apply or is left empty.
func exampleCell(r *rand.Rand, ix *scoring.Index, n *scoring.Node, in scoring.Input, q float64, typ string, den map[string]float64) string {
	if !ix.Applies(n, typ) || r.Float64() < 0.02 {
		return ""
	}
	m := n.Method
	noisy := math.Max(0, math.Min(1, q+(r.Float64()-0.5)*0.3))
	num := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	clampIn := func(x float64) float64 {
		if in.Min != nil {
			x = math.Max(x, *in.Min)
		}
		if in.Max != nil {
			x = math.Min(x, *in.Max)
		}
		return x
	}
	switch in.Type {
	case scoring.InputBoolean:
		if n.Adjustment == "penalty" {
			return map[bool]string{true: "có", false: "không"}[r.Float64() > 0.85+q/10]
		}
		return map[bool]string{true: "có", false: "không"}[r.Float64() < noisy+0.15]
	case scoring.InputChoice:
		k := int((1 - noisy) * float64(len(in.Options)))
		return in.Options[min(k, len(in.Options)-1)].Value
	case scoring.InputMultiChoice:
		var picked []string
		for _, o := range in.Options {
			if r.Float64() < noisy {
				picked = append(picked, o.Value)
			}
		}
		return strings.Join(picked, ";")
	case scoring.InputDate:
		due := "03-31"
		if m != nil && m.Due != "" {
			due = m.Due
		}
		late := int((1-noisy)*45) - 10
		month, _ := strconv.Atoi(due[:2])
		day, _ := strconv.Atoi(due[3:])
		y := 2025
		d := day + late
		for d > 28 {
			d -= 28
			month++
		}
		for d < 1 {
			d += 28
			month--
		}
		if month > 12 {
			month, y = month-12, y+1
		}
		if month < 1 {
			month, y = month+12, y-1
		}
		return fmt.Sprintf("%04d-%02d-%02d", y, month, d)
	case scoring.InputText:
		return fmt.Sprintf("%d/QĐ-%s", 10+r.IntN(200), strings.ToUpper(n.Code[:2]))
	case scoring.InputURL:
		return "https://cds.example.gov.vn/" + strings.ToLower(n.Code)
	}
	// Numbers.
	if m != nil && m.Kind == scoring.MethodRatio {
		d := den[n.Code]
		if in.Key == m.Denominator {
			return num(d)
		}
		return num(math.Round(d * math.Min(1, noisy*1.1)))
	}
	if m != nil && m.Value != nil && len(m.Value.RatioOf) == 2 {
		d := den[n.Code]
		if in.Key == m.Value.RatioOf[1] {
			return num(d)
		}
		return num(math.Round(d * math.Min(1, noisy*1.05)))
	}
	if m != nil && m.Kind == scoring.MethodTiers && len(m.Tiers) > 0 && m.Tiers[0].Min != nil && in.Type != scoring.InputCount {
		// Around the top tier: a unit of quality 0.8 just reaches it.
		return num(clampIn(math.Round(*m.Tiers[0].Min*1.25*noisy*100) / 100))
	}
	switch {
	case in.Type == scoring.InputPercent:
		return num(clampIn(math.Round(noisy*1000) / 10))
	case in.Min != nil && in.Max != nil: // a scale, e.g. a survey score 1..5
		return num(clampIn(math.Round((*in.Min+(*in.Max-*in.Min)*noisy)*100) / 100))
	case strings.Contains(in.Key, "respons"):
		return num(float64(25 + r.IntN(400)))
	case in.Type == scoring.InputCount:
		hi := 6.0
		if m != nil && m.Kind == scoring.MethodTiers && len(m.Tiers) > 0 && m.Tiers[0].Min != nil {
			hi = *m.Tiers[0].Min * 1.2
		}
		if m != nil && m.Kind == scoring.MethodBestInBlock {
			hi = 200
		}
		return num(clampIn(math.Round(hi * noisy)))
	}
	return num(clampIn(math.Round(noisy*1000) / 10))
}

// exampleDenominator is a plausible size for the denominator of a ratio,
// from the input's key: staff, units, documents or files.
func exampleDenominator(r *rand.Rand, key, typ string) float64 {
	scale := 1.0
	if typ == "district" {
		scale = 3
	}
	span := func(lo, hi int) float64 { return math.Round(float64(lo+r.IntN(hi-lo)) * scale) }
	switch k := strings.ToLower(key); {
	case strings.Contains(k, "staff") || strings.Contains(k, "officials") || strings.Contains(k, "employees"):
		return span(40, 300)
	case strings.Contains(k, "unit") || strings.Contains(k, "commune") || strings.Contains(k, "system"):
		return span(4, 25)
	case strings.Contains(k, "file") || strings.Contains(k, "record") || strings.Contains(k, "dossier") || strings.Contains(k, "procedure"):
		return span(300, 6000)
	case strings.Contains(k, "doc"):
		return span(800, 5000)
	}
	return span(8, 60)
}
