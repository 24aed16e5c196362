#!/usr/bin/env bash
# Builds a Debian pair whose changelogs are kept, for the package-changelog tests:
#   old  bookworm minbase + curl, openssl from the release pocket only
#   new  the same packages from bookworm + bookworm-updates + bookworm-security
# mmdebstrap adds no `path-exclude` for usr/share/doc, so every changelog.Debian.gz stays.
# Outputs (in OUT): layout/ (OCI layout, tags old and new, gzip, one layer each) and
# unpacked/<tag>/rootfs (umoci unpack: the independent extraction the ground truth reads).
# Needs root, mmdebstrap, umoci, rsync.
set -euo pipefail
OUT=${1:?usage: build-changelog-pair.sh OUT_DIR}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
work=$(mktemp -d "$OUT/.work.XXXXXX")
trap 'rm -rf "$work"' EXIT

. "$(dirname "$0")/debian-archive.sh"
echo "building bookworm release pocket (old)" >&2
mm --include=curl,openssl bookworm "$work/old" "deb $mirror bookworm main"
echo "building bookworm + updates + security (new)" >&2
mm --include=curl,openssl bookworm "$work/new" "deb $mirror bookworm main" \
  "deb $mirror bookworm-updates main" "deb $security bookworm-security main"

L="$OUT/layout"
rm -rf "$L" "$OUT/unpacked"
umoci init --layout "$L"
for tag in old new; do
  umoci new --image "$L:$tag"
  umoci unpack --image "$L:$tag" "$work/b-$tag" >/dev/null
  rsync -aHAX "$work/$tag/" "$work/b-$tag/rootfs/"
  umoci repack --image "$L:$tag" "$work/b-$tag"
  umoci config --image "$L:$tag" --os linux --architecture amd64 --config.cmd /bin/bash \
    --history.created_by "mmdebstrap --variant=minbase --include=curl,openssl ($tag)"
  mkdir -p "$OUT/unpacked"
  umoci unpack --image "$L:$tag" "$OUT/unpacked/$tag" >/dev/null
done
umoci gc --layout "$L"
