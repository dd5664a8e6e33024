package sqlite

import (
	"math"
	"strconv"
	"testing"
)

// FuzzPack checks that packing and unpacking gives back every value,
// whatever the text holds (separators, colons, digits, invalid UTF-8).
func FuzzPack(f *testing.F) {
	f.Add("A.1", "x", "12.5", 12.5, true, "B", "y", "đầu:mối\x1f5:x", 0.0, false)
	f.Add("A", "b", "", 0.1, true, "A", "c", "", math.Inf(1), true)
	f.Fuzz(func(t *testing.T, ind1, in1, text1 string, num1 float64, hasNum1 bool, ind2, in2, text2 string, num2 float64, hasNum2 bool) {
		for _, s := range []string{ind1, in1, ind2, in2} {
			for i := 0; i < len(s); i++ {
				if s[i] == us {
					t.Skip("codes cannot hold the separator")
				}
			}
		}
		if math.IsNaN(num1) || math.IsNaN(num2) {
			t.Skip("NaN is never stored")
		}
		rows := map[[2]string]valueRow{}
		add := func(ind, in, text string, num float64, hasNum bool) {
			r := valueRow{text: text}
			if hasNum {
				r.num = &num
			}
			rows[[2]string{ind, in}] = r
		}
		add(ind1, in1, text1, num1, hasNum1)
		add(ind2, in2, text2, num2, hasNum2)
		p := packValues(rows)
		got := 0
		for len(p) > 0 {
			v, rest, err := nextPacked(p)
			if err != nil {
				t.Fatalf("nextPacked: %v", err)
			}
			p = rest
			want, ok := rows[[2]string{string(v.indicator), string(v.input)}]
			if !ok || string(v.text) != want.text || (len(v.num) > 0) != (want.num != nil) {
				t.Fatalf("decoded %q/%q = %q %q; want %+v", v.indicator, v.input, v.num, v.text, want)
			}
			if want.num != nil {
				if n, err := strconv.ParseFloat(string(v.num), 64); err != nil || n != *want.num {
					t.Fatalf("decoded number %q = %v, %v; want %v", v.num, n, err, *want.num)
				}
			}
			got++
		}
		if got != len(rows) {
			t.Fatalf("decoded %d values; want %d", got, len(rows))
		}
	})
}
