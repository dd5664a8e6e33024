package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/dti-platform/dti/assessment"
)

// ImportUnits creates and updates units in one transaction, all or
// nothing, with the audit entries of CreateUnit and UpdateUnit.
func (db *DB) ImportUnits(ctx context.Context, actor assessment.Actor, creates []assessment.UnitImportCreate, updates []assessment.UnitImportUpdate) error {
	if len(creates) == 0 && len(updates) == 0 {
		return nil
	}
	itemErr := func(op assessment.ImportOp, i int, key string, err error) error {
		return &assessment.ImportItemError{Op: op, Index: i, Key: key, Err: err}
	}
	for i, c := range creates {
		if c.Unit == nil {
			return itemErr(assessment.OpCreate, i, "", missingItem())
		}
		if err := c.Unit.Validate(); err != nil {
			return itemErr(assessment.OpCreate, i, c.Unit.Code, err)
		}
	}
	parents := make([]int64, len(creates))
	for i, c := range creates {
		parents[i] = c.Unit.ParentID
	}
	err := db.update(ctx, actor, func(x *tx) error {
		for i, c := range creates {
			u := c.Unit
			if c.ParentCode != "" {
				id, err := unitIDByCode(ctx, x, c.ParentCode)
				if err != nil {
					return itemErr(assessment.OpCreate, i, u.Code, err)
				}
				u.ParentID = id
			}
			if err := createUnit(ctx, x, u); err != nil {
				if errors.Is(err, assessment.ErrConflict) {
					err = assessment.NewError(assessment.ErrConflict, "unit.taken",
						"Mã đơn vị "+u.Code+" đã được dùng.", "the unit code "+u.Code+" is taken", u.Code)
				}
				return itemErr(assessment.OpCreate, i, u.Code, err)
			}
		}
		for i, up := range updates {
			key := fmt.Sprint(up.ID)
			if up.Old != nil {
				key = up.Old.Code
			}
			upd := up.Update
			if up.ParentCode != nil {
				var id int64
				if *up.ParentCode != "" {
					var err error
					if id, err = unitIDByCode(ctx, x, *up.ParentCode); err != nil {
						return itemErr(assessment.OpUpdate, i, key, err)
					}
				}
				upd.ParentID = &id
			}
			var check func(*assessment.Unit) error
			if up.Old != nil {
				check = func(cur *assessment.Unit) error {
					if !sameUnit(cur, up.Old) {
						return changedError("unit", cur.Code)
					}
					return nil
				}
			}
			if _, err := updateUnit(ctx, x, up.ID, upd, check); err != nil {
				return itemErr(assessment.OpUpdate, i, key, err)
			}
		}
		return nil
	})
	if err != nil {
		// The rows were rolled back: the IDs the inserts gave mean nothing.
		for i, c := range creates {
			c.Unit.ID, c.Unit.ParentID, c.Unit.CreatedAt, c.Unit.UpdatedAt = 0, parents[i], time.Time{}, time.Time{}
		}
	}
	return err
}

// unitIDByCode returns the ID of the unit with code, or a parent error.
func unitIDByCode(ctx context.Context, x *tx, code string) (int64, error) {
	var id int64
	err := x.QueryRowContext(ctx, "SELECT id FROM units WHERE code = ?", code).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, parentError()
	}
	return id, translate(err, "find parent unit "+code)
}

// sameUnit reports whether the fields an import may change are equal.
func sameUnit(a, b *assessment.Unit) bool {
	return a.ParentID == b.ParentID && a.Code == b.Code && a.NameVI == b.NameVI && a.NameEN == b.NameEN &&
		a.Type == b.Type && a.Block == b.Block && encodeAttrs(a.Attrs) == encodeAttrs(b.Attrs) && a.Active == b.Active
}

// ImportUsers creates and updates users in one transaction, all or
// nothing, with the audit entries of CreateUser and UpdateUser.
func (db *DB) ImportUsers(ctx context.Context, actor assessment.Actor, creates []*assessment.User, updates []assessment.UserImportUpdate) error {
	if len(creates) == 0 && len(updates) == 0 {
		return nil
	}
	itemErr := func(op assessment.ImportOp, i int, key string, err error) error {
		return &assessment.ImportItemError{Op: op, Index: i, Key: key, Err: err}
	}
	for i, u := range creates {
		if u == nil {
			return itemErr(assessment.OpCreate, i, "", missingItem())
		}
		if err := prepareUser(u); err != nil {
			return itemErr(assessment.OpCreate, i, u.Username, err)
		}
	}
	err := db.update(ctx, actor, func(x *tx) error {
		for i, u := range creates {
			if err := createUser(ctx, x, u); err != nil {
				return itemErr(assessment.OpCreate, i, u.Username, err)
			}
		}
		for i, up := range updates {
			var check func(*assessment.User) error
			if up.Old != nil {
				check = func(cur *assessment.User) error {
					if !sameUser(cur, up.Old) {
						return changedError("user", cur.Username)
					}
					return nil
				}
			}
			if _, err := updateUser(ctx, x, up.ID, up.Update, check); err != nil {
				key := fmt.Sprint(up.ID)
				if up.Old != nil {
					key = up.Old.Username
				}
				return itemErr(assessment.OpUpdate, i, key, err)
			}
		}
		return nil
	})
	if err != nil {
		for _, u := range creates {
			if u != nil {
				u.ID, u.CreatedAt, u.UpdatedAt = 0, time.Time{}, time.Time{}
			}
		}
	}
	return err
}

// sameUser reports whether the fields an import may change are equal.
func sameUser(a, b *assessment.User) bool {
	return a.Username == b.Username && a.FullName == b.FullName && a.Email == b.Email && a.Lang == b.Lang &&
		a.Disabled == b.Disabled && grantsText(a.Grants) == grantsText(b.Grants)
}

// changedError is the conflict of a batch item whose row changed since
// the caller read it.
func changedError(entity, key string) error {
	vi := map[string]string{"unit": "Đơn vị ", "user": "Tài khoản "}[entity]
	return assessment.NewError(assessment.ErrConflict, "import.changed",
		vi+key+" đã bị thay đổi sau khi xem trước; hãy xem trước lại.",
		"the "+entity+" "+key+" changed after the preview; preview again", entity, key)
}

func missingItem() error {
	return &assessment.ValidationError{Fields: []assessment.FieldError{{Field: "item",
		VI: "Thiếu dữ liệu của dòng.", EN: "the item is missing"}}}
}
