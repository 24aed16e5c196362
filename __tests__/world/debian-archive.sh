# Sourced by the scripts that build test and bench images from Debian's archive.
# Sets `mirror` and `security` to the archive this machine's apt already uses (never hard-coded
# here) and defines `mm`, mmdebstrap as every build calls it.
mirror=$({ cat /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null || true; } \
  | awk '/^URIs:/ {print $2} /^deb / {for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) {print $i; break}}' \
  | awk '!/-security/ && /debian/ && !done {print; done = 1}')
[ -n "$mirror" ] || { echo "no Debian mirror configured in /etc/apt" >&2; exit 1; }
security=${mirror%/debian}/debian-security

mm() { mmdebstrap --quiet --variant=minbase --mode=root --aptopt='Acquire::Retries "3"' "$@" </dev/null; }
