package reports

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/dti-platform/dti/scoring"
)

// Columns of the scorecard sheet.
const (
	scCode = 1 + iota
	scName
	scInput
	scSelfValue
	scApprValue
	scMax
	scSelfPoints
	scApprPoints
	scFinalPoints
	scDecision
	scReason
	scEvidence
	scExplain // how the final points were reached, when results carry explanations
	scLast    = scExplain

	scHeaderRow = 14 // below the 10 header lines and a blank row
)

// WriteScorecard writes one unit's scorecard to w: a header (unit, period,
// index, block, total points, value, rank, band) and a table of every
// indicator in tree order with its inputs (self-assessed and appraised
// values), self / appraised / final points, the reviewer's decision and
// reason and the evidence list, with group subtotals, then pillar
// subtotals and bonus/penalty items. Indicators that do not apply to the
// unit's type are left out.
func WriteScorecard(w io.Writer, in ScorecardInput) error {
	if in.Index == nil {
		return errors.New("reports: scorecard: index is nil")
	}
	final := unitResult(in.Final, in.UnitCode)
	if final == nil {
		return fmt.Errorf("reports: scorecard: unit %q has no final result", in.UnitCode)
	}
	lang := normLang(in.Lang)
	sc := &scorecard{
		in:    &in,
		ix:    in.Index,
		lang:  lang,
		final: final,
		self:  unitResult(in.Self, in.UnitCode),
		appr:  unitResult(in.Appraised, in.UnitCode),
	}
	sc.nodes = treeNodes(in.Index)
	sc.lookup = newNodeLookup(sc.nodes)

	sheet := sanitizeSheetName(sheetScorecard.in(lang))
	f, err := newWorkbook(sheet)
	if err != nil {
		return err
	}
	defer f.Close()
	sc.f, sc.sheet = f, sheet
	if sc.st, err = newStyles(f, in.Index); err != nil {
		return err
	}
	if err := sc.write(); err != nil {
		return fmt.Errorf("reports: scorecard: %w", err)
	}
	if err := setDimension(f, sheet, scLast, sc.row-1); err != nil {
		return fmt.Errorf("reports: scorecard: %w", err)
	}
	if err := writeWorkbook(f, w); err != nil {
		return fmt.Errorf("reports: scorecard: %w", err)
	}
	return nil
}

// scorecard holds the state of one WriteScorecard call.
type scorecard struct {
	in                *ScorecardInput
	ix                *scoring.Index
	lang              string
	f                 *excelize.File
	sheet             string
	st                *styles
	nodes             []*scoring.Node
	lookup            nodeLookup
	final, self, appr *scoring.UnitResult
	row               int
	ws                *widths
}

// put writes a row of cells from column 1; nil cells are skipped.
func (sc *scorecard) put(cells ...any) error {
	wrapped := map[int]string{}
	for i, c := range cells {
		if c == nil {
			continue
		}
		ref := cellRef(i+1, sc.row)
		cl := c.(excelize.Cell)
		if cl.Value != nil {
			if s, ok := cl.Value.(string); ok {
				if err := sc.f.SetCellStr(sc.sheet, ref, cellText(s)); err != nil {
					return err
				}
				if cl.StyleID == sc.st.textWrap || cl.StyleID == sc.st.bold {
					wrapped[i+1] = s
				} else {
					sc.ws.fit(i+1, s)
				}
			} else if err := sc.f.SetCellValue(sc.sheet, ref, cl.Value); err != nil {
				return err
			}
		}
		if err := sc.f.SetCellStyle(sc.sheet, ref, ref, cl.StyleID); err != nil {
			return err
		}
	}
	if sc.row > scHeaderRow {
		if h := rowHeight(wrapped, sc.ws); h > 15 {
			if err := sc.f.SetRowHeight(sc.sheet, sc.row, h); err != nil {
				return err
			}
		}
	}
	sc.row++
	return nil
}

