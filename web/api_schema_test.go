package web

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"slices"
	"strings"
	"testing"
)

// schemaChecker checks JSON answers against the schemas of the OpenAPI
// document: types, required and undeclared properties, enums and nullable
// values (the subset of JSON Schema the document uses; oneOf takes the
// first alternative that fits).
type schemaChecker struct {
	doc map[string]any
}

func newSchemaChecker(t *testing.T) *schemaChecker {
	t.Helper()
	b, err := fs.ReadFile(staticFS, openAPIFile)
	if err != nil {
		t.Fatal(err)
	}
	sc := &schemaChecker{}
	if err := json.Unmarshal(b, &sc.doc); err != nil {
		t.Fatal(err)
	}
	return sc
}

func (sc *schemaChecker) resolve(s map[string]any) map[string]any {
	for {
		ref, ok := s["$ref"].(string)
		if !ok {
			return s
		}
		var cur any = sc.doc
		for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
			cur = cur.(map[string]any)[part]
		}
		s = cur.(map[string]any)
	}
}

// check returns the problems of v against schema s at path.
func (sc *schemaChecker) check(path string, v any, s map[string]any) []string {
	s = sc.resolve(s)
	if all, ok := s["allOf"].([]any); ok {
		// Each part checks its own properties; undeclared ones are
		// checked against the union.
		var probs []string
		props := map[string]bool{}
		for _, part := range all {
			ps := sc.resolve(part.(map[string]any))
			for k := range propsOf(ps) {
				props[k] = true
			}
			probs = append(probs, sc.checkObject(path, v, ps, false)...)
		}
		if m, ok := v.(map[string]any); ok {
			for k := range m {
				if !props[k] {
					probs = append(probs, fmt.Sprintf("%s.%s: not in the document", path, k))
				}
			}
		}
		return probs
	}
	if alts, ok := s["oneOf"].([]any); ok {
		for _, a := range alts {
			if len(sc.check(path, v, a.(map[string]any))) == 0 {
				return nil
			}
		}
		return []string{fmt.Sprintf("%s: %v fits no alternative", path, v)}
	}
	if v == nil {
		if s["nullable"] == true {
			return nil
		}
		return []string{path + ": null but not nullable"}
	}
	if enum, ok := s["enum"].([]any); ok && !slices.Contains(enum, v) {
		return []string{fmt.Sprintf("%s: %v not in %v", path, v, enum)}
	}
	switch s["type"] {
	case "object":
		return sc.checkObject(path, v, s, true)
	case "array":
		a, ok := v.([]any)
		if !ok {
			return []string{path + ": not an array"}
		}
		var probs []string
		for i, x := range a {
			probs = append(probs, sc.check(fmt.Sprintf("%s[%d]", path, i), x, s["items"].(map[string]any))...)
		}
		return probs
	case "string":
		if _, ok := v.(string); !ok {
			return []string{fmt.Sprintf("%s: %v is not a string", path, v)}
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			return []string{fmt.Sprintf("%s: %v is not a boolean", path, v)}
		}
	case "number", "integer":
		f, ok := v.(float64)
		if !ok || s["type"] == "integer" && f != math.Trunc(f) {
			return []string{fmt.Sprintf("%s: %v is not a %s", path, v, s["type"])}
		}
	}
	return nil
}

func propsOf(s map[string]any) map[string]any {
	p, _ := s["properties"].(map[string]any)
	return p
}

func (sc *schemaChecker) checkObject(path string, v any, s map[string]any, strict bool) []string {
	m, ok := v.(map[string]any)
	if !ok {
		return []string{path + ": not an object"}
	}
	var probs []string
	req, _ := s["required"].([]any)
	for _, r := range req {
		if _, ok := m[r.(string)]; !ok {
			probs = append(probs, fmt.Sprintf("%s.%s: required but missing", path, r))
		}
	}
	props := propsOf(s)
	for k, x := range m {
		ps, ok := props[k].(map[string]any)
		if !ok {
			if strict && props != nil {
				probs = append(probs, fmt.Sprintf("%s.%s: not in the document", path, k))
			}
			continue
		}
		probs = append(probs, sc.check(path+"."+k, x, ps)...)
	}
	return probs
}

