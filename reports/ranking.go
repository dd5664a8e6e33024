package reports

import (
	"errors"
	"fmt"
	"io"
	"sort"

	"github.com/xuri/excelize/v2"

	"github.com/dti-platform/dti/scoring"
)

// Layout of the block sheets ("Xếp hạng chi tiết"): title rows, then a
// two-row header, then one row per unit.
const (
	rankHeaderRow1 = 4 // group headers (pillars, component indexes, change)
	rankHeaderRow2 = 5 // column headers
	rankFirstRow   = 6 // first unit
	rankFixedCols  = 6 // rank, code, unit, points, value, band

	matrixHeaderRow1 = 4 // indicator names
	matrixHeaderRow2 = 5 // indicator codes
	matrixFirstRow   = 6
	matrixFixedCols  = 5 // code, unit, block, rank, points
)

// rankBlock is one block of the ranking with its units in table order.
type rankBlock struct {
	code   string
	name   string
	ranked bool
	sheet  string
	units  []*scoring.UnitResult
}

// ranking holds what the sheets of the ranking workbook share.
type ranking struct {
	in      RankingInput
	ix      *scoring.Index
	lang    string
	st      *styles
	nodes   []*scoring.Node
	lookup  nodeLookup
	groups  []*scoring.Node // group columns of the block sheets
	blocks  []*rankBlock
	prev    map[string]*scoring.UnitResult
	bandIdx map[string]int
}

// WriteRanking writes the ranking workbook of a period to w: a cover sheet
// (period, index, generation date, units per band per block), a
// "Xếp hạng chi tiết" sheet per block (rank, unit, points, value, band,
// pillar and component index values, change since the previous period,
// with a native bar chart of the values) and the unit × indicator matrix of
// final points. Every sheet is written with excelize's stream writer, so
// large periods stay within memory.
func WriteRanking(w io.Writer, in RankingInput) error {
	if in.Index == nil {
		return errors.New("reports: ranking: index is nil")
	}
	if in.Results == nil {
		return errors.New("reports: ranking: results are nil")
	}
	r := &ranking{in: in, ix: in.Index, lang: normLang(in.Lang)}
	r.prepare()
	// The block sheets' chart is anchored two columns right of the table.
	blockCols, _, _, _ := r.blockColumns()
	if err := checkColumns("a block sheet", blockCols+2); err != nil {
		return fmt.Errorf("reports: ranking: %w", err)
	}
	if err := checkColumns("the score matrix", matrixFixedCols+len(treeIndicators(r.ix))+len(r.ix.Adjustments)); err != nil {
		return fmt.Errorf("reports: ranking: %w", err)
	}

	f, err := newWorkbook(sheetCover.in(single(r.lang)))
	if err != nil {
		return err
	}
	defer f.Close()
	if r.st, err = newStyles(f, r.ix); err != nil {
		return err
	}
	sn := newSheetNamer()
	cover := sn.name(sheetCover.in(single(r.lang)))
	matrix := sn.name(sheetMatrix.in(single(r.lang)))
	for _, b := range r.blocks {
		b.sheet = sn.name(b.name)
	}

	if err := r.writeCover(f, cover); err != nil {
		return fmt.Errorf("reports: ranking: cover: %w", err)
	}
	for _, b := range r.blocks {
		if _, err := f.NewSheet(b.sheet); err != nil {
			return err
		}
		if err := r.writeBlock(f, b); err != nil {
			return fmt.Errorf("reports: ranking: block %s: %w", b.code, err)
		}
	}
	if _, err := f.NewSheet(matrix); err != nil {
		return err
	}
	if err := r.writeMatrix(f, matrix); err != nil {
		return fmt.Errorf("reports: ranking: matrix: %w", err)
	}
	if err := writeWorkbook(f, w); err != nil {
		return fmt.Errorf("reports: ranking: %w", err)
	}
	return nil
}

