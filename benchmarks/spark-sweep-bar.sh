#!/usr/bin/env bash
# The Spark sweep bar (issue 18, docs/SPARK.md): a 20-point sweep run by `./rgflow sweep` and by the
# Spark sweep job (local[2], 2 lanes); results.csv must be equal byte for byte, and a --resume of the
# Spark sweep must run nothing. Usage: benchmarks/spark-sweep-bar.sh [E per point] (default 2000).
# Needs: mvn -B -f spark/pom.xml package -DskipTests
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
E=${1:-2000}
tmp=$(mktemp -d)
mvn -B -q -o -f spark/pom.xml dependency:build-classpath -Dmdep.outputFile="$tmp/cp.txt" \
  -Dmdep.includeScope=provided >/dev/null
CP=$PWD/spark/target/rgflow-spark.jar:$(cat "$tmp/cp.txt")
JFLAGS=$(sed -n 's:.*<spark.jvm.flags>\(.*\)</spark.jvm.flags>.*:\1:p' spark/pom.xml)
cat > "$tmp/bar20.yaml" <<YAML
name: bar20
base: {depth: 6, ensemble: $E, backend: cpu, inputs: 'norms=1,1;angles=0.5'}
grid: {width: [16, 32], seed: [1, 2, 3, 4, 5]}
points: [{act: relu, cw: 2}, {act: tanh, cw: 1}]
YAML
echo "commit $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (dirty)'); $(nproc) cores; $(uptime)"
cat "$tmp/bar20.yaml"
/usr/bin/time -f "local sweep: wall %e s, cpu %U+%S s" ./rgflow sweep "$tmp/bar20.yaml" --out "$tmp/local" --no-progress 2>&1 | tail -3
/usr/bin/time -f "spark sweep: wall %e s, cpu %U+%S s" java $JFLAGS -cp "$CP" -Dspark.master='local[2]' \
  -Dspark.ui.enabled=false org.rgflow.spark.SparkMain sweep "$tmp/bar20.yaml" --out "$tmp/spark" --lanes 2 \
  2> >(grep -v " INFO \|^done " >&2) | tail -2
java $JFLAGS -cp "$CP" -Dspark.master='local[2]' -Dspark.ui.enabled=false org.rgflow.spark.SparkMain \
  sweep --resume --out "$tmp/spark" 2>/dev/null | head -1
echo "points: $(ls "$tmp/local/points" | wc -l) local, $(ls "$tmp/spark/points" | wc -l) spark; results.csv rows: $(wc -l < "$tmp/local/results.csv")"
if cmp "$tmp/local/results.csv" "$tmp/spark/results.csv"; then echo "results.csv IDENTICAL"; else echo "results.csv DIFFER"; exit 1; fi
python3 - "$tmp" <<'PY'
import json, os, sys
d = sys.argv[1]
same = 0
names = sorted(os.listdir(os.path.join(d, "local", "points")))
for n in names:
    a = json.load(open(os.path.join(d, "local", "points", n)))
    b = json.load(open(os.path.join(d, "spark", "points", n)))
    for r in (a, b):
        r.pop("provenance"); r["result"].pop("timing"); r["result"].pop("notes")
    same += a == b
print("point files equal apart from provenance, timing and notes: %d of %d" % (same, len(names)))
PY
rm -rf "$tmp"
