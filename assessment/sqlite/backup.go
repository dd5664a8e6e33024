package sqlite

import (
	"context"
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
	if _, err := db.read.ExecContext(ctx, "VACUUM INTO ?", abs); err != nil {
		os.Remove(abs)
		return fmt.Errorf("backup to %s: %w", dest, err)
	}
	return nil
}
