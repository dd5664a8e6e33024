package reports

import (
	"hash/fnv"
	"math"
	"sort"
	"time"

	"github.com/dti-platform/dti/scoring"
)

// This file builds a small index by hand and plausible results for it, so
// the workbook tests do not depend on the parser or the engine.

func fp(v float64) *float64 { return &v }

func txt(vi, en string) scoring.Text { return scoring.Text{VI: vi, EN: en} }

func ind(code, vi, en string, max float64, kind scoring.MethodKind, inputs ...scoring.Input) *scoring.Node {
	return &scoring.Node{Code: code, Name: txt(vi, en), MaxPoints: max, Method: &scoring.Method{Kind: kind}, Inputs: inputs}
}

// testIndex is a two-level index with every input type, a read-only
// input, a per-type max, an indicator for departments only, two pillars
// and a bonus item.
func testIndex() *scoring.Index {
	yesNo := func(key, vi, en string) scoring.Input {
		return scoring.Input{Key: key, Label: txt(vi, en), Type: scoring.InputBoolean, Required: true}
	}
	plan := ind("NT.1.01", "Ban hành kế hoạch chuyển đổi số năm", "Annual digital transformation plan", 10, scoring.MethodBoolean,
		yesNo("has_plan", "Đã ban hành kế hoạch", "Plan issued"))
	plan.Evidence = scoring.Evidence{Required: true, Hint: txt("Quyết định ban hành kế hoạch", "Decision issuing the plan")}
	plan.Guidance = txt("Kế hoạch do người đứng đầu ký ban hành.", "Signed by the head of the unit.")
	plan.Pillars = []string{"CQS"}
	chair := ind("NT.1.02", "Người đứng đầu làm Trưởng ban chỉ đạo", "Head chairs the steering committee", 20, scoring.MethodChoice,
		scoring.Input{Key: "chair_role", Label: txt("Vai trò của người đứng đầu", "Role of the head"), Type: scoring.InputChoice, Required: true,
			Options: []scoring.Option{
				{Value: "head", Label: txt("Trưởng ban", "Chair")},
				{Value: "deputy", Label: txt("Phó trưởng ban", "Deputy chair")},
				{Value: "none", Label: txt("Không tham gia", "None")},
			}})
	chair.Pillars = []string{"CQS"}
	ratio := ind("NT.2.01", "Tỷ lệ nhiệm vụ hoàn thành", "Share of tasks completed", 15, scoring.MethodRatio,
		scoring.Input{Key: "done", Label: txt("Số nhiệm vụ hoàn thành", "Tasks completed"), Type: scoring.InputCount},
		scoring.Input{Key: "planned", Label: txt("Số nhiệm vụ kế hoạch", "Tasks planned"), Type: scoring.InputCount, Min: fp(1), Max: fp(500)})
	ratio.Pillars = []string{"KTS"}
	cover := ind("NT.2.02", "Tỷ lệ cán bộ có chữ ký số", "Staff with digital signatures", 15, scoring.MethodPercent,
		scoring.Input{Key: "coverage", Label: txt("Tỷ lệ (%)", "Share (%)"), Type: scoring.InputPercent, Unit: "%", Source: scoring.SourceSystem})
	cover.Source = scoring.SourceSystem
	cover.Pillars = []string{"KTS"}
	date := ind("CQS.01", "Thời điểm ban hành danh mục dữ liệu", "Date the data catalogue was issued", 10, scoring.MethodDeadline,
		scoring.Input{Key: "issued_on", Label: txt("Ngày ban hành", "Issued on"), Type: scoring.InputDate})
	budget := ind("CQS.02", "Kinh phí chi cho chuyển đổi số", "Digital transformation spending", 10, scoring.MethodTiers,
		scoring.Input{Key: "budget", Label: txt("Kinh phí", "Spending"), Type: scoring.InputNumber, Unit: "triệu đồng", Min: fp(0), Max: fp(1e6)})
	platforms := ind("CQS.03", "Kết nối các nền tảng dùng chung", "Shared platforms connected", 10, scoring.MethodChoice,
		scoring.Input{Key: "platforms", Label: txt("Nền tảng đã kết nối", "Platforms connected"), Type: scoring.InputMultiChoice,
			Options: []scoring.Option{
				{Value: "lgsp", Label: txt("LGSP", "LGSP")},
				{Value: "emc", Label: txt("Hệ thống EMC", "EMC system")},
				{Value: "vneid", Label: txt("VNeID", "VNeID")},
			}})
	portal := ind("CQS.04", "Công khai thông tin trên cổng điện tử", "Information published on the portal", 10, scoring.MethodBoolean,
		yesNo("published", "Đã công khai", "Published"),
		scoring.Input{Key: "note", Label: txt("Ghi chú", "Note"), Type: scoring.InputText},
		scoring.Input{Key: "link", Label: txt("Đường dẫn", "Link"), Type: scoring.InputURL})
	portal.AppliesTo = []string{"department"}
	bonus := ind("BONUS.01", "Giải thưởng về chuyển đổi số", "Digital transformation awards", 30, scoring.MethodCountCapped,
		scoring.Input{Key: "awards", Label: txt("Số giải thưởng", "Awards"), Type: scoring.InputCount, Max: fp(10)})
	bonus.Adjustment = "bonus"

	nt1 := &scoring.Node{Code: "NT.1", Name: txt("Nhận thức số", "Digital awareness"), MaxPoints: 30, Aggregation: scoring.AggSum, Children: []*scoring.Node{plan, chair}}
	nt2 := &scoring.Node{Code: "NT.2", Name: txt("Hạ tầng số", "Digital infrastructure"), MaxPoints: 30, Aggregation: scoring.AggSum, Children: []*scoring.Node{ratio, cover}}
	nt := &scoring.Node{Code: "NT", Name: txt("Nền tảng chung", "Common foundations"), MaxPoints: 60, Aggregation: scoring.AggSum, Children: []*scoring.Node{nt1, nt2}}
	cqs := &scoring.Node{Code: "CQS", Name: txt("Chính quyền số", "Digital government"), MaxPoints: 40, MaxPointsBy: map[string]float64{"district": 30},
		Aggregation: scoring.AggSum, Children: []*scoring.Node{date, budget, platforms, portal}}

	ix := &scoring.Index{
		SchemaVersion: 1,
		Code:          "PDTI-TEST",
		Version:       "2025.1",
		Name:          txt("Bộ chỉ số chuyển đổi số thử nghiệm", "Test digital transformation index"),
		Style:         scoring.StylePoints,
		Scale:         1000,
		Rounding:      scoring.Rounding{ValueDecimals: 4, PointsDecimals: 2},
		UnitTypes: []scoring.UnitType{
			{Code: "department", Name: txt("Sở, ban, ngành", "Department"), Enabled: true},
			{Code: "district", Name: txt("UBND cấp huyện", "District"), Enabled: true},
		},
		Blocks: []scoring.Block{
			{Code: "SO", Name: txt("Khối sở, ban, ngành có thủ tục hành chính", "Departments with administrative procedures"), UnitTypes: []string{"department"}, Ranked: true},
			{Code: "SO_KHAC", Name: txt("Khối sở, ban, ngành không có thủ tục hành chính", "Departments without administrative procedures"), UnitTypes: []string{"department"}},
			{Code: "HUYEN", Name: txt("Khối UBND các huyện: thị xã/thành phố*", "Districts"), UnitTypes: []string{"district"}, Ranked: true},
		},
		Pillars: []scoring.Pillar{
			{Code: "CQS", Name: txt("Chính quyền số", "Digital government")},
			{Code: "KTS", Name: txt("Kinh tế số", "Digital economy")},
		},
		Bands: []scoring.Band{
			{Code: "XUAT_SAC", Name: txt("Xuất sắc", "Excellent"), MinPercent: 90},
			{Code: "TOT", Name: txt("Tốt", "Good"), MinPercent: 75},
			{Code: "KHA", Name: txt("Khá", "Fair"), MinPercent: 50},
			{Code: "YEU", Name: txt("Yếu", "Weak"), MinPercent: 0},
		},
		Nodes:       []*scoring.Node{nt, cqs},
		Adjustments: []*scoring.Node{bonus},
		Hash:        "3f1c0e6a9b2d4c5e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e",
	}
	link(ix)
	return ix
}

