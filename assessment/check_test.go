package assessment

import (
	"errors"
	"strings"
	"testing"

	"github.com/dti-platform/dti/scoring"
)

func fptr(f float64) *float64 { return &f }

func TestParseValue(t *testing.T) {
	boolean := &scoring.Input{Key: "b", Label: scoring.Text{VI: "Có ban chỉ đạo", EN: "Has a committee"}, Type: scoring.InputBoolean}
	count := &scoring.Input{Key: "c", Label: scoring.Text{VI: "Số hệ thống"}, Type: scoring.InputCount}
	countMax := &scoring.Input{Key: "c", Label: scoring.Text{VI: "Số hệ thống"}, Type: scoring.InputCount, Max: fptr(10)}
	number := &scoring.Input{Key: "n", Label: scoring.Text{VI: "Kinh phí"}, Type: scoring.InputNumber}
	numberLim := &scoring.Input{Key: "n", Label: scoring.Text{VI: "Tốc độ"}, Type: scoring.InputNumber, Min: fptr(-5), Max: fptr(5.5)}
	percent := &scoring.Input{Key: "p", Label: scoring.Text{VI: "Tỷ lệ"}, Type: scoring.InputPercent}
	percentOver := &scoring.Input{Key: "p", Label: scoring.Text{VI: "Tăng trưởng"}, Type: scoring.InputPercent, Max: fptr(300)}
	choice := &scoring.Input{Key: "ch", Label: scoring.Text{VI: "Trưởng ban"}, Type: scoring.InputChoice, Options: []scoring.Option{
		{Value: "head", Label: scoring.Text{VI: "Chủ tịch", EN: "Chairman"}},
		{Value: "deputy", Label: scoring.Text{VI: "Phó Chủ tịch", EN: "Vice-chairman"}},
		{Value: "none", Label: scoring.Text{VI: "Không có", EN: "None"}},
	}}
	multi := &scoring.Input{Key: "m", Label: scoring.Text{VI: "Nền tảng"}, Type: scoring.InputMultiChoice, Options: []scoring.Option{
		{Value: "lgsp", Label: scoring.Text{VI: "LGSP"}},
		{Value: "ioc", Label: scoring.Text{VI: "Trung tâm IOC"}},
		{Value: "gis", Label: scoring.Text{VI: "Bản đồ số"}},
	}}
	date := &scoring.Input{Key: "d", Label: scoring.Text{VI: "Ngày ban hành"}, Type: scoring.InputDate}
	link := &scoring.Input{Key: "u", Label: scoring.Text{VI: "Đường dẫn"}, Type: scoring.InputURL}
	text := &scoring.Input{Key: "t", Label: scoring.Text{VI: "Ghi chú"}, Type: scoring.InputText}
	odd := &scoring.Input{Key: "x", Label: scoring.Text{VI: "Lạ"}, Type: "matrix"}

	num := func(f float64) scoring.Value { return scoring.Value{Set: true, Num: f} }
	txt := func(s string) scoring.Value { return scoring.Value{Set: true, Text: s} }

	tests := []struct {
		name    string
		in      *scoring.Input
		raw     string
		want    scoring.Value
		wantKey string // message key of the expected error, "" for none
	}{
		{"blank is missing", number, "   ", scoring.Value{}, ""},
		{"empty is missing", boolean, "", scoring.Value{}, ""},

		{"bool có", boolean, "Có", num(1), ""},
		{"bool có decomposed", boolean, "co\u0301", num(1), ""},
		{"bool KHÔNG", boolean, "KHÔNG", num(0), ""},
		{"bool khong", boolean, "khong", num(0), ""},
		{"bool yes", boolean, "Yes", num(1), ""},
		{"bool no", boolean, "no", num(0), ""},
		{"bool 1", boolean, "1", num(1), ""},
		{"bool 0", boolean, "0", num(0), ""},
		{"bool true", boolean, "TRUE", num(1), ""},
		{"bool x", boolean, "x", num(1), ""},
		{"bool đạt", boolean, "Đạt", num(1), ""},
		{"bool không đạt", boolean, "Không  đạt", num(0), ""},
		{"bool maybe", boolean, "có thể", scoring.Value{}, "value.boolean"},

		{"count", count, "12", num(12), ""},
		{"count thousands dot", count, "1.234.567", num(1234567), ""},
		{"count thousands space", count, "1 234", num(1234), ""},
		{"count nbsp", count, "12\u00a0345", num(12345), ""},
		{"count decimal", count, "12,5", scoring.Value{}, "value.whole"},
		{"count single dot thousands", count, "1.234", num(1234), ""},
		{"count single comma thousands", count, "12,500", num(12500), ""},
		{"count two decimals", count, "1,25", scoring.Value{}, "value.whole"},
		{"count four after dot", count, "1.2345", scoring.Value{}, "value.whole"},
		{"number single dot stays decimal", number, "1.234", num(1.234), ""},
		{"count negative", count, "-3", scoring.Value{}, "value.whole"},
		{"count over max", countMax, "11", scoring.Value{}, "value.max"},
		{"count at max", countMax, "10", num(10), ""},
		{"count words", count, "mười", scoring.Value{}, "value.number"},

		{"number comma", number, "12,5", num(12.5), ""},
		{"number dot", number, "12.5", num(12.5), ""},
		{"number vi grouped", number, "1.234,56", num(1234.56), ""},
		{"number en grouped", number, "1,234.56", num(1234.56), ""},
		{"number vi millions", number, "1.234.567,8", num(1234567.8), ""},
		{"number spaces and comma", number, "1 234,5", num(1234.5), ""},
		{"number single comma is decimal", number, "1,234", num(1.234), ""},
		{"number leading dot", number, ",5", num(0.5), ""},
		{"number plus", number, "+7", num(7), ""},
		{"number bad groups", number, "1.23.456", scoring.Value{}, "value.number"},
		{"number bad groups comma", number, "12,34,567", scoring.Value{}, "value.number"},
		{"number two decimals", number, "1,2.3,4", scoring.Value{}, "value.number"},
		{"number exponent", number, "1e5", scoring.Value{}, "value.number"},
		{"number NaN", number, "NaN", scoring.Value{}, "value.number"},
		{"number Inf", number, "Inf", scoring.Value{}, "value.number"},
		{"number hex", number, "0x10", scoring.Value{}, "value.number"},
		{"number bad space group", number, "12 34", scoring.Value{}, "value.number"},
		{"number formula", number, "=1+1", scoring.Value{}, "value.number"},
		{"number huge", number, strings.Repeat("9", 400), scoring.Value{}, "value.number"},
		{"number negative ok", numberLim, "-4,5", num(-4.5), ""},
		{"number unicode minus", numberLim, "−2", num(-2), ""},
		{"number below min", numberLim, "-6", scoring.Value{}, "value.min"},
		{"number above max", numberLim, "5,6", scoring.Value{}, "value.max"},

		{"percent", percent, "87,5", num(87.5), ""},
		{"percent sign", percent, "87,5 %", num(87.5), ""},
		{"percent 100", percent, "100%", num(100), ""},
		{"percent over 100", percent, "100,1", scoring.Value{}, "value.max"},
		{"percent negative", percent, "-1", scoring.Value{}, "value.min"},
		{"percent limits widen", percentOver, "250", num(250), ""},

		{"choice value", choice, "deputy", txt("deputy"), ""},
		{"choice value case", choice, "HEAD", txt("head"), ""},
		{"choice label vi", choice, "phó chủ tịch", txt("deputy"), ""},
		{"choice label no accents", choice, "Pho Chu Tich", txt("deputy"), ""},
		{"choice label en", choice, "Vice-chairman", txt("deputy"), ""},
		{"choice unknown", choice, "secretary", scoring.Value{}, "value.option"},

		{"multi", multi, "gis, lgsp", txt("lgsp,gis"), ""},
		{"multi dedupe and labels", multi, "Bản đồ số; gis\nLGSP", txt("lgsp,gis"), ""},
		{"multi only separators", multi, " , ; ", scoring.Value{}, ""},
		{"multi unknown", multi, "lgsp, cloud", scoring.Value{}, "value.option"},

		{"date vi", date, "31/03/2026", txt("2026-03-31"), ""},
		{"date vi short", date, "1/4/2026", txt("2026-04-01"), ""},
		{"date dashes", date, "01-04-2026", txt("2026-04-01"), ""},
		{"date iso", date, "2026-04-01", txt("2026-04-01"), ""},
		{"date iso time", date, "2026-04-01T00:00:00Z", txt("2026-04-01"), ""},
		{"date leap", date, "29/02/2024", txt("2024-02-29"), ""},
		{"date not leap", date, "29/02/2025", scoring.Value{}, "value.date"},
		{"date 31 feb", date, "31/02/2026", scoring.Value{}, "value.date"},
		{"date us order", date, "03/31/2026", scoring.Value{}, "value.date"},
		{"date mixed separators", date, "01/04-2026", scoring.Value{}, "value.date"},
		{"date two digit year", date, "01/04/26", scoring.Value{}, "value.date"},
		{"date words", date, "hôm qua", scoring.Value{}, "value.date"},

		{"url", link, "https://sotc.hoabinhxanh.gov.vn/van-ban/123", txt("https://sotc.hoabinhxanh.gov.vn/van-ban/123"), ""},
		{"url javascript", link, "javascript:alert(1)", scoring.Value{}, "value.url"},
		{"url relative", link, "/van-ban/123", scoring.Value{}, "value.url"},
		{"url no host", link, "https://", scoring.Value{}, "value.url"},
		{"url spaces", link, "https://a.vn/x y", scoring.Value{}, "value.url"},

		{"text", text, "  Quyết định số 12/QĐ-UBND  ", txt("Quyết định số 12/QĐ-UBND"), ""},
		{"text newline", text, "dòng 1\ndòng 2", txt("dòng 1\ndòng 2"), ""},
		{"text too long", text, strings.Repeat("â", MaxTextLen+1), scoring.Value{}, "value.text_long"},
		{"text too many bytes", text, strings.Repeat("ắ", MaxTextValueLen/3+1), scoring.Value{}, "value.text_long"},
		{"url too long", link, "https://a.vn/" + strings.Repeat("x", 2000), scoring.Value{}, "value.url"},
		{"text control", text, "a\x00b", scoring.Value{}, "value.text_invalid"},
		{"text bad utf8", text, "a\xffb", scoring.Value{}, "value.text_invalid"},

		{"unknown type", odd, "1", scoring.Value{}, "value.unknown_type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseValue(tt.in, tt.raw)
			if tt.wantKey != "" {
				var e *Error
				if !errors.As(err, &e) || e.Key != tt.wantKey {
					t.Fatalf("ParseValue(%s, %q) error = %v; want key %q", tt.in.Type, tt.raw, err, tt.wantKey)
				}
				if !errors.Is(err, ErrInvalid) {
					t.Errorf("ParseValue(%s, %q) error does not match ErrInvalid", tt.in.Type, tt.raw)
				}
				if !strings.Contains(e.VI, tt.in.Label.VI) || e.EN == "" {
					t.Errorf("ParseValue(%s, %q) messages %q / %q do not name the input %q", tt.in.Type, tt.raw, e.VI, e.EN, tt.in.Label.VI)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseValue(%s, %q) error = %v", tt.in.Type, tt.raw, err)
			}
			if got != tt.want {
				t.Errorf("ParseValue(%s, %q) = %+v; want %+v", tt.in.Type, tt.raw, got, tt.want)
			}
			// What a form shows parses back to the same value.
			for _, lang := range []string{"vi", "en"} {
				shown := FormatValue(tt.in, got, lang)
				back, err := ParseValue(tt.in, shown)
				if err != nil || back != got {
					t.Errorf("ParseValue(FormatValue(%+v, %s) = %q) = %+v, %v; want %+v", got, lang, shown, back, err, got)
				}
			}
		})
	}
}

