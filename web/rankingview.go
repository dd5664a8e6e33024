package web

import (
	"cmp"
	"html/template"
	"slices"
	"strconv"

	"github.com/dti-platform/dti/scoring"
)

// This file turns scoring results into the view model of the ranking page.
// It formats and orders what the engine computed; it never scores.

// RankingView is the ranking of one period, a table per block.
type RankingView struct {
	// Pillars are the pillar column headings.
	Pillars []string
	Blocks  []*RankingBlock
	// HasPrevious says whether the change columns are shown.
	HasPrevious bool
	// Bands explains the band badges.
	Bands []RankingBand
	// ProfileURL, when set, links each unit to its profile at
	// ProfileURL + unit code.
	ProfileURL string
}

// RankingBand is one classification band in the legend.
type RankingBand struct {
	Class, Name, Min string
}

// RankingBlock is one block's table.
type RankingBlock struct {
	// Chart is the block's ranking bar chart (reports.ChartEmbed), empty
	// for none.
	Chart  template.HTML
	Code   string
	Name   string
	Anchor string
	Ranked bool
	Rows   []*RankingRow
}

// RankingRow is one unit's row.
type RankingRow struct {
	Rank string
	// SortRank orders unranked units last when the table is sorted by rank.
	SortRank  int
	Code      string
	Name      string
	Points    string
	SortPts   string
	Value     string
	BandName  string
	BandClass string
	Pillars   []RankingCell
	// Change since the previous period, empty when the unit was not in it.
	PointsChange string
	ChangeClass  string // up, down, same
	RankChange   string
	RankClass    string
}

// RankingCell is one formatted number with its sort key.
type RankingCell struct {
	Text string
	Sort string
}

// RankingOptions say how the ranking is shown.
type RankingOptions struct {
	Lang string
	Num  func(v float64, decimals int) string
	// Previous are the results of the previous period, nil for none.
	Previous *scoring.Results
}

// BuildRanking builds the ranking view of res, computed with ix.
func BuildRanking(ix *scoring.Index, res *scoring.Results, opt RankingOptions) *RankingView {
	if opt.Num == nil {
		opt.Num = func(v float64, d int) string { return strconv.FormatFloat(v, 'f', d, 64) }
	}
	pd, vd := ix.Rounding.PointsDecimals, ix.Rounding.ValueDecimals
	rv := &RankingView{HasPrevious: opt.Previous != nil}
	for _, p := range ix.Pillars {
		rv.Pillars = append(rv.Pillars, p.Name.In(opt.Lang))
	}
	bandIdx := make(map[string]int, len(ix.Bands))
	for i, b := range ix.Bands {
		bandIdx[b.Code] = i
		rv.Bands = append(rv.Bands, RankingBand{
			Class: bandClass(i),
			Name:  b.Name.In(opt.Lang),
			Min:   opt.Num(b.MinPercent, 0),
		})
	}
	// The engine computes the changes; the view only shows them.
	changes := map[string]scoring.Change{}
	if opt.Previous != nil {
		for _, ch := range scoring.Compare(opt.Previous, res) {
			if !ch.New && !ch.Gone {
				changes[ch.Code] = ch
			}
		}
	}

	blocks := make(map[string]*RankingBlock, len(ix.Blocks))
	for _, b := range ix.Blocks {
		rb := &RankingBlock{Code: b.Code, Name: b.Name.In(opt.Lang), Anchor: "block-" + htmlID(b.Code), Ranked: b.Ranked}
		blocks[b.Code] = rb
		rv.Blocks = append(rv.Blocks, rb)
	}
	order := make([]*scoring.UnitResult, len(res.Units))
	for i := range res.Units {
		order[i] = &res.Units[i]
	}
	// Ranked units by rank, then the unranked, ties by code: the order of
	// the published tables.
	slices.SortStableFunc(order, func(a, b *scoring.UnitResult) int {
		if c := cmp.Compare(sortRank(a.Rank), sortRank(b.Rank)); c != 0 {
			return c
		}
		return cmp.Compare(a.Code, b.Code)
	})
	for _, u := range order {
		rb := blocks[u.Block]
		if rb == nil {
			// A unit outside every declared block still shows.
			rb = &RankingBlock{Code: u.Block, Name: u.Block, Anchor: "block-" + htmlID(u.Block)}
			blocks[u.Block] = rb
			rv.Blocks = append(rv.Blocks, rb)
		}
		row := &RankingRow{
			Rank:     "–",
			SortRank: sortRank(u.Rank),
			Code:     u.Code,
			Name:     u.Name,
			Points:   opt.Num(u.Points, pd),
			SortPts:  strconv.FormatFloat(u.Points, 'f', pd, 64),
			Value:    opt.Num(u.Value, vd),

			ChangeClass: "none",
			RankClass:   "none",
		}
		if u.Rank > 0 {
			row.Rank = strconv.Itoa(u.Rank)
		}
		if i, ok := bandIdx[u.Band]; ok {
			row.BandName = ix.Bands[i].Name.In(opt.Lang)
			row.BandClass = bandClass(i)
		}
		for i := range ix.Pillars {
			cell := RankingCell{Text: "–", Sort: "-1"}
			if i < len(u.Pillars) && u.Pillars[i].Applicable && !u.Pillars[i].Missing {
				cell = RankingCell{
					Text: opt.Num(u.Pillars[i].Value, vd),
					Sort: strconv.FormatFloat(u.Pillars[i].Value, 'f', vd, 64),
				}
			}
			row.Pillars = append(row.Pillars, cell)
		}
		if ch, ok := changes[u.Code]; ok {
			row.PointsChange, row.ChangeClass = signed(opt.Num, ch.PointsChange, pd)
			if ch.Rank > 0 && ch.PrevRank > 0 {
				// RankChange is positive when the unit moved up.
				row.RankChange, row.RankClass = signed(opt.Num, float64(ch.RankChange), 0)
			}
		}
		rb.Rows = append(rb.Rows, row)
	}
	// Blocks without units are not shown.
	rv.Blocks = slices.DeleteFunc(rv.Blocks, func(b *RankingBlock) bool { return len(b.Rows) == 0 })
	return rv
}

func sortRank(r int) int {
	if r <= 0 {
		return 1 << 30
	}
	return r
}

func bandClass(i int) string { return "band-" + strconv.Itoa(i+1) }

// signed formats a change with its sign and says its direction.
func signed(num func(float64, int) string, d float64, decimals int) (string, string) {
	s := num(d, decimals)
	switch {
	case s == num(0, decimals):
		return s, "same"
	case d > 0:
		return "+" + s, "up"
	default:
		return s, "down"
	}
}

// rankingPageView is the data of the ranking page.
type rankingPageView struct {
	Heading    string
	Subheading string
	// Tables is the rendered "ranking" partial of a RankingView.
	Tables template.HTML
	// ExcelURL downloads the ranking workbook, "" for none.
	ExcelURL string
	// ChartsURL shows the period's charts, "" for none.
	ChartsURL string
	// ChartScripts are the chart scripts to load, when there are charts.
	ChartScripts []string
}
