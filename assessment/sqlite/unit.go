package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"maps"

	"github.com/dti-platform/dti/assessment"
)

const unitColumns = `id, parent_id, code, name_vi, name_en, type, block, attrs, active, created_at, updated_at`

func scanUnit(s interface{ Scan(...any) error }) (*assessment.Unit, error) {
	u := &assessment.Unit{}
	var attrs string
	if err := s.Scan(&u.ID, idDest{&u.ParentID}, &u.Code, &u.NameVI, &u.NameEN, &u.Type, &u.Block, &attrs,
		&u.Active, timeDest{&u.CreatedAt}, timeDest{&u.UpdatedAt}); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(attrs), &u.Attrs); err != nil {
		return nil, fmt.Errorf("unit %s: attrs: %w", u.Code, err)
	}
	return u, nil
}

// encodeAttrs stores attributes as a JSON object; encoding/json sorts
// the keys, so equal maps give equal text.
func encodeAttrs(m map[string]string) string {
	if m == nil {
		m = map[string]string{}
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// CreateUnit inserts u and sets its ID and timestamps.
func (db *DB) CreateUnit(ctx context.Context, actor assessment.Actor, u *assessment.Unit) error {
	if err := u.Validate(); err != nil {
		return err
	}
	return db.update(ctx, actor, func(x *tx) error { return createUnit(ctx, x, u) })
}

// createUnit inserts a validated unit in x and audits it.
func createUnit(ctx context.Context, x *tx, u *assessment.Unit) error {
	if u.ParentID != 0 {
		if _, err := findUnit(ctx, x, "id = ?", u.ParentID); err != nil {
			return parentError()
		}
	}
	err := x.QueryRowContext(ctx, `INSERT INTO units
		(parent_id, code, name_vi, name_en, type, block, attrs, active, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		nullID(u.ParentID), u.Code, u.NameVI, u.NameEN, u.Type, u.Block, encodeAttrs(u.Attrs), u.Active, x.now, x.now).Scan(&u.ID)
	if err != nil {
		return translate(err, "create unit "+u.Code)
	}
	u.CreatedAt, u.UpdatedAt = x.now, x.now
	return x.audit(ctx, assessment.AuditEntry{Action: assessment.ActionUnitCreated, Entity: "unit", EntityID: u.ID,
		UnitID: u.ID, To: u.Code + " " + u.NameVI})
}

func parentError() error {
	return &assessment.ValidationError{Fields: []assessment.FieldError{{Field: "parent_id",
		VI: "Đơn vị cha không tồn tại hoặc tạo thành vòng lặp.", EN: "the parent unit does not exist or would make a cycle"}}}
}

// UpdateUnit changes the given fields of a unit.
func (db *DB) UpdateUnit(ctx context.Context, actor assessment.Actor, id int64, upd assessment.UnitUpdate) (*assessment.Unit, error) {
	var out *assessment.Unit
	err := db.update(ctx, actor, func(x *tx) (err error) {
		out, err = updateUnit(ctx, x, id, upd, nil)
		return err
	})
	return out, err
}

// updateUnit changes the given fields of a unit in x and audits every
// changed field. check, when not nil, runs on the stored unit first.
func updateUnit(ctx context.Context, x *tx, id int64, upd assessment.UnitUpdate, check func(*assessment.Unit) error) (*assessment.Unit, error) {
	u, err := findUnit(ctx, x, "id = ?", id)
	if err != nil {
		return nil, translate(err, fmt.Sprintf("update unit %d", id))
	}
	if check != nil {
		if err := check(u); err != nil {
			return nil, err
		}
	}
	old := *u
	if upd.ParentID != nil {
		u.ParentID = *upd.ParentID
	}
	if upd.NameVI != nil {
		u.NameVI = *upd.NameVI
	}
	if upd.NameEN != nil {
		u.NameEN = *upd.NameEN
	}
	if upd.Type != nil {
		u.Type = *upd.Type
	}
	if upd.Block != nil {
		u.Block = *upd.Block
	}
	if upd.Attrs != nil {
		u.Attrs = maps.Clone(*upd.Attrs)
	}
	if upd.Active != nil {
		u.Active = *upd.Active
	}
	if err := u.Validate(); err != nil {
		return nil, err
	}
	if u.ParentID != old.ParentID && u.ParentID != 0 {
		// The new parent must exist and must not be the unit or one
		// of its descendants.
		for p := u.ParentID; p != 0; {
			if p == u.ID {
				return nil, parentError()
			}
			pu, err := findUnit(ctx, x, "id = ?", p)
			if err != nil {
				return nil, parentError()
			}
			p = pu.ParentID
		}
	}
	u.UpdatedAt = x.now
	if _, err := x.ExecContext(ctx, `UPDATE units SET parent_id = ?, name_vi = ?, name_en = ?, type = ?, block = ?,
		attrs = ?, active = ?, updated_at = ? WHERE id = ?`,
		nullID(u.ParentID), u.NameVI, u.NameEN, u.Type, u.Block, encodeAttrs(u.Attrs), u.Active, x.now, u.ID); err != nil {
		return nil, translate(err, fmt.Sprintf("update unit %d", id))
	}
	changes := []struct{ field, from, to string }{
		{"parent_id", fmt.Sprint(old.ParentID), fmt.Sprint(u.ParentID)},
		{"name_vi", old.NameVI, u.NameVI},
		{"name_en", old.NameEN, u.NameEN},
		{"type", old.Type, u.Type},
		{"block", old.Block, u.Block},
		{"attrs", encodeAttrs(old.Attrs), encodeAttrs(u.Attrs)},
		{"active", fmt.Sprint(old.Active), fmt.Sprint(u.Active)},
	}
	for _, c := range changes {
		if c.from == c.to {
			continue
		}
		if err := x.audit(ctx, assessment.AuditEntry{Action: assessment.ActionUnitUpdated, Entity: "unit", EntityID: u.ID,
			UnitID: u.ID, Field: c.field, From: c.from, To: c.to}); err != nil {
			return nil, err
		}
	}
	return u, nil
}

// qUnitByID reads one unit (hot path of saves).
const qUnitByID = "SELECT " + unitColumns + " FROM units WHERE id = ?"

func findUnit(ctx context.Context, q queryer, cond string, args ...any) (*assessment.Unit, error) {
	if cond == "id = ?" {
		return scanUnit(q.QueryRowContext(ctx, qUnitByID, args...))
	}
	return scanUnit(q.QueryRowContext(ctx, "SELECT "+unitColumns+" FROM units WHERE "+cond, args...))
}

// FindUnitByID returns the unit or ErrNotFound.
func (db *DB) FindUnitByID(ctx context.Context, id int64) (*assessment.Unit, error) {
	u, err := findUnit(ctx, db.read, "id = ?", id)
	return u, translate(err, fmt.Sprintf("find unit %d", id))
}

// FindUnitByCode returns the unit or ErrNotFound.
func (db *DB) FindUnitByCode(ctx context.Context, code string) (*assessment.Unit, error) {
	u, err := findUnit(ctx, db.read, "code = ?", code)
	return u, translate(err, fmt.Sprintf("find unit %q", code))
}

// FindUnits returns the matching units in code order and the total count.
func (db *DB) FindUnits(ctx context.Context, f assessment.UnitFilter) ([]*assessment.Unit, int, error) {
	w := &where{}
	if f.ID != nil {
		w.add("id = ?", *f.ID)
	}
	if f.Code != nil {
		w.add("code = ?", *f.Code)
	}
	if f.ParentID != nil {
		if *f.ParentID == 0 {
			w.add("parent_id IS NULL")
		} else {
			w.add("parent_id = ?", *f.ParentID)
		}
	}
	if f.Type != nil {
		w.add("type = ?", *f.Type)
	}
	if f.Active != nil {
		w.add("active = ?", *f.Active)
	}
	if f.Query != "" {
		p := likePattern(f.Query)
		w.add(`dti_fold(code || ' ' || name_vi || ' ' || name_en) LIKE ? ESCAPE '\'`, p)
	}
	var out []*assessment.Unit
	var total int
	err := db.view(ctx, func(t *sql.Tx) error {
		if err := t.QueryRowContext(ctx, "SELECT COUNT(*) FROM units"+w.String(), w.args...).Scan(&total); err != nil {
			return err
		}
		var err error
		out, err = queryUnits(ctx, t, "SELECT "+unitColumns+" FROM units"+w.String()+" ORDER BY code"+page(f.Offset, f.Limit), w.args...)
		return err
	})
	if err != nil {
		return nil, 0, translate(err, "find units")
	}
	return out, total, nil
}

func queryUnits(ctx context.Context, q queryer, query string, args ...any) ([]*assessment.Unit, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*assessment.Unit
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// UnitTree returns the tree of every unit.
func (db *DB) UnitTree(ctx context.Context) (*assessment.UnitTree, error) {
	units, err := queryUnits(ctx, db.read, "SELECT "+unitColumns+" FROM units ORDER BY code")
	if err != nil {
		return nil, translate(err, "load unit tree")
	}
	return assessment.NewUnitTree(units), nil
}
