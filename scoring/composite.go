package scoring

// This file holds the composite-index steps that work on every peer's
// value at once: outlier treatment (winsorisation driven by skewness and
// kurtosis, with a log fallback, as COINr and the JRC COIN Tool do) and the
// peer-relative normalisations (best_in_block, minmax, zscore, rank,
// percentile).

import (
	"math"
	"sort"
)

// Treatment says what outlier treatment did to one peer group's values.
type Treatment string

const (
	TreatNone       Treatment = ""           // values left as they were
	TreatWinsorised Treatment = "winsorised" // extreme values pulled in
	TreatLog        Treatment = "log"        // log(x − min + 0.01 (max − min))
)

// skewKurt returns the sample skewness and excess kurtosis of xs as Excel's
// SKEW and KURT (e1071 type 2). With fewer than 4 values, or no spread,
// both are 0.
func skewKurt(xs []float64) (skew, kurt float64) {
	n := float64(len(xs))
	if len(xs) < 4 {
		return 0, 0
	}
	mean := 0.0
	for _, x := range xs {
		mean += x
	}
	mean /= n
	var m2, m3, m4 float64
	for _, x := range xs {
		d := x - mean
		d2 := d * d
		m2 += d2
		m3 += d2 * d
		m4 += d2 * d2
	}
	if m2 == 0 {
		return 0, 0
	}
	s2 := m2 / (n - 1) // sample variance
	s := math.Sqrt(s2)
	skew = n / ((n - 1) * (n - 2)) * (m3 / (s2 * s))
	kurt = n*(n+1)/((n-1)*(n-2)*(n-3))*(m4/(s2*s2)) - 3*(n-1)*(n-1)/((n-2)*(n-3))
	return skew, kurt
}

// outlierRule is an Outliers with its defaults filled in.
type outlierRule struct {
	on        bool
	maxSkew   float64
	maxKurt   float64
	maxPoints int
	log       bool
}

func newOutlierRule(o Outliers) outlierRule {
	r := outlierRule{on: o.Method == "winsorise" || o.Method == "winsorize", maxSkew: o.MaxSkew,
		maxKurt: o.MaxKurtosis, maxPoints: o.MaxPoints, log: o.Fallback == "log"}
	if r.maxSkew <= 0 {
		r.maxSkew = 2
	}
	if r.maxKurt <= 0 {
		r.maxKurt = 3.5
	}
	if r.maxPoints <= 0 {
		r.maxPoints = 5
	}
	return r
}

// outlying reports whether values need treatment: |skew| > maxSkew and
// kurtosis > maxKurt.
func (r outlierRule) outlying(xs []float64) (bool, float64) {
	sk, ku := skewKurt(xs)
	return math.Abs(sk) > r.maxSkew && ku > r.maxKurt, sk
}

