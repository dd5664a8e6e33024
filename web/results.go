package web

import (
	"bytes"
	"context"
	"html/template"
	"strconv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/reports"
	"github.com/dti-platform/dti/scoring"
)

// canSeeResults reports whether the request may see the published results
// of p: everyone for a public period, signed-in users otherwise.
func canSeeResults(c *fiber.Ctx, p *assessment.Period) bool {
	if p.Status != assessment.PeriodPublished {
		return false
	}
	return p.Public || currentUser(c) != nil
}

// visiblePeriods returns the published periods the request may see,
// newest year first.
func (s *Server) visiblePeriods(c *fiber.Ctx) ([]*assessment.Period, error) {
	st := assessment.PeriodPublished
	ps, _, err := s.cfg.Store.FindPeriods(c.UserContext(), assessment.PeriodFilter{Status: &st})
	if err != nil {
		return nil, err
	}
	var out []*assessment.Period
	for _, p := range ps {
		if canSeeResults(c, p) {
			out = append(out, p)
		}
	}
	return out, nil
}

// finalResults returns the final results of the period's latest snapshot.
func (s *Server) finalResults(ctx context.Context, p *assessment.Period) (*scoring.Results, *assessment.Snapshot, error) {
	snaps, err := s.cfg.Store.FindSnapshots(ctx, p.ID)
	if err != nil {
		return nil, nil, err
	}
	if len(snaps) == 0 {
		return nil, nil, assessment.ErrNotFound
	}
	latest := snaps[0]
	res, full, err := s.cachedFinal(ctx, p, latest.Number)
	if err != nil {
		return nil, nil, err
	}
	if full != nil {
		return res, full, nil
	}
	return res, latest, nil
}

// cachedFinal returns the final results of the period's snapshot number
// n, decoding the snapshot only once: full is the snapshot when it was
// read now, nil when its results came from the cache.
func (s *Server) cachedFinal(ctx context.Context, p *assessment.Period, n int) (res *scoring.Results, full *assessment.Snapshot, err error) {
	key := strconv.FormatInt(p.ID, 10) + "/" + strconv.Itoa(n)
	res, err = s.snapshots.get(key, false, func() (*scoring.Results, error) {
		sn, err := s.cfg.Store.FindSnapshot(ctx, p.ID, n)
		if err != nil {
			return nil, err
		}
		full = sn
		return &sn.Results.Final, nil
	})
	if err != nil {
		return nil, nil, err
	}
	return res, full, nil
}

// resultsListView is the data of the results list.
type resultsListView struct {
	Periods []periodLink
}

type periodLink struct {
	Code, Name, URL, Published string
	Year                       int
}

// resultsList lists the published periods the request may see.
func (s *Server) resultsList(c *fiber.Ctx) error {
	ps, err := s.visiblePeriods(c)
	if err != nil {
		return err
	}
	l := s.localizer(c)
	v := resultsListView{}
	for _, p := range ps {
		v.Periods = append(v.Periods, periodLink{Code: p.Code, Name: p.Name, Year: p.Year, URL: "/results/" + p.Code,
			Published: l.Date(p.UpdatedAt)})
	}
	return s.render(c, fiber.StatusOK, "results", s.newPage(c, "results.title", "results", v))
}

// published is a period's published ranking with what it is compared to.
type published struct {
	period *assessment.Period
	ix     *scoring.Index
	res    *scoring.Results
	snap   *assessment.Snapshot
	// prev and prevRes: the previous published period, nil when none.
	prev    *assessment.Period
	prevRes *scoring.Results
	// key names the snapshots shown: what a rendering may be cached by.
	key string
}

// publishedTTL is how long a published ranking's look-up (period,
// snapshots, previous period: five queries) is reused. A publication or a
// change of visibility shows within this time.
const publishedTTL = 2 * time.Second

