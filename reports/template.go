package reports

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/dti-platform/dti/scoring"
)

// TemplateFormat is the format version written in a template's metadata;
// the import refuses any other.
const TemplateFormat = "dti-template/1"

// Fixed, language-neutral names of the template's hidden sheets.
const (
	templateMetaSheet  = "_meta"
	templateListsSheet = "_lists"
)

// Columns of the input sheet. The value column is the only one a unit
// types into.
const (
	tcIndicator = 1 + iota // indicator code
	tcName                 // indicator name
	tcInput                // input label
	tcGuidance             // guidance and help
	tcUnit                 // unit of measure
	tcValue                // the value
	tcAllowed              // allowed values / limits
	tcSource               // data source
	tcKey                  // input key
	tcLast      = tcKey

	templateHeaderRow = 5
	templateFirstRow  = 6
	// templateTextMax is the longest text or link accepted.
	templateTextMax = 4000
)

// Template texts.
var (
	lblTemplateTitle = msg{"Mẫu nhập liệu chỉ số chuyển đổi số — %s", "Digital transformation input form — %s"}
	lblTemplateSub   = msg{"Đơn vị: %s · Kỳ đánh giá: %s · Bộ chỉ số: %s %s", "Unit: %s · Period: %s · Index: %s %s"}
	lblTemplateHelp  = msg{
		"Chỉ nhập vào cột «Giá trị» (ô nền vàng). Ô nền xám do hệ thống hoặc cơ quan thường trực cung cấp, không sửa. Không thêm, xóa hay đổi thứ tự dòng. Số thập phân dùng dấu phẩy hoặc dấu chấm; ngày theo dạng dd/mm/yyyy.",
		"Type only in the «Value» column (yellow cells). Grey cells come from the central system or the secretariat and cannot be changed. Do not add, delete or reorder rows. Decimals may use a comma or a point; dates as dd/mm/yyyy.",
	}
	lblColIndicator = msg{"Mã chỉ tiêu", "Indicator code"}
	lblColName      = msg{"Chỉ tiêu", "Indicator"}
	lblColInput     = msg{"Trường dữ liệu", "Input"}
	lblColGuidance  = msg{"Hướng dẫn", "Guidance"}
	lblColUnit      = msg{"Đơn vị tính", "Unit of measure"}
	lblColValue     = msg{"Giá trị", "Value"}
	lblColAllowed   = msg{"Giá trị hợp lệ", "Allowed values"}
	lblColSource    = msg{"Nguồn dữ liệu", "Source"}
	lblColKey       = msg{"Mã trường", "Input key"}
	lblRequired     = msg{"(bắt buộc)", "(required)"}
	lblEvidenceReq  = msg{"Cần tài liệu kiểm chứng", "Evidence required"}
	lblAllowedNum   = msg{"Số từ %s đến %s", "A number from %s to %s"}
	lblAllowedMin   = msg{"Số ≥ %s", "A number ≥ %s"}
	lblAllowedMax   = msg{"Số ≤ %s", "A number ≤ %s"}
	lblAllowedAny   = msg{"Một số", "A number"}
	lblAllowedWhole = msg{"Số nguyên từ %s đến %s", "A whole number from %s to %s"}
	lblAllowedWMin  = msg{"Số nguyên ≥ %s", "A whole number ≥ %s"}
	lblAllowedBool  = msg{"Có / Không", "Yes / No"}
	lblAllowedList  = msg{"Chọn một: %s", "One of: %s"}
	lblAllowedMulti = msg{"Một hoặc nhiều, cách nhau bởi dấu ;: %s", "One or more, separated by ;: %s"}
	lblAllowedDate  = msg{"Ngày (dd/mm/yyyy)", "A date (dd/mm/yyyy)"}
	lblAllowedText  = msg{"Văn bản, tối đa %d ký tự", "Text, at most %d characters"}
	lblAllowedURL   = msg{"Đường dẫn http(s)://…", "An http(s):// link"}
	lblDVErrTitle   = msg{"Giá trị không hợp lệ", "Invalid value"}
)

// templateRow is one input row of a template.
type templateRow struct {
	row      int
	node     *scoring.Node
	input    *scoring.Input
	key      scoring.InputKey
	source   scoring.Source
	readOnly bool
}

