#!/usr/bin/env bash
# Builds an npm pair for the language-package changelog tests: an app folder installed by npm from the
# npm registry, as an application image's `npm install` makes it, in two versions.
#   old  /app with axios@AXIOS_OLD and express@EXPRESS_OLD (and the dependencies npm picks for them)
#   new  /app with axios@AXIOS_NEW and express@EXPRESS_NEW
# Both packages ship their changelog in the package (axios CHANGELOG.md, express History.md), and the
# new versions fix CVEs their changelogs name (axios 1.6.0: CVE-2023-45857; express 4.21.1: CVE-2024-47764).
# Outputs (in OUT): layout/ (OCI layout, tags old and new, one layer each) and unpacked/<tag>/rootfs
# (umoci unpack: the independent extraction the ground truth reads).
# Needs root, npm, umoci, rsync.
set -euo pipefail
OUT=${1:?usage: build-npm-changelog-pair.sh OUT_DIR}
AXIOS_OLD=${AXIOS_OLD:-1.5.1}
AXIOS_NEW=${AXIOS_NEW:-1.6.0}
EXPRESS_OLD=${EXPRESS_OLD:-4.19.2}
EXPRESS_NEW=${EXPRESS_NEW:-4.21.2}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
work=$(mktemp -d "$OUT/.work.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'echo "build-npm-changelog-pair.sh: failed at line $LINENO: $BASH_COMMAND" >&2' ERR

install() {
  local dir=$1; shift
  mkdir -p "$dir/app"
  echo '{"name":"app","version":"1.0.0","private":true}' >"$dir/app/package.json"
  (cd "$dir/app" && npm install --silent --no-audit --no-fund --ignore-scripts --omit=dev \
    --cache "$work/npm-cache" "$@" >/dev/null)
}
echo "installing axios@$AXIOS_OLD express@$EXPRESS_OLD (old) and axios@$AXIOS_NEW express@$EXPRESS_NEW (new) from the npm registry" >&2
install "$work/old" "axios@$AXIOS_OLD" "express@$EXPRESS_OLD"
install "$work/new" "axios@$AXIOS_NEW" "express@$EXPRESS_NEW"

L="$OUT/layout"
rm -rf "$L" "$OUT/unpacked"
umoci init --layout "$L"
for tag in old new; do
  umoci new --image "$L:$tag"
  umoci unpack --image "$L:$tag" "$work/b-$tag" >/dev/null
  rsync -aHAX "$work/$tag/" "$work/b-$tag/rootfs/"
  umoci repack --image "$L:$tag" "$work/b-$tag"
  umoci config --image "$L:$tag" --os linux --architecture amd64 --config.workingdir /app \
    --config.cmd node --config.cmd /app/index.js --history.created_by "npm install ($tag)"
  mkdir -p "$OUT/unpacked"
  umoci unpack --image "$L:$tag" "$OUT/unpacked/$tag" >/dev/null
done
umoci gc --layout "$L"
