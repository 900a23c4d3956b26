#!/usr/bin/env bash
# Fetch the real sources SKLens is tested against into a git-ignored cache:
#   Linux 6.1 (Debian linux-source-6.1): net/ and include/ as one tree, the whole source as a
#   second (linux-6.1-full), and passt (Debian source).
# Idempotent: a second run with the cache present does nothing.
# Usage: scripts/fetch-sources.sh [CACHE_DIR]   (default: .cache/sources)
# Prints the cache paths as KEY=VALUE lines at the end.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cache=${1:-${SKLENS_SOURCES:-$here/.cache/sources}}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)
linux="$cache/linux-6.1"
linux_full="$cache/linux-6.1-full"
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

# The linux-source .deb is kept (git-ignored, beside the trees): both trees come from it.
linux_tarball() {
  local deb
  deb=$(ls "$cache"/debs/linux-source-6.1_*.deb 2>/dev/null | head -1)
  if [ -z "$deb" ]; then
    mkdir -p "$cache/debs"
    local dl
    dl=$(mktemp -d "$cache/debs/dl.XXXX")
    (cd "$dl" && apt_update && log "apt-get download linux-source-6.1" &&
      apt-get download -qq linux-source-6.1 >&2)
    mv "$dl"/linux-source-6.1_*.deb "$cache/debs/"
    rm -rf "$dl"
    deb=$(ls "$cache"/debs/linux-source-6.1_*.deb | head -1)
  fi
  echo "$deb"
}

# unpack_linux DEST [PATTERN...]: the tree (or only the paths matching PATTERNs) into DEST.
unpack_linux() {
  local dest=$1
  shift
  [ -f "$dest/.complete" ] && return 0
  local deb ver work
  deb=$(linux_tarball)
  ver=$(basename "$deb")
  ver=${ver#linux-source-6.1_}
  ver=${ver%%_*}
  work=$(mktemp -d "$cache/linux.XXXX")
  log "unpacking $(basename "$dest") of linux-source $ver"
  mkdir -p "$work/tree"
  dpkg-deb --fsys-tarfile "$deb" | tar -x -O './usr/src/linux-source-6.1.tar.xz' |
    tar -xJ -C "$work/tree" --strip-components=1 --wildcards "$@"
  echo "$ver" > "$work/tree/.version"
  rm -rf "$dest"
  mv "$work/tree" "$dest"
  rm -rf "$work"
  touch "$dest/.complete"
}

unpack_linux "$linux" 'linux-source-6.1/net/*' 'linux-source-6.1/include/*' \
  'linux-source-6.1/Documentation/networking/ip-sysctl.rst' 'linux-source-6.1/fs/pipe.c'
# The whole tree (55k .c/.h files, 1.5 GB unpacked) for the whole-kernel bench and test.
# SKLENS_NO_FULL_LINUX=1 leaves it out.
if [ "${SKLENS_NO_FULL_LINUX:-}" != 1 ]; then
  unpack_linux "$linux_full" 'linux-source-6.1/*'
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
[ -f "$linux_full/.complete" ] && echo "LINUX_FULL=$linux_full"
echo "PASST=$passt"
