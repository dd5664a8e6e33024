package demo

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/scoring"
)

// This file fills the forms: it generates plausible values for every
// input of the index from a unit's quality, imports the centrally sourced
// ones, and walks each form through the workflow to the state the demo
// wants, with the workflow rules checked at every step.

// indicatorsFor returns the indicators and adjustments applying to a unit
// type, in document order.
func (b *builder) indicatorsFor(unitType string) []*scoring.Node {
	out := b.ix.IndicatorsFor(unitType)
	for _, a := range b.ix.Adjustments {
		if assessment.Applies(a, unitType) {
			out = append(out, a)
		}
	}
	return out
}

// genValues generates a unit's values for every input of every indicator
// that applies to it, for data year year.
func (b *builder) genValues(u *assessment.Unit, year int) map[scoring.InputKey]scoring.Value {
	out := map[scoring.InputKey]scoring.Value{}
	q := b.quality[u.Code]
	for _, n := range b.indicatorsFor(u.Type) {
		qi := clamp(q+b.rng.NormFloat64()*0.15, 0, 1)
		for k, v := range b.genIndicator(n, u, qi, year) {
			out[scoring.InputKey{Indicator: n.Code, Input: k}] = v
		}
	}
	return out
}

// ratioPairs lists the numerator -> denominator input pairs of a method
// (and of the parts of a sum_of_parts).
func ratioPairs(m *scoring.Method, out map[string]string) {
	if m == nil {
		return
	}
	if m.Kind == scoring.MethodRatio && m.Numerator != "" {
		out[m.Numerator] = m.Denominator
	}
	if m.Value != nil && len(m.Value.RatioOf) == 2 {
		out[m.Value.RatioOf[0]] = m.Value.RatioOf[1]
	}
	for _, p := range m.Parts {
		ratioPairs(p.Method, out)
	}
}

// lowerIsBetter reports whether smaller values of the method's quantity
// score more (tiers with max, or lower_is_better).
func lowerIsBetter(m *scoring.Method) bool {
	if m == nil {
		return false
	}
	if m.LowerIsBetter {
		return true
	}
	for _, t := range m.Tiers {
		if t.Max != nil {
			return true
		}
	}
	return false
}

