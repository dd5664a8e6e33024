package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dti-platform/dti/assessment"
)

const periodColumns = `id, code, name, year, status, index_code, index_version, index_hash, opens_at, closes_at,
	public, show_in_progress, version, created_at, updated_at`

func scanPeriod(s interface{ Scan(...any) error }, src *[]byte) (*assessment.Period, error) {
	p := &assessment.Period{}
	var status string
	dest := []any{&p.ID, &p.Code, &p.Name, &p.Year, &status, &p.IndexCode, &p.IndexVersion, &p.IndexHash,
		timeDest{&p.OpensAt}, timeDest{&p.ClosesAt}, &p.Public, &p.ShowInProgress, &p.Version,
		timeDest{&p.CreatedAt}, timeDest{&p.UpdatedAt}}
	if src != nil {
		dest = append(dest, src)
	}
	if err := s.Scan(dest...); err != nil {
		return nil, err
	}
	p.Status = assessment.PeriodStatus(status)
	return p, nil
}

func findPeriod(ctx context.Context, q queryer, cond string, args ...any) (*assessment.Period, error) {
	var src []byte
	p, err := scanPeriod(q.QueryRowContext(ctx, "SELECT "+periodColumns+", index_source FROM periods WHERE "+cond, args...), &src)
	if err != nil {
		return nil, err
	}
	p.IndexSource = src
	return p, nil
}

// qPeriodMeta reads a period without its index source, for checks on the
// hot path of saves.
const qPeriodMeta = "SELECT " + periodColumns + " FROM periods WHERE id = ?"

func findPeriodMeta(ctx context.Context, q queryer, id int64) (*assessment.Period, error) {
	return scanPeriod(q.QueryRowContext(ctx, qPeriodMeta, id), nil)
}

