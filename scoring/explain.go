package scoring

// This file builds the per-indicator explanations (inputs → method →
// fraction → points) that the form and the reports show, in Vietnamese and
// English. Vietnamese writes decimals with a comma and groups thousands
// with a dot (1.234,5); English the other way round (1,234.5).

import (
	"math"
	"strconv"
	"strings"
)

// FormatNumber formats x for people in lang ("vi" or "en"): at most 4
// decimals (4 significant digits below 0.1), trailing zeros dropped,
// thousands grouped.
func FormatNumber(x float64, lang string) string { return fmtLocal(x, lang) }

func fmtLocal(x float64, lang string) string {
	if math.IsNaN(x) {
		return "—"
	}
	if math.IsInf(x, 0) {
		if x > 0 {
			return "∞"
		}
		return "−∞"
	}
	// Four decimals, or four significant digits for small numbers
	// (0,003322 rather than 0,0033).
	prec := 4
	if ax := math.Abs(x); ax > 0 && ax < 0.1 {
		prec = min(12, 3-int(math.Floor(math.Log10(ax))))
	}
	s := strconv.FormatFloat(x, 'f', prec, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if s == "-0" {
		s = "0"
	}
	return LocalizeDecimal(s, lang)
}

// LocalizeDecimal rewrites a plain decimal number as strconv writes it
// ("-1234.5") in the convention of lang: Vietnamese groups thousands with
// a dot and marks decimals with a comma (-1.234,5), English the other way
// round (-1,234.5). Every number shown to people goes through it.
func LocalizeDecimal(s, lang string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	dec, group := ".", ","
	if lang != "en" {
		dec, group = ",", "."
	}
	var b strings.Builder
	b.Grow(len(s) + len(s)/3 + 2)
	if neg {
		b.WriteByte('-')
	}
	for i := 0; i < len(intPart); i++ {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(group)
		}
		b.WriteByte(intPart[i])
	}
	if frac != "" {
		b.WriteString(dec)
		b.WriteString(frac)
	}
	return b.String()
}

// bi builds a Text from a function of the language.
func bi(f func(lang string) string) Text { return Text{VI: f("vi"), EN: f("en")} }

// tr picks the Vietnamese or English wording.
func tr(lang, vi, en string) string {
	if lang == "en" {
		return en
	}
	return vi
}

