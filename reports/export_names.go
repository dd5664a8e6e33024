package reports

import "strings"

// Content types of the files this package writes, for the web's responses.
const (
	ContentTypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	ContentTypeCSV  = "text/csv; charset=utf-8"
)

// vietnameseASCII maps Vietnamese letters to their letter without marks.
var vietnameseASCII = func() *strings.Replacer {
	const from = "ÀÁÂÃÈÉÊÌÍÎÒÓÔÕÙÚÛÝàáâãèéêìíîòóôõùúûýĂăĨĩŨũƠơƯưẠạẢảẤấẦầẨẩẪẫẬậẮắẰằẲẳẴẵẶặẸẹẺẻẼẽẾếỀềỂểỄễỆệỈỉỊịỌọỎỏỐốỒồỔổỖỗỘộỚớỜờỞởỠỡỢợỤụỦủỨứỪừỬửỮữỰựỲỳỴỵỶỷỸỹđĐ"
	const to = "AAAAEEEIIIOOOOUUUYaaaaeeeiiioooouuuyAaIiUuOoUuAaAaAaAaAaAaAaAaAaAaAaAaEeEeEeEeEeEeEeEeIiIiOoOoOoOoOoOoOoOoOoOoOoOoUuUuUuUuUuUuUuYyYyYyYydD"
	fr, tr := []rune(from), []rune(to)
	pairs := make([]string, 0, 2*len(fr))
	for i := range fr {
		pairs = append(pairs, string(fr[i]), string(tr[i]))
	}
	return strings.NewReplacer(pairs...)
}()

// ASCIIFileName returns name as a plain ASCII file name for the filename=
// fallback of a Content-Disposition header (the UTF-8 name goes in
// filename*=): Vietnamese letters lose their marks ("Xếp hạng" → "Xep-hang"),
// every other character outside [A-Za-z0-9._-] becomes "-", runs of "-"
// collapse, and the result has at most 120 characters. It never returns
// "" (an empty name gives "download").
func ASCIIFileName(name string) string {
	name = vietnameseASCII.Replace(name)
	var b strings.Builder
	dash := false
	for _, r := range name {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-'
		if !ok || r == '-' {
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = true
			continue
		}
		b.WriteRune(r)
		dash = false
	}
	out := strings.Trim(b.String(), "-.")
	if len(out) > 120 {
		out = strings.TrimRight(out[:120], "-.")
	}
	if out == "" {
		return "download"
	}
	return out
}
