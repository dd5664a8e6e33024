package sqlite_test

import (
	"strconv"
	"testing"

	"github.com/dti-platform/dti/assessment"
)

func formatNum(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// mustSub returns a function that passes a submission through, failing
// the test when the call that made it failed.
func mustSub(t testing.TB) func(*assessment.Submission, error) *assessment.Submission {
	return func(s *assessment.Submission, err error) *assessment.Submission {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
}
