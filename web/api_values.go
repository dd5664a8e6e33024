package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/scoring"
)

// This file holds the API's value endpoints: central systems push
// indicator values for many units at once ("data provided once"), and a
// unit's roles read the values of its form.

// apiValueItem is one pushed value.
type apiValueItem struct {
	Unit      string          `json:"unit"`
	Indicator string          `json:"indicator"`
	Input     string          `json:"input"`
	Value     json.RawMessage `json:"value"`
}

// apiPushBody is the object form of a push; a bare array of items is
// accepted too.
type apiPushBody struct {
	// Source is system (default), secretariat or survey.
	Source string `json:"source"`
	// Note is kept in the audit log with the token's name.
	Note   string         `json:"note"`
	Values []apiValueItem `json:"values"`
}

// maxNoteLen caps the note of a push.
const maxNoteLen = 500

// apiPushValues stores centrally sourced values for many units of a
// period: every value is checked against the period's pinned index with
// the rules of the central values import (assessment.Importer), and the
// batch is written all or nothing as Locked values of the source, audited
// with the token's name. Province-wide admins only (the import's rule).
func (s *Server) apiPushValues(c *fiber.Ctx) error {
	ctx := c.UserContext()
	u := currentUser(c)
	p, err := s.apiFindPeriod(c)
	if err != nil {
		return err
	}
	if !u.IsAdmin {
		return newAPIError(fiber.StatusForbidden, "forbidden",
			"Chỉ quản trị viên cấp tỉnh được gửi dữ liệu tập trung.", "only province-wide admins may push central values")
	}
	if p.Status == assessment.PeriodPublished {
		return newAPIError(fiber.StatusConflict, "period_published",
			"Kỳ đánh giá "+p.Code+" đã công bố; cần mở lại trước khi nhập dữ liệu.",
			"period "+p.Code+" is published; re-open it before pushing values")
	}
	// ?dry_run=true checks and counts without writing, as the import's
	// preview does.
	var dryRun bool
	switch c.Query("dry_run") {
	case "", "false", "0":
	case "true", "1":
		dryRun = true
	default:
		ae := newAPIError(fiber.StatusUnprocessableEntity, "invalid", "Dữ liệu gửi lên không hợp lệ.", "the request has invalid fields")
		ae.Fields = []apiField{{Field: "dry_run", vi: "dry_run là true hoặc false.", en: "dry_run is true or false"}}
		return ae
	}
	body, err := parsePushBody(c.Body())
	if err != nil {
		return err
	}
	ix, err := s.periodIndex(ctx, p)
	if err != nil {
		return err
	}

	// Each item becomes a row of a long table (line = item index + 1), so
	// the import's checks apply unchanged; their problems are mapped back
	// to the items.
	bad := newAPIError(fiber.StatusUnprocessableEntity, "invalid",
		"Dữ liệu gửi lên có lỗi; không giá trị nào được ghi.", "the values have errors; nothing was written")
	t := &assessment.Table{Header: []string{"unit_code", "indicator", "input", "value"}}
	flagged := map[int]bool{} // items whose value is already refused
	for i, it := range body.Values {
		raw, vi, en := pushValueText(ix, it)
		if vi != "" {
			bad.Fields = append(bad.Fields, itemField(i, "value", it, vi, en))
			flagged[i] = true
		}
		t.Rows = append(t.Rows, assessment.TableRow{Line: i + 1,
			Cells: []string{strings.TrimSpace(it.Unit), strings.TrimSpace(it.Indicator), strings.TrimSpace(it.Input), raw}})
	}
	tok := apiTokenOf(c)
	im := &assessment.Importer{Store: s.cfg.Store, Index: s.cfg.Index, Actor: u.Actor, Reason: pushReason(tok, body.Note)}
	pv, err := im.PreviewValues(ctx, p, ix, scoring.Source(body.Source), t)
	if err != nil {
		return err
	}
	for _, is := range pv.Issues {
		if is.Line == 0 {
			field := is.Column
			if is.Key == "import.source" {
				field = "source"
			}
			bad.Fields = append(bad.Fields, apiField{Field: field, vi: is.VI, en: is.EN})
			continue
		}
		i := is.Line - 1
		col := map[string]string{"unit_code": "unit", "indicator": "indicator", "input": "input", "value": "value"}[is.Column]
		if flagged[i] && col == "value" {
			continue
		}
		bad.Fields = append(bad.Fields, itemField(i, col, body.Values[i], is.VI, is.EN))
	}
	if len(bad.Fields) > 0 {
		return bad
	}
	out := fiber.Map{
		"period":    p.Code,
		"source":    body.Source,
		"created":   pv.Count(assessment.OpCreate),
		"updated":   pv.Count(assessment.OpUpdate),
		"unchanged": pv.Count(assessment.OpUnchanged),
	}
	if dryRun {
		out["dry_run"], out["written"] = true, 0
		return c.JSON(out)
	}
	res, err := im.Apply(ctx, pv)
	if err != nil {
		return err
	}
	out["written"] = res.Values
	return c.JSON(out)
}

