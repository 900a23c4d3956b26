#!/usr/bin/env bash
# Installs the Debian packages SKLens's tests and benchmarks need, if they are missing:
#   universal-ctags, cscope      peers for the definition-recall check and the benchmark
#   python3                      the real-kernel send-buffer experiment
#   chromium + build deps        the end-to-end suite (code-server's native modules)
# Usage: scripts/ensure-system.sh [group...]   groups: peers e2e (default: all)
set -euo pipefail
. "$(dirname "$0")/apt.sh"
groups=("$@")
[ ${#groups[@]} -gt 0 ] || groups=(peers e2e)
pkgs=()
for g in "${groups[@]}"; do
  case "$g" in
    peers) pkgs+=(universal-ctags cscope python3) ;;
    e2e) pkgs+=(chromium libkrb5-dev libxkbfile-dev libsecret-1-dev libx11-dev fonts-dejavu-core) ;;
    *) echo "ensure-system: unknown group $g" >&2; exit 2 ;;
  esac
done
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "[ensure-system] installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt_get update -qq >&2
apt_get install -y -qq --no-install-recommends "${missing[@]}" >&2
