package web

import (
	"bytes"
	"context"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/reports"
)

// Audit log pages: province-wide admins read and export who changed what,
// when, from what, to what and why.

const (
	// auditPerPage is the page size of the audit log.
	auditPerPage = 50
	// auditExportMax is the most entries one export holds (the store's
	// cap on one query).
	auditExportMax = 10000
	// actionAuditExported is recorded when an admin exports the log.
	actionAuditExported = "audit.exported"
)

// auditActions are the actions offered by the filter: families (a prefix
// ending in ".") then exact actions.
var auditActions = []string{
	"unit.", "user.", "period.", "submission.", "value.", "evidence.", "review.", "token.",
	assessment.ActionUnitCreated, assessment.ActionUnitUpdated,
	assessment.ActionUserCreated, assessment.ActionUserUpdated, assessment.ActionUserPassword, assessment.ActionUserLogin,
	assessment.ActionSessionsRevoked,
	assessment.ActionPeriodCreated, assessment.ActionPeriodUpdated, assessment.ActionPeriodStatus, assessment.ActionPeriodPublished,
	assessment.ActionSubmissionCreated, assessment.ActionSubmissionStatus,
	assessment.ActionValueSet, assessment.ActionValueCleared,
	assessment.ActionEvidenceAdded, assessment.ActionEvidenceDeleted, assessment.ActionReviewDecided,
	assessment.ActionTokenCreated, assessment.ActionTokenRevoked, actionAuditExported,
}

// auditQuery is the parsed filter of the audit pages.
type auditQuery struct {
	Actor, Unit, Period, Action, From, To string
	Errors                                map[string]string
	filter                                assessment.AuditFilter
	// none: a filter names nobody (unknown user): nothing matches.
	none bool
}

// values returns the filter as query parameters.
func (q *auditQuery) values() url.Values {
	return url.Values{"actor": {q.Actor}, "unit": {q.Unit}, "period": {q.Period}, "action": {q.Action}, "from": {q.From}, "to": {q.To}}
}

// parseAuditQuery reads the filter; unknown names and bad dates are
// reported next to their fields.
func (s *Server) parseAuditQuery(c *fiber.Ctx) (*auditQuery, error) {
	ctx := c.UserContext()
	l := s.localizer(c)
	q := &auditQuery{
		Actor: strings.TrimSpace(c.Query("actor")), Unit: strings.TrimSpace(c.Query("unit")),
		Period: strings.TrimSpace(c.Query("period")), Action: strings.TrimSpace(c.Query("action")),
		From: strings.TrimSpace(c.Query("from")), To: strings.TrimSpace(c.Query("to")), Errors: map[string]string{},
	}
	if q.Actor != "" {
		u, err := s.cfg.Store.FindUserByUsername(ctx, q.Actor)
		switch {
		case isNotFound(err):
			q.Errors["actor"] = l.T("admin.audit.actor_unknown")
		case err != nil:
			return nil, err
		default:
			q.filter.ActorID = &u.ID
		}
	}
	if q.Unit != "" {
		u, err := s.cfg.Store.FindUnitByCode(ctx, q.Unit)
		switch {
		case isNotFound(err):
			q.Errors["unit"] = l.T("admin.users.unit_unknown")
		case err != nil:
			return nil, err
		default:
			q.filter.UnitID = &u.ID
		}
	}
	if q.Period != "" {
		p, err := s.cfg.Store.FindPeriodByCode(ctx, q.Period)
		switch {
		case isNotFound(err):
			q.Errors["period"] = l.T("admin.audit.period_unknown")
		case err != nil:
			return nil, err
		default:
			q.filter.PeriodID = &p.ID
		}
	}
	if q.Action != "" {
		if !validAuditAction(q.Action) {
			q.Errors["action"] = l.T("admin.audit.action_bad")
		}
		q.filter.Action = q.Action
	}
	// Dates are whole days in the platform's time zone: from the first
	// second of From to the last of To.
	for _, d := range []struct {
		text, field string
		dst         *time.Time
		add         time.Duration
	}{{q.From, "from", &q.filter.From, 0}, {q.To, "to", &q.filter.To, 24 * time.Hour}} {
		if d.text == "" {
			continue
		}
		t, err := time.ParseInLocation("2006-01-02", d.text, s.cfg.Location)
		if err != nil {
			q.Errors[d.field] = l.T("admin.period_new.bad_date")
			continue
		}
		*d.dst = t.Add(d.add)
	}
	if !q.filter.From.IsZero() && !q.filter.To.IsZero() && !q.filter.To.After(q.filter.From) {
		q.Errors["to"] = l.T("admin.audit.range_bad")
	}
	q.none = len(q.Errors) > 0
	return q, nil
}

