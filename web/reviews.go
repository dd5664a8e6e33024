package web

import (
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/scoring"
)

// reviewQueueView is the appraisal council's queue of forms.
type reviewQueueView struct {
	Items []reviewItem
	// Counts are the forms per status the user appraises (before the
	// filters), with a link that selects the status.
	Counts []reviewCount
	Filter reviewFilter
	// Options of the filters, from the periods' indexes.
	Statuses, Blocks, Types, Pillars []reviewOption
	// Bulk is the outcome of the last bulk approval, nil if none.
	Bulk *bulkOutcome
	// CanBulk: some listed form may be approved by the user now.
	CanBulk bool
}

type reviewItem struct {
	ID, Version               int64
	PeriodName, UnitName, URL string
	ReviewURL                 string
	StatusKey, StatusClass    string
	SubmittedAt               string
	Round                     int
	BlockName, TypeName       string
	// Decided is "decisions of this round / indicators".
	Decided string
	// Approvable: the user may approve the form now (a bulk checkbox).
	Approvable bool

	submitted time.Time
	unitCode  string
}

type reviewCount struct {
	Status, Key, URL string
	Count            int
	Current          bool
}

type reviewOption struct {
	Value, Label string
	Selected     bool
}

// reviewFilter is the queue's query: status ("waiting" for submitted
// and resubmitted, "all", or one status), block, unit type, pillar (forms
// with an indicator of the pillar not yet decided in this round) and sort
// ("old": oldest submission first, "new").
type reviewFilter struct {
	Status, Block, Type, Pillar, Sort string
}

// queueStatuses are the statuses the queue lists; drafts stay with the
// units.
var queueStatuses = []assessment.SubmissionStatus{assessment.SubmissionSubmitted, assessment.SubmissionResubmitted,
	assessment.SubmissionReturned, assessment.SubmissionApproved}