// CreatePeriod inserts p with Version 1.
func (db *DB) CreatePeriod(ctx context.Context, actor assessment.Actor, p *assessment.Period) error {
	if p.Status == "" {
		p.Status = assessment.PeriodDraft
	}
	if err := p.Validate(); err != nil {
		return err
	}
	return db.update(ctx, actor, func(x *tx) error {
		p.Version = 1
		err := x.QueryRowContext(ctx, `INSERT INTO periods (code, name, year, status, index_code, index_version, index_hash,
			index_source, opens_at, closes_at, public, show_in_progress, version, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			p.Code, p.Name, p.Year, string(p.Status), p.IndexCode, p.IndexVersion, p.IndexHash, p.IndexSource,
			nullTime(p.OpensAt), nullTime(p.ClosesAt), p.Public, p.ShowInProgress, p.Version, x.now, x.now).Scan(&p.ID)
		if err != nil {
			err = translate(err, "create period "+p.Code)
			if errors.Is(err, assessment.ErrConflict) {
				return assessment.NewError(assessment.ErrConflict, "period.code_taken",
					"Mã kỳ đánh giá "+p.Code+" đã được dùng.", "the period code "+p.Code+" is taken", p.Code)
			}
			return err
		}
		p.CreatedAt, p.UpdatedAt = x.now, x.now
		return x.audit(ctx, assessment.AuditEntry{Action: assessment.ActionPeriodCreated, Entity: "period", EntityID: p.ID,
			PeriodID: p.ID, To: fmt.Sprintf("%s %s@%s", p.Code, p.IndexCode, p.IndexVersion)})
	})
}

// lockPeriod reads a period for change and checks the expected version.
func lockPeriod(ctx context.Context, x *tx, id, version int64) (*assessment.Period, error) {
	p, err := findPeriod(ctx, x, "id = ?", id)
	if err != nil {
		return nil, translate(err, fmt.Sprintf("period %d", id))
	}
	if p.Version != version {
		return nil, assessment.ConflictError("period")
	}
	return p, nil
}

func savePeriod(ctx context.Context, x *tx, p *assessment.Period) error {
	p.Version++
	p.UpdatedAt = x.now
	res, err := x.ExecContext(ctx, `UPDATE periods SET name = ?, year = ?, status = ?, index_code = ?, index_version = ?,
		index_hash = ?, index_source = ?, opens_at = ?, closes_at = ?, public = ?, show_in_progress = ?, version = ?,
		updated_at = ? WHERE id = ? AND version = ?`,
		p.Name, p.Year, string(p.Status), p.IndexCode, p.IndexVersion, p.IndexHash, p.IndexSource,
		nullTime(p.OpensAt), nullTime(p.ClosesAt), p.Public, p.ShowInProgress, p.Version, x.now, p.ID, p.Version-1)
	if err != nil {
		return translate(err, fmt.Sprintf("update period %d", p.ID))
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return assessment.ConflictError("period")
	}
	return nil
}

func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// UpdatePeriod changes the settings of a period when upd.Version is
// current.
func (db *DB) UpdatePeriod(ctx context.Context, actor assessment.Actor, id int64, upd assessment.PeriodUpdate) (*assessment.Period, error) {
	var out *assessment.Period
	err := db.update(ctx, actor, func(x *tx) error {
		p, err := lockPeriod(ctx, x, id, upd.Version)
		if err != nil {
			return err
		}
		old := *p
		if upd.Name != nil {
			p.Name = *upd.Name
		}
		if upd.Year != nil {
			p.Year = *upd.Year
		}
		if upd.OpensAt != nil {
			p.OpensAt = upd.OpensAt.UTC()
		}
		if upd.ClosesAt != nil {
			p.ClosesAt = upd.ClosesAt.UTC()
		}
		if upd.Public != nil {
			p.Public = *upd.Public
		}
		if upd.ShowInProgress != nil {
			p.ShowInProgress = *upd.ShowInProgress
		}
		if upd.Index != nil {
			if strings.TrimSpace(upd.Reason) == "" {
				return &assessment.ValidationError{Fields: []assessment.FieldError{{Field: "reason",
					VI: "Cần nêu lý do chuyển bộ chỉ số.", EN: "a reason is required to change the index version"}}}
			}
			p.IndexCode, p.IndexVersion, p.IndexHash, p.IndexSource = upd.Index.Code, upd.Index.Version, upd.Index.Hash, upd.Index.Source
		}
		if err := p.Validate(); err != nil {
			return err
		}
		if err := savePeriod(ctx, x, p); err != nil {
			return err
		}
		changes := []struct{ field, from, to string }{
			{"name", old.Name, p.Name},
			{"year", fmt.Sprint(old.Year), fmt.Sprint(p.Year)},
			{"opens_at", timeText(old.OpensAt), timeText(p.OpensAt)},
			{"closes_at", timeText(old.ClosesAt), timeText(p.ClosesAt)},
			{"public", fmt.Sprint(old.Public), fmt.Sprint(p.Public)},
			{"show_in_progress", fmt.Sprint(old.ShowInProgress), fmt.Sprint(p.ShowInProgress)},
			{"index", old.IndexCode + "@" + old.IndexVersion + " " + old.IndexHash, p.IndexCode + "@" + p.IndexVersion + " " + p.IndexHash},
		}
		for _, c := range changes {
			if c.from == c.to {
				continue
			}
			if err := x.audit(ctx, assessment.AuditEntry{Action: assessment.ActionPeriodUpdated, Entity: "period", EntityID: p.ID,
				PeriodID: p.ID, Field: c.field, From: c.from, To: c.to, Reason: upd.Reason}); err != nil {
				return err
			}
		}
		out = p
		return nil
	})
	return out, err
}

// SetPeriodStatus moves the period to status when version is current.
func (db *DB) SetPeriodStatus(ctx context.Context, actor assessment.Actor, id, version int64, status assessment.PeriodStatus,
	reason string, check func(*assessment.Period) error) (*assessment.Period, error) {
	if !status.Valid() {
		return nil, &assessment.ValidationError{Fields: []assessment.FieldError{{Field: "status",
			VI: "Trạng thái kỳ đánh giá không hợp lệ.", EN: "unknown period status"}}}
	}
	var out *assessment.Period
	err := db.update(ctx, actor, func(x *tx) error {
		p, err := lockPeriod(ctx, x, id, version)
		if err != nil {
			return err
		}
		if check != nil {
			if err := check(p); err != nil {
				return err
			}
		}
		from := p.Status
		p.Status = status
		if err := savePeriod(ctx, x, p); err != nil {
			return err
		}
		out = p
		return x.audit(ctx, assessment.AuditEntry{Action: assessment.ActionPeriodStatus, Entity: "period", EntityID: p.ID,
			PeriodID: p.ID, Field: "status", From: string(from), To: string(status), Reason: reason})
	})
	return out, err
}

// PublishPeriod stores the next snapshot and marks the period published.
func (db *DB) PublishPeriod(ctx context.Context, actor assessment.Actor, id, version int64, snap *assessment.Snapshot) (*assessment.Period, error) {
	results, err := encodeResults(snap.Results)
	if err != nil {
		return nil, fmt.Errorf("publish period %d: encode results: %w", id, err)
	}
	if snap.DataMark < 0 {
		return nil, &assessment.ValidationError{Fields: []assessment.FieldError{{Field: "data_mark",
			VI: "Mốc dữ liệu của kết quả không hợp lệ.", EN: fmt.Sprintf("invalid data mark %d", snap.DataMark)}}}
	}
	var out *assessment.Period
	err = db.update(ctx, actor, func(x *tx) error {
		p, err := lockPeriod(ctx, x, id, version)
		if err != nil {
			return err
		}
		if snap.DataMark > 0 {
			mark, err := periodDataMark(ctx, x, id)
			if err != nil {
				return err
			}
			if mark != snap.DataMark {
				return assessment.NewError(assessment.ErrConflict, "period.data_changed",
					"Dữ liệu của kỳ đánh giá đã thay đổi trong lúc tính kết quả; vui lòng tính và công bố lại.",
					"the period's data changed while the results were computed; compute and publish again")
			}
		}
		var last int
		if err := x.QueryRowContext(ctx, "SELECT COALESCE(MAX(number), 0) FROM snapshots WHERE period_id = ?", id).Scan(&last); err != nil {
			return translate(err, "publish: last snapshot")
		}
		if last > 0 && strings.TrimSpace(snap.Reason) == "" {
			return &assessment.ValidationError{Fields: []assessment.FieldError{{Field: "reason",
				VI: "Cần nêu lý do công bố lại.", EN: "a reason is required to publish again"}}}
		}
		snap.PeriodID, snap.Number, snap.PublishedAt, snap.PublishedBy = id, last+1, x.now, x.actor.ID
		if snap.IndexHash == "" {
			snap.IndexHash = p.IndexHash
		}
		if err := x.QueryRowContext(ctx, `INSERT INTO snapshots (period_id, number, published_at, published_by, reason, index_hash, results)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, id, snap.Number, x.now, nullID(x.actor.ID), snap.Reason, snap.IndexHash, results).Scan(&snap.ID); err != nil {
			return translate(err, "publish: write snapshot")
		}
		from := p.Status
		p.Status = assessment.PeriodPublished
		if err := savePeriod(ctx, x, p); err != nil {
			return err
		}
		out = p
		return x.audit(ctx, assessment.AuditEntry{Action: assessment.ActionPeriodPublished, Entity: "snapshot", EntityID: snap.ID,
			PeriodID: p.ID, Field: "status", From: string(from), To: fmt.Sprintf("%s #%d", assessment.PeriodPublished, snap.Number),
			Reason: snap.Reason})
	})
	return out, err
}

