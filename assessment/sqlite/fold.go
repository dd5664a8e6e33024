package sqlite

import (
	"database/sql/driver"

	"modernc.org/sqlite"

	"github.com/dti-platform/dti/assessment"
)

// Searches ignore case and Vietnamese diacritics, so "so tai chinh" finds
// "Sở Tài chính": SQLite's lower() and LIKE fold ASCII only. The SQL
// function dti_fold(text) applies assessment.Fold inside queries, and
// likePattern folds the searched text the same way.

func init() {
	sqlite.MustRegisterDeterministicScalarFunction("dti_fold", 1, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		switch v := args[0].(type) {
		case string:
			return assessment.Fold(v), nil
		case []byte:
			return assessment.Fold(string(v)), nil
		case nil:
			return "", nil
		default:
			return v, nil
		}
	})
}
