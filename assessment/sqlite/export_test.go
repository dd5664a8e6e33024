package sqlite

import (
	"context"
	"fmt"
	"strconv"
)

// Migrations exposes the migration list to tests.
func Migrations() ([]string, error) {
	ms, err := migrations()
	names := make([]string, len(ms))
	for i, m := range ms {
		names[i] = m.name
	}
	return names, err
}

// Schema returns the CREATE statements of the database, by type and name.
func (db *DB) Schema() (string, error) {
	rows, err := db.read.Query("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type DESC, name")
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var out string
	for rows.Next() {
		var typ, name, sql string
		if err := rows.Scan(&typ, &name, &sql); err != nil {
			return "", err
		}
		out += sql + ";\n\n"
	}
	return out, rows.Err()
}

// BulkValue is one value for BulkInsertValues.
type BulkValue struct {
	SubmissionID     int64
	Indicator, Input string
	Text             string
	Num              float64
}

// BulkInsertValues writes values in one transaction without audit
// entries: a fast seed for benchmarks only.
func (db *DB) BulkInsertValues(vals []BulkValue) error {
	t, err := db.write.Begin()
	if err != nil {
		return err
	}
	defer t.Rollback()
	st, err := t.Prepare(`INSERT INTO input_values (submission_id, indicator, input, text, num, source, locked, updated_at, version)
		VALUES (?, ?, ?, ?, ?, 'self', FALSE, ?, 1)`)
	if err != nil {
		return err
	}
	now := db.now().UTC()
	packed := map[int64]map[[2]string]valueRow{}
	for _, v := range vals {
		if _, err := st.Exec(v.SubmissionID, v.Indicator, v.Input, v.Text, v.Num, now); err != nil {
			return err
		}
		if packed[v.SubmissionID] == nil {
			packed[v.SubmissionID] = map[[2]string]valueRow{}
		}
		n := v.Num
		packed[v.SubmissionID][[2]string{v.Indicator, v.Input}] = valueRow{text: v.Text, num: &n}
	}
	for id, rows := range packed {
		if _, err := t.Exec(qWritePacked, packValues(rows), id); err != nil {
			return err
		}
	}
	return t.Commit()
}

// CheckPacked compares every submission's packed values with its
// input_values rows and reports the first difference.
func (db *DB) CheckPacked(ctx context.Context) error {
	rows, err := db.read.QueryContext(ctx, "SELECT id, values_packed FROM submissions ORDER BY id")
	if err != nil {
		return err
	}
	type sub struct {
		id     int64
		packed []byte
	}
	var subs []sub
	for rows.Next() {
		var s sub
		if err := rows.Scan(&s.id, &s.packed); err != nil {
			rows.Close()
			return err
		}
		subs = append(subs, s)
	}
	rows.Close()
	for _, s := range subs {
		want, err := loadValueRows(ctx, db.read, s.id)
		if err != nil {
			return err
		}
		got := map[[2]string]string{}
		for p := s.packed; len(p) > 0; {
			v, rest, err := nextPacked(p)
			if err != nil {
				return fmt.Errorf("submission %d: %w", s.id, err)
			}
			p = rest
			n := ""
			if len(v.num) > 0 {
				f, err := strconv.ParseFloat(string(v.num), 64)
				if err != nil {
					return fmt.Errorf("submission %d: number %q: %w", s.id, v.num, err)
				}
				n = strconv.FormatFloat(f, 'g', -1, 64)
			}
			got[[2]string{string(v.indicator), string(v.input)}] = n + "|" + string(v.text)
		}
		if len(got) != len(want) {
			return fmt.Errorf("submission %d: %d packed values, %d rows", s.id, len(got), len(want))
		}
		for k, r := range want {
			n := ""
			if r.num != nil {
				n = strconv.FormatFloat(*r.num, 'g', -1, 64)
			}
			if got[k] != n+"|"+r.text {
				return fmt.Errorf("submission %d: %s/%s packed %q, row %q", s.id, k[0], k[1], got[k], n+"|"+r.text)
			}
		}
	}
	return nil
}

// WithMigrationsUpTo stops migrations at version n.
func WithMigrationsUpTo(n int) Option { return func(db *DB) { db.migrateTo = n } }

// Exec runs a statement on the writer (tests that seed old schemas).
func (db *DB) Exec(q string, args ...any) error {
	_, err := db.write.Exec(q, args...)
	return err
}

// QueryRowForTest scans one row of a read query.
func (db *DB) QueryRowForTest(q string, dest ...any) error {
	return db.read.QueryRow(q).Scan(dest...)
}