// publishedCache keeps recent look-ups of published rankings, by period
// code and by whether the request is signed in (which decides visibility).
type publishedCache struct {
	mu sync.Mutex
	m  map[string]publishedEntry
}

type publishedEntry struct {
	pb *published
	at time.Time
}

// loadPublished loads the published ranking of the request's period, if
// the request may see it, reusing a look-up younger than publishedTTL.
func (s *Server) loadPublished(c *fiber.Ctx) (*published, error) {
	key := c.Params("period") + "|" + strconv.FormatBool(currentUser(c) != nil)
	now := s.cfg.Now()
	pc := &s.publishedRankings
	if !s.cfg.Dev {
		pc.mu.Lock()
		e, ok := pc.m[key]
		pc.mu.Unlock()
		if ok && now.Sub(e.at) < publishedTTL && now.Sub(e.at) >= 0 {
			return e.pb, nil
		}
	}
	pb, err := s.lookupPublished(c)
	if err != nil {
		return nil, err
	}
	pc.mu.Lock()
	if pc.m == nil {
		pc.m = make(map[string]publishedEntry)
	}
	pc.m[key] = publishedEntry{pb: pb, at: now}
	pc.mu.Unlock()
	return pb, nil
}

// lookupPublished reads the published ranking of the request's period
// from the store.
func (s *Server) lookupPublished(c *fiber.Ctx) (*published, error) {
	ctx := c.UserContext()
	p, err := s.cfg.Store.FindPeriodByCodeMeta(ctx, c.Params("period"))
	if err != nil {
		return nil, err
	}
	if !canSeeResults(c, p) {
		// A period one may not see does not exist for them.
		return nil, assessment.ErrNotFound
	}
	ix, err := s.periodIndex(ctx, p)
	if err != nil {
		return nil, err
	}
	res, snap, err := s.finalResults(ctx, p)
	if err != nil {
		return nil, err
	}
	pb := &published{period: p, ix: ix, res: res, snap: snap,
		key: strconv.FormatInt(p.ID, 10) + "/" + strconv.Itoa(snap.Number)}
	prev, err := s.previousPeriod(c, p)
	if err != nil {
		return nil, err
	}
	if prev != nil {
		pres, psnap, err := s.finalResults(ctx, prev)
		switch {
		case err == nil:
			pb.prev, pb.prevRes = prev, pres
			pb.key += "/" + strconv.FormatInt(prev.ID, 10) + "/" + strconv.Itoa(psnap.Number)
		case !isNotFound(err):
			return nil, err
		}
	}
	return pb, nil
}

// rankingPage shows the published ranking of a period, a table per block,
// with the change since the previous published period.
func (s *Server) rankingPage(c *fiber.Ctx) error {
	pb, err := s.loadPublished(c)
	if err != nil {
		return err
	}
	l := s.localizer(c)
	opt := RankingOptions{Lang: l.Lang, Num: l.Num, Previous: pb.prevRes}
	// The tables depend only on the snapshots and the language, not on
	// who asks: render them once.
	tables, err := s.rankingTables.get(pb.key+"/"+l.Lang, s.cfg.Dev, func() (template.HTML, error) {
		rv := BuildRanking(pb.ix, pb.res, opt)
		rv.ProfileURL = "/results/" + pb.period.Code + "/units/"
		if err := addRankingCharts(rv, pb.ix, pb.res, l.Lang); err != nil {
			return "", err
		}
		return s.views.partial(l.Lang, "ranking", "ranking", rv)
	})
	if err != nil {
		return err
	}
	v := rankingPageView{
		Heading:    pb.period.Name,
		Subheading: l.T("results.published_on", l.Date(pb.snap.PublishedAt), pb.snap.Number),
		Tables:     tables,
		ExcelURL:   "/results/" + pb.period.Code + "/ranking.xlsx",
		ChartsURL:  "/results/" + pb.period.Code + "/charts/ranking",

		ChartScripts: s.chartScripts,
	}
	pg := s.newPage(c, "results.title", "results", v)
	pg.Title = pb.period.Name
	return s.render(c, fiber.StatusOK, "ranking", pg)
}

