// Command dti runs the Digital Transformation Index platform: the web
// server and the command-line tools around it (validate an index, score a
// data file, back up the database, manage users...).
//
// Each subcommand lives in its own file of this package and registers itself
// in commands; main only dispatches.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// command is one subcommand of dti.
type command struct {
	name    string
	usage   string // e.g. "dti validate FILE"
	summary string // one line for "dti help"
	run     func(ctx context.Context, env *cmdEnv, args []string) error
}

// cmdEnv is what a subcommand may touch of the outside world, so tests can
// run commands in-process.
type cmdEnv struct {
	stdout, stderr io.Writer
	getenv         func(string) string
}

// exitError asks main to exit with code without printing more: the command
// already explained the failure on stderr.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

var commands = map[string]command{}

// parseFlags parses args into fs. It reports done when the command must
// end now: after -h, which printed the usage (status 0, err nil), or after
// a bad flag, which fs already reported (status 2).
func parseFlags(fs *flag.FlagSet, args []string) (done bool, err error) {
	switch err := fs.Parse(args); {
	case err == nil:
		return false, nil
	case errors.Is(err, flag.ErrHelp):
		return true, nil
	default:
		return true, exitError{2}
	}
}

// register adds a subcommand; each command file calls it from init.
func register(c command) { commands[c.name] = c }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	env := &cmdEnv{stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
	err := run(ctx, env, os.Args[1:])
	stop()
	var ee exitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		os.Exit(ee.code)
	default:
		fmt.Fprintln(os.Stderr, "dti:", err)
		os.Exit(1)
	}
}

// run dispatches args to a subcommand.
func run(ctx context.Context, env *cmdEnv, args []string) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printHelp(env.stdout)
		return nil
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(env.stderr, "dti: unknown command %q\n\n", args[0])
		printHelp(env.stderr)
		return exitError{2}
	}
	return c.run(ctx, env, args[1:])
}

func printHelp(w io.Writer) {
	fmt.Fprintln(w, "dti: Digital Transformation Index platform (Chỉ số chuyển đổi số)")
	fmt.Fprintln(w, "\nUsage:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-40s %s\n", commands[n].usage, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun a command with -h for its flags.")
}
