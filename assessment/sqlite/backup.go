package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Backup writes a consistent copy of the database to dest with VACUUM
// INTO, while the store stays in use (readers and the writer go on; the
// copy is the state at the start of the backup). dest must not exist.
// Evidence files are not part of the database: copy the evidence
// directory too (see docs/operations.md).
func (db *DB) Backup(ctx context.Context, dest string) error {
	if dest == "" {
		return errors.New("backup: no destination file")
	}
	abs, err := filepath.Abs(dest)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if _, err := os.Stat(abs); err == nil {
		return fmt.Errorf("backup: %s already exists", dest)
	}
	// The read pool is query_only, which refuses VACUUM INTO; a
	// connection of its own reads in a WAL snapshot and does not hold up
	// the writer.
	conn, err := sql.Open("sqlite", db.path+"?"+commonDSN)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "VACUUM INTO ?", abs); err != nil {
		os.Remove(abs)
		return fmt.Errorf("backup to %s: %w", dest, err)
	}
	return nil
}

// IntegrityCheck runs PRAGMA integrity_check and returns its first line:
// "ok" for a sound database.
func (db *DB) IntegrityCheck(ctx context.Context) (string, error) {
	var res string
	err := db.read.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res)
	return res, err
}

// tables lists the tables CountRows accepts, so a table name never comes
// from outside into SQL text.
var tables = map[string]bool{
	"units": true, "users": true, "user_grants": true, "periods": true, "submissions": true, "input_values": true,
	"evidence": true, "reviews": true, "review_values": true, "snapshots": true, "audit_log": true, "sessions": true, "api_tokens": true,
}

// CountRows returns the number of rows of a table (for checks after a
// backup or a restore).
func (db *DB) CountRows(ctx context.Context, table string) (int, error) {
	if !tables[table] {
		return 0, fmt.Errorf("count rows: unknown table %q", table)
	}
	var n int
	err := db.read.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table).Scan(&n)
	return n, err
}
