#!/bin/sh
# vendor.sh copies the front-end libraries installed by `npm ci` from node_modules into
# web/static/vendor, which Go embeds into the peel binary. Run it from the repository root after
# `npm ci`. The vendor folder is git-ignored: nothing third-party is committed.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
nm="$root/node_modules"
out="$root/web/static/vendor"

if [ ! -d "$nm/htmx.org" ]; then
	echo "vendor.sh: $nm/htmx.org is missing; run 'npm ci' first" >&2
	exit 1
fi
rm -rf "$out"
mkdir -p "$out"

# copy PACKAGE FILE... copies files of an installed package into vendor/PACKAGE/, keeping names.
copy() {
	pkg=$1
	shift
	mkdir -p "$out/$pkg"
	for f in "$@"; do
		cp "$nm/$pkg/$f" "$out/$pkg/"
	done
	# Keep the licence beside the code it covers.
	for l in LICENSE LICENSE.md LICENSE.txt; do
		if [ -f "$nm/$pkg/$l" ]; then
			cp "$nm/$pkg/$l" "$out/$pkg/"
		fi
	done
}

copy htmx.org dist/htmx.min.js

# Optional libraries other pages use; copied when package.json lists them.
if [ -d "$nm/leaflet" ]; then
	copy leaflet dist/leaflet.js dist/leaflet.css
	mkdir -p "$out/leaflet/images"
	cp "$nm"/leaflet/dist/images/*.png "$out/leaflet/images/"
fi
if [ -d "$nm/cytoscape" ]; then
	copy cytoscape dist/cytoscape.min.js
fi

echo "vendor.sh: copied front-end libraries into web/static/vendor"
