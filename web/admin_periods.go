package web

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/scoring"
)

// adminPeriodsView is the admin's list of periods.
type adminPeriodsView struct {
	Periods []adminPeriod
}

type adminPeriod struct {
	Code, Name string
	Year       int
	StatusKey  string
	Status     string
	Index      string
	Opens      string
	Closes     string
	Public     bool
	Submitted  int
	Total      int
	ResultsURL string
	Published  bool
	// Version is posted with every action (optimistic concurrency).
	Version int64
	// Actions are the lifecycle actions the workflow allows now.
	Actions    []string
	PreviewURL string
	// Republish: publishing again needs a reason.
	Republish bool
}

// adminPeriods lists every period with its status and how many units
// have submitted.
func (s *Server) adminPeriods(c *fiber.Ctx) error {
	ctx := c.UserContext()
	l := s.localizer(c)
	ps, _, err := s.cfg.Store.FindPeriods(ctx, assessment.PeriodFilter{})
	if err != nil {
		return err
	}
	v := adminPeriodsView{}
	for _, p := range ps {
		ap := adminPeriod{
			Code: p.Code, Name: p.Name, Year: p.Year,
			Status: string(p.Status), StatusKey: "period.status." + string(p.Status),
			Index: p.IndexCode + " " + p.IndexVersion,
			Opens: l.Date(p.OpensAt), Closes: l.DateTime(p.ClosesAt),
			Public: p.Public, Published: p.Status == assessment.PeriodPublished,
		}
		if ap.Published {
			ap.ResultsURL = "/results/" + p.Code
		}
		snaps, err := s.cfg.Store.FindSnapshots(ctx, p.ID)
		if err != nil {
			return err
		}
		ap.Version = p.Version
		ap.Republish = len(snaps) > 0
		ap.Actions = allowedActions(currentUser(c).Actor, p)
		if p.Status == assessment.PeriodOpen || p.Status == assessment.PeriodClosed {
			ap.PreviewURL = "/admin/periods/" + p.Code + "/preview"
		}
		id := p.ID
		subs, _, err := s.cfg.Store.FindSubmissions(ctx, assessment.SubmissionFilter{PeriodID: &id})
		if err != nil {
			return err
		}
		ap.Total = len(subs)
		for _, sub := range subs {
			if sub.Status != assessment.SubmissionDraft && sub.Status != assessment.SubmissionReturned {
				ap.Submitted++
			}
		}
		v.Periods = append(v.Periods, ap)
	}
	return s.render(c, fiber.StatusOK, "admin_periods", s.newPage(c, "admin.periods.title", "admin", v))
}

// periodActions are the buttons of a period row, in display order.
var periodActions = []assessment.Action{assessment.ActOpen, assessment.ActClose, assessment.ActPublish, assessment.ActReopen}

// allowedActions returns the lifecycle actions the workflow offers the
// actor on p now, in display order.
func allowedActions(a assessment.Actor, p *assessment.Period) []string {
	var out []string
	for _, act := range assessment.AvailablePeriodActions(a, p) {
		if slices.Contains(periodActions, act) {
			out = append(out, string(act))
		}
	}
	return out
}

// periodAction moves a period through its lifecycle: open, close, publish
// (computing the self, appraised and final results and storing them as a
// new snapshot) and re-open with a reason. The workflow rule runs again on
// the fresh row inside the store's transaction.
func (s *Server) periodAction(c *fiber.Ctx) error {
	ctx := c.UserContext()
	u := currentUser(c)
	p, err := s.cfg.Store.FindPeriodByCode(ctx, c.Params("period"))
	if err != nil {
		return err
	}
	version, ok := parseVersion(c.FormValue("version"))
	if !ok {
		return fiber.ErrBadRequest
	}
	act := assessment.Action(c.Params("action"))
	if !slices.Contains(periodActions, act) {
		return fiber.ErrNotFound
	}
	snaps, err := s.cfg.Store.FindSnapshots(ctx, p.ID)
	if err != nil {
		return err
	}
	ch := assessment.PeriodChange{Action: act, Reason: strings.TrimSpace(c.FormValue("reason")), Snapshots: len(snaps)}
	step, err := assessment.CheckPeriod(u.Actor, p, ch)
	if err != nil {
		return err
	}
	if step.Snapshot {
		if step.Republish && ch.Reason == "" {
			return assessment.NewError(assessment.ErrInvalid, "period.reason",
				"Cần nêu lý do công bố lại.", "a reason is required to publish again")
		}
		// The mark is read before computing: a review, approval or push
		// landing meanwhile moves it and the store refuses the publish.
		mark, err := s.cfg.Store.PeriodDataMark(ctx, p.ID)
		if err != nil {
			return err
		}
		snap, err := s.computeSnapshot(ctx, p)
		if err != nil {
			return err
		}
		snap.Reason, snap.DataMark = ch.Reason, mark
		if _, err := s.cfg.Store.PublishPeriod(ctx, u.Actor, p.ID, version, snap); err != nil {
			return err
		}
	} else {
		_, err = s.cfg.Store.SetPeriodStatus(ctx, u.Actor, p.ID, version, step.To, ch.Reason, func(fresh *assessment.Period) error {
			_, err := assessment.CheckPeriod(u.Actor, fresh, ch)
			return err
		})
		if err != nil {
			return err
		}
	}
	s.setFlash(c, "flash.period_"+string(act))
	return c.Redirect("/admin/periods", fiber.StatusSeeOther)
}

