package web

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/scoring"
)

// This file holds the API's read endpoints: periods, units and the
// published results dashboards pull. Numbers are written with the
// index's published decimals (values 0..1 with Rounding.ValueDecimals,
// points with Rounding.PointsDecimals): the figures of the ranking page.

// apiPeriod is a period as the API shows it.
type apiPeriod struct {
	Code     string    `json:"code"`
	Name     string    `json:"name"`
	Year     int       `json:"year"`
	Status   string    `json:"status"`
	Public   bool      `json:"public"`
	Index    apiIndex  `json:"index"`
	OpensAt  *string   `json:"opens_at"`
	ClosesAt *string   `json:"closes_at"`
	Updated  time.Time `json:"updated_at"`
	// ResultsURL is the API address of the published results, when the
	// token may read them.
	ResultsURL string `json:"results_url,omitempty"`
	// Snapshots lists the publications (single period only).
	Snapshots []apiSnapshot `json:"snapshots,omitempty"`
}

type apiIndex struct {
	Code    string `json:"code"`
	Version string `json:"version"`
	Hash    string `json:"hash"`
}

type apiSnapshot struct {
	Number      int       `json:"number"`
	PublishedAt time.Time `json:"published_at"`
	Reason      string    `json:"reason,omitempty"`
}

// apiDate writes a date in ISO form, nil for none.
func apiDate(t time.Time, loc *time.Location) *string {
	if t.IsZero() {
		return nil
	}
	d := t.In(loc).Format("2006-01-02")
	return &d
}

// apiSeesPeriod reports whether the request's user may know of p: staff
// (admins and reviewers of any scope) see every period, others every
// period but drafts (which units do not see either).
func apiSeesPeriod(c *fiber.Ctx, p *assessment.Period) bool {
	if p.Status != assessment.PeriodDraft {
		return true
	}
	a := currentUser(c).Actor
	return a.HasRole(assessment.RoleAdmin) || a.HasRole(assessment.RoleReviewer)
}

// apiFindPeriod loads the period named by the request; a period the user
// may not know of does not exist for them.
func (s *Server) apiFindPeriod(c *fiber.Ctx) (*assessment.Period, error) {
	p, err := s.cfg.Store.FindPeriodByCode(c.UserContext(), c.Params("code"))
	if err != nil {
		return nil, err
	}
	if !apiSeesPeriod(c, p) {
		return nil, assessment.ErrNotFound
	}
	return p, nil
}

func (s *Server) apiPeriodOf(c *fiber.Ctx, p *assessment.Period) apiPeriod {
	ap := apiPeriod{
		Code: p.Code, Name: p.Name, Year: p.Year, Status: string(p.Status), Public: p.Public,
		Index:   apiIndex{Code: p.IndexCode, Version: p.IndexVersion, Hash: p.IndexHash},
		OpensAt: apiDate(p.OpensAt, s.cfg.Location), ClosesAt: apiDate(p.ClosesAt, s.cfg.Location),
		Updated: p.UpdatedAt.UTC(),
	}
	if canSeeResults(c, p) {
		ap.ResultsURL = apiPrefix + "/periods/" + p.Code + "/results"
	}
	return ap
}

// apiPeriods lists the periods the token's user may know of, newest year
// first.
func (s *Server) apiPeriods(c *fiber.Ctx) error {
	ps, _, err := s.cfg.Store.FindPeriods(c.UserContext(), assessment.PeriodFilter{})
	if err != nil {
		return err
	}
	out := []apiPeriod{}
	for _, p := range ps {
		if apiSeesPeriod(c, p) {
			out = append(out, s.apiPeriodOf(c, p))
		}
	}
	return c.JSON(fiber.Map{"periods": out})
}

// apiPeriod shows one period with its publications.
func (s *Server) apiPeriod(c *fiber.Ctx) error {
	p, err := s.apiFindPeriod(c)
	if err != nil {
		return err
	}
	ap := s.apiPeriodOf(c, p)
	if p.Status == assessment.PeriodPublished {
		snaps, err := s.cfg.Store.FindSnapshots(c.UserContext(), p.ID)
		if err != nil {
			return err
		}
		for _, sn := range snaps {
			ap.Snapshots = append(ap.Snapshots, apiSnapshot{Number: sn.Number, PublishedAt: sn.PublishedAt.UTC(), Reason: sn.Reason})
		}
	}
	return c.JSON(ap)
}

// apiUnit is a unit as the API shows it.
type apiUnit struct {
	Code   string `json:"code"`
	NameVI string `json:"name_vi"`
	NameEN string `json:"name_en"`
	Type   string `json:"type"`
	Block  string `json:"block,omitempty"`
	Parent string `json:"parent,omitempty"`
	Active bool   `json:"active"`
}

