#!/usr/bin/env bash
# Records the JSON of every command in commands.txt into DIR (default: target/golden), one file each,
# with the jar as it is now. Compare two recordings with compare.py. Used to show that a refactoring
# changed no number: record before, record after, compare.
#   scripts/golden/record.sh DIR
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:-$root/target/golden}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
"$root/rgflow" --version >/dev/null
while IFS=$'\t' read -r name args; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  read -r -a argv <<<"$args"
  echo "== $name: rgflow ${argv[*]}" >&2
  if [[ "${argv[0]}" == sweep ]]; then
    dir="$(mktemp -d)"
    "$root/rgflow" "${argv[@]}" --out "$dir/s" >/dev/null
    cp "$dir/s/results.jsonl" "$out/$name.jsonl"
    rm -rf "$dir"
  else
    "$root/rgflow" "${argv[@]}" --json >"$out/$name.json"
  fi
done <"$root/scripts/golden/commands.txt"
echo "recorded into $out" >&2