func (sc *scorecard) write() error {
	st, lang, ix, u := sc.st, sc.lang, sc.ix, sc.final
	sc.ws = newWidths(scLast, 10, 45)
	sc.ws.set(scCode, 11)
	sc.ws.set(scName, 42)
	sc.ws.set(scInput, 32)
	sc.ws.set(scDecision, 20)
	sc.ws.set(scReason, 40)
	sc.ws.set(scEvidence, 40)
	sc.ws.set(scExplain, 40)
	for c := scSelfValue; c <= scFinalPoints; c++ {
		sc.ws.set(c, 13)
	}
	sc.row = 1

	name := sc.in.UnitName.In(lang)
	if name == "" {
		name = u.Name
	}
	if name == "" {
		name = u.Code
	}
	blockName, ranked, blockSize := u.Block, false, 0
	for _, b := range ix.Blocks {
		if b.Code == u.Block {
			blockName, ranked = b.Name.In(lang), b.Ranked
		}
	}
	for i := range sc.in.Final.Units {
		if sc.in.Final.Units[i].Block == u.Block {
			blockSize++
		}
	}
	rank := lblUnranked.in(lang)
	if ranked && u.Rank > 0 {
		rank = lblRankOf.inf(lang, u.Rank, blockSize)
	}
	band := u.Band
	for _, b := range ix.Bands {
		if b.Code == u.Band {
			band = b.Name.In(lang)
		}
	}
	typeName := u.Type
	for _, t := range ix.UnitTypes {
		if t.Code == u.Type {
			typeName = t.Name.In(lang)
		}
	}
	kv := func(k msg, v excelize.Cell) error {
		return sc.put(textCell(st.bold, k.head(lang)), nil, v)
	}
	// The header's labels sit in column A and values in C: column B is the
	// wide name column of the table below.
	if err := sc.put(textCell(st.title, lblScorecardTitle.in(lang)+" — "+name)); err != nil {
		return err
	}
	sc.row++
	header := []struct {
		k msg
		v excelize.Cell
	}{
		{lblUnit, textCell(st.text, name+" ("+u.Code+")")},
		{lblUnitType, textCell(st.text, typeName)},
		{lblBlock, textCell(st.text, blockName)},
		{lblPeriod, textCell(st.text, sc.in.Period.Name.In(lang))},
		{lblIndex, textCell(st.text, ix.Name.In(lang)+" ("+ix.Code+" "+ix.Version+")")},
		{lblPoints, cell(st.boldPoints, u.Points)},
		{lblFinalValue, cell(st.boldValue, roundTo(u.Value, ix.Rounding.ValueDecimals))},
		{lblRank, textCell(st.text, rank)},
		{lblBand, textCell(st.text, band)},
		{lblGenerated, cell(st.dateTime, sc.in.GeneratedAt)},
	}
	for _, h := range header {
		if err := kv(h.k, h.v); err != nil {
			return err
		}
	}
	sc.row = scHeaderRow
	heads := []msg{lblCode, lblIndicator, lblInput, lblSelfValue, lblAppraisedValue, lblMaxPoints,
		lblSelfPoints, lblApprPoints, lblFinalPoints, lblDecision, lblReason, lblEvidence, lblExplain}
	var hc []any
	for _, h := range heads {
		hc = append(hc, textCell(st.header, h.head(lang)))
	}
	if err := sc.put(hc...); err != nil {
		return err
	}
	if err := sc.f.SetRowHeight(sc.sheet, scHeaderRow, 32); err != nil {
		return err
	}

	for _, n := range sc.nodes {
		if !appliesTo(n, u.Type) {
			continue
		}
		if err := sc.writeNode(n, u.Nodes, resNodes(sc.self), resNodes(sc.appr)); err != nil {
			return err
		}
	}
	// Total.
	if err := sc.put(textCell(st.bold, ""), textCell(st.bold, lblTotal.head(lang)), nil, nil, nil,
		cell(st.boldPoints, ix.Scale), sc.totalCell(sc.self), sc.totalCell(sc.appr), sc.totalCell(u)); err != nil {
		return err
	}

	if len(ix.Adjustments) > 0 {
		sc.row++
		if err := sc.put(textCell(st.title, lblAdjustments.in(lang))); err != nil {
			return err
		}
		for _, n := range ix.Adjustments {
			if !appliesTo(n, u.Type) {
				continue
			}
			if err := sc.writeNode(n, u.Adjustments, resAdjustments(sc.self), resAdjustments(sc.appr)); err != nil {
				return err
			}
		}
	}

	if len(ix.Pillars) > 0 {
		sc.row++
		if err := sc.put(textCell(st.title, lblPillars.in(lang))); err != nil {
			return err
		}
		if err := sc.put(textCell(st.header, lblCode.head(lang)), textCell(st.header, lblName.head(lang)),
			textCell(st.header, lblValue.head(lang)), nil, nil, textCell(st.header, lblMaxPoints.head(lang)),
			textCell(st.header, lblSelfPoints.head(lang)), textCell(st.header, lblApprPoints.head(lang)),
			textCell(st.header, lblFinalPoints.head(lang))); err != nil {
			return err
		}
		firstPillarRow := sc.row
		for k, p := range ix.Pillars {
			fr := findPillar(u.Pillars, k, p.Code)
			value := cell(st.value, nil)
			if fr != nil && fr.Applicable {
				value = cell(st.value, roundTo(fr.Value, ix.Rounding.ValueDecimals))
			}
			if err := sc.put(textCell(st.text, p.Code), textCell(st.textWrap, p.Name.In(lang)), value, nil, nil,
				sc.maxCell(fr), sc.pointsCell(pillarOf(sc.self, k, p.Code)),
				sc.pointsCell(pillarOf(sc.appr, k, p.Code)), sc.pointsCell(fr)); err != nil {
				return err
			}
		}
		// A bar chart of the pillar values beside the table.
		last := sc.row - 1
		if err := sc.f.AddChart(sc.sheet, cellRef(scDecision, firstPillarRow-2), &excelize.Chart{
			Type: excelize.Bar,
			Series: []excelize.ChartSeries{{
				Name:       absRange(sc.sheet, 3, firstPillarRow-1, 3, firstPillarRow-1),
				Categories: absRange(sc.sheet, 2, firstPillarRow, 2, last),
				Values:     absRange(sc.sheet, 3, firstPillarRow, 3, last),
			}},
			Title:      excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: lblPillars.in(lang)}}},
			Legend:     excelize.ChartLegend{Position: "none"},
			VaryColors: new(bool),
			XAxis:      excelize.ChartAxis{ReverseOrder: true},
			YAxis:      excelize.ChartAxis{NumFmt: excelize.ChartNumFmt{CustomNumFmt: numFormat(2)}},
			Dimension:  excelize.ChartDimension{Width: 480, Height: uint(160 + 30*len(ix.Pillars))},
		}); err != nil {
			return err
		}
	}

	if err := sc.ws.applyFile(sc.f, sc.sheet); err != nil {
		return err
	}
	if err := printSetup(sc.f, sc.sheet, scHeaderRow, scHeaderRow); err != nil {
		return err
	}
	if err := sc.f.MergeCell(sc.sheet, "A1", cellRef(scLast, 1)); err != nil {
		return err
	}
	return sc.f.SetPanes(sc.sheet, frozen(2, scHeaderRow))
}

