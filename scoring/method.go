package scoring

// This file holds the scoring methods that score one unit alone: boolean,
// choice, ratio, survey_scale, deadline, sum_of_parts, formula, and the
// value-based percent, tiers and count_capped. Every method gives a fraction
// of the max points in 0..1 (docs/index-format.md lists their keys).

import (
	"fmt"
	"math"
	"strings"
)

// cellState is the state of one unit's indicator while it is scored.
type cellState uint8

const (
	cellNA      cellState = iota // not applicable: removed from the max
	cellMissing                  // no value: the missing-data policy decides
	cellValue                    // a value waiting for its method (value-based methods)
	cellFrac                     // a final fraction
)

// evalResult is what evaluating a method or a value for one unit gives.
type evalResult struct {
	state cellState
	x     float64 // the value (cellValue) or the fraction (cellFrac)
	// note explains a fixed outcome (zero denominator, missing responses)
	// for explanations; "" otherwise.
	note string
}

// slotValue returns the value in a slot, the zero Value when the slot is
// beyond the unit's values.
func slotValue(vals []Value, slot int) Value {
	if slot < 0 || slot >= len(vals) {
		return Value{}
	}
	return vals[slot]
}

// clamp01 limits a fraction to 0..1 (NaN becomes 0).
func clamp01(f float64) float64 {
	switch {
	case f > 1:
		return 1
	case f >= 0:
		return f
	}
	return 0
}

// evalValue evaluates a value-based method's quantity for one unit.
func (vp *valuePlan) eval(vals []Value, probs *problemList, unit, ind string) evalResult {
	switch vp.kind {
	case valInput:
		v := slotValue(vals, vp.slot)
		if !v.Set {
			return evalResult{state: cellMissing}
		}
		return evalResult{state: cellValue, x: v.Num}
	case valRatio:
		a, b := slotValue(vals, vp.slotA), slotValue(vals, vp.slotB)
		if !a.Set || !b.Set {
			return evalResult{state: cellMissing}
		}
		if b.Num == 0 {
			return zeroDivision(vp.zeroDiv)
		}
		return evalResult{state: cellValue, x: a.Num / b.Num * vp.mult}
	case valFormula:
		x, ok := vp.formula.value(vals, probs, unit, ind)
		if !ok {
			return evalResult{state: cellMissing}
		}
		return evalResult{state: cellValue, x: x}
	}
	return evalResult{state: cellMissing}
}

// zeroDivision is the outcome of a ratio whose denominator is zero.
func zeroDivision(z ZeroDivision) evalResult {
	switch z {
	case ZeroDivFull:
		return evalResult{state: cellFrac, x: 1, note: "zero-full"}
	case ZeroDivNA:
		return evalResult{state: cellNA, note: "zero-na"}
	case ZeroDivMissing:
		return evalResult{state: cellMissing, note: "zero-missing"}
	}
	return evalResult{state: cellFrac, x: 0, note: "zero-zero"}
}