// reviewQueue lists the forms of open and closed periods that the user
// appraises (reviewers and admins over the unit), by status, with filters
// and counts per status.
func (s *Server) reviewQueue(c *fiber.Ctx) error {
	ctx := c.UserContext()
	u := currentUser(c)
	a := u.Actor
	if !a.HasRole(assessment.RoleReviewer) && !a.HasRole(assessment.RoleAdmin) {
		return fiber.ErrForbidden
	}
	l := s.localizer(c)
	f := reviewFilter{Status: c.Query("status", "waiting"), Block: c.Query("block"), Type: c.Query("type"),
		Pillar: c.Query("pillar"), Sort: c.Query("sort", "old")}
	if f.Sort != "new" {
		f.Sort = "old"
	}
	periods, _, err := s.cfg.Store.FindPeriods(ctx, assessment.PeriodFilter{})
	if err != nil {
		return err
	}
	v := reviewQueueView{Filter: f}
	counts := map[assessment.SubmissionStatus]int{}
	blocks, types, pillars := map[string]string{}, map[string]string{}, map[string]string{}
	var blockOrder, typeOrder, pillarOrder []string
	// Every unit once, rather than one query per form.
	all, _, err := s.cfg.Store.FindUnits(ctx, assessment.UnitFilter{})
	if err != nil {
		return err
	}
	units := make(map[int64]*assessment.Unit, len(all))
	for _, u := range all {
		units[u.ID] = u
	}
	now := s.cfg.Now()
	for _, p := range periods {
		if p.Status != assessment.PeriodOpen && p.Status != assessment.PeriodClosed {
			continue
		}
		ix, err := s.periodIndex(ctx, p)
		if err != nil {
			return err
		}
		for _, b := range ix.Blocks {
			if _, ok := blocks[b.Code]; !ok {
				blocks[b.Code], blockOrder = b.Name.In(l.Lang), append(blockOrder, b.Code)
			}
		}
		for _, t := range ix.UnitTypes {
			if _, ok := types[t.Code]; !ok {
				types[t.Code], typeOrder = t.Name.In(l.Lang), append(typeOrder, t.Code)
			}
		}
		for _, pl := range ix.Pillars {
			if _, ok := pillars[pl.Code]; !ok {
				pillars[pl.Code], pillarOrder = pl.Name.In(l.Lang), append(pillarOrder, pl.Code)
			}
		}
		id := p.ID
		subs, _, err := s.cfg.Store.FindSubmissions(ctx, assessment.SubmissionFilter{PeriodID: &id, Statuses: queueStatuses})
		if err != nil {
			return err
		}
		// The decisions of every form of the period in one read, rather
		// than one query per form.
		ids := make([]int64, len(subs))
		for i, sub := range subs {
			ids[i] = sub.ID
		}
		latest, err := s.cfg.Store.FindLatestReviews(ctx, ids)
		if err != nil {
			return err
		}
		for _, sub := range subs {
			unit := units[sub.UnitID]
			if unit == nil {
				if unit, err = s.cfg.Store.FindUnitByID(ctx, sub.UnitID); err != nil {
					return err
				}
				units[sub.UnitID] = unit
			}
			anc, err := s.ancestors(ctx, a, unit)
			if err != nil {
				return err
			}
			if !a.HasRoleFor(assessment.RoleReviewer, unit.ID, anc) && !a.HasRoleFor(assessment.RoleAdmin, unit.ID, anc) {
				continue
			}
			counts[sub.Status]++
			if !statusMatches(f.Status, sub.Status) {
				continue
			}
			block := unitBlock(ix, unit)
			if f.Block != "" && block != f.Block || f.Type != "" && unit.Type != f.Type {
				continue
			}
			decided, total, open := decisionProgress(ix, unit, sub, latest[sub.ID], f.Pillar)
			if f.Pillar != "" && open == 0 {
				continue
			}
			item := reviewItem{
				ID: sub.ID, Version: sub.Version,
				PeriodName: p.Name, UnitName: unit.Name(l.Lang), URL: formBase(p.Code, unit.Code),
				ReviewURL: formBase(p.Code, unit.Code) + "/review",
				StatusKey: "status." + string(sub.Status), StatusClass: "status-" + string(sub.Status),
				SubmittedAt: l.DateTime(sub.SubmittedAt), Round: sub.Round,
				Decided:   strconv.Itoa(decided) + "/" + strconv.Itoa(total),
				submitted: sub.SubmittedAt, unitCode: unit.Code,
			}
			if b, ok := ix.Block(block); ok {
				item.BlockName = b.Name.In(l.Lang)
			}
			if t, ok := ix.UnitType(unit.Type); ok {
				item.TypeName = t.Name.In(l.Lang)
			}
			_, aerr := assessment.CheckSubmissionAction(a, p, sub, assessment.SubmissionChange{Action: assessment.ActApprove, At: now, Ancestors: anc})
			item.Approvable = aerr == nil
			v.CanBulk = v.CanBulk || item.Approvable
			v.Items = append(v.Items, item)
		}
	}
	sort.SliceStable(v.Items, func(i, j int) bool {
		x, y := v.Items[i], v.Items[j]
		if !x.submitted.Equal(y.submitted) {
			if f.Sort == "new" {
				return x.submitted.After(y.submitted)
			}
			return x.submitted.Before(y.submitted)
		}
		return x.unitCode < y.unitCode
	})
	q := func(status string) string {
		vals := url.Values{"status": {status}}
		for k, val := range map[string]string{"block": f.Block, "type": f.Type, "pillar": f.Pillar, "sort": f.Sort} {
			if val != "" {
				vals.Set(k, val)
			}
		}
		return "/reviews?" + vals.Encode()
	}
	waiting := counts[assessment.SubmissionSubmitted] + counts[assessment.SubmissionResubmitted]
	v.Counts = append(v.Counts, reviewCount{Status: "waiting", Key: "reviews.status.waiting", URL: q("waiting"), Count: waiting, Current: f.Status == "waiting"})
	total := 0
	for _, st := range queueStatuses {
		v.Counts = append(v.Counts, reviewCount{Status: string(st), Key: "status." + string(st), URL: q(string(st)), Count: counts[st], Current: f.Status == string(st)})
		total += counts[st]
	}
	v.Counts = append(v.Counts, reviewCount{Status: "all", Key: "reviews.status.all", URL: q("all"), Count: total, Current: f.Status == "all"})
	for _, cnt := range v.Counts {
		v.Statuses = append(v.Statuses, reviewOption{Value: cnt.Status, Label: l.T(cnt.Key), Selected: cnt.Current})
	}
	opts := func(order []string, names map[string]string, cur string) []reviewOption {
		var out []reviewOption
		for _, code := range order {
			out = append(out, reviewOption{Value: code, Label: names[code], Selected: code == cur})
		}
		return out
	}
	v.Blocks, v.Types, v.Pillars = opts(blockOrder, blocks, f.Block), opts(typeOrder, types, f.Type), opts(pillarOrder, pillars, f.Pillar)
	bulk, err := s.takeBulkOutcome(c, a, l)
	if err != nil {
		return err
	}
	v.Bulk = bulk
	return s.render(c, fiber.StatusOK, "reviews", s.newPage(c, "reviews.title", "reviews", v))
}