// apiUnits lists every unit in code order (names and codes are public:
// the published rankings show them).
func (s *Server) apiUnits(c *fiber.Ctx) error {
	units, _, err := s.cfg.Store.FindUnits(c.UserContext(), assessment.UnitFilter{})
	if err != nil {
		return err
	}
	codes := make(map[int64]string, len(units))
	for _, u := range units {
		codes[u.ID] = u.Code
	}
	out := make([]apiUnit, 0, len(units))
	for _, u := range units {
		out = append(out, apiUnit{Code: u.Code, NameVI: u.NameVI, NameEN: u.NameEN, Type: u.Type, Block: u.Block,
			Parent: codes[u.ParentID], Active: u.Active})
	}
	return c.JSON(fiber.Map{"units": out})
}

// apiResultsOf is a published snapshot's header.
type apiResultsHead struct {
	Period      string    `json:"period"`
	Snapshot    int       `json:"snapshot"`
	PublishedAt time.Time `json:"published_at"`
	Index       apiIndex  `json:"index"`
	// Scale is the points of a value of 1 (1000 for a DTI).
	Scale json.Number `json:"scale"`
}

// apiUnitResult is one unit's published result.
type apiUnitResult struct {
	Code  string `json:"code"`
	Name  string `json:"name"`
	Type  string `json:"type"`
	Block string `json:"block"`
	// Total is the points (value × scale plus adjustments).
	Total      json.Number `json:"total"`
	Value      json.Number `json:"value"`
	Adjustment json.Number `json:"adjustment"`
	Rank       *int        `json:"rank"`
	Band       *apiBand    `json:"band"`
	Pillars    []apiNode   `json:"pillars"`
	Groups     []apiNode   `json:"groups"`
	Indicators []apiNode   `json:"indicators,omitempty"`
}

type apiBand struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// apiNode is a pillar, group or indicator result: value and points are
// null when the node does not apply or has no value.
type apiNode struct {
	Code       string       `json:"code"`
	Name       string       `json:"name"`
	Value      *json.Number `json:"value"`
	Points     *json.Number `json:"points"`
	MaxPoints  json.Number  `json:"max_points"`
	Applicable bool         `json:"applicable"`
	Missing    bool         `json:"missing,omitempty"`
}

// apiPublished loads the period's published results when the user may
// see them: published periods only, public ones or (private) the
// token users the site shows them to.
func (s *Server) apiPublished(c *fiber.Ctx) (*assessment.Period, *scoring.Index, *scoring.Results, *assessment.Snapshot, error) {
	p, err := s.apiFindPeriod(c)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	if p.Status != assessment.PeriodPublished {
		return nil, nil, nil, nil, newAPIError(fiber.StatusNotFound, "not_published",
			"Kỳ đánh giá "+p.Code+" chưa công bố kết quả.", "period "+p.Code+" has no published results")
	}
	if !canSeeResults(c, p) {
		return nil, nil, nil, nil, assessment.ErrForbidden
	}
	ix, err := s.periodIndex(c.UserContext(), p)
	if err != nil {
		return nil, nil, nil, nil, err
	}
	var res *scoring.Results
	var snap *assessment.Snapshot
	if q := c.Query("snapshot"); q != "" {
		n, perr := strconv.Atoi(q)
		if perr != nil || n < 1 {
			ae := newAPIError(fiber.StatusUnprocessableEntity, "invalid", "Dữ liệu gửi lên không hợp lệ.", "the request has invalid fields")
			ae.Fields = []apiField{{Field: "snapshot", vi: "Số lần công bố là số nguyên dương.", en: "the snapshot is a positive whole number"}}
			return nil, nil, nil, nil, ae
		}
		res, snap, err = s.snapshotResults(c.UserContext(), p, n)
	} else {
		res, snap, err = s.finalResults(c.UserContext(), p)
	}
	if err != nil {
		return nil, nil, nil, nil, err
	}
	return p, ix, res, snap, nil
}

// snapshotResults returns the final results of the period's snapshot
// number n (an earlier publication), sharing the decoded snapshots'
// cache with finalResults.
func (s *Server) snapshotResults(ctx context.Context, p *assessment.Period, n int) (*scoring.Results, *assessment.Snapshot, error) {
	snaps, err := s.cfg.Store.FindSnapshots(ctx, p.ID)
	if err != nil {
		return nil, nil, err
	}
	i := slices.IndexFunc(snaps, func(sn *assessment.Snapshot) bool { return sn.Number == n })
	if i < 0 {
		return nil, nil, newAPIError(fiber.StatusNotFound, "not_found",
			fmt.Sprintf("Kỳ đánh giá %s không có lần công bố số %d.", p.Code, n), fmt.Sprintf("period %s has no snapshot %d", p.Code, n))
	}
	res, _, err := s.cachedFinal(ctx, p, n)
	if err != nil {
		return nil, nil, err
	}
	return res, snaps[i], nil
}

func apiHead(p *assessment.Period, ix *scoring.Index, snap *assessment.Snapshot) apiResultsHead {
	return apiResultsHead{Period: p.Code, Snapshot: snap.Number, PublishedAt: snap.PublishedAt.UTC(),
		Index: apiIndex{Code: p.IndexCode, Version: p.IndexVersion, Hash: p.IndexHash}, Scale: fixed(ix.Scale, 0)}
}

// fixed writes v with d decimals, as the published tables do.
func fixed(v float64, d int) json.Number {
	return json.Number(strconv.FormatFloat(v, 'f', d, 64))
}

