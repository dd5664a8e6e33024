package web

import (
	"context"
	"html/template"
	"math"
	"slices"
	"strconv"
	"sync"

	"github.com/gofiber/fiber/v2"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/reports"
	"github.com/dti-platform/dti/scoring"
)

// This file holds a unit's profile in a published period: its totals,
// rank and band, scores by pillar and group against the block average,
// the radar and trend charts, strengths and weaknesses, the change since
// the previous period and the explanation of every indicator's points.

// resultCaches keep what the result pages derive from published
// snapshots, which never change.
type resultCaches struct {
	// explained holds a unit's explained indicator results per snapshot.
	explained explainCache
	// charts holds the rendered charts of a chart page per snapshot,
	// kind and language.
	charts renderCache[[]chartSection]
}

// maxExplained bounds the explanations kept: a unit's take some tens of
// kilobytes, and a province has thousands of units over several periods.
const maxExplained = 256

// explainCache keeps the explanations of the most recently viewed
// profiles, at most maxExplained; when full it starts afresh.
type explainCache struct {
	mu sync.Mutex
	m  map[string]map[string]scoring.NodeResult
}

// get returns the explanations cached for key, computing them with fn on
// a miss. Explanations do not exist for some results (nil): that is
// cached too.
func (ec *explainCache) get(key string, fn func() (map[string]scoring.NodeResult, error)) (map[string]scoring.NodeResult, error) {
	ec.mu.Lock()
	out, ok := ec.m[key]
	ec.mu.Unlock()
	if ok {
		return out, nil
	}
	out, err := fn()
	if err != nil {
		return nil, err
	}
	ec.mu.Lock()
	if ec.m == nil || len(ec.m) >= maxExplained {
		ec.m = make(map[string]map[string]scoring.NodeResult)
	}
	ec.m[key] = out
	ec.mu.Unlock()
	return out, nil
}

// profileHighlights is how many strengths and weaknesses a profile lists.
const profileHighlights = 5

// unitAccess says what the request may see of one unit's results.
type unitAccess struct {
	unit      *assessment.Unit
	ancestors []int64
	// profile: the unit's profile (public period, or a user allowed to
	// read results: viewers, reviewers, admins, the unit's own roles).
	profile bool
	// scorecard: the unit's scorecard, with reviewers' reasons and the
	// evidence list (the unit's own roles, reviewers and admins over it).
	scorecard bool
	// own: the user holds a role of the unit (its history is theirs).
	own bool
	// private: the user may read the unit's results of periods that are
	// not public.
	private bool
}

// accessUnit loads the unit named by the request and says what the user
// may see of its results in period p (published: loadPublished checked;
// nil for the unit's results across periods).
func (s *Server) accessUnit(c *fiber.Ctx, p *assessment.Period) (*unitAccess, error) {
	ctx := c.UserContext()
	unit, err := s.cfg.Store.FindUnitByCode(ctx, c.Params("unit"))
	if err != nil {
		return nil, err
	}
	ua := &unitAccess{unit: unit, profile: p != nil && p.Public}
	u := currentUser(c)
	if u == nil {
		return ua, nil
	}
	if ua.ancestors, err = s.ancestors(ctx, u.Actor, unit); err != nil {
		return nil, err
	}
	a := u.Actor
	ua.own = a.HasRoleFor(assessment.RoleEditor, unit.ID, ua.ancestors) || a.HasRoleFor(assessment.RoleApprover, unit.ID, ua.ancestors)
	staff := a.HasRoleFor(assessment.RoleAdmin, unit.ID, ua.ancestors) || a.HasRoleFor(assessment.RoleReviewer, unit.ID, ua.ancestors)
	ua.scorecard = ua.own || staff
	if ua.scorecard || a.HasRole(assessment.RoleViewer) || a.HasRole(assessment.RoleAdmin) || a.HasRole(assessment.RoleReviewer) {
		ua.profile, ua.private = true, true
	}
	return ua, nil
}

// requireProfile refuses a request that may not see the unit's profile:
// visitors of a private period are told it does not exist (as the
// ranking does), signed-in users without a right get 403.
func requireProfile(c *fiber.Ctx, ua *unitAccess) error {
	switch {
	case ua.profile:
		return nil
	case currentUser(c) == nil:
		return assessment.ErrNotFound
	}
	return assessment.ErrForbidden
}

