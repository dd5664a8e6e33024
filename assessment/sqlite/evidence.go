package sqlite

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/dti-platform/dti/assessment"
)

// fileType is an accepted evidence file type: the content type served for
// it and the types content sniffing may report for it.
type fileType struct {
	contentType string
	sniffed     []string
}

var (
	zipSniff  = []string{"application/zip"}
	oleSniff  = []string{"application/octet-stream"} // legacy Office (OLE2) files
	textSniff = []string{"text/plain; charset=utf-8"}
)

// evidenceTypes is the allow-list of evidence files by extension.
var evidenceTypes = map[string]fileType{
	".pdf":  {"application/pdf", []string{"application/pdf"}},
	".png":  {"image/png", []string{"image/png"}},
	".jpg":  {"image/jpeg", []string{"image/jpeg"}},
	".jpeg": {"image/jpeg", []string{"image/jpeg"}},
	".webp": {"image/webp", []string{"image/webp"}},
	".docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", zipSniff},
	".xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", zipSniff},
	".pptx": {"application/vnd.openxmlformats-officedocument.presentationml.presentation", zipSniff},
	".odt":  {"application/vnd.oasis.opendocument.text", zipSniff},
	".ods":  {"application/vnd.oasis.opendocument.spreadsheet", zipSniff},
	".doc":  {"application/msword", oleSniff},
	".xls":  {"application/vnd.ms-excel", oleSniff},
	".ppt":  {"application/vnd.ms-powerpoint", oleSniff},
	".zip":  {"application/zip", zipSniff},
	".txt":  {"text/plain; charset=utf-8", textSniff},
	".csv":  {"text/csv; charset=utf-8", textSniff},
}

// AllowedEvidenceExtensions lists the accepted evidence file extensions,
// for forms (accept attribute) and messages.
func AllowedEvidenceExtensions() []string {
	return []string{".pdf", ".png", ".jpg", ".jpeg", ".webp", ".docx", ".xlsx", ".pptx", ".odt", ".ods", ".doc", ".xls", ".ppt", ".zip", ".txt", ".csv"}
}

func invalidFile(vi, en string) error {
	return &assessment.ValidationError{Fields: []assessment.FieldError{{Field: "file", VI: vi, EN: en}}}
}

// evidencePath is where a file with the hex sha256 sum lives.
func (db *DB) evidencePath(sum string) string {
	return filepath.Join(db.evidenceDir, sum[:2], sum[2:])
}

