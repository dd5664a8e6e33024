package assessment

import (
	"errors"
	"fmt"
	"testing"
)

func TestErrors(t *testing.T) {
	e := NewError(ErrForbidden, "period.closed", "kỳ đánh giá đã đóng ngày 31/03/2026", "the period closed on 31/03/2026")
	wrapped := fmt.Errorf("save: %w", e)
	if !errors.Is(wrapped, ErrForbidden) || errors.Is(wrapped, ErrConflict) {
		t.Error("errors.Is must see the code through wrapping")
	}
	if got := e.Error(); got != "forbidden: the period closed on 31/03/2026" {
		t.Errorf("Error() = %q", got)
	}
	v := &ValidationError{}
	if v.Err() != nil {
		t.Error("empty ValidationError.Err() must be nil")
	}
	v.Add("code", "Mã sai.", "bad code")
	v.Add("name", "Thiếu tên.", "name required")
	if !errors.Is(v.Err(), ErrInvalid) {
		t.Error("ValidationError must match ErrInvalid")
	}
	if f, ok := v.Get("name"); !ok || f.Message("en") != "name required" {
		t.Errorf("Get(name) = %+v, %v", f, ok)
	}
	tests := []struct {
		err  error
		lang string
		want string
	}{
		{wrapped, "vi", "kỳ đánh giá đã đóng ngày 31/03/2026"},
		{wrapped, "en", "the period closed on 31/03/2026"},
		{fmt.Errorf("x: %w", v), "vi", "Mã sai.; Thiếu tên."},
		{fmt.Errorf("find unit 3: %w", ErrNotFound), "en", "Not found."},
		{ConflictError("submission"), "vi", "Dữ liệu đã được thay đổi ở nơi khác; vui lòng tải lại trang."},
		{errors.New("disk I/O error at /var/lib/dti"), "en", "Internal error; please try again later."},
	}
	for _, tt := range tests {
		if got := ErrorMessage(tt.err, tt.lang); got != tt.want {
			t.Errorf("ErrorMessage(%v, %s) = %q; want %q", tt.err, tt.lang, got, tt.want)
		}
	}
}