// prepare sorts the units into blocks and picks the group columns.
func (r *ranking) prepare() {
	r.nodes = treeNodes(r.ix)
	r.lookup = newNodeLookup(r.nodes)
	for _, n := range r.nodes {
		if !n.IsIndicator() && n.Depth <= r.in.GroupDepth {
			r.groups = append(r.groups, n)
		}
	}
	r.bandIdx = make(map[string]int, len(r.ix.Bands))
	for i, b := range r.ix.Bands {
		r.bandIdx[b.Code] = i
	}
	if r.in.Previous != nil {
		r.prev = make(map[string]*scoring.UnitResult, len(r.in.Previous.Units))
		for i := range r.in.Previous.Units {
			u := &r.in.Previous.Units[i]
			r.prev[u.Code] = u
		}
	}
	wanted := func(code string) bool {
		if len(r.in.Blocks) == 0 {
			return true
		}
		for _, c := range r.in.Blocks {
			if c == code {
				return true
			}
		}
		return false
	}
	byCode := map[string]*rankBlock{}
	for _, b := range r.ix.Blocks {
		if !wanted(b.Code) {
			continue
		}
		rb := &rankBlock{code: b.Code, name: b.Name.In(r.lang), ranked: b.Ranked}
		if rb.name == "" {
			rb.name = b.Code
		}
		byCode[b.Code] = rb
		r.blocks = append(r.blocks, rb)
	}
	var other *rankBlock
	for i := range r.in.Results.Units {
		u := &r.in.Results.Units[i]
		if !wanted(u.Block) {
			continue
		}
		rb := byCode[u.Block]
		if rb == nil {
			// A unit whose block the index does not know is still shown,
			// unranked, rather than silently dropped.
			if other == nil {
				other = &rankBlock{code: "", name: lblOtherBlock.in(r.lang)}
			}
			rb = other
		}
		rb.units = append(rb.units, u)
	}
	if other != nil {
		r.blocks = append(r.blocks, other)
	}
	for _, b := range r.blocks {
		sortUnits(b.units, b.ranked)
	}
}

// sortUnits orders a block's units: ranked blocks by rank (unranked units
// last), others by value, highest first; ties by unit code.
func sortUnits(us []*scoring.UnitResult, ranked bool) {
	sort.SliceStable(us, func(i, j int) bool {
		a, b := us[i], us[j]
		if ranked {
			ra, rb := a.Rank, b.Rank
			if ra == 0 {
				ra = int(^uint(0) >> 1)
			}
			if rb == 0 {
				rb = int(^uint(0) >> 1)
			}
			if ra != rb {
				return ra < rb
			}
		}
		if a.Value != b.Value {
			return a.Value > b.Value
		}
		return a.Code < b.Code
	})
}

func (r *ranking) unitName(u *scoring.UnitResult) string {
	return r.in.Names.name(u.Code, u.Name, r.lang)
}

func (r *ranking) bandName(code string) string {
	if i, ok := r.bandIdx[code]; ok {
		return r.ix.Bands[i].Name.In(r.lang)
	}
	return code
}

func (r *ranking) vd() int { return r.ix.Rounding.ValueDecimals }
func (r *ranking) pd() int { return r.ix.Rounding.PointsDecimals }

