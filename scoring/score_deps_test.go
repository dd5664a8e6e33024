package scoring

import (
	"os/exec"
	"strings"
	"testing"
)

// The scoring package imports nothing of this module: every other package
// depends on it, never the other way.
func TestScoring_ImportsNothingOfTheModule(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found")
	}
	out, err := exec.Command(goTool, "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "github.com/dti-platform/dti") && dep != "github.com/dti-platform/dti/scoring" {
			t.Errorf("scoring depends on %s", dep)
		}
	}
}
