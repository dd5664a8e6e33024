package web

import (
	"bytes"
	"html/template"
	"slices"

	"github.com/gofiber/fiber/v2"

	"github.com/dti-platform/dti/reports"
	"github.com/dti-platform/dti/scoring"
)

// This file holds the chart pages of a published period (ranking bars
// per block, the heatmap of units × groups per block, the distribution of
// values per block) and their downloads as standalone HTML files, with the
// visibility of the ranking page.

// chartKinds are the chart pages of a period, in the order of their tabs.
var chartKinds = []string{"ranking", "heatmap", "distribution"}

// periodChart is one chart of a chart page with the query that downloads
// it.
type periodChart struct {
	chart *reports.Chart
	// query selects the chart on the download route: "block=SO".
	query string
	// file is the download's file name without extension.
	file string
}

// periodCharts builds the charts of one kind for a published period.
func (s *Server) periodCharts(pb *published, kind, lang string, l *Localizer) ([]periodChart, error) {
	ix, res := pb.ix, pb.res
	code := pb.period.Code
	var out []periodChart
	blocks := map[string]bool{}
	for _, u := range res.Units {
		blocks[u.Block] = true
	}
	switch kind {
	case "ranking":
		for _, b := range ix.Blocks {
			if !b.Ranked || !blocks[b.Code] {
				continue
			}
			in, err := reports.ChartRankingFromResults(ix, res, b.Code, lang)
			if err != nil {
				return nil, err
			}
			ch, err := reports.RankingChart(in)
			if err != nil {
				return nil, err
			}
			out = append(out, periodChart{ch, "block=" + b.Code, l.T("charts.file_ranking", code, b.Code)})
		}
	case "heatmap":
		// The groups under the top level when there are some (the DTI's
		// main indexes), else the top-level nodes.
		depth := 1
		if _, err := reports.ChartHeatmapFromResults(ix, res, firstBlock(ix.Blocks, blocks), 1, lang); err != nil {
			depth = 0
		}
		if !hasGroupAt(ix.Nodes, depth) {
			// A flat index (indicators only) has no groups to map.
			return nil, nil
		}
		for _, b := range ix.Blocks {
			if !blocks[b.Code] {
				continue
			}
			in, err := reports.ChartHeatmapFromResults(ix, res, b.Code, depth, lang)
			if err != nil {
				return nil, err
			}
			ch, err := reports.HeatmapChart(in)
			if err != nil {
				return nil, err
			}
			out = append(out, periodChart{ch, "block=" + b.Code, l.T("charts.file_heatmap", code, b.Code)})
		}
	case "distribution":
		for _, shape := range []reports.ChartDistributionKind{reports.ChartBoxplot, reports.ChartHistogram} {
			in, err := reports.ChartDistributionFromResults(ix, res, shape, lang)
			if err != nil {
				return nil, err
			}
			ch, err := reports.DistributionChart(in)
			if err != nil {
				return nil, err
			}
			out = append(out, periodChart{ch, "shape=" + string(shape), l.T("charts.file_distribution", code, l.T("charts.shape."+string(shape)))})
		}
	default:
		return nil, fiber.ErrNotFound
	}
	return out, nil
}

// hasGroupAt reports whether the tree has a group (a node with children)
// at depth.
func hasGroupAt(nodes []*scoring.Node, depth int) bool {
	for _, n := range nodes {
		if n.IsIndicator() {
			continue
		}
		if n.Depth == depth || hasGroupAt(n.Children, depth) {
			return true
		}
	}
	return false
}

// firstBlock returns the code of the first block with units.
func firstBlock(bs []scoring.Block, has map[string]bool) string {
	for _, b := range bs {
		if has[b.Code] {
			return b.Code
		}
	}
	return ""
}

// chartPageView is the data of a chart page.
type chartPageView struct {
	PeriodName, PeriodURL string
	Kind                  string
	Tabs                  []chartTab
	Charts                []chartSection
	ChartScripts          []string
}

type chartTab struct {
	Key, URL string
	Current  bool
}

