#!/usr/bin/env bash
# Builds the bench's real many-file images (once; cached in OUT by the bench):
#   node   the test world's bookworm image (WORLD/layout:old) + one layer holding a real node_modules
#          installed from the npm registry (a package set no test uses: a React/MUI front end with
#          its icon set, AWS SDK, Babel, webpack, ESLint, Jest, TypeScript, Next.js, Angular, core-js,
#          googleapis, Tabler and Lucide icons), at least 100,000 entries
#   python bookworm minbase + Debian's Python data stack (numpy, pandas, scipy, matplotlib, sklearn)
# Outputs: OUT/node/node.oci.tar + OUT/node/layout (tag node); OUT/python/python.oci.tar + layout
# (tag python). Needs root, mmdebstrap, umoci, skopeo, rsync, npm.
# Usage: build-many-file-images.sh node|python OUT WORLD
set -euo pipefail
what=${1:?usage: build-many-file-images.sh node|python OUT WORLD}
OUT=${2:?usage: build-many-file-images.sh node|python OUT WORLD}
WORLD=${3:-}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
work=$(mktemp -d "$OUT/.work.XXXXXX")
trap 'rm -rf "$work"' EXIT

case "$what" in
node)
  [ -d "$WORLD/layout" ] || { echo "no test world at $WORLD (build it first)" >&2; exit 1; }
  mkdir -p "$work/app"
  (cd "$work/app" && printf '{"name":"bench-app","version":"1.0.0","private":true}\n' >package.json &&
    npm install --no-audit --no-fund --ignore-scripts --loglevel=error \
      @mui/material @mui/icons-material @emotion/react @emotion/styled react react-dom \
      aws-sdk @babel/core @babel/preset-env webpack webpack-cli eslint jest typescript date-fns rxjs lodash \
      next @angular/core @angular/common @angular/compiler @angular/forms @angular/router core-js \
      googleapis @tabler/icons-react lucide-react >&2)
  L="$OUT/node/layout"
  rm -rf "$OUT/node"; mkdir -p "$OUT/node"
  skopeo copy -q "oci:$WORLD/layout:old" "oci:$L:node"
  # unpack + repack (as the test world is built): umoci insert wrote a truncated tar for this tree.
  umoci unpack --image "$L:node" "$work/b" >/dev/null
  mkdir -p "$work/b/rootfs/srv"
  rsync -a "$work/app/" "$work/b/rootfs/srv/app/"
  umoci repack --image "$L:node" "$work/b"
  umoci config --image "$L:node" --config.workingdir /srv/app --history.created_by "COPY node_modules /srv/app"
  umoci gc --layout "$L"
  skopeo copy -q "oci:$L:node" "oci-archive:$OUT/node/node.oci.tar:node"
  ;;
python)
  . "$(dirname "$0")/../__tests__/world/debian-archive.sh"
  mmdebstrap --quiet --variant=minbase --mode=root --aptopt='Acquire::Retries "3"' \
    --include=python3-numpy,python3-pandas,python3-scipy,python3-matplotlib,python3-sklearn \
    bookworm "$work/root" "deb $mirror bookworm main" </dev/null
  L="$OUT/python/layout"
  rm -rf "$OUT/python"; mkdir -p "$OUT/python"
  umoci init --layout "$L"
  umoci new --image "$L:python"
  umoci unpack --image "$L:python" "$work/b" >/dev/null
  rsync -aHAX "$work/root/" "$work/b/rootfs/"
  umoci repack --image "$L:python" "$work/b"
  umoci config --image "$L:python" --os linux --architecture amd64 --config.cmd /usr/bin/python3 \
    --history.created_by "mmdebstrap --variant=minbase python3-numpy python3-pandas python3-scipy ..."
  umoci gc --layout "$L"
  skopeo copy -q "oci:$L:python" "oci-archive:$OUT/python/python.oci.tar:python"
  ;;
*) echo "unknown image: $what (node or python)" >&2; exit 1 ;;
esac
