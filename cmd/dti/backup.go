package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"

	"github.com/dti-platform/dti/assessment/sqlite"
)

func init() {
	register(command{
		name:    "backup",
		usage:   "dti backup --db FILE --out FILE",
		summary: "write a consistent copy of the database while the server runs",
		run:     runBackup,
	})
}

// runBackup copies the database with VACUUM INTO and checks the copy.
func runBackup(ctx context.Context, env *cmdEnv, args []string) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	dbPath := fs.String("db", env.getenv("DTI_DB"), "database file (env DTI_DB)")
	out := fs.String("out", "", "backup file to write; must not exist")
	if done, err := parseFlags(fs, args); done {
		return err
	}
	switch {
	case *dbPath == "":
		fmt.Fprintln(env.stderr, "dti backup: --db is required (or set DTI_DB)")
		return exitError{2}
	case *out == "":
		fmt.Fprintln(env.stderr, "dti backup: --out is required")
		return exitError{2}
	case fs.NArg() > 0:
		fmt.Fprintf(env.stderr, "dti backup: unexpected argument %q\n", fs.Arg(0))
		return exitError{2}
	}
	if _, err := os.Stat(*dbPath); err != nil {
		return fmt.Errorf("backup: database %s: %w", *dbPath, errors.Unwrap(err))
	}
	db, err := sqlite.Open(*dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, *out); err != nil {
		return err
	}
	// Check the copy before calling it a backup.
	b, err := sqlite.Open(*out)
	if err != nil {
		return fmt.Errorf("backup written to %s but it does not open: %w", *out, err)
	}
	defer b.Close()
	res, err := b.IntegrityCheck(ctx)
	if err != nil || res != "ok" {
		return fmt.Errorf("backup written to %s but its integrity check failed: %q %v", *out, res, err)
	}
	st, err := os.Stat(*out)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "Đã sao lưu / backup written: %s (%d bytes, integrity ok)\n", *out, st.Size())
	return nil
}
