#!/usr/bin/env bash
# Builds the JMH benchmarks (Maven profile `bench`, into target/bench) and runs them.
#   benchmarks/run-jmh.sh                          # everything, results in target/bench/jmh-result.json
#   benchmarks/run-jmh.sh CpuEnsembleBench.forward -p width=256 -wi 1 -i 2
# Arguments are JMH's own (java -jar jmh.jar -h lists them).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mvn -q -B -Pbench -DskipTests compile dependency:build-classpath \
  -Dmdep.outputFile=target/bench/classpath.txt -Dmdep.includeScope=runtime
cp="target/bench/classes:$(cat target/bench/classpath.txt)"
if [[ $# -eq 0 ]]; then
  set -- CpuEnsembleBench -rf json -rff target/bench/jmh-result.json
fi
exec java -cp "$cp" org.openjdk.jmh.Main "$@"