// treat applies the outlier rule to xs in place (COINr's coin_treat with
// the CTlog fallback). While the values are outlying and fewer than
// maxPoints rounds were done, the most extreme value(s) on the side of the
// skew (ties together) are set to the next value in. If the values are
// still outlying after maxPoints rounds, the winsorisation is dropped and
// the untreated values are log-transformed: log(x − min + 0.01 (max − min)).
// scratch must have len(xs) capacity.
func (r outlierRule) treat(xs, scratch []float64) Treatment {
	if !r.on || len(xs) < 4 {
		return TreatNone
	}
	bad, sk := r.outlying(xs)
	if !bad {
		return TreatNone
	}
	w := append(scratch[:0], xs...)
	rounds := 0
	for bad && rounds < r.maxPoints {
		if sk >= 0 {
			hi := math.Inf(-1)
			for _, x := range w {
				hi = math.Max(hi, x)
			}
			next := math.Inf(-1)
			for _, x := range w {
				if x != hi {
					next = math.Max(next, x)
				}
			}
			if math.IsInf(next, -1) {
				break // one distinct value left: nothing to pull in
			}
			for i, x := range w {
				if x == hi {
					w[i] = next
				}
			}
		} else {
			lo := math.Inf(1)
			for _, x := range w {
				lo = math.Min(lo, x)
			}
			next := math.Inf(1)
			for _, x := range w {
				if x != lo {
					next = math.Min(next, x)
				}
			}
			if math.IsInf(next, 1) {
				break
			}
			for i, x := range w {
				if x == lo {
					w[i] = next
				}
			}
		}
		rounds++
		if allEqual(w) {
			// COINr refuses to winsorise down to a single value: the
			// treatment has failed.
			bad = true
			break
		}
		bad, sk = r.outlying(w)
	}
	if !bad {
		copy(xs, w)
		return TreatWinsorised
	}
	if !r.log {
		return TreatNone
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, x := range xs {
		lo = math.Min(lo, x)
		hi = math.Max(hi, x)
	}
	shift := 0.01 * (hi - lo)
	for i, x := range xs {
		xs[i] = math.Log(x - lo + shift)
	}
	return TreatLog
}

func allEqual(xs []float64) bool {
	for _, x := range xs {
		if x != xs[0] {
			return false
		}
	}
	return true
}

// peerStats are the statistics of one peer group a peer method needs.
type peerStats struct {
	n        int
	min, max float64
	mean, sd float64
	sorted   []float64 // rank and percentile
}

// newPeerStats computes the statistics of xs (the peers' values) that kind
// needs; sorted reuses buf.
func newPeerStats(kind MethodKind, xs []float64, buf []float64) peerStats {
	st := peerStats{n: len(xs), min: math.Inf(1), max: math.Inf(-1)}
	if len(xs) == 0 {
		return st
	}
	sum := 0.0
	for _, x := range xs {
		if x < st.min {
			st.min = x
		}
		if x > st.max {
			st.max = x
		}
		sum += x
	}
	st.mean = sum / float64(len(xs))
	switch kind {
	case MethodZScore:
		if len(xs) > 1 {
			ss := 0.0
			for _, x := range xs {
				d := x - st.mean
				ss += d * d
			}
			st.sd = math.Sqrt(ss / float64(len(xs)-1))
		}
	case MethodRank, MethodPercentile:
		st.sorted = append(buf[:0], xs...)
		sort.Float64s(st.sorted)
	}
	return st
}

// peerFraction scores v against its peers' statistics.
//
//   - best_in_block: v ÷ the best value (lower is better: best ÷ v); a best
//     of 0 or less scores 0 (lower is better: a value of 0 is the best and
//     scores 1).
//   - minmax: (v − min) ÷ (max − min), reversed when lower is better; with
//     fixed goalposts, against them and clamped; when every peer has the
//     same value each scores 1 (nobody is behind).
//   - zscore: z = (v − mean) ÷ sd (sample sd) mapped to 0..1 by the normal
//     CDF, so the mean scores 0.5; with one peer or no spread, 0.5.
//   - rank: (n − rank) ÷ (n − 1), rank 1 the best, ties sharing the best
//     rank; a single peer scores 1.
//   - percentile: (peers strictly worse + ½ other peers with the same
//     value) ÷ (n − 1); a single peer scores 1, all equal 0.5.
func (mp *methodPlan) peerFraction(v float64, st *peerStats) float64 {
	lower := mp.m.LowerIsBetter
	switch mp.kind {
	case MethodBestInBlock:
		if lower {
			if v <= 0 {
				if st.min >= v {
					return 1
				}
				return 0
			}
			if st.min <= 0 {
				return 0
			}
			return clamp01(st.min / v)
		}
		if st.max <= 0 {
			return 0
		}
		return clamp01(v / st.max)
	case MethodMinMax:
		lo, hi := st.min, st.max
		if g := mp.m.Goalposts; g != nil {
			lo, hi = g.Low, g.High
		}
		if hi == lo {
			if mp.m.Goalposts != nil {
				if (v >= hi) != lower {
					return 1
				}
				return 0
			}
			return 1
		}
		f := (v - lo) / (hi - lo)
		if lower {
			f = (hi - v) / (hi - lo)
		}
		return clamp01(f)
	case MethodZScore:
		if st.n < 2 || st.sd == 0 {
			return 0.5
		}
		z := (v - st.mean) / st.sd
		if lower {
			z = -z
		}
		return 0.5 * math.Erfc(-z/math.Sqrt2)
	case MethodRank:
		if st.n < 2 {
			return 1
		}
		below, equal := countAround(st.sorted, v)
		better := st.n - below - equal
		if lower {
			better = below
		}
		return float64(st.n-1-better) / float64(st.n-1)
	case MethodPercentile:
		if st.n < 2 {
			return 1
		}
		below, equal := countAround(st.sorted, v)
		worse := below
		if lower {
			worse = st.n - below - equal
		}
		return (float64(worse) + 0.5*float64(equal-1)) / float64(st.n-1)
	}
	return 0
}

// countAround returns how many values of sorted are below v and equal to v.
func countAround(sorted []float64, v float64) (below, equal int) {
	below = sort.SearchFloat64s(sorted, v)
	end := below
	for end < len(sorted) && sorted[end] == v {
		end++
	}
	return below, end - below
}