func (b *builder) genIndicator(n *scoring.Node, u *assessment.Unit, qi float64, year int) map[string]scoring.Value {
	m := n.Method
	out := map[string]scoring.Value{}
	pairs := map[string]string{}
	ratioPairs(m, pairs)
	dens := map[string]bool{}
	for _, d := range pairs {
		dens[d] = true
	}
	size := 200.0 + 2800*b.rng.Float64() // files, staff, documents of a department
	if u.Type != "department" {
		size *= 4
	}
	num := func(in *scoring.Input, f float64) scoring.Value {
		lo, hi := in.Min, in.Max
		if lo != nil && f < *lo {
			f = *lo
		}
		if hi != nil && f > *hi {
			f = *hi
		}
		if in.Type == scoring.InputCount {
			f = math.Max(0, math.Round(f))
		} else {
			f = math.Round(f*10) / 10
		}
		return scoring.Value{Set: true, Num: f}
	}
	// Denominators first, then everything else.
	order := slices.Clone(n.Inputs)
	sort.SliceStable(order, func(i, j int) bool { return dens[order[i].Key] && !dens[order[j].Key] })
	for i := range order {
		in := &order[i]
		q := qi
		if lowerIsBetter(m) {
			q = 1 - qi
		}
		switch in.Type {
		case scoring.InputBoolean:
			if b.rng.Float64() < qi+0.1 {
				out[in.Key] = scoring.Value{Set: true, Num: 1}
			} else {
				out[in.Key] = scoring.Value{Set: true, Num: 0}
			}
		case scoring.InputCount, scoring.InputNumber, scoring.InputPercent:
			var f float64
			switch {
			case pairs[in.Key] != "" && out[pairs[in.Key]].Set:
				share := clamp(q*1.05+b.rng.NormFloat64()*0.05, 0, 1)
				f = out[pairs[in.Key]].Num * share
			case dens[in.Key]:
				f = size
			case m != nil && in.Key == m.CountInput:
				f = 40 + float64(b.rng.IntN(300))
			case in.Min != nil && in.Max != nil:
				f = *in.Min + (*in.Max-*in.Min)*q
			case in.Type == scoring.InputPercent:
				f = 100 * q
			case m != nil && m.Kind == scoring.MethodCountCapped && m.PerItem > 0:
				capF := m.Cap
				if capF == 0 {
					capF = 1
				}
				f = q * capF / m.PerItem * 1.2
			case in.Type == scoring.InputCount:
				f = q * 10
			default:
				f = q * 1000
			}
			out[in.Key] = num(in, f)
		case scoring.InputChoice:
			out[in.Key] = scoring.Value{Set: true, Text: b.pickOption(in, m, qi)}
		case scoring.InputMultiChoice:
			var codes []string
			for _, o := range in.Options {
				if b.rng.Float64() < qi {
					codes = append(codes, o.Value)
				}
			}
			if len(codes) == 0 && in.Required && len(in.Options) > 0 {
				codes = append(codes, in.Options[b.rng.IntN(len(in.Options))].Value)
			}
			if len(codes) > 0 {
				out[in.Key] = scoring.Value{Set: true, Text: strings.Join(codes, ",")}
			}
		case scoring.InputDate:
			var d time.Time
			if m != nil && m.Kind == scoring.MethodDeadline && m.Input == in.Key && len(m.Due) == 5 {
				var mo, da int
				fmt.Sscanf(m.Due, "%d-%d", &mo, &da)
				d = time.Date(year, time.Month(mo), da, 0, 0, 0, 0, time.UTC)
				if b.rng.Float64() < qi {
					d = d.AddDate(0, 0, -b.rng.IntN(10))
				} else {
					d = d.AddDate(0, 0, 1+b.rng.IntN(30))
				}
			} else {
				d = time.Date(year, time.Month(1+int((1-qi)*9)), 1+b.rng.IntN(27), 0, 0, 0, 0, time.UTC)
			}
			out[in.Key] = scoring.Value{Set: true, Text: d.Format("2006-01-02")}
		case scoring.InputURL:
			out[in.Key] = scoring.Value{Set: true, Text: "https://" + host(u) + "/chuyen-doi-so/" + strings.ToLower(n.Code)}
		case scoring.InputText:
			out[in.Key] = scoring.Value{Set: true, Text: fmt.Sprintf("Số %d/QĐ-%s ngày %02d/%02d/%d", 10+b.rng.IntN(290), u.Code, 1+b.rng.IntN(28), 1+b.rng.IntN(12), year)}
		}
	}
	return out
}

// pickOption picks the best option (by the method's fractions, else the
// first) with probability qi, another one otherwise.
func (b *builder) pickOption(in *scoring.Input, m *scoring.Method, qi float64) string {
	opts := make([]string, len(in.Options))
	for i, o := range in.Options {
		opts[i] = o.Value
	}
	if m != nil && m.Fractions != nil {
		sort.SliceStable(opts, func(i, j int) bool { return m.Fractions[opts[i]] > m.Fractions[opts[j]] })
	}
	if len(opts) == 0 {
		return ""
	}
	if len(opts) == 1 || b.rng.Float64() < qi {
		return opts[0]
	}
	return opts[1+b.rng.IntN(len(opts)-1)]
}

func host(u *assessment.Unit) string {
	return strings.ToLower(u.Code) + ".hoabinhxanh.gov.vn"
}

func clamp(f, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, f)) }

// periodValues are the generated values of the period being built, by
// unit code.
type periodValues map[string]map[scoring.InputKey]scoring.Value

// importCentral generates every unit's values for period p and imports the
// centrally sourced ones (system, secretariat, survey) as the secretariat
// does, one import per source; completeness is the share of units a
// source already covers.
func (b *builder) importCentral(ctx context.Context, p *assessment.Period, units []*assessment.Unit, completeness float64) error {
	b.values = periodValues{}
	bySource := map[scoring.Source][]assessment.CentralValue{}
	for _, u := range units {
		vals := b.genValues(u, p.Year)
		b.values[u.Code] = vals
		covered := b.rng.Float64() < completeness
		for _, n := range b.indicatorsFor(u.Type) {
			for i := range n.Inputs {
				in := &n.Inputs[i]
				src := assessment.InputSource(n, in)
				k := scoring.InputKey{Indicator: n.Code, Input: in.Key}
				v := vals[k]
				if !src.ReadOnlyForUnit() || !v.Set || !covered {
					continue
				}
				bySource[src] = append(bySource[src], assessment.CentralValue{UnitID: u.ID, ValueChange: assessment.ChangeOf(k, in, v)})
			}
		}
	}
	for _, src := range []scoring.Source{scoring.SourceSystem, scoring.SourceSecretariat, scoring.SourceSurvey} {
		if len(bySource[src]) == 0 {
			continue
		}
		if _, err := b.st.ImportValues(ctx, b.admin, assessment.CentralImport{PeriodID: p.ID, Source: src, Values: bySource[src],
			Reason: "Dữ liệu mẫu: số liệu từ " + string(src)}); err != nil {
			return fmt.Errorf("import %s values: %w", src, err)
		}
	}
	return nil
}

