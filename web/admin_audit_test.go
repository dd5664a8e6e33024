package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/dti-platform/dti/assessment"
)

// auditFixture records a few entries: a unit rename by the admin with a
// hostile reason, and the fixture's own creations (by the system).
func auditFixture(t *testing.T) (*Server, *fixture) {
	t.Helper()
	s, fx := newFixtureServer(t)
	ctx := context.Background()
	admin := fx.users["admin"].Actor()
	name := "=HYPERLINK(\"http://evil\")"
	if _, err := fx.store.UpdateUnit(ctx, admin, fx.units["SO-TC"].ID, assessment.UnitUpdate{NameVI: &name}); err != nil {
		t.Fatal(err)
	}
	return s, fx
}

func TestAdminAudit_filters(t *testing.T) {
	s, fx := auditFixture(t)
	ck := fx.signIn(t, "admin")
	tests := []struct {
		name   string
		query  string
		status int
		check  func(t *testing.T, rows []string)
	}{
		{"everything", "", 200, func(t *testing.T, rows []string) {
			if len(rows) < 10 {
				t.Errorf("%d rows; want the fixture's creations too", len(rows))
			}
		}},
		{"by actor", "?actor=admin", 200, func(t *testing.T, rows []string) {
			for _, r := range rows {
				if !strings.Contains(r, "admin") {
					t.Errorf("row by someone else: %s", r)
				}
			}
		}},
		{"by unit and action", "?unit=SO-TC&action=unit.updated", 200, func(t *testing.T, rows []string) {
			if len(rows) != 1 || !strings.Contains(rows[0], "HYPERLINK") || !strings.Contains(rows[0], "Sở Tài chính") {
				t.Errorf("rows = %q; want the rename", rows)
			}
		}},
		{"by action family", "?action=user.", 200, func(t *testing.T, rows []string) {
			for _, r := range rows {
				if !strings.Contains(r, "user.") {
					t.Errorf("row of another action: %s", r)
				}
			}
		}},
		{"a range before everything", "?to=2020-01-01", 200, func(t *testing.T, rows []string) {
			if len(rows) != 0 {
				t.Errorf("rows = %q; want none", rows)
			}
		}},
		{"unknown actor", "?actor=nobody", 422, nil},
		{"bad date", "?from=31/12/2025", 422, nil},
		{"reversed range", "?from=2025-12-31&to=2025-01-01", 422, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := get(t, s, "/admin/audit"+tt.query, ck)
			if resp.StatusCode != tt.status {
				t.Fatalf("GET = %d; want %d", resp.StatusCode, tt.status)
			}
			if tt.check != nil {
				tt.check(t, rowsOf(t, body))
			} else if !strings.Contains(body, `class="field-error"`) {
				t.Errorf("no field error on a bad filter")
			}
		})
	}
}

func TestAdminAudit_export(t *testing.T) {
	s, fx := auditFixture(t)
	ck := fx.signIn(t, "admin")
	resp, body := get(t, s, "/admin/audit/export.csv?unit=SO-TC&action=unit.updated", ck)
	if resp.StatusCode != 200 {
		t.Fatalf("CSV = %d", resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("Content-Type = %q", ct)
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, "attachment") || !strings.Contains(cd, ".csv") {
		t.Errorf("Content-Disposition = %q", cd)
	}
	if !strings.HasPrefix(body, "\xEF\xBB\xBF") {
		t.Errorf("CSV without a UTF-8 BOM")
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\xEF\xBB\xBF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 {
		t.Fatalf("CSV has %d records; want header and 1 entry:\n%s", len(recs), body)
	}
	for _, cell := range recs[1] {
		if strings.HasPrefix(cell, "=") {
			t.Errorf("CSV cell can run as a formula: %q", cell)
		}
	}
	if !strings.Contains(strings.Join(recs[1], "|"), "'=HYPERLINK") {
		t.Errorf("the hostile name is not defused: %q", recs[1])
	}

	resp, body = get(t, s, "/admin/audit/export.xlsx?action=unit.updated", ck)
	if resp.StatusCode != 200 {
		t.Fatalf("XLSX = %d", resp.StatusCode)
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range rows {
		if strings.Contains(strings.Join(r, "|"), "=HYPERLINK") {
			found = true
		}
	}
	if !found {
		t.Errorf("the workbook lacks the entry: %q", rows)
	}
	// No cell of the workbook is a formula.
	for y, r := range rows {
		for i := range r {
			cell, _ := excelize.CoordinatesToCellName(i+1, y+1)
			if fm, _ := f.GetCellFormula(f.GetSheetName(0), cell); fm != "" {
				t.Errorf("formula in %s: %q", cell, fm)
			}
		}
	}

	// Each export is recorded.
	es, _, err := fx.store.FindAudit(context.Background(), assessment.AuditFilter{Action: actionAuditExported})
	if err != nil || len(es) != 2 {
		t.Fatalf("export entries = %d, %v; want 2", len(es), err)
	}
	if es[0].Field != "xlsx" || es[0].ActorName != "admin" {
		t.Errorf("export entry = %+v", es[0])
	}

	if resp, _ := get(t, s, "/admin/audit/export.pdf", ck); resp.StatusCode != 404 {
		t.Errorf("export.pdf = %d; want 404", resp.StatusCode)
	}
	if resp, _ := get(t, s, "/admin/audit/export.csv?actor=nobody", ck); resp.StatusCode != 422 {
		t.Errorf("export with a bad filter = %d; want 422", resp.StatusCode)
	}
}

func TestAdminAudit_paging(t *testing.T) {
	s, fx := newFixtureServer(t)
	ctx := context.Background()
	for i := range auditPerPage + 3 {
		if err := fx.store.AddAudit(ctx, &assessment.AuditEntry{ActorName: "system", Action: "test.entry", Entity: "test", EntityID: int64(i + 1)}); err != nil {
			t.Fatal(err)
		}
	}
	ck := fx.signIn(t, "admin")
	_, body := get(t, s, "/admin/audit?action=test.entry", ck)
	if n := len(rowsOf(t, body)); n != auditPerPage {
		t.Errorf("page 1 = %d rows; want %d", n, auditPerPage)
	}
	_, body = get(t, s, "/admin/audit?action=test.entry&page=2", ck)
	if n := len(rowsOf(t, body)); n != 3 {
		t.Errorf("page 2 = %d rows; want 3", n)
	}
}
