package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/scoring"
)

// racingStore is the real store; the first time a dataset is loaded (the
// publish is computing) it runs during, standing for a change made by
// someone else at that moment.
type racingStore struct {
	assessment.Store
	once   sync.Once
	during func()
}

func (s *racingStore) LoadDataset(ctx context.Context, periodID int64, kind assessment.DatasetKind, ix *scoring.Index) (*scoring.Dataset, error) {
	s.once.Do(s.during)
	return s.Store.LoadDataset(ctx, periodID, kind, ix)
}

// TestPublish_ConcurrentChange checks that a publish whose results were
// computed while an approval landed is refused with 409 and stores no
// snapshot, and that publishing again (computing again) succeeds.
func TestPublish_ConcurrentChange(t *testing.T) {
	ctx := context.Background()
	var st *racingStore
	s, fx := newFixtureServer(t, func(c *Config) {
		st = &racingStore{Store: c.Store}
		c.Store = st
	})
	admin := fx.signIn(t, "admin")
	ed := fx.signIn(t, "editor.tc")
	get(t, s, tcForm, ed)
	if code, out := saveJSON(t, s, ed, "csrf-editor.tc", tcForm+"/values", fx.submission(t, "SO-TC").Version, map[string]any{"v|NT.04|chair": "head"}); code != 200 {
		t.Fatalf("save: %d %v", code, out)
	}
	period := func() *assessment.Period {
		p, err := fx.store.FindPeriodByCode(ctx, "DTI-2025")
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	if _, err := fx.store.SetPeriodStatus(ctx, assessment.SystemActor, fx.period.ID, period().Version, assessment.PeriodClosed, "", nil); err != nil {
		t.Fatal(err)
	}
	st.during = func() {
		sub := fx.submission(t, "SO-TC")
		if _, err := fx.store.TransitionSubmission(ctx, assessment.SystemActor, assessment.Transition{SubmissionID: sub.ID,
			Version: sub.Version, To: assessment.SubmissionApproved}); err != nil {
			t.Errorf("concurrent approval: %v", err)
		}
	}
	publish := func() (*http.Response, string) {
		return postForm(t, s, "/admin/periods/DTI-2025/publish", url.Values{"_csrf": {"csrf-admin"}, "version": {jsonNum(period().Version)}}, admin)
	}
	resp, body := publish()
	if resp.StatusCode != http.StatusConflict {
		t.Fatalf("publish while an approval lands: %d; want 409", resp.StatusCode)
	}
	if !strings.Contains(text(parseHTML(t, body)), "đã thay đổi trong lúc tính kết quả") {
		t.Error("the 409 page does not say the data changed while computing")
	}
	if snaps, _ := fx.store.FindSnapshots(ctx, fx.period.ID); len(snaps) != 0 || period().Status != assessment.PeriodClosed {
		t.Fatalf("after the refused publish: %d snapshots, status %s; want none, closed", len(snaps), period().Status)
	}
	resp, _ = publish()
	if resp.StatusCode != http.StatusSeeOther || period().Status != assessment.PeriodPublished {
		t.Fatalf("publish again: %d, status %s; want 303, published", resp.StatusCode, period().Status)
	}
}
