#!/usr/bin/env bash
# Builds the test world: real images whose packages come from Debian's archive.
#   old    bookworm minbase (+ less, netbase) from the bookworm suite only
#   new    old + a second layer: packages upgraded from bookworm-security, curl added, less removed,
#          non-packaged files added/changed/removed, config changed (user, env, port, label)
#   trixie trixie minbase, one layer
# Outputs (in OUT): layout/ (OCI layout, tags old/new/trixie, gzip), layout-zstd/ (tag new, zstd),
# <tag>.oci.tar, <tag>.docker.tar, and unpacked/<tag>/rootfs (umoci unpack: the independent extraction
# used as ground truth). Needs root, mmdebstrap, umoci, skopeo, rsync.
# The benchmark reuses it for a larger pair: EXTRA_OLD / EXTRA_NEW add packages (comma-separated) to
# old / new, and ONLY_PAIR=1 skips trixie.
set -euo pipefail
OUT=${1:?usage: build-debian-images.sh OUT_DIR}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
work=$(mktemp -d "$OUT/.work.XXXXXX")
trap 'rm -rf "$work"' EXIT

. "$(dirname "$0")/debian-archive.sh"

echo "building bookworm (old)" >&2
mm --include="less,netbase${EXTRA_OLD:+,$EXTRA_OLD}" bookworm "$work/old" "deb $mirror bookworm main"
echo "building bookworm + security + curl (new)" >&2
mm --include="netbase,curl${EXTRA_NEW:+,$EXTRA_NEW}" bookworm "$work/new" "deb $mirror bookworm main" "deb $security bookworm-security main"
tags="old new trixie"
if [ "${ONLY_PAIR:-0}" = 1 ]; then
  tags="old new"
else
  echo "building trixie" >&2
  mm trixie "$work/trixie" "deb $mirror trixie main"
fi

L="$OUT/layout"
rm -rf "$L"
umoci init --layout "$L"

# One-layer image from a root filesystem directory.
base_image() { # tag rootdir
  umoci new --image "$L:$1"
  umoci unpack --image "$L:$1" "$work/b-$1" >/dev/null
  rsync -aHAX "$2/" "$work/b-$1/rootfs/"
  umoci repack --image "$L:$1" "$work/b-$1"
  umoci config --image "$L:$1" --os linux --architecture amd64 \
    --config.cmd /bin/bash --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --config.workingdir / --config.label org.opencontainers.image.version=1.0.0 \
    --history.created_by "mmdebstrap --variant=minbase $1"
}
base_image old "$work/old"
[ -d "$work/trixie" ] && base_image trixie "$work/trixie"

# The new image: old's layer + one layer that turns old's tree into new's, plus application files.
umoci unpack --image "$L:old" "$work/b-new" >/dev/null
rsync -aHAX --delete "$work/new/" "$work/b-new/rootfs/"
r="$work/b-new/rootfs"
mkdir -p "$r/opt/app/bin" "$r/etc/app" "$r/usr/local/bin"
printf '#!/bin/sh\necho app 2.0\n' >"$r/opt/app/bin/app"; chmod 755 "$r/opt/app/bin/app"
printf 'mode=production\nworkers=4\n' >"$r/etc/app/app.conf"
printf '#!/bin/sh\nexec /opt/app/bin/app "$@"\n' >"$r/usr/local/bin/app"; chmod 755 "$r/usr/local/bin/app"
ln -s /opt/app/bin/app "$r/usr/local/bin/app-link"
printf 'welcome to the new image\n' >"$r/etc/motd"      # a package file (base-files) changed by hand
rm -f "$r/etc/issue.net"                              # a package file (base-files) removed by hand
umoci repack --image "$L:new" "$work/b-new"
umoci config --image "$L:new" --os linux --architecture amd64 \
  --config.user 1000:1000 --config.env APP_MODE=production --config.exposedports 8080/tcp \
  --config.label org.opencontainers.image.version=2.0.0 --config.cmd /opt/app/bin/app \
  --history.created_by "apt-get upgrade && apt-get install curl && apt-get remove less; COPY app /opt/app"
umoci gc --layout "$L"

for tag in $tags; do
  rm -f "$OUT/$tag.oci.tar" "$OUT/$tag.docker.tar"
  skopeo copy -q "oci:$L:$tag" "oci-archive:$OUT/$tag.oci.tar:$tag"
  skopeo copy -q "oci:$L:$tag" "docker-archive:$OUT/$tag.docker.tar:example/$tag:latest"
  rm -rf "$OUT/unpacked/$tag"; mkdir -p "$OUT/unpacked"
  umoci unpack --image "$L:$tag" "$OUT/unpacked/$tag" >/dev/null
done
rm -rf "$OUT/layout-zstd"
skopeo copy -q --dest-compress-format zstd "oci:$L:new" "oci:$OUT/layout-zstd:new"

