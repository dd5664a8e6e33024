package scoring

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestReadDataCSV(t *testing.T) {
	ix := scParseFile(t, "small.yaml")
	src := "\xef\xbb\xbfcode,name,type,block,attr:region,A.1/has_plan,A.2/chair_role,A.4/signed_pct,B.3/sent_on,A.6/platforms\n" +
		"S1,Sở Một,department,SO,north,có,head,12.5,2025-12-01,3\n" +
		"\n" +
		"H1,\"Huyện Hai, Ba\",district,HUYEN,,không,,,,\n"
	ds, err := ReadDataCSV(ix, "d.csv", strings.NewReader(src), 2025)
	if err != nil {
		t.Fatal(err)
	}
	if ds.Year != 2025 || len(ds.Units) != 2 {
		t.Fatalf("dataset = %+v", ds)
	}
	u := ds.Units[0]
	get := func(u UnitData, ind, key string) Value {
		s, _ := ix.Slot(ind, key)
		return u.Values[s]
	}
	if u.Code != "S1" || u.Name != "Sở Một" || u.Type != "department" || u.Block != "SO" || u.Attrs["region"] != "north" {
		t.Errorf("unit 1 = %+v", u)
	}
	for _, c := range []struct {
		ind, key string
		want     Value
	}{
		{"A.1", "has_plan", Value{Set: true, Num: 1}},
		{"A.2", "chair_role", Value{Set: true, Text: "head"}},
		{"A.4", "signed_pct", Value{Set: true, Num: 12.5}},
		{"B.3", "sent_on", Value{Set: true, Text: "2025-12-01"}},
		{"A.6", "platforms", Value{Set: true, Num: 3}},
		{"A.3", "online", Value{}},
	} {
		if got := get(u, c.ind, c.key); got != c.want {
			t.Errorf("%s/%s = %+v; want %+v", c.ind, c.key, got, c.want)
		}
	}
	h := ds.Units[1]
	if h.Name != "Huyện Hai, Ba" || h.Attrs != nil || get(h, "A.1", "has_plan") != (Value{Set: true}) || get(h, "A.2", "chair_role").Set {
		t.Errorf("unit 2 = %+v", h)
	}
}

