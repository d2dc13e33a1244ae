#!/usr/bin/env bash
# The GPU checks, on a machine with an NVIDIA GPU (driver >= 580) and no JDK or Maven needed:
#   1. here, on a machine with a JDK 17 and Maven:  benchmarks/gpu/prepare.sh   (builds .carry/)
#   2. copy the repository (with .carry/) to the GPU machine, and there, from its root:
#        bash benchmarks/gpu/run-on-device.sh [OUT_DIR]        (default OUT_DIR: gpu-out)
# Steps, each under its own time limit, 8 minutes at most in all:
#   environment (nvidia-smi, driver, libraries), `rgflow devices`,
#   the self-check (CUDA against the CPU reference, network by network: the checks of the
#   gpu-tagged CudaContractTest, without Maven), the batched GEMM's self-check, the PyTorch baseline (same E, n, L, N_D and the
#   same statistics), our benchmark variants (forward, forward+ntk16, forward+ntk8), then 10^6
#   networks of width 4096 through `rgflow sample` with the device memory in use sampled.
# OUT_DIR gets five files: log.txt (everything printed), env.txt, cuda_bench.tsv,
# cuda_bench_summary.txt and torch_summary.txt. A short summary is printed last.
# A JDK 17 on the GPU machine can replace the carried runtime: RG_JAVA=java RG_JAR=target/rgflow.jar.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
OUT=${1:-${OUT:-$root/gpu-out}}
mkdir -p "$OUT"
J=${RG_JAVA:-.carry/jre/bin/java}
JAR=${RG_JAR:-.carry/rgflow.jar}
# Scratch inside the working copy: the CUDA driver's PTX cache and the JVM's temporary folder (where
# JCuda unpacks its native libraries) must be writable, and the home folder may not be.
work=$root/target/gpu-work
mkdir -p "$work/tmp" "$work/nv-cache"
export CUDA_CACHE_PATH=$work/nv-cache
for d in /usr/local/nvidia/lib64 /usr/local/cuda/lib64; do
  [[ -d $d ]] && export LD_LIBRARY_PATH=$d${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
done
JVM=("$J" -Xmx8g -Djava.io.tmpdir="$work/tmp")
LOG=$OUT/log.txt
: > "$LOG"
log() { printf '\n=== %s\n' "$*" | tee -a "$LOG"; }
# step SECONDS TITLE COMMAND...: runs one step under its own limit, its output into the log.
step() {
  local limit=$1 title=$2; shift 2
  log "$title (limit ${limit}s)"
  local t0=$SECONDS
  timeout "$limit" "$@" 2>&1 | tee -a "$LOG"
  local rc=${PIPESTATUS[0]}
  last_rc=$rc
  echo "--- exit $rc after $((SECONDS - t0)) s$([[ $rc == 124 ]] && echo ' (time limit)')" | tee -a "$LOG"
  return 0
}
if [[ ! -x $J || ! -f $JAR ]]; then
  echo "run-on-device.sh: $J or $JAR missing: run benchmarks/gpu/prepare.sh first" | tee -a "$LOG"
  exit 2
fi
{
  echo "commit: $(cat .carry/COMMIT 2>/dev/null || git rev-parse HEAD 2>/dev/null || echo '?')"
  echo "date: $(date -u +%FT%TZ)"
  echo "host: $(uname -srm); $(nproc) cores"
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv 2>&1 || true
  cat /proc/driver/nvidia/version 2>/dev/null || true
  echo "LD_LIBRARY_PATH=${LD_LIBRARY_PATH:-}"
  echo "libraries:"; ldconfig -p 2>/dev/null | grep -E 'libcuda\.|cublas|nvrtc' || echo "  (none found by ldconfig)"
  for d in /usr/local/nvidia/lib64 /usr/local/cuda/lib64; do ls "$d" 2>/dev/null | grep -E 'libcuda\.|cublas' | sed "s|^|  $d/|"; done
  "$J" -version 2>&1
  python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, torch.cuda.get_device_name(0) if torch.cuda.is_available() else "no GPU")' 2>&1 | tail -1
} > "$OUT/env.txt" 2>&1
log "environment"; cat "$OUT/env.txt" | tee -a "$LOG"
nvidia-smi 2>&1 | tee -a "$LOG" > /dev/null || true
step 20 "rgflow devices" "${JVM[@]}" -jar "$JAR" devices
step 120 "self-check: CUDA against the CPU reference, network by network" \
  "${JVM[@]}" -cp "$JAR" org.rgflow.cuda.CudaSelfCheck