// link sets Parent and Depth as the parser does.
func link(ix *scoring.Index) {
	var walk func(parent *scoring.Node, ns []*scoring.Node, depth int)
	walk = func(parent *scoring.Node, ns []*scoring.Node, depth int) {
		for _, n := range ns {
			n.Parent, n.Depth = parent, depth
			walk(n, n.Children, depth+1)
		}
	}
	walk(nil, ix.Nodes, 0)
	walk(nil, ix.Adjustments, 0)
}

// testUnit is a unit of the fixture.
type testUnit struct {
	code, name, typ, block string
}

// testUnits are six departments (one in the unranked block) and three
// districts; one name tries formula injection.
var testUnits = []testUnit{
	{"SO-TTTT", "Sở Thông tin và Truyền thông", "department", "SO"},
	{"SO-TC", "Sở Tài chính", "department", "SO"},
	{"SO-XD", "Sở Xây dựng", "department", "SO"},
	{"SO-YT", "=HYPERLINK(\"http://evil.example\",\"Sở Y tế\")", "department", "SO"},
	{"SO-GD", "Sở Giáo dục và Đào tạo", "department", "SO"},
	{"BQL-KKT", "Ban Quản lý Khu kinh tế", "department", "SO_KHAC"},
	{"H-CL", "Thành phố Cao Lãnh", "district", "HUYEN"},
	{"H-SD", "Thành phố Sa Đéc", "district", "HUYEN"},
	{"H-TM", "Huyện Tháp Mười", "district", "HUYEN"},
}