func TestParseValue_messages(t *testing.T) {
	in := &scoring.Input{Key: "p", Label: scoring.Text{VI: "Tỷ lệ hồ sơ", EN: "Share of files"}, Type: scoring.InputNumber, Max: fptr(12.5)}
	_, err := ParseValue(in, "13")
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("ParseValue error = %v; want *Error", err)
	}
	if want := `"Tỷ lệ hồ sơ": không được lớn hơn 12,5`; e.VI != want {
		t.Errorf("VI = %q; want %q", e.VI, want)
	}
	if want := `"Share of files": must not be greater than 12.5`; e.EN != want {
		t.Errorf("EN = %q; want %q", e.EN, want)
	}
}

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Có", "co"},
		{"KHÔNG  ĐẠT", "khong dat"},
		{"Sở Nông nghiệp và Môi trường", "so nong nghiep va moi truong"},
		{"co\u0301", "co"},
		{"  Hòa   Bình ", "hoa binh"},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func BenchmarkParseValue_number(b *testing.B) {
	in := &scoring.Input{Key: "n", Type: scoring.InputNumber}
	for b.Loop() {
		if _, err := ParseValue(in, "1.234.567,89"); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzParseValue checks that no text makes ParseValue panic, that every
// accepted value fits its input, and that what a form shows of it parses
// back to the same value.
func FuzzParseValue(f *testing.F) {
	for _, s := range []string{"12,5", "1.234.567,89", "1,234.5", "có", "KHÔNG", "31/02/2026", "2026-03-31", "head, deputy",
		"https://a.vn/x", "−2", "1 234", "+.5", "9999999999999999999999", "x", "", "1.234", ",", "1,,2", "1..2"} {
		f.Add(s)
	}
	inputs := []*scoring.Input{
		{Key: "n", Type: scoring.InputNumber, Min: fptr(-100), Max: fptr(1e9)},
		{Key: "c", Type: scoring.InputCount},
		{Key: "p", Type: scoring.InputPercent},
		{Key: "b", Type: scoring.InputBoolean},
		{Key: "d", Type: scoring.InputDate},
		{Key: "u", Type: scoring.InputURL},
		{Key: "t", Type: scoring.InputText},
		{Key: "m", Type: scoring.InputMultiChoice, Options: []scoring.Option{{Value: "head"}, {Value: "deputy"}}},
	}
	f.Fuzz(func(t *testing.T, raw string) {
		for _, in := range inputs {
			v, err := ParseValue(in, raw)
			if err != nil {
				if !errors.Is(err, ErrInvalid) {
					t.Fatalf("ParseValue(%s, %q) error %v does not match ErrInvalid", in.Type, raw, err)
				}
				continue
			}
			if !v.Set {
				continue
			}
			lo, hi := limits(in)
			if (lo != nil && v.Num < *lo) || (hi != nil && v.Num > *hi) {
				t.Fatalf("ParseValue(%s, %q) = %v outside the limits", in.Type, raw, v.Num)
			}
			for _, lang := range []string{"vi", "en"} {
				shown := FormatValue(in, v, lang)
				back, err := ParseValue(in, shown)
				if err != nil || back != v {
					t.Fatalf("ParseValue(%s, FormatValue(%+v, %s) = %q) = %+v, %v", in.Type, v, lang, shown, back, err)
				}
			}
		}
	})
}

func TestDisplayValue(t *testing.T) {
	choice := &scoring.Input{Key: "chair", Type: scoring.InputChoice, Options: []scoring.Option{
		{Value: "head", Label: scoring.Text{VI: "Người đứng đầu", EN: "Head"}},
		{Value: "deputy", Label: scoring.Text{VI: "Cấp phó"}},
		{Value: "none"},
	}}
	multi := &scoring.Input{Key: "ch", Type: scoring.InputMultiChoice, Options: []scoring.Option{
		{Value: "web", Label: scoring.Text{VI: "Cổng thông tin", EN: "Web portal"}},
		{Value: "app", Label: scoring.Text{VI: "Ứng dụng di động", EN: "Mobile app"}},
	}}
	count := &scoring.Input{Key: "c", Type: scoring.InputCount}
	tests := []struct {
		name string
		in   *scoring.Input
		v    scoring.Value
		lang string
		want string
	}{
		{"choice vi", choice, scoring.Value{Set: true, Text: "head"}, "vi", "Người đứng đầu"},
		{"choice en", choice, scoring.Value{Set: true, Text: "head"}, "en", "Head"},
		{"choice en falls back to vi", choice, scoring.Value{Set: true, Text: "deputy"}, "en", "Cấp phó"},
		{"option without a label", choice, scoring.Value{Set: true, Text: "none"}, "vi", "none"},
		{"unknown code as stored", choice, scoring.Value{Set: true, Text: "old"}, "vi", "old"},
		{"multi choice", multi, scoring.Value{Set: true, Text: "web,app"}, "en", "Web portal; Mobile app"},
		{"multi choice vi", multi, scoring.Value{Set: true, Text: "app"}, "vi", "Ứng dụng di động"},
		{"not set", choice, scoring.Value{}, "vi", ""},
		{"other types as FormatValue", count, scoring.Value{Set: true, Num: 1234}, "vi", FormatValue(count, scoring.Value{Set: true, Num: 1234}, "vi")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DisplayValue(tt.in, tt.v, tt.lang); got != tt.want {
				t.Errorf("DisplayValue = %q; want %q", got, tt.want)
			}
		})
	}
}