func TestReadDataCSV_Problems(t *testing.T) {
	ix := scParse(t, `schema_version: 1
index: {code: T, version: "1", name: {vi: T, en: T}, style: points, scale: 100}
unit_types:
  - {code: u, name: {vi: u, en: u}}
  - {code: v, name: {vi: v, en: v}}
  - {code: old, name: {vi: cũ, en: old}, enabled: false}
blocks:
  - {code: B, name: {vi: B, en: B}, unit_types: [u]}
  - {code: V, name: {vi: V, en: V}, unit_types: [v]}
tree:
  - code: X
    name: {vi: X, en: X}
    max_points: 100
    inputs:
      - {key: ok, label: {vi: ok, en: ok}, type: boolean}
      - {key: n, label: {vi: n, en: n}, type: count, max: 50}
      - {key: p, label: {vi: p, en: p}, type: percent, min: 0, max: 100}
      - {key: d, label: {vi: d, en: d}, type: date}
      - key: c
        label: {vi: c, en: c}
        type: choice
        options: [{value: a, label: {vi: a, en: a}}, {value: b, label: {vi: b, en: b}}]
      - key: m
        label: {vi: m, en: m}
        type: multi_choice
        options: [{value: a, label: {vi: a, en: a}}, {value: b, label: {vi: b, en: b}}]
      - {key: w, label: {vi: w, en: w}, type: url}
    scoring: {method: boolean, input: ok}
`)
	head := "code,name,type,block,X/ok,X/n,X/p,X/d,X/c,X/m,X/w\n"
	cases := []struct {
		name string
		src  string
		want []string
	}{
		{"empty file", "", []string{"f.csv:1: the file is empty"}},
		{"unknown columns", "code,name,type,block,Y/ok,X/zz,color,attr:,override:Y\n", []string{
			"f.csv:1:override:Y: unknown column: the index has no indicator Y",
			"f.csv:1:Y/ok: unknown column: the index has no indicator Y",
			`f.csv:1:X/zz: unknown column: indicator X has no input "zz"`,
			"f.csv:1:color: unknown column: want code, name, type, block, attr:NAME, not_applicable, override:INDICATOR or INDICATOR/input",
			"f.csv:1:attr:: attribute column without a name",
		}},
		{"missing and duplicate columns", "code,name,X/ok,X/ok\n", []string{
			"f.csv:1:X/ok: duplicate column", `f.csv:1: missing column "type"`, `f.csv:1: missing column "block"`,
		}},
		{"bad cells", head +
			"U1,Một,u,B,maybe,3.5,130,2025-13-01,z,a;q,ftp://x\n" +
			"U2,Hai,u,B,1,-1,abc,01/02/2025,a,a;b,https://x.vn\n" +
			"U3,Ba,u,B,0,60,\"12,5\",,,,\n", []string{
			`f.csv:2:X/ok: "maybe" is not yes/no`,
			"f.csv:2:X/n: 3.5 is not a count (a whole number ≥ 0)",
			"f.csv:2:X/p: 130 is above the maximum 100",
			`f.csv:2:X/d: "2025-13-01" is not a date (YYYY-MM-DD)`,
			`f.csv:2:X/c: "z" is not one of the options (want one of a, b)`,
			`f.csv:2:X/m: "q" is not one of the options (want one of a, b)`,
			`f.csv:2:X/w: "ftp://x" is not a link`,
			"f.csv:3:X/n: -1 is not a count",
			`f.csv:3:X/p: "abc" is not a number`,
			`f.csv:3:X/d: "01/02/2025" is not a date`,
			"f.csv:4:X/n: 60 is above the maximum 50",
			`f.csv:4:X/p: "12,5" is not a number (write decimals with a point: 12.5)`,
		}},
		{"bad units", head +
			"U1,Một,u,B,,,,,,,\n" +
			"U1,Một lần nữa,u,B,,,,,,,\n" +
			",,w,B,,,,,,,\n" +
			"U4,Bốn,old,B,,,,,,,\n" +
			"U5,Năm,v,B,,,,,,,\n" +
			"U6,Sáu,u,Z,,,,,,,\n" +
			"U7,Bảy,u,B\n", []string{
			"f.csv:3:code: unit U1 already on row 2",
			"f.csv:4:code: empty unit code",
			"f.csv:4:name: empty unit name",
			`f.csv:4:type: unknown unit type "w" (want one of u, v)`,
			`f.csv:5:type: unit type "old" is disabled in this index`,
			"f.csv:6:block: block B does not take units of type v",
			`f.csv:7:block: unknown block "Z" (want one of B, V)`,
			"f.csv:8: 4 cells; the header has 11 columns",
		}},
		{"broken quoting", head + "U1,\"Một,u,B,,,,,,,\n", []string{"f.csv:2: extraneous or missing \" in quoted-field"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ds, err := ReadDataCSV(ix, "f.csv", strings.NewReader(c.src), 2025)
			var ce *CSVError
			if !errors.As(err, &ce) || ds != nil {
				t.Fatalf("ReadDataCSV = %v, %v; want a *CSVError and no dataset", ds, err)
			}
			var got []string
			for _, p := range ce.Problems {
				got = append(got, p.String())
			}
			for _, w := range c.want {
				if !slices.ContainsFunc(got, func(g string) bool { return strings.HasPrefix(g, w) }) {
					t.Errorf("missing problem %q; got:\n%s", w, strings.Join(got, "\n"))
				}
			}
			if len(got) != len(c.want) {
				t.Errorf("%d problems; want %d:\n%s", len(got), len(c.want), strings.Join(got, "\n"))
			}
		})
	}
}

