package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/web"
)

// Phases of a run.
const (
	phaseRanking  = "ranking"
	phaseAutosave = "autosave"
)

// Targets of docs/benchmarks.md (ARCHITECTURE.md §9).
const (
	targetRankingRate = 2000                   // requests/s at 64 clients
	targetRankingP99  = 50 * time.Millisecond  // at 64 clients
	targetSaveP99     = 100 * time.Millisecond // at 100 editors
)

// parsePhases reads the -phases list.
func parsePhases(s string) ([]string, error) {
	var out []string
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		switch p {
		case phaseRanking, phaseAutosave:
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		default:
			return nil, fmt.Errorf("%q is not ranking or autosave", p)
		}
	}
	return out, nil
}

// phaseResult is what one phase measured.
type phaseResult struct {
	Name    string
	Clients int
	Elapsed time.Duration
	// Latencies of the answered requests, sorted.
	Latencies []time.Duration
	// Errors counts requests without the expected answer (transport
	// failures, unexpected statuses); FirstError describes the first.
	Errors     int
	FirstError string
	// Conflicts counts saves refused because the version was stale (409).
	Conflicts int
	// Verified says the saves were checked against the database; Lost
	// counts acknowledged saves missing from it.
	Verified bool
	Lost     int
}

// Rate is the number of answered requests per second.
func (r phaseResult) Rate() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(len(r.Latencies)) / r.Elapsed.Seconds()
}

// Percentile returns the nearest-rank percentile p (0..100) of the
// latencies, 0 without any.
func (r phaseResult) Percentile(p float64) time.Duration {
	n := len(r.Latencies)
	if n == 0 {
		return 0
	}
	i := int(float64(n)*p/100+0.999999) - 1
	return r.Latencies[min(max(i, 0), n-1)]
}

// recorder collects one worker's measurements without locking.
type recorder struct {
	lat        []time.Duration
	errors     int
	firstError string
}

func (rc *recorder) fail(format string, a ...any) {
	rc.errors++
	if rc.firstError == "" {
		rc.firstError = fmt.Sprintf(format, a...)
	}
}

// merge combines the workers' measurements into a result.
func merge(name string, clients int, elapsed time.Duration, recs []*recorder) phaseResult {
	r := phaseResult{Name: name, Clients: clients, Elapsed: elapsed}
	for _, rc := range recs {
		r.Latencies = append(r.Latencies, rc.lat...)
		r.Errors += rc.errors
		if r.FirstError == "" {
			r.FirstError = rc.firstError
		}
	}
	slices.Sort(r.Latencies)
	return r
}

// budget hands out at most n requests across the workers of a phase.
type budget struct{ left atomic.Int64 }

func newBudget(n int) *budget {
	b := &budget{}
	b.left.Store(int64(n))
	return b
}

func (b *budget) take() bool { return b.left.Add(-1) >= 0 }

// runRanking has cfg.Clients clients read the published ranking page in a
// loop for cfg.Duration.
func (env *loadEnv) runRanking(ctx context.Context, cfg config) phaseResult {
	url := env.base + "/results/" + env.published
	ctx, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()
	bud := newBudget(cfg.MaxRequests)
	recs := make([]*recorder, cfg.Clients)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range recs {
		rc := &recorder{}
		recs[i] = rc
		// Each client is one browser: it keeps the cookies it is given
		// (the visitor's CSRF cookie) over the shared connections.
		jar, _ := cookiejar.New(nil)
		client := *env.client
		client.Jar = jar
		wg.Go(func() {
			for ctx.Err() == nil && bud.take() {
				t0 := time.Now()
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
				req.Header.Set("Accept-Language", "vi")
				resp, err := client.Do(req)
				if err != nil {
					if ctx.Err() == nil {
						rc.fail("GET %s: %v", url, err)
					}
					continue
				}
				n, err := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				switch {
				case err != nil && ctx.Err() != nil:
					continue
				case err != nil:
					rc.fail("GET %s: reading the page: %v", url, err)
				case resp.StatusCode != http.StatusOK || n < 1000:
					rc.fail("GET %s: status %d, %d bytes", url, resp.StatusCode, n)
				default:
					rc.lat = append(rc.lat, time.Since(t0))
				}
			}
		})
	}
	wg.Wait()
	return merge(phaseRanking, cfg.Clients, time.Since(start), recs)
}

