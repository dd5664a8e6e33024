package sqlite_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dti-platform/dti/assessment"
)

// BenchmarkSaveValues measures form autosaves (5 inputs per save, each
// writer on its own submission, as editors fill their own unit's form)
// with 1, 8 and 100 concurrent writers. Each writer reads its version
// once and then keeps the version the store returns, like the form does.
func BenchmarkSaveValues(b *testing.B) {
	for _, writers := range []int{1, 8, 100} {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) {
			db, _ := MustOpen(b)
			_, subs := seedPeriod(b, db, writers)
			ctx := context.Background()
			var next atomic.Int64
			lat := make([]time.Duration, b.N+writers)
			var wg sync.WaitGroup
			errs := make(chan error, writers)
			b.ResetTimer()
			start, cpu0 := time.Now(), processCPU()
			for w := range writers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					s := subs[w]
					version := s.Version
					actor := assessment.Actor{ID: 0, Username: fmt.Sprintf("w%d", w)}
					for {
						i := next.Add(1)
						if i > int64(b.N) {
							return
						}
						changes := make([]assessment.ValueChange, 5)
						for k := range changes {
							changes[k] = num("IND.01", fmt.Sprintf("in%d", k), float64(i))
						}
						t0 := time.Now()
						got, err := db.SaveValues(ctx, actor, assessment.ValueSave{SubmissionID: s.ID, Version: version, Changes: changes})
						lat[i-1] = time.Since(t0)
						if err != nil {
							errs <- err
							return
						}
						version = got.Version
					}
				}()
			}
			wg.Wait()
			elapsed := time.Since(start)
			close(errs)
			for err := range errs {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "saves/s")
			lat = lat[:b.N]
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
			// CPU time is steadier than wall time on a shared machine.
			b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/float64(b.N), "cpu-µs/save")
		})
	}
}

// BenchmarkReads measures the reads behind every page: the session of the
// request, and a form's submission and values (100 inputs), with parallel
// readers.
func BenchmarkReads(b *testing.B) {
	f := newFixture(b)
	ctx := context.Background()
	_, sid, _ := assessment.NewSecret("")
	if err := f.db.CreateSession(ctx, &assessment.Session{ID: sid, UserID: f.editor.ID, CSRFToken: "c", ExpiresAt: testNow.Add(time.Hour)}); err != nil {
		b.Fatal(err)
	}
	changes := make([]assessment.ValueChange, 100)
	for i := range changes {
		changes[i] = num(fmt.Sprintf("IND.%02d", i), "v", float64(i))
	}
	if _, err := f.db.SaveValues(ctx, f.editorActor(), assessment.ValueSave{SubmissionID: f.sub.ID, Version: f.sub.Version, Changes: changes}); err != nil {
		b.Fatal(err)
	}
	b.Run("session", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := f.db.FindSession(ctx, sid); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
	b.Run("form", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := f.db.FindSubmissionByID(ctx, f.sub.ID); err != nil {
					b.Error(err)
					return
				}
				if vals, err := f.db.FindValues(ctx, f.sub.ID); err != nil || len(vals) != 100 {
					b.Error(err)
					return
				}
			}
		})
	})
}