// FuzzReadDataCSV checks that no data file crashes the reader or the
// engine: a file is either rejected with problems or scored.
func FuzzReadDataCSV(f *testing.F) {
	ix := scParseFile(f, "small.yaml")
	seed, err := os.ReadFile(filepath.Join("testdata", "golden", "small-data.csv"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte("# year: 2025\ncode,name,type,block,A.3/online,A.3/total,B.1/services\nS1,A,department,SO,0,0,-5\n"))
	f.Add([]byte("code,name,type,block,A.2/chair_role\nS1,A,department,SO,\"head\"\"\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ds, err := ReadDataCSV(ix, "f.csv", bytes.NewReader(data), 0)
		if err != nil {
			var ce *CSVError
			if !errors.As(err, &ce) || len(ce.Problems) == 0 || ds != nil {
				t.Fatalf("ReadDataCSV = %v, %v", ds, err)
			}
			return
		}
		if ds.Year == 0 {
			ds.Year = 2025
		}
		res, err := Score(ix, ds, Options{Explain: true})
		if err == nil && len(res.Units) != len(ds.Units) {
			t.Fatalf("%d results for %d units", len(res.Units), len(ds.Units))
		}
	})
}

// Appraisal overrides and not-applicable declarations can be given in the
// data file too.
func TestReadDataCSV_OverridesAndNotApplicable(t *testing.T) {
	ix := scParseFile(t, "small.yaml")
	src := "override:A.2,code,name,type,block,not_applicable,A.4/signed_pct\n" +
		"7.5,S1,Sở Một,department,SO,A.4,50\n" +
		"11,S2,Sở Hai,department,SO,A.1;B.3;ZZ,\n" +
		"x,H1,Huyện Một,district,HUYEN,,\n"
	_, err := ReadDataCSV(ix, "f.csv", strings.NewReader(src), 2025)
	var ce *CSVError
	if !errors.As(err, &ce) {
		t.Fatalf("ReadDataCSV = %v; want problems", err)
	}
	want := []string{
		"f.csv:3:override:A.2: 11 points outside 0..10",
		"f.csv:3:not_applicable: indicator A.1 is not optional: it cannot be declared not applicable",
		"f.csv:3:not_applicable: indicator B.3 is not optional: it cannot be declared not applicable",
		`f.csv:3:not_applicable: "ZZ" is not an indicator of the index`,
		`f.csv:4:override:A.2: "x" is not a number`,
	}
	var got []string
	for _, p := range ce.Problems {
		got = append(got, p.String())
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	ds, err := ReadDataCSV(ix, "f.csv", strings.NewReader(strings.Join(strings.Split(src, "\n")[:2], "\n")), 2025)
	if err != nil {
		t.Fatal(err)
	}
	u := ds.Units[0]
	if u.Overrides["A.2"] != 7.5 || !u.NotApplicable["A.4"] {
		t.Errorf("unit = %+v", u)
	}
	res, err := Score(ix, ds, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if a := scNode(t, &res.Units[0], "A"); a.MaxPoints != 50 || a.Points != 7.5 {
		t.Errorf("A = %+v; want 7.5 of 50 points", a)
	}
}

// A leading "# year:" comment gives the year; the argument overrides it.
func TestReadDataCSV_Year(t *testing.T) {
	ix := scParseFile(t, "small.yaml")
	for _, c := range []struct {
		src  string
		arg  int
		want int
		err  string
	}{
		{"# year: 2024\ncode,name,type,block\n", 0, 2024, ""},
		{"# year: 2024\ncode,name,type,block\n", 2025, 2025, ""},
		{"# sample data\n#year:2023\ncode,name,type,block\n", 0, 2023, ""},
		{"code,name,type,block\n", 0, 0, ""},
		{"# year: next\ncode,name,type,block\n", 0, 0, `f.csv:1: comment "year: next": the year must be a number like 2025`},
	} {
		ds, err := ReadDataCSV(ix, "f.csv", strings.NewReader(c.src), c.arg)
		switch {
		case c.err != "":
			if err == nil || err.Error() != c.err {
				t.Errorf("ReadDataCSV(%q) = %v; want %q", c.src, err, c.err)
			}
		case err != nil:
			t.Errorf("ReadDataCSV(%q): %v", c.src, err)
		case ds.Year != c.want:
			t.Errorf("ReadDataCSV(%q, %d).Year = %d; want %d", c.src, c.arg, ds.Year, c.want)
		}
	}
}

// A file saved by Excel in a Vietnamese locale: ";" between cells and
// decimal commas.
func TestReadDataCSV_Semicolons(t *testing.T) {
	ix := scParseFile(t, "small.yaml")
	src := "# year: 2025\r\ncode;name;type;block;A.4/signed_pct;B.2/score;A.6/platforms\r\n" +
		"S1;Sở Tư pháp, Tỉnh A;department;SO;87,5;4,25;3\r\n"
	ds, err := ReadDataCSV(ix, "f.csv", strings.NewReader(src), 0)
	if err != nil {
		t.Fatal(err)
	}
	u := ds.Units[0]
	get := func(ind, key string) float64 {
		s, _ := ix.Slot(ind, key)
		return u.Values[s].Num
	}
	if u.Name != "Sở Tư pháp, Tỉnh A" || get("A.4", "signed_pct") != 87.5 || get("B.2", "score") != 4.25 || get("A.6", "platforms") != 3 || ds.Year != 2025 {
		t.Errorf("unit = %+v, year %d", u, ds.Year)
	}
	_, err = ReadDataCSV(ix, "f.csv", strings.NewReader("code;name;type;block;A.6/platforms\nS1;A;department;SO;2,5\n"), 2025)
	if err == nil || !strings.Contains(err.Error(), "f.csv:2:A.6/platforms: 2,5 is not a count") {
		t.Errorf("a decimal count = %v", err)
	}
}
