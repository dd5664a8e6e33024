package scoring

import (
	"math"
	"testing"
)

// Expected skewness and kurtosis were computed independently with Excel's
// SKEW and KURT formulas.
func TestSkewKurt(t *testing.T) {
	for _, c := range []struct {
		xs         []float64
		skew, kurt float64
	}{
		{[]float64{1, 2, 3, 4, 10}, 1.697056274847714, 3.1519999999999992},
		{[]float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 100}, 3.118895745239087, 9.799244716163663},
		{[]float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 9}, -0.15146310708295874, -1.35698491155047},
		{[]float64{5, 5, 5, 5}, 0, 0},
		{[]float64{1, 2, 3}, 0, 0},
	} {
		sk, ku := skewKurt(c.xs)
		if !scNear(sk, c.skew, 1e-12) || !scNear(ku, c.kurt, 1e-12) {
			t.Errorf("skewKurt(%v) = %v, %v; want %v, %v", c.xs, sk, ku, c.skew, c.kurt)
		}
	}
}

func TestOutlierRule_Treat(t *testing.T) {
	ones := func(n int, tail ...float64) []float64 {
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = 1
		}
		return append(xs, tail...)
	}
	lg := func(x, lo, hi float64) float64 { return math.Log(x - lo + 0.01*(hi-lo)) }
	win := Outliers{Method: "winsorise", MaxSkew: 2, MaxKurtosis: 3.5, MaxPoints: 5, Fallback: "log"}
	cases := []struct {
		name string
		rule Outliers
		xs   []float64
		want []float64
		tr   Treatment
	}{
		{"normal data untouched", win, []float64{1, 2, 3, 4, 10}, []float64{1, 2, 3, 4, 10}, TreatNone},
		{"high outlier winsorised", win, []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 100}, []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 9}, TreatWinsorised},
		{"low outlier winsorised", win, []float64{-100, 1, 2, 3, 4, 5, 6, 7, 8, 9}, []float64{1, 1, 2, 3, 4, 5, 6, 7, 8, 9}, TreatWinsorised},
		{"two rounds are not enough: log of the untreated values",
			Outliers{Method: "winsorise", MaxSkew: 2, MaxKurtosis: 3.5, MaxPoints: 2, Fallback: "log"},
			ones(20, 50, 100, 200),
			append(func() []float64 {
				xs := make([]float64, 20)
				for i := range xs {
					xs[i] = lg(1, 1, 200)
				}
				return xs
			}(), lg(50, 1, 200), lg(100, 1, 200), lg(200, 1, 200)), TreatLog},
		{"winsorising down to one value fails", win, ones(20, 50, 100, 200), nil, TreatLog},
		{"no fallback leaves the values", Outliers{Method: "winsorise", MaxPoints: 2, Fallback: "none"},
			ones(20, 50, 100, 200), ones(20, 50, 100, 200), TreatNone},
		{"method none", Outliers{Method: "none"}, []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 100}, []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 100}, TreatNone},
		{"fewer than four values", win, []float64{1, 1000, 2}, []float64{1, 1000, 2}, TreatNone},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			xs := append([]float64(nil), c.xs...)
			tr := newOutlierRule(c.rule).treat(xs, make([]float64, 0, len(xs)))
			if tr != c.tr {
				t.Errorf("treatment = %q; want %q", tr, c.tr)
			}
			for i := range c.want {
				if !scNear(xs[i], c.want[i], 1e-12) {
					t.Errorf("xs[%d] = %v; want %v", i, xs[i], c.want[i])
				}
			}
		})
	}
}
