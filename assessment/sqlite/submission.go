package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/scoring"
)

const submissionColumns = `s.id, s.period_id, s.unit_id, s.status, s.version, s.round, s.submitted_at, s.submitted_by,
	s.approved_at, s.approved_by, s.created_at, s.updated_at, s.updated_by`

func scanSubmission(sc interface{ Scan(...any) error }) (*assessment.Submission, error) {
	s := &assessment.Submission{}
	var status string
	err := sc.Scan(&s.ID, &s.PeriodID, &s.UnitID, &status, &s.Version, &s.Round, timeDest{&s.SubmittedAt}, idDest{&s.SubmittedBy},
		timeDest{&s.ApprovedAt}, idDest{&s.ApprovedBy}, timeDest{&s.CreatedAt}, timeDest{&s.UpdatedAt}, idDest{&s.UpdatedBy})
	s.Status = assessment.SubmissionStatus(status)
	return s, err
}

// qSubmissionByID reads one submission (hot path of saves).
const qSubmissionByID = "SELECT " + submissionColumns + " FROM submissions s WHERE s.id = ?"

func findSubmission(ctx context.Context, q queryer, cond string, args ...any) (*assessment.Submission, error) {
	if cond == "s.id = ?" {
		return scanSubmission(q.QueryRowContext(ctx, qSubmissionByID, args...))
	}
	return scanSubmission(q.QueryRowContext(ctx, "SELECT "+submissionColumns+" FROM submissions s WHERE "+cond, args...))
}

// createSubmission inserts a draft submission for the unit.
func createSubmission(ctx context.Context, x *tx, periodID, unitID int64) (*assessment.Submission, error) {
	s := &assessment.Submission{PeriodID: periodID, UnitID: unitID, Status: assessment.SubmissionDraft, Version: 1,
		CreatedAt: x.now, UpdatedAt: x.now, UpdatedBy: x.actor.ID}
	err := x.QueryRowContext(ctx, `INSERT INTO submissions (period_id, unit_id, status, version, round, created_at, updated_at, updated_by)
		VALUES (?, ?, ?, ?, 0, ?, ?, ?) RETURNING id`, periodID, unitID, string(s.Status), s.Version, x.now, x.now, nullID(x.actor.ID)).Scan(&s.ID)
	if err != nil {
		return nil, translate(err, fmt.Sprintf("create submission of unit %d in period %d", unitID, periodID))
	}
	return s, x.audit(ctx, assessment.AuditEntry{Action: assessment.ActionSubmissionCreated, Entity: "submission", EntityID: s.ID,
		UnitID: unitID, PeriodID: periodID, Field: "status", To: string(s.Status)})
}

// EnsureSubmission returns the unit's submission, creating a draft.
func (db *DB) EnsureSubmission(ctx context.Context, actor assessment.Actor, periodID, unitID int64) (*assessment.Submission, error) {
	// Most calls find an existing row: try the read pool first so form
	// views do not queue behind writers.
	if s, err := findSubmission(ctx, db.read, "s.period_id = ? AND s.unit_id = ?", periodID, unitID); err == nil {
		return s, nil
	}
	var out *assessment.Submission
	err := db.update(ctx, actor, func(x *tx) error {
		s, err := findSubmission(ctx, x, "s.period_id = ? AND s.unit_id = ?", periodID, unitID)
		if err == nil {
			out = s
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return translate(err, "find submission")
		}
		if _, err := findPeriodMeta(ctx, x, periodID); err != nil {
			return translate(err, fmt.Sprintf("period %d", periodID))
		}
		if _, err := findUnit(ctx, x, "id = ?", unitID); err != nil {
			return translate(err, fmt.Sprintf("unit %d", unitID))
		}
		out, err = createSubmission(ctx, x, periodID, unitID)
		return err
	})
	return out, err
}

// FindSubmissionByID returns the submission or ErrNotFound.
func (db *DB) FindSubmissionByID(ctx context.Context, id int64) (*assessment.Submission, error) {
	s, err := findSubmission(ctx, db.read, "s.id = ?", id)
	return s, translate(err, fmt.Sprintf("find submission %d", id))
}

// FindSubmission returns the unit's submission for the period or
// ErrNotFound.
func (db *DB) FindSubmission(ctx context.Context, periodID, unitID int64) (*assessment.Submission, error) {
	s, err := findSubmission(ctx, db.read, "s.period_id = ? AND s.unit_id = ?", periodID, unitID)
	return s, translate(err, fmt.Sprintf("find submission of unit %d in period %d", unitID, periodID))
}

