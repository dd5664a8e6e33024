package web

import (
	"context"
	"fmt"
	"sync"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/scoring"
)

// indexCache keeps the parsed index of each pinned version by its hash:
// parsing a large index on every request would dominate the page time.
type indexCache struct {
	mu sync.Mutex
	m  map[string]*scoring.Index
}

// periodIndex returns the index pinned to period p, parsed once.
func (s *Server) periodIndex(ctx context.Context, p *assessment.Period) (*scoring.Index, error) {
	if ix := s.cfg.Index; ix != nil && ix.Hash == p.IndexHash {
		return ix, nil
	}
	c := &s.indexes
	c.mu.Lock()
	ix := c.m[p.IndexHash]
	c.mu.Unlock()
	if ix != nil {
		return ix, nil
	}
	src := p.IndexSource
	if len(src) == 0 {
		// Period lists come without the index text.
		full, err := s.cfg.Store.FindPeriodByID(ctx, p.ID)
		if err != nil {
			return nil, err
		}
		src = full.IndexSource
	}
	ix, err := scoring.ParseIndex(src)
	if err != nil {
		return nil, fmt.Errorf("period %s: pinned index: %w", p.Code, err)
	}
	c.mu.Lock()
	if c.m == nil {
		c.m = make(map[string]*scoring.Index)
	}
	c.m[p.IndexHash] = ix
	c.mu.Unlock()
	return ix, nil
}