func testNames(us []testUnit) UnitNames {
	n := UnitNames{}
	for _, u := range us {
		n[u.code] = txt(u.name, u.name+" (EN)")
	}
	return n
}

// fraction is a deterministic pseudo-random fraction in steps of 1/4.
func fraction(seed int, unit, node string) float64 {
	h := fnv.New32a()
	h.Write([]byte{byte(seed)})
	h.Write([]byte(unit))
	h.Write([]byte{0})
	h.Write([]byte(node))
	return float64(h.Sum32()%5) / 4
}

// fakeResults scores units with pseudo-random indicator fractions and the
// points-style rules (sums, value = points ÷ max, competition ranks inside
// ranked blocks on the rounded value, bands by percent).
func fakeResults(ix *scoring.Index, us []testUnit, seed int) *scoring.Results {
	nodes := treeNodes(ix)
	rs := &scoring.Results{IndexCode: ix.Code, IndexHash: ix.Hash}
	for _, u := range us {
		ur := scoring.UnitResult{Code: u.code, Name: u.name, Type: u.typ, Block: u.block}
		ur.Nodes = make([]scoring.NodeResult, len(nodes))
		pos := map[*scoring.Node]int{}
		for i, n := range nodes {
			pos[n] = i
		}
		var score func(n *scoring.Node) (pts, max float64, ok bool)
		score = func(n *scoring.Node) (float64, float64, bool) {
			nr := &ur.Nodes[pos[n]]
			nr.Code = n.Code
			if !appliesTo(n, u.typ) {
				for _, c := range n.Children {
					score(c)
				}
				return 0, 0, false
			}
			nr.Applicable = true
			if n.IsIndicator() {
				nr.MaxPoints = maxPointsFor(n, u.typ)
				nr.Value = fraction(seed, u.code, n.Code)
				nr.Points = nr.Value * nr.MaxPoints
				return nr.Points, nr.MaxPoints, true
			}
			var p, m float64
			for _, c := range n.Children {
				cp, cm, ok := score(c)
				if ok {
					p, m = p+cp, m+cm
				}
			}
			nr.Points, nr.MaxPoints = p, m
			if m > 0 {
				nr.Value = p / m
			}
			return p, m, true
		}
		var tp, tm float64
		for _, n := range ix.Nodes {
			p, m, ok := score(n)
			if ok {
				tp, tm = tp+p, tm+m
			}
		}
		for _, p := range ix.Pillars {
			pr := scoring.NodeResult{Code: p.Code}
			for _, n := range nodes {
				if !n.IsIndicator() || !ur.Nodes[pos[n]].Applicable {
					continue
				}
				for _, tag := range n.Pillars {
					if tag == p.Code {
						pr.Applicable = true
						pr.Points += ur.Nodes[pos[n]].Points
						pr.MaxPoints += ur.Nodes[pos[n]].MaxPoints
					}
				}
			}
			if pr.MaxPoints > 0 {
				pr.Value = pr.Points / pr.MaxPoints
			}
			ur.Pillars = append(ur.Pillars, pr)
		}
		for _, a := range ix.Adjustments {
			f := fraction(seed, u.code, a.Code)
			ar := scoring.NodeResult{Code: a.Code, Applicable: true, Value: f, Points: f * a.MaxPoints, MaxPoints: a.MaxPoints}
			ur.Adjustment += ar.Points
			ur.Adjustments = append(ur.Adjustments, ar)
		}
		if tm > 0 {
			ur.Value = roundTo(tp/tm, ix.Rounding.ValueDecimals)
		}
		ur.Points = roundTo(math.Min(ix.Scale, math.Max(0, ur.Value*ix.Scale+ur.Adjustment)), ix.Rounding.PointsDecimals)
		for _, b := range ix.Bands {
			if ur.Value*100 >= b.MinPercent {
				ur.Band = b.Code
				break
			}
		}
		rs.Units = append(rs.Units, ur)
	}
	rankResults(ix, rs)
	return rs
}

