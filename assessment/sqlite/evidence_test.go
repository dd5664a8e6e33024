package sqlite_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dti-platform/dti/assessment"
	"github.com/dti-platform/dti/assessment/sqlite"
)

var pdf = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

func TestEvidence(t *testing.T) {
	ctx := context.Background()
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...)
	tests := []struct {
		name    string
		ev      assessment.Evidence
		content []byte
		want    error
	}{
		{"pdf", assessment.Evidence{Indicator: "NTS.01", Kind: assessment.EvidenceFile, FileName: "Quyết định số 12.pdf"}, pdf, nil},
		{"png", assessment.Evidence{Indicator: "NTS.01", Kind: assessment.EvidenceFile, FileName: "ảnh.PNG"}, png, nil},
		{"path in name is dropped", assessment.Evidence{Indicator: "NTS.01", Kind: assessment.EvidenceFile, FileName: `..\..\evil.pdf`}, pdf, nil},
		{"link", assessment.Evidence{Indicator: "NTS.02", Kind: assessment.EvidenceLink, URL: "https://tinh.gov.vn/vb/12"}, nil, nil},
		{"explanation", assessment.Evidence{Indicator: "NTS.03", Kind: assessment.EvidenceExplanation, Text: "Chưa ban hành"}, nil, nil},
		{"refused extension", assessment.Evidence{Indicator: "NTS.01", Kind: assessment.EvidenceFile, FileName: "x.exe"}, []byte("MZ..."), assessment.ErrInvalid},
		{"content does not match", assessment.Evidence{Indicator: "NTS.01", Kind: assessment.EvidenceFile, FileName: "fake.pdf"},
			[]byte("<html><script>alert(1)</script></html>"), assessment.ErrInvalid},
		{"too big", assessment.Evidence{Indicator: "NTS.01", Kind: assessment.EvidenceFile, FileName: "big.pdf"},
			append(append([]byte(nil), pdf...), make([]byte, 2048)...), assessment.ErrInvalid},
		{"empty file", assessment.Evidence{Indicator: "NTS.01", Kind: assessment.EvidenceFile, FileName: "empty.pdf"}, []byte{}, assessment.ErrInvalid},
		{"javascript link", assessment.Evidence{Indicator: "NTS.02", Kind: assessment.EvidenceLink, URL: "javascript:alert(1)"}, nil, assessment.ErrInvalid},
		{"empty explanation", assessment.Evidence{Indicator: "NTS.03", Kind: assessment.EvidenceExplanation, Text: "  "}, nil, assessment.ErrInvalid},
		{"unknown kind", assessment.Evidence{Indicator: "NTS.03", Kind: "video"}, nil, assessment.ErrInvalid},
		{"unknown submission", assessment.Evidence{SubmissionID: 999, Indicator: "NTS.03", Kind: assessment.EvidenceExplanation, Text: "x"}, nil, assessment.ErrNotFound},
	}
	dir := t.TempDir()
	db, err := sqlite.Open(filepath.Join(dir, "dti.db"), sqlite.WithMaxEvidenceSize(1024))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// A minimal open period with one draft submission.
	u := &assessment.Unit{Code: "SO-TC", NameVI: "Sở Tài chính", Type: "department", Active: true}
	if err := db.CreateUnit(ctx, admin, u); err != nil {
		t.Fatal(err)
	}
	p := &assessment.Period{Code: "P", Name: "P", Year: 2025, Status: assessment.PeriodOpen, IndexCode: "I", IndexHash: "h", IndexSource: []byte("x")}
	if err := db.CreatePeriod(ctx, admin, p); err != nil {
		t.Fatal(err)
	}
	sub, err := db.EnsureSubmission(ctx, admin, p.ID, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	editor := assessment.Actor{ID: 0, Username: "ed", Grants: []assessment.Grant{{Role: assessment.RoleEditor, UnitID: u.ID}}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := tt.ev
			if e.SubmissionID == 0 {
				e.SubmissionID = sub.ID
			}
			var r io.Reader
			if tt.content != nil {
				r = bytes.NewReader(tt.content)
			}
			err := db.AddEvidence(ctx, editor, &e, r)
			if !isErr(err, tt.want) {
				t.Fatalf("AddEvidence = %v; want %v", err, tt.want)
			}
			if err != nil {
				return
			}
			got, err := db.FindEvidenceByID(ctx, e.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Kind != tt.ev.Kind || strings.ContainsAny(got.FileName, `/\`) {
				t.Errorf("stored evidence = %+v", got)
			}
			if e.Kind != assessment.EvidenceFile {
				return
			}
			_, rc, err := db.OpenEvidenceFile(ctx, e.ID)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(rc)
			rc.Close()
			if !bytes.Equal(b, tt.content) || got.Size != int64(len(tt.content)) || len(got.SHA256) != 64 {
				t.Errorf("stored file differs: %d bytes, size %d, sha %q", len(b), got.Size, got.SHA256)
			}
			if _, err := os.Stat(filepath.Join(dir, "evidence", got.SHA256[:2], got.SHA256[2:])); err != nil {
				t.Errorf("content-addressed file: %v", err)
			}
		})
	}
	items, err := db.FindEvidence(ctx, sub.ID)
	if err != nil || len(items) != 5 {
		t.Fatalf("FindEvidence = %d items, %v; want 5", len(items), err)
	}
	// The same content twice is stored once.
	if files := countFiles(filepath.Join(dir, "evidence")); files != 2 {
		t.Errorf("evidence files on disk = %d; want 2 (pdf stored once, png)", files)
	}
	if _, _, err := db.OpenEvidenceFile(ctx, items[len(items)-1].ID); !errors.Is(err, assessment.ErrNotFound) {
		t.Errorf("OpenEvidenceFile(explanation) = %v; want ErrNotFound", err)
	}

	// Once submitted, the unit can no longer add or delete evidence; an
	// admin still can.
	if _, err := db.TransitionSubmission(ctx, admin, assessment.Transition{SubmissionID: sub.ID, Version: sub.Version, To: assessment.SubmissionSubmitted}); err != nil {
		t.Fatal(err)
	}
	late := assessment.Evidence{SubmissionID: sub.ID, Indicator: "NTS.03", Kind: assessment.EvidenceExplanation, Text: "muộn"}
	if err := db.AddEvidence(ctx, editor, &late, nil); !errors.Is(err, assessment.ErrForbidden) {
		t.Errorf("AddEvidence on a submitted form = %v; want ErrForbidden", err)
	}
	lateFile := assessment.Evidence{SubmissionID: sub.ID, Indicator: "NTS.03", Kind: assessment.EvidenceFile, FileName: "muộn.pdf"}
	if err := db.AddEvidence(ctx, editor, &lateFile, bytes.NewReader(append([]byte("%PDF-1.4 late"), pdf...))); !errors.Is(err, assessment.ErrForbidden) {
		t.Errorf("AddEvidence(file) on a submitted form = %v; want ErrForbidden", err)
	}
	if n := countFiles(filepath.Join(dir, "evidence")); n != 2 {
		t.Errorf("a refused upload left a file: %d files; want 2", n)
	}
	if err := db.DeleteEvidence(ctx, editor, items[0].ID); !errors.Is(err, assessment.ErrForbidden) {
		t.Errorf("DeleteEvidence on a submitted form = %v; want ErrForbidden", err)
	}
	if err := db.DeleteEvidence(ctx, admin, items[0].ID); err != nil {
		t.Errorf("admin DeleteEvidence = %v", err)
	}
	if err := db.DeleteEvidence(ctx, admin, items[0].ID); !errors.Is(err, assessment.ErrNotFound) {
		t.Errorf("DeleteEvidence twice = %v; want ErrNotFound", err)
	}
	entries, _, _ := db.FindAudit(ctx, assessment.AuditFilter{Action: "evidence."})
	if len(entries) != 6 || entries[0].Action != assessment.ActionEvidenceDeleted {
		t.Errorf("evidence audit = %d entries; want 5 added + 1 deleted", len(entries))
	}
}

// countFiles counts the regular files under dir.
func countFiles(dir string) int {
	n := 0
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return nil
	})
	return n
}