// saveAnswer is the part of an autosave answer the phase reads.
type saveAnswer struct {
	Version int64 `json:"version"`
}

// runAutosave has every editor save its own form in a loop for
// cfg.Duration, then checks the database for every acknowledged save.
func (env *loadEnv) runAutosave(ctx context.Context, cfg config) (phaseResult, error) {
	field := web.FieldName(env.field.Indicator, env.field.Input)
	runCtx, cancel := context.WithTimeout(ctx, cfg.Duration)
	defer cancel()
	bud := newBudget(cfg.MaxRequests)
	recs := make([]*recorder, len(env.editors))
	var wg sync.WaitGroup
	start := time.Now()
	for i, ed := range env.editors {
		rc := &recorder{}
		recs[i] = rc
		url := env.base + "/periods/" + env.current + "/units/" + ed.unitCode + "/form/values"
		seq := 0
		rng := rand.New(rand.NewPCG(uint64(i), 0x6c6f6164))
		wg.Go(func() {
			// Editors are not synchronised: each starts at a random point
			// of its first pause, and each pause varies by ±50%.
			if cfg.Think > 0 && !pause(runCtx, time.Duration(rng.Int64N(int64(cfg.Think)))) {
				return
			}
			for runCtx.Err() == nil && bud.take() {
				seq++
				// Distinct values, so each acknowledged one can be found
				// in the audit log.
				value := strconv.Itoa(seq % (env.field.Max + 1))
				body, _ := json.Marshal(map[string]any{"version": ed.version, "values": map[string]string{field: value}})
				// A save in flight when the phase ends still completes:
				// the editor's browser would not abandon it either.
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Accept", "application/json")
				req.Header.Set("X-CSRF-Token", ed.csrf)
				req.AddCookie(&http.Cookie{Name: sessionCookie, Value: ed.cookie})
				t0 := time.Now()
				resp, err := env.client.Do(req)
				if err != nil {
					rc.fail("POST %s: %v", url, err)
					continue
				}
				out, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				elapsed := time.Since(t0)
				var ans saveAnswer
				switch {
				case err != nil:
					rc.fail("POST %s: reading the answer: %v", url, err)
				case resp.StatusCode == http.StatusConflict:
					ed.conflicts++
					rc.lat = append(rc.lat, elapsed)
					sub, err := env.db.FindSubmissionByID(ctx, ed.subID)
					if err != nil {
						rc.fail("reloading form %s: %v", ed.unitCode, err)
						return
					}
					ed.version = sub.Version
				case resp.StatusCode != http.StatusOK:
					rc.fail("POST %s: status %d: %.200s", url, resp.StatusCode, out)
				case json.Unmarshal(out, &ans) != nil || ans.Version <= ed.version:
					rc.fail("POST %s: unexpected answer %.200s", url, out)
				default:
					rc.lat = append(rc.lat, elapsed)
					ed.version = ans.Version
					ed.acked = append(ed.acked, ack{value: value, version: ans.Version})
				}
				if cfg.Think > 0 {
					pause(runCtx, cfg.Think/2+time.Duration(rng.Int64N(int64(cfg.Think))))
				}
			}
		})
	}
	wg.Wait()
	r := merge(phaseAutosave, len(env.editors), time.Since(start), recs)
	for _, ed := range env.editors {
		r.Conflicts += ed.conflicts
	}
	lost, err := env.verifySaves(ctx)
	if err != nil {
		return r, fmt.Errorf("verifying the saves: %w", err)
	}
	r.Verified, r.Lost = true, lost
	return r, nil
}