// maxReasonLen is the longest import reason the store keeps, in
// characters.
const maxReasonLen = 500

// pushReason is the audit reason of a push: the token's name and prefix
// and the sender's note, without control characters and cut to what the
// store keeps.
func pushReason(tok *assessment.APIToken, note string) string {
	clean := func(s string) string {
		return strings.Map(func(r rune) rune {
			if unicode.IsControl(r) {
				return ' '
			}
			return r
		}, s)
	}
	reason := fmt.Sprintf("API: %s (%s…)", clean(tok.Name), tok.Prefix)
	if note != "" {
		reason += ": " + clean(note)
	}
	if r := []rune(reason); len(r) > maxReasonLen {
		reason = string(r[:maxReasonLen-1]) + "…"
	}
	return reason
}

// itemField names a problem of item i: its field and the unit, indicator
// and input it concerns.
func itemField(i int, field string, it apiValueItem, vi, en string) apiField {
	name := fmt.Sprintf("values[%d]", i)
	if field != "" {
		name += "." + field
	}
	return apiField{Field: name, Unit: it.Unit, Indicator: it.Indicator, Input: it.Input, vi: vi, en: en}
}

// parsePushBody reads a push: an object {source, note, values} or a bare
// array of values. Malformed JSON is a 400; wrong fields a 422.
func parsePushBody(b []byte) (*apiPushBody, error) {
	b = bytes.TrimSpace(b)
	body := &apiPushBody{}
	var err error
	switch {
	case len(b) == 0:
		return nil, newAPIError(fiber.StatusBadRequest, "bad_request",
			"Cần gửi nội dung JSON: một mảng giá trị hoặc {\"values\": [...]}.",
			"send a JSON body: an array of values or {\"values\": [...]}")
	case b[0] == '[':
		err = strictJSON(b, &body.Values)
	default:
		err = strictJSON(b, body)
	}
	if err != nil {
		return nil, newAPIError(fiber.StatusBadRequest, "bad_request",
			"Nội dung JSON không đọc được: "+err.Error(), "the JSON body cannot be read: "+err.Error())
	}
	v := newAPIError(fiber.StatusUnprocessableEntity, "invalid",
		"Dữ liệu gửi lên có lỗi; không giá trị nào được ghi.", "the values have errors; nothing was written")
	if body.Source == "" {
		body.Source = string(scoring.SourceSystem)
	}
	body.Note = strings.TrimSpace(body.Note)
	if utf8.RuneCountInString(body.Note) > maxNoteLen || strings.IndexFunc(body.Note, unicode.IsControl) >= 0 {
		v.Fields = append(v.Fields, apiField{Field: "note",
			vi: fmt.Sprintf("Ghi chú tối đa %d ký tự, không chứa ký tự điều khiển.", maxNoteLen),
			en: fmt.Sprintf("the note must be at most %d characters without control characters", maxNoteLen)})
	}
	switch {
	case len(body.Values) == 0:
		v.Fields = append(v.Fields, apiField{Field: "values", vi: "Cần ít nhất một giá trị.", en: "at least one value is required"})
	case len(body.Values) > apiMaxValues:
		v.Fields = append(v.Fields, apiField{Field: "values",
			vi: fmt.Sprintf("Tối đa %d giá trị mỗi lần gửi.", apiMaxValues), en: fmt.Sprintf("at most %d values per request", apiMaxValues)})
	}
	if len(v.Fields) > 0 {
		return nil, v
	}
	return body, nil
}

// strictJSON decodes one JSON value, refusing unknown fields and
// trailing data.
func strictJSON(b []byte, dst any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(dst); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("data after the JSON value")
	}
	return nil
}