// runForm takes unit u's form of period p to state: empty (a draft with
// nothing typed), draft (partly filled), submitted, returned,
// resubmitted or approved. at is the time of the unit's and reviewers'
// actions.
func (b *builder) runForm(ctx context.Context, p *assessment.Period, u *assessment.Unit, state string, at time.Time) error {
	ua, head := b.unitActors(u.Code)
	anc := b.tree.Ancestors(u.ID)
	s, err := b.st.EnsureSubmission(ctx, ua, p.ID, u.ID)
	if err != nil {
		return err
	}
	if state == "empty" {
		return nil
	}
	share := 1.0
	if state == "draft" {
		share = 0.55
	}
	vals := b.values[u.Code]
	var changes []assessment.ValueChange
	var evidence []*scoring.Node
	for _, n := range b.indicatorsFor(u.Type) {
		if share < 1 && b.rng.Float64() > share {
			continue
		}
		for i := range n.Inputs {
			in := &n.Inputs[i]
			k := scoring.InputKey{Indicator: n.Code, Input: in.Key}
			if assessment.InputSource(n, in).ReadOnlyForUnit() || !vals[k].Set {
				continue
			}
			changes = append(changes, assessment.ChangeOf(k, in, vals[k]))
		}
		if n.Evidence.Required {
			evidence = append(evidence, n)
		}
	}
	edit := assessment.SubmissionChange{Action: assessment.ActEdit, At: at, Ancestors: anc}
	if len(changes) > 0 {
		if s, err = b.st.SaveValues(ctx, ua, assessment.ValueSave{SubmissionID: s.ID, Version: s.Version, Changes: changes,
			Check: assessment.SubmissionCheck(ua, edit, "")}); err != nil {
			return fmt.Errorf("save values: %w", err)
		}
	}
	for i, n := range evidence {
		if err := b.addEvidence(ctx, ua, s, u, n, evidenceKinds[i%len(evidenceKinds)]); err != nil {
			return err
		}
	}
	if state == "draft" {
		return nil
	}
	if s, err = b.transition(ctx, head, p, u, s, assessment.ActSubmit, assessment.SubmissionSubmitted, at, ""); err != nil {
		return err
	}
	if state == "submitted" {
		return nil
	}
	chair := b.reviewers[0]
	switch state {
	case "returned", "resubmitted":
		asked, err := b.askEvidence(ctx, s, u, at, 2)
		if err != nil {
			return err
		}
		comment := "Đề nghị đơn vị bổ sung tài liệu kiểm chứng cho các chỉ số " + strings.Join(asked, ", ") +
			" và rà soát lại số liệu trước khi gửi lại."
		if s, err = b.transition(ctx, chair, p, u, s, assessment.ActReturn, assessment.SubmissionReturned, at, comment); err != nil {
			return err
		}
		if state == "returned" {
			return nil
		}
		for _, code := range asked {
			if err := b.addEvidence(ctx, ua, s, u, b.ix.Node(code), assessment.EvidenceFile); err != nil {
				return err
			}
		}
		if s, err = b.st.FindSubmissionByID(ctx, s.ID); err != nil {
			return err
		}
		// The unit also corrects a figure, so the reviewer sees a change.
		if fix := b.correction(u); fix != nil {
			if s, err = b.st.SaveValues(ctx, ua, assessment.ValueSave{SubmissionID: s.ID, Version: s.Version,
				Changes: []assessment.ValueChange{*fix}, Check: assessment.SubmissionCheck(ua, edit, "")}); err != nil {
				return fmt.Errorf("correct values: %w", err)
			}
		}
		_, err = b.transition(ctx, head, p, u, s, assessment.ActSubmit, assessment.SubmissionResubmitted, at, "")
		return err
	case "approved":
		if err := b.appraise(ctx, s, u, at); err != nil {
			return err
		}
		if s, err = b.st.FindSubmissionByID(ctx, s.ID); err != nil {
			return err
		}
		_, err = b.transition(ctx, chair, p, u, s, assessment.ActApprove, assessment.SubmissionApproved, at, "")
		return err
	}
	return fmt.Errorf("unknown demo state %q", state)
}

