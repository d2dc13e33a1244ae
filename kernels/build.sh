#!/usr/bin/env bash
# Compiles every kernels/*.cu to PTX under src/main/resources/kernels/ (shipped in the jar, so users
# need no nvcc). PTX targets compute_75 so one file runs on Turing..Hopper; nvcc 13 writes PTX ISA
# 9.0, which needs a driver >= 580 (older drivers: the host compiles the shipped .cu with NVRTC).
#   kernels/build.sh          regenerate the PTX
#   kernels/build.sh --check  compile every .cu and fail if the committed PTX is stale (CI;
#                             CudaResourcesTest runs it)
# The .cu/.cuh sources themselves go into the jar straight from kernels/ (pom.xml <resources>), for
# the NVRTC fallback on drivers older than 580.
#   RG_RESOURCES=file kernels/build.sh   also append the sm_90 ptxas resource report to file
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../src/main/resources/kernels"
mkdir -p "$out"
command -v nvcc >/dev/null || { echo "kernels/build.sh: nvcc not found" >&2; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
status=0
for cu in "$here"/*.cu; do
  name=$(basename "$cu" .cu)
  nvcc -ptx -arch=compute_75 -std=c++17 -I"$here" -o "$tmp/$name.ptx" "$cu"
  # Hopper machine code too, to catch register/resource problems at build time (not shipped).
  # -Xptxas -v prints registers, stack frame and spills per entry (copied into docs/CUDA.md).
  nvcc -cubin -arch=sm_90 -std=c++17 -I"$here" -Xptxas -v,-warn-spills -o "$tmp/$name.cubin" "$cu" \
    2> "$tmp/$name.ptxas.txt" || { cat "$tmp/$name.ptxas.txt" >&2; exit 1; }
  if [[ -n "${RG_RESOURCES:-}" ]]; then cat "$tmp/$name.ptxas.txt" >> "$RG_RESOURCES"; fi
  if [[ "${1:-}" == "--check" ]]; then
    if ! cmp -s "$tmp/$name.ptx" "$out/$name.ptx"; then
      echo "kernels/build.sh: $out/$name.ptx is stale; run kernels/build.sh" >&2
      status=1
    fi
  else
    cp "$tmp/$name.ptx" "$out/$name.ptx"
  fi
  echo "compiled $name.cu"
done
exit $status