// templateLayout returns the input rows of the template of in: every input
// of every indicator (then adjustment) that applies to the unit's type and
// was not declared not applicable, in document order. Writer and reader both derive it from the same input, so
// the import never trusts row positions found in the file.
func templateLayout(in *TemplateInput) []templateRow {
	var rows []templateRow
	add := func(n *scoring.Node) {
		if !appliesTo(n, in.UnitType) || in.NotApplicable[n.Code] {
			return
		}
		for i := range n.Inputs {
			input := &n.Inputs[i]
			src := inputSource(n, input)
			rows = append(rows, templateRow{
				row:      templateFirstRow + len(rows),
				node:     n,
				input:    input,
				key:      scoring.InputKey{Indicator: n.Code, Input: input.Key},
				source:   src,
				readOnly: src.ReadOnlyForUnit(),
			})
		}
	}
	for _, n := range treeIndicators(in.Index) {
		add(n)
	}
	for _, n := range in.Index.Adjustments {
		add(n)
	}
	return rows
}

// layoutDigest is a digest of a layout: the input keys, types, sources and
// option codes in row order.
func layoutDigest(rows []templateRow) string {
	h := sha256.New()
	for _, r := range rows {
		fmt.Fprintf(h, "%d\t%s\t%s\t%s\t%s", r.row, r.key.Indicator, r.key.Input, r.input.Type, r.source)
		for _, o := range r.input.Options {
			fmt.Fprintf(h, "\t%s", o.Value)
		}
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// templateMeta is the content of the metadata sheet, in row order.
func templateMeta(in *TemplateInput, rows []templateRow, lang, dataSheet string) [][2]string {
	meta := [][2]string{
		{"format", TemplateFormat},
		{"period", in.Period.Code},
		{"unit", in.UnitCode},
		{"index_code", in.Index.Code},
		{"index_version", in.Index.Version},
		{"index_hash", in.Index.Hash},
		{"lang", lang},
		{"sheet", dataSheet},
		{"rows", strconv.Itoa(len(rows))},
		{"layout", layoutDigest(rows)},
	}
	// The values as written: the import tells what the unit changed in the
	// file from what changed on the platform since the download (a value
	// saved in the web form, a central update).
	for _, r := range rows {
		meta = append(meta, [2]string{valueMetaKey(r.key), templateEcho(r.input, in.Current[r.key], lang)})
	}
	return meta
}

// valueMetaKey is the metadata key of an input's written value.
func valueMetaKey(k scoring.InputKey) string { return "v:" + k.Indicator + "/" + k.Input }

// templateEcho returns the canonical text an untouched template gives back
// for value v: the value as written to the cell, parsed again (free text
// trimmed, multiple choices in option order).
func templateEcho(in *scoring.Input, v scoring.Value, lang string) string {
	if !v.Set {
		return ""
	}
	var c sheetCell
	switch in.Type {
	case scoring.InputCount, scoring.InputNumber, scoring.InputPercent:
		c = sheetCell{value: strconv.FormatFloat(v.Num, 'f', -1, 64)}
	case scoring.InputDate:
		c = sheetCell{typ: "s", value: v.Text}
	default:
		c = sheetCell{typ: "s", value: cellText(displayValue(in, v, lang))}
	}
	got, code, _ := parseCell(in, c)
	if code != "" {
		return CanonicalText(in, v)
	}
	return CanonicalText(in, got)
}

// indexID names an index version in messages.
func indexID(code, version, hash string) string {
	s := code + " " + version
	if len(hash) > 12 {
		hash = hash[:12]
	}
	if hash != "" {
		s += " #" + hash
	}
	return s
}

// WriteTemplate writes the fillable Excel template of one unit and period
// to w: one row per input of the indicators that apply to the unit, with
// its guidance, unit, source, allowed values and current value. Drop-down
// lists (yes/no, choices), number, whole-number, date and text-length
// validations guard the value cells; every other cell, and the values of
// inputs the unit may not edit, are locked and the sheet is protected. A
// hidden metadata sheet records the format version, period, unit and index
// hash so ReadTemplate can refuse a template of another unit, period or
// index version.
func WriteTemplate(w io.Writer, in TemplateInput) error {
	if in.Index == nil {
		return errors.New("reports: template: index is nil")
	}
	// The template's drop-down labels must be in one language.
	lang := single(in.Lang)
	rows := templateLayout(&in)
	dataSheet := sheetTemplate.in(lang)

	f, err := newWorkbook(dataSheet)
	if err != nil {
		return err
	}
	defer f.Close()
	t := &templateWriter{f: f, in: &in, lang: lang, sheet: dataSheet}
	if err := t.styles(); err != nil {
		return err
	}
	if err := t.writeLists(rows); err != nil {
		return fmt.Errorf("reports: template: %w", err)
	}
	if err := t.writeInputs(rows); err != nil {
		return fmt.Errorf("reports: template: %w", err)
	}
	meta := templateMeta(&in, rows, lang, dataSheet)
	if err := t.writeMeta(meta); err != nil {
		return fmt.Errorf("reports: template: %w", err)
	}
	for _, d := range []struct {
		sheet      string
		cols, rows int
	}{
		{dataSheet, tcLast, templateFirstRow - 1 + len(rows)},
		{templateListsSheet, t.listCols, t.listRows},
		{templateMetaSheet, 2, len(meta)},
	} {
		if err := setDimension(f, d.sheet, d.cols, d.rows); err != nil {
			return fmt.Errorf("reports: template: %w", err)
		}
	}
	// Locking the structure keeps the hidden sheets hidden and stops
	// sheets from being added, removed or renamed.
	if err := f.ProtectWorkbook(&excelize.WorkbookProtectionOptions{LockStructure: true}); err != nil {
		return err
	}
	if err := writeWorkbook(f, w); err != nil {
		return fmt.Errorf("reports: template: %w", err)
	}
	return nil
}

// templateWriter holds the state of one WriteTemplate call.
type templateWriter struct {
	f     *excelize.File
	in    *TemplateInput
	lang  string
	sheet string
	st    struct {
		title, sub, header, text, wrap, locked, lockedNum, lockedDate int
		value, valueNum, valueWhole, valueDate, valueText             int
	}
	// lists maps an input row to the absolute range of its drop-down list;
	// listCols and listRows are the extent of the lists sheet.
	lists              map[int]string
	listCols, listRows int
}

func (t *templateWriter) styles() error {
	var err error
	add := func(dst *int, s *excelize.Style) {
		if err == nil {
			*dst, err = t.f.NewStyle(s)
		}
	}
	str := func(s string) *string { return &s }
	locked := &excelize.Protection{Locked: true}
	unlocked := &excelize.Protection{Locked: false}
	yellow := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFF2CC"}}
	grey := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"EDEDED"}}
	top := &excelize.Alignment{Vertical: "top", WrapText: true}
	add(&t.st.title, &excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}, Protection: locked})
	add(&t.st.sub, &excelize.Style{Font: &excelize.Font{Italic: true, Color: "595959"}, Alignment: top, Protection: locked})
	add(&t.st.header, &excelize.Style{
		Font:       &excelize.Font{Bold: true},
		Fill:       excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment:  &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
		Border:     thinBorder,
		Protection: locked,
	})
	add(&t.st.text, &excelize.Style{Alignment: &excelize.Alignment{Vertical: "top"}, Border: thinBorder, Protection: locked})
	add(&t.st.wrap, &excelize.Style{Alignment: top, Border: thinBorder, Protection: locked})
	add(&t.st.locked, &excelize.Style{Fill: grey, Alignment: top, Border: thinBorder, Protection: locked, CustomNumFmt: str("@")})
	add(&t.st.lockedNum, &excelize.Style{Fill: grey, Alignment: top, Border: thinBorder, Protection: locked})
	add(&t.st.lockedDate, &excelize.Style{Fill: grey, Alignment: top, Border: thinBorder, Protection: locked, CustomNumFmt: str("dd/mm/yyyy")})
	// Text-like values use the "@" format so that whatever is typed stays
	// text in Excel too (a leading "=" never becomes a formula).
	add(&t.st.valueText, &excelize.Style{Fill: yellow, Alignment: top, Border: thinBorder, Protection: unlocked, CustomNumFmt: str("@")})
	add(&t.st.value, &excelize.Style{Fill: yellow, Alignment: top, Border: thinBorder, Protection: unlocked})
	add(&t.st.valueNum, &excelize.Style{Fill: yellow, Alignment: top, Border: thinBorder, Protection: unlocked, CustomNumFmt: str("General")})
	add(&t.st.valueWhole, &excelize.Style{Fill: yellow, Alignment: top, Border: thinBorder, Protection: unlocked, NumFmt: 1})
	add(&t.st.valueDate, &excelize.Style{Fill: yellow, Alignment: top, Border: thinBorder, Protection: unlocked, CustomNumFmt: str("dd/mm/yyyy")})
	return err
}

