package sqlite_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/dti-platform/dti/assessment"
)

// TestFilters checks the list queries' filters and paging.
func TestFilters(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	db := f.db
	no := false
	if _, err := db.UpdateUnit(ctx, admin, f.so2.ID, assessment.UnitUpdate{Active: &no}); err != nil {
		t.Fatal(err)
	}
	codes := func(us []*assessment.Unit) string {
		s := ""
		for _, u := range us {
			s += u.Code + " "
		}
		return s
	}
	yes := true
	top := int64(0)
	dist := f.dist.ID
	unitTests := []struct {
		name   string
		filter assessment.UnitFilter
		want   string
		total  int
	}{
		{"all", assessment.UnitFilter{}, "H-CP SO-TC SO-YT X-BL ", 4},
		{"active", assessment.UnitFilter{Active: &yes}, "H-CP SO-TC X-BL ", 3},
		{"inactive", assessment.UnitFilter{Active: &no}, "SO-YT ", 1},
		{"top level", assessment.UnitFilter{ParentID: &top}, "H-CP SO-TC SO-YT ", 3},
		{"children", assessment.UnitFilter{ParentID: &dist}, "X-BL ", 1},
		{"query in Vietnamese, any case", assessment.UnitFilter{Query: "SỞ"}, "SO-TC SO-YT ", 2},
		{"query without diacritics", assessment.UnitFilter{Query: "so tai chinh"}, "SO-TC ", 1},
		{"query decomposed (NFD)", assessment.UnitFilter{Query: "Ta\u0300i"}, "SO-TC ", 1},
		{"paging", assessment.UnitFilter{Offset: 1, Limit: 2}, "SO-TC SO-YT ", 4},
		{"offset only", assessment.UnitFilter{Offset: 3}, "X-BL ", 4},
	}
	for _, tt := range unitTests {
		t.Run("units "+tt.name, func(t *testing.T) {
			us, total, err := db.FindUnits(ctx, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			if got := codes(us); got != tt.want || total != tt.total {
				t.Errorf("FindUnits(%+v) = %q of %d; want %q of %d", tt.filter, got, total, tt.want, tt.total)
			}
		})
	}

	userTests := []struct {
		name   string
		filter assessment.UserFilter
		want   string
	}{
		{"all", assessment.UserFilter{}, "[editor1 reviewer1]"},
		{"query full name", assessment.UserFilter{Query: "bình"}, "[reviewer1]"},
		{"query without diacritics", assessment.UserFilter{Query: "tran thi binh"}, "[reviewer1]"},
		{"by unit", assessment.UserFilter{UnitID: &f.so1.ID}, "[editor1]"},
		{"disabled", assessment.UserFilter{Disabled: &yes}, "[]"},
	}
	for _, tt := range userTests {
		t.Run("users "+tt.name, func(t *testing.T) {
			us, _, err := db.FindUsers(ctx, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, u := range us {
				names = append(names, u.Username)
			}
			if got := fmt.Sprint(names); got != tt.want {
				t.Errorf("FindUsers(%+v) = %s; want %s", tt.filter, got, tt.want)
			}
		})
	}

	// EnsureSubmission is idempotent.
	again, err := db.EnsureSubmission(ctx, admin, f.period.ID, f.so1.ID)
	if err != nil || again.ID != f.sub.ID {
		t.Errorf("EnsureSubmission again = %v, %v; want submission %d", again, err, f.sub.ID)
	}

	// Re-pinning the index with a reason is audited.
	p, err := db.UpdatePeriod(ctx, admin, f.period.ID, assessment.PeriodUpdate{Version: f.period.Version, Reason: "bộ chỉ số 2025.2",
		Index: &assessment.PinnedIndex{Code: "PDTI", Version: "2025.2", Hash: "def456", Source: []byte("index: {}\n")}})
	if err != nil {
		t.Fatal(err)
	}
	full, _ := db.FindPeriodByCode(ctx, "DTI-2025")
	if p.IndexVersion != "2025.2" || string(full.IndexSource) != "index: {}\n" {
		t.Errorf("re-pinned period = %s %q", p.IndexVersion, full.IndexSource)
	}
	pid := p.ID
	entries, _, _ := db.FindAudit(ctx, assessment.AuditFilter{PeriodID: &pid, Action: assessment.ActionPeriodUpdated})
	if len(entries) != 1 || entries[0].Field != "index" || entries[0].Reason != "bộ chỉ số 2025.2" {
		t.Errorf("re-pin audit = %+v", entries)
	}
	status := assessment.PeriodOpen
	ps, total, _ := db.FindPeriods(ctx, assessment.PeriodFilter{Status: &status, Year: &p.Year})
	if total != 1 || len(ps) != 1 {
		t.Errorf("FindPeriods(open, 2025) = %d", total)
	}
}
