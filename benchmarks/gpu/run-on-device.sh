#!/usr/bin/env bash
# Run ON the GPU machine from the repository root, after benchmarks/gpu/prepare.sh here:
#   device tool: run(command="bash benchmarks/gpu/run-on-device.sh", carry=[".carry"])
# Prints the environment, the devices command, the CUDA-vs-CPU self-check (the gpu-tagged
# CudaContractTest's checks, no Maven needed), our benchmark, then the PyTorch baseline; raw output
# goes under $OUT (the device tool brings it back). A short table is printed last.
set -uo pipefail
OUT=${OUT:-$PWD/gpu-out}
mkdir -p "$OUT"
J=.carry/jre/bin/java
JAR=.carry/rgflow.jar
log() { echo; echo "=== $*"; }
{
  log "commit"; cat .carry/COMMIT 2>/dev/null || git rev-parse HEAD
  log "nvidia-smi"; nvidia-smi || true
  log "driver"; nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv || true
  cat /proc/driver/nvidia/version 2>/dev/null || true
  log "libraries"; ldconfig -p | grep -E 'cublas|nvrtc|libcuda' || echo "(none found by ldconfig)"
  log "java"; $J -version 2>&1
} 2>&1 | tee "$OUT/env.txt"
log "devices command" | tee "$OUT/devices.txt"
$J -jar $JAR devices 2>&1 | tee -a "$OUT/devices.txt" || echo "(devices command failed or absent on this branch)" | tee -a "$OUT/devices.txt"
log "CudaSelfCheck (CUDA vs CPU reference, network by network)" | tee "$OUT/selfcheck.txt"
timeout 420 $J -Xmx8g -cp $JAR org.rgflow.cuda.CudaSelfCheck 2>&1 | tee -a "$OUT/selfcheck.txt"
echo "selfcheck exit ${PIPESTATUS[0]}" | tee -a "$OUT/selfcheck.txt"
log "CudaBench E=4096 n=1024 L=32 N_D=2" | tee "$OUT/bench.txt"
timeout 600 $J -Xmx8g -cp $JAR org.rgflow.cuda.CudaBench "$OUT" 4096 1024 32 5 2>&1 | tee -a "$OUT/bench.txt"
log "PyTorch baseline (same E, n, L, N_D, same statistics)" | tee "$OUT/torch.txt"
timeout 600 python3 benchmarks/gpu/torch_baseline.py --out "$OUT" 2>&1 | tee -a "$OUT/torch.txt"
log "summary"
grep -E "^(PASS|FAIL|SKIP)" "$OUT/selfcheck.txt" | tail -3
cat "$OUT/cuda_bench_summary.txt" 2>/dev/null
cat "$OUT/torch_summary.txt" 2>/dev/null