// evalDirect scores a method that needs no peers and no value stage.
func (mp *methodPlan) evalDirect(vals []Value, year int, maxPoints float64, probs *problemList, unit, ind string) evalResult {
	m := mp.m
	switch mp.kind {
	case MethodBoolean:
		v := slotValue(vals, mp.slot)
		if !v.Set {
			return evalResult{state: cellMissing}
		}
		f := 0.0
		if v.Num != 0 {
			f = 1
		}
		if m.LowerIsBetter {
			f = 1 - f
		}
		return evalResult{state: cellFrac, x: f}
	case MethodChoice:
		v := slotValue(vals, mp.slot)
		if !v.Set {
			return evalResult{state: cellMissing}
		}
		return mp.evalChoice(v.Text, probs, unit, ind)
	case MethodRatio:
		a, b := slotValue(vals, mp.numSlot), slotValue(vals, mp.denSlot)
		if !a.Set || !b.Set {
			return evalResult{state: cellMissing}
		}
		if b.Num == 0 {
			return zeroDivision(m.OnZeroDiv)
		}
		// a ÷ (b × target) rather than (a ÷ b) ÷ target: 12/20 against 0.8
		// gives exactly 0.75.
		f := clamp01(a.Num / (b.Num * mp.target))
		if m.LowerIsBetter {
			f = 1 - f
		}
		return evalResult{state: cellFrac, x: f}
	case MethodSurvey:
		v := slotValue(vals, mp.slot)
		if !v.Set {
			return evalResult{state: cellMissing}
		}
		if mp.countSlot >= 0 && m.MinCount > 0 {
			c := slotValue(vals, mp.countSlot)
			if !c.Set || c.Num < m.MinCount {
				return evalResult{state: cellMissing, note: "few-responses"}
			}
		}
		span := m.ScaleMax - m.ScaleMin
		if span == 0 {
			return evalResult{state: cellFrac, x: 1}
		}
		f := (v.Num - m.ScaleMin) / span
		if m.LowerIsBetter {
			f = 1 - f
		}
		return evalResult{state: cellFrac, x: clamp01(f)}
	case MethodDeadline:
		v := slotValue(vals, mp.slot)
		if !v.Set || v.Text == "" {
			return evalResult{state: cellMissing}
		}
		late, err := mp.daysLate(v.Text, year)
		if err != nil {
			probs.add(unit, ind, mp.inKey, err.Error())
			return evalResult{state: cellMissing}
		}
		return evalResult{state: cellFrac, x: mp.lateFraction(late)}
	case MethodSumOfParts:
		sum, got := 0.0, false
		for _, part := range mp.parts {
			var r evalResult
			if part.mp.usesValue {
				r = part.mp.val.eval(vals, probs, unit, ind)
				if r.state == cellValue {
					r = evalResult{state: cellFrac, x: part.mp.valueFractionMax(r.x, part.share*maxPoints)}
				}
			} else {
				r = part.mp.evalDirect(vals, year, part.share*maxPoints, probs, unit, ind)
			}
			if r.state == cellFrac {
				got = true
				sum += part.share * r.x
			}
		}
		if !got {
			return evalResult{state: cellMissing}
		}
		return evalResult{state: cellFrac, x: clamp01(sum)}
	case MethodFormula:
		x, ok := mp.formula.value(vals, probs, unit, ind)
		if !ok {
			return evalResult{state: cellMissing}
		}
		return evalResult{state: cellFrac, x: clamp01(x)}
	}
	return evalResult{state: cellMissing}
}

// targetFraction is min(1, v/target), or with lower is better
// 1 − min(1, v/target): the target is then the value that scores nothing.
func targetFraction(v, target float64, lowerIsBetter bool) float64 {
	f := clamp01(v / target)
	if lowerIsBetter {
		return 1 - f
	}
	return f
}

func (mp *methodPlan) evalChoice(text string, probs *problemList, unit, ind string) evalResult {
	if !mp.multi {
		f, ok := mp.choice(text, probs, unit, ind)
		if !ok {
			return evalResult{state: cellMissing}
		}
		return evalResult{state: cellFrac, x: clamp01(f)}
	}
	sum := 0.0
	for _, c := range strings.Split(text, ",") {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		f, ok := mp.choice(c, probs, unit, ind)
		if !ok {
			return evalResult{state: cellMissing}
		}
		sum += f
	}
	return evalResult{state: cellFrac, x: clamp01(sum)}
}

// choice returns the fraction of one chosen option (0 for a declared
// option the method does not score); ok is false, with the problem
// reported, when c is not one of the options.
func (mp *methodPlan) choice(c string, probs *problemList, unit, ind string) (float64, bool) {
	f, ok := mp.choices[c]
	if !ok && mp.options != nil && !mp.options[c] {
		probs.add(unit, ind, mp.inKey, fmt.Sprintf("%q is not one of the options", c))
		return 0, false
	}
	return f, true
}

