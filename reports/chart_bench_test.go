package reports

import (
	"io"
	"strconv"
	"testing"
)

// Charts are built per request; these show the cost for the largest
// blocks (a province's communes, or every commune of a national run).

func BenchmarkRankingChart(b *testing.B) {
	for _, n := range []int{100, 3500} {
		in := chartLongRanking(n)
		b.Run(strconv.Itoa(n)+"units", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := RankingChart(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkHeatmapChart(b *testing.B) {
	for _, n := range []int{100, 3500} {
		in := ChartHeatmapInput{Name: "bench", Title: "t"}
		for g := 0; g < 9; g++ {
			in.Groups = append(in.Groups, "G"+strconv.Itoa(g))
		}
		for u := 0; u < n; u++ {
			in.Units = append(in.Units, "Xã "+strconv.Itoa(u))
			row := make([]float64, 9)
			for g := range row {
				row[g] = float64((u*7+g*13)%100) / 100
			}
			in.Values = append(in.Values, row)
		}
		b.Run(strconv.Itoa(n)+"x9", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := HeatmapChart(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkChartEmbed(b *testing.B) {
	c, err := RankingChart(chartLongRanking(100))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ChartEmbed(c); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteChartHTML(b *testing.B) {
	c, err := RankingChart(chartLongRanking(100))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteChartHTML(io.Discard, c, ""); err != nil {
			b.Fatal(err)
		}
	}
}
