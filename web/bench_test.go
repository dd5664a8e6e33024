package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"github.com/valyala/fasthttp"

	"github.com/dti-platform/dti/scoring"
)

// benchResults makes a published-size ranking: n units over the fixture's
// two blocks, with pillar values and bands.
func benchResults(n int) *scoring.Results {
	res := &scoring.Results{}
	for i := 0; i < n; i++ {
		block, typ := "SO", "department"
		if i%3 == 0 {
			block, typ = "HUYEN", "district"
		}
		v := float64(n-i) / float64(n+1)
		res.Units = append(res.Units, scoring.UnitResult{
			Code: fmt.Sprintf("U%04d", i), Name: fmt.Sprintf("Đơn vị số %d", i), Type: typ, Block: block,
			Value: v, Points: v * 100, Rank: i/3 + 1, Band: []string{"A", "B", "C"}[i%3],
			Pillars: []scoring.NodeResult{{Code: "CQS", Applicable: true, Value: v}, {Code: "KTS", Applicable: true, Value: v / 2}},
		})
	}
	return res
}

// serveFast sends one request straight to the fiber handler, without a
// network connection, and returns the status.
func serveFast(h fasthttp.RequestHandler, method, uri string, body []byte, headers map[string]string) (int, []byte) {
	var ctx fasthttp.RequestCtx
	ctx.Request.Header.SetMethod(method)
	ctx.Request.SetRequestURI(uri)
	for k, v := range headers {
		ctx.Request.Header.Set(k, v)
	}
	if body != nil {
		ctx.Request.SetBody(body)
	}
	h(&ctx)
	return ctx.Response.StatusCode(), ctx.Response.Body()
}

// BenchmarkRankingPage renders the public ranking page of a published
// period of 150 units with the previous period's changes.
func BenchmarkRankingPage(b *testing.B) {
	s, fx := newFixtureServer(b)
	res := benchResults(150)
	fx.publish(b, "B-2024", 2024, true, res)
	fx.publish(b, "B-2025", 2025, true, res)
	h := s.App().Handler()
	if st, body := serveFast(h, "GET", "/results/B-2025", nil, nil); st != http.StatusOK {
		b.Fatalf("status %d: %.200s", st, body)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if st, _ := serveFast(h, "GET", "/results/B-2025", nil, nil); st != http.StatusOK {
			b.Fatalf("status %d", st)
		}
	}
}

// BenchmarkRankingPage_Parallel is the same page requested by many
// clients at once (GOMAXPROCS × -cpu goroutines), as a public results page
// is read on publication day.
func BenchmarkRankingPage_Parallel(b *testing.B) {
	s, fx := newFixtureServer(b)
	res := benchResults(150)
	fx.publish(b, "B-2024", 2024, true, res)
	fx.publish(b, "B-2025", 2025, true, res)
	h := s.App().Handler()
	if st, body := serveFast(h, "GET", "/results/B-2025", nil, nil); st != http.StatusOK {
		b.Fatalf("status %d: %.200s", st, body)
	}
	b.SetParallelism(32) // 64 clients on 2 cores
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if st, _ := serveFast(h, "GET", "/results/B-2025", nil, nil); st != http.StatusOK {
				b.Errorf("status %d", st)
				return
			}
		}
	})
}

// BenchmarkAutosave saves one changed value of a unit's form, as form.js
// does after each edit: session, access check, parse, store transaction,
// provisional score.
func BenchmarkAutosave(b *testing.B) {
	s, fx := newFixtureServer(b)
	ck := fx.signIn(b, "editor.tc")
	h := s.App().Handler()
	headers := map[string]string{"Cookie": cookieSession + "=" + ck.Value, csrfHeader: "csrf-editor.tc",
		"Content-Type": "application/json", "Accept": "application/json"}
	if st, _ := serveFast(h, "GET", tcForm, nil, headers); st != http.StatusOK {
		b.Fatalf("form: %d", st)
	}
	version := fx.submission(b, "SO-TC").Version
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		i++
		body, _ := json.Marshal(map[string]any{"version": version, "values": map[string]any{"v|NT.02|meetings": strconv.Itoa(i)}})
		st, out := serveFast(h, "POST", tcForm+"/values", body, headers)
		if st != http.StatusOK {
			b.Fatalf("save %d: %d %s", i, st, out)
		}
		var r struct{ Version int64 }
		json.Unmarshal(out, &r)
		version = r.Version
	}
}