// TestAPI_AnswersMatchOpenAPI sends a request to every endpoint and checks
// each answer, success and error, against the schema the OpenAPI document
// gives for its status.
func TestAPI_AnswersMatchOpenAPI(t *testing.T) {
	s, fx := resultsServer(t)
	sc := newSchemaChecker(t)
	viewer, admin := fx.token(t, "viewer"), fx.token(t, "admin")
	// A value of SO-TC's form, for the values answer.
	push := `{"source": "system", "values": [{"unit": "SO-TC", "indicator": "NT.02", "input": "meetings", "value": 3}]}`
	tests := []struct {
		method, docPath, path, token, body string
		want                               int
	}{
		{"GET", "/api/v1/periods", "/api/v1/periods", viewer, "", 200},
		{"GET", "/api/v1/periods/{code}", "/api/v1/periods/RES-2025", viewer, "", 200},
		{"GET", "/api/v1/periods/{code}", "/api/v1/periods/NOPE", viewer, "", 404},
		{"GET", "/api/v1/units", "/api/v1/units", viewer, "", 200},
		{"GET", "/api/v1/periods/{code}/results", "/api/v1/periods/RES-2025/results", viewer, "", 200},
		{"GET", "/api/v1/periods/{code}/results", "/api/v1/periods/DTI-2025/results", viewer, "", 404},
		{"GET", "/api/v1/periods/{code}/units/{unit}/results", "/api/v1/periods/RES-2025/units/SO-TC/results", viewer, "", 200},
		{"PUT", "/api/v1/periods/{code}/values", "/api/v1/periods/DTI-2025/values", admin, push, 200},
		{"POST", "/api/v1/periods/{code}/values", "/api/v1/periods/DTI-2025/values", admin, `[{"unit": "X", "indicator": "NT.02", "input": "meetings", "value": 3}]`, 422},
		{"PUT", "/api/v1/periods/{code}/values", "/api/v1/periods/DTI-2025/values", viewer, push, 403},
		{"PUT", "/api/v1/periods/{code}/values", "/api/v1/periods/DTI-2025/values", admin, "[", 400},
		{"GET", "/api/v1/periods/{code}/units/{unit}/values", "/api/v1/periods/DTI-2025/units/SO-TC/values", admin, "", 200},
		{"GET", "/api/v1/periods/{code}/units/{unit}/values", "/api/v1/periods/DTI-2025/units/SO-YT/values", admin, "", 200},
		{"GET", "/api/v1/units", "/api/v1/units", "", "", 401},
	}
	paths := sc.doc["paths"].(map[string]any)
	for _, tc := range tests {
		r := callAPI(t, s, tc.method, tc.path, tc.token, tc.body)
		if r.status != tc.want {
			t.Errorf("%s %s: %d; want %d\n%.300s", tc.method, tc.path, r.status, tc.want, r.body)
			continue
		}
		op := paths[tc.docPath].(map[string]any)[strings.ToLower(tc.method)].(map[string]any)
		resp, ok := op["responses"].(map[string]any)[fmt.Sprint(r.status)].(map[string]any)
		if !ok {
			t.Errorf("%s %s: status %d is not documented", tc.method, tc.docPath, r.status)
			continue
		}
		resp = sc.resolve(resp)
		schema := resp["content"].(map[string]any)["application/json"].(map[string]any)["schema"].(map[string]any)
		var v any
		if err := json.Unmarshal([]byte(r.body), &v); err != nil {
			t.Fatal(err)
		}
		for _, p := range sc.check("$", v, schema) {
			t.Errorf("%s %s (%d): %s", tc.method, tc.path, r.status, p)
		}
	}
	// The checker itself catches what it should.
	bad := map[string]any{"code": "X", "name": 1}
	if probs := sc.check("$", bad, map[string]any{"$ref": "#/components/schemas/Unit"}); len(probs) < 3 {
		t.Errorf("checker found %v in a bad unit; want a missing field, a wrong type", probs)
	}
	// A property the document forgot is caught in a real answer.
	r := callAPI(t, s, "GET", "/api/v1/periods/RES-2025/results", viewer, "")
	var v any
	if err := json.Unmarshal([]byte(r.body), &v); err != nil {
		t.Fatal(err)
	}
	unitSchema := sc.doc["components"].(map[string]any)["schemas"].(map[string]any)["UnitResult"].(map[string]any)
	delete(unitSchema["properties"].(map[string]any), "band")
	schema := paths["/api/v1/periods/{code}/results"].(map[string]any)["get"].(map[string]any)["responses"].(map[string]any)["200"].(map[string]any)["content"].(map[string]any)["application/json"].(map[string]any)["schema"].(map[string]any)
	if probs := sc.check("$", v, schema); len(probs) == 0 || !strings.Contains(probs[0], "band: not in the document") {
		t.Errorf("checker missed an undocumented property: %v", probs)
	}
}
