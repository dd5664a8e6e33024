// Package sqlite is the SQLite store of the assessment domain: it
// implements assessment.Store over modernc.org/sqlite (pure Go, no cgo),
// in WAL mode with one writer connection and a pool of readers, numbered
// migrations embedded in the binary, content-addressed evidence files
// beside the database, and an online backup.
//
// All SQL of the platform lives here. It imports assessment and scoring
// (for the dataset it loads), never web or reports. The SQL is kept
// portable so a PostgreSQL store can follow the same shape.
package sqlite
