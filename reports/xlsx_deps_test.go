package reports

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImports_OnlyScoring keeps the dependency arrows: reports may use
// scoring and nothing else of this module (no store, no web).
func TestImports_OnlyScoring(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", ".").Output()
	if err != nil {
		t.Skipf("go list unavailable: %v", err)
	}
	const module = "github.com/dti-platform/dti"
	for _, p := range strings.Fields(string(out)) {
		if !strings.HasPrefix(p, module) {
			continue
		}
		switch p {
		case module + "/reports", module + "/scoring":
		default:
			t.Errorf("reports depends on %s; it may import only scoring of this module", p)
		}
	}
}
