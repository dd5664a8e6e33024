package web

import (
	"bytes"
	"context"

	"github.com/gofiber/fiber/v2"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/reports"
	"github.com/dti-platform/dti/scoring"
)

// This file holds the downloads of results that are not the ranking
// workbook: a unit's scorecard (self / appraised / final points with the
// reviewers' reasons and the evidence list) and the raw data of a period
// (every unit × every input, for admins).

// scorecardDownload sends a unit's scorecard of a published period to the
// unit's own roles, reviewers and admins over the unit (signed in: the
// route requires a user).
func (s *Server) scorecardDownload(c *fiber.Ctx) error {
	pb, err := s.loadPublished(c)
	if err != nil {
		return err
	}
	ua, err := s.accessUnit(c, pb.period)
	if err != nil {
		return err
	}
	if !ua.scorecard {
		return assessment.ErrForbidden
	}
	if _, ok := unitResultOf(pb.res, ua.unit.Code); !ok {
		return assessment.ErrNotFound
	}
	ctx := c.UserContext()
	l := s.localizer(c)
	full, err := s.cfg.Store.FindSnapshot(ctx, pb.period.ID, pb.snap.Number)
	if err != nil {
		return err
	}
	in := reports.ScorecardInput{
		Index:       pb.ix,
		Period:      reportPeriod(pb.period),
		UnitCode:    ua.unit.Code,
		UnitName:    scoring.Text{VI: ua.unit.NameVI, EN: ua.unit.NameEN},
		Self:        &full.Results.Self,
		Appraised:   &full.Results.Appraised,
		Final:       &full.Results.Final,
		GeneratedAt: pb.snap.PublishedAt,
		Lang:        l.Lang,
	}
	if err := s.scorecardDetails(ctx, pb.period, ua.unit, &in); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := reports.WriteScorecard(&buf, in); err != nil {
		return err
	}
	return sendAttachment(c, reports.ContentTypeXLSX, l.T("downloads.file_scorecard", pb.period.Code, ua.unit.Code)+".xlsx", "private, no-store", buf.Bytes())
}

// scorecardDetails fills the unit's values, the reviewers' decisions and
// the evidence list of a scorecard from its submission (none: they stay
// empty).
func (s *Server) scorecardDetails(ctx context.Context, p *assessment.Period, unit *assessment.Unit, in *reports.ScorecardInput) error {
	st := s.cfg.Store
	sub, err := st.FindSubmission(ctx, p.ID, unit.ID)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	rows, err := st.FindValues(ctx, sub.ID)
	if err != nil {
		return err
	}
	reviews, err := st.FindReviews(ctx, sub.ID)
	if err != nil {
		return err
	}
	latest := assessment.LatestReviews(reviews)
	in.SelfValues = assessment.ValuesOf(rows)
	in.AppraisedValues = assessment.AppraisedValues(in.SelfValues, latest)
	in.Reviews = make(map[string]reports.Review, len(latest))
	names := map[int64]string{}
	for code, r := range latest {
		name, ok := names[r.ReviewerID]
		if !ok && r.ReviewerID != 0 {
			u, err := st.FindUserByID(ctx, r.ReviewerID)
			switch {
			case err == nil:
				name = u.FullName
			case !isNotFound(err):
				return err
			}
			names[r.ReviewerID] = name
		}
		in.Reviews[code] = reports.Review{Decision: string(r.Decision), Reason: r.Reason, Comment: r.Comment, Reviewer: name}
	}
	ev, err := st.FindEvidence(ctx, sub.ID)
	if err != nil {
		return err
	}
	in.Evidence = map[string][]reports.EvidenceItem{}
	for _, e := range ev {
		in.Evidence[e.Indicator] = append(in.Evidence[e.Indicator], reports.EvidenceItem{
			Kind: string(e.Kind), Name: e.FileName, URL: e.URL, Text: e.Text, Size: e.Size,
		})
	}
	return nil
}

// reportPeriod is the period as the reports name it.
func reportPeriod(p *assessment.Period) reports.Period {
	return reports.Period{Code: p.Code, Name: scoring.Text{VI: p.Name}, Year: p.Year}
}

// unitNames returns every unit's bilingual name by code.
func (s *Server) unitNames(ctx context.Context) (reports.UnitNames, error) {
	units, _, err := s.cfg.Store.FindUnits(ctx, assessment.UnitFilter{})
	if err != nil {
		return nil, err
	}
	names := make(reports.UnitNames, len(units))
	for _, u := range units {
		names[u.Code] = scoring.Text{VI: u.NameVI, EN: u.NameEN}
	}
	return names, nil
}

// rawDataDownload sends every unit's final input values of a period (any
// status: admins check data before publishing) as Excel or CSV. The route
// is for province-wide admins; the export is recorded in the audit log.
func (s *Server) rawDataDownload(format string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		ctx := c.UserContext()
		u := currentUser(c)
		p, ix, err := s.periodFor(c, assessment.ActViewResults)
		if err != nil {
			return err
		}
		ds, err := s.cfg.Store.LoadDataset(ctx, p.ID, assessment.DatasetFinal, ix)
		if err != nil {
			return err
		}
		names, err := s.unitNames(ctx)
		if err != nil {
			return err
		}
		l := s.localizer(c)
		in := reports.RawDataInput{Index: ix, Period: reportPeriod(p), Dataset: ds, Names: names, Lang: l.Lang}
		var buf bytes.Buffer
		name, ctype := l.T("downloads.file_rawdata", p.Code), reports.ContentTypeXLSX
		if format == "csv" {
			err = reports.WriteRawDataCSV(&buf, in)
			name, ctype = name+".csv", reports.ContentTypeCSV
		} else {
			err = reports.WriteRawData(&buf, in)
			name += ".xlsx"
		}
		if err != nil {
			return err
		}
		if err := s.cfg.Store.AddAudit(ctx, &assessment.AuditEntry{
			ActorID: u.ID, ActorName: u.Login, Action: "period.export_raw", Entity: "period", EntityID: p.ID, To: format,
		}); err != nil {
			return err
		}
		return sendAttachment(c, ctype, name, "private, no-store", buf.Bytes())
	}
}

// previewWorkbook sends the ranking workbook (block sheets and the unit ×
// indicator matrix) of the results the period would publish now, computed
// from its final data, to admins who may preview it. Nothing is stored.
func (s *Server) previewWorkbook(c *fiber.Ctx) error {
	p, ix, res, err := s.previewResults(c)
	if err != nil {
		return err
	}
	names, err := s.unitNames(c.UserContext())
	if err != nil {
		return err
	}
	l := s.localizer(c)
	var buf bytes.Buffer
	if err := reports.WriteRanking(&buf, reports.RankingInput{
		Index: ix, Period: reportPeriod(p), Results: res, Names: names,
		GeneratedAt: s.cfg.Now(), Lang: l.Lang, GroupDepth: 1,
	}); err != nil {
		return err
	}
	return sendAttachment(c, reports.ContentTypeXLSX, l.T("downloads.file_preview", p.Code)+".xlsx", "private, no-store", buf.Bytes())
}
