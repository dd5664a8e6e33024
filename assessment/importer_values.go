package assessment

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/dti-platform/dti/scoring"
	"github.com/xuri/excelize/v2"
)

// valueColumns are the columns of a value import in long format: one row
// per value. A wide table has unit_code and one column per input, headed
// "INDICATOR/input".
var valueColumns = []importColumn{
	{key: "unit_code", aliases: []string{"ma_don_vi", "don_vi", "unit", "code"}, required: true},
	{key: "indicator", aliases: []string{"chi_so", "ma_chi_so"}},
	{key: "input", aliases: []string{"truong", "o_nhap", "truong_du_lieu"}},
	{key: "value", aliases: []string{"gia_tri"}},
}

// PreviewValues reads centrally sourced input values for many units of
// period p, whose pinned index is ix, coming from source (system,
// secretariat or survey). The table is long (unit_code, indicator, input,
// value: one value per row) or wide (unit_code and one column per input
// headed "INDICATOR/input"; empty cells are skipped). Every value is
// parsed as the form would (ParseValue) against the unit's type; Excel
// date cells are read as dates. The values become Locked for the units.
// It returns an error when the actor is not a province-wide admin
// (ErrForbidden) or the store fails; problems of the file are in the preview.
func (im *Importer) PreviewValues(ctx context.Context, p *Period, ix *scoring.Index, source scoring.Source, t *Table) (*ImportPreview, error) {
	if !im.Actor.IsAdmin() {
		return nil, ruleError(ErrForbidden, "role.admin_only", ActImport)
	}
	pv := &ImportPreview{Kind: ImportValues, table: t, period: p, index: ix, source: source}
	pv.values = CentralImport{PeriodID: p.ID, Source: source, Reason: im.Reason}
	fileIssue := func(key string, args ...any) {
		pv.Issues = append(pv.Issues, ImportIssue{Key: key, VI: render(key, "vi", args), EN: render(key, "en", args)})
	}
	if p.Status == PeriodPublished {
		fileIssue("import.period_published", p.Code)
	}
	if source != scoring.SourceSystem && source != scoring.SourceSecretariat && source != scoring.SourceSurvey {
		fileIssue("import.source", string(source))
	}

	// Long or wide: a header "indicator" makes it long; otherwise every
	// column but unit_code must name an input.
	long := false
	for _, h := range t.Header {
		if k := headerKey(h); k == "indicator" || k == "chi_so" || k == "ma_chi_so" {
			long = true
		}
	}
	wide := map[int]scoring.InputKey{}
	var it *importTable
	if long {
		it = mapColumns(t, pv, valueColumns, nil)
		for _, k := range []string{"indicator", "input", "value"} {
			if !it.has(k) {
				fileIssue("import.column_missing", k)
			}
		}
	} else {
		it = mapColumns(t, pv, valueColumns[:1], func(h string) bool { return strings.Contains(h, "/") })
		for c, h := range t.Header {
			ind, in, ok := strings.Cut(h, "/")
			if !ok {
				continue
			}
			k := scoring.InputKey{Indicator: strings.TrimSpace(ind), Input: strings.TrimSpace(in)}
			n := findIndicator(ix, k.Indicator)
			switch {
			case n == nil:
				it.issueAt(t.HeaderLine, c, "submission.indicator", k.Indicator)
			case findInput(n, k.Input) == nil:
				it.issueAt(t.HeaderLine, c, "value.unknown_input", k.Indicator, k.Input)
			default:
				for _, prev := range wide {
					if prev == k {
						it.issueAt(t.HeaderLine, c, "import.column_twice", h)
						break
					}
				}
				wide[c] = k
			}
		}
		if len(wide) == 0 && pv.OK() {
			fileIssue("import.no_value_columns")
		}
	}
	if !pv.OK() {
		return pv, nil
	}

	units, _, err := im.Store.FindUnits(ctx, UnitFilter{})
	if err != nil {
		return nil, err
	}
	unitByCode := map[string]*Unit{}
	for _, u := range units {
		unitByCode[u.Code] = u
	}
	// The period's forms, read once; a unit's stored values on first use.
	subs, _, err := im.Store.FindSubmissions(ctx, SubmissionFilter{PeriodID: &p.ID})
	if err != nil {
		return nil, err
	}
	subOf := make(map[int64]*Submission, len(subs))
	for _, s := range subs {
		subOf[s.UnitID] = s
	}
	stored := map[int64]map[scoring.InputKey]*InputValue{}
	storedFor := func(u *Unit) (map[scoring.InputKey]*InputValue, error) {
		if m, ok := stored[u.ID]; ok {
			return m, nil
		}
		m := map[scoring.InputKey]*InputValue{}
		stored[u.ID] = m
		s := subOf[u.ID]
		if s == nil {
			return m, nil
		}
		vals, err := im.Store.FindValues(ctx, s.ID)
		if err != nil {
			return nil, err
		}
		for _, v := range vals {
			m[scoring.InputKey{Indicator: v.Indicator, Input: v.Input}] = v
		}
		return m, nil
	}

	type seenKey struct {
		unit string
		k    scoring.InputKey
	}
	seen := map[seenKey]int{}
	// add checks and plans one value; col is the column of the value (for
	// the cell reference), keyCol the column to blame for a bad key.
	add := func(r TableRow, u *Unit, k scoring.InputKey, raw string, col int, keyCol string) error {
		n := findIndicator(ix, k.Indicator)
		if n == nil {
			it.issue(r.Line, keyCol, "submission.indicator", k.Indicator)
			return nil
		}
		in := findInput(n, k.Input)
		if in == nil {
			it.issue(r.Line, "input", "value.unknown_input", k.Indicator, k.Input)
			return nil
		}
		if first, dup := seen[seenKey{u.Code, k}]; dup {
			it.issueAt(r.Line, col, "import.value_duplicate", u.Code, k.Indicator+"/"+k.Input, first)
			return nil
		}
		seen[seenKey{u.Code, k}] = r.Line
		if t.Excel && in.Type == scoring.InputDate {
			raw = excelDate(raw)
		}
		v, err := ParseFormValue(ix, u.Type, k, raw, true)
		if err != nil {
			var e *Error
			errors.As(err, &e)
			it.issueText(r.Line, col, e.Key, e.VI, e.EN)
			return nil
		}
		if !v.Set {
			it.issueAt(r.Line, col, "import.required")
			return nil
		}
		ch := ChangeOf(k, in, v)
		m, err := storedFor(u)
		if err != nil {
			return err
		}
		change := ImportChange{Line: r.Line, Key: u.Code + " " + k.Indicator + "/" + k.Input, Op: OpCreate}
		shown := FormatValue(in, v, "vi")
		if old := m[k]; old != nil {
			oldShown := FormatValue(in, old.Scoring(), "vi")
			if old.Text == ch.Text && old.Locked && old.Source == source {
				change.Op = OpUnchanged
			} else {
				change.Op = OpUpdate
				change.Fields = []FieldChange{{Field: "value", From: oldShown, To: shown}}
			}
		} else {
			change.Fields = []FieldChange{{Field: "value", To: shown}}
		}
		pv.Changes = append(pv.Changes, change)
		if change.Op != OpUnchanged {
			pv.values.Values = append(pv.values.Values, CentralValue{UnitID: u.ID, ValueChange: ch})
		}
		return nil
	}

	for _, r := range t.Rows {
		if !it.checkControl(r, "unit_code", "indicator", "input") {
			continue
		}
		code := it.cell(r, "unit_code")
		u := unitByCode[code]
		switch {
		case code == "":
			it.issue(r.Line, "unit_code", "import.required")
			continue
		case u == nil:
			it.issue(r.Line, "unit_code", "import.unit_unknown", code)
			continue
		}
		if long {
			k := scoring.InputKey{Indicator: it.cell(r, "indicator"), Input: it.cell(r, "input")}
			if k.Indicator == "" {
				it.issue(r.Line, "indicator", "import.required")
				continue
			}
			if k.Input == "" {
				it.issue(r.Line, "input", "import.required")
				continue
			}
			if err := add(r, u, k, r.Cell(it.cols["value"]), it.cols["value"], "indicator"); err != nil {
				return nil, err
			}
			continue
		}
		for _, c := range sortedKeys(wide) {
			raw := r.Cell(c)
			if strings.TrimSpace(raw) == "" {
				continue
			}
			if err := add(r, u, wide[c], raw, c, ""); err != nil {
				return nil, err
			}
		}
	}
	if !pv.OK() {
		pv.Changes, pv.values.Values = nil, nil
	}
	sortChanges(pv)
	return pv, nil
}

// excelDate turns an Excel date serial number (a date cell read raw) into
// yyyy-mm-dd; other text is returned as is.
func excelDate(raw string) string {
	s := strings.TrimSpace(raw)
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 1 || f > 2958465 || strings.ContainsAny(s, "/-") {
		return raw
	}
	t, err := excelize.ExcelDateToTime(f, false)
	if err != nil {
		return raw
	}
	return t.Format("2006-01-02")
}