// writeCover writes the cover sheet.
func (r *ranking) writeCover(f *excelize.File, sheet string) error {
	st, lang := r.st, r.lang
	bands := r.ix.Bands
	cols := 3 + len(bands) + 1
	// Title, 7 facts, the band table's caption and header, a row per block
	// and the total, with blank rows between.
	sw, err := streamSheet(f, sheet, 0, 0, cols, 13+len(r.blocks))
	if err != nil {
		return err
	}
	ws := newWidths(cols, 10, 60)
	ws.set(1, 28)
	ws.set(2, 24)
	for _, b := range r.blocks {
		ws.fit(1, b.name)
	}
	if err := ws.applyStream(sw); err != nil {
		return err
	}

	period := r.in.Period.Name.In(lang)
	if r.in.Period.Code != "" {
		period += " (" + r.in.Period.Code + ")"
	}
	prev := lblNone.in(lang)
	if r.in.Previous != nil {
		prev = r.in.PreviousPeriod.Name.In(lang)
		if prev == "" {
			prev = r.in.PreviousPeriod.Code
		}
	}
	rows := [][]any{
		{textCell(st.title, lblRankingTitle.in(lang))},
		nil,
		{textCell(st.bold, lblPeriod.head(lang)), textCell(st.text, period)},
		{textCell(st.bold, lblDataYear.head(lang)), cell(st.integer, r.in.Period.Year)},
		{textCell(st.bold, lblIndex.head(lang)), textCell(st.text, r.ix.Name.In(lang))},
		{textCell(st.bold, lblIndexVersion.head(lang)), textCell(st.text, r.ix.Code+" "+r.ix.Version)},
		{textCell(st.bold, lblIndexHash.head(lang)), textCell(st.text, r.ix.Hash)},
		{textCell(st.bold, lblGenerated.head(lang)), cell(st.dateTime, r.in.GeneratedAt)},
		{textCell(st.bold, lblComparedWith.head(lang)), textCell(st.text, prev)},
		nil,
		{textCell(st.bold, lblBandCounts.head(lang))},
	}
	header := []any{
		textCell(st.header, lblBlock.head(lang)),
		textCell(st.header, lblUnitCount.head(lang)),
		textCell(st.header, lblRanked.head(lang)),
	}
	for _, b := range bands {
		header = append(header, textCell(st.header, textHead(b.Name, lang)))
	}
	header = append(header, textCell(st.header, lblNoBand.head(lang)))
	rows = append(rows, header)
	headerRow := len(rows) // 1-based row of the band table's header

	totals := make([]int, len(bands)+2)
	for _, b := range r.blocks {
		counts := make([]int, len(bands)+1)
		for _, u := range b.units {
			if i, ok := r.bandIdx[u.Band]; ok {
				counts[i]++
			} else {
				counts[len(bands)]++
			}
		}
		ranked := lblNo.in(lang)
		if b.ranked {
			ranked = lblYes.in(lang)
		}
		row := []any{textCell(st.text, b.name), cell(st.integer, len(b.units)), textCell(st.text, ranked)}
		totals[0] += len(b.units)
		for i, c := range counts {
			row = append(row, cell(st.integer, c))
			totals[i+1] += c
		}
		rows = append(rows, row)
	}
	total := []any{textCell(st.bold, lblTotal.head(lang)), cell(st.integer, totals[0]), nil}
	for _, c := range totals[1 : len(bands)+2] {
		total = append(total, cell(st.integer, c))
	}
	rows = append(rows, total)

	for i, row := range rows {
		if row == nil {
			continue
		}
		var opts []excelize.RowOpts
		switch {
		case i+1 == headerRow && lang == LangBoth:
			opts = append(opts, excelize.RowOpts{Height: 45})
		case i+1 == headerRow, lang == LangBoth && i > 0:
			// Wrapped band names; two-line bilingual labels.
			opts = append(opts, excelize.RowOpts{Height: 30})
		}
		if err := sw.SetRow(cellRef(1, i+1), row, opts...); err != nil {
			return err
		}
	}
	if err := sw.MergeCell("A1", cellRef(cols, 1)); err != nil {
		return err
	}
	if len(r.blocks) > 0 && len(bands) > 0 {
		if err := r.addBandChart(f, sheet, headerRow, len(bands)); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// addBandChart adds a stacked column chart of the units per band in every
// block below the band table of the cover (before Flush, like every part
// the stream writer emits at the end).
func (r *ranking) addBandChart(f *excelize.File, sheet string, headerRow, nBands int) error {
	first, last := headerRow+1, headerRow+len(r.blocks)
	var series []excelize.ChartSeries
	for i := 0; i < nBands; i++ {
		col := 4 + i // bands start in column D
		series = append(series, excelize.ChartSeries{
			Name:       absRange(sheet, col, headerRow, col, headerRow),
			Categories: absRange(sheet, 1, first, 1, last),
			Values:     absRange(sheet, col, first, col, last),
		})
	}
	return f.AddChart(sheet, cellRef(1, last+3), &excelize.Chart{
		Type:      excelize.ColStacked,
		Series:    series,
		Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: lblBandCounts.in(r.lang)}}},
		Legend:    excelize.ChartLegend{Position: "bottom"},
		Dimension: excelize.ChartDimension{Width: 720, Height: 360},
	})
}

// blockColumns returns the number of columns of a block sheet and the first
// column of the pillars, groups and change columns.
func (r *ranking) blockColumns() (total, pillarCol, groupCol, changeCol int) {
	pillarCol = rankFixedCols + 1
	groupCol = pillarCol + len(r.ix.Pillars)
	changeCol = groupCol + len(r.groups)
	return changeCol + 1, pillarCol, groupCol, changeCol
}