// correction returns a change of the first numeric input the unit fills
// itself, lowered by a tenth, or nil when there is none.
func (b *builder) correction(u *assessment.Unit) *assessment.ValueChange {
	vals := b.values[u.Code]
	for _, n := range b.indicatorsFor(u.Type) {
		for i := range n.Inputs {
			in := &n.Inputs[i]
			k := scoring.InputKey{Indicator: n.Code, Input: in.Key}
			v := vals[k]
			numeric := in.Type == scoring.InputCount || in.Type == scoring.InputNumber
			if !numeric || !v.Set || v.Num < 10 || assessment.InputSource(n, in).ReadOnlyForUnit() {
				continue
			}
			v.Num = math.Round(v.Num * 0.9)
			vals[k] = v
			c := assessment.ChangeOf(k, in, v)
			return &c
		}
	}
	return nil
}

// transition moves a form with the workflow rule checked on fresh rows.
func (b *builder) transition(ctx context.Context, a assessment.Actor, p *assessment.Period, u *assessment.Unit, s *assessment.Submission,
	act assessment.Action, to assessment.SubmissionStatus, at time.Time, comment string) (*assessment.Submission, error) {
	fresh, err := b.st.FindSubmissionByID(ctx, s.ID)
	if err != nil {
		return nil, err
	}
	ch := assessment.SubmissionChange{Action: act, At: at, Ancestors: b.tree.Ancestors(u.ID), Comment: comment}
	if act == assessment.ActSubmit {
		if ch.Missing, err = b.missing(ctx, fresh, u); err != nil {
			return nil, err
		}
	}
	out, err := b.st.TransitionSubmission(ctx, a, assessment.Transition{SubmissionID: fresh.ID, Version: fresh.Version, To: to,
		Comment: comment, Check: assessment.SubmissionCheck(a, ch, to)})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", act, err)
	}
	return out, nil
}

// missing lists what the stored form still lacks.
func (b *builder) missing(ctx context.Context, s *assessment.Submission, u *assessment.Unit) ([]assessment.MissingItem, error) {
	rows, err := b.st.FindValues(ctx, s.ID)
	if err != nil {
		return nil, err
	}
	vals := map[scoring.InputKey]scoring.Value{}
	for _, r := range rows {
		vals[scoring.InputKey{Indicator: r.Indicator, Input: r.Input}] = r.Scoring()
	}
	evs, err := b.st.FindEvidence(ctx, s.ID)
	if err != nil {
		return nil, err
	}
	have := map[string]bool{}
	for _, e := range evs {
		have[e.Indicator] = true
	}
	return assessment.CheckSubmission(b.ix, u.Type, vals, have, nil), nil
}

// evidenceKinds is the mix of evidence the demo units give: mostly links
// to published documents, some uploaded files, a few explanations.
var evidenceKinds = []assessment.EvidenceKind{assessment.EvidenceLink, assessment.EvidenceFile, assessment.EvidenceLink,
	assessment.EvidenceLink, assessment.EvidenceFile, assessment.EvidenceExplanation}

func (b *builder) addEvidence(ctx context.Context, a assessment.Actor, s *assessment.Submission, u *assessment.Unit, n *scoring.Node, kind assessment.EvidenceKind) error {
	e := &assessment.Evidence{SubmissionID: s.ID, Indicator: n.Code, Kind: kind}
	var file io.Reader
	switch kind {
	case assessment.EvidenceLink:
		e.URL = "https://" + host(u) + "/van-ban/" + strings.ToLower(n.Code)
		e.Text = "Văn bản đăng trên Cổng thông tin điện tử của đơn vị"
	case assessment.EvidenceFile:
		e.FileName = "QD-" + u.Code + "-" + n.Code + ".pdf"
		e.Text = "Bản chụp văn bản có chữ ký số"
		file = bytes.NewReader(demoPDF(u.Code, n.Code))
	default:
		e.Text = "Nội dung đã lồng ghép trong kế hoạch công tác năm của đơn vị; đơn vị không ban hành văn bản riêng."
	}
	if err := b.st.AddEvidence(ctx, a, e, file); err != nil {
		return fmt.Errorf("evidence %s: %w", n.Code, err)
	}
	return nil
}

