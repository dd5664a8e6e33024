package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/scoring"
)

// BenchmarkAPIResults answers the published results of a period of 3,500
// units (pillars and every group of the test index) to a dashboard's
// token: authentication, rate limit, snapshot cache, JSON.
func BenchmarkAPIResults(b *testing.B) {
	s, fx := newFixtureServer(b, func(c *Config) { c.APIRequestsPerMinute = 1 << 30 })
	res := benchResults(3500)
	nodes := len(fx.ix.AllNodes())
	for i := range res.Units {
		u := &res.Units[i]
		for j := 0; j < nodes; j++ {
			u.Nodes = append(u.Nodes, scoring.NodeResult{Applicable: true, Value: u.Value, Points: u.Value * 10, MaxPoints: 10})
		}
	}
	fx.publish(b, "B-2025", 2025, true, res)
	tok := fx.token(b, "viewer")
	h := s.App().Handler()
	hdr := map[string]string{"Authorization": "Bearer " + tok}
	st, body := serveFast(h, "GET", "/api/v1/periods/B-2025/results", nil, hdr)
	if st != http.StatusOK {
		b.Fatalf("status %d: %.200s", st, body)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if st, _ := serveFast(h, "GET", "/api/v1/periods/B-2025/results", nil, hdr); st != http.StatusOK {
			b.Fatalf("status %d", st)
		}
	}
}

// BenchmarkAPIPushValues pushes 2,000 values (two inputs of 1,000 units)
// in one request: parse, check against the index as the import does,
// compare with the stored values, write all in one transaction. Every
// push changes every value.
func BenchmarkAPIPushValues(b *testing.B) {
	s, fx := newFixtureServer(b, func(c *Config) { c.APIRequestsPerMinute = 1 << 30 })
	ctx := context.Background()
	const units = 1000
	for i := range units {
		u := &assessment.Unit{Code: fmt.Sprintf("B%04d", i), NameVI: fmt.Sprintf("Đơn vị %d", i), Type: "department", Active: true}
		if err := fx.store.CreateUnit(ctx, assessment.SystemActor, u); err != nil {
			b.Fatal(err)
		}
	}
	bodies := make([][]byte, 2)
	for k := range bodies {
		var vals []map[string]any
		for i := range units {
			code := fmt.Sprintf("B%04d", i)
			vals = append(vals,
				map[string]any{"unit": code, "indicator": "NT.02", "input": "meetings", "value": 3 + k},
				map[string]any{"unit": code, "indicator": "NT.03", "input": "online", "value": 50.5 + float64(k)})
		}
		bodies[k], _ = json.Marshal(map[string]any{"values": vals})
	}
	tok := fx.token(b, "admin")
	h := s.App().Handler()
	hdr := map[string]string{"Authorization": "Bearer " + tok, "Content-Type": "application/json"}
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for b.Loop() {
		if st, body := serveFast(h, "PUT", "/api/v1/periods/DTI-2025/values", bodies[n%2], hdr); st != http.StatusOK {
			b.Fatalf("status %d: %.300s", st, body)
		}
		n++
	}
}
