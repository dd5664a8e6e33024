// Package scoring owns the index definition (parsed from YAML and validated)
// and the scoring engine that turns every unit's inputs into points, values,
// ranks and bands.
//
// It is pure and deterministic: it imports nothing of this module and reads
// no files, database, clock or environment. The same index and dataset give
// byte-identical results.
package scoring