// computeSnapshot scores the period's self, appraised and final data with
// its pinned index.
func (s *Server) computeSnapshot(ctx context.Context, p *assessment.Period) (*assessment.Snapshot, error) {
	ix, err := s.periodIndex(ctx, p)
	if err != nil {
		return nil, err
	}
	snap := &assessment.Snapshot{PeriodID: p.ID, IndexHash: p.IndexHash}
	for _, k := range []struct {
		kind assessment.DatasetKind
		dst  *scoring.Results
	}{
		{assessment.DatasetSelf, &snap.Results.Self},
		{assessment.DatasetAppraised, &snap.Results.Appraised},
		{assessment.DatasetFinal, &snap.Results.Final},
	} {
		res, err := s.scorePeriod(ctx, p, ix, k.kind)
		if err != nil {
			return nil, err
		}
		*k.dst = *res
	}
	return snap, nil
}

// previewResults loads the route's period for an admin who may compute it
// and scores its final data: the results it would publish now.
func (s *Server) previewResults(c *fiber.Ctx) (*assessment.Period, *scoring.Index, *scoring.Results, error) {
	p, ix, err := s.periodFor(c, assessment.ActCompute)
	if err != nil {
		return nil, nil, nil, err
	}
	res, err := s.scorePeriod(c.UserContext(), p, ix, assessment.DatasetFinal)
	if err != nil {
		return nil, nil, nil, err
	}
	return p, ix, res, nil
}

// scorePeriod loads the period's data of one kind and scores it.
func (s *Server) scorePeriod(ctx context.Context, p *assessment.Period, ix *scoring.Index, kind assessment.DatasetKind) (*scoring.Results, error) {
	ds, err := s.cfg.Store.LoadDataset(ctx, p.ID, kind, ix)
	if err != nil {
		return nil, err
	}
	res, err := scoring.Score(ix, ds, scoring.Options{})
	if err != nil {
		return nil, fmt.Errorf("score period %s (%s): %w", p.Code, kind, err)
	}
	return res, nil
}

// periodPreview shows the ranking the period would publish now, computed
// from the final data, without storing anything.
func (s *Server) periodPreview(c *fiber.Ctx) error {
	p, ix, res, err := s.previewResults(c)
	if err != nil {
		return err
	}
	l := s.localizer(c)
	tables, err := s.views.partial(l.Lang, "ranking", "ranking", BuildRanking(ix, res, RankingOptions{Lang: l.Lang, Num: l.Num}))
	if err != nil {
		return err
	}
	pg := s.newPage(c, "admin.preview.title", "admin", rankingPageView{
		Heading: p.Name, Subheading: l.T("admin.preview.note"), Tables: tables,
		ExcelURL: "/admin/periods/" + p.Code + "/preview.xlsx",
	})
	pg.Title = p.Name
	return s.render(c, fiber.StatusOK, "ranking", pg)
}

// routePeriod loads the period named in the route and checks that the
// signed-in user may take action on it.
func (s *Server) routePeriod(c *fiber.Ctx, action assessment.Action) (*assessment.Period, error) {
	p, err := s.cfg.Store.FindPeriodByCode(c.UserContext(), c.Params("period"))
	if err != nil {
		return nil, err
	}
	if _, err := assessment.CheckPeriod(currentUser(c).Actor, p, assessment.PeriodChange{Action: action}); err != nil {
		return nil, err
	}
	return p, nil
}

// periodFor is routePeriod that also returns the period's pinned index.
func (s *Server) periodFor(c *fiber.Ctx, action assessment.Action) (*assessment.Period, *scoring.Index, error) {
	p, err := s.routePeriod(c, action)
	if err != nil {
		return nil, nil, err
	}
	ix, err := s.periodIndex(c.UserContext(), p)
	if err != nil {
		return nil, nil, err
	}
	return p, ix, nil
}
