// Command dti-load measures the web application under load on loopback.
//
// It starts the real server in-process on 127.0.0.1 (a random port) over a
// temporary SQLite database holding the demo province with a published
// period, then runs two phases, each bounded in time and in requests:
//
//   - ranking: concurrent clients read the published ranking page;
//   - autosave: concurrent editors, each signed in to its own unit, save
//     their own form through the autosave endpoint (session cookie, CSRF
//     header, form version), as the form's script does.
//
// It prints requests per second and latency percentiles per phase, then
// checks that no acknowledged save was lost: every value the server
// acknowledged is in the audit log of the database, and the stored value of
// every form is the last one acknowledged, with its version. With -check the
// exit status is 1 when a target of docs/benchmarks.md is missed.
//
// Usage:
//
//	go run ./cmd/dti-load [-duration 10s] [-clients 64] [-editors 100] [-check]
//
// The command only ever talks to the loopback server it started.
package main