// rankResults gives competition ranks inside ranked blocks.
func rankResults(ix *scoring.Index, rs *scoring.Results) {
	for _, b := range ix.Blocks {
		if !b.Ranked {
			continue
		}
		var us []*scoring.UnitResult
		for i := range rs.Units {
			if rs.Units[i].Block == b.Code {
				us = append(us, &rs.Units[i])
			}
		}
		sort.SliceStable(us, func(i, j int) bool {
			if us[i].Value != us[j].Value {
				return us[i].Value > us[j].Value
			}
			return us[i].Code < us[j].Code
		})
		for i, u := range us {
			if i > 0 && u.Value == us[i-1].Value {
				u.Rank = us[i-1].Rank
			} else {
				u.Rank = i + 1
			}
		}
	}
}

// testTime is the fixed generation time of the fixtures.
var testTime = time.Date(2026, 1, 15, 9, 30, 0, 0, time.UTC)

func testPeriod() Period {
	return Period{Code: "DTI-2025", Name: txt("Đánh giá DTI năm 2025", "DTI 2025 assessment"), Year: 2025}
}

func testRankingInput(lang string) RankingInput {
	ix := testIndex()
	return RankingInput{
		Index:          ix,
		Period:         testPeriod(),
		Results:        fakeResults(ix, testUnits, 1),
		Previous:       fakeResults(ix, testUnits[:7], 2),
		PreviousPeriod: Period{Code: "DTI-2024", Name: txt("Đánh giá DTI năm 2024", "DTI 2024 assessment"), Year: 2024},
		Names:          testNames(testUnits),
		GeneratedAt:    testTime,
		Lang:           lang,
		GroupDepth:     1,
	}
}

// maxPointsFor returns a node's max points for a unit type.
func maxPointsFor(n *scoring.Node, unitType string) float64 {
	if v, ok := n.MaxPointsBy[unitType]; ok {
		return v
	}
	return n.MaxPoints
}
