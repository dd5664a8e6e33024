package scoring

// Benchmarks of Score on a synthetic period: 100 indicators in 10 groups
// under 3 top-level nodes, six scoring methods (a third peer-relative:
// best_in_block and minmax), 3 pillar tags, 3 ranked blocks and 5 bands.
// The data are generated from a fixed seed, so every run scores the same
// period. Target: 3,500 units in ≤ 20 ms on one core:
//
//	go test -run '^$' -bench Score -benchmem -cpu 1 ./scoring/
//
// Besides ns/op (wall clock, which swings with the other processes of a
// shared machine) each benchmark reports cpu-ns/op: the process's CPU time
// (user and system, garbage collection included) per call, which waiting
// for a core does not inflate.

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

const benchIndicators = 100

// benchIndexYAML writes the synthetic index.
func benchIndexYAML() string {
	var b strings.Builder
	b.WriteString(`schema_version: 1
index: {code: BENCH, version: "1", name: {vi: Chỉ số thử tải, en: Benchmark index}, style: points, scale: 1000}
unit_types:
  - {code: department, name: {vi: Sở, en: Department}}
  - {code: district, name: {vi: Huyện, en: District}}
  - {code: commune, name: {vi: Xã, en: Commune}}
blocks:
  - {code: SO, name: {vi: Khối sở, en: Departments}, unit_types: [department], ranked: true}
  - {code: HUYEN, name: {vi: Khối huyện, en: Districts}, unit_types: [district], ranked: true}
  - {code: XA, name: {vi: Khối xã, en: Communes}, unit_types: [commune], ranked: true}
pillars:
  - {code: CQS, name: {vi: Chính quyền số, en: Digital government}}
  - {code: KTS, name: {vi: Kinh tế số, en: Digital economy}}
  - {code: XHS, name: {vi: Xã hội số, en: Digital society}}
bands:
  - {code: A, name: {vi: Xuất sắc, en: Excellent}, min_percent: 90}
  - {code: B, name: {vi: Tốt, en: Good}, min_percent: 75}
  - {code: C, name: {vi: Khá, en: Fair}, min_percent: 50}
  - {code: D, name: {vi: Trung bình, en: Average}, min_percent: 25}
  - {code: E, name: {vi: Yếu, en: Weak}, min_percent: 0}
tree:
`)
	pillars := []string{"CQS", "KTS", "XHS"}
	ind := 0
	for top := 0; top < 3; top++ {
		fmt.Fprintf(&b, "  - code: T%d\n    name: {vi: Trụ cột %d, en: Pillar %d}\n    pillars: [%s]\n    children:\n", top, top, top, pillars[top])
		groups := 3
		if top == 2 {
			groups = 4
		}
		for g := 0; g < groups; g++ {
			fmt.Fprintf(&b, "      - code: T%d.G%d\n        name: {vi: Nhóm %d, en: Group %d}\n        children:\n", top, g, g, g)
			for k := 0; k < 10; k++ {
				code := fmt.Sprintf("I%03d", ind)
				fmt.Fprintf(&b, "          - code: %s\n            name: {vi: Chỉ tiêu %d, en: Indicator %d}\n            max_points: 10\n", code, ind, ind)
				if ind%7 == 0 {
					fmt.Fprintf(&b, "            pillars: [%s]\n", pillars[(top+1)%3])
				}
				b.WriteString("            inputs:\n")
				switch ind % 6 {
				case 0:
					b.WriteString("              - {key: v, label: {vi: Giá trị, en: Value}, type: number}\n")
					b.WriteString("            scoring: {method: best_in_block, input: v}\n")
				case 1:
					b.WriteString("              - {key: v, label: {vi: Giá trị, en: Value}, type: number}\n")
					b.WriteString("            scoring: {method: minmax, input: v, lower_is_better: true}\n")
				case 2:
					b.WriteString("              - {key: a, label: {vi: Tử số, en: Numerator}, type: count}\n")
					b.WriteString("              - {key: b, label: {vi: Mẫu số, en: Denominator}, type: count}\n")
					b.WriteString("            scoring: {method: ratio, numerator: a, denominator: b, target: 0.9}\n")
				case 3:
					b.WriteString("              - {key: p, label: {vi: Tỷ lệ, en: Share}, type: percent}\n")
					b.WriteString("            scoring: {method: percent, input: p, target: 80}\n")
				case 4:
					b.WriteString("              - {key: ok, label: {vi: Có, en: Yes}, type: boolean}\n")
					b.WriteString("            scoring: {method: boolean, input: ok}\n")
				case 5:
					b.WriteString("              - {key: n, label: {vi: Số lần, en: Times}, type: count}\n")
					b.WriteString("            scoring:\n              method: tiers\n              input: n\n              tiers: [{min: 4, fraction: 1}, {min: 3, fraction: 0.75}, {min: 2, fraction: 0.5}, {min: 1, fraction: 0.25}]\n")
				}
				ind++
			}
		}
	}
	return b.String()
}

