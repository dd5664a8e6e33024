package reports

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestEChartsVendored checks that the embedded echarts files are the ones
// the README records (unmodified package files) and carry their licence.
func TestEChartsVendored(t *testing.T) {
	readme, err := os.ReadFile("assets/echarts/README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		name string
		body []byte
	}{
		{"echarts.min.js", EChartsScript()},
		{"langVI.js", EChartsLangVIScript()},
	} {
		sum := sha256.Sum256(f.body)
		row := "| " + f.name + " | "
		i := strings.Index(string(readme), row)
		if i < 0 {
			t.Errorf("README.md has no row for %s", f.name)
			continue
		}
		line, _, _ := strings.Cut(string(readme[i:]), "\n")
		if !strings.Contains(line, hex.EncodeToString(sum[:])) {
			t.Errorf("%s: sha256 %x is not the one README.md records (%s); run scripts/update-echarts.sh", f.name, sum, line)
		}
	}
	if v := EChartsVersion(); !regexp.MustCompile(`^5\.\d+\.\d+$`).MatchString(v) {
		t.Errorf("EChartsVersion() = %q; want 5.x.y", v)
	}
	if !strings.Contains(string(readme), "echarts@"+EChartsVersion()) {
		t.Errorf("README.md does not name echarts@%s", EChartsVersion())
	}
	for _, name := range []string{"LICENSE", "NOTICE"} {
		b, err := chartAssetFS.ReadFile("assets/echarts/" + name)
		if err != nil || !strings.Contains(string(b), "Apache") {
			t.Errorf("embedded %s missing or not the Apache licence text: %v", name, err)
		}
	}
	if !strings.Contains(string(EChartsScript()[:2000]), "Licensed to the Apache Software Foundation") {
		t.Error("echarts.min.js lost its licence header")
	}
	if !strings.Contains(string(EChartsLangVIScript()), "registerLocale('VI'") &&
		!strings.Contains(string(EChartsLangVIScript()), `registerLocale("VI"`) {
		t.Error("langVI.js does not register the VI locale chart-init.js asks for")
	}
}

func TestChartAssets(t *testing.T) {
	assets := ChartAssets()
	wantNames := []string{"echarts.min.js", "echarts-lang-vi.js", "chart-init.js"}
	if len(assets) != len(wantNames) {
		t.Fatalf("%d assets; want %d", len(assets), len(wantNames))
	}
	versioned := regexp.MustCompile(`^[a-z.-]+\.[0-9a-f]{16}\.js$`)
	for i, a := range assets {
		if a.Name != wantNames[i] {
			t.Errorf("asset %d = %s; want %s (load order matters)", i, a.Name, wantNames[i])
		}
		sum := sha256.Sum256(a.Body)
		if a.Hash != hex.EncodeToString(sum[:8]) {
			t.Errorf("%s: hash %s; want the first 16 hex digits of its sha256", a.Name, a.Hash)
		}
		if vn := a.VersionedName(); !versioned.MatchString(vn) || !strings.Contains(vn, a.Hash) {
			t.Errorf("%s: versioned name %q", a.Name, vn)
		}
		if a.ContentType != "text/javascript; charset=utf-8" || len(a.Body) == 0 {
			t.Errorf("%s: content type %q, %d bytes", a.Name, a.ContentType, len(a.Body))
		}
	}
	if EChartsScriptHash() != assets[0].Hash || ChartInitScriptHash() != assets[2].Hash {
		t.Error("EChartsScriptHash or ChartInitScriptHash disagrees with ChartAssets")
	}
	if got := (ChartAsset{Name: "echarts.min.js", Hash: "0123456789abcdef"}).VersionedName(); got != "echarts.min.0123456789abcdef.js" {
		t.Errorf("VersionedName = %q", got)
	}
}