// publishedProfile loads the route's published period and unit for a
// request that may see the unit's profile, with the unit's result.
func (s *Server) publishedProfile(c *fiber.Ctx) (*published, *unitAccess, *scoring.UnitResult, error) {
	pb, err := s.loadPublished(c)
	if err != nil {
		return nil, nil, nil, err
	}
	ua, err := s.accessUnit(c, pb.period)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := requireProfile(c, ua); err != nil {
		return nil, nil, nil, err
	}
	ur, ok := unitResultOf(pb.res, ua.unit.Code)
	if !ok {
		return nil, nil, nil, assessment.ErrNotFound
	}
	return pb, ua, ur, nil
}

// unitResultOf returns the unit's result in res.
func unitResultOf(res *scoring.Results, code string) (*scoring.UnitResult, bool) {
	for i := range res.Units {
		if res.Units[i].Code == code {
			return &res.Units[i], true
		}
	}
	return nil, false
}

// profileView is the data of a unit's profile page.
type profileView struct {
	PeriodName, PeriodURL string
	UnitName, UnitCode    string
	BlockName             string
	Published             string

	Points, Scale, Value string
	// Adjustment is the bonus and penalty points included in Points, ""
	// when none.
	Adjustment          string
	Rank                string // "3 / 12", "" when the block is not ranked
	BandName, BandClass string
	// Change since the previous period; PrevName "" when none.
	PrevName                 string
	PointsChange, RankChange string
	ChangeClass, RankClass   string

	Pillars    []profileRow
	Groups     []profileRow
	Strengths  []profileRow
	Weaknesses []profileRow

	Radar, RadarTable template.HTML
	Trend, TrendTable template.HTML

	Explanations []profileExplanation
	// ExplainNote says why there are no explanations, "" when there are.
	ExplainNote string

	RadarURL, TrendURL, ScorecardURL, HistoryURL string
	ChartScripts                                 []string
}

// profileRow is one pillar, group or indicator line.
type profileRow struct {
	Code, Name string
	Level      int // depth for indentation: 0, 1, 2...
	Points     string
	Max        string
	Value      string
	// Meter is the value for a <meter> in 0..1; Avg the block average
	// (text and meter), "" when none.
	Meter    string
	Avg      string
	AvgMeter string
	None     bool
}

// profileExplanation explains one indicator's final points.
type profileExplanation struct {
	Code, Name, Points, Max, Steps string
	Inputs                         []string
	// Overridden: the appraisal council set the points.
	Overridden bool
}