// pause waits for d or until ctx is done; it reports whether d passed.
func pause(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// verifySaves counts the acknowledged saves the database does not hold:
// every acknowledged value must be in the audit log of the editor's form
// (the store writes the audit entry in the transaction of the save), and
// the stored value must be the last acknowledged one, written by the
// acknowledged version.
func (env *loadEnv) verifySaves(ctx context.Context) (int, error) {
	fieldKey := env.field.Indicator + "/" + env.field.Input
	lost := 0
	for _, ed := range env.editors {
		if len(ed.acked) == 0 {
			continue
		}
		audited := map[string]int{}
		unitID := ed.unitID
		for offset := 0; ; {
			entries, total, err := env.db.FindAudit(ctx, assessment.AuditFilter{UnitID: &unitID, Action: "value.",
				Entity: "submission", EntityID: &ed.subID, Offset: offset, Limit: 10000})
			if err != nil {
				return 0, err
			}
			for _, e := range entries {
				if e.Field == fieldKey {
					audited[e.To]++
				}
			}
			offset += len(entries)
			if len(entries) == 0 || offset >= total {
				break
			}
		}
		for _, a := range ed.acked {
			if audited[a.value] == 0 {
				lost++
				continue
			}
			audited[a.value]--
		}
		vals, err := env.db.FindValues(ctx, ed.subID)
		if err != nil {
			return 0, err
		}
		last := ed.acked[len(ed.acked)-1]
		found := false
		for _, v := range vals {
			if v.Indicator == env.field.Indicator && v.Input == env.field.Input {
				found = v.Text == last.value && v.Version == last.version
			}
		}
		if !found {
			lost++
		}
	}
	return lost, nil
}

// checkTargets lists the targets a run missed, in words.
func checkTargets(results []phaseResult) []string {
	var misses []string
	for _, r := range results {
		if r.Errors > 0 {
			misses = append(misses, fmt.Sprintf("%s: %d errors (first: %s)", r.Name, r.Errors, r.FirstError))
		}
		switch r.Name {
		case phaseRanking:
			if rate := r.Rate(); rate < targetRankingRate {
				misses = append(misses, fmt.Sprintf("ranking: %.0f requests/s < %d", rate, targetRankingRate))
			}
			if p := r.Percentile(99); p > targetRankingP99 || len(r.Latencies) == 0 {
				misses = append(misses, fmt.Sprintf("ranking: p99 %s > %s", ms(p), ms(targetRankingP99)))
			}
		case phaseAutosave:
			if p := r.Percentile(99); p > targetSaveP99 || len(r.Latencies) == 0 {
				misses = append(misses, fmt.Sprintf("autosave: p99 %s > %s", ms(p), ms(targetSaveP99)))
			}
			if !r.Verified {
				misses = append(misses, "autosave: the saves were not verified")
			}
			if r.Lost > 0 {
				misses = append(misses, fmt.Sprintf("autosave: %d acknowledged saves lost", r.Lost))
			}
		}
	}
	return misses
}

// writeTable prints the results, one row per phase.
func writeTable(w io.Writer, results []phaseResult) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "phase\tclients\trequests\tseconds\trequests/s\tp50\tp95\tp99\tmax\terrors\tconflicts\tlost\t")
	for _, r := range results {
		lost := "-"
		if r.Verified {
			lost = strconv.Itoa(r.Lost)
		}
		conflicts := "-"
		if r.Name == phaseAutosave {
			conflicts = strconv.Itoa(r.Conflicts)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f\t%.0f\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t\n", r.Name, r.Clients, len(r.Latencies),
			r.Elapsed.Seconds(), r.Rate(), ms(r.Percentile(50)), ms(r.Percentile(95)), ms(r.Percentile(99)),
			ms(r.Percentile(100)), r.Errors, conflicts, lost)
	}
	tw.Flush()
	for _, r := range results {
		if r.FirstError != "" {
			fmt.Fprintf(w, "%s: first error: %s\n", r.Name, r.FirstError)
		}
	}
}

// ms formats a duration in milliseconds with one decimal.
func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + " ms"
}
