package web

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkImportPreview previews a units file of 3,500 new communes
// under 35 new districts (every row checked against the store and the
// index; the page shows the first 500 changes).
func BenchmarkImportPreview(b *testing.B) {
	s, fx := newFixtureServer(b)
	b.Cleanup(func() { s.imports.close() })
	var csv strings.Builder
	csv.WriteString("code,name_vi,type,parent_code\n")
	for d := range 35 {
		fmt.Fprintf(&csv, "H-%02d,Huyện %d,district,\n", d, d)
		for c := range 99 {
			fmt.Fprintf(&csv, "X-%02d-%03d,Xã %d.%d,district,H-%02d\n", d, c, d, c, d)
		}
	}
	it := &stashed{Kind: "units", UserID: fx.users["admin"].ID, Name: "units.csv"}
	if err := s.imports.put(fx.now, it, []byte(csv.String())); err != nil {
		b.Fatal(err)
	}
	ck := fx.signIn(b, "admin")
	for b.Loop() {
		req := httptest.NewRequest("GET", "/admin/imports/units/"+it.ID, nil)
		req.AddCookie(ck)
		resp, err := s.App().Test(req, -1)
		if err != nil || resp.StatusCode != 200 {
			b.Fatalf("preview = %v, %v", resp.StatusCode, err)
		}
		resp.Body.Close()
	}
}