// valueFractionMax scores a value with a method that needs no peers
// (percent, tiers, count_capped); maxPoints is the unit's max points, used
// by points_per_item.
func (mp *methodPlan) valueFractionMax(v, maxPoints float64) float64 {
	m := mp.m
	switch mp.kind {
	case MethodPercent:
		t := mp.target
		if t <= 0 {
			t = 100
		}
		return targetFraction(v, t, m.LowerIsBetter)
	case MethodTiers:
		for _, t := range m.Tiers {
			if t.Min != nil && v >= *t.Min {
				return clamp01(t.Fraction)
			}
			if t.Max != nil && v <= *t.Max {
				return clamp01(t.Fraction)
			}
		}
		return 0
	case MethodCountCapped:
		if v <= 0 {
			return 0
		}
		per := mp.perItem
		if mp.pointsPerItem > 0 {
			if maxPoints <= 0 {
				return 0
			}
			per = mp.pointsPerItem / maxPoints
		}
		return clamp01(math.Min(mp.cap, v*per))
	}
	return 0
}

// daysLate returns how many days after the due date of year a YYYY-MM-DD
// date is (negative: early).
func (mp *methodPlan) daysLate(date string, year int) (int, error) {
	d, err := civilDays(date)
	if err != nil {
		return 0, err
	}
	return d - daysFromCivil(year, mp.dueMonth, mp.dueDay), nil
}

// lateFraction gives the fraction of a delivery late days late: the first
// late tier whose Days bound it reaches; on time with no tiers is full.
func (mp *methodPlan) lateFraction(late int) float64 {
	if len(mp.m.LateTiers) == 0 {
		if late <= 0 {
			return 1
		}
		return 0
	}
	for _, t := range mp.m.LateTiers {
		if float64(late) <= t.Days {
			return clamp01(t.Fraction)
		}
	}
	return 0
}

// civilDays parses YYYY-MM-DD into days since 1970-01-01.
func civilDays(s string) (int, error) {
	bad := fmt.Errorf("%q is not a date (YYYY-MM-DD)", s)
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, bad
	}
	num := func(t string) int {
		n := 0
		for _, c := range t {
			if c < '0' || c > '9' {
				return -1
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	y, m, d := num(s[:4]), num(s[5:7]), num(s[8:])
	if y < 0 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return 0, bad
	}
	return daysFromCivil(y, m, d), nil
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil is Howard Hinnant's days_from_civil: days since 1970-01-01
// of a proleptic Gregorian date.
func daysFromCivil(y, m, d int) int {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// formulaPlan is a compiled formula with the slots of the inputs it uses.
type formulaPlan struct {
	f    *Formula
	vars []formulaVar
	env  map[string]any
}

type formulaVar struct {
	key  string
	slot int
	typ  InputType
}

func (p *scorePlan) newFormulaPlan(n *Node, f *Formula) (*formulaPlan, error) {
	fp := &formulaPlan{f: f, env: map[string]any{}}
	for _, k := range f.Inputs {
		slot, typ, err := p.inputOf(n, k)
		if err != nil {
			return nil, err
		}
		fp.vars = append(fp.vars, formulaVar{key: k, slot: slot, typ: typ})
	}
	return fp, nil
}

// value evaluates the formula for one unit; ok is false when an input it
// uses is missing or the formula fails, which is reported in probs.
func (fp *formulaPlan) value(vals []Value, probs *problemList, unit, ind string) (float64, bool) {
	x, ok, err := fp.run(vals)
	if err != nil {
		probs.add(unit, ind, "", err.Error())
		return 0, false
	}
	return x, ok
}

// run evaluates the formula for one unit; ok is false when an input it
// uses is missing.
func (fp *formulaPlan) run(vals []Value) (x float64, ok bool, err error) {
	for _, v := range fp.vars {
		val := slotValue(vals, v.slot)
		if !val.Set {
			return 0, false, nil
		}
		switch v.typ {
		case InputBoolean:
			fp.env[v.key] = val.Num != 0
		case InputChoice, InputDate, InputText, InputURL:
			fp.env[v.key] = val.Text
		case InputMultiChoice:
			list := []string{}
			for _, c := range strings.Split(val.Text, ",") {
				if c = strings.TrimSpace(c); c != "" {
					list = append(list, c)
				}
			}
			fp.env[v.key] = list
		default:
			fp.env[v.key] = val.Num
		}
	}
	x, err = fp.f.Eval(fp.env)
	if err != nil {
		return 0, false, err
	}
	if math.IsInf(x, 0) {
		return 0, false, nil
	}
	return x, true, nil
}