// benchDataset generates n units spread over the three blocks.
func benchDataset(ix *Index, n int) *Dataset {
	r := rand.New(rand.NewPCG(2025, uint64(n)))
	types := []string{"department", "district", "commune"}
	blocks := []string{"SO", "HUYEN", "XA"}
	ds := &Dataset{Year: 2025, Units: make([]UnitData, n)}
	for u := range ds.Units {
		k := 2
		switch {
		case u%10 == 0:
			k = 0
		case u%10 < 3:
			k = 1
		}
		vals := make([]Value, ix.NumSlots())
		for i := range vals {
			if r.IntN(50) == 0 {
				continue // 2 % missing
			}
			vals[i] = Value{Set: true, Num: float64(r.IntN(100))}
		}
		ds.Units[u] = UnitData{Code: fmt.Sprintf("U%05d", u), Name: fmt.Sprintf("Đơn vị %d", u),
			Type: types[k], Block: blocks[k], Values: vals}
	}
	return ds
}

func benchmarkScore(b *testing.B, units int) {
	ix, err := ParseIndex([]byte(benchIndexYAML()))
	if err != nil {
		b.Fatal(err)
	}
	if len(ix.Indicators()) != benchIndicators {
		b.Fatalf("%d indicators", len(ix.Indicators()))
	}
	ds := benchDataset(ix, units)
	b.ReportAllocs()
	cpu0 := processCPU()
	n := 0
	for b.Loop() {
		if _, err := Score(ix, ds, Options{}); err != nil {
			b.Fatal(err)
		}
		n++
	}
	if cpu := processCPU() - cpu0; cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(n), "cpu-ns/op")
	}
}

func BenchmarkScore_350Units(b *testing.B)   { benchmarkScore(b, 350) }
func BenchmarkScore_3500Units(b *testing.B)  { benchmarkScore(b, 3500) }
func BenchmarkScore_35000Units(b *testing.B) { benchmarkScore(b, 35000) }

// BenchmarkResultLayout_3500Units allocates and fills results of the
// synthetic index's shape for 3,500 units, with no scoring at all: every
// node result written once with its code, as Score writes them. It is the
// floor that the layout of Results sets under BenchmarkScore_3500Units (the
// allocation, its page faults and the garbage collector's scanning of
// NodeResult's pointers), with the dataset live as it is there.
func BenchmarkResultLayout_3500Units(b *testing.B) {
	ix, err := ParseIndex([]byte(benchIndexYAML()))
	if err != nil {
		b.Fatal(err)
	}
	ds := benchDataset(ix, 3500)
	nodes := ix.AllNodes()
	per := len(nodes) + len(ix.Pillars) + len(ix.Adjustments)
	b.ReportAllocs()
	cpu0 := processCPU()
	n := 0
	for b.Loop() {
		res := &Results{Units: make([]UnitResult, len(ds.Units))}
		slab := make([]NodeResult, len(ds.Units)*per)
		for u := range res.Units {
			ur := &res.Units[u]
			ur.Code = ds.Units[u].Code
			ur.Nodes = slab[u*per : u*per+len(nodes)]
			for i, nd := range nodes {
				ur.Nodes[i] = NodeResult{Code: nd.Code, Value: 0.5, Points: 5, MaxPoints: 10, Applicable: true}
			}
		}
		benchSink = res
		n++
	}
	if cpu := processCPU() - cpu0; cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(n), "cpu-ns/op")
	}
	benchSink = ds // the dataset stays live, as in BenchmarkScore
}

// BenchmarkResultLayoutPointerFree_3500Units is the same floor for a node
// result without pointers (no Code string, no Explanation pointer: codes
// would come from the index's pre-order, explanations from a side table),
// which the garbage collector does not scan: the measure of what such a
// change of NodeResult would save.
func BenchmarkResultLayoutPointerFree_3500Units(b *testing.B) {
	type pointerFreeResult struct {
		Value, Points, MaxPoints        float64
		Applicable, Missing, Overridden bool
	}
	ix, err := ParseIndex([]byte(benchIndexYAML()))
	if err != nil {
		b.Fatal(err)
	}
	ds := benchDataset(ix, 3500)
	nodes := ix.AllNodes()
	per := len(nodes) + len(ix.Pillars) + len(ix.Adjustments)
	b.ReportAllocs()
	cpu0 := processCPU()
	n := 0
	for b.Loop() {
		res := &Results{Units: make([]UnitResult, len(ds.Units))}
		slab := make([]pointerFreeResult, len(ds.Units)*per)
		for u := range res.Units {
			res.Units[u].Code = ds.Units[u].Code
			own := slab[u*per : u*per+len(nodes)]
			for i := range own {
				own[i] = pointerFreeResult{Value: 0.5, Points: 5, MaxPoints: 10, Applicable: true}
			}
		}
		benchSink = slab
		n++
	}
	if cpu := processCPU() - cpu0; cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(n), "cpu-ns/op")
	}
	benchSink = ds
}

// benchSink keeps benchmark results reachable.
var benchSink any
