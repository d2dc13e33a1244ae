#!/usr/bin/env bash
# The CPU reference's benchmark report: JMH (forward only and forward + NTK, width 512, depth 16,
# N_D = 2) and the NumPy baseline, side by side in one run on this machine. Writes the raw output to
# benchmarks/results/cpu-<date>.txt (machine, command, numbers) and prints the ratio.
#   benchmarks/cpu-bench.sh            # JMH 2 warm-up + 3 measured iterations of 5 s each
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out="benchmarks/results/cpu-$(date -u +%Y-%m-%d).txt"
mkdir -p benchmarks/results
{
  echo "# rgflow CPU benchmark — $(date -u +%FT%TZ)"
  echo "# commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB"
  echo "# java: $(java -version 2>&1 | head -1)"
  echo "# command: benchmarks/run-jmh.sh CpuEnsembleBench -f 1 -wi 2 -i 3"
  benchmarks/run-jmh.sh CpuEnsembleBench -f 1 -wi 2 -i 3 -rf json -rff target/bench/jmh-result.json 2>&1 \
    | grep -vE '^# (Warmup Iteration|Iteration)' | grep -E 'Benchmark|CpuEnsembleBench|weights|^#' || true
  echo "# command: python3 benchmarks/numpy_baseline.py --repeats 3"
  python3 benchmarks/numpy_baseline.py --repeats 3
} | tee "$out"
python3 - "$out" <<'PY'
import json, re, sys
res = json.load(open("target/bench/jmh-result.json"))
rates = {r["benchmark"].split(".")[-1]: r["secondaryMetrics"]["weights"]["score"] for r in res}
numpy = float(re.search(r"weights/s\s+([0-9.eE+]+)", open(sys.argv[1]).read()).group(1))
lines = [f"ratio {k} / numpy = {v / numpy:.2f}  ({v:.3g} vs {numpy:.3g} weights/s)" for k, v in rates.items()]
with open(sys.argv[1], "a") as f:
    f.write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