// statusMatches applies the queue's status filter.
func statusMatches(filter string, st assessment.SubmissionStatus) bool {
	switch filter {
	case "all":
		return true
	case "waiting", "":
		return st == assessment.SubmissionSubmitted || st == assessment.SubmissionResubmitted
	}
	return filter == string(st)
}

// unitBlock is the unit's ranking block: its own, or the first block of
// the index that takes its type.
func unitBlock(ix *scoring.Index, unit *assessment.Unit) string {
	if unit.Block != "" {
		return unit.Block
	}
	for _, b := range ix.Blocks {
		if slices.Contains(b.UnitTypes, unit.Type) {
			return b.Code
		}
	}
	return ""
}

// decisionProgress counts the indicators of the unit decided in the
// submission's current round, the indicators, and (when pillar is set)
// those of the pillar still undecided in this round. latest is the
// submission's latest decision per indicator (Store.FindLatestReviews).
func decisionProgress(ix *scoring.Index, unit *assessment.Unit, sub *assessment.Submission, latest map[string]*assessment.Review, pillar string) (decided, total, open int) {
	this := map[string]bool{}
	for code, r := range latest {
		// The latest decision is of the current round when one was made
		// in it.
		if r.Round == sub.Round {
			this[code] = true
		}
	}
	nodes := ix.IndicatorsFor(unit.Type)
	for _, n := range ix.Adjustments {
		if ix.Applies(n, unit.Type) {
			nodes = append(nodes, n)
		}
	}
	for _, n := range nodes {
		total++
		if this[n.Code] {
			decided++
		} else if pillar != "" && slices.Contains(n.Pillars, pillar) {
			open++
		}
	}
	return decided, total, open
}

// reviewActions says which appraisal decisions the form page offers at
// time now: those the workflow allows the user.
func reviewActions(fc *formCtx, now time.Time) (approve, ret bool) {
	if fc.sub == nil {
		return false, false
	}
	ch := assessment.SubmissionChange{Action: assessment.ActApprove, At: now, Ancestors: fc.ancestors}
	_, errA := assessment.CheckSubmissionAction(fc.actor, fc.period, fc.sub, ch)
	ch.Action, ch.Comment = assessment.ActReturn, "x"
	_, errR := assessment.CheckSubmissionAction(fc.actor, fc.period, fc.sub, ch)
	return errA == nil, errR == nil
}

// reviewDecision approves a submitted form or returns it to the unit with
// a comment. The workflow rule runs again inside the store's transaction.
func (s *Server) reviewDecision(act assessment.Action) fiber.Handler {
	return func(c *fiber.Ctx) error {
		fc, err := s.loadForm(c, false)
		if err != nil {
			return err
		}
		if fc.sub == nil {
			return assessment.ErrNotFound
		}
		version, ok := parseVersion(c.FormValue("version"))
		if !ok {
			return fiber.ErrBadRequest
		}
		ch := assessment.SubmissionChange{Action: act, At: s.cfg.Now(), Ancestors: fc.ancestors,
			Comment: strings.TrimSpace(c.FormValue("comment"))}
		to, err := assessment.CheckSubmissionAction(fc.actor, fc.period, fc.sub, ch)
		if err != nil {
			// From the appraisal page, a return without a comment shows
			// the page again with the message next to the comment.
			if act == assessment.ActReturn && isInvalid(err) && c.FormValue("from") == "review" && fc.canReview && fc.sub.Round > 0 {
				return s.renderAppraisal(c, fc, fiber.StatusUnprocessableEntity, appraisalExtras{
					returnError: domainMessage(err, s.localizer(c).Lang)})
			}
			return err
		}
		if err := s.transitionForm(c, fc, version, to, ch); err != nil {
			return err
		}
		s.setFlash(c, "flash.review_"+string(act))
		return c.Redirect("/reviews", fiber.StatusSeeOther)
	}
}
