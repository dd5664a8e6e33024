package scoring_test

import (
	"fmt"

	"github.com/dti-platform/dti/scoring"
)

// Four departments scored on two indicators of 50 points each. SA leads on
// both and keeps rank 1 whatever the shares; SB and SC trade ranks 2 and 3
// as the shares move within ±40 %; SD is last either way.
func ExampleUncertainty() {
	ix, err := scoring.ParseIndex([]byte(`schema_version: 1
index: {code: DEMO, version: "1", name: {vi: Thử, en: Demo}, scale: 100}
unit_types: [{code: department, name: {vi: Sở, en: Department}}]
blocks: [{code: SO, name: {vi: Khối sở, en: Departments}, unit_types: [department]}]
tree:
  - code: A
    name: {vi: Dịch vụ công trực tuyến, en: Online services}
    max_points: 50
    inputs: [{key: pct, label: {vi: Tỷ lệ, en: Share}, type: percent}]
    scoring: {method: percent, input: pct}
  - code: B
    name: {vi: Hồ sơ điện tử, en: Electronic records}
    max_points: 50
    inputs: [{key: pct, label: {vi: Tỷ lệ, en: Share}, type: percent}]
    scoring: {method: percent, input: pct}
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	a, _ := ix.Slot("A", "pct")
	b, _ := ix.Slot("B", "pct")
	unit := func(code string, pa, pb float64) scoring.UnitData {
		vals := make([]scoring.Value, ix.NumSlots())
		vals[a] = scoring.Value{Set: true, Num: pa}
		vals[b] = scoring.Value{Set: true, Num: pb}
		return scoring.UnitData{Code: code, Type: "department", Block: "SO", Values: vals}
	}
	ds := &scoring.Dataset{Units: []scoring.UnitData{
		unit("SA", 95, 90), unit("SB", 80, 40), unit("SC", 45, 70), unit("SD", 20, 30),
	}}
	res, err := scoring.Uncertainty(ix, ds, scoring.UncertaintyConfig{Draws: 1000, Seed: 1, WeightSpread: 0.4})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, u := range res.Units {
		fmt.Printf("%s: %.1f points, rank %d, interval %d–%d, best %d, worst %d\n",
			u.Code, u.Points, u.Rank, u.RankLow, u.RankHigh, u.RankBest, u.RankWorst)
	}
	// Output:
	// SA: 92.5 points, rank 1, interval 1–1, best 1, worst 1
	// SB: 60.0 points, rank 2, interval 2–3, best 2, worst 3
	// SC: 57.5 points, rank 3, interval 2–3, best 2, worst 3
	// SD: 25.0 points, rank 4, interval 4–4, best 4, worst 4
}