// pushValueText turns an item's JSON value into the text the import parses:
// strings as they are, numbers in plain decimal form, booleans as
// true/false, an array of strings (several choices) joined by commas. A
// problem is returned as its two messages.
func pushValueText(ix *scoring.Index, it apiValueItem) (raw, vi, en string) {
	b := bytes.TrimSpace(it.Value)
	if len(b) == 0 || string(b) == "null" {
		return "", "Thiếu giá trị (value).", "the value is missing"
	}
	switch b[0] {
	case '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return "", "Giá trị không đọc được.", "the value cannot be read"
		}
		return s, "", ""
	case 't', 'f':
		return string(b), "", ""
	case '[':
		var parts []string
		if err := json.Unmarshal(b, &parts); err != nil {
			return "", "Một danh sách giá trị chỉ gồm chuỗi ký tự.", "a list value must hold strings only"
		}
		return strings.Join(parts, ","), "", ""
	case '{':
		return "", "Giá trị phải là chuỗi, số, đúng/sai hoặc danh sách chuỗi.", "the value must be a string, number, boolean or list of strings"
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsInf(f, 0) {
		return "", "Số không hợp lệ: " + string(b), "not a valid number: " + string(b)
	}
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatInt(int64(f), 10), "", ""
	}
	// A count read from "12.345" would take the dot for a thousands
	// separator: say plainly that a count is whole.
	if in, ok := ix.Input(strings.TrimSpace(it.Indicator), strings.TrimSpace(it.Input)); ok && in.Type == scoring.InputCount {
		return "", "Số đếm phải là số nguyên: " + string(b), "a count must be a whole number: " + string(b)
	}
	return strconv.FormatFloat(f, 'f', -1, 64), "", ""
}

// apiValue is one stored input value.
type apiValue struct {
	Indicator string    `json:"indicator"`
	Input     string    `json:"input"`
	Value     string    `json:"value"`
	Source    string    `json:"source"`
	Locked    bool      `json:"locked"`
	UpdatedAt time.Time `json:"updated_at"`
}

// apiSubmission is a form's state.
type apiSubmission struct {
	Status  string `json:"status"`
	Round   int    `json:"round"`
	Version int64  `json:"version"`
}

// apiUnitValues answers the values of a unit's form in a period: for the
// unit's own roles and admins over it. Values are in their canonical text
// (numbers in plain decimal form, booleans true/false, dates yyyy-mm-dd,
// several choices joined by commas).
func (s *Server) apiUnitValues(c *fiber.Ctx) error {
	ctx := c.UserContext()
	p, err := s.apiFindPeriod(c)
	if err != nil {
		return err
	}
	unit, err := s.cfg.Store.FindUnitByCode(ctx, c.Params("unit"))
	if err != nil {
		return err
	}
	a := currentUser(c).Actor
	anc, err := s.ancestors(ctx, a, unit)
	if err != nil {
		return err
	}
	if !a.HasRoleFor(assessment.RoleEditor, unit.ID, anc) && !a.HasRoleFor(assessment.RoleApprover, unit.ID, anc) &&
		!a.HasRoleFor(assessment.RoleAdmin, unit.ID, anc) {
		return newAPIError(fiber.StatusForbidden, "forbidden",
			"Chỉ cán bộ của đơn vị và quản trị viên được đọc số liệu của đơn vị.",
			"only the unit's own roles and admins may read its values")
	}
	out := struct {
		Period     string         `json:"period"`
		Unit       string         `json:"unit"`
		Submission *apiSubmission `json:"submission"`
		Values     []apiValue     `json:"values"`
	}{Period: p.Code, Unit: unit.Code, Values: []apiValue{}}
	sub, err := s.cfg.Store.FindSubmission(ctx, p.ID, unit.ID)
	switch {
	case isNotFound(err):
		return c.JSON(out)
	case err != nil:
		return err
	}
	out.Submission = &apiSubmission{Status: string(sub.Status), Round: sub.Round, Version: sub.Version}
	vals, err := s.cfg.Store.FindValues(ctx, sub.ID)
	if err != nil {
		return err
	}
	for _, v := range vals {
		out.Values = append(out.Values, apiValue{Indicator: v.Indicator, Input: v.Input, Value: v.Text,
			Source: string(v.Source), Locked: v.Locked, UpdatedAt: v.UpdatedAt.UTC()})
	}
	return c.JSON(out)
}
