// Package assessment is the domain of the platform: units, users and their
// roles, periods pinned to an index version, submissions and their input
// values, evidence, review decisions, published result snapshots, API
// tokens and the audit log; the workflow rules for who may change what and
// when; and the Store interface that keeps all of it.
//
// It may use scoring's types (to check values against the index and keep
// score snapshots); scoring never imports it. SQL lives in assessment/sqlite.
package assessment