// writeLists writes the drop-down option labels to the hidden lists sheet:
// column A holds yes/no, then one column per choice input.
func (t *templateWriter) writeLists(rows []templateRow) error {
	f := t.f
	if _, err := f.NewSheet(templateListsSheet); err != nil {
		return err
	}
	t.lists = map[int]string{}
	yesNo := []string{lblYes.in(t.lang), lblNo.in(t.lang)}
	for i, s := range yesNo {
		if err := f.SetCellStr(templateListsSheet, cellRef(1, i+1), s); err != nil {
			return err
		}
	}
	boolRange := absRange(templateListsSheet, 1, 1, 1, len(yesNo))
	col := 2
	for _, r := range rows {
		switch r.input.Type {
		case scoring.InputBoolean:
			t.lists[r.row] = boolRange
		case scoring.InputChoice:
			if len(r.input.Options) == 0 {
				continue
			}
			for i, o := range r.input.Options {
				if err := f.SetCellStr(templateListsSheet, cellRef(col, i+1), cellText(optionLabel(r.input, o.Value, t.lang))); err != nil {
					return err
				}
			}
			t.lists[r.row] = absRange(templateListsSheet, col, 1, col, len(r.input.Options))
			t.listRows = max(t.listRows, len(r.input.Options))
			col++
		}
	}
	t.listCols, t.listRows = col-1, max(t.listRows, len(yesNo))
	if err := f.ProtectSheet(templateListsSheet, &excelize.SheetProtectionOptions{SelectLockedCells: true, SelectUnlockedCells: true}); err != nil {
		return err
	}
	return f.SetSheetVisible(templateListsSheet, false)
}

