package reports

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/dti-platform/dti/scoring"
)

// This file holds the flat exports: raw data (every unit × every input,
// final values) and the audit log, each in Excel and in CSV.

const (
	rawHeaderRow1 = 3 // input labels
	rawHeaderRow2 = 4 // input keys ("INDICATOR/input")
	rawFirstRow   = 5
	rawFixedCols  = 4 // code, name, type, block

	auditHeaderRow = 3
	auditTimeCSV   = "2006-01-02 15:04:05 -07:00"
)

// rawColumn is one input column of the raw data export.
type rawColumn struct {
	node  *scoring.Node
	input *scoring.Input
	slot  int
}

// rawColumns lists every input of the index in slot order: the inputs of
// the tree's indicators in document order, then those of the adjustments
// (the numbering scoring.Index.Slot documents).
func rawColumns(ix *scoring.Index) []rawColumn {
	var cols []rawColumn
	add := func(n *scoring.Node) {
		for i := range n.Inputs {
			slot := len(cols)
			if ix.NumSlots() > 0 {
				if s, ok := ix.Slot(n.Code, n.Inputs[i].Key); ok {
					slot = s
				}
			}
			cols = append(cols, rawColumn{node: n, input: &n.Inputs[i], slot: slot})
		}
	}
	for _, n := range treeIndicators(ix) {
		add(n)
	}
	for _, n := range ix.Adjustments {
		add(n)
	}
	return cols
}

// rawKey is the column key of an input in the raw exports.
func rawKey(c rawColumn) string { return c.node.Code + "/" + c.input.Key }

// rawValue returns a unit's value of a column: a float64 for numbers and
// yes/no (1 or 0), the canonical text otherwise, nil when missing.
func rawValue(u *scoring.UnitData, c rawColumn) any {
	if c.slot >= len(u.Values) || !u.Values[c.slot].Set {
		return nil
	}
	v := u.Values[c.slot]
	switch c.input.Type {
	case scoring.InputBoolean, scoring.InputCount, scoring.InputNumber, scoring.InputPercent:
		return v.Num
	}
	return CanonicalText(c.input, v)
}

func checkRaw(in *RawDataInput) error {
	if in.Index == nil {
		return errors.New("reports: raw data: index is nil")
	}
	if in.Dataset == nil {
		return errors.New("reports: raw data: dataset is nil")
	}
	if err := checkColumns("the raw data sheet", rawFixedCols+len(rawColumns(in.Index))); err != nil {
		return fmt.Errorf("reports: raw data: %w", err)
	}
	return nil
}

