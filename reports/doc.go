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
// module: no SQL, no HTTP, no clock. The same inputs give byte-identical
// files (the zip entries of a workbook are written in a fixed order).
//
// # Workbooks
//
// WriteRanking writes, in the language of RankingInput.Lang (Vietnamese
// unless "en"):
//   - a cover sheet: period, data year, index name, code, version and hash,
//     generation time, compared period, and the number of units per band in
//     every block;
//   - one "Xếp hạng chi tiết" sheet per block, in the index's block order:
//     rank (blank in unranked blocks), unit code and name, total points,
//     value (index value decimals), band, the value of every pillar and of
//     every group down to RankingInput.GroupDepth, and the change of rank
//     (positive = moved up) and value since the previous period (blank
//     without a previous result); a native bar chart of the values sits to
//     the right of the table;
//   - "Ma trận điểm": every unit × every indicator's final points (blank when
//     the indicator does not apply), then bonus/penalty items.
//
// Header rows are frozen and filtered, and printed on every page; numbers
// use the index rounding (values 4 decimals, points 2). A composite index,
// whose nodes carry no points, shows node values on the index scale.
//
// WriteScorecard writes one unit's indicators in tree order with their
// inputs (self-assessed and appraised values), max / self / appraised /
// final points, the review decision with its reason and the evidence list,
// group subtotals, the total, bonus/penalty items and pillar subtotals.
//
// WriteRawData / WriteRawDataCSV write every unit × every input (final
// values: numbers and yes/no 1/0 as numbers, choices as option codes, dates
// as YYYY-MM-DD), columns keyed "INDICATOR/input". WriteAudit /
// WriteAuditCSV write audit entries in the order given. CSV files are UTF-8
// with a BOM and CRLF line ends.
//
// # Fillable template
//
// WriteTemplate writes one row per input of the indicators (then
// bonus/penalty items) that apply to the unit's type: indicator code and
// name, input label (marked when required), guidance, unit of measure,
// value, allowed values, data source and input key. Only the value cells of
// inputs the unit may edit are unlocked; the sheet and the workbook
// structure are protected (without password: protection guides people, the
// import enforces the rules). Yes/no and choice inputs get drop-down lists
// of option labels (kept in the hidden sheet "_lists"), numbers get
// decimal or whole-number limits, dates a date check, text and links a
// length check. The very hidden sheet "_meta" holds the format version
// (TemplateFormat), period code, unit code, index code, version and hash,
// the template language, the input sheet name, the number of rows, a
// digest of the layout and every value as written.
//
// ReadTemplate takes the same TemplateInput. It refuses, with a
// *TemplateError, a file that is too large, not a workbook, not a template,
// of another format version, unit, period or index version, or whose layout
// (rows, codes) was changed. Otherwise it returns a TemplateImport: the
// values the unit changed in the file, keyed by scoring.InputKey with their
// canonical text (CanonicalText), the same changes for a preview, and
// every cell problem with its sheet and cell. The import compares three
// values per input: the one written to the template, the one in the file
// and TemplateInput.Current. A file value equal to the written one is no
// change (a value saved on the platform since the download is kept); a
// file value that differs while the current one changed too is a
// conflict. Accepted forms: Excel numbers or text
// with a decimal comma or point ("12,5", "1.234,5"); yes/no as the
// drop-down labels in either language, true/false, 1/0 or x; options by
// label or code (several separated by ";"); dates as Excel dates,
// dd/mm/yyyy or yyyy-mm-dd; links with http(s). Formulas, values outside
// limits and changed read-only inputs are errors. Every error has a Code
// (TemplateErr*) and Args for the web to localise, and Message/Text give
// the default Vietnamese or English text.
//
// # Safety
//
// User text is always written as a string cell, never as a formula;
// characters XML cannot carry are dropped. CSV cells starting with = + - @,
// a tab or a carriage return get a leading apostrophe (CSVSafe). Sheet
// names are sanitised: at most 31 characters, none of []:*?/\, unique.
// Template imports are bounded: file size, unzipped size, rows read
// (TemplateLimits).
//
// # Reading uploaded sheets
//
// ReadSheetRows reads the first sheet of any uploaded workbook as rows of
// text with the same bounded reader (file, unzipped and part sizes, XML
// nesting, rows, columns and cells kept: SheetLimits), refusing formula
// cells and values past the rows and columns asked for with a *SheetError
// naming the cells. Its signature uses only standard types so that the
// bulk imports of the assessment package take it as an
// assessment.SheetReader without importing this package. Uploads are
// never opened with excelize, which fills every gap of a sparse sheet in
// memory.
package reports