// resNodes returns a unit result's node results; nil-safe.
func resNodes(u *scoring.UnitResult) []scoring.NodeResult {
	if u == nil {
		return nil
	}
	return u.Nodes
}

// resAdjustments returns a unit result's adjustment results; nil-safe.
func resAdjustments(u *scoring.UnitResult) []scoring.NodeResult {
	if u == nil {
		return nil
	}
	return u.Adjustments
}

// pillarOf returns pillar k of u, or nil.
func pillarOf(u *scoring.UnitResult, k int, code string) *scoring.NodeResult {
	if u == nil {
		return nil
	}
	return findPillar(u.Pillars, k, code)
}

func (sc *scorecard) totalCell(u *scoring.UnitResult) any {
	if u == nil {
		return cell(sc.st.boldPoints, nil)
	}
	return cell(sc.st.boldPoints, u.Points)
}

// pointsCell shows achieved points, or "not applicable".
func (sc *scorecard) pointsCell(nr *scoring.NodeResult) any {
	switch {
	case nr == nil:
		return cell(sc.st.points, nil)
	case !nr.Applicable:
		return textCell(sc.st.muted, lblNotApplicable.in(sc.lang))
	}
	return cell(sc.st.points, nodeScore(sc.ix, nr))
}

// adjustmentCell shows the points of a bonus or penalty item.
func (sc *scorecard) adjustmentCell(nr *scoring.NodeResult) any {
	if nr == nil || !nr.Applicable {
		return sc.pointsCell(nr)
	}
	return cell(sc.st.points, roundTo(nr.Points, sc.ix.Rounding.PointsDecimals))
}

func (sc *scorecard) adjustmentMaxCell(nr *scoring.NodeResult) any {
	if nr == nil || !nr.Applicable {
		return cell(sc.st.points, nil)
	}
	return cell(sc.st.points, nr.MaxPoints)
}

func (sc *scorecard) maxCell(nr *scoring.NodeResult) any {
	if nr == nil || !nr.Applicable {
		return cell(sc.st.points, nil)
	}
	return cell(sc.st.points, nodeMax(sc.ix, nr))
}

// find returns the result of n in rs (tree results by position, others by
// code).
func (sc *scorecard) find(rs []scoring.NodeResult, n *scoring.Node) *scoring.NodeResult {
	if rs == nil {
		return nil
	}
	if n.Adjustment != "" {
		return findResult(rs, n.Code)
	}
	return sc.lookup.find(rs, n.Code)
}

