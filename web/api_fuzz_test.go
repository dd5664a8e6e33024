package web

import (
	"errors"
	"testing"
)

// FuzzParsePushBody feeds arbitrary bodies to the push parser and the
// value conversion: each is either refused with a 400 or 422 API error
// that says why, or gives between 1 and apiMaxValues values, and nothing
// panics.
func FuzzParsePushBody(f *testing.F) {
	for _, seed := range []string{
		`[{"unit": "SO-TC", "indicator": "NT.02", "input": "meetings", "value": 4}]`,
		`{"source": "survey", "note": "x", "values": [{"unit": "A", "indicator": "NT.05", "input": "channels", "value": ["web"]}]}`,
		`{"values": []}`, `[`, `null`, `[] []`, `{"values": [{"value": {"a": 1}}]}`,
		`[{"unit": "U", "indicator": "NT.03", "input": "online", "value": 1e400}]`,
		`[{"unit": "U", "indicator": "NT.02", "input": "meetings", "value": 12.345}]`,
	} {
		f.Add([]byte(seed))
	}
	ix := testIndex()
	f.Fuzz(func(t *testing.T, b []byte) {
		body, err := parsePushBody(b)
		if err != nil {
			var ae *apiError
			if !errors.As(err, &ae) || (ae.Status != 400 && ae.Status != 422) || ae.EN == "" || ae.VI == "" {
				t.Fatalf("parsePushBody(%q) = %v; want a 400 or 422 API error with messages", b, err)
			}
			return
		}
		if len(body.Values) == 0 || len(body.Values) > apiMaxValues || body.Source == "" {
			t.Fatalf("parsePushBody(%q) = %+v", b, body)
		}
		for _, it := range body.Values {
			raw, vi, en := pushValueText(ix, it)
			if (vi == "") != (en == "") || (vi != "" && raw != "") {
				t.Fatalf("pushValueText(%s) = %q, %q, %q", it.Value, raw, vi, en)
			}
		}
	})
}