// rankingWorkbook sends the published ranking as an Excel workbook (the
// "Xếp hạng chi tiết" layout), built once per snapshot and language.
func (s *Server) rankingWorkbook(c *fiber.Ctx) error {
	pb, err := s.loadPublished(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	l := s.localizer(c)
	body, err := s.workbooks.get(pb.key+"/"+l.Lang, s.cfg.Dev, func() ([]byte, error) {
		names, err := s.unitNames(ctx)
		if err != nil {
			return nil, err
		}
		in := reports.RankingInput{
			Index:       pb.ix,
			Period:      reportPeriod(pb.period),
			Results:     pb.res,
			Names:       names,
			GeneratedAt: pb.snap.PublishedAt,
			Lang:        l.Lang,
			GroupDepth:  1,
		}
		if pb.prev != nil {
			in.Previous = pb.prevRes
			in.PreviousPeriod = reportPeriod(pb.prev)
		}
		var buf bytes.Buffer
		if err := reports.WriteRanking(&buf, in); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	})
	if err != nil {
		return err
	}
	return sendAttachment(c, reports.ContentTypeXLSX, l.T("results.file_name", pb.period.Code)+".xlsx", "private, no-cache", body)
}

// previousPeriod returns the latest visible published period of an
// earlier year with the same index code, nil when there is none.
func (s *Server) previousPeriod(c *fiber.Ctx, p *assessment.Period) (*assessment.Period, error) {
	ps, err := s.visiblePeriods(c)
	if err != nil {
		return nil, err
	}
	var best *assessment.Period
	for _, q := range ps {
		if q.Year < p.Year && q.IndexCode == p.IndexCode && (best == nil || q.Year > best.Year) {
			best = q
		}
	}
	return best, nil
}

// renderCache keeps rendered output (HTML fragments, workbooks) that never
// changes for its key: published snapshots are frozen.
type renderCache[T any] struct {
	mu sync.Mutex
	m  map[string]T
}

// get returns the output for key, rendering it on first use (every time
// in dev mode, where templates change).
func (h *renderCache[T]) get(key string, dev bool, render func() (T, error)) (T, error) {
	if !dev {
		h.mu.Lock()
		out, ok := h.m[key]
		h.mu.Unlock()
		if ok {
			return out, nil
		}
	}
	out, err := render()
	if err != nil || dev {
		return out, err
	}
	h.mu.Lock()
	if h.m == nil {
		h.m = make(map[string]T)
	}
	h.m[key] = out
	h.mu.Unlock()
	return out, nil
}

// addRankingCharts gives every ranked block of rv its bar chart.
func addRankingCharts(rv *RankingView, ix *scoring.Index, res *scoring.Results, lang string) error {
	for _, b := range rv.Blocks {
		if !b.Ranked {
			continue
		}
		in, err := reports.ChartRankingFromResults(ix, res, b.Code, lang)
		if err != nil {
			return err
		}
		ch, err := reports.RankingChart(in)
		if err != nil {
			return err
		}
		if b.Chart, err = reports.ChartEmbed(ch); err != nil {
			return err
		}
	}
	return nil
}

// chartAssets serves the chart scripts of package reports under versioned
// names, cached for a year.
type chartAssets map[string]reports.ChartAsset

func newChartAssets() (chartAssets, []string) {
	m := chartAssets{}
	var urls []string
	for _, a := range reports.ChartAssets() {
		m[a.VersionedName()] = a
		urls = append(urls, "/static/charts/"+a.VersionedName())
	}
	return m, urls
}

func (m chartAssets) serve(c *fiber.Ctx) error {
	a, ok := m[c.Params("name")]
	if !ok {
		return fiber.ErrNotFound
	}
	c.Set(fiber.HeaderContentType, a.ContentType)
	c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
	return c.Send(a.Body)
}
