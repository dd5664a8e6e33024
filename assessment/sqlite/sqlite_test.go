package sqlite_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/assessment/sqlite"
)

// testNow is the pinned time of the test clock.
var testNow = time.Date(2026, 3, 15, 9, 30, 0, 0, time.UTC)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// MustOpen opens a fresh database in a temporary directory with a pinned
// clock and closes it when the test ends.
func MustOpen(tb testing.TB) (*sqlite.DB, *clock) {
	tb.Helper()
	c := &clock{t: testNow}
	db, err := sqlite.Open(filepath.Join(tb.TempDir(), "dti.db"), sqlite.WithClock(c.Now))
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return db, c
}

var admin = assessment.SystemActor

func TestOpen_MigratesAndReopens(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dti.db")
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	ctx := context.Background()
	v, err := db.SchemaVersion(ctx)
	if err != nil || v < 1 {
		t.Fatalf("SchemaVersion = %d, %v; want ≥ 1", v, err)
	}
	if err := db.CreateUnit(ctx, admin, &assessment.Unit{Code: "SO-TC", NameVI: "Sở Tài chính", Type: "department", Active: true}); err != nil {
		t.Fatalf("CreateUnit: %v", err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = sqlite.Open(path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db.Close()
	if v2, _ := db.SchemaVersion(ctx); v2 != v {
		t.Errorf("SchemaVersion after reopen = %d; want %d", v2, v)
	}
	if _, err := db.FindUnitByCode(ctx, "SO-TC"); err != nil {
		t.Errorf("FindUnitByCode after reopen: %v", err)
	}
}

func TestOpen_BadPath(t *testing.T) {
	for _, p := range []string{"", ":memory:", "a?b.db", filepath.Join(t.TempDir(), "missing-dir", "x", "dti.db")} {
		if db, err := sqlite.Open(p); err == nil {
			db.Close()
			t.Errorf("Open(%q) succeeded; want an error", p)
		}
	}
}

// isErr reports whether err matches want (nil matches nil only).
func isErr(err, want error) bool {
	if want == nil {
		return err == nil
	}
	return errors.Is(err, want)
}
