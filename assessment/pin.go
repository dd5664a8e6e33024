package assessment

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"

	"github.com/dti-platform/dti/scoring"
)

// This file pins an index version to a period: the period keeps the full
// YAML text and its hash, so editing indicators.yaml later never changes a
// period under way or published (ARCHITECTURE §2.1).

// PinIndex validates an index file and returns what a period pins (code,
// version, sha256 and the text itself) with the parsed index. An invalid
// file gives a *ValidationError (ErrInvalid) with one field per problem,
// named "index:LINE:COL" (or "index"), whose messages carry the line.
func PinIndex(src []byte) (PinnedIndex, *scoring.Index, error) {
	ix, err := scoring.ParseIndex(src)
	if err != nil {
		return PinnedIndex{}, nil, indexError(err)
	}
	sum := sha256.Sum256(src)
	pin := PinnedIndex{
		Code:    ix.Code,
		Version: ix.Version,
		Hash:    hex.EncodeToString(sum[:]),
		Source:  bytes.Clone(src),
	}
	return pin, ix, nil
}

// indexError turns a parse error into a *ValidationError.
func indexError(err error) error {
	var ve *scoring.ValidationError
	if !errors.As(err, &ve) {
		return fmt.Errorf("%w: index: %w", ErrInvalid, err)
	}
	v := &ValidationError{}
	for _, p := range ve.Problems {
		field := "index"
		if p.Pos.Line > 0 {
			field = fmt.Sprintf("index:%d:%d", p.Pos.Line, p.Pos.Col)
		}
		vi := render("index.problem", "vi", []any{p.String()})
		en := render("index.problem", "en", []any{p.String()})
		v.Add(field, vi, en)
	}
	if len(v.Fields) == 0 {
		v.Add("index", err.Error(), err.Error())
	}
	return v
}

// PeriodIndex parses the index pinned to period p and checks that the text
// still has the pinned hash (a changed text means a corrupted or tampered
// database). Errors match ErrInvalid.
func PeriodIndex(p *Period) (*scoring.Index, error) {
	if len(p.IndexSource) == 0 {
		return nil, ruleError(ErrInvalid, "period.no_index")
	}
	sum := sha256.Sum256(p.IndexSource)
	if got := hex.EncodeToString(sum[:]); got != p.IndexHash {
		return nil, ruleError(ErrInvalid, "index.hash", p.Code, p.IndexHash, got)
	}
	ix, err := scoring.ParseIndex(p.IndexSource)
	if err != nil {
		return nil, indexError(err)
	}
	return ix, nil
}

// IndexCache keeps parsed pinned indexes by hash, so a server parses each
// index version once. It is safe for concurrent use.
type IndexCache struct {
	mu sync.Mutex
	m  map[string]*scoring.Index
}

// Get returns the index pinned to p, parsing it on first use (see
// PeriodIndex). Periods that share an index version share the value,
// which callers must not modify.
func (c *IndexCache) Get(p *Period) (*scoring.Index, error) {
	c.mu.Lock()
	ix := c.m[p.IndexHash]
	c.mu.Unlock()
	if ix != nil {
		return ix, nil
	}
	if len(p.IndexSource) == 0 {
		return nil, ruleError(ErrInvalid, "period.no_index")
	}
	ix, err := PeriodIndex(p)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[string]*scoring.Index)
	}
	if old := c.m[p.IndexHash]; old != nil {
		return old, nil
	}
	c.m[p.IndexHash] = ix
	return ix, nil
}
