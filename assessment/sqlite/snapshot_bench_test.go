package sqlite_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/scoring"
)

// bigResults returns results shaped like a period of units × nodes.
func bigResults(units, nodes int) scoring.Results {
	r := scoring.Results{IndexCode: "BIG", IndexHash: "h", Units: make([]scoring.UnitResult, units)}
	for i := range r.Units {
		u := &r.Units[i]
		u.Code, u.Name, u.Type, u.Block = fmt.Sprintf("U%04d", i), fmt.Sprintf("Đơn vị %d", i), "commune", "XA"
		u.Value, u.Points, u.Rank, u.Band = 0.6543, 654.3, i+1, "KHA"
		u.Nodes = make([]scoring.NodeResult, nodes)
		for j := range u.Nodes {
			u.Nodes[j] = scoring.NodeResult{Code: fmt.Sprintf("G%02d.%d", j/10, j%10), Applicable: true,
				Value: float64(j%7) / 7, Points: float64(j % 10), MaxPoints: 10}
		}
		u.Pillars = u.Nodes[:3:3]
	}
	return r
}

// BenchmarkSnapshot publishes and reads back the snapshot of a period of
// 3,500 units with 110 nodes each (self, appraised and final).
func BenchmarkSnapshot(b *testing.B) {
	ctx := context.Background()
	db, _ := MustOpen(b)
	p := &assessment.Period{Code: "BIG", Name: "Big", Year: 2025, Status: assessment.PeriodClosed,
		IndexCode: "BIG", IndexVersion: "1", IndexHash: "h", IndexSource: []byte("x")}
	if err := db.CreatePeriod(ctx, admin, p); err != nil {
		b.Fatal(err)
	}
	res := bigResults(3500, 110)
	snap := &assessment.Snapshot{Results: assessment.SnapshotResults{Self: res, Appraised: res, Final: res}}
	b.Run("publish", func(b *testing.B) {
		for b.Loop() {
			p2, err := db.PublishPeriod(ctx, admin, p.ID, p.Version, &assessment.Snapshot{Reason: "x", Results: snap.Results})
			if err != nil {
				b.Fatal(err)
			}
			p = p2
		}
	})
	b.Run("find", func(b *testing.B) {
		for b.Loop() {
			s, err := db.FindSnapshot(ctx, p.ID, 0)
			if err != nil || len(s.Results.Final.Units) != 3500 {
				b.Fatal(err)
			}
		}
	})
	var size int64
	db.QueryRowForTest("SELECT MAX(length(results)) FROM snapshots", &size)
	b.Logf("snapshot stored in %.1f MB", float64(size)/(1<<20))
}
