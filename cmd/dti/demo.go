package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/assessment/demo"
	"github.com/dti-platform/dti/assessment/sqlite"
)

func init() {
	register(command{
		name:    "demo",
		usage:   "dti demo --db FILE [--index FILE] [--seed N]",
		summary: "fill an empty database with a fictional demo province and print its accounts",
		run:     runDemo,
	})
}

// runDemo builds the demo province in a new or empty database.
func runDemo(ctx context.Context, env *cmdEnv, args []string) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	dbPath := fs.String("db", env.getenv("DTI_DB"), "database file to create or fill (env DTI_DB)")
	indexPath := fs.String("index", demoEnvOr(env, "DTI_INDEX", "indicators.yaml"), "index file the demo periods pin (env DTI_INDEX)")
	seed := fs.Uint64("seed", 2026, "random seed of the generated data")
	password := fs.String("password", env.getenv("DTI_DEMO_PASSWORD"), "password of every demo account (env DTI_DEMO_PASSWORD; default "+demo.DefaultPassword+")")
	if done, err := parseFlags(fs, args); done {
		return err
	}
	switch {
	case *dbPath == "":
		fmt.Fprintln(env.stderr, "dti demo: --db is required (or set DTI_DB)")
		return exitError{2}
	case fs.NArg() > 0:
		fmt.Fprintf(env.stderr, "dti demo: unexpected argument %q\n", fs.Arg(0))
		return exitError{2}
	}
	if *password != "" {
		if err := assessment.CheckPasswordPolicy(*password); err != nil {
			fmt.Fprintf(env.stderr, "dti demo: --password: %s\n", assessment.ErrorMessage(err, "en"))
			return exitError{2}
		}
	}
	src, err := os.ReadFile(*indexPath)
	if err != nil {
		fmt.Fprintf(env.stderr, "dti demo: %v\n", err)
		return exitError{1}
	}
	db, err := sqlite.Open(*dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := demo.Build(ctx, db, demo.Options{Index: src, Now: time.Now(), Seed: *seed, Password: *password})
	if errors.Is(err, assessment.ErrConflict) || errors.Is(err, assessment.ErrInvalid) {
		fmt.Fprintf(env.stderr, "dti demo: %s\n", assessment.ErrorMessage(err, "vi"))
		fmt.Fprintf(env.stderr, "dti demo: %s\n", assessment.ErrorMessage(err, "en"))
		return exitError{1}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "Đã tạo dữ liệu mẫu / demo created: %d đơn vị / units, kỳ %s (đã công bố / published), kỳ %s (đang mở / open)\n",
		res.Units, res.PastPeriod, res.CurrentPeriod)
	demo.PrintAccounts(env.stdout, res.Accounts)
	return nil
}

// demoEnvOr returns the environment variable key, or def when it is empty.
func demoEnvOr(env *cmdEnv, key, def string) string {
	if v := env.getenv(key); v != "" {
		return v
	}
	return def
}
