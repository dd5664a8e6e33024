package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencyArrows keeps the layout's arrows pointing one way:
// cmd → web → {reports, assessment} → scoring, and assessment/sqlite →
// assessment. A package may import only the packages of this module listed
// for it.
func TestDependencyArrows(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go command not found: cannot list package dependencies")
	}
	const mod = "github.com/dti-platform/dti/"
	allowed := map[string][]string{
		"scoring":           {},
		"reports":           {"scoring"},
		"assessment":        {"scoring"},
		"assessment/sqlite": {"assessment", "scoring"},
		"web":               {"assessment", "reports", "scoring"},
	}
	for pkg, ok := range allowed {
		out, err := exec.Command("go", "list", "-deps", "../../"+pkg).CombinedOutput()
		if err != nil {
			if strings.Contains(string(out), "no Go files") || strings.Contains(string(out), "directory not found") {
				continue // the package does not exist yet
			}
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			rel, ours := strings.CutPrefix(dep, mod)
			if !ours || rel == pkg || isSubpackage(rel, pkg) {
				continue
			}
			if !contains(ok, rel) {
				t.Errorf("%s imports %s; allowed: %v", pkg, rel, ok)
			}
		}
	}
}

func isSubpackage(rel, pkg string) bool {
	// Helpers inside a package's own tree (e.g. assessment/demo) are not
	// arrows between layers, except assessment/sqlite which is checked.
	return strings.HasPrefix(rel, pkg+"/") && rel != "assessment/sqlite"
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
