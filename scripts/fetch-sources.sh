#!/usr/bin/env bash
# Fetch the real sources SKLens is tested against into a git-ignored cache:
#   Linux 6.1 (Debian linux-source-6.1: net/ and include/ only) and passt (Debian source).
# Idempotent: a second run with the cache present does nothing.
# Usage: scripts/fetch-sources.sh [CACHE_DIR]   (default: .cache/sources)
# Prints the cache paths as KEY=VALUE lines at the end.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cache=${1:-${SKLENS_SOURCES:-$here/.cache/sources}}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
linux="$cache/linux-6.1"
passt="$cache/passt"
log() { echo "[fetch-sources] $*" >&2; }
. "$here/scripts/apt.sh"

apt_updated=""
apt_update() {
  [ -n "$apt_updated" ] && return 0
  log "apt-get update"
  apt_get update -qq >&2
  apt_updated=1
}

if [ ! -f "$linux/.complete" ]; then
  work=$(mktemp -d "$cache/linux.XXXX")
  (
    cd "$work"
    apt_update
    log "apt-get download linux-source-6.1"
    apt-get download -qq linux-source-6.1 >&2
    deb=$(ls linux-source-6.1_*.deb | head -1)
    ver=${deb#linux-source-6.1_}; ver=${ver%%_*}
    dpkg-deb --fsys-tarfile "$deb" | tar -x --wildcards './usr/src/linux-source-6.1.tar.xz'
    log "unpacking net/ and include/ of linux-source $ver"
    mkdir -p tree
    tar -xJf usr/src/linux-source-6.1.tar.xz -C tree --strip-components=1 \
      --wildcards 'linux-source-6.1/net/*' 'linux-source-6.1/include/*' \
      'linux-source-6.1/Documentation/networking/ip-sysctl.rst' 'linux-source-6.1/fs/pipe.c'
    echo "$ver" > tree/.version
  )
  rm -rf "$linux"
  mv "$work/tree" "$linux"
  rm -rf "$work"
  touch "$linux/.complete"
fi

if [ ! -f "$passt/.complete" ]; then
  work=$(mktemp -d "$cache/passt.XXXX")
  (
    cd "$work"
    list=/etc/apt/sources.list.d/sklens-deb-src.sources
    if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
      log "adding a deb-src entry for bookworm ($list)"
      printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' | sudo_ tee "$list" >/dev/null
      apt_updated=""
    fi
    apt_update
    log "apt-get source --download-only passt"
    apt-get source -qq --download-only passt >&2 || true
    orig=$(ls passt_*.orig.tar.* 2>/dev/null | head -1)
    [ -n "$orig" ] || { log "no passt .orig tarball arrived"; exit 1; }
    mkdir -p tree
    tar -xf "$orig" -C tree --strip-components=1
    echo "$orig" > tree/.version
  )
  rm -rf "$passt"
  mv "$work/tree" "$passt"
  rm -rf "$work"
  touch "$passt/.complete"
fi

echo "LINUX=$linux"
echo "PASST=$passt"