// explain builds the explanation of indicator ip for unit u, whose result
// nr is final. It runs inside column while the scratch stages hold ip.
// computed is the fraction the data gave, before any override.
func (s *scorer) explain(ip *indPlan, u int, nr *NodeResult, computed float64) *Explanation {
	ud := &s.ds.Units[u]
	mp := ip.mp
	e := &Explanation{Method: mp.kind, Fraction: nr.Value, Points: nr.Points}
	for _, in := range ip.node.Inputs {
		slot, ok := s.p.ix.Slot(ip.node.Code, in.Key)
		if !ok {
			continue
		}
		v := slotValue(ud.Values, slot)
		ei := ExplainedInput{Key: in.Key, Missing: !v.Set}
		if v.Set {
			switch in.Type {
			case InputChoice, InputMultiChoice, InputDate, InputText, InputURL:
				ei.Value = v.Text
			case InputBoolean:
				ei.Value = "0"
				if v.Num != 0 {
					ei.Value = "1"
				}
			default:
				ei.Value = strconv.FormatFloat(v.Num, 'f', -1, 64)
			}
		}
		e.Inputs = append(e.Inputs, ei)
	}
	note := s.notes[u]
	composite := s.p.style == StyleComposite
	e.Steps = bi(func(l string) string {
		var parts []string
		add := func(str string) { parts = append(parts, str) }
		switch {
		case !nr.Applicable:
			switch note {
			case "zero-na":
				add(tr(l, "Mẫu số bằng 0: chỉ tiêu không áp dụng, loại khỏi điểm tối đa",
					"Zero denominator: not applicable, removed from the max"))
			case "missing-na":
				add(tr(l, "Thiếu dữ liệu: không áp dụng, loại khỏi điểm tối đa",
					"Missing data: not applicable, removed from the max"))
			default:
				add(tr(l, "Không áp dụng cho đơn vị: loại khỏi điểm tối đa",
					"Does not apply to the unit: removed from the max"))
			}
			return strings.Join(parts, "; ")
		}
		if mp.usesValue && s.raw != nil && !math.IsNaN(s.raw[u]) {
			add(tr(l, "giá trị ", "value ") + fmtLocal(s.raw[u], l))
			if ip.attr != "" && !math.IsNaN(s.den[u]) {
				add("÷ " + ip.attr + " " + fmtLocal(s.attrNums(ip.attr)[u], l) + " = " + fmtLocal(s.den[u], l))
			}
		}
		switch note {
		case "imputed":
			what := tr(l, "trung bình của các đơn vị cùng nhóm", "the mean of the peers")
			if ip.missing.Policy == MissingGroupMean {
				what = tr(l, "trung bình nhóm ", "the mean of group ") + ip.missing.GroupBy + " " + ud.Attrs[ip.missing.GroupBy]
			}
			add(tr(l, "thiếu dữ liệu, thay bằng ", "missing, replaced by ") + what + " = " + fmtLocal(s.imp[u], l))
		case "missing-zero":
			add(tr(l, "thiếu dữ liệu: tính 0", "missing data: counted as 0"))
		case "no-denominator":
			add(tr(l, "thiếu mẫu số ", "no denominator ") + ip.attr)
		case "few-responses":
			add(tr(l, "không đủ số phiếu khảo sát", "too few survey responses"))
		case "zero-zero":
			add(tr(l, "mẫu số bằng 0: tính 0", "zero denominator: scores 0"))
		case "zero-full":
			add(tr(l, "mẫu số bằng 0: đạt tối đa", "zero denominator: full points"))
		}
		if nr.Missing {
			add(tr(l, "thiếu dữ liệu", "missing data"))
			return strings.Join(parts, "; ")
		}
		if nr.Overridden && s.st[u] != cellFrac {
			computed = 0
		}
		if mp.usesValue && note != "zero-zero" && note != "zero-full" && note != "missing-zero" {
			g := s.groups(ip.peers).of[u]
			if int(g) < len(s.groupTreat) {
				switch s.groupTreat[g] {
				case TreatWinsorised:
					if s.trt[u] != s.imp[u] {
						add(tr(l, "giá trị ngoại lai thu về ", "outlier pulled in to ") + fmtLocal(s.trt[u], l) + " (winsor)")
					}
				case TreatLog:
					add(tr(l, "xử lý ngoại lai (log): ", "outliers log-transformed: ") + fmtLocal(s.trt[u], l))
				}
			}
			add(s.methodStep(ip, u, g, l))
		} else if !mp.usesValue && note == "" {
			add(directStep(ip.node, mp, ud, s.ds.Year, ip.maxBy[s.uType[u]], l))
		}
		f := fmtLocal(nr.Value, l)
		if nr.Overridden {
			if composite {
				add(tr(l, "theo dữ liệu: ", "from the data: ") + fmtLocal(computed, l) + "; " +
					tr(l, "hội đồng thẩm định điều chỉnh", "adjusted by the appraisal council"))
			} else {
				add(tr(l, "theo dữ liệu: ", "from the data: ") + fmtLocal(computed*nr.MaxPoints, l) + tr(l, " điểm", " points") + "; " +
					tr(l, "hội đồng thẩm định điều chỉnh", "adjusted by the appraisal council"))
			}
		}
		if composite {
			add("→ " + tr(l, "giá trị chuẩn hoá ", "normalised value ") + f)
		} else {
			str := "→ " + f + " × " + fmtLocal(nr.MaxPoints, l) + " = " + fmtLocal(math.Abs(nr.Points), l) + tr(l, " điểm", " points")
			if ip.node.Adjustment == "penalty" {
				str += tr(l, " bị trừ", " deducted")
			} else if ip.node.Adjustment == "bonus" {
				str += tr(l, " thưởng", " of bonus")
			}
			add(str)
		}
		return strings.Join(parts, "; ")
	})
	return e
}

