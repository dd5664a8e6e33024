package sqlite

import (
	"context"
	"database/sql"
	"strings"

	"github.com/dti-platform/dti/assessment"
)

const auditColumns = `id, at, actor_id, actor_name, action, entity, entity_id, unit_id, period_id, field, from_value, to_value, reason`

const qInsertAudit = `INSERT INTO audit_log
	(at, actor_id, actor_name, action, entity, entity_id, unit_id, period_id, field, from_value, to_value, reason)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`

func insertAudit(ctx context.Context, q queryer, e *assessment.AuditEntry) error {
	err := q.QueryRowContext(ctx, qInsertAudit,
		e.At.UTC(), nullID(e.ActorID), e.ActorName, e.Action, e.Entity, nullID(e.EntityID),
		nullID(e.UnitID), nullID(e.PeriodID), e.Field, e.From, e.To, e.Reason).Scan(&e.ID)
	return translate(err, "write audit entry")
}

// AddAudit records an event that changes nothing else (a failed sign-in,
// an export). The store sets At; an empty ActorName becomes "system".
func (db *DB) AddAudit(ctx context.Context, e *assessment.AuditEntry) error {
	if strings.TrimSpace(e.Action) == "" {
		return &assessment.ValidationError{Fields: []assessment.FieldError{{Field: "action", VI: "Thiếu hành động.", EN: "the action is required"}}}
	}
	actor := assessment.Actor{ID: e.ActorID, Username: e.ActorName}
	return db.update(ctx, actor, func(x *tx) error {
		err := x.audit(ctx, *e)
		e.At = x.now
		if e.ActorName == "" {
			e.ActorName = "system"
		}
		return err
	})
}

// FindAudit returns the matching entries newest first and the total count
// before paging.
func (db *DB) FindAudit(ctx context.Context, f assessment.AuditFilter) ([]*assessment.AuditEntry, int, error) {
	w := &where{}
	if f.ActorID != nil {
		w.add("actor_id = ?", *f.ActorID)
	}
	if f.UnitID != nil {
		w.add("unit_id = ?", *f.UnitID)
	}
	if f.PeriodID != nil {
		w.add("period_id = ?", *f.PeriodID)
	}
	if f.Action != "" {
		if strings.HasSuffix(f.Action, ".") {
			w.add("substr(action, 1, ?) = ?", len(f.Action), f.Action)
		} else {
			w.add("action = ?", f.Action)
		}
	}
	if f.Entity != "" {
		w.add("entity = ?", f.Entity)
	}
	if f.EntityID != nil {
		w.add("entity_id = ?", *f.EntityID)
	}
	if !f.From.IsZero() {
		w.add("at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		w.add("at < ?", f.To.UTC())
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	limit = min(limit, 10000)
	var out []*assessment.AuditEntry
	var total int
	err := db.view(ctx, func(t *sql.Tx) error {
		if err := t.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_log"+w.String(), w.args...).Scan(&total); err != nil {
			return err
		}
		rows, err := t.QueryContext(ctx, "SELECT "+auditColumns+" FROM audit_log"+w.String()+
			" ORDER BY at DESC, id DESC"+page(f.Offset, limit), w.args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			e := &assessment.AuditEntry{}
			if err := rows.Scan(&e.ID, timeDest{&e.At}, idDest{&e.ActorID}, &e.ActorName, &e.Action, &e.Entity,
				idDest{&e.EntityID}, idDest{&e.UnitID}, idDest{&e.PeriodID}, &e.Field, &e.From, &e.To, &e.Reason); err != nil {
				return err
			}
			out = append(out, e)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, 0, translate(err, "find audit entries")
	}
	return out, total, nil
}
