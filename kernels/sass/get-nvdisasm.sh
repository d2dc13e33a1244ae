#!/usr/bin/env bash
# Fetches nvdisasm (no GPU needed) into .tools/ for kernels/sass/count.py: Debian bookworm's
# nvidia-cuda-toolkit (non-free, CUDA 11.8) — only that .deb is downloaded and unpacked, nothing is
# installed. Adds Debian's contrib/non-free components to apt's sources (a separate file) if absent.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$root/.tools"
if [[ -x "$root/.tools/nvdisasm" ]]; then echo "$root/.tools/nvdisasm"; exit 0; fi
if ! apt-cache policy nvidia-cuda-toolkit 2>/dev/null | grep -q 'Candidate: [0-9]'; then
  cat > /etc/apt/sources.list.d/rgflow-nonfree.sources <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: contrib non-free
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  apt-get update -q >/dev/null
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && apt-get download -q nvidia-cuda-toolkit >/dev/null 2>&1 && dpkg -x nvidia-cuda-toolkit_*.deb x)
cp "$tmp/x/usr/bin/nvdisasm" "$root/.tools/nvdisasm"
echo "$root/.tools/nvdisasm"