// methodStep describes a value-based method's step for unit u in group g.
func (s *scorer) methodStep(ip *indPlan, u int, g int32, l string) string {
	mp := ip.mp
	v := s.trt[u]
	var ps *peerStats
	if int(g) < len(s.groupStats) {
		ps = &s.groupStats[g]
	}
	lower := mp.m.LowerIsBetter
	switch mp.kind {
	case MethodPercent:
		t := mp.target
		if t <= 0 {
			t = 100
		}
		if lower {
			return tr(l, "thấp hơn là tốt hơn: 1 − ", "lower is better: 1 − ") + fmtLocal(v, l) + "% ÷ " + fmtLocal(t, l) + "%"
		}
		return fmtLocal(v, l) + "% ÷ " + tr(l, "chỉ tiêu ", "target ") + fmtLocal(t, l) + "%"
	case MethodTiers:
		for _, t := range mp.m.Tiers {
			switch {
			case t.Min != nil && v >= *t.Min:
				return tr(l, "mức ≥ ", "tier ≥ ") + fmtLocal(*t.Min, l)
			case t.Max != nil && v <= *t.Max:
				return tr(l, "mức ≤ ", "tier ≤ ") + fmtLocal(*t.Max, l)
			}
		}
		return tr(l, "dưới mọi mức", "below every tier")
	case MethodCountCapped:
		if mp.pointsPerItem > 0 {
			str := fmtLocal(v, l) + " × " + fmtLocal(mp.pointsPerItem, l) + tr(l, " điểm", " points")
			if mp.cap < 1 {
				str += tr(l, ", tối đa ", ", at most ") + fmtLocal(mp.cap*100, l) + tr(l, "% điểm tối đa", "% of the max")
			}
			return str
		}
		return fmtLocal(v, l) + " × " + fmtLocal(mp.perItem, l) + tr(l, ", tối đa ", ", at most ") + fmtLocal(mp.cap, l)
	case MethodBestInBlock:
		if ps == nil {
			break
		}
		if lower {
			return tr(l, "tốt nhất (thấp nhất) trong nhóm ", "best (lowest) among peers ") + fmtLocal(ps.min, l) + " ÷ " + fmtLocal(v, l)
		}
		return fmtLocal(v, l) + " ÷ " + tr(l, "cao nhất trong nhóm ", "best among peers ") + fmtLocal(ps.max, l)
	case MethodMinMax:
		lo, hi := 0.0, 0.0
		if gp := mp.m.Goalposts; gp != nil {
			lo, hi = gp.Low, gp.High
		} else if ps != nil {
			lo, hi = ps.min, ps.max
		}
		if lower {
			return "(max − v) ÷ (max − min) = (" + fmtLocal(hi, l) + " − " + fmtLocal(v, l) + ") ÷ (" + fmtLocal(hi, l) + " − " + fmtLocal(lo, l) + ")"
		}
		return "(v − min) ÷ (max − min) = (" + fmtLocal(v, l) + " − " + fmtLocal(lo, l) + ") ÷ (" + fmtLocal(hi, l) + " − " + fmtLocal(lo, l) + ")"
	case MethodZScore:
		if ps == nil {
			break
		}
		return "z = (v − " + tr(l, "trung bình", "mean") + " " + fmtLocal(ps.mean, l) + ") ÷ " + tr(l, "độ lệch chuẩn", "sd") + " " + fmtLocal(ps.sd, l) + tr(l, ", theo phân phối chuẩn", ", through the normal CDF")
	case MethodRank:
		if ps == nil {
			break
		}
		n := float64(ps.n)
		r := n - s.x[u]*(n-1)
		return tr(l, "hạng ", "rank ") + fmtLocal(math.Round(r), l) + "/" + fmtLocal(n, l)
	case MethodPercentile:
		if ps == nil {
			break
		}
		return tr(l, "phân vị trong ", "percentile among ") + strconv.Itoa(ps.n) + tr(l, " đơn vị cùng nhóm", " peers")
	}
	return string(mp.kind)
}

