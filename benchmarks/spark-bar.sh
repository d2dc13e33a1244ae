#!/usr/bin/env bash
# The Spark bar (issue 18, docs/SPARK.md): one ensemble, relu width 64 depth 8 with the NTK, run by
# `./rgflow sample` and by the Spark job with 1, 3 and 7 tasks in local[2] (and 7 with --merge driver),
# and with 3 tasks in
# local-cluster[2,1,1024]; every JSON number (all of the record but timing and notes) must be equal.
# Usage: benchmarks/spark-bar.sh [E]   (default 100000). Needs: mvn -B -f spark/pom.xml package -DskipTests
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
E=${1:-100000}
FLAGS=(--act relu --width 64 --depth 8 --ensemble "$E" --seed 0)
tmp=$(mktemp -d)
mvn -B -q -o -f spark/pom.xml dependency:build-classpath -Dmdep.outputFile="$tmp/cp.txt" \
  -Dmdep.includeScope=provided >/dev/null
CP=$PWD/spark/target/rgflow-spark.jar:$(cat "$tmp/cp.txt")
JFLAGS=$(sed -n 's:.*<spark.jvm.flags>\(.*\)</spark.jvm.flags>.*:\1:p' spark/pom.xml)
echo "commit $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (dirty)'); $(nproc) cores; $(uptime)"
echo "E=$E flags: ${FLAGS[*]}"
run() { # label, command...
  local label=$1; shift
  /usr/bin/time -f "$label: wall %e s, cpu %U+%S s, max rss %M kB" "$@" > "$tmp/$label.json" 2> "$tmp/$label.err" \
    || { tail -5 "$tmp/$label.err"; exit 1; }
  grep -h "wall .* s, cpu" "$tmp/$label.err"
}
run local ./rgflow sample "${FLAGS[@]}" --json
for T in 1 3 7; do
  run "local2-T$T" java $JFLAGS -cp "$CP" -Dspark.master='local[2]' -Dspark.ui.enabled=false \
    org.rgflow.spark.SparkMain sample --tasks "$T" "${FLAGS[@]}" --json
done
run "local2-T7-driver" java $JFLAGS -cp "$CP" -Dspark.master='local[2]' -Dspark.ui.enabled=false \
  org.rgflow.spark.SparkMain sample --tasks 7 --merge driver "${FLAGS[@]}" --json
mkdir -p "$tmp/spark-home"
run "cluster-T3" env SPARK_HOME="$tmp/spark-home" SPARK_SCALA_VERSION=2.13 SPARK_TESTING=1 SPARK_LOCAL_IP=127.0.0.1 \
  java $JFLAGS -cp "$CP" -Dspark.master='local-cluster[2,1,1024]' -Dspark.ui.enabled=false \
  -Dspark.testing=true -Dspark.test.home="$tmp/spark-home" -Dspark.executor.extraJavaOptions="$JFLAGS" \
  org.rgflow.spark.SparkMain sample --tasks 3 "${FLAGS[@]}" --json
python3 - "$tmp" <<'PY'
import json, sys, glob, os
d = sys.argv[1]
def numbers(f):
    j = json.load(open(f)); t = j.pop("timing"); notes = j.pop("notes")
    return json.dumps(j, sort_keys=True), t, notes
ref, t, _ = numbers(os.path.join(d, "local.json"))
print("local: sampler %s, %.1f s sampling" % (json.loads(ref)["spec"]["sampler"], t["seconds"]))
ok = True
for f in sorted(glob.glob(os.path.join(d, "*.json"))):
    name = os.path.basename(f)[:-5]
    if name == "local":
        continue
    got, t, notes = numbers(f)
    same = got == ref
    ok &= same
    spark = [n for n in notes if n.startswith("spark:")]
    print("%-10s identical=%s  %.1f s in the job  %s" % (name, same, t["seconds"], spark[0] if spark else ""))
print("ALL IDENTICAL" if ok else "MISMATCH")
sys.exit(0 if ok else 1)
PY
rm -rf "$tmp"