// writeMeta writes the hidden metadata sheet.
func (t *templateWriter) writeMeta(meta [][2]string) error {
	f := t.f
	if _, err := f.NewSheet(templateMetaSheet); err != nil {
		return err
	}
	for i, kv := range meta {
		if err := f.SetSheetRow(templateMetaSheet, cellRef(1, i+1), &[]any{kv[0], cellText(kv[1])}); err != nil {
			return err
		}
	}
	if err := f.ProtectSheet(templateMetaSheet, &excelize.SheetProtectionOptions{}); err != nil {
		return err
	}
	return f.SetSheetVisible(templateMetaSheet, false, true)
}

// writeInputs writes the visible input sheet.
func (t *templateWriter) writeInputs(rows []templateRow) error {
	f, sh, lang, in := t.f, t.sheet, t.lang, t.in
	unitName := in.UnitName.In(lang)
	if unitName == "" {
		unitName = in.UnitCode
	}
	set := func(col, row int, v any, style int) error {
		ref := cellRef(col, row)
		if err := f.SetCellValue(sh, ref, v); err != nil {
			return err
		}
		return f.SetCellStyle(sh, ref, ref, style)
	}
	if err := set(1, 1, cellText(lblTemplateTitle.inf(lang, unitName)), t.st.title); err != nil {
		return err
	}
	periodName := in.Period.Name.In(lang)
	if periodName == "" {
		periodName = in.Period.Code
	}
	sub := lblTemplateSub.inf(lang, in.UnitCode, periodName, in.Index.Code, in.Index.Version)
	if err := set(1, 2, cellText(sub), t.st.sub); err != nil {
		return err
	}
	if err := set(1, 3, lblTemplateHelp.in(lang), t.st.sub); err != nil {
		return err
	}
	for _, m := range [][2]string{{"A1", "I1"}, {"A2", "I2"}, {"A3", "I3"}} {
		if err := f.MergeCell(sh, m[0], m[1]); err != nil {
			return err
		}
	}
	if err := f.SetRowHeight(sh, 3, 48); err != nil {
		return err
	}
	headers := []msg{lblColIndicator, lblColName, lblColInput, lblColGuidance, lblColUnit, lblColValue, lblColAllowed, lblColSource, lblColKey}
	for i, h := range headers {
		if err := set(i+1, templateHeaderRow, h.in(lang), t.st.header); err != nil {
			return err
		}
	}

	ws := newWidths(tcLast, 8, 60)
	ws.set(tcIndicator, 12)
	ws.set(tcName, 40)
	ws.set(tcInput, 34)
	ws.set(tcGuidance, 50)
	ws.set(tcValue, 22)
	ws.set(tcAllowed, 30)
	ws.set(tcSource, 20)
	ws.set(tcKey, 16)
	for _, r := range rows {
		ws.fit(tcUnit, r.input.Unit)
	}
	for _, r := range rows {
		if err := t.writeRow(r, ws); err != nil {
			return fmt.Errorf("row %d (%s/%s): %w", r.row, r.key.Indicator, r.key.Input, err)
		}
	}
	if err := ws.applyFile(f, sh); err != nil {
		return err
	}
	if err := printSetup(f, sh, templateHeaderRow, templateHeaderRow); err != nil {
		return err
	}
	if err := f.SetPanes(sh, frozen(0, templateHeaderRow)); err != nil {
		return err
	}
	return f.ProtectSheet(sh, &excelize.SheetProtectionOptions{
		SelectLockedCells:   true,
		SelectUnlockedCells: true,
		FormatColumns:       true,
		FormatRows:          true,
	})
}

