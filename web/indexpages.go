package web

import (
	"github.com/gofiber/fiber/v2"

	"github.com/dti-platform/dti/scoring"
)

// indexView is the data of the index overview page.
type indexView struct {
	Name, Description, Code, Version string
	Style                            string
	Scale                            string
	Hash                             string
	UnitTypes                        []indexUnitType
	Blocks                           []indexBlock
	Pillars                          []indexPillar
	Bands                            []RankingBand
	Nodes                            []indexNode
	Indicators                       int
}

type indexUnitType struct {
	Code, Name, FormURL string
	Enabled             bool
}

type indexBlock struct {
	Code, Name string
	UnitTypes  []string
	Ranked     bool
}

type indexPillar struct {
	Code, Name string
}

// indexNode is one top-level node of the tree in the overview.
type indexNode struct {
	Code, Name, MaxPoints string
	Indicators            int
}

// indexOverview shows the structure of the default index.
func (s *Server) indexOverview(c *fiber.Ctx) error {
	ix := s.cfg.Index
	if ix == nil {
		return fiber.ErrNotFound
	}
	l := s.localizer(c)
	v := indexView{
		Name:        ix.Name.In(l.Lang),
		Description: ix.Description.In(l.Lang),
		Code:        ix.Code,
		Version:     ix.Version,
		Style:       l.T("index.style." + string(ix.Style)),
		Scale:       l.Num(ix.Scale, 0),
		Hash:        shortHash(ix.Hash),
	}
	utName := map[string]string{}
	for _, ut := range ix.UnitTypes {
		utName[ut.Code] = ut.Name.In(l.Lang)
		v.UnitTypes = append(v.UnitTypes, indexUnitType{
			Code: ut.Code, Name: ut.Name.In(l.Lang), Enabled: ut.Enabled, FormURL: "/index/form/" + ut.Code,
		})
	}
	for _, b := range ix.Blocks {
		ib := indexBlock{Code: b.Code, Name: b.Name.In(l.Lang), Ranked: b.Ranked}
		for _, t := range b.UnitTypes {
			if n, ok := utName[t]; ok {
				ib.UnitTypes = append(ib.UnitTypes, n)
			} else {
				ib.UnitTypes = append(ib.UnitTypes, t)
			}
		}
		v.Blocks = append(v.Blocks, ib)
	}
	for _, p := range ix.Pillars {
		v.Pillars = append(v.Pillars, indexPillar{Code: p.Code, Name: p.Name.In(l.Lang)})
	}
	for i, b := range ix.Bands {
		v.Bands = append(v.Bands, RankingBand{Class: bandClass(i), Name: b.Name.In(l.Lang), Min: l.Num(b.MinPercent, 0)})
	}
	for _, n := range ix.Nodes {
		in := indexNode{Code: n.Code, Name: n.Name.In(l.Lang), Indicators: countIndicators(n)}
		if n.MaxPoints > 0 {
			in.MaxPoints = l.Num(n.MaxPoints, ix.Rounding.PointsDecimals)
		}
		v.Nodes = append(v.Nodes, in)
		v.Indicators += in.Indicators
	}
	p := s.newPage(c, "index.title", "index", v)
	return s.render(c, fiber.StatusOK, "index", p)
}

// formPreviewView is the data of the form preview page.
type formPreviewView struct {
	IndexName    string
	UnitTypeName string
	Form         *FormView
}

// formPreview shows the form a unit of the given type fills, empty and
// unsaved: to check an index before pinning it to a period.
func (s *Server) formPreview(c *fiber.Ctx) error {
	ix := s.cfg.Index
	if ix == nil {
		return fiber.ErrNotFound
	}
	l := s.localizer(c)
	code := c.Params("type")
	var ut *scoring.UnitType
	for i := range ix.UnitTypes {
		if ix.UnitTypes[i].Code == code {
			ut = &ix.UnitTypes[i]
		}
	}
	if ut == nil {
		return fiber.ErrNotFound
	}
	form := BuildForm(ix, FormOptions{
		UnitType:       ut.Code,
		Lang:           l.Lang,
		PointsDecimals: ix.Rounding.PointsDecimals,
		Num:            l.Num,
	})
	p := s.newPage(c, "preview.title", "index", formPreviewView{
		IndexName:    ix.Name.In(l.Lang),
		UnitTypeName: ut.Name.In(l.Lang),
		Form:         form,
	})
	return s.render(c, fiber.StatusOK, "form_preview", p)
}

func countIndicators(n *scoring.Node) int {
	if n.IsIndicator() {
		return 1
	}
	k := 0
	for _, c := range n.Children {
		k += countIndicators(c)
	}
	return k
}

func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}
