#!/usr/bin/env bash
# Run HERE (the machine with a JDK and Maven), from anywhere: builds what the GPU machine needs into
# the git-ignored folder .carry/ (about 50 MB; copy it with the repository to the GPU machine):
#   .carry/rgflow.jar   the shaded jar (PTX kernels inside)
#   .carry/jre/         a jlink'd Java runtime (the GPU machine has no JDK)
# Then, on the GPU machine, from the repository root: bash benchmarks/gpu/run-on-device.sh (docs/CUDA.md).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
mvn -q -B -DskipTests package
rm -rf .carry && mkdir -p .carry
# The carried copy drops what a linux-x86_64 GPU machine never loads (Aparapi's Windows/macOS/ARM
# natives, JCuda's nvPTXCompiler binding): 40 MB -> ~10 MB. target/rgflow.jar itself is untouched.
python3 - target/rgflow.jar .carry/rgflow.jar <<'PY'
import re, sys, zipfile
drop = re.compile(r"^(win/|osx/|mac/|linux/.*(aarch64|armhf|ppc)|lib/libJNvPTXCompiler)")
with zipfile.ZipFile(sys.argv[1]) as src, zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED) as dst:
    for item in src.infolist():
        if not drop.match(item.filename):
            dst.writestr(item, src.read(item.filename))
PY
# Modules: jdeps reports what the whole shaded jar references (java.desktop and java.sql come from
# optional corners of Aparapi, picocli and Jackson); the paths run on the GPU machine (devices,
# CudaSelfCheck, CudaBench) need only the four below, and prepare.sh runs CudaSelfCheck with the
# trimmed runtime to prove it. Add a module here if a run there reports NoClassDefFoundError.
echo "jdeps (whole jar): $(jdeps --multi-release 17 --ignore-missing-deps --print-module-deps .carry/rgflow.jar 2>/dev/null || echo '?')"
mods=java.base,java.logging,jdk.unsupported,java.management
echo "jlink modules: $mods"
jlink --add-modules "$mods" --strip-debug --no-header-files --no-man-pages --compress=2 --output .carry/jre
git rev-parse HEAD > .carry/COMMIT
du -sh .carry/rgflow.jar .carry/jre .carry
total=$(du -sb .carry | cut -f1)
if (( total > 64 * 1024 * 1024 )); then
  echo "prepare.sh: .carry is $total bytes, over 64 MiB: check what the jar or the runtime gained" >&2
  exit 1
fi
# Smoke test of the trimmed runtime + jar (no GPU here: the self-check exits 2 = "no device").
.carry/jre/bin/java -jar .carry/rgflow.jar --help > /dev/null
.carry/jre/bin/java -cp .carry/rgflow.jar org.rgflow.cuda.CudaSelfCheck --quick || test $? -eq 2
echo "ready: .carry ($total bytes)"