// writeBlock writes one "Xếp hạng chi tiết" sheet with its chart.
func (r *ranking) writeBlock(f *excelize.File, b *rankBlock) error {
	last, pillarCol, groupCol, changeCol := r.blockColumns()
	sw, err := streamSheet(f, b.sheet, rankHeaderRow1, rankHeaderRow2, last, rankFirstRow-1+len(b.units))
	if err != nil {
		return err
	}
	st, lang := r.st, r.lang

	ws := newWidths(last, 10, 50)
	ws.set(1, 7)
	ws.set(2, 12)
	ws.set(3, 20)
	for _, u := range b.units {
		ws.fit(2, u.Code)
		ws.fit(3, r.unitName(u))
		ws.fit(6, r.bandName(u.Band))
	}
	ws.fit(6, lblBand.in(lang))
	for c := pillarCol; c < changeCol; c++ {
		ws.set(c, 13)
	}
	ws.set(changeCol, 12)
	ws.set(changeCol+1, 13)
	if err := ws.applyStream(sw); err != nil {
		return err
	}
	if err := sw.SetPanes(frozen(3, rankHeaderRow2)); err != nil {
		return err
	}

	if err := sw.SetRow("A1", []any{textCell(st.title, lblDetailTitle.inf(lang, b.name))}); err != nil {
		return err
	}
	sub := r.in.Period.Name.In(lang) + " · " + r.ix.Name.In(lang) + " (" + r.ix.Code + " " + r.ix.Version + ")"
	if err := sw.SetRow("A2", []any{textCell(st.subtitle, sub)}); err != nil {
		return err
	}
	if !b.ranked {
		if err := sw.SetRow("A3", []any{textCell(st.subtitle, lblNotRankedNote.in(lang))}); err != nil {
			return err
		}
	}

	// Two header rows: the fixed columns span both; pillars, component
	// indexes and the change columns get a group caption above.
	h1 := make([]any, last)
	h2 := make([]any, last)
	fixed := []msg{lblRank, lblUnitCode, lblUnit, lblPoints, lblValue, lblBand}
	for i, m := range fixed {
		h1[i] = textCell(st.header, m.head(lang))
		h2[i] = textCell(st.header, "")
	}
	// Only the first cell of a merged caption carries the text.
	caption := func(i int, m msg) excelize.Cell {
		if i > 0 {
			return textCell(st.headerGroup, "")
		}
		return textCell(st.headerGroup, m.head(lang))
	}
	for i, p := range r.ix.Pillars {
		h1[pillarCol-1+i] = caption(i, lblPillars)
		h2[pillarCol-1+i] = textCell(st.header, textHead(p.Name, lang))
	}
	for i, g := range r.groups {
		h1[groupCol-1+i] = caption(i, lblGroups)
		h2[groupCol-1+i] = textCell(st.header, textHead(g.Name, lang))
	}
	change := lblChangeNoPrev.head(lang)
	if r.in.Previous != nil {
		name := r.in.PreviousPeriod.Name.In(lang)
		if name == "" {
			name = r.in.PreviousPeriod.Code
		}
		change = lblChange.headf(lang, name)
	}
	h1[changeCol-1] = textCell(st.headerGroup, change)
	h1[changeCol] = textCell(st.headerGroup, "")
	h2[changeCol-1] = textCell(st.header, lblRankChange.head(lang))
	h2[changeCol] = textCell(st.header, lblValueChange.head(lang))
	height1, height2 := 30.0, 45.0
	if lang == LangBoth {
		height1, height2 = 60, 75
	}
	if err := sw.SetRow(cellRef(1, rankHeaderRow1), h1, excelize.RowOpts{Height: height1}); err != nil {
		return err
	}
	if err := sw.SetRow(cellRef(1, rankHeaderRow2), h2, excelize.RowOpts{Height: height2}); err != nil {
		return err
	}

	row := make([]any, last)
	vd := r.vd()
	for i, u := range b.units {
		for k := range row {
			row[k] = nil
		}
		if b.ranked && u.Rank > 0 {
			row[0] = cell(st.integer, u.Rank)
		} else {
			row[0] = cell(st.integer, nil)
		}
		row[1] = textCell(st.text, u.Code)
		row[2] = textCell(st.text, r.unitName(u))
		row[3] = cell(st.points, u.Points)
		row[4] = cell(st.value, roundTo(u.Value, vd))
		row[5] = textCell(st.text, r.bandName(u.Band))
		for k, p := range r.ix.Pillars {
			row[pillarCol-1+k] = r.valueCell(findPillar(u.Pillars, k, p.Code))
		}
		for k, g := range r.groups {
			row[groupCol-1+k] = r.valueCell(r.lookup.find(u.Nodes, g.Code))
		}
		row[changeCol-1] = cell(st.signedInt, nil)
		row[changeCol] = cell(st.signedValue, nil)
		if p := r.prev[u.Code]; p != nil {
			// A rank in another block is not comparable.
			if b.ranked && u.Rank > 0 && p.Rank > 0 && p.Block == u.Block {
				row[changeCol-1] = cell(st.signedInt, p.Rank-u.Rank)
			}
			row[changeCol] = cell(st.signedValue, roundTo(roundTo(u.Value, vd)-roundTo(p.Value, vd), vd))
		}
		if err := sw.SetRow(cellRef(1, rankFirstRow+i), row); err != nil {
			return err
		}
	}

	// Merges, filter and chart go in before Flush: the stream writer emits
	// the worksheet's trailing parts (autoFilter, drawing) at Flush.
	if err := sw.MergeCell("A1", cellRef(last, 1)); err != nil {
		return err
	}
	for c := 1; c <= rankFixedCols; c++ {
		if err := sw.MergeCell(cellRef(c, rankHeaderRow1), cellRef(c, rankHeaderRow2)); err != nil {
			return err
		}
	}
	if len(r.ix.Pillars) > 1 {
		if err := sw.MergeCell(cellRef(pillarCol, rankHeaderRow1), cellRef(groupCol-1, rankHeaderRow1)); err != nil {
			return err
		}
	}
	if len(r.groups) > 1 {
		if err := sw.MergeCell(cellRef(groupCol, rankHeaderRow1), cellRef(changeCol-1, rankHeaderRow1)); err != nil {
			return err
		}
	}
	if err := sw.MergeCell(cellRef(changeCol, rankHeaderRow1), cellRef(changeCol+1, rankHeaderRow1)); err != nil {
		return err
	}
	lastRow := rankFirstRow + len(b.units) - 1
	if len(b.units) > 0 {
		if err := f.AutoFilter(b.sheet, cellRef(1, rankHeaderRow2)+":"+cellRef(last, lastRow), nil); err != nil {
			return err
		}
		if err := r.addBlockChart(f, b, last, lastRow); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// findPillar returns the result of pillar code, trying position k first.
func findPillar(rs []scoring.NodeResult, k int, code string) *scoring.NodeResult {
	if k < len(rs) && rs[k].Code == code {
		return &rs[k]
	}
	return findResult(rs, code)
}

// valueCell is a node's value rounded to the index's value decimals, blank
// when the node does not apply to the unit.
func (r *ranking) valueCell(nr *scoring.NodeResult) excelize.Cell {
	if nr == nil || !nr.Applicable {
		return cell(r.st.value, nil)
	}
	return cell(r.st.value, roundTo(nr.Value, r.vd()))
}

// addBlockChart adds a native bar chart of the block's values to the right
// of the table.
func (r *ranking) addBlockChart(f *excelize.File, b *rankBlock, lastCol, lastRow int) error {
	n := len(b.units)
	height := 80 + 18*n
	if height < 320 {
		height = 320
	}
	// Excel draws a very tall chart poorly; past this height the bars get
	// thin but every unit stays on the chart.
	if height > 8000 {
		height = 8000
	}
	noVary := false
	return f.AddChart(b.sheet, cellRef(lastCol+2, rankHeaderRow1), &excelize.Chart{
		Type: excelize.Bar,
		Series: []excelize.ChartSeries{{
			Name:       absRange(b.sheet, 5, rankHeaderRow1, 5, rankHeaderRow1),
			Categories: absRange(b.sheet, 3, rankFirstRow, 3, lastRow),
			Values:     absRange(b.sheet, 5, rankFirstRow, 5, lastRow),
		}},
		Title:      excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: cellText(lblChartTitle.inf(r.lang, b.name))}}},
		Legend:     excelize.ChartLegend{Position: "none"},
		VaryColors: &noVary,
		XAxis:      excelize.ChartAxis{ReverseOrder: true},
		YAxis:      excelize.ChartAxis{NumFmt: excelize.ChartNumFmt{CustomNumFmt: numFormat(r.vd())}},
		Dimension:  excelize.ChartDimension{Width: 640, Height: uint(height)},
	})
}

