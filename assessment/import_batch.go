package assessment

import "fmt"

// This file holds the shapes of the store's batch writes of units and
// users (Store.ImportUnits, Store.ImportUsers): a bulk import is written
// in one transaction, all or nothing.

// UnitImportCreate is a unit that a bulk import creates.
type UnitImportCreate struct {
	// Unit is inserted as CreateUnit inserts it; its ID and timestamps
	// are set when the whole import succeeds.
	Unit *Unit
	// ParentCode, when not empty, names the parent: a unit in the store or
	// one created earlier in the same import. It takes precedence over
	// Unit.ParentID.
	ParentCode string
}

// UnitImportUpdate is a change of one existing unit in a bulk import.
type UnitImportUpdate struct {
	// ID is the unit to change.
	ID int64
	// Old, when not nil, is the unit as the caller read it (the import's
	// preview): when the stored unit differs from it in any field (parent,
	// names, type, block, attributes, active) someone changed it meanwhile
	// and the import fails with ErrConflict.
	Old *Unit
	// Update holds the fields to change, as for UpdateUnit.
	Update UnitUpdate
	// ParentCode, when not nil, moves the unit under the unit with that
	// code (in the store or created earlier in the same import), or to the
	// top level when it is "". It takes precedence over Update.ParentID.
	ParentCode *string
}

// UserImportUpdate is a change of one existing user in a bulk import.
type UserImportUpdate struct {
	// ID is the user to change.
	ID int64
	// Old, when not nil, is the user as the caller read it: when the
	// stored user differs from it in full name, e-mail, language,
	// disabled or grants, the import fails with ErrConflict.
	Old *User
	// Update holds the fields to change, as for UpdateUser.
	Update UserUpdate
}

// ImportItemError says which item of a batch write (Store.ImportUnits,
// Store.ImportUsers) failed. Nothing of the batch was written. Err is the
// item's error (errors.Is and errors.As see through).
type ImportItemError struct {
	// Op is OpCreate or OpUpdate; Index is the item's position in the
	// creates or the updates given to the store.
	Op    ImportOp
	Index int
	// Key names the item: a unit code or a username.
	Key string
	Err error
}

// Error names the item and its error.
func (e *ImportItemError) Error() string {
	return fmt.Sprintf("%s %s (item %d): %v", e.Op, e.Key, e.Index, e.Err)
}

// Unwrap returns the item's error.
func (e *ImportItemError) Unwrap() error { return e.Err }
