#!/usr/bin/env bash
# Plants one policy violation per image on top of the test world's `new` image, for the policy
# integration tests. Each tag in OUT/layout is `new` + one top layer (or, for a setting, `new` with
# one config change):
#   secrets     root/.ssh/id_ed25519 (+ .pub) from ssh-keygen, and opt/app/.env with an AWS-looking
#               access key id and secret access key (random, never real)
#   setuid      usr/local/bin/env2: a copy of usr/bin/env, mode 4755
#   downgrade   libssl3 replaced by the newest older version apt knows (the plain bookworm suite's,
#               while `new` has bookworm-security's), installed with dpkg --root
#   banned      netcat-traditional installed with dpkg --root (a package the test policy denies)
#   tamper      usr/bin/env (owned by coreutils) overwritten with usr/bin/true: differs from its md5sum
#   grow        etc/app/app.conf (a non-packaged file of `new`) made exactly ten times larger
#   root        config: USER root (`new` runs as 1000:1000)
#   port-env    config: exposed port 9000/tcp and env AWS_SECRET_ACCESS_KEY=<random>
# OUT/planted-secrets.txt lists the planted secret values, one a line, so tests can check that no
# report ever repeats them.
# Layers are made with umoci unpack/repack (no `insert --opaque`: umoci 0.4.7 writes a truncated tar).
# Usage: plant-violations.sh OUT_DIR [WORLD_DIR]   (WORLD_DIR: the build of build-debian-images.sh,
# default .cache/world). Needs root, umoci, dpkg, apt-get (with Debian bookworm sources), ssh-keygen.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
OUT=${1:?usage: plant-violations.sh OUT_DIR [WORLD_DIR]}
WORLD=${2:-$here/../../.cache/world}
[ -d "$WORLD/layout" ] || { echo "no test world in $WORLD (build it with build-debian-images.sh)" >&2; exit 1; }
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
work=$(mktemp -d "$OUT/.work.XXXXXX")
trap 'rm -rf "$work"' EXIT

L="$OUT/layout"
rm -rf "$L" "$OUT/planted-secrets.txt"
cp -a "$WORLD/layout" "$L"
umoci rm --image "$L:trixie" 2>/dev/null || true
umoci gc --layout "$L"

echo "unpacking new" >&2
umoci unpack --image "$L:new" "$work/pristine" >/dev/null

# Random text from an alphabet, without pipes (tr | head would die of SIGPIPE under pipefail).
random_text() { # length alphabet
  local out='' i
  for ((i = 0; i < $1; i++)); do out+=${2:RANDOM % ${#2}:1}; done
  printf '%s' "$out"
}
UPPER_DIGITS=ABCDEFGHIJKLMNOPQRSTUVWXYZ234567
BASE64ISH=ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/

deb_version() { # rootfs package
  dpkg-query --admindir="$1/var/lib/dpkg" -W -f='${Version}' "$2" 2>/dev/null || true
}

# Install a .deb into a root filesystem (maintainer scripts run chrooted into it).
dpkg_install() { # rootfs debfile
  DEBIAN_FRONTEND=noninteractive dpkg --root="$1" --force-all -i "$2" >"$work/dpkg.log" 2>&1 || {
    cat "$work/dpkg.log" >&2
    return 1
  }
}

download() { # package[=version] -> path of the .deb
  mkdir -p "$work/debs"
  (cd "$work/debs" && apt-get download -q -o APT::Sandbox::User=root "$1" >/dev/null)
  local name=${1%%=*}
  ls "$work/debs/${name}"_*.deb
}

plant_secrets() {
  local r=$1
  mkdir -p "$r/root/.ssh"
  chmod 700 "$r/root/.ssh"
  ssh-keygen -q -t ed25519 -N '' -C planted@example.invalid -f "$r/root/.ssh/id_ed25519"
  local key_id secret
  key_id=AKIA$(random_text 16 "$UPPER_DIGITS")
  secret=$(random_text 40 "$BASE64ISH")
  printf 'APP_MODE=production\nAWS_ACCESS_KEY_ID=%s\nAWS_SECRET_ACCESS_KEY=%s\n' "$key_id" "$secret" >"$r/opt/app/.env"
  printf '%s\n%s\n' "$key_id" "$secret" >>"$OUT/planted-secrets.txt"
}

plant_setuid() {
  local r=$1
  cp "$r/usr/bin/env" "$r/usr/local/bin/env2"
  chmod 4755 "$r/usr/local/bin/env2"
}

plant_downgrade() {
  local r=$1 pkg=libssl3 current older='' v
  current=$(deb_version "$r" "$pkg")
  [ -n "$current" ] || { echo "$pkg is not installed in new" >&2; return 1; }
  # apt-cache madison lists the versions apt knows, newest first: take the first one below new's.
  for v in $(apt-cache madison "$pkg" | awk -F'|' '{gsub(/ /, "", $2); print $2}'); do
    if dpkg --compare-versions "$v" lt "$current"; then older=$v; break; fi
  done
  [ -n "$older" ] || { echo "apt knows no $pkg older than $current (apt-get update?)" >&2; return 1; }
  dpkg_install "$r" "$(download "$pkg=$older")"
  local now
  now=$(deb_version "$r" "$pkg")
  dpkg --compare-versions "$now" lt "$current" || { echo "$pkg did not go down: $current -> $now" >&2; return 1; }
  echo "  $pkg $current -> $now" >&2
}

plant_banned() {
  local r=$1
  dpkg_install "$r" "$(download netcat-traditional)"
  [ -n "$(deb_version "$r" netcat-traditional)" ] || { echo "netcat-traditional not installed" >&2; return 1; }
}

plant_tamper() {
  local r=$1
  cp "$r/usr/bin/true" "$r/usr/bin/env"
}

plant_grow() {
  local r=$1 f=$1/etc/app/app.conf one
  one=$(cat "$f"; printf x)
  one=${one%x}
  : >"$f"
  for _ in 1 2 3 4 5 6 7 8 9 10; do printf '%s' "$one" >>"$f"; done
}

for tag in secrets setuid downgrade banned tamper grow; do
  echo "planting $tag" >&2
  rm -rf "$work/bundle"
  cp -a "$work/pristine" "$work/bundle"
  "plant_$tag" "$work/bundle/rootfs"
  umoci repack --image "$L:$tag" --history.created_by "plant-violations: $tag" "$work/bundle"
done
rm -rf "$work/bundle" "$work/pristine"

echo "planting root, port-env (config)" >&2
umoci config --image "$L:new" --tag root --config.user root --history.created_by "plant-violations: USER root"
env_secret=$(random_text 40 "$BASE64ISH")
printf '%s\n' "$env_secret" >>"$OUT/planted-secrets.txt"
umoci config --image "$L:new" --tag port-env --config.exposedports 9000/tcp \
  --config.env "AWS_SECRET_ACCESS_KEY=$env_secret" \
  --history.created_by "plant-violations: EXPOSE 9000, ENV AWS_SECRET_ACCESS_KEY"
umoci gc --layout "$L"
