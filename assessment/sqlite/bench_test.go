package sqlite_test

import (
	"context"
	"fmt"
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
			var wg sync.WaitGroup
			errs := make(chan error, writers)
			b.ResetTimer()
			start := time.Now()
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
						got, err := db.SaveValues(ctx, actor, assessment.ValueSave{SubmissionID: s.ID, Version: version, Changes: changes})
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
		})
	}
}