// writeNode writes a group subtotal row, or an indicator row followed by a
// row per input.
func (sc *scorecard) writeNode(n *scoring.Node, final, self, appr []scoring.NodeResult) error {
	st, lang := sc.st, sc.lang
	fr, sr, ar := sc.find(final, n), sc.find(self, n), sc.find(appr, n)
	indent := strings.Repeat("  ", n.Depth)
	if !n.IsIndicator() {
		return sc.put(textCell(st.bold, n.Code), textCell(st.bold, indent+n.Name.In(lang)), nil, nil, nil,
			sc.boldMax(fr), sc.boldPoints(sr), sc.boldPoints(ar), sc.boldPoints(fr))
	}
	rev := sc.in.Reviews[n.Code]
	decision := ""
	if rev.Decision != "" {
		decision = lookupMsg(decisionLabels, rev.Decision, lang)
	}
	var reason []string
	for _, s := range []string{rev.Reason, rev.Comment} {
		if s = strings.TrimSpace(s); s != "" {
			reason = append(reason, s)
		}
	}
	if rev.Reviewer != "" {
		reason = append(reason, lblReviewer.in(lang)+": "+rev.Reviewer)
	}
	var ev []string
	for _, e := range sc.in.Evidence[n.Code] {
		ev = append(ev, evidenceLine(e, lang))
	}
	explain := ""
	if fr != nil && fr.Explanation != nil {
		explain = fr.Explanation.Steps.In(single(lang))
	}
	pointsOf, maxOf := sc.pointsCell, sc.maxCell
	if n.Adjustment != "" {
		// Bonus and penalty items are points in either index style.
		pointsOf, maxOf = sc.adjustmentCell, sc.adjustmentMaxCell
	}
	status := pointsOf(fr)
	if fr != nil && fr.Applicable && fr.Missing {
		status = textCell(st.muted, lblMissing.in(lang))
	}
	if err := sc.put(textCell(st.text, n.Code), textCell(st.textWrap, indent+n.Name.In(lang)), nil, nil, nil,
		maxOf(fr), pointsOf(sr), pointsOf(ar), status,
		textCell(st.textWrap, decision), textCell(st.textWrap, strings.Join(reason, "\n")),
		textCell(st.textWrap, strings.Join(ev, "\n")), textCell(st.textWrap, explain)); err != nil {
		return err
	}
	for i := range n.Inputs {
		input := &n.Inputs[i]
		key := scoring.InputKey{Indicator: n.Code, Input: input.Key}
		label := input.Label.In(lang)
		if label == "" {
			label = input.Key
		}
		if input.Unit != "" {
			label += " (" + input.Unit + ")"
		}
		if err := sc.put(nil, nil, textCell(st.textWrap, label),
			sc.inputCell(input, sc.in.SelfValues[key]), sc.inputCell(input, sc.in.AppraisedValues[key])); err != nil {
			return err
		}
	}
	return nil
}

func (sc *scorecard) boldPoints(nr *scoring.NodeResult) any {
	if nr == nil || !nr.Applicable {
		return sc.pointsCell(nr)
	}
	return cell(sc.st.boldPoints, nodeScore(sc.ix, nr))
}

func (sc *scorecard) boldMax(nr *scoring.NodeResult) any {
	if nr == nil || !nr.Applicable {
		return cell(sc.st.boldPoints, nil)
	}
	return cell(sc.st.boldPoints, nodeMax(sc.ix, nr))
}

// inputCell shows an input value: numbers as numbers, the rest as text.
func (sc *scorecard) inputCell(input *scoring.Input, v scoring.Value) any {
	if !v.Set {
		return cell(sc.st.text, nil)
	}
	switch input.Type {
	case scoring.InputCount, scoring.InputNumber, scoring.InputPercent:
		return cell(sc.st.text, v.Num)
	}
	return textCell(sc.st.textWrap, displayValue(input, v, sc.lang))
}

// evidenceLine describes one piece of evidence on one line.
func evidenceLine(e EvidenceItem, lang string) string {
	kind := lookupMsg(evidenceKindLabels, e.Kind, lang)
	var parts []string
	if e.Name != "" {
		p := e.Name
		if e.Size > 0 {
			p += " (" + humanSize(e.Size) + ")"
		}
		parts = append(parts, p)
	}
	if e.URL != "" {
		parts = append(parts, e.URL)
	}
	if e.Text != "" {
		parts = append(parts, e.Text)
	}
	return kind + ": " + strings.Join(parts, " — ")
}

// humanSize formats a byte count.
func humanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
