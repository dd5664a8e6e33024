package web

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/dti-platform/dti/assessment"
)

// Bounds of the upload stash.
const (
	// stashTTL is how long an uploaded file waits for its apply.
	stashTTL = time.Hour
	// stashMax is how many files the stash keeps at once (the oldest go
	// first); with the upload limit this bounds its disk use.
	stashMax = 32
)

// importStash keeps uploaded import files (and index texts of a period
// migration) between the preview and the apply, in a private temporary
// directory, under a random id and for the user who uploaded them only.
// The file is read and checked again on apply: the preview is never
// trusted. The zero value is ready to use; the directory is made on first
// use and removed by close.
type importStash struct {
	mu    sync.Mutex
	dir   string
	items map[string]*stashed
	// applying serializes applies in this process: a second click or a
	// second admin waits, then previews against what the first wrote.
	applying sync.Mutex
}

// stashed describes one kept file.
type stashed struct {
	ID     string
	Kind   string // units, users, values, index
	UserID int64
	Name   string // the uploaded file name
	At     time.Time
	// PeriodID and Source belong to value imports and migrations.
	PeriodID int64
	Source   string
}

// put keeps data for it (ID set here) and drops expired and surplus files.
func (st *importStash) put(now time.Time, it *stashed, data []byte) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.dir == "" {
		dir, err := os.MkdirTemp("", "dti-uploads-")
		if err != nil {
			return err
		}
		st.dir, st.items = dir, map[string]*stashed{}
	}
	st.sweepLocked(now)
	for len(st.items) >= stashMax {
		oldest := st.sortedLocked()[0]
		st.dropLocked(oldest.ID)
	}
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return err
	}
	it.ID, it.At = hex.EncodeToString(b[:]), now
	if err := os.WriteFile(filepath.Join(st.dir, it.ID), data, 0o600); err != nil {
		return err
	}
	st.items[it.ID] = it
	return nil
}

// get returns the file kept under id for userID; ErrNotFound when there
// is none, it expired, it is of another kind or another user's.
func (st *importStash) get(now time.Time, id, kind string, userID int64) (*stashed, []byte, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.sweepLocked(now)
	it := st.items[id]
	if it == nil || it.UserID != userID || it.Kind != kind {
		return nil, nil, assessment.ErrNotFound
	}
	data, err := os.ReadFile(filepath.Join(st.dir, id))
	if err != nil {
		st.dropLocked(id)
		return nil, nil, assessment.ErrNotFound
	}
	cp := *it
	return &cp, data, nil
}

// drop forgets a file (after its apply).
func (st *importStash) drop(id string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.dropLocked(id)
}

// close removes every kept file.
func (st *importStash) close() error {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.dir == "" {
		return nil
	}
	err := os.RemoveAll(st.dir)
	st.dir, st.items = "", nil
	return err
}

func (st *importStash) dropLocked(id string) {
	if st.items[id] == nil {
		return
	}
	delete(st.items, id)
	_ = os.Remove(filepath.Join(st.dir, id))
}

func (st *importStash) sweepLocked(now time.Time) {
	for id, it := range st.items {
		if now.Sub(it.At) > stashTTL || now.Before(it.At.Add(-time.Minute)) {
			st.dropLocked(id)
		}
	}
}

// sortedLocked returns the items oldest first.
func (st *importStash) sortedLocked() []*stashed {
	out := make([]*stashed, 0, len(st.items))
	for _, it := range st.items {
		out = append(out, it)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].At.Equal(out[j].At) {
			return out[i].At.Before(out[j].At)
		}
		return out[i].ID < out[j].ID
	})
	return out
}