// FindSubmissions returns matching submissions by unit code.
func (db *DB) FindSubmissions(ctx context.Context, f assessment.SubmissionFilter) ([]*assessment.Submission, int, error) {
	w := &where{}
	if f.PeriodID != nil {
		w.add("s.period_id = ?", *f.PeriodID)
	}
	if f.UnitID != nil {
		w.add("s.unit_id = ?", *f.UnitID)
	}
	if f.Status != nil {
		w.add("s.status = ?", string(*f.Status))
	}
	if f.Statuses != nil {
		args := make([]any, len(f.Statuses))
		for i, st := range f.Statuses {
			args[i] = string(st)
		}
		w.add("s.status IN "+inList(len(args)), args...)
	}
	if f.UnitIDs != nil {
		args := make([]any, len(f.UnitIDs))
		for i, id := range f.UnitIDs {
			args[i] = id
		}
		w.add("s.unit_id IN "+inList(len(args)), args...)
	}
	var out []*assessment.Submission
	var total int
	err := db.view(ctx, func(t *sql.Tx) error {
		if err := t.QueryRowContext(ctx, "SELECT COUNT(*) FROM submissions s"+w.String(), w.args...).Scan(&total); err != nil {
			return err
		}
		rows, err := t.QueryContext(ctx, "SELECT "+submissionColumns+" FROM submissions s JOIN units u ON u.id = s.unit_id"+
			w.String()+" ORDER BY u.code, s.period_id"+page(f.Offset, f.Limit), w.args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			s, err := scanSubmission(rows)
			if err != nil {
				return err
			}
			out = append(out, s)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, 0, translate(err, "find submissions")
	}
	return out, total, nil
}

// invalidVersion is the error for a negative expected version given by a
// caller: only the store itself skips the version check.
func invalidVersion(v int64) error {
	return &assessment.ValidationError{Fields: []assessment.FieldError{{Field: "version",
		VI: fmt.Sprintf("Phiên bản hồ sơ %d không hợp lệ.", v), EN: fmt.Sprintf("invalid submission version %d", v)}}}
}

// loadForChange reads a submission with its period and unit inside a
// write transaction and checks the expected version (version < 0 skips
// the check: only for the store's own callers, never a caller's value).
func loadForChange(ctx context.Context, x *tx, id, version int64) (*assessment.Period, *assessment.Unit, *assessment.Submission, error) {
	s, err := findSubmission(ctx, x, "s.id = ?", id)
	if err != nil {
		return nil, nil, nil, translate(err, fmt.Sprintf("submission %d", id))
	}
	if version >= 0 && s.Version != version {
		return nil, nil, nil, assessment.ConflictError("submission")
	}
	p, err := findPeriodMeta(ctx, x, s.PeriodID)
	if err != nil {
		return nil, nil, nil, translate(err, fmt.Sprintf("period %d", s.PeriodID))
	}
	u, err := findUnit(ctx, x, "id = ?", s.UnitID)
	if err != nil {
		return nil, nil, nil, translate(err, fmt.Sprintf("unit %d", s.UnitID))
	}
	return p, u, s, nil
}

const qBumpSubmission = `UPDATE submissions SET status = ?, version = ?, round = ?, submitted_at = ?, submitted_by = ?,
	approved_at = ?, approved_by = ?, updated_at = ?, updated_by = ? WHERE id = ? AND version = ?`

// bumpSubmission increases the version and records who changed it.
func bumpSubmission(ctx context.Context, x *tx, s *assessment.Submission) error {
	s.Version++
	s.UpdatedAt, s.UpdatedBy = x.now, x.actor.ID
	res, err := x.ExecContext(ctx, qBumpSubmission,
		string(s.Status), s.Version, s.Round, nullTime(s.SubmittedAt), nullID(s.SubmittedBy), nullTime(s.ApprovedAt),
		nullID(s.ApprovedBy), x.now, nullID(x.actor.ID), s.ID, s.Version-1)
	if err != nil {
		return translate(err, fmt.Sprintf("update submission %d", s.ID))
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return assessment.ConflictError("submission")
	}
	return nil
}

// TransitionSubmission moves a submission to another status.
func (db *DB) TransitionSubmission(ctx context.Context, actor assessment.Actor, t assessment.Transition) (*assessment.Submission, error) {
	if !t.To.Valid() {
		return nil, &assessment.ValidationError{Fields: []assessment.FieldError{{Field: "status",
			VI: "Trạng thái hồ sơ không hợp lệ.", EN: "unknown submission status"}}}
	}
	if t.Version < 0 {
		return nil, invalidVersion(t.Version)
	}
	var out *assessment.Submission
	err := db.update(ctx, actor, func(x *tx) error {
		p, u, s, err := loadForChange(ctx, x, t.SubmissionID, t.Version)
		if err != nil {
			return err
		}
		if t.Check != nil {
			if err := t.Check(p, u, s); err != nil {
				return err
			}
		}
		if s.Status == t.To {
			return assessment.NewError(assessment.ErrInvalid, "submission.same_status",
				"Hồ sơ đã ở trạng thái này.", "the submission already has status "+string(t.To), string(t.To))
		}
		from := s.Status
		s.Status = t.To
		switch t.To {
		case assessment.SubmissionSubmitted, assessment.SubmissionResubmitted:
			s.Round++
			s.SubmittedAt, s.SubmittedBy = x.now, x.actor.ID
			s.ApprovedAt, s.ApprovedBy = time.Time{}, 0
		case assessment.SubmissionApproved:
			s.ApprovedAt, s.ApprovedBy = x.now, x.actor.ID
		default:
			s.ApprovedAt, s.ApprovedBy = time.Time{}, 0
		}
		if err := bumpSubmission(ctx, x, s); err != nil {
			return err
		}
		out = s
		return x.audit(ctx, assessment.AuditEntry{Action: assessment.ActionSubmissionStatus, Entity: "submission", EntityID: s.ID,
			UnitID: s.UnitID, PeriodID: s.PeriodID, Field: "status", From: string(from), To: string(t.To), Reason: t.Comment})
	})
	return out, err
}

const qValueRows = "SELECT indicator, input, text, num, locked, version FROM input_values WHERE submission_id = ?"

// valueRow is a stored value as SaveValues compares it.
type valueRow struct {
	text    string
	num     *float64
	locked  bool
	version int64
}

func loadValueRows(ctx context.Context, q queryer, submissionID int64) (map[[2]string]valueRow, error) {
	rows, err := q.QueryContext(ctx, qValueRows, submissionID)
	if err != nil {
		return nil, translate(err, "load values")
	}
	defer rows.Close()
	out := map[[2]string]valueRow{}
	for rows.Next() {
		var k [2]string
		var r valueRow
		if err := rows.Scan(&k[0], &k[1], &r.text, floatDest{&r.num}, &r.locked, &r.version); err != nil {
			return nil, translate(err, "load values")
		}
		out[k] = r
	}
	return out, translate(rows.Err(), "load values")
}

// applyToRows mirrors a written change in the rows loaded before the
// save, so they can be packed.
func applyToRows(rows map[[2]string]valueRow, c assessment.ValueChange, locked bool, version int64) {
	k := [2]string{c.Indicator, c.Input}
	if c.Clear {
		delete(rows, k)
		return
	}
	rows[k] = valueRow{text: c.Text, num: c.Num, locked: locked, version: version}
}

func sameNum(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// qUpsertValue writes a value. Its version is the submission version the
// save produces, so value versions never repeat, even after a clear.
const qUpsertValue = `INSERT INTO input_values (submission_id, indicator, input, text, num, source, locked, updated_at, updated_by, version)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (submission_id, indicator, input) DO UPDATE SET text = excluded.text, num = excluded.num,
		source = excluded.source, locked = excluded.locked, updated_at = excluded.updated_at,
		updated_by = excluded.updated_by, version = excluded.version`

const qDeleteValue = "DELETE FROM input_values WHERE submission_id = ? AND indicator = ? AND input = ?"

// applyChange writes one change over the stored row (if any) and audits
// it; it reports whether anything changed. The audit reason of a locked
// value names its source and then reason (e.g. the imported file).
func applyChange(ctx context.Context, x *tx, s *assessment.Submission, old valueRow, exists bool, c assessment.ValueChange,
	source scoring.Source, locked bool, reason string) (bool, error) {
	field := c.Indicator + "/" + c.Input
	entry := assessment.AuditEntry{Entity: "submission", EntityID: s.ID, UnitID: s.UnitID, PeriodID: s.PeriodID, Field: field}
	if c.Clear {
		if !exists {
			return false, nil
		}
		if _, err := x.ExecContext(ctx, qDeleteValue,
			s.ID, c.Indicator, c.Input); err != nil {
			return false, translate(err, "clear value "+field)
		}
		entry.Action, entry.From = assessment.ActionValueCleared, old.text
		return true, x.audit(ctx, entry)
	}
	if exists && old.text == c.Text && sameNum(old.num, c.Num) && old.locked == locked {
		return false, nil
	}
	_, err := x.ExecContext(ctx, qUpsertValue,
		s.ID, c.Indicator, c.Input, c.Text, nullFloat(c.Num), string(source), locked, x.now, nullID(x.actor.ID), s.Version+1)
	if err != nil {
		return false, translate(err, "save value "+field)
	}
	entry.Action, entry.To = assessment.ActionValueSet, c.Text
	if exists {
		entry.From = old.text
	}
	if locked {
		// Who sent a central value: the source and the import's reason
		// (the file name, the API token).
		entry.Reason = "source: " + string(source)
		if reason != "" {
			entry.Reason += "; " + reason
		}
	}
	return true, x.audit(ctx, entry)
}

// checkBaseVersions refuses changes to inputs written since the client
// loaded them: the stored version (0 for no value) must be the change's
// BaseVersion. The error names every such input.
func checkBaseVersions(rows map[[2]string]valueRow, changes []assessment.ValueChange) error {
	var stale []string
	for _, c := range changes {
		if rows[[2]string{c.Indicator, c.Input}].version != c.BaseVersion {
			stale = append(stale, c.Indicator+"/"+c.Input)
		}
	}
	if len(stale) == 0 {
		return nil
	}
	list := strings.Join(stale, ", ")
	return assessment.NewError(assessment.ErrConflict, "value.conflict",
		"Giá trị đã được người khác sửa trong lúc bạn nhập: "+list+". Vui lòng tải lại để xem giá trị mới.",
		"values changed by someone else while you typed: "+list+"; reload to see them", list)
}

func forbidden(key, vi, en string, args ...any) error {
	return assessment.NewError(assessment.ErrForbidden, key, vi, en, args...)
}

// SaveValues applies a batch of the unit's changes when s.Version is
// current.
func (db *DB) SaveValues(ctx context.Context, actor assessment.Actor, req assessment.ValueSave) (*assessment.Submission, error) {
	if err := assessment.ValidateChanges(req.Changes); err != nil {
		return nil, err
	}
	if !req.PerValue && req.Version < 0 {
		// A negative version would skip the check and overwrite a newer
		// save: only a per-value save goes without the form's version.
		return nil, invalidVersion(req.Version)
	}
	var out *assessment.Submission
	err := db.update(ctx, actor, func(x *tx) error {
		expect := req.Version
		if req.PerValue {
			expect = -1 // each change is checked against its value below
		}
		p, u, s, err := loadForChange(ctx, x, req.SubmissionID, expect)
		if err != nil {
			return err
		}
		if p.Status != assessment.PeriodOpen {
			return forbidden("period.not_open", "Kỳ đánh giá không mở để nhập liệu.", "the period is not open for data entry")
		}
		if !s.Status.Editable() {
			return forbidden("submission.not_editable", "Hồ sơ đã nộp, không thể sửa.",
				"the form was submitted and cannot be changed", string(s.Status))
		}
		if req.Check != nil {
			if err := req.Check(p, u, s); err != nil {
				return err
			}
		}
		old, err := loadValueRows(ctx, x, s.ID)
		if err != nil {
			return err
		}
		if req.PerValue {
			if err := checkBaseVersions(old, req.Changes); err != nil {
				return err
			}
		}
		changed := false
		for _, c := range req.Changes {
			r, exists := old[[2]string{c.Indicator, c.Input}]
			if exists && r.locked {
				return forbidden("value.locked",
					fmt.Sprintf("Giá trị %s/%s do cơ quan đầu mối cung cấp, đơn vị không được sửa.", c.Indicator, c.Input),
					fmt.Sprintf("the value %s/%s is centrally sourced and read-only for the unit", c.Indicator, c.Input),
					c.Indicator, c.Input)
			}
			ch, err := applyChange(ctx, x, s, r, exists, c, scoring.SourceSelf, false, "")
			if err != nil {
				return err
			}
			if ch {
				changed = true
				applyToRows(old, c, false, s.Version+1)
			}
		}
		if changed {
			if err := bumpSubmission(ctx, x, s); err != nil {
				return err
			}
			if _, err := x.ExecContext(ctx, qWritePacked, packValues(old), s.ID); err != nil {
				return translate(err, "save packed values")
			}
		}
		out = s
		return nil
	})
	return out, err
}

// ImportValues stores centrally sourced values for many units as locked
// values.
func (db *DB) ImportValues(ctx context.Context, actor assessment.Actor, imp assessment.CentralImport) (int, error) {
	v := &assessment.ValidationError{}
	switch imp.Source {
	case scoring.SourceSystem, scoring.SourceSecretariat, scoring.SourceSurvey:
	default:
		v.Add("source", "Nguồn dữ liệu phải là system, secretariat hoặc survey.", "the source must be system, secretariat or survey")
	}
	reason := strings.TrimSpace(imp.Reason)
	if !assessment.CleanText(reason) || utf8.RuneCountInString(reason) > 500 {
		v.Add("reason", "Lý do nhập không hợp lệ (tối đa 500 ký tự, không có ký tự điều khiển).",
			"the import reason is not valid (at most 500 characters, no control characters)")
	}
	seen := map[string]bool{}
	for i, cv := range imp.Values {
		if err := assessment.ValidateChanges([]assessment.ValueChange{cv.ValueChange}); err != nil {
			v.Add(fmt.Sprintf("values[%d]", i), err.(*assessment.ValidationError).Fields[0].VI, err.(*assessment.ValidationError).Fields[0].EN)
		}
		k := strconv.FormatInt(cv.UnitID, 10) + "/" + cv.Indicator + "/" + cv.Input
		if seen[k] {
			v.Add(fmt.Sprintf("values[%d]", i), "Giá trị bị lặp: "+k, "repeated value: "+k)
		}
		seen[k] = true
	}
	if err := v.Err(); err != nil {
		return 0, err
	}
	n := 0
	err := db.update(ctx, actor, func(x *tx) error {
		p, err := findPeriodMeta(ctx, x, imp.PeriodID)
		if err != nil {
			return translate(err, fmt.Sprintf("period %d", imp.PeriodID))
		}
		if p.Status == assessment.PeriodPublished {
			return forbidden("period.published", "Kỳ đánh giá đã công bố; cần mở lại trước khi nhập dữ liệu.",
				"the period is published; re-open it before importing values")
		}
		type state struct {
			s       *assessment.Submission
			old     map[[2]string]valueRow
			changed bool
		}
		subs := map[int64]*state{}
		var order []int64
		for i, cv := range imp.Values {
			st := subs[cv.UnitID]
			if st == nil {
				s, err := findSubmission(ctx, x, "s.period_id = ? AND s.unit_id = ?", imp.PeriodID, cv.UnitID)
				if errors.Is(err, sql.ErrNoRows) {
					if _, err := findUnit(ctx, x, "id = ?", cv.UnitID); err != nil {
						return &assessment.ValidationError{Fields: []assessment.FieldError{{Field: fmt.Sprintf("values[%d]", i),
							VI: fmt.Sprintf("Đơn vị %d không tồn tại.", cv.UnitID), EN: fmt.Sprintf("unit %d does not exist", cv.UnitID)}}}
					}
					s, err = createSubmission(ctx, x, imp.PeriodID, cv.UnitID)
				}
				if err != nil {
					return translate(err, "import values")
				}
				old, err := loadValueRows(ctx, x, s.ID)
				if err != nil {
					return err
				}
				st = &state{s: s, old: old}
				subs[cv.UnitID] = st
				order = append(order, cv.UnitID)
			}
			r, exists := st.old[[2]string{cv.Indicator, cv.Input}]
			ch, err := applyChange(ctx, x, st.s, r, exists, cv.ValueChange, imp.Source, true, reason)
			if err != nil {
				return err
			}
			if ch {
				n++
				st.changed = true
				applyToRows(st.old, cv.ValueChange, true, st.s.Version+1)
			}
		}
		for _, id := range order {
			if st := subs[id]; st.changed {
				if err := bumpSubmission(ctx, x, st.s); err != nil {
					return err
				}
				if _, err := x.ExecContext(ctx, qWritePacked, packValues(st.old), st.s.ID); err != nil {
					return translate(err, "save packed values")
				}
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// FindValues returns the submission's values by indicator and input.
func (db *DB) FindValues(ctx context.Context, submissionID int64) ([]*assessment.InputValue, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT submission_id, indicator, input, text, num, source, locked, updated_at, updated_by, version
		FROM input_values WHERE submission_id = ? ORDER BY indicator, input`, submissionID)
	if err != nil {
		return nil, translate(err, "find values")
	}
	defer rows.Close()
	var out []*assessment.InputValue
	for rows.Next() {
		v := &assessment.InputValue{}
		var source string
		if err := rows.Scan(&v.SubmissionID, &v.Indicator, &v.Input, &v.Text, floatDest{&v.Num}, &source, &v.Locked,
			timeDest{&v.UpdatedAt}, idDest{&v.UpdatedBy}, &v.Version); err != nil {
			return nil, translate(err, "find values")
		}
		v.Source = scoring.Source(source)
		out = append(out, v)
	}
	return out, translate(rows.Err(), "find values")
}
