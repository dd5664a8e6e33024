package main

import (
	"flag"
	"fmt"
)

// actionFlags begins a command that takes an action word first ("dti
// users add --db FILE ..."). With no arguments or a help word it prints
// usageText to stdout and help is true. Otherwise it returns the action,
// a flag set for the action's flags with --db already declared (default
// from DTI_DB), and usage, which reports a misuse of the action on stderr
// followed by usageText and returns exit status 2.
func actionFlags(env *cmdEnv, name, usageText string, args []string) (action string, fs *flag.FlagSet, dbPath *string, usage func(msg string) error, help bool) {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(env.stdout, usageText)
		return "", nil, nil, nil, true
	}
	action = args[0]
	fs = flag.NewFlagSet(name+" "+action, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.Usage = func() { fmt.Fprint(env.stderr, usageText) }
	dbPath = fs.String("db", env.getenv("DTI_DB"), "database file (env DTI_DB)")
	usage = func(msg string) error {
		fmt.Fprintf(env.stderr, "dti %s %s: %s\n\n%s", name, action, msg, usageText)
		return exitError{2}
	}
	return action, fs, dbPath, usage, false
}