// writeRow writes one input row with its value cell and validation.
func (t *templateWriter) writeRow(r templateRow, ws *widths) error {
	f, sh, lang := t.f, t.sheet, t.lang
	n, input := r.node, r.input
	label := input.Label.In(lang)
	if label == "" {
		label = input.Key
	}
	if input.Required {
		label += " " + lblRequired.in(lang)
	}
	var guide []string
	for _, s := range []string{n.Guidance.In(lang), input.Help.In(lang)} {
		if s = strings.TrimSpace(s); s != "" {
			guide = append(guide, s)
		}
	}
	if n.Evidence.Required {
		e := lblEvidenceReq.in(lang)
		if h := n.Evidence.Hint.In(lang); h != "" {
			e += ": " + h
		}
		guide = append(guide, e)
	}
	texts := map[int]string{
		tcIndicator: n.Code,
		tcName:      n.Name.In(lang),
		tcInput:     label,
		tcGuidance:  strings.Join(guide, "\n"),
		tcUnit:      input.Unit,
		tcAllowed:   allowedText(input, lang),
		tcSource:    lookupMsg(sourceLabels, r.source, lang),
		tcKey:       input.Key,
	}
	for col := tcIndicator; col <= tcLast; col++ {
		if col == tcValue {
			continue
		}
		style := t.st.wrap
		if col == tcIndicator || col == tcKey {
			style = t.st.text
		}
		ref := cellRef(col, r.row)
		if err := f.SetCellStr(sh, ref, cellText(texts[col])); err != nil {
			return err
		}
		if err := f.SetCellStyle(sh, ref, ref, style); err != nil {
			return err
		}
	}

	if err := f.SetRowHeight(sh, r.row, rowHeight(map[int]string{
		tcName: texts[tcName], tcInput: texts[tcInput], tcGuidance: texts[tcGuidance], tcAllowed: texts[tcAllowed],
	}, ws)); err != nil {
		return err
	}
	ref := cellRef(tcValue, r.row)
	cur := t.in.Current[r.key]
	style := t.valueStyle(input.Type, r.readOnly)
	if err := f.SetCellStyle(sh, ref, ref, style); err != nil {
		return err
	}
	if cur.Set {
		if err := t.setValue(ref, input, cur); err != nil {
			return err
		}
	}
	if r.readOnly {
		return nil
	}
	dv, err := t.validation(r)
	if err != nil || dv == nil {
		return err
	}
	dv.Sqref = ref
	return f.AddDataValidation(sh, dv)
}

// valueStyle picks the style of a value cell.
func (t *templateWriter) valueStyle(typ scoring.InputType, readOnly bool) int {
	switch typ {
	case scoring.InputCount, scoring.InputNumber, scoring.InputPercent:
		if readOnly {
			return t.st.lockedNum
		}
		if typ == scoring.InputCount {
			return t.st.valueWhole
		}
		return t.st.valueNum
	case scoring.InputDate:
		if readOnly {
			return t.st.lockedDate
		}
		return t.st.valueDate
	}
	if readOnly {
		return t.st.locked
	}
	return t.st.valueText
}

