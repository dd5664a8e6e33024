#!/bin/sh
# update-echarts.sh VERSION refreshes the vendored Apache ECharts script in
# reports/assets/echarts/ from the npm registry: it packs echarts@VERSION,
# copies the unmodified dist/echarts.min.js, i18n/langVI.js, LICENSE and
# NOTICE, writes VERSION and README.md with the source and sha256 sums, and
# prints the sums. Run it from anywhere inside the repository; review the diff
# and run `go test ./reports/` before committing.
set -eu

if [ $# -ne 1 ]; then
	echo "usage: scripts/update-echarts.sh VERSION   (e.g. 5.6.0)" >&2
	exit 2
fi
version=$1
case $version in
5.*) ;;
*)
	echo "update-echarts.sh: version $version: the chart options are written for echarts 5.x" >&2
	exit 2
	;;
esac

root=$(git rev-parse --show-toplevel)
dest=$root/reports/assets/echarts
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent "echarts@$version" >/dev/null)
tarball=$(ls "$work"/echarts-*.tgz)
tar -xzf "$tarball" -C "$work"

for f in dist/echarts.min.js i18n/langVI.js LICENSE NOTICE; do
	if [ ! -f "$work/package/$f" ]; then
		echo "update-echarts.sh: echarts@$version has no $f" >&2
		exit 1
	fi
done

mkdir -p "$dest"
cp "$work/package/dist/echarts.min.js" "$dest/echarts.min.js"
cp "$work/package/i18n/langVI.js" "$dest/langVI.js"
cp "$work/package/LICENSE" "$dest/LICENSE"
cp "$work/package/NOTICE" "$dest/NOTICE"
printf '%s\n' "$version" >"$dest/VERSION"

sum() { sha256sum "$1" | cut -d' ' -f1; }
tgzsum=$(sum "$tarball")
minsum=$(sum "$dest/echarts.min.js")
visum=$(sum "$dest/langVI.js")

cat >"$dest/README.md" <<README
# Apache ECharts $version (vendored)

Unmodified files from the npm package \`echarts@$version\`
(https://registry.npmjs.org/echarts/-/echarts-$version.tgz), licensed under
the Apache License 2.0 (see LICENSE and NOTICE in this directory). They are
embedded in the dti binary so charts work offline and without a CDN.

| file | from the package | sha256 |
|---|---|---|
| echarts.min.js | dist/echarts.min.js | $minsum |
| langVI.js | i18n/langVI.js | $visum |

Package tarball sha256: $tgzsum

Refresh with \`scripts/update-echarts.sh VERSION\`; do not edit these files by hand.
README

echo "echarts $version"
echo "  tarball         $tgzsum"
echo "  echarts.min.js  $minsum"
echo "  langVI.js       $visum"