func fixedPtr(v float64, d int) *json.Number {
	n := fixed(v, d)
	return &n
}

// apiUnitResultOf shapes one unit's result; indicators only when asked.
func apiUnitResultOf(ix *scoring.Index, ur *scoring.UnitResult, lang string, indicators bool) apiUnitResult {
	pd, vd := ix.Rounding.PointsDecimals, ix.Rounding.ValueDecimals
	out := apiUnitResult{Code: ur.Code, Name: ur.Name, Type: ur.Type, Block: ur.Block,
		Total: fixed(ur.Points, pd), Value: fixed(ur.Value, vd), Adjustment: fixed(ur.Adjustment, pd),
		Pillars: []apiNode{}, Groups: []apiNode{}}
	if ur.Rank > 0 {
		r := ur.Rank
		out.Rank = &r
	}
	if b, ok := bandOf(ix, ur.Band); ok {
		out.Band = &apiBand{Code: b.Code, Name: b.Name.In(lang)}
	}
	node := func(code string, name scoring.Text, nr scoring.NodeResult) apiNode {
		n := apiNode{Code: code, Name: name.In(lang), MaxPoints: fixed(nr.MaxPoints, pd), Applicable: nr.Applicable, Missing: nr.Missing}
		if nr.Applicable && !nr.Missing {
			n.Value, n.Points = fixedPtr(nr.Value, vd), fixedPtr(nr.Points, pd)
		}
		return n
	}
	for i, p := range ix.Pillars {
		if i < len(ur.Pillars) {
			out.Pillars = append(out.Pillars, node(p.Code, p.Name, ur.Pillars[i]))
		}
	}
	for i, n := range ix.AllNodes() {
		if i >= len(ur.Nodes) {
			break
		}
		switch {
		case !n.IsIndicator():
			out.Groups = append(out.Groups, node(n.Code, n.Name, ur.Nodes[i]))
		case indicators:
			out.Indicators = append(out.Indicators, node(n.Code, n.Name, ur.Nodes[i]))
		}
	}
	return out
}

// bandOf finds a band by code.
func bandOf(ix *scoring.Index, code string) (scoring.Band, bool) {
	for _, b := range ix.Bands {
		if b.Code == code && code != "" {
			return b, true
		}
	}
	return scoring.Band{}, false
}

// apiResults answers the period's published results: every unit's total,
// value, rank, band, pillars and groups, in the snapshot's unit order.
// ?block= keeps one block.
func (s *Server) apiResults(c *fiber.Ctx) error {
	p, ix, res, snap, err := s.apiPublished(c)
	if err != nil {
		return err
	}
	block := c.Query("block")
	if block != "" && !slices.ContainsFunc(res.Units, func(u scoring.UnitResult) bool { return u.Block == block }) {
		ae := newAPIError(fiber.StatusUnprocessableEntity, "invalid", "Dữ liệu gửi lên không hợp lệ.", "the request has invalid fields")
		ae.Fields = []apiField{{Field: "block", vi: "Không có khối " + block + " trong kết quả.", en: "no block " + block + " in the results"}}
		return ae
	}
	l := lang(c)
	// A snapshot never changes: its encoding is kept (a dashboard polls
	// the same results again and again), and a poller that has it gets
	// 304 Not Modified.
	key := strconv.FormatInt(p.ID, 10) + "/" + strconv.Itoa(snap.Number) + "/" + l + "/" + block
	etag := `"` + strings.ReplaceAll(key, "/", "-") + `"`
	c.Set(fiber.HeaderETag, etag)
	if c.Get(fiber.HeaderIfNoneMatch) == etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	b, err := s.api.results.get(key, s.cfg.Dev, func() ([]byte, error) {
		units := []apiUnitResult{}
		for i := range res.Units {
			if block != "" && res.Units[i].Block != block {
				continue
			}
			units = append(units, apiUnitResultOf(ix, &res.Units[i], l, false))
		}
		return json.Marshal(struct {
			apiResultsHead
			Units []apiUnitResult `json:"units"`
		}{apiHead(p, ix, snap), units})
	})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(b)
}

// apiUnitResults answers one unit's published result with its
// indicators, under the profile page's rule.
func (s *Server) apiUnitResults(c *fiber.Ctx) error {
	p, ix, res, snap, err := s.apiPublished(c)
	if err != nil {
		return err
	}
	ua, err := s.accessUnit(c, p)
	if err != nil {
		return err
	}
	if !ua.profile {
		return assessment.ErrForbidden
	}
	ur, ok := unitResultOf(res, ua.unit.Code)
	if !ok {
		return newAPIError(fiber.StatusNotFound, "not_found",
			"Đơn vị "+ua.unit.Code+" không có trong kết quả đã công bố.", "unit "+ua.unit.Code+" is not in the published results")
	}
	return c.JSON(struct {
		apiResultsHead
		Unit apiUnitResult `json:"unit"`
	}{apiHead(p, ix, snap), apiUnitResultOf(ix, ur, lang(c), true)})
}