// setValue writes a current value in its natural cell type.
func (t *templateWriter) setValue(ref string, input *scoring.Input, v scoring.Value) error {
	f, sh := t.f, t.sheet
	switch input.Type {
	case scoring.InputCount, scoring.InputNumber, scoring.InputPercent:
		return f.SetCellFloat(sh, ref, v.Num, -1, 64)
	case scoring.InputDate:
		if d, err := time.Parse("2006-01-02", v.Text); err == nil {
			return f.SetCellValue(sh, ref, d)
		}
		return f.SetCellStr(sh, ref, cellText(v.Text))
	default:
		return f.SetCellStr(sh, ref, cellText(displayValue(input, v, t.lang)))
	}
}

// limits returns an input's effective limits.
func limits(input *scoring.Input) (lo, hi *float64) {
	lo, hi = input.Min, input.Max
	zero, hundred := 0.0, 100.0
	switch input.Type {
	case scoring.InputCount:
		if lo == nil {
			lo = &zero
		}
	case scoring.InputPercent:
		if lo == nil {
			lo = &zero
		}
		if hi == nil {
			hi = &hundred
		}
	}
	return lo, hi
}

// allowedText describes the values an input accepts.
func allowedText(input *scoring.Input, lang string) string {
	lo, hi := limits(input)
	num := func(p *float64) string { return formatNumber(*p, lang) }
	labels := func() string {
		var ls []string
		for _, o := range input.Options {
			ls = append(ls, optionLabel(input, o.Value, lang))
		}
		return strings.Join(ls, "; ")
	}
	switch input.Type {
	case scoring.InputBoolean:
		return lblAllowedBool.in(lang)
	case scoring.InputCount:
		if hi != nil {
			return lblAllowedWhole.inf(lang, num(lo), num(hi))
		}
		return lblAllowedWMin.inf(lang, num(lo))
	case scoring.InputNumber, scoring.InputPercent:
		switch {
		case lo != nil && hi != nil:
			return lblAllowedNum.inf(lang, num(lo), num(hi))
		case lo != nil:
			return lblAllowedMin.inf(lang, num(lo))
		case hi != nil:
			return lblAllowedMax.inf(lang, num(hi))
		}
		return lblAllowedAny.in(lang)
	case scoring.InputChoice:
		return lblAllowedList.inf(lang, labels())
	case scoring.InputMultiChoice:
		return lblAllowedMulti.inf(lang, labels())
	case scoring.InputDate:
		return lblAllowedDate.in(lang)
	case scoring.InputURL:
		return lblAllowedURL.in(lang)
	}
	return lblAllowedText.inf(lang, templateTextMax)
}

// excelNumMax is the largest magnitude a validation formula may carry.
const excelNumMax = 1e15

// validation returns the data validation of an editable input's cell.
func (t *templateWriter) validation(r templateRow) (*excelize.DataValidation, error) {
	input, lang := r.input, t.lang
	dv := excelize.NewDataValidation(true)
	dv.SetError(excelize.DataValidationErrorStyleStop, lblDVErrTitle.in(lang), truncateRunes(allowedText(input, lang), 250))
	prompt := input.Label.In(lang)
	if prompt == "" {
		prompt = input.Key
	}
	dv.SetInput(truncateRunes(cellText(prompt), 30), truncateRunes(cellText(allowedText(input, lang)), 250))
	lo, hi := limits(input)
	bound := func(p *float64, def float64) float64 {
		if p == nil {
			return def
		}
		return math.Max(-excelNumMax, math.Min(excelNumMax, *p))
	}
	var err error
	switch input.Type {
	case scoring.InputBoolean, scoring.InputChoice:
		ref, ok := t.lists[r.row]
		if !ok {
			return nil, nil
		}
		dv.SetSqrefDropList(ref)
	case scoring.InputCount:
		err = dv.SetRange(bound(lo, 0), bound(hi, excelNumMax), excelize.DataValidationTypeWhole, excelize.DataValidationOperatorBetween)
	case scoring.InputNumber, scoring.InputPercent:
		err = dv.SetRange(bound(lo, -excelNumMax), bound(hi, excelNumMax), excelize.DataValidationTypeDecimal, excelize.DataValidationOperatorBetween)
	case scoring.InputDate:
		// Excel serials of 1900-01-01 and 9999-12-31.
		err = dv.SetRange(1, 2958465, excelize.DataValidationTypeDate, excelize.DataValidationOperatorBetween)
	case scoring.InputText, scoring.InputURL, scoring.InputMultiChoice:
		err = dv.SetRange(0, templateTextMax, excelize.DataValidationTypeTextLength, excelize.DataValidationOperatorBetween)
	default:
		return nil, nil
	}
	return dv, err
}