// validAuditAction accepts action codes: lower-case letters, digits, '_'
// and '.'.
func validAuditAction(a string) bool {
	if len(a) > 64 {
		return false
	}
	for _, r := range a {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// adminAuditView is the audit log page.
type adminAuditView struct {
	Q       *auditQuery
	Actions []codeOption
	Units   []unitOption
	Periods []codeOption
	Rows    []auditRow
	Total   int
	Pager   pager
	// ExportQuery is the filter for the export links.
	ExportQuery string
	TooMany     bool
	// Labels name the columns on each row of the phone layout.
	Labels struct{ At, Actor, Action, Entity, Unit, Period, Change, Reason string }
}

type auditRow struct {
	At, Actor, Action, Entity, Unit, Period, Field, From, To, Reason string
}

// adminAudit shows the audit log, newest first, filtered and paged.
func (s *Server) adminAudit(c *fiber.Ctx) error {
	ctx := c.UserContext()
	l := s.localizer(c)
	q, err := s.parseAuditQuery(c)
	if err != nil {
		return err
	}
	v := adminAuditView{Q: q}
	v.Labels.At, v.Labels.Actor, v.Labels.Action, v.Labels.Entity = l.T("admin.audit.at"), l.T("admin.audit.actor"), l.T("admin.audit.action"), l.T("admin.audit.entity")
	v.Labels.Unit, v.Labels.Period, v.Labels.Change, v.Labels.Reason = l.T("admin.users.unit"), l.T("admin.imports.period"), l.T("admin.audit.change"), l.T("admin.audit.reason")
	for _, a := range auditActions {
		label := a
		if strings.HasSuffix(a, ".") {
			label = l.T("admin.audit.family", strings.TrimSuffix(a, "."))
		}
		v.Actions = append(v.Actions, codeOption{Code: a, Label: label, Selected: a == q.Action})
	}
	names, err := s.auditNames(ctx)
	if err != nil {
		return err
	}
	tree, err := s.cfg.Store.UnitTree(ctx)
	if err != nil {
		return err
	}
	v.Units = unitOptions((&adminScope{all: true, tree: tree}).units(), l.Lang, q.Unit, nil)
	for _, code := range names.periodOrder {
		v.Periods = append(v.Periods, codeOption{Code: code, Label: code, Selected: code == q.Period})
	}
	page := pageParam(c)
	if !q.none {
		f := q.filter
		f.Offset, f.Limit = (page-1)*auditPerPage, auditPerPage
		entries, total, err := s.cfg.Store.FindAudit(ctx, f)
		if err != nil {
			return err
		}
		v.Total = total
		for _, e := range entries {
			re := names.entry(e, s.cfg.Location)
			v.Rows = append(v.Rows, auditRow{
				At: l.DateTime(e.At), Actor: re.Actor, Action: re.Action, Entity: re.Entity + " " + re.EntityID,
				Unit: re.Unit, Period: re.Period, Field: re.Field, From: re.From, To: re.To, Reason: re.Reason,
			})
		}
	}
	v.Pager = newPager(v.Total, auditPerPage, page, "/admin/audit", q.values())
	v.Pager.localize(l)
	v.ExportQuery = encodeNonEmpty(q.values())
	v.TooMany = v.Total > auditExportMax
	status := fiber.StatusOK
	if q.none {
		status = fiber.StatusUnprocessableEntity
	}
	return s.render(c, status, "admin_audit", s.newPage(c, "admin.audit.title", "admin_audit", v))
}

// encodeNonEmpty encodes the non-empty parameters, with a leading "?"
// when there are any.
func encodeNonEmpty(q url.Values) string {
	v := url.Values{}
	for k, vs := range q {
		if len(vs) > 0 && vs[0] != "" {
			v.Set(k, vs[0])
		}
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

// auditNameBook turns the IDs of audit entries into codes.
type auditNameBook struct {
	units       map[int64]string
	periods     map[int64]string
	periodOrder []string
}

func (s *Server) auditNames(ctx context.Context) (*auditNameBook, error) {
	b := &auditNameBook{units: map[int64]string{}, periods: map[int64]string{}}
	units, _, err := s.cfg.Store.FindUnits(ctx, assessment.UnitFilter{})
	if err != nil {
		return nil, err
	}
	for _, u := range units {
		b.units[u.ID] = u.Code
	}
	ps, _, err := s.cfg.Store.FindPeriods(ctx, assessment.PeriodFilter{})
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		b.periods[p.ID] = p.Code
		b.periodOrder = append(b.periodOrder, p.Code)
	}
	return b, nil
}

// entry converts a stored entry for the exports (and the page).
func (b *auditNameBook) entry(e *assessment.AuditEntry, loc *time.Location) reports.AuditEntry {
	re := reports.AuditEntry{
		At: e.At.In(loc), Actor: e.ActorName, Action: e.Action, Entity: e.Entity,
		Field: e.Field, From: e.From, To: e.To, Reason: e.Reason,
	}
	if e.EntityID != 0 {
		re.EntityID = strconv.FormatInt(e.EntityID, 10)
	}
	if e.UnitID != 0 {
		re.Unit = b.units[e.UnitID]
	}
	if e.PeriodID != 0 {
		re.Period = b.periods[e.PeriodID]
	}
	return re
}

// auditExport downloads the filtered log (at most auditExportMax
// entries, newest first) as CSV (UTF-8 with a BOM; cells that could run
// as a formula are defused) or as an Excel workbook. The export itself is
// recorded in the log.
func (s *Server) auditExport(c *fiber.Ctx) error {
	ctx := c.UserContext()
	format := c.Params("format")
	if format != "csv" && format != "xlsx" {
		return fiber.ErrNotFound
	}
	q, err := s.parseAuditQuery(c)
	if err != nil {
		return err
	}
	if q.none {
		return assessment.NewError(assessment.ErrInvalid, "audit.filter",
			"Bộ lọc nhật ký không hợp lệ.", "the audit log filter is not valid")
	}
	f := q.filter
	f.Limit = auditExportMax
	entries, _, err := s.cfg.Store.FindAudit(ctx, f)
	if err != nil {
		return err
	}
	names, err := s.auditNames(ctx)
	if err != nil {
		return err
	}
	l := s.localizer(c)
	in := reports.AuditInput{Location: s.cfg.Location, Lang: l.Lang, Entries: make([]reports.AuditEntry, 0, len(entries))}
	for _, e := range entries {
		in.Entries = append(in.Entries, names.entry(e, s.cfg.Location))
	}
	var buf bytes.Buffer
	ctype := reports.ContentTypeCSV
	if format == "csv" {
		err = reports.WriteAuditCSV(&buf, in)
	} else {
		ctype = reports.ContentTypeXLSX
		err = reports.WriteAudit(&buf, in)
	}
	if err != nil {
		return err
	}
	u := currentUser(c)
	if err := s.cfg.Store.AddAudit(ctx, &assessment.AuditEntry{
		ActorID: u.ID, ActorName: u.Login, Action: actionAuditExported, Entity: "audit",
		Field: format, To: strconv.Itoa(len(entries)), Reason: strings.TrimPrefix(encodeNonEmpty(q.values()), "?"),
	}); err != nil {
		return err
	}
	name := l.T("admin.audit.file_name", s.cfg.Now().In(s.cfg.Location).Format("2006-01-02")) + "." + format
	return sendAttachment(c, ctype, name, "no-store", buf.Bytes())
}