// WriteRawData writes every unit's final input values to w as a workbook:
// one row per unit, one column per input (headed by its label and its
// "INDICATOR/input" key), numbers and yes/no (1/0) as numbers, choices as
// option codes, dates as YYYY-MM-DD. Written with the stream writer.
func WriteRawData(w io.Writer, in RawDataInput) error {
	if err := checkRaw(&in); err != nil {
		return err
	}
	lang := normLang(in.Lang)
	cols := rawColumns(in.Index)
	sheet := sanitizeSheetName(sheetRawData.in(lang))
	f, err := newWorkbook(sheet)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := newStyles(f, in.Index)
	if err != nil {
		return err
	}
	last := rawFixedCols + len(cols)
	sw, err := streamSheet(f, sheet, rawHeaderRow1, rawHeaderRow2, last, rawFirstRow-1+len(in.Dataset.Units))
	if err != nil {
		return err
	}
	ws := newWidths(last, 10, 40)
	ws.set(1, 12)
	ws.set(2, 24)
	for i := range in.Dataset.Units {
		u := &in.Dataset.Units[i]
		ws.fit(1, u.Code)
		ws.fit(2, in.Names.name(u.Code, u.Name, lang))
		ws.fit(3, u.Type)
		ws.fit(4, u.Block)
	}
	for k, c := range cols {
		ws.set(rawFixedCols+1+k, 14)
		ws.fit(rawFixedCols+1+k, rawKey(c))
	}
	if err := ws.applyStream(sw); err != nil {
		return err
	}
	if err := sw.SetPanes(frozen(2, rawHeaderRow2)); err != nil {
		return err
	}
	title := lblRawTitle.in(lang) + " — " + in.Period.Name.In(lang)
	if err := sw.SetRow("A1", []any{textCell(st.title, title)}); err != nil {
		return err
	}
	h1 := make([]any, last)
	h2 := make([]any, last)
	for i, m := range []msg{lblUnitCode, lblUnitName, lblUnitType, lblBlock} {
		h1[i] = textCell(st.header, m.head(lang))
		h2[i] = textCell(st.header, "")
	}
	for k, c := range cols {
		h1[rawFixedCols+k] = textCell(st.header, c.input.Label.In(lang))
		h2[rawFixedCols+k] = textCell(st.header, rawKey(c))
	}
	if err := sw.SetRow(cellRef(1, rawHeaderRow1), h1, excelize.RowOpts{Height: 60}); err != nil {
		return err
	}
	if err := sw.SetRow(cellRef(1, rawHeaderRow2), h2); err != nil {
		return err
	}
	row := make([]any, last)
	for i := range in.Dataset.Units {
		u := &in.Dataset.Units[i]
		row[0] = textCell(st.text, u.Code)
		row[1] = textCell(st.text, in.Names.name(u.Code, u.Name, lang))
		row[2] = textCell(st.text, u.Type)
		row[3] = textCell(st.text, u.Block)
		for k, c := range cols {
			switch v := rawValue(u, c).(type) {
			case nil:
				row[rawFixedCols+k] = nil
			case string:
				row[rawFixedCols+k] = textCell(st.text, v)
			default:
				row[rawFixedCols+k] = cell(st.text, v)
			}
		}
		if err := sw.SetRow(cellRef(1, rawFirstRow+i), row); err != nil {
			return err
		}
	}
	for c := 1; c <= rawFixedCols; c++ {
		if err := sw.MergeCell(cellRef(c, rawHeaderRow1), cellRef(c, rawHeaderRow2)); err != nil {
			return err
		}
	}
	if n := len(in.Dataset.Units); n > 0 {
		if err := f.AutoFilter(sheet, cellRef(1, rawHeaderRow2)+":"+cellRef(last, rawFirstRow+n-1), nil); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	if err := writeWorkbook(f, w); err != nil {
		return fmt.Errorf("reports: raw data: %w", err)
	}
	return nil
}

// WriteRawDataCSV writes the raw data of WriteRawData as CSV (UTF-8 with a
// BOM): a header row of unit columns and "INDICATOR/input" keys, then one
// row per unit. Numbers use a decimal point; text cells that could run as
// a formula get a leading apostrophe.
func WriteRawDataCSV(w io.Writer, in RawDataInput) error {
	if err := checkRaw(&in); err != nil {
		return err
	}
	lang := normLang(in.Lang)
	cols := rawColumns(in.Index)
	cw, err := newCSVWriter(w)
	if err != nil {
		return err
	}
	rec := []string{lblUnitCode.in(lang), lblUnitName.in(lang), lblUnitType.in(lang), lblBlock.in(lang)}
	for _, c := range cols {
		rec = append(rec, CSVSafe(rawKey(c)))
	}
	if err := cw.write(rec); err != nil {
		return err
	}
	for i := range in.Dataset.Units {
		u := &in.Dataset.Units[i]
		rec = rec[:0]
		rec = append(rec, CSVSafe(u.Code), CSVSafe(in.Names.name(u.Code, u.Name, lang)), CSVSafe(u.Type), CSVSafe(u.Block))
		for _, c := range cols {
			switch v := rawValue(u, c).(type) {
			case nil:
				rec = append(rec, "")
			case string:
				rec = append(rec, CSVSafe(v))
			case float64:
				rec = append(rec, strconv.FormatFloat(v, 'f', -1, 64))
			}
		}
		if err := cw.write(rec); err != nil {
			return err
		}
	}
	return cw.close()
}

// auditHeaders are the columns of the audit exports.
var auditHeaders = []msg{lblAt, lblActor, lblAction, lblEntity, lblEntityID, lblUnit, lblPeriod, lblField, lblFrom, lblTo, lblWhy}

// auditTime returns an entry's time in the export's time zone.
func auditTime(in *AuditInput, t time.Time) time.Time {
	if in.Location != nil {
		return t.In(in.Location)
	}
	return t
}

// auditTexts returns the text columns of an entry (all but the time).
func auditTexts(e *AuditEntry) []string {
	return []string{e.Actor, e.Action, e.Entity, e.EntityID, e.Unit, e.Period, e.Field, e.From, e.To, e.Reason}
}

// WriteAudit writes audit log entries to w as a workbook, one row per
// entry in the order given, with times as Excel date-times in
// in.Location.
func WriteAudit(w io.Writer, in AuditInput) error {
	lang := normLang(in.Lang)
	sheet := sanitizeSheetName(sheetAudit.in(lang))
	f, err := newWorkbook(sheet)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := newStyles(f, nil)
	if err != nil {
		return err
	}
	last := len(auditHeaders)
	sw, err := streamSheet(f, sheet, auditHeaderRow, auditHeaderRow, last, auditHeaderRow+len(in.Entries))
	if err != nil {
		return err
	}
	ws := newWidths(last, 10, 50)
	ws.set(1, 20)
	for i := range in.Entries {
		for k, s := range auditTexts(&in.Entries[i]) {
			ws.fit(k+2, s)
		}
	}
	if err := ws.applyStream(sw); err != nil {
		return err
	}
	if err := sw.SetPanes(frozen(0, auditHeaderRow)); err != nil {
		return err
	}
	if err := sw.SetRow("A1", []any{textCell(st.title, lblAuditTitle.in(lang))}); err != nil {
		return err
	}
	hdr := make([]any, last)
	for i, m := range auditHeaders {
		hdr[i] = textCell(st.header, m.head(lang))
	}
	if err := sw.SetRow(cellRef(1, auditHeaderRow), hdr, excelize.RowOpts{Height: 32}); err != nil {
		return err
	}
	row := make([]any, last)
	for i := range in.Entries {
		e := &in.Entries[i]
		row[0] = cell(st.dateTime, auditTime(&in, e.At))
		for k, s := range auditTexts(e) {
			row[k+1] = textCell(st.textWrap, s)
		}
		if err := sw.SetRow(cellRef(1, auditHeaderRow+1+i), row); err != nil {
			return err
		}
	}
	if n := len(in.Entries); n > 0 {
		if err := f.AutoFilter(sheet, cellRef(1, auditHeaderRow)+":"+cellRef(last, auditHeaderRow+n), nil); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	if err := writeWorkbook(f, w); err != nil {
		return fmt.Errorf("reports: audit: %w", err)
	}
	return nil
}

// WriteAuditCSV writes audit log entries to w as CSV (UTF-8 with a BOM),
// times as "2006-01-02 15:04:05 -07:00" in in.Location.
func WriteAuditCSV(w io.Writer, in AuditInput) error {
	lang := normLang(in.Lang)
	cw, err := newCSVWriter(w)
	if err != nil {
		return err
	}
	rec := make([]string, 0, len(auditHeaders))
	for _, m := range auditHeaders {
		rec = append(rec, m.in(lang))
	}
	if err := cw.write(rec); err != nil {
		return err
	}
	for i := range in.Entries {
		e := &in.Entries[i]
		rec = rec[:0]
		rec = append(rec, auditTime(&in, e.At).Format(auditTimeCSV))
		for _, s := range auditTexts(e) {
			rec = append(rec, CSVSafe(s))
		}
		if err := cw.write(rec); err != nil {
			return err
		}
	}
	return cw.close()
}
