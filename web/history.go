package web

import (
	"html/template"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/reports"
	"github.com/dti-platform/dti/scoring"
)

// This file holds a unit's results across the published periods: a row
// per period (points, value, rank, band, change since the period before)
// and the trend chart, for the unit's own users, reviewers, admins and
// viewers.

// historyView is the data of a unit's history page.
type historyView struct {
	UnitName string
	Rows     []historyRow
	// Trend is the unit's trend chart, empty with fewer than two periods.
	Trend, TrendTable template.HTML
	ChartScripts      []string
}

// historyRow is one published period of the unit.
type historyRow struct {
	PeriodName, Year, ProfileURL string
	Points, Scale, Value         string
	Rank, BlockName              string
	BandName, BandClass          string
	PointsChange, ChangeClass    string
	RankChange, RankClass        string
}

// historyPage shows the unit's results in every published period the user
// may see, newest first.
func (s *Server) historyPage(c *fiber.Ctx) error {
	ua, err := s.accessUnit(c, nil)
	if err != nil {
		return err
	}
	if !ua.private {
		return assessment.ErrForbidden
	}
	ctx := c.UserContext()
	l := s.localizer(c)
	periods, err := s.unitPeriods(c, "", ua)
	if err != nil {
		return err
	}
	v := historyView{UnitName: ua.unit.Name(l.Lang), ChartScripts: s.chartScripts}
	var cps []reports.ChartPeriod
	for i, pr := range periods {
		ix, err := s.periodIndex(ctx, pr.period)
		if err != nil {
			return err
		}
		ur, _ := unitResultOf(pr.res, ua.unit.Code)
		pd, vd := ix.Rounding.PointsDecimals, ix.Rounding.ValueDecimals
		row := historyRow{
			PeriodName: pr.period.Name, Year: strconv.Itoa(pr.period.Year),
			ProfileURL: profileBase(pr.period.Code, ua.unit.Code),
			Points:     l.Num(ur.Points, pd), Scale: l.Num(ix.Scale, 0), Value: l.Num(ur.Value, vd),
			BlockName: ur.Block, Rank: "–", ChangeClass: "none", RankClass: "none",
		}
		if b, ok := ix.Block(ur.Block); ok {
			row.BlockName = b.Name.In(l.Lang)
		}
		if ur.Rank > 0 {
			row.Rank = strconv.Itoa(ur.Rank)
		}
		for i, b := range ix.Bands {
			if b.Code == ur.Band {
				row.BandName, row.BandClass = b.Name.In(l.Lang), bandClass(i)
			}
		}
		// The change since the latest period of an earlier year with the
		// same index, as the ranking shows it.
		var prev *scoring.Results
		for j := i - 1; j >= 0; j-- {
			if q := periods[j].period; q.Year < pr.period.Year && q.IndexCode == pr.period.IndexCode {
				prev = periods[j].res
				break
			}
		}
		if prev != nil {
			for _, ch := range scoring.Compare(prev, pr.res) {
				if ch.Code != ur.Code || ch.New || ch.Gone {
					continue
				}
				row.PointsChange, row.ChangeClass = signed(l.Num, ch.PointsChange, pd)
				if ch.Rank > 0 && ch.PrevRank > 0 {
					row.RankChange, row.RankClass = signed(l.Num, float64(ch.RankChange), 0)
				}
			}
		}
		v.Rows = append(v.Rows, row)
		cps = append(cps, reports.ChartPeriod{Name: pr.period.Name, Results: pr.res})
	}
	if len(cps) >= 2 {
		in, err := reports.ChartTrendFromResults(cps, ua.unit.Code, l.Lang)
		if err != nil {
			return err
		}
		ch, err := reports.TrendChart(in)
		if err != nil {
			return err
		}
		if v.Trend, err = reports.ChartEmbed(ch); err != nil {
			return err
		}
		if v.TrendTable, err = reports.ChartTableHTML(ch); err != nil {
			return err
		}
	}
	// Newest first on the page; the chart reads oldest first.
	for i, j := 0, len(v.Rows)-1; i < j; i, j = i+1, j-1 {
		v.Rows[i], v.Rows[j] = v.Rows[j], v.Rows[i]
	}
	pg := s.newPage(c, "history.title", "results", v)
	pg.Title = l.T("history.title") + " · " + v.UnitName
	return s.render(c, fiber.StatusOK, "history", pg)
}
