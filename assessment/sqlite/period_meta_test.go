package sqlite_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/dti-platform/dti/assessment"
)

func TestFindPeriodByCodeMeta(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	full, err := f.db.FindPeriodByCode(ctx, "DTI-2025")
	if err != nil {
		t.Fatal(err)
	}
	meta, err := f.db.FindPeriodByCodeMeta(ctx, "DTI-2025")
	if err != nil {
		t.Fatal(err)
	}
	if meta.IndexSource != nil {
		t.Errorf("meta has the index source (%d bytes)", len(meta.IndexSource))
	}
	// Every other field is the full row's.
	full.IndexSource = nil
	if !reflect.DeepEqual(meta, full) {
		t.Errorf("meta = %+v\nwant %+v", meta, full)
	}
	if meta.IndexHash != "abc123" || meta.Version != f.period.Version {
		t.Errorf("meta hash %q version %d", meta.IndexHash, meta.Version)
	}
	if _, err := f.db.FindPeriodByCodeMeta(ctx, "NOPE"); !errors.Is(err, assessment.ErrNotFound) {
		t.Errorf("unknown code: %v; want ErrNotFound", err)
	}
}