type chartSection struct {
	Title        string
	Embed, Table template.HTML
	DownloadURL  string
}

// chartPage shows the charts of one kind for a published period.
func (s *Server) chartPage(c *fiber.Ctx) error {
	pb, err := s.loadPublished(c)
	if err != nil {
		return err
	}
	kind := c.Params("kind")
	if !slices.Contains(chartKinds, kind) {
		return fiber.ErrNotFound
	}
	l := s.localizer(c)
	base := "/results/" + pb.period.Code + "/charts/"
	v := chartPageView{PeriodName: pb.period.Name, PeriodURL: "/results/" + pb.period.Code, Kind: kind, ChartScripts: s.chartScripts}
	for _, k := range chartKinds {
		v.Tabs = append(v.Tabs, chartTab{Key: k, URL: base + k, Current: k == kind})
	}
	// Published snapshots never change: the charts are built once per
	// snapshot, kind and language.
	v.Charts, err = s.results.charts.get(pb.key+"/"+kind+"/"+l.Lang, s.cfg.Dev, func() ([]chartSection, error) {
		charts, err := s.periodCharts(pb, kind, l.Lang, l)
		if err != nil {
			return nil, err
		}
		var out []chartSection
		for _, pc := range charts {
			sec := chartSection{Title: pc.chart.Title, DownloadURL: base + kind + "/download?" + pc.query}
			if sec.Embed, err = reports.ChartEmbed(pc.chart); err != nil {
				return nil, err
			}
			if sec.Table, err = reports.ChartTableHTML(pc.chart); err != nil {
				return nil, err
			}
			out = append(out, sec)
		}
		return out, nil
	})
	if err != nil {
		return err
	}
	pg := s.newPage(c, "charts."+kind, "results", v)
	pg.Title = l.T("charts."+kind) + " · " + pb.period.Name
	return s.render(c, fiber.StatusOK, "chart", pg)
}

// chartDownload sends one chart of a period as a standalone HTML file.
func (s *Server) chartDownload(c *fiber.Ctx) error {
	pb, err := s.loadPublished(c)
	if err != nil {
		return err
	}
	l := s.localizer(c)
	charts, err := s.periodCharts(pb, c.Params("kind"), l.Lang, l)
	if err != nil {
		return err
	}
	want := "block=" + c.Query("block")
	if c.Query("shape") != "" {
		want = "shape=" + c.Query("shape")
	}
	for _, pc := range charts {
		if pc.query == want {
			return s.sendChart(c, pc.chart, pb.period.Name, pc.file)
		}
	}
	return fiber.ErrNotFound
}

// sendChart writes a chart as a standalone HTML download.
func (s *Server) sendChart(c *fiber.Ctx, ch *reports.Chart, heading, file string) error {
	var buf bytes.Buffer
	if err := reports.WriteChartHTML(&buf, ch, ch.Title+" · "+heading); err != nil {
		return err
	}
	return sendAttachment(c, fiber.MIMETextHTMLCharsetUTF8, file+".html", "private, no-cache", buf.Bytes())
}

// unitChartDownload sends a unit's radar or trend chart as a standalone
// HTML file, with the visibility of its profile.
func (s *Server) unitChartDownload(kind string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		pb, ua, _, err := s.publishedProfile(c)
		if err != nil {
			return err
		}
		l := s.localizer(c)
		var ch *reports.Chart
		if kind == "radar" {
			if ch, err = s.radarChart(pb, ua.unit.Code, l.Lang); err != nil {
				return fiber.ErrNotFound
			}
		} else if ch, err = s.trendChart(c, pb, ua, l.Lang); err != nil {
			return err
		}
		if ch == nil {
			return fiber.ErrNotFound
		}
		file := l.T("charts.file_trend", pb.period.Code, ua.unit.Code)
		if kind == "radar" {
			file = l.T("charts.file_radar", pb.period.Code, ua.unit.Code)
		}
		return s.sendChart(c, ch, pb.period.Name, file)
	}
}
