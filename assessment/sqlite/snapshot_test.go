package sqlite

import (
	"encoding/json"
	"testing"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/scoring"
)

func TestResultsEncoding(t *testing.T) {
	in := assessment.SnapshotResults{Final: scoring.Results{IndexCode: "PDTI", Units: []scoring.UnitResult{{Code: "SO-TC", Name: "Sở Tài chính", Rank: 1, Points: 812.5}}}}
	blob, err := encodeResults(in)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := json.Marshal(in)
	for name, b := range map[string][]byte{"gzip": blob, "plain JSON": plain} {
		var out assessment.SnapshotResults
		if err := decodeResults(b, &out); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := out.Final.Units; len(got) != 1 || got[0].Name != "Sở Tài chính" || got[0].Points != 812.5 {
			t.Errorf("%s: decoded %+v", name, out.Final)
		}
	}
	var out assessment.SnapshotResults
	if err := decodeResults(blob[:len(blob)/2], &out); err == nil {
		t.Error("a truncated blob decoded without error")
	}
	if len(blob) >= len(plain)*2 {
		t.Errorf("compressed %d bytes, plain %d", len(blob), len(plain))
	}
}