// directStep describes a method that scores the unit's inputs alone.
func directStep(n *Node, mp *methodPlan, ud *UnitData, year int, maxPoints float64, l string) string {
	m := mp.m
	switch mp.kind {
	case MethodBoolean:
		v := slotValue(ud.Values, mp.slot)
		yes := tr(l, "Không", "No")
		if v.Num != 0 {
			yes = tr(l, "Có", "Yes")
		}
		for _, in := range n.Inputs {
			if in.Key == mp.inKey && in.Label.VI != "" {
				return in.Label.In(l) + ": " + yes
			}
		}
		return yes
	case MethodChoice:
		// The options' labels in the language, with their fractions.
		var picked []string
		for _, c := range strings.Split(slotValue(ud.Values, mp.slot).Text, ",") {
			if c = strings.TrimSpace(c); c == "" {
				continue
			}
			label := c
			if t, ok := mp.labels[c]; ok {
				label = t.In(l)
			}
			picked = append(picked, "“"+label+"” ("+fmtLocal(mp.choices[c], l)+")")
		}
		return tr(l, "lựa chọn ", "choice ") + strings.Join(picked, " + ")
	case MethodRatio:
		a, b := slotValue(ud.Values, mp.numSlot).Num, slotValue(ud.Values, mp.denSlot).Num
		str := mp.numKey + "/" + mp.denKey + " = " + fmtLocal(a, l) + "/" + fmtLocal(b, l) + " = " + fmtLocal(a/b, l)
		if mp.target != 1 || m.LowerIsBetter {
			str += "; " + tr(l, "chỉ tiêu ", "target ") + fmtLocal(mp.target, l)
		}
		return str
	case MethodSurvey:
		return tr(l, "điểm khảo sát ", "survey score ") + fmtLocal(slotValue(ud.Values, mp.slot).Num, l) +
			tr(l, " trên thang ", " on the scale ") + fmtLocal(m.ScaleMin, l) + "–" + fmtLocal(m.ScaleMax, l)
	case MethodDeadline:
		date := slotValue(ud.Values, mp.slot).Text
		str := tr(l, "ngày ", "date ") + date + tr(l, ", hạn ", ", due ") + m.Due
		if late, err := mp.daysLate(date, year); err == nil && late > 0 {
			str += tr(l, ", trễ ", ", ") + strconv.Itoa(late) + tr(l, " ngày", " days late")
		}
		return str
	case MethodSumOfParts:
		// Each part's share and fraction, e.g. "40% × 1 + 60% × 0,5".
		var terms []string
		var probs problemList
		for _, part := range mp.parts {
			var r evalResult
			if part.mp.usesValue {
				r = part.mp.val.eval(ud.Values, &probs, ud.Code, "")
				if r.state == cellValue {
					r = evalResult{state: cellFrac, x: part.mp.valueFractionMax(r.x, part.share*maxPoints)}
				}
			} else {
				r = part.mp.evalDirect(ud.Values, year, part.share*maxPoints, &probs, ud.Code, "")
			}
			f := tr(l, "thiếu", "missing")
			if r.state == cellFrac {
				f = fmtLocal(r.x, l)
			}
			terms = append(terms, fmtLocal(part.share*100, l)+"% × "+f)
		}
		return tr(l, "tổng các phần: ", "sum of the parts: ") + strings.Join(terms, " + ")
	case MethodFormula:
		return tr(l, "công thức ", "formula ") + m.Formula.Text
	}
	return string(mp.kind)
}
