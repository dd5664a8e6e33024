package web

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"

	"golang.org/x/net/html"

	"github.com/dti-platform/dti/assessment"
)

// reviewCountingStore is the real store, counting the per-form review
// reads.
type reviewCountingStore struct {
	assessment.Store
	perForm atomic.Int64
}

func (s *reviewCountingStore) FindReviews(ctx context.Context, submissionID int64) ([]*assessment.Review, error) {
	s.perForm.Add(1)
	return s.Store.FindReviews(ctx, submissionID)
}

// TestReviewQueue_DecidedCounts: the queue counts the decisions of each
// form's current round, read for all forms at once.
func TestReviewQueue_DecidedCounts(t *testing.T) {
	var st *reviewCountingStore
	s, fx := newFixtureServer(t, func(c *Config) {
		st = &reviewCountingStore{Store: c.Store}
		c.Store = st
	})
	ctx := context.Background()
	sys := assessment.SystemActor
	submit := func(unit string) *assessment.Submission {
		sub, err := fx.store.EnsureSubmission(ctx, sys, fx.period.ID, fx.units[unit].ID)
		if err != nil {
			t.Fatal(err)
		}
		sub, err = fx.store.TransitionSubmission(ctx, sys, assessment.Transition{SubmissionID: sub.ID, Version: sub.Version, To: assessment.SubmissionSubmitted})
		if err != nil {
			t.Fatal(err)
		}
		return sub
	}
	tc, yt := submit("SO-TC"), submit("SO-YT")
	inds := fx.ix.IndicatorsFor(fx.units["SO-TC"].Type)
	if len(inds) < 2 {
		t.Fatal("the fixture index needs two indicators")
	}
	for _, code := range []string{inds[0].Code, inds[1].Code} {
		if err := fx.store.SaveReview(ctx, sys, &assessment.Review{SubmissionID: tc.ID, Indicator: code, Decision: assessment.DecisionAccept}, nil); err != nil {
			t.Fatal(err)
		}
	}
	rv := fx.signIn(t, "reviewer")
	decided := func() map[int64]string {
		t.Helper()
		_, body := get(t, s, "/reviews?status=all", rv)
		out := map[int64]string{}
		for _, row := range findAll(parseHTML(t, body), func(n *html.Node) bool { return n.Data == "tr" && hasAttr(n, "data-unit-row") }) {
			id, _ := attr(row, "data-unit-row")
			n, _ := strconv.ParseInt(id, 10, 64)
			if cells := findAll(row, byAttr("td", "data-label", "Đã quyết định")); len(cells) == 1 {
				out[n] = text(cells[0])
			}
		}
		return out
	}
	total := strconv.Itoa(len(inds) + len(adjustmentsFor(fx, "SO-TC")))
	got := decided()
	if got[tc.ID] != "2/"+total || got[yt.ID] != "0/"+total {
		t.Errorf("decided = %v; want %d: 2/%s, %d: 0/%s", got, tc.ID, total, yt.ID, total)
	}
	if n := st.perForm.Load(); n != 0 {
		t.Errorf("the queue read the reviews form by form (%d reads)", n)
	}
	// Returned and submitted again: a new round, nothing decided in it.
	tc, err := fx.store.TransitionSubmission(ctx, sys, assessment.Transition{SubmissionID: tc.ID, Version: tc.Version, To: assessment.SubmissionReturned, Comment: "bổ sung"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fx.store.TransitionSubmission(ctx, sys, assessment.Transition{SubmissionID: tc.ID, Version: tc.Version, To: assessment.SubmissionResubmitted}); err != nil {
		t.Fatal(err)
	}
	if err := fx.store.SaveReview(ctx, sys, &assessment.Review{SubmissionID: tc.ID, Indicator: inds[0].Code, Decision: assessment.DecisionAccept}, nil); err != nil {
		t.Fatal(err)
	}
	if got := decided(); got[tc.ID] != "1/"+total {
		t.Errorf("round 2: decided %q; want 1/%s (round-1 decisions do not count)", got[tc.ID], total)
	}
}

// adjustmentsFor lists the adjustment nodes that apply to the unit.
func adjustmentsFor(fx *fixture, unit string) []string {
	var out []string
	for _, n := range fx.ix.Adjustments {
		if fx.ix.Applies(n, fx.units[unit].Type) {
			out = append(out, n.Code)
		}
	}
	return out
}
