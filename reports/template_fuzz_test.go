package reports

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

// FuzzParseNumberText checks that any text either fails or gives a finite
// number that survives a round trip through its canonical text.
func FuzzParseNumberText(f *testing.F) {
	for _, s := range []string{"12,5", "1.234,5", "1,234.5", "1 234", "87%", "-0", "1e3", "..", ",", "1.2.3,4,5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, ok := parseNumberText(s)
		if !ok {
			return
		}
		back, ok2 := parseNumberText(formatNumber(v, LangEN))
		if !ok2 || back != v {
			t.Errorf("parseNumberText(%q) = %v; its text %q reads back as %v, %v", s, v, formatNumber(v, LangEN), back, ok2)
		}
	})
}

// FuzzReadTemplate feeds mutated templates to the import: it must never
// panic, and must either refuse the file with a *TemplateError or return a
// preview.
func FuzzReadTemplate(f *testing.F) {
	in := testTemplateInput(LangVI)
	var buf bytes.Buffer
	if err := WriteTemplate(&buf, in); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		imp, err := ReadTemplate(bytes.NewReader(data), int64(len(data)), in)
		if err != nil {
			var te *TemplateError
			if !errors.As(err, &te) {
				t.Fatalf("error %v is not a *TemplateError", err)
			}
			if strings.TrimSpace(te.Message(LangVI)) == "" {
				t.Fatalf("empty message for %s", te.Code)
			}
			return
		}
		if imp == nil {
			t.Fatal("nil preview without an error")
		}
	})
}
