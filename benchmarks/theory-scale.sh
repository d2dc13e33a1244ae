#!/usr/bin/env bash
# Times `rgflow theory` on many inputs (issue 17 part 1), one case per line, for one or more jars side
# by side (e.g. main's and this branch's). Inputs: N Gaussian vectors in 64 dimensions (fixed seeds,
# written by this script). Each line: jar label, case, wall seconds, CPU seconds (user+sys).
#   benchmarks/theory-scale.sh LABEL=JAR [LABEL=JAR ...] -- CASE...
# CASE is NAME:N:DEPTH:ACT[:kernels]; e.g. relu16:16:5:relu  k512:512:3:relu:kernels
set -euo pipefail
jars=()
while [[ $# -gt 0 && "$1" != "--" ]]; do jars+=("$1"); shift; done
shift || true
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)"
for c in "$@"; do
  IFS=: read -r name n depth act extra <<<"$c"
  csv="$dir/in$n.csv"
  [[ -f "$csv" ]] || python3 -c "
import random
r=random.Random($n)
with open('$csv','w') as f:
  for a in range($n): f.write(','.join('%.6f'%r.gauss(0,1) for j in range(64))+'\n')"
  flags=(theory --inputs "$csv" --depth "$depth" --width 32 --act "$act" --json)
  [[ "$act" == tanh ]] && flags+=(--cw 1)
  [[ "${extra:-}" == kernels ]] && flags+=(--kernels-only)
  for j in "${jars[@]}"; do
    label="${j%%=*}"; jar="${j#*=}"
    if [[ "${extra:-}" == kernels && "$label" == main* ]]; then echo "$label $name: no --kernels-only on main"; continue; fi
    /usr/bin/time -f "%e %U %S" -o "$dir/t" java -jar "$jar" "${flags[@]}" >"$dir/out.json"
    read -r wall user sys <"$dir/t"
    printf '%-10s %-10s N=%-4s depth=%-3s %-5s %-8s wall %8.2f s  cpu %8.2f s\n' "$label" "$name" "$n" "$depth" "$act" "${extra:-full}" "$wall" "$(echo "$user + $sys" | bc)"
  done
done
