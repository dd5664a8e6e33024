// Package sqlite is the SQLite store of the assessment domain: it
// implements assessment.Store over modernc.org/sqlite (pure Go, no cgo).
//
// How it works:
//
//   - One writer connection with immediate transactions (SQLite has one
//     writer at a time; taking the lock at BEGIN means a read-then-write
//     transaction never fails half-way with SQLITE_BUSY), admitted first
//     come, first served; and a pool of read connections that run in
//     parallel with it thanks to WAL mode. Pragmas are in the DSN so every
//     pooled connection gets them.
//   - Every exported operation is one transaction, and writes its audit
//     entries in that transaction; all rows it writes share one timestamp
//     from the injected clock (WithClock).
//   - Optimistic concurrency: a save names the submission version it was
//     based on; a stale version is ErrConflict and writes nothing.
//   - Numbered migrations (migrations/NNNN_name.sql) are embedded and
//     applied at Open, each in its own transaction, tracked by PRAGMA
//     user_version. testdata/schema.sql is the resulting schema.
//   - Each submission keeps a packed copy of its values (pack.go), written
//     with them, so LoadDataset reads one row per unit.
//   - Evidence files live beside the database in evidence/ab/cdef...,
//     named by their SHA-256, written to a temporary file and renamed.
//   - Backup copies the database with VACUUM INTO while it is in use.
//
// All SQL of the platform lives here. It imports assessment and scoring
// (for the dataset it loads), never web or reports. The SQL is kept
// portable (RETURNING, ON CONFLICT, standard types) so a PostgreSQL store
// can follow the same shape.
package sqlite
