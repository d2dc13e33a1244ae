#!/usr/bin/env bash
# The inner-loop SASS counts of the forward and NTK kernels (sm_90 cubin, nvcc on PATH, no GPU):
#   kernels/sass/count-all.sh [REV]
# REV (a git revision): also count that revision's kernels, for a before/after table. nvdisasm:
# NVDISASM, PATH or .tools/nvdisasm (kernels/sass/get-nvdisasm.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
count() {  # dir label
  for k in rg_forward_nd1 rg_forward_nd2 rg_forward_nd8; do
    printf '%-10s %-16s ' "$2" "$k"; python3 "$here/count.py" "$1/ensemble_forward.cu" --kernel "$k" | sed -n 2,3p | tr '\n' ' '; echo
  done
  for k in rg_ntk_vt8 rg_ntk_vt16; do
    printf '%-10s %-16s ' "$2" "$k"; python3 "$here/count.py" "$1/ensemble_ntk.cu" --kernel "$k" | sed -n 2,3p | tr '\n' ' '; echo
  done
}
echo "nvcc: $(nvcc --version | tail -1); nvdisasm: ${NVDISASM:-$(command -v nvdisasm || echo "$root/.tools/nvdisasm")}"
if [[ -n "${1:-}" ]]; then
  tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
  for f in philox.cuh activations.cuh ensemble_forward.cu ensemble_ntk.cu; do
    git -C "$root" show "$1:kernels/$f" > "$tmp/$f"
  done
  count "$tmp" "$(git -C "$root" rev-parse --short "$1")"
fi
count "$root/kernels" "worktree"
