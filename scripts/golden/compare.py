#!/usr/bin/env python3
"""Compares two recordings of scripts/golden/record.sh, file by file.

Every measured number must be bit-identical; theory numbers (the book's predictions, and what is
derived from them: train's eta, kernel predictions, evidence) must agree to 1e-9 relative
(|a - b| <= 1e-9 * max(1, |a|, |b|)). Run times, versions, provenance and notes are not compared
(notes that differ are listed). A key the old recording has and the new one lacks is a failure;
keys only the new one has are listed (new observables are allowed).

  scripts/golden/compare.py OLD_DIR NEW_DIR      exit 0 when everything agrees, 1 otherwise
"""
import json
import math
import os
import re
import sys

SKIP = {"timing", "seconds", "networks_per_second", "weights_per_second", "rgflow_version",
        "provenance", "started", "git_commit", "host", "java"}
THEORY_KEYS = {"theory", "ntk", "nngp", "log_evidence", "eta", "evidence_vs_cw", "ntk_mean", "ntk_var",
               "ntk_mean_at_steps", "ntk_var_at_steps", "mean_converged", "var_converged"}
REL = 1e-9


class Diff:
    def __init__(self):
        self.errors = []
        self.added = []
        self.notes = []
        self.exact = 0
        self.theory = 0
        self.max_theory_rel = 0.0


def load(path):
    with open(path) as f:
        if path.endswith(".jsonl"):
            return [json.loads(line) for line in f if line.strip()]
        return json.load(f)


def walk(a, b, path, theory, d):
    if isinstance(a, dict):
        if not isinstance(b, dict):
            d.errors.append(f"{path}: object became {type(b).__name__}")
            return
        for k, v in a.items():
            if k in SKIP:
                continue
            p = f"{path}/{k}"
            if k == "notes":
                if v != b.get(k):
                    d.notes.append(p)
                continue
            if k not in b:
                d.errors.append(f"{p}: missing in the new recording")
                continue
            walk(v, b[k], p, theory or k in THEORY_KEYS, d)
        for k in b:
            if k not in a and k not in SKIP:
                d.added.append(f"{path}/{k}")
        return
    if isinstance(a, list):
        if not isinstance(b, list) or len(a) != len(b):
            d.errors.append(f"{path}: list of {len(a)} became {len(b) if isinstance(b, list) else type(b).__name__}")
            return
        for i, (x, y) in enumerate(zip(a, b)):
            walk(x, y, f"{path}[{i}]", theory, d)
        return
    if isinstance(a, bool) or not isinstance(a, (int, float)) or a is None:
        if a != b:
            d.errors.append(f"{path}: {a!r} became {b!r}")
        return
    if not isinstance(b, (int, float)) or isinstance(b, bool):
        d.errors.append(f"{path}: {a!r} became {b!r}")
        return
    if theory:
        d.theory += 1
        if a == b:
            return
        scale = max(1.0, abs(a), abs(b))
        rel = abs(a - b) / scale
        d.max_theory_rel = max(d.max_theory_rel, rel)
        if not rel <= REL:
            d.errors.append(f"{path}: theory {a!r} became {b!r} (relative {rel:.2e})")
    else:
        d.exact += 1
        if not (a == b or (isinstance(a, float) and math.isnan(a) and math.isnan(b))):
            d.errors.append(f"{path}: measured {a!r} became {b!r}")


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    old, new = argv[1], argv[2]
    failed = False
    names = sorted(f for f in os.listdir(old) if f.endswith((".json", ".jsonl")))
    if not names:
        print(f"no recordings in {old}", file=sys.stderr)
        return 2
    total_exact = total_theory = 0
    worst = 0.0
    for name in names:
        d = Diff()
        np = os.path.join(new, name)
        if not os.path.exists(np):
            print(f"FAIL {name}: missing in {new}")
            failed = True
            continue
        a, b = load(os.path.join(old, name)), load(np)
        top_theory = isinstance(a, dict) and a.get("command") in ("theory", "criticality")
        walk(a, b, "", top_theory, d)
        total_exact += d.exact
        total_theory += d.theory
        worst = max(worst, d.max_theory_rel)
        status = "FAIL" if d.errors else "ok  "
        failed |= bool(d.errors)
        print(f"{status} {name}: {d.exact} measured numbers identical, {d.theory} theory numbers"
              f" (max relative difference {d.max_theory_rel:.1e})"
              + (f", {len(d.added)} new keys" if d.added else "")
              + (f", notes differ at {len(d.notes)} places" if d.notes else ""))
        for e in d.errors[:10]:
            print(f"     {e}")
        if len(d.errors) > 10:
            print(f"     ... {len(d.errors) - 10} more")
        for k in sorted(set(re.sub(r'\[\d+\]', '[]', x) for x in d.added))[:6]:
            print(f"     new: {k}")
    print(f"{'FAILED' if failed else 'all agree'}: {len(names)} files, {total_exact} measured numbers,"
          f" {total_theory} theory numbers (max relative difference {worst:.1e})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
