package sqlite_test

import (
	"context"
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

// TestMigration0002_BackfillsPackedValues writes values under schema 1,
// then opens with every migration and checks the packed copy.
func TestMigration0002_BackfillsPackedValues(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dti.db")
	old, err := sqlite.Open(path, sqlite.WithMigrationsUpTo(1))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO units (id, code, name_vi, type, created_at, updated_at) VALUES (1, 'U1', 'Đơn vị', 'department', '2026-01-01', '2026-01-01'), (2, 'U2', 'Đơn vị 2', 'department', '2026-01-01', '2026-01-01')`,
		`INSERT INTO periods (id, code, name, year, status, index_code, index_version, index_hash, index_source, version, created_at, updated_at)
			VALUES (1, 'P', 'P', 2025, 'open', 'I', '1', 'h', x'00', 1, '2026-01-01', '2026-01-01')`,
		`INSERT INTO submissions (id, period_id, unit_id, status, version, created_at, updated_at) VALUES (1, 1, 1, 'draft', 1, '2026-01-01', '2026-01-01')`,
		`INSERT INTO submissions (id, period_id, unit_id, status, version, created_at, updated_at) VALUES (2, 1, 2, 'draft', 1, '2026-01-01', '2026-01-01')`,
		`INSERT INTO input_values (submission_id, indicator, input, text, num, source, updated_at, version) VALUES
			(1, 'A.1', 'x', '0.1', 0.1, 'self', '2026-01-01', 1),
			(1, 'A.2', 'c', 'đầu:mối' || char(31) || 'x', NULL, 'self', '2026-01-01', 1),
			(1, 'A.3', 'big', '1e+300', 1e300, 'self', '2026-01-01', 1)`,
	} {
		if err := old.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	old.Close()
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.CheckPacked(context.Background()); err != nil {
		t.Errorf("after migration 0002: %v", err)
	}
}