// demoPDF returns a small valid one-page PDF standing for a scanned
// document.
func demoPDF(unit, indicator string) []byte {
	text := "Tai lieu kiem chung " + indicator + " - " + unit
	content := "BT /F1 14 Tf 72 760 Td (" + text + ") Tj ET"
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var buf bytes.Buffer
	buf.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = buf.Len()
		fmt.Fprintf(&buf, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := buf.Len()
	fmt.Fprintf(&buf, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&buf, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&buf, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return buf.Bytes()
}

// reviewerFor returns a reviewer who may decide on n: the pillar-scoped
// one when n is in its pillars (so the demo shows scoped work), else the
// chair.
func (b *builder) reviewerFor(n *scoring.Node) assessment.Actor {
	for _, r := range b.reviewers[1:] {
		if r.Grants[0].CoversPillars(n.Pillars) {
			return r
		}
	}
	return b.reviewers[0]
}

func (b *builder) review(ctx context.Context, a assessment.Actor, s *assessment.Submission, u *assessment.Unit, n *scoring.Node,
	at time.Time, r *assessment.Review) error {
	r.SubmissionID, r.Indicator = s.ID, n.Code
	ch := assessment.SubmissionChange{Action: assessment.ActReview, At: at, Ancestors: b.tree.Ancestors(u.ID), Indicator: n}
	if err := b.st.SaveReview(ctx, a, r, assessment.SubmissionCheck(a, ch, "")); err != nil {
		return fmt.Errorf("review %s: %w", n.Code, err)
	}
	return nil
}

// askEvidence asks for more evidence on up to k indicators (those that
// require evidence first) and returns their codes.
func (b *builder) askEvidence(ctx context.Context, s *assessment.Submission, u *assessment.Unit, at time.Time, k int) ([]string, error) {
	inds := slices.Clone(b.ix.IndicatorsFor(u.Type))
	sort.SliceStable(inds, func(i, j int) bool { return inds[i].Evidence.Required && !inds[j].Evidence.Required })
	var asked []string
	for _, n := range inds[:min(k, len(inds))] {
		err := b.review(ctx, b.reviewerFor(n), s, u, n, at, &assessment.Review{Decision: assessment.DecisionRequestEvidence,
			Comment: "Tài liệu kiểm chứng chưa thể hiện số, ngày ban hành văn bản; đề nghị bổ sung bản chụp quyết định."})
		if err != nil {
			return nil, err
		}
		asked = append(asked, n.Code)
	}
	return asked, nil
}

// appraise records the council's decisions on a form: most indicators
// accepted, one input value corrected and one score set by hand.
func (b *builder) appraise(ctx context.Context, s *assessment.Submission, u *assessment.Unit, at time.Time) error {
	vals := b.values[u.Code]
	adjustedValue, adjustedScore := false, false
	for i, n := range b.ix.IndicatorsFor(u.Type) {
		r := &assessment.Review{Decision: assessment.DecisionAccept}
		if !adjustedValue {
			for _, in := range n.Inputs {
				k := scoring.InputKey{Indicator: n.Code, Input: in.Key}
				v := vals[k]
				numeric := in.Type == scoring.InputCount || in.Type == scoring.InputNumber || in.Type == scoring.InputPercent
				if !numeric || !v.Set || v.Num < 5 || assessment.InputSource(n, &in).ReadOnlyForUnit() {
					continue
				}
				f := math.Round(v.Num * 0.8)
				r = &assessment.Review{Decision: assessment.DecisionAdjustValue,
					AdjustedValues: []assessment.AdjustedValue{{Input: in.Key, Text: fmt.Sprint(f), Num: &f}},
					Reason:         "Số liệu tự đánh giá chưa khớp với báo cáo tổng hợp của cơ quan thường trực; điều chỉnh theo báo cáo."}
				adjustedValue = true
				break
			}
		} else if !adjustedScore && n.Evidence.Required && i%3 == 0 {
			pts := math.Round(b.ix.MaxPointsFor(n, u.Type)*50) / 100
			r = &assessment.Review{Decision: assessment.DecisionAdjustScore, AdjustedPoints: &pts,
				Reason: "Tài liệu kiểm chứng chỉ chứng minh được một phần kết quả; Hội đồng chấm một nửa số điểm."}
			adjustedScore = true
		} else if b.rng.Float64() < 0.6 {
			continue // not every indicator gets an explicit decision
		}
		if err := b.review(ctx, b.reviewerFor(n), s, u, n, at, r); err != nil {
			return err
		}
	}
	return nil
}