// profilePage shows a unit's profile in a published period.
func (s *Server) profilePage(c *fiber.Ctx) error {
	pb, ua, ur, err := s.publishedProfile(c)
	if err != nil {
		return err
	}
	l := s.localizer(c)
	ix := pb.ix
	prof, err := reports.UnitProfile(ix, pb.res, ur.Code, profileHighlights)
	if err != nil {
		return err
	}
	pd, vd := ix.Rounding.PointsDecimals, ix.Rounding.ValueDecimals
	base := profileBase(pb.period.Code, ua.unit.Code)
	v := profileView{
		PeriodName: pb.period.Name,
		PeriodURL:  "/results/" + pb.period.Code,
		UnitName:   ua.unit.Name(l.Lang),
		UnitCode:   ua.unit.Code,
		BlockName:  ur.Block,
		Published:  l.T("results.published_on", l.Date(pb.snap.PublishedAt), pb.snap.Number),
		Points:     l.Num(ur.Points, pd),
		Scale:      l.Num(ix.Scale, 0),
		Value:      l.Num(ur.Value, vd),
		RadarURL:   base + "/radar.html",
		HistoryURL: "/units/" + ua.unit.Code + "/history",

		ChartScripts: s.chartScripts,
	}
	if ur.Adjustment != 0 {
		v.Adjustment, _ = signed(l.Num, ur.Adjustment, pd)
	}
	if b, ok := ix.Block(ur.Block); ok {
		v.BlockName = b.Name.In(l.Lang)
		if b.Ranked && ur.Rank > 0 {
			v.Rank = l.T("profile.rank_of", ur.Rank, prof.BlockUnits)
		}
	}
	for i, b := range ix.Bands {
		if b.Code == ur.Band {
			v.BandName, v.BandClass = b.Name.In(l.Lang), bandClass(i)
		}
	}
	if pb.prevRes != nil {
		for _, ch := range scoring.Compare(pb.prevRes, pb.res) {
			if ch.Code != ur.Code || ch.New || ch.Gone {
				continue
			}
			v.PrevName = pb.prev.Name
			v.PointsChange, v.ChangeClass = signed(l.Num, ch.PointsChange, pd)
			if ch.Rank > 0 && ch.PrevRank > 0 {
				v.RankChange, v.RankClass = signed(l.Num, float64(ch.RankChange), 0)
			}
		}
	}
	row := func(pn reports.ProfileNode) profileRow {
		r := profileRow{Code: pn.Code, Name: pn.Name.In(l.Lang), Level: pn.Depth, None: !pn.HasValue,
			Points: "–", Max: l.Num(pn.MaxPoints, pd), Value: "–"}
		if pn.HasValue {
			r.Points = l.Num(pn.Points, pd)
			r.Value = l.Num(pn.Value, vd)
			r.Meter = meterValue(pn.Value)
		}
		if !math.IsNaN(pn.BlockAverage) {
			r.Avg = l.Num(pn.BlockAverage, vd)
			r.AvgMeter = meterValue(pn.BlockAverage)
		}
		return r
	}
	for _, pn := range prof.Pillars {
		v.Pillars = append(v.Pillars, row(pn))
	}
	for _, pn := range prof.Groups {
		v.Groups = append(v.Groups, row(pn))
	}
	for _, pn := range prof.Strengths {
		v.Strengths = append(v.Strengths, row(pn))
	}
	for _, pn := range prof.Weaknesses {
		v.Weaknesses = append(v.Weaknesses, row(pn))
	}

	// Charts: the radar needs three axes; the trend two periods.
	if ch, err := s.radarChart(pb, ur.Code, l.Lang); err == nil {
		if v.Radar, err = reports.ChartEmbed(ch); err != nil {
			return err
		}
		if v.RadarTable, err = reports.ChartTableHTML(ch); err != nil {
			return err
		}
	} else {
		v.RadarURL = ""
	}
	if ch, err := s.trendChart(c, pb, ua, l.Lang); err != nil {
		return err
	} else if ch != nil {
		v.TrendURL = base + "/trend.html"
		if v.Trend, err = reports.ChartEmbed(ch); err != nil {
			return err
		}
		if v.TrendTable, err = reports.ChartTableHTML(ch); err != nil {
			return err
		}
	}
	if ua.scorecard {
		v.ScorecardURL = base + "/scorecard.xlsx"
	}
	if !ua.own && !ua.scorecard {
		v.HistoryURL = ""
	}

	expl, err := s.explanations(c.UserContext(), pb, ur)
	if err != nil {
		return err
	}
	if expl == nil {
		v.ExplainNote = l.T("profile.explain_none")
	}
	for _, node := range ix.Indicators() {
		nr, ok := expl[node.Code]
		if !ok || nr.Explanation == nil || !nr.Applicable {
			// Indicators of other unit types have nothing to explain.
			continue
		}
		e := profileExplanation{Code: node.Code, Name: node.Name.In(l.Lang), Steps: nr.Explanation.Steps.In(l.Lang),
			Points: l.Num(nr.Points, pd), Max: l.Num(nr.MaxPoints, pd), Overridden: nr.Overridden}
		for _, in := range nr.Explanation.Inputs {
			label := in.Key
			if def, ok := ix.Input(node.Code, in.Key); ok {
				label = def.Label.In(l.Lang)
			}
			val := in.Value
			if in.Missing {
				val = l.T("profile.missing_value")
			} else if def, ok := ix.Input(node.Code, in.Key); ok {
				val = assessment.DisplayValue(def, scoring.Value{Set: true, Text: in.Value, Num: explainedNumber(in.Value)}, l.Lang)
			}
			e.Inputs = append(e.Inputs, label+": "+val)
		}
		v.Explanations = append(v.Explanations, e)
	}

	pg := s.newPage(c, "profile.title", "results", v)
	pg.Title = v.UnitName + " · " + pb.period.Name
	return s.render(c, fiber.StatusOK, "profile", pg)
}

// profileBase is the URL of a unit's profile in a period.
func profileBase(periodCode, unitCode string) string {
	return "/results/" + periodCode + "/units/" + unitCode
}

