package sqlite_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"testing"

	"github.com/dti-platform/dti/assessment/sqlite"
)

// TestMigrations_Numbering checks that migration files are numbered
// 0001, 0002, ... without gaps or repeats, on disk and as embedded.
func TestMigrations_Numbering(t *testing.T) {
	entries, err := os.ReadDir("migrations")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`^(\d{4})_[a-z0-9_]+\.sql$`)
	var names []string
	for _, e := range entries {
		if !re.MatchString(e.Name()) {
			t.Errorf("migration file %q: name must be NNNN_lower_snake.sql", e.Name())
			continue
		}
		names = append(names, e.Name())
	}
	sort.Strings(names)
	for i, n := range names {
		if want := fmt.Sprintf("%04d_", i+1); n[:5] != want {
			t.Errorf("migration %d is %q; want a name starting with %q (unique, contiguous)", i, n, want)
		}
	}
	embedded, err := sqlite.Migrations()
	if err != nil {
		t.Fatalf("embedded migrations: %v", err)
	}
	if fmt.Sprint(embedded) != fmt.Sprint(names) {
		t.Errorf("embedded migrations = %v; files = %v", embedded, names)
	}
}

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// TestSchema_Golden keeps testdata/schema.sql, the schema after every
// migration, so a review sees the whole schema a migration leads to. Run
// with -update after adding a migration.
func TestSchema_Golden(t *testing.T) {
	db, _ := MustOpen(t)
	got, err := db.Schema()
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "schema.sql")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -run Schema -update)", err)
	}
	if got != string(want) {
		t.Errorf("schema differs from %s; run go test -run Schema -update and review the diff", golden)
	}
}
