package scoring

// Benchmarks of the Monte Carlo uncertainty analysis on the synthetic
// period of bench_test.go (3,500 units × 100 indicators). Target: 1,000
// draws in ≤ 5 s on 2 cores:
//
//	go test -run '^$' -bench Uncertainty -benchtime 1x -cpu 2 ./scoring/

import "testing"

func benchmarkUncertainty(b *testing.B, draws int, cfg UncertaintyConfig) {
	ix, err := ParseIndex([]byte(benchIndexYAML()))
	if err != nil {
		b.Fatal(err)
	}
	ds := benchDataset(ix, 3500)
	cfg.Draws, cfg.Seed = draws, 1
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Uncertainty(ix, ds, cfg); err != nil {
			b.Fatal(err)
		}
	}
}

// Weights of every node drawn (the default).
func BenchmarkUncertainty_3500Units_1000Draws(b *testing.B) {
	benchmarkUncertainty(b, 1000, UncertaintyConfig{})
}

func BenchmarkUncertainty_3500Units_100Draws(b *testing.B) {
	benchmarkUncertainty(b, 100, UncertaintyConfig{})
}

// Weights, aggregation, two missing-data policies and two normalisations
// drawn: four scenarios scored before the draws.
func BenchmarkUncertainty_3500Units_1000Draws_AllChoices(b *testing.B) {
	benchmarkUncertainty(b, 1000, UncertaintyConfig{Aggregation: true,
		MissingPolicies: []MissingPolicy{MissingAsZero, MissingMean},
		Normalisations:  []MethodKind{MethodMinMax, MethodZScore}})
}
