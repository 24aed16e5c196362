#!/usr/bin/env bash
# Builds the Debian pair of the Attention tests (issue 14) from Debian's archive:
#   old  bookworm minbase, one layer, cmd /bin/bash
#   new  old's layer + one layer that turns old's tree into this one:
#        - ca-certificates installed: update-ca-certificates derives etc/ssl/certs (about 140 hash
#          links, as many name links, the ca-certificates.crt bundle), all of it non-packaged
#        - libcap2-bin installed, and its setcap gives opt/app/bin/pinger (a copy of true) cap_net_raw+ep
#        - mksh installed (a shell the image did not have)
#        - user svc added by useradd with a password hash; user games removed by userdel
#        - srv/drop: a world-writable directory without the sticky bit
#        - hostile names: a user, and a file given cap_net_bind_service, whose names are markup
#        - entrypoint /opt/app/start.sh, which is not in the image
# Outputs (in OUT): layout/ (OCI layout, tags old and new, gzip). Needs root, mmdebstrap, umoci, rsync,
# openssl (the password hash).
set -euo pipefail
OUT=${1:?usage: build-attention-pair.sh OUT_DIR}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
work=$(mktemp -d "$OUT/.work.XXXXXX")
trap 'rm -rf "$work"' EXIT

. "$(dirname "$0")/debian-archive.sh"

# A real SHA-512 crypt hash, as `passwd` would store it (fixed salt: the build is repeatable).
hash=$(openssl passwd -6 -salt attentionpair not-a-real-password)
hostile_user='<img src=x onerror=alert(1)>@all'
hostile_file='@here <img src=x onerror=alert(1)> [x](https:evil.test) | cell'

echo "building bookworm minbase (old)" >&2
mm bookworm "$work/old" "deb $mirror bookworm main"
echo "building bookworm + ca-certificates, libcap2-bin, mksh, users, capabilities (new)" >&2
mm --include=ca-certificates,libcap2-bin,mksh bookworm "$work/new" "deb $mirror bookworm main" \
  --customize-hook="chroot \"\$1\" useradd --create-home --shell /bin/bash --password '$hash' svc" \
  --customize-hook='chroot "$1" userdel games' \
  --customize-hook='mkdir -p "$1/opt/app/bin" "$1/srv/drop" && chmod 0777 "$1/srv/drop"' \
  --customize-hook='cp "$1/usr/bin/true" "$1/opt/app/bin/pinger" && chroot "$1" setcap cap_net_raw+ep /opt/app/bin/pinger' \
  --customize-hook="cp \"\$1/usr/bin/true\" \"\$1/opt/app/bin/$hostile_file\" && chroot \"\$1\" setcap cap_net_bind_service+ep '/opt/app/bin/$hostile_file'" \
  --customize-hook="echo '$hostile_user:x:1500:1500::/home/x:/bin/sh' >>\"\$1/etc/passwd\" && echo '$hostile_user:!:19000:0:99999:7:::' >>\"\$1/etc/shadow\""

L="$OUT/layout"
rm -rf "$L"
umoci init --layout "$L"
umoci new --image "$L:old"
umoci unpack --image "$L:old" "$work/b-old" >/dev/null
rsync -aHAX "$work/old/" "$work/b-old/rootfs/"
umoci repack --image "$L:old" "$work/b-old"
umoci config --image "$L:old" --os linux --architecture amd64 --config.cmd /bin/bash \
  --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --history.created_by "mmdebstrap --variant=minbase bookworm"

umoci unpack --image "$L:old" "$work/b-new" >/dev/null
rsync -aHAX --delete "$work/new/" "$work/b-new/rootfs/"
umoci repack --image "$L:new" "$work/b-new"
umoci config --image "$L:new" --os linux --architecture amd64 --config.entrypoint /opt/app/start.sh \
  --history.created_by "apt-get install ca-certificates libcap2-bin mksh; setcap; useradd svc; userdel games"
umoci gc --layout "$L"
