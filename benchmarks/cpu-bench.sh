#!/usr/bin/env bash
# The CPU direct sampler against NumPy and PyTorch, side by side in one run on this machine (issue 17
# part 4): rgflow `sample --sampler direct --no-ntk` (SIMD rows, and the scalar rows with
# -Drgflow.simd=off), benchmarks/numpy_baseline.py and benchmarks/torch_cpu_baseline.py, all on one
# shape (relu at criticality, n0 8, width 256, depth 16, N_D 1, E 600: rgflow sample's defaults but for
# width, depth and E). The four run one after the other, interleaved (A B C D A B C D ...), so that a
# machine shared with other work slows them alike; every repeat is reported, and the ratios of the
# medians. Each run's CPU seconds (user + sys, /usr/bin/time) are reported beside its wall-clock rate:
# on a busy machine weights per CPU-second is the steadier figure.
# Writes the raw output to benchmarks/results/cpu-<date>-torch.txt (command, commit, machine).
#   benchmarks/cpu-bench.sh                 # 3 repeats
#   benchmarks/cpu-bench.sh --repeats 5 --ensemble 600 --width 256 --depth 16
#   benchmarks/cpu-bench.sh --jmh           # the older report: JMH CpuEnsembleBench + NumPy (cpu-<date>.txt)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repeats=3 ensemble=600 width=256 depth=16 jmh=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --repeats) repeats="$2"; shift 2 ;;
    --ensemble) ensemble="$2"; shift 2 ;;
    --width) width="$2"; shift 2 ;;
    --depth) depth="$2"; shift 2 ;;
    --jmh) jmh=1; shift ;;
    *) echo "usage: benchmarks/cpu-bench.sh [--repeats R] [--ensemble E] [--width N] [--depth L] [--jmh]" >&2; exit 2 ;;
  esac
done
mkdir -p benchmarks/results target/bench
header() {
  echo "# $1 — $(date -u +%FT%TZ)"
  echo "# commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' (+ uncommitted changes)')"
  echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem:/{print $2}') GiB; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# java: $(java -version 2>&1 | head -1)"
}

if [[ "$jmh" == 1 ]]; then
  out="benchmarks/results/cpu-$(date -u +%Y-%m-%d).txt"
  {
    header "rgflow CPU benchmark (JMH)"
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
  exit 0
fi

torch_py=/usr/bin/python3
if ! "$torch_py" -c 'import torch' 2>/dev/null; then
  echo "cpu-bench: /usr/bin/python3 has no torch (apt-get install python3-torch)" >&2
  exit 1
fi
./rgflow --version >/dev/null # build the jar first, untimed
out="benchmarks/results/cpu-$(date -u +%Y-%m-%d)-torch.txt"
shape="--act relu --width $width --depth $depth --ensemble $ensemble"
cmd_simd="./rgflow sample --sampler direct --no-ntk --backend cpu $shape"
cmd_scalar="RGFLOW_JAVA_OPTS=-Drgflow.simd=off $cmd_simd"
cmd_numpy="python3 benchmarks/numpy_baseline.py --n0 8 --width $width --depth $depth --nd 1 --ensemble $ensemble --repeats 1"
cmd_torch="/usr/bin/python3 benchmarks/torch_cpu_baseline.py --threads 2 --n0 8 --width $width --depth $depth --nd 1 --ensemble $ensemble --repeats 1"
raw="target/bench/cpu-torch-raw.txt"
: >"$raw"
run() { # name command: prints "<name> <weights/s> <cpu s> <wall s>" and keeps the raw output
  local name="$1" cmd="$2" log rate cpu
  log="$(mktemp)"
  /usr/bin/time -f "cpu %U %S wall %e" -o "$log.time" bash -c "$cmd" >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
  if [[ "$name" == rgflow* ]]; then
    rate="$(sed -n 's/^timing: .* \([0-9.e+]*\) weights\/s$/\1/p' "$log")"
  else
    rate="$(sed -n 's/^weights\/s *\([0-9.e+]*\)$/\1/p' "$log")"
  fi
  cpu="$(awk '/^cpu/{printf "%.2f %.2f", $2 + $3, $5}' "$log.time")"
  { echo "## $name: $cmd"; grep -E '^(timing|numpy|torch|networks|weights)' "$log"; echo "## $(cat "$log.time")"; } >>"$raw"
  echo "$name $rate $cpu"
  rm -f "$log" "$log.time"
}
{
  header "rgflow direct sampler vs NumPy and PyTorch (CPU)"
  echo "# commands (one repeat = the four, in this order):"
  echo "#   rgflow-simd:   $cmd_simd"
  echo "#   rgflow-scalar: $cmd_scalar"
  echo "#   numpy:         $cmd_numpy   ($(python3 -c 'import numpy; print("numpy", numpy.__version__)'))"
  echo "#   torch:         $cmd_torch   ($("$torch_py" -c 'import torch; print("torch", torch.__version__)'))"
  echo "# columns: name, weights/s (wall clock of the timed part), CPU seconds of the whole process, wall seconds"
  for ((r = 1; r <= repeats; r++)); do
    echo "# repeat $r"
    run rgflow-simd "$cmd_simd"
    run rgflow-scalar "$cmd_scalar"
    run numpy "$cmd_numpy"
    run torch "$cmd_torch"
  done
  echo "# load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$out.tmp"
python3 - "$out.tmp" "$ensemble" "$width" "$depth" <<'PY' | tee -a "$out.tmp"
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l[:1] not in "#" and len(l.split()) == 4]
e, n, depth = (int(v) for v in sys.argv[2:5])
weights = e * (n * 9 + (depth - 1) * n * (n + 1))  # n0 = 8: n(8 + 1) + (L-1) n(n + 1) per network
by = {}
for name, rate, cpu, wall in rows:
    by.setdefault(name, []).append((float(rate), float(cpu)))
med = {k: statistics.median(r for r, _ in v) for k, v in by.items()}
medcpu = {k: statistics.median(weights / c for _, c in v) for k, v in by.items()}
print("# summary: median over repeats (all repeats above)")
for k in by:
    print(f"{k:14s} weights/s {med[k]:.3g} (repeats {', '.join(f'{r:.3g}' for r, _ in by[k])});"
          f" weights per CPU-second of the whole process {medcpu[k]:.3g}")
for base in ("numpy", "torch"):
    for k in ("rgflow-simd", "rgflow-scalar"):
        per = [a / b for (a, _), (b, _) in zip(by[k], by[base])]
        print(f"ratio {k} / {base} = {med[k] / med[base]:.2f} (per repeat {', '.join(f'{p:.2f}' for p in per)});"
              f" per CPU-second {medcpu[k] / medcpu[base]:.2f}")
PY
{ cat "$out.tmp"; echo "# raw output of every run"; cat "$raw"; } >"$out"
rm -f "$out.tmp"
echo "wrote $out" >&2
