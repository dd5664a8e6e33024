package assessment

import (
	"net/url"
	"strings"
	"time"
)

// EvidenceKind is the kind of an evidence item.
type EvidenceKind string

const (
	EvidenceFile        EvidenceKind = "file"        // an uploaded document
	EvidenceLink        EvidenceKind = "link"        // a link to a published document
	EvidenceExplanation EvidenceKind = "explanation" // why evidence is missing
)

// Evidence backs an indicator of a submission: an uploaded file, a link or
// an explanation.
type Evidence struct {
	ID           int64
	SubmissionID int64
	Indicator    string
	Kind         EvidenceKind
	// File fields. Files are stored content-addressed by SHA256 (hex).
	FileName    string
	ContentType string
	Size        int64
	SHA256      string
	// URL is the link of a link item.
	URL string
	// Text is the explanation, or a note on a file or link.
	Text      string
	CreatedAt time.Time
	CreatedBy int64
}

// Validate checks the fields that do not depend on file content. It
// returns a *ValidationError naming every bad field.
func (e *Evidence) Validate() error {
	v := &ValidationError{}
	if !ValidCode(e.Indicator) {
		v.Add("indicator", "Mã chỉ số không hợp lệ.", "the indicator code is not valid")
	}
	if len(e.Text) > MaxTextValueLen {
		v.Add("text", "Nội dung quá dài.", "the text is too long")
	}
	switch e.Kind {
	case EvidenceFile:
		if strings.TrimSpace(e.FileName) == "" || len(e.FileName) > 255 || strings.ContainsAny(e.FileName, "/\\") || !CleanText(e.FileName) {
			v.Add("file", "Tên tệp không hợp lệ.", "the file name is not valid")
		}
	case EvidenceLink:
		u, err := url.Parse(e.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(e.URL) > 2000 {
			v.Add("url", "Đường dẫn phải bắt đầu bằng http:// hoặc https://.", "the link must start with http:// or https://")
		}
	case EvidenceExplanation:
		if strings.TrimSpace(e.Text) == "" {
			v.Add("text", "Cần nhập giải trình.", "the explanation is required")
		}
	default:
		v.Add("kind", "Loại tài liệu kiểm chứng không hợp lệ.", "unknown evidence kind")
	}
	return v.Err()
}

// MaxEvidenceSize is the default limit of an uploaded evidence file.
const MaxEvidenceSize = 20 << 20