// meterValue writes a 0..1 value for a <meter> element.
func meterValue(v float64) string {
	return strconv.FormatFloat(min(max(v, 0), 1), 'f', 4, 64)
}

// explainedNumber reads the number an explanation shows as text (0 when
// it is not one: choices, dates and texts carry no number).
func explainedNumber(s string) float64 {
	f, _ := strconv.ParseFloat(s, 64)
	return f
}

// radarChart builds the unit's radar against its block average.
func (s *Server) radarChart(pb *published, unit, lang string) (*reports.Chart, error) {
	in, err := reports.ChartRadarFromResults(pb.ix, pb.res, unit, lang)
	if err != nil {
		return nil, err
	}
	return reports.RadarChart(in)
}

// trendChart builds the unit's trend over the published periods of the
// same index that the request may see and in which the unit has a
// result; nil when there are fewer than two.
func (s *Server) trendChart(c *fiber.Ctx, pb *published, ua *unitAccess, lang string) (*reports.Chart, error) {
	periods, err := s.unitPeriods(c, pb.period.IndexCode, ua)
	if err != nil {
		return nil, err
	}
	var cps []reports.ChartPeriod
	for _, pr := range periods {
		cps = append(cps, reports.ChartPeriod{Name: pr.period.Name, Results: pr.res})
	}
	if len(cps) < 2 {
		return nil, nil
	}
	in, err := reports.ChartTrendFromResults(cps, ua.unit.Code, lang)
	if err != nil {
		return nil, err
	}
	return reports.TrendChart(in)
}

// periodResult is a published period with its final results.
type periodResult struct {
	period *assessment.Period
	res    *scoring.Results
	snap   *assessment.Snapshot
}

// unitPeriods returns the published periods the request may see in which
// the unit has a result, oldest first; indexCode "" takes every index.
func (s *Server) unitPeriods(c *fiber.Ctx, indexCode string, ua *unitAccess) ([]periodResult, error) {
	ps, err := s.visiblePeriods(c)
	if err != nil {
		return nil, err
	}
	var out []periodResult
	for _, p := range ps {
		if indexCode != "" && p.IndexCode != indexCode {
			continue
		}
		if !p.Public && !ua.private {
			continue
		}
		res, snap, err := s.finalResults(c.UserContext(), p)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if _, ok := unitResultOf(res, ua.unit.Code); ok {
			out = append(out, periodResult{period: p, res: res, snap: snap})
		}
	}
	// Oldest first; the same year by code.
	slices.SortStableFunc(out, func(a, b periodResult) int {
		if a.period.Year != b.period.Year {
			return a.period.Year - b.period.Year
		}
		if a.period.Code < b.period.Code {
			return -1
		}
		if a.period.Code > b.period.Code {
			return 1
		}
		return 0
	})
	return out, nil
}

// explanations returns the explained final results of the unit's
// indicators by code: the period's final data scored again with
// explanations. Published data are frozen, so this gives the snapshot's
// points; if the unit's total differs all the same (a unit deactivated
// since), there are no explanations (nil). Only the unit is explained,
// and the result is kept per snapshot and unit (explainCache).
func (s *Server) explanations(ctx context.Context, pb *published, ur *scoring.UnitResult) (map[string]scoring.NodeResult, error) {
	key := strconv.FormatInt(pb.period.ID, 10) + "/" + strconv.Itoa(pb.snap.Number) + "/" + ur.Code
	return s.results.explained.get(key, func() (map[string]scoring.NodeResult, error) {
		ds, err := s.cfg.Store.LoadDataset(ctx, pb.period.ID, assessment.DatasetFinal, pb.ix)
		if err != nil {
			return nil, err
		}
		res, err := scoring.Score(pb.ix, ds, scoring.Options{Explain: true, ExplainUnits: []string{ur.Code}})
		if err != nil {
			return nil, err
		}
		u, ok := unitResultOf(res, ur.Code)
		if !ok || u.Points != ur.Points || u.Value != ur.Value {
			return nil, nil
		}
		out := make(map[string]scoring.NodeResult, len(u.Nodes))
		for _, nr := range u.Nodes {
			if nr.Explanation != nil {
				out[nr.Code] = nr
			}
		}
		return out, nil
	})
}
