// Package reports turns scoring results and a few plain domain facts into
// downloadable files: the ranking workbook of a period (a sheet per block,
// the unit × indicator matrix, native bar charts), a unit's scorecard, raw
// data and audit log exports in Excel and CSV, and the fillable Excel
// template of a unit's inputs together with its bounded, validating import.
// It also builds the go-echarts chart options shown on web pages.
//
// Inputs are plain values (see model.go) and outputs go to an io.Writer, so
// a web handler streams a download and a test writes to a buffer. The
// package imports scoring (types and index walking) and nothing else of this
// module: no SQL, no HTTP, no clock. The same inputs give the same workbook
// content (sheets, cells, styles, validations, charts).
//
// Safety: user text is always written as a string cell, never as a formula;
// CSV cells that a spreadsheet would read as a formula get a leading
// apostrophe; sheet names are sanitised; template imports are bounded in
// size, unzipped size and rows, and reject formulas.
package reports