selfcheck_rc=$last_rc
step 30 "GEMM self-check: cuBLAS (where it loads) and our rg_sgemm_batched against a CPU GEMM" \
  "${JVM[@]}" -cp "$JAR" org.rgflow.cuda.BatchedGemm
step 60 "PyTorch baseline, E=4096 n=1024 L=32 N_D=2" \
  env PYTHONUNBUFFERED=1 python3 benchmarks/gpu/torch_baseline.py --out "$OUT"
step 45 "benchmark: forward, E=4096 n=1024 L=32 N_D=2" \
  "${JVM[@]}" -cp "$JAR" org.rgflow.cuda.CudaBench "$OUT" 4096 1024 32 5 forward
cp "$OUT/cuda_bench_summary.txt" "$work/forward_summary.txt" 2>/dev/null
cp "$OUT/cuda_bench.tsv" "$work/forward.tsv" 2>/dev/null
step 105 "benchmark: forward+ntk16 and forward+ntk8, same shape" \
  "${JVM[@]}" -cp "$JAR" org.rgflow.cuda.CudaBench "$OUT" 4096 1024 32 5 forward+ntk16,forward+ntk8
# One summary and one table for both benchmark runs (the second run rewrote them).
if [[ -f $work/forward_summary.txt ]]; then
  { cat "$work/forward_summary.txt"; echo; cat "$OUT/cuda_bench_summary.txt" 2>/dev/null; } \
    > "$work/summary.txt" && mv "$work/summary.txt" "$OUT/cuda_bench_summary.txt"
  { cat "$work/forward.tsv"; tail -n +2 "$OUT/cuda_bench.tsv" 2>/dev/null; } > "$work/all.tsv" \
    && mv "$work/all.tsv" "$OUT/cuda_bench.tsv"
fi
# The trainer (CudaTrainer, kernels/train.cu; never run on a GPU when added): checked against CpuTrainer
# first, then timed with a CpuTrainer baseline interleaved in the same process.
step 150 "trainer: E=1024 n=512 L=3 T=100 N_A=8 (CudaTrainBench, CpuTrainer on 64 networks beside it)" \
  "${JVM[@]}" -cp "$JAR" org.rgflow.cuda.CudaTrainBench "$OUT" 1024 512 3 100 8 3 64
step 90 "PyTorch trainer baseline (bmm + autograd, float64), the same shape" \
  env PYTHONUNBUFFERED=1 python3 benchmarks/gpu/torch_train_baseline.py --out "$OUT" --E 1024 --n 512 --L 3 --T 100 --na 8
# 10^6 networks of width 4096 through the CLI: launches sized from free device memory, so the memory
# in use stays bounded whatever E is; nvidia-smi samples it twice a second meanwhile.
nvidia-smi --query-gpu=memory.used,memory.total --format=csv,noheader,nounits -lms 500 \
  > "$work/memory.csv" 2>/dev/null &
smi=$!
step 100 "E=10^6 networks of width 4096 (depth 2, forward only, N_D=1), bounded device memory" \
  "${JVM[@]}" -jar "$JAR" sample --backend cuda --sampler direct --width 4096 --depth 2 \
  --ensemble 1000000 --no-ntk --no-progress
kill "$smi" 2>/dev/null; wait "$smi" 2>/dev/null
if [[ -s $work/memory.csv ]]; then
  awk -F', *' '{ if ($1 > m) m = $1; t = $2 } END { printf "device memory in use during E=10^6: at most %d of %d MiB (%d samples)\n", m, t, NR }' \
    "$work/memory.csv" | tee -a "$LOG"
fi
log "summary"
{
  grep -E '^(PASS|FAIL|SKIP)' "$LOG" | tail -3
  cat "$OUT/cuda_bench_summary.txt" 2>/dev/null
  cat "$OUT/torch_summary.txt" 2>/dev/null
  cat "$OUT/torch_train_summary.txt" 2>/dev/null
} | tee -a "$LOG"
# The exit status is the self-check's: 0 all passed, 1 a check failed, 2 no usable device.
exit "$selfcheck_rc"