// qPeriodDataMark finds the latest audit entry of a period that records a
// change. Downloads and exports are audited too but change nothing.
const qPeriodDataMark = `SELECT COALESCE(MAX(id), 0) FROM audit_log
	WHERE period_id = ? AND action <> ? AND action NOT LIKE '%export%'`

// PeriodDataMark returns the id of the latest audit entry recording a
// change to the period or its data, 0 when there is none.
func (db *DB) PeriodDataMark(ctx context.Context, periodID int64) (int64, error) {
	return periodDataMark(ctx, db.read, periodID)
}

func periodDataMark(ctx context.Context, q queryer, periodID int64) (int64, error) {
	var mark int64
	if err := q.QueryRowContext(ctx, qPeriodDataMark, periodID, assessment.ActionExport).Scan(&mark); err != nil {
		return 0, translate(err, fmt.Sprintf("data mark of period %d", periodID))
	}
	return mark, nil
}

// FindPeriodByID returns the period with its index source or ErrNotFound.
func (db *DB) FindPeriodByID(ctx context.Context, id int64) (*assessment.Period, error) {
	p, err := findPeriod(ctx, db.read, "id = ?", id)
	return p, translate(err, fmt.Sprintf("find period %d", id))
}

// FindPeriodByCode returns the period with its index source or
// ErrNotFound.
func (db *DB) FindPeriodByCode(ctx context.Context, code string) (*assessment.Period, error) {
	p, err := findPeriod(ctx, db.read, "code = ?", code)
	return p, translate(err, fmt.Sprintf("find period %q", code))
}

