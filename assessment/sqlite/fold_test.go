package sqlite

import "testing"

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Sở Tài chính", "so tai chinh"},
		{"ĐẮK LẮK", "dak lak"},
		{"Huyện Cao Phong", "huyen cao phong"},
		{"Tuye\u0302\u0301n Quang", "tuyen quang"}, // decomposed
		{"Ủy ban nhân dân", "uy ban nhan dan"},
		{"SO-TC_01", "so-tc_01"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := fold(tt.in); got != tt.want {
			t.Errorf("fold(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}
