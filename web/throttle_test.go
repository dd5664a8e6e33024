package web

import (
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newLimiter(3, time.Minute, func() time.Time { return now })
	steps := []struct {
		advance time.Duration
		key     string
		want    bool
	}{
		{0, "a", true},
		{0, "a", true},
		{0, "a", true},
		{0, "a", false}, // burst used
		{0, "b", true},  // other keys are independent
		{30 * time.Second, "a", false},
		{30 * time.Second, "a", true}, // one token back after a minute
		{0, "a", false},
		{10 * time.Minute, "a", true}, // refilled, capped at the burst
		{0, "a", true},
		{0, "a", true},
		{0, "a", false},
	}
	for i, s := range steps {
		now = now.Add(s.advance)
		if got, _ := l.allow(s.key); got != s.want {
			t.Fatalf("step %d: allow(%q) = %v; want %v", i, s.key, got, s.want)
		}
	}
	if _, wait := l.allow("a"); wait <= 0 || wait > time.Minute {
		t.Errorf("wait = %v; want within a minute", wait)
	}
	l.reset("a")
	if ok, _ := l.allow("a"); !ok {
		t.Error("after reset: refused")
	}
}

func TestLimiter_SweepKeepsEmptyBuckets(t *testing.T) {
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newLimiter(1, time.Hour, func() time.Time { return now })
	l.allow("victim")
	l.allow("idle")
	now = now.Add(2 * time.Hour)
	l.allow("victim")
	l.sweep(now)
	if _, ok := l.buckets["idle"]; ok {
		t.Error("a refilled bucket survived the sweep")
	}
	if _, ok := l.buckets["victim"]; !ok {
		t.Error("a spent bucket was swept: its owner could retry at once")
	}
}

func TestLimiter_Refund(t *testing.T) {
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	l := newLimiter(2, time.Hour, func() time.Time { return now })
	l.allow("a")
	l.allow("a")
	if ok, _ := l.allow("a"); ok {
		t.Fatal("burst of 2 allowed a third")
	}
	l.refund("a")
	if ok, _ := l.allow("a"); !ok {
		t.Error("refunded token not usable")
	}
	// Refunds never raise a bucket past its burst.
	l.refund("b")
	l.refund("b")
	for i, want := range []bool{true, true, false} {
		if ok, _ := l.allow("b"); ok != want {
			t.Errorf("after refunds to a full bucket, attempt %d: %v; want %v", i+1, ok, want)
		}
	}
}
