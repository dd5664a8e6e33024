package assessment

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/dti-platform/dti/scoring"
)

func readSmallIndex(t *testing.T) []byte {
	t.Helper()
	src, err := os.ReadFile("../scoring/testdata/small.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return src
}

func TestPinIndex(t *testing.T) {
	src := readSmallIndex(t)
	pin, ix, err := PinIndex(src)
	if err != nil {
		t.Fatalf("PinIndex: %v", err)
	}
	sum := sha256.Sum256(src)
	if pin.Code != "SMALL" || pin.Version != "2025.1" || pin.Hash != hex.EncodeToString(sum[:]) || string(pin.Source) != string(src) {
		t.Errorf("PinIndex = %s %s %s (%d bytes)", pin.Code, pin.Version, pin.Hash, len(pin.Source))
	}
	if ix.Hash != "" && ix.Hash != pin.Hash {
		t.Errorf("pinned hash %s differs from the parser's %s", pin.Hash, ix.Hash)
	}
	src[0] = 'X' // the pin keeps its own copy
	if pin.Source[0] == 'X' {
		t.Errorf("pin shares the caller's buffer")
	}

	bad := []byte("schema_version: 1\nindex:\n  code: X\n  version: \"1\"\n  name: {vi: X}\n  style: points\n  scale: 100\nunit_types: []\ntree: []\n")
	_, _, err = PinIndex(bad)
	var v *ValidationError
	if !errors.As(err, &v) || !errors.Is(err, ErrInvalid) || len(v.Fields) == 0 {
		t.Fatalf("PinIndex(bad) = %v; want *ValidationError", err)
	}
	for _, f := range v.Fields {
		if !strings.HasPrefix(f.Field, "index") || !strings.HasPrefix(f.VI, "bộ chỉ số: ") || !strings.HasPrefix(f.EN, "index: ") {
			t.Errorf("field %+v", f)
		}
	}
	if _, _, err := PinIndex([]byte("::: not yaml")); !errors.Is(err, ErrInvalid) {
		t.Errorf("PinIndex(garbage) = %v; want ErrInvalid", err)
	}
}

func TestPeriodIndex(t *testing.T) {
	pin, _, err := PinIndex(readSmallIndex(t))
	if err != nil {
		t.Fatal(err)
	}
	p := &Period{Code: "DTI-2025", IndexCode: pin.Code, IndexHash: pin.Hash, IndexSource: pin.Source}
	var cache IndexCache
	a, err := cache.Get(p)
	if err != nil {
		t.Fatal(err)
	}
	// A period listed without its source still finds the cached index.
	b, err := cache.Get(&Period{Code: "DTI-2025", IndexHash: pin.Hash})
	if err != nil || a != b {
		t.Errorf("cache.Get without source = %p, %v; want %p", b, err, a)
	}
	if _, err := cache.Get(&Period{Code: "X", IndexHash: "other"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("cache.Get with no index: %v; want ErrInvalid", err)
	}
	tampered := *p
	tampered.IndexSource = append([]byte("# edited\n"), p.IndexSource...)
	_, err = PeriodIndex(&tampered)
	var e *Error
	if !errors.As(err, &e) || e.Key != "index.hash" || !errors.Is(err, ErrInvalid) {
		t.Errorf("PeriodIndex(tampered) = %v; want index.hash", err)
	}
}

// TestMigrationReport_parsed compares two versions of a real index file.
func TestMigrationReport_parsed(t *testing.T) {
	src := string(readSmallIndex(t))
	edit := func(old, nu string) {
		t.Helper()
		if !strings.Contains(src, old) {
			t.Fatalf("small.yaml has no %q", old)
		}
		src = strings.Replace(src, old, nu, 1)
	}
	_, oldIx, err := PinIndex(readSmallIndex(t))
	if err != nil {
		t.Fatal(err)
	}
	// 2026.1: the "deputy" option goes, the platforms count is capped at 8.
	edit(`version: "2025.1"`, `version: "2026.1"`)
	edit("              - {value: deputy, label: {vi: Cấp phó, en: Deputy}}\n", "")
	edit("fractions: {head: 1, deputy: 0.5, none: 0}", "fractions: {head: 1, none: 0}")
	edit("type: count, min: 0}", "type: count, min: 0, max: 8}")
	_, newIx, err := PinIndex([]byte(src))
	if err != nil {
		t.Fatalf("edited index: %v", err)
	}
	m := MigrationReport(oldIx, newIx, []UnitValues{
		{Unit: "SO-TC", Type: "department", Values: map[scoring.InputKey]scoring.Value{
			{Indicator: "A.2", Input: "chair_role"}: {Set: true, Text: "deputy"},
			{Indicator: "A.6", Input: "platforms"}:  {Set: true, Num: 12},
			{Indicator: "A.1", Input: "has_plan"}:   {Set: true, Num: 1},
		}},
	})
	var got []string
	for _, is := range m.Issues {
		got = append(got, is.Message("en"))
	}
	want := []string{
		`indicator A.2: option deputy of "chair_role" no longer exists`,
		`indicator A.6: the value of "platforms" is outside the new limits (≤ 8)`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") || m.Checked != 3 {
		t.Errorf("issues (checked %d):\n%s\nwant:\n%s", m.Checked, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestApplies_matchesParser checks that Applies, which walks the exported
// tree, agrees with the parser's resolved applicability.
func TestApplies_matchesParser(t *testing.T) {
	_, ix, err := PinIndex(readSmallIndex(t))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, node := range append(ix.AllNodes(), ix.Adjustments...) {
		for _, ut := range ix.UnitTypes {
			n++
			if got, want := Applies(node, ut.Code), ix.Applies(node, ut.Code); got != want {
				t.Errorf("Applies(%s, %s) = %v; the parser says %v", node.Code, ut.Code, got, want)
			}
		}
	}
	if n == 0 {
		t.Fatal("no nodes checked")
	}
}

func BenchmarkCheckSubmission(b *testing.B) {
	src, err := os.ReadFile("../scoring/testdata/small.yaml")
	if err != nil {
		b.Fatal(err)
	}
	_, ix, err := PinIndex(src)
	if err != nil {
		b.Fatal(err)
	}
	values := map[scoring.InputKey]scoring.Value{}
	for _, n := range ix.Indicators() {
		for _, in := range n.Inputs {
			values[scoring.InputKey{Indicator: n.Code, Input: in.Key}] = scoring.Value{Set: true, Num: 1}
		}
	}
	for b.Loop() {
		CheckSubmission(ix, "department", values, nil, nil)
		FormProgressOf(ix, "department", values, nil, nil)
	}
}

func TestIndexCache_concurrent(t *testing.T) {
	pin, _, err := PinIndex(readSmallIndex(t))
	if err != nil {
		t.Fatal(err)
	}
	p := &Period{Code: "P", IndexHash: pin.Hash, IndexSource: pin.Source}
	var cache IndexCache
	got := make([]*scoring.Index, 8)
	var wg sync.WaitGroup
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ix, err := cache.Get(p)
			if err != nil {
				t.Error(err)
			}
			got[i] = ix
		}()
	}
	wg.Wait()
	for _, ix := range got {
		if ix != got[0] {
			t.Fatalf("cache returned different indexes for one hash")
		}
	}
}
