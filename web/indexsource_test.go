package web

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/dti-platform/dti/assessment"
)

// sourceCountingStore is the real store, counting the reads that return a
// period with its full index text.
type sourceCountingStore struct {
	assessment.Store
	full atomic.Int64
}

func (s *sourceCountingStore) FindPeriodByCode(ctx context.Context, code string) (*assessment.Period, error) {
	s.full.Add(1)
	return s.Store.FindPeriodByCode(ctx, code)
}

func (s *sourceCountingStore) FindPeriodByID(ctx context.Context, id int64) (*assessment.Period, error) {
	s.full.Add(1)
	return s.Store.FindPeriodByID(ctx, id)
}

// TestHotPathsSkipIndexSource: the form, its autosave and the ranking page
// read the period without its index text; the text is read once, when the
// parsed-index cache misses.
func TestHotPathsSkipIndexSource(t *testing.T) {
	var st *sourceCountingStore
	s, fx := newFixtureServer(t, func(c *Config) {
		st = &sourceCountingStore{Store: c.Store}
		c.Store = st
		// No default index: every period's index comes from the cache.
		c.Index = nil
	})
	cur, _ := testResults()
	fx.publish(t, "DTI-2024", 2024, true, cur)
	ed := fx.signIn(t, "editor.tc")
	steps := []struct {
		name string
		do   func() int
	}{
		{"form page", func() int { resp, _ := get(t, s, tcForm, ed); return resp.StatusCode }},
		{"autosave", func() int {
			st, _ := saveJSON(t, s, ed, "csrf-editor.tc", tcForm+"/values", fx.submission(t, "SO-TC").Version, map[string]any{"v|NT.04|chair": "head"})
			return st
		}},
		{"autosave again", func() int {
			st, _ := saveJSON(t, s, ed, "csrf-editor.tc", tcForm+"/values", fx.submission(t, "SO-TC").Version, map[string]any{"v|NT.04|chair": "deputy"})
			return st
		}},
		{"ranking page", func() int { resp, _ := get(t, s, "/results/DTI-2024"); return resp.StatusCode }},
	}
	for i, step := range steps {
		if got := step.do(); got != http.StatusOK {
			t.Fatalf("%s: %d", step.name, got)
		}
		// The first request parses the index from its text; later ones
		// (the same pinned version) take it from the cache.
		if got := st.full.Load(); got != 1 {
			t.Errorf("after %s (request %d): %d reads of the index text; want 1", step.name, i+1, got)
		}
	}
}
