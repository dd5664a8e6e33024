package reports

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"strings"
)

// The echarts files are the unmodified npm package files (see
// assets/echarts/README.md); scripts/update-echarts.sh refreshes them.
//
//go:embed assets/echarts/echarts.min.js assets/echarts/langVI.js assets/echarts/VERSION assets/echarts/LICENSE assets/echarts/NOTICE assets/chart-init.js
var chartAssetFS embed.FS

// ChartAsset is one static file the chart pages load. The web serves each
// under its VersionedName with a far-future cache header: the name changes
// whenever the content does.
type ChartAsset struct {
	// Name is the plain file name, e.g. "echarts.min.js".
	Name string
	// Hash is the first 16 hex digits of the content's sha256.
	Hash string
	// ContentType is the media type to serve it with.
	ContentType string
	// Body is the file content; callers must not modify it.
	Body []byte
}

// VersionedName returns Name with the hash before the extension, e.g.
// "echarts.min.0123456789abcdef.js", for cache-forever URLs.
func (a ChartAsset) VersionedName() string {
	base, ext := a.Name, ""
	if i := strings.LastIndexByte(a.Name, '.'); i >= 0 {
		base, ext = a.Name[:i], a.Name[i:]
	}
	return base + "." + a.Hash + ext
}

var (
	chartEChartsAsset = mustChartAsset("echarts/echarts.min.js", "echarts.min.js")
	chartLangVIAsset  = mustChartAsset("echarts/langVI.js", "echarts-lang-vi.js")
	chartInitAsset    = mustChartAsset("chart-init.js", "chart-init.js")
	chartEChartsVer   = strings.TrimSpace(string(mustReadChartAsset("echarts/VERSION")))
)

func mustReadChartAsset(path string) []byte {
	b, err := chartAssetFS.ReadFile("assets/" + path)
	if err != nil {
		// The files are embedded at build time: a failure is a build bug.
		panic("reports: embedded chart asset missing: " + err.Error())
	}
	return b
}

func mustChartAsset(path, name string) ChartAsset {
	b := mustReadChartAsset(path)
	sum := sha256.Sum256(b)
	return ChartAsset{
		Name:        name,
		Hash:        hex.EncodeToString(sum[:8]),
		ContentType: "text/javascript; charset=utf-8",
		Body:        b,
	}
}

// ChartAssets returns the scripts a page with charts loads, in load order:
// the echarts library, its Vietnamese locale, then the chart-init script
// that draws every chart of the page. Load them with plain
// <script src="..."> tags (no async or defer reordering between them).
func ChartAssets() []ChartAsset {
	return []ChartAsset{chartEChartsAsset, chartLangVIAsset, chartInitAsset}
}

// EChartsScript returns the unmodified Apache ECharts library
// (dist/echarts.min.js) embedded in the binary.
func EChartsScript() []byte { return chartEChartsAsset.Body }

// EChartsScriptHash returns the first 16 hex digits of the sha256 of
// EChartsScript, for versioned URLs.
func EChartsScriptHash() string { return chartEChartsAsset.Hash }

// EChartsVersion returns the version of the embedded echarts library,
// e.g. "5.6.0".
func EChartsVersion() string { return chartEChartsVer }

// EChartsLangVIScript returns the echarts Vietnamese locale
// (i18n/langVI.js); it must load after EChartsScript.
func EChartsLangVIScript() []byte { return chartLangVIAsset.Body }

// ChartInitScript returns the static script that initialises every chart
// of a page from its JSON option (see ChartEmbed). It uses no eval and no
// inline script, so pages can keep a strict Content-Security-Policy.
func ChartInitScript() []byte { return chartInitAsset.Body }

// ChartInitScriptHash returns the first 16 hex digits of the sha256 of
// ChartInitScript, for versioned URLs.
func ChartInitScriptHash() string { return chartInitAsset.Hash }