// writeMatrix writes the unit × indicator matrix of final points.
func (r *ranking) writeMatrix(f *excelize.File, sheet string) error {
	inds := treeIndicators(r.ix)
	adjs := r.ix.Adjustments
	last := matrixFixedCols + len(inds) + len(adjs)
	units := 0
	for _, b := range r.blocks {
		units += len(b.units)
	}
	sw, err := streamSheet(f, sheet, matrixHeaderRow1, matrixHeaderRow2, last, matrixFirstRow-1+units)
	if err != nil {
		return err
	}
	st, lang := r.st, r.lang

	ws := newWidths(last, 9, 40)
	ws.set(1, 12)
	ws.set(2, 20)
	ws.set(4, 7)
	ws.set(5, 10)
	for _, b := range r.blocks {
		ws.fit(3, b.name)
		for _, u := range b.units {
			ws.fit(1, u.Code)
			ws.fit(2, r.unitName(u))
		}
	}
	for k := range inds {
		ws.set(matrixFixedCols+1+k, 11)
	}
	for k := range adjs {
		ws.set(matrixFixedCols+len(inds)+1+k, 11)
	}
	if err := ws.applyStream(sw); err != nil {
		return err
	}
	if err := sw.SetPanes(frozen(2, matrixHeaderRow2)); err != nil {
		return err
	}
	if err := sw.SetRow("A1", []any{textCell(st.title, lblMatrixTitle.in(lang))}); err != nil {
		return err
	}
	sub := r.in.Period.Name.In(lang) + " · " + lblMatrixNote.in(lang)
	if err := sw.SetRow("A2", []any{textCell(st.subtitle, sub)}); err != nil {
		return err
	}

	h1 := make([]any, last)
	h2 := make([]any, last)
	for i, m := range []msg{lblUnitCode, lblUnit, lblBlock, lblRank, lblPoints} {
		h1[i] = textCell(st.header, m.head(lang))
		h2[i] = textCell(st.header, "")
	}
	for k, n := range inds {
		h1[matrixFixedCols+k] = textCell(st.header, textHead(n.Name, lang))
		h2[matrixFixedCols+k] = textCell(st.header, n.Code)
	}
	for k, n := range adjs {
		h1[matrixFixedCols+len(inds)+k] = textCell(st.headerGroup, lblAdjustment.in(lang)+": "+n.Name.In(lang))
		h2[matrixFixedCols+len(inds)+k] = textCell(st.header, n.Code)
	}
	if err := sw.SetRow(cellRef(1, matrixHeaderRow1), h1, excelize.RowOpts{Height: 75}); err != nil {
		return err
	}
	if err := sw.SetRow(cellRef(1, matrixHeaderRow2), h2); err != nil {
		return err
	}

	// Indicator positions in the pre-order node list, so each row reads
	// its results by index without a map look-up per cell.
	pos := make([]int, len(inds))
	for k, n := range inds {
		pos[k] = r.lookup.pos[n.Code]
	}
	row := make([]any, last)
	rowNum := matrixFirstRow
	for _, b := range r.blocks {
		for _, u := range b.units {
			for k := range row {
				row[k] = nil
			}
			row[0] = textCell(st.text, u.Code)
			row[1] = textCell(st.text, r.unitName(u))
			row[2] = textCell(st.text, b.name)
			if b.ranked && u.Rank > 0 {
				row[3] = cell(st.integer, u.Rank)
			}
			row[4] = cell(st.points, u.Points)
			for k, n := range inds {
				var nr *scoring.NodeResult
				if p := pos[k]; p < len(u.Nodes) && u.Nodes[p].Code == n.Code {
					nr = &u.Nodes[p]
				} else {
					nr = findResult(u.Nodes, n.Code)
				}
				if nr != nil && nr.Applicable {
					row[matrixFixedCols+k] = cell(st.points, nodeScore(r.ix, nr))
				}
			}
			for k, n := range adjs {
				var nr *scoring.NodeResult
				if k < len(u.Adjustments) && u.Adjustments[k].Code == n.Code {
					nr = &u.Adjustments[k]
				} else {
					nr = findResult(u.Adjustments, n.Code)
				}
				if nr != nil && nr.Applicable {
					// Adjustments are points in either style.
					row[matrixFixedCols+len(inds)+k] = cell(st.points, roundTo(nr.Points, r.pd()))
				}
			}
			if err := sw.SetRow(cellRef(1, rowNum), row); err != nil {
				return err
			}
			rowNum++
		}
	}
	if err := sw.MergeCell("A1", cellRef(min(last, 12), 1)); err != nil {
		return err
	}
	for c := 1; c <= matrixFixedCols; c++ {
		if err := sw.MergeCell(cellRef(c, matrixHeaderRow1), cellRef(c, matrixHeaderRow2)); err != nil {
			return err
		}
	}
	if rowNum > matrixFirstRow {
		if err := f.AutoFilter(sheet, cellRef(1, matrixHeaderRow2)+":"+cellRef(last, rowNum-1), nil); err != nil {
			return err
		}
	}
	return sw.Flush()
}
