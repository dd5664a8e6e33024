package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// TestDocs_Commands checks that every dti-load command line in
// docs/benchmarks.md parses: the page does not drift from the flags.
func TestDocs_Commands(t *testing.T) {
	doc, err := os.ReadFile("../../docs/benchmarks.md")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for i, line := range strings.Split(string(doc), "\n") {
		_, rest, ok := strings.Cut(line, "go run ./cmd/dti-load")
		if !ok {
			continue
		}
		// The command ends at a closing backquote (inline code) or a
		// comment.
		if c, _, ok := strings.Cut(rest, "`"); ok {
			rest = c
		}
		if c, _, ok := strings.Cut(rest, "#"); ok {
			rest = c
		}
		n++
		var errb bytes.Buffer
		if _, err := parseConfig(strings.Fields(rest), &errb); err != nil {
			t.Errorf("docs/benchmarks.md:%d: %q: %v %s", i+1, strings.TrimSpace(line), err, errb.String())
		}
	}
	if n < 4 {
		t.Errorf("found %d dti-load command lines in docs/benchmarks.md; want at least 4", n)
	}
}
