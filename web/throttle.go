package web

import (
	"sync"
	"time"
)

// limiter is an in-memory token bucket per key (an account name, an IP
// address). Each attempt takes a token; tokens come back at a steady rate
// up to the burst. It is per process: behind a load balancer each instance
// throttles on its own, which still bounds guessing.
type limiter struct {
	mu      sync.Mutex
	rate    float64 // tokens per second
	burst   float64
	now     func() time.Time
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

// maxBuckets bounds the memory an attacker can make us hold by trying
// many names; past it, buckets that have refilled are dropped.
const maxBuckets = 100_000

func newLimiter(burst int, every time.Duration, now func() time.Time) *limiter {
	return &limiter{
		rate:    1 / every.Seconds(),
		burst:   float64(burst),
		now:     now,
		buckets: make(map[string]*bucket),
	}
}

// allow takes a token for key and reports whether there was one. When
// there was not, it returns how long until the next token.
func (l *limiter) allow(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.refill(key, now)
	if b.tokens < 1 {
		wait := time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
		return false, wait
	}
	b.tokens--
	return true, 0
}

// refund gives back a token taken by allow for an attempt that turned out
// not to count (a correct password), up to the burst.
func (l *limiter) refund(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.refill(key, l.now())
	b.tokens = min(l.burst, b.tokens+1)
}

// reset gives key a full bucket again (after a successful sign-in).
func (l *limiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.buckets, key)
}

func (l *limiter) refill(key string, now time.Time) *bucket {
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= maxBuckets {
			l.sweep(now)
		}
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
		return b
	}
	if el := now.Sub(b.at).Seconds(); el > 0 {
		b.tokens = min(l.burst, b.tokens+el*l.rate)
		b.at = now
	}
	return b
}

// sweep drops the buckets that are full again: forgetting them changes
// nothing.
func (l *limiter) sweep(now time.Time) {
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.at).Seconds()*l.rate >= l.burst {
			delete(l.buckets, k)
		}
	}
}