// FindPeriodByCodeMeta returns the period without its index source (a
// large text) or ErrNotFound.
func (db *DB) FindPeriodByCodeMeta(ctx context.Context, code string) (*assessment.Period, error) {
	p, err := scanPeriod(db.read.QueryRowContext(ctx, "SELECT "+periodColumns+" FROM periods WHERE code = ?", code), nil)
	return p, translate(err, fmt.Sprintf("find period %q", code))
}

// FindPeriods returns matching periods, newest year first, without
// IndexSource.
func (db *DB) FindPeriods(ctx context.Context, f assessment.PeriodFilter) ([]*assessment.Period, int, error) {
	w := &where{}
	if f.ID != nil {
		w.add("id = ?", *f.ID)
	}
	if f.Code != nil {
		w.add("code = ?", *f.Code)
	}
	if f.Status != nil {
		w.add("status = ?", string(*f.Status))
	}
	if f.Public != nil {
		w.add("public = ?", *f.Public)
	}
	if f.Year != nil {
		w.add("year = ?", *f.Year)
	}
	var out []*assessment.Period
	var total int
	err := db.view(ctx, func(t *sql.Tx) error {
		if err := t.QueryRowContext(ctx, "SELECT COUNT(*) FROM periods"+w.String(), w.args...).Scan(&total); err != nil {
			return err
		}
		rows, err := t.QueryContext(ctx, "SELECT "+periodColumns+" FROM periods"+w.String()+
			" ORDER BY year DESC, code"+page(f.Offset, f.Limit), w.args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			p, err := scanPeriod(rows, nil)
			if err != nil {
				return err
			}
			out = append(out, p)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, 0, translate(err, "find periods")
	}
	return out, total, nil
}

// FindSnapshots lists the period's snapshots newest first, without
// results.
func (db *DB) FindSnapshots(ctx context.Context, periodID int64) ([]*assessment.Snapshot, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, period_id, number, published_at, published_by, reason, index_hash
		FROM snapshots WHERE period_id = ? ORDER BY number DESC`, periodID)
	if err != nil {
		return nil, translate(err, "find snapshots")
	}
	defer rows.Close()
	var out []*assessment.Snapshot
	for rows.Next() {
		s := &assessment.Snapshot{}
		if err := rows.Scan(&s.ID, &s.PeriodID, &s.Number, timeDest{&s.PublishedAt}, idDest{&s.PublishedBy}, &s.Reason, &s.IndexHash); err != nil {
			return nil, translate(err, "find snapshots")
		}
		out = append(out, s)
	}
	return out, translate(rows.Err(), "find snapshots")
}

// FindSnapshot returns a snapshot with its results; number 0 is the
// latest.
func (db *DB) FindSnapshot(ctx context.Context, periodID int64, number int) (*assessment.Snapshot, error) {
	q := `SELECT id, period_id, number, published_at, published_by, reason, index_hash, results FROM snapshots WHERE period_id = ?`
	args := []any{periodID}
	if number > 0 {
		q += " AND number = ?"
		args = append(args, number)
	} else {
		q += " ORDER BY number DESC LIMIT 1"
	}
	s := &assessment.Snapshot{}
	var results []byte
	err := db.read.QueryRowContext(ctx, q, args...).Scan(&s.ID, &s.PeriodID, &s.Number, timeDest{&s.PublishedAt},
		idDest{&s.PublishedBy}, &s.Reason, &s.IndexHash, &results)
	if err != nil {
		return nil, translate(err, fmt.Sprintf("find snapshot %d of period %d", number, periodID))
	}
	if err := decodeResults(results, &s.Results); err != nil {
		return nil, fmt.Errorf("find snapshot %d of period %d: decode results: %w", s.Number, periodID, err)
	}
	return s, nil
}
