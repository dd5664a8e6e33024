package scoring

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// scParseFile parses an index file of testdata.
func scParseFile(t testing.TB, name string) *Index {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	ix, err := ParseIndex(data)
	if err != nil {
		t.Fatalf("ParseIndex(%s): %v", name, err)
	}
	return ix
}

// scParse parses inline YAML.
func scParse(t testing.TB, src string) *Index {
	t.Helper()
	ix, err := ParseIndex([]byte(src))
	if err != nil {
		t.Fatalf("ParseIndex: %v\n%s", err, src)
	}
	return ix
}

// in is a map of "INDICATOR/input" to a value: bool, int, float64 or
// string (choice codes, dates).
type scIn map[string]any

// unit builds a UnitData with values set from vals.
func scUnit(t testing.TB, ix *Index, code, typ, block string, vals scIn) UnitData {
	t.Helper()
	ud := UnitData{Code: code, Name: "Unit " + code, Type: typ, Block: block, Values: make([]Value, ix.NumSlots())}
	for k, v := range vals {
		ind, key, ok := strings.Cut(k, "/")
		if !ok {
			t.Fatalf("value key %q is not INDICATOR/input", k)
		}
		slot, ok := ix.Slot(ind, key)
		if !ok {
			t.Fatalf("no slot for %q", k)
		}
		ud.Values[slot] = scValue(v)
	}
	return ud
}

func scValue(v any) Value {
	switch x := v.(type) {
	case nil:
		return Value{}
	case bool:
		if x {
			return Value{Set: true, Num: 1}
		}
		return Value{Set: true}
	case int:
		return Value{Set: true, Num: float64(x)}
	case float64:
		return Value{Set: true, Num: x}
	case string:
		return Value{Set: true, Text: x}
	}
	panic(fmt.Sprintf("unsupported value %T", v))
}

// scNode returns a unit's result for a node code.
func scNode(t testing.TB, ur *UnitResult, code string) NodeResult {
	t.Helper()
	for _, n := range ur.Nodes {
		if n.Code == code {
			return n
		}
	}
	for _, n := range ur.Adjustments {
		if n.Code == code {
			return n
		}
	}
	for _, n := range ur.Pillars {
		if n.Code == code {
			return n
		}
	}
	t.Fatalf("unit %s has no node %s", ur.Code, code)
	return NodeResult{}
}

// near reports whether a and b agree within tol.
func scNear(a, b, tol float64) bool {
	d := a - b
	return d <= tol && d >= -tol
}
