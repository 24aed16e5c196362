#!/usr/bin/env bash
# Makes the two small example images shipped in examples/ (used by the README's quick start).
# They are minimal images assembled from real Debian packages, with a real dpkg database:
#   v1: base-files, netbase, tzdata (bookworm)          user root
#   v2: base-files, tzdata (bookworm-security update), ca-certificates added, netbase removed,
#       an application binary and its configuration, user 65532, a port and labels
# Needs root, apt-get, dpkg-deb, umoci, skopeo. Run: sudo bash scripts/make-examples.sh
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fetch() { # name=version
  (cd "$work/debs" && apt-get download -q -o APT::Sandbox::User=root "$1" >/dev/null)
}
mkdir -p "$work/debs"
tz_old=$(apt-cache madison tzdata | awk '/bookworm\/main/ && !/security|updates/ {print $3; exit}')
tz_new=$(apt-cache madison tzdata | awk '/bookworm-security/ {print $3; exit}')
fetch "base-files"; fetch "netbase"; fetch "tzdata=$tz_old"; fetch "tzdata=$tz_new"; fetch "ca-certificates"

# Unpack real packages into a root with dpkg itself, so the image has a genuine dpkg database
# (status, info/*.list, md5sums, conffiles); maintainer scripts are not run (no shell in the root), and
# the packages are then marked installed as a configured system would have them.
install_debs() { # root deb...
  local root=$1; shift
  mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
  touch "$root/var/lib/dpkg/status"
  dpkg --root="$root" --force-depends --force-script-chrootless --no-triggers --unpack "$@" >/dev/null
  sed -i 's/^Status: install ok unpacked$/Status: install ok installed/' "$root/var/lib/dpkg/status"
  rm -f "$root"/var/lib/dpkg/*-old
  # Configuring puts each conffile in place; do that step by hand.
  find "$root" -name '*.dpkg-new' | while read -r f; do mv "$f" "${f%.dpkg-new}"; done
}
deb() { ls "$work/debs/$1"_*"${2:-}"*.deb | head -1; }

r1="$work/v1"; mkdir -p "$r1"
install_debs "$r1" "$(deb base-files)" "$(deb netbase)" "$(deb tzdata "${tz_old//:/%3a}")"
r2="$work/v2"; mkdir -p "$r2"
install_debs "$r2" "$(deb base-files)" "$(deb tzdata "${tz_new//:/%3a}")" "$(deb ca-certificates)"
mkdir -p "$r2/app" "$r2/etc/app"
printf '#!/bin/sh\necho "hello from app 2.0"\n' >"$r2/app/server"; chmod 755 "$r2/app/server"
printf 'listen=0.0.0.0:8080\nlog_level=info\n' >"$r2/etc/app/server.conf"

L="$work/layout"; umoci init --layout "$L"
mkimage() { # tag root
  umoci new --image "$L:$1"
  umoci unpack --image "$L:$1" "$work/b-$1" >/dev/null
  rsync -aHAX "$2/" "$work/b-$1/rootfs/"
  umoci repack --image "$L:$1" "$work/b-$1"
}
mkimage v1 "$r1"
umoci config --image "$L:v1" --os linux --architecture amd64 --config.cmd /bin/true \
  --config.label org.opencontainers.image.version=1.0.0 --history.created_by "COPY debs / (v1)"
mkimage v2 "$r2"
umoci config --image "$L:v2" --os linux --architecture amd64 --config.user 65532:65532 \
  --config.entrypoint /app/server --config.exposedports 8080/tcp --config.env APP_ENV=production \
  --config.label org.opencontainers.image.version=2.0.0 --config.label org.opencontainers.image.source=example \
  --history.created_by "COPY debs / (v2); COPY app /app"
umoci gc --layout "$L"
rm -f examples/v1.oci.tar examples/v2.oci.tar
skopeo copy -q "oci:$L:v1" "oci-archive:examples/v1.oci.tar:v1"
skopeo copy -q "oci:$L:v2" "oci-archive:examples/v2.oci.tar:v2"
ls -l examples/*.tar
