package reports

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// The reports tests share one -update flag. It is defined in init, which
// runs after every package-level variable of the package: a workbook test
// file declaring `var update = flag.Bool("update", ...)` defines it first,
// and this file then reuses it instead of redefining it (which would panic).
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files under testdata/")
	}
}

// chartUpdate reports whether the test run was asked to rewrite goldens.
func chartUpdate() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// chartGolden compares got with testdata/charts/name, or rewrites the file
// when the tests run with -update.
func chartGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "charts", name)
	if chartUpdate() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./reports -run %s -update to create it)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run with -update and review the diff)\n%s", path, chartFirstDiff(want, got))
	}
}

// chartFirstDiff shows the first differing line of want and got.
func chartFirstDiff(want, got []byte) string {
	wl := bytes.Split(want, []byte("\n"))
	gl := bytes.Split(got, []byte("\n"))
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g []byte
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if !bytes.Equal(w, g) {
			return "line " + strconv.Itoa(i+1) + ":\n-want: " + string(w) + "\n+got:  " + string(g)
		}
	}
	return ""
}