// storeFile copies r into the content-addressed store and returns its
// size, sum and content type. It writes a temporary file, syncs it and
// renames it into place, so a crash never leaves a partial file under a
// sum; an existing file with the same sum is reused.
func (db *DB) storeFile(name string, r io.Reader) (size int64, sum, contentType string, err error) {
	ext := strings.ToLower(filepath.Ext(name))
	ft, ok := evidenceTypes[ext]
	if !ok {
		return 0, "", "", invalidFile("Loại tệp không được chấp nhận; cho phép: "+strings.Join(AllowedEvidenceExtensions(), ", "),
			"file type not accepted; allowed: "+strings.Join(AllowedEvidenceExtensions(), ", "))
	}
	if err := os.MkdirAll(db.evidenceDir, 0o750); err != nil {
		return 0, "", "", fmt.Errorf("store evidence: %w", err)
	}
	tmp, err := os.CreateTemp(db.evidenceDir, ".upload-*")
	if err != nil {
		return 0, "", "", fmt.Errorf("store evidence: %w", err)
	}
	defer func() {
		if tmp != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	var head bytes.Buffer
	n, err := io.Copy(io.MultiWriter(tmp, h, &limitedBuffer{&head, 512}), io.LimitReader(r, db.maxEvidence+1))
	if err != nil {
		return 0, "", "", fmt.Errorf("store evidence: %w", err)
	}
	if n > db.maxEvidence {
		return 0, "", "", invalidFile(fmt.Sprintf("Tệp quá lớn (tối đa %d MB).", db.maxEvidence>>20),
			fmt.Sprintf("the file is too large (at most %d MB)", db.maxEvidence>>20))
	}
	if n == 0 {
		return 0, "", "", invalidFile("Tệp rỗng.", "the file is empty")
	}
	sniffed := http.DetectContentType(head.Bytes())
	match := false
	for _, s := range ft.sniffed {
		match = match || s == sniffed
	}
	if !match {
		return 0, "", "", invalidFile("Nội dung tệp không khớp với phần mở rộng "+ext+".",
			"the file content does not match its extension "+ext)
	}
	if err := tmp.Sync(); err != nil {
		return 0, "", "", fmt.Errorf("store evidence: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return 0, "", "", fmt.Errorf("store evidence: %w", err)
	}
	sum = hex.EncodeToString(h.Sum(nil))
	dest := db.evidencePath(sum)
	if _, err := os.Stat(dest); err == nil {
		os.Remove(tmp.Name()) // same content already stored
	} else {
		if err := os.MkdirAll(filepath.Dir(dest), 0o750); err != nil {
			return 0, "", "", fmt.Errorf("store evidence: %w", err)
		}
		if err := os.Rename(tmp.Name(), dest); err != nil {
			return 0, "", "", fmt.Errorf("store evidence: %w", err)
		}
	}
	tmp = nil
	return n, sum, ft.contentType, nil
}

// limitedBuffer keeps the first max bytes written to it.
type limitedBuffer struct {
	b   *bytes.Buffer
	max int
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := l.max - l.b.Len(); room > 0 {
		l.b.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

// checkEvidenceChange refuses evidence changes on a form the unit may no
// longer edit, unless the actor is an admin.
func checkEvidenceChange(actor assessment.Actor, p *assessment.Period, s *assessment.Submission) error {
	if actor.IsAdmin() {
		return nil
	}
	if p.Status != assessment.PeriodOpen {
		return forbidden("period.not_open", "Kỳ đánh giá không mở để nhập liệu.", "the period is not open for data entry")
	}
	if !s.Status.Editable() {
		return forbidden("submission.not_editable", "Hồ sơ đã nộp, không thể sửa.", "the form was submitted and cannot be changed")
	}
	return nil
}

// AddEvidence stores an evidence item (and its file).
func (db *DB) AddEvidence(ctx context.Context, actor assessment.Actor, e *assessment.Evidence, r io.Reader) error {
	if e.Kind == assessment.EvidenceFile {
		e.FileName = filepath.Base(strings.ReplaceAll(e.FileName, "\\", "/"))
	}
	if err := e.Validate(); err != nil {
		return err
	}
	// Check the form before storing a large upload (and again in the
	// transaction, on fresh rows).
	s, err := db.FindSubmissionByID(ctx, e.SubmissionID)
	if err != nil {
		return err
	}
	p, err := findPeriodMeta(ctx, db.read, s.PeriodID)
	if err != nil {
		return translate(err, "add evidence")
	}
	if err := checkEvidenceChange(actor, p, s); err != nil {
		return err
	}
	if e.Kind == assessment.EvidenceFile {
		if r == nil {
			return invalidFile("Chưa chọn tệp.", "no file was given")
		}
		if e.Size, e.SHA256, e.ContentType, err = db.storeFile(e.FileName, r); err != nil {
			return err
		}
	} else {
		e.Size, e.SHA256, e.ContentType, e.FileName = 0, "", "", ""
	}
	return db.update(ctx, actor, func(x *tx) error {
		p, _, s, err := loadForChange(ctx, x, e.SubmissionID, -1)
		if err != nil {
			return err
		}
		if err := checkEvidenceChange(actor, p, s); err != nil {
			return err
		}
		e.CreatedAt, e.CreatedBy = x.now, actor.ID
		if err := x.QueryRowContext(ctx, `INSERT INTO evidence (submission_id, indicator, kind, file_name, content_type, size, sha256, url, text, created_at, created_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			e.SubmissionID, e.Indicator, string(e.Kind), e.FileName, e.ContentType, e.Size, e.SHA256, e.URL, e.Text, x.now, nullID(actor.ID)).Scan(&e.ID); err != nil {
			return translate(err, "add evidence")
		}
		to := e.FileName + e.URL
		if e.Kind == assessment.EvidenceExplanation {
			to = e.Text
		}
		return x.audit(ctx, assessment.AuditEntry{Action: assessment.ActionEvidenceAdded, Entity: "evidence", EntityID: e.ID,
			UnitID: s.UnitID, PeriodID: s.PeriodID, Field: e.Indicator, To: string(e.Kind) + ": " + to})
	})
}

// DeleteEvidence removes an item. Its file stays in the content-addressed
// store: another item may share it, and removing files while uploads of
// the same content run would race.
func (db *DB) DeleteEvidence(ctx context.Context, actor assessment.Actor, id int64) error {
	return db.update(ctx, actor, func(x *tx) error {
		e, err := findEvidence(ctx, x, id)
		if err != nil {
			return err
		}
		p, _, s, err := loadForChange(ctx, x, e.SubmissionID, -1)
		if err != nil {
			return err
		}
		if err := checkEvidenceChange(actor, p, s); err != nil {
			return err
		}
		if _, err := x.ExecContext(ctx, "DELETE FROM evidence WHERE id = ?", id); err != nil {
			return translate(err, fmt.Sprintf("delete evidence %d", id))
		}
		return x.audit(ctx, assessment.AuditEntry{Action: assessment.ActionEvidenceDeleted, Entity: "evidence", EntityID: e.ID,
			UnitID: s.UnitID, PeriodID: s.PeriodID, Field: e.Indicator, From: string(e.Kind) + ": " + e.FileName + e.URL + e.Text})
	})
}

const evidenceColumns = `id, submission_id, indicator, kind, file_name, content_type, size, sha256, url, text, created_at, created_by`

func scanEvidence(sc interface{ Scan(...any) error }) (*assessment.Evidence, error) {
	e := &assessment.Evidence{}
	var kind string
	err := sc.Scan(&e.ID, &e.SubmissionID, &e.Indicator, &kind, &e.FileName, &e.ContentType, &e.Size, &e.SHA256, &e.URL, &e.Text,
		timeDest{&e.CreatedAt}, idDest{&e.CreatedBy})
	e.Kind = assessment.EvidenceKind(kind)
	return e, err
}

func findEvidence(ctx context.Context, q queryer, id int64) (*assessment.Evidence, error) {
	e, err := scanEvidence(q.QueryRowContext(ctx, "SELECT "+evidenceColumns+" FROM evidence WHERE id = ?", id))
	return e, translate(err, fmt.Sprintf("evidence %d", id))
}

// FindEvidenceByID returns the item or ErrNotFound.
func (db *DB) FindEvidenceByID(ctx context.Context, id int64) (*assessment.Evidence, error) {
	return findEvidence(ctx, db.read, id)
}

// FindEvidence returns the submission's items by indicator then ID.
func (db *DB) FindEvidence(ctx context.Context, submissionID int64) ([]*assessment.Evidence, error) {
	rows, err := db.read.QueryContext(ctx, "SELECT "+evidenceColumns+" FROM evidence WHERE submission_id = ? ORDER BY indicator, id", submissionID)
	if err != nil {
		return nil, translate(err, "find evidence")
	}
	defer rows.Close()
	var out []*assessment.Evidence
	for rows.Next() {
		e, err := scanEvidence(rows)
		if err != nil {
			return nil, translate(err, "find evidence")
		}
		out = append(out, e)
	}
	return out, translate(rows.Err(), "find evidence")
}

// OpenEvidenceFile opens the stored file of a file item.
func (db *DB) OpenEvidenceFile(ctx context.Context, id int64) (*assessment.Evidence, io.ReadCloser, error) {
	e, err := db.FindEvidenceByID(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if e.Kind != assessment.EvidenceFile || len(e.SHA256) != 64 {
		return nil, nil, fmt.Errorf("evidence %d has no file: %w", id, assessment.ErrNotFound)
	}
	f, err := os.Open(db.evidencePath(e.SHA256))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil, fmt.Errorf("evidence %d: file missing: %w", id, assessment.ErrNotFound)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("evidence %d: %w", id, err)
	}
	return e, f, nil
}
