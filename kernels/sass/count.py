#!/usr/bin/env python3
"""Counts the SASS instructions of a kernel's hottest inner loop from the sm_90 cubin (no GPU needed).

  kernels/sass/count.py [--nvdisasm PATH] [--kernel rg_forward_nd2] [--list] [FILE.cu]

Compiles FILE.cu (default kernels/ensemble_forward.cu) with nvcc -cubin -arch=sm_90 (the flags of
kernels/build.sh), disassembles it with nvdisasm, finds in KERNEL the innermost loop (a backward
branch) holding the most Philox multiplies (IMAD.WIDE.U32/IMAD.HI.U32/UIMAD.* by 0xD2511F53), and
prints its instruction count per iteration and per weight (4 weights per Philox block).

Counted: every instruction between the loop's head label and its backward branch, both sides of
every data-dependent branch (a warp whose lanes disagree issues both), minus the slow paths
(regions of at most 64 instructions skipped by a branch and holding a CALL to a *slowpath*
routine, taken only for special inputs). Uniform-datapath instructions (U*) are counted too, and also reported apart.

nvdisasm: NVDISASM or --nvdisasm, else on PATH, else .tools/nvdisasm (kernels/sass/get-nvdisasm.sh
fetches Debian's CUDA 11.8 nvdisasm). An older nvdisasm does not know CUDA 13's ELF header (ABI
version 8); the cubin's header is then rewritten to the ABI 7 form (EI_OSABI 0x33, EI_ABIVERSION 7,
e_flags EF_CUDA_SM90 | VIRTUAL_SM90 | 64-bit | unified texmode = 0x5a055a). The instruction stream
is untouched, and sm_90's encoding has not changed since CUDA 11.8.
"""
import argparse
import collections
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
KERNELS = os.path.dirname(HERE)
ROOT = os.path.dirname(KERNELS)
PHILOX_M0 = ("-0x2daee0ad", "0xd2511f53")  # 0xD2511F53 as SASS prints it (signed immediate)
INSTR = re.compile(r"^\s+/\*([0-9a-f]{4,})\*/\s+(@!?U?P[0-9T]\s+)?([A-Z][A-Z0-9_.]*)\s*(.*?)\s*;")
LABEL = re.compile(r"^(\.L_x_\d+):")


def find_nvdisasm(explicit):
    for c in [explicit, os.environ.get("NVDISASM"), shutil.which("nvdisasm"),
              os.path.join(ROOT, ".tools", "nvdisasm")]:
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    sys.exit("count.py: no nvdisasm (set NVDISASM, or run kernels/sass/get-nvdisasm.sh)")


def text_sections(cubin):
    """{section name: bytes} of an ELF64 cubin (to show the raw words nvdisasm leaves blank)."""
    data = open(cubin, "rb").read()
    shoff = struct.unpack_from("<Q", data, 0x28)[0]
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    secs = [struct.unpack_from("<IIQQQQ", data, shoff + i * shentsize) for i in range(shnum)]
    stro = secs[shstrndx][4]
    out = {}
    for name, _typ, _flags, _addr, off, size in secs:
        n = data[stro + name:data.index(b"\0", stro + name)].decode()
        if n.startswith(".text."):
            out[n[len(".text."):]] = data[off:off + size]
    return out


RAW = {}
CURRENT = b""


def disassemble(cu, nvdisasm, tmp):
    cubin = os.path.join(tmp, "k.cubin")
    subprocess.run(["nvcc", "-cubin", "-arch=sm_90", "-std=c++17", "-I" + KERNELS, "-o", cubin, cu],
                   check=True)
    r = subprocess.run([nvdisasm, "-c", "-hex", cubin], capture_output=True, text=True)
    if r.returncode != 0 and "architecture information" in r.stderr:
        b = bytearray(open(cubin, "rb").read())
        b[7], b[8] = 0x33, 7
        struct.pack_into("<I", b, 48, 0x5A055A)
        open(cubin, "wb").write(b)
        r = subprocess.run([nvdisasm, "-c", "-hex", cubin], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("nvdisasm failed: " + r.stderr)
    RAW.update(text_sections(cubin))
    return r.stdout


def function(sass, kernel):
    global CURRENT
    CURRENT = RAW.get(kernel, b"")
    lines = sass.splitlines()
    start = next((i for i, l in enumerate(lines) if l.startswith("." + "text." + kernel + ":")), None)
    if start is None:
        sys.exit("no function " + kernel)
    body = []
    for l in lines[start + 1:]:
        if l.startswith("//----") or l.startswith("\t.section"):
            break
        body.append(l)
    items = []  # (kind, addr or label, opcode, operands, text, encoding)
    for l in body:
        m = LABEL.match(l)
        if m:
            items.append(("label", m.group(1), "", "", l, 0))
            continue
        m = INSTR.match(l)
        if m:
            h = re.search(r"/\* (0x[0-9a-f]{16}) \*/\s*$", l)
            text = re.sub(r"\s*/\* 0x[0-9a-f]{16} \*/\s*$", "", l).strip()
            items.append(("instr", int(m.group(1), 16), m.group(3), m.group(4), text,
                          int(h.group(1), 16) if h else 0))
    return resolve_labels(fill_gaps(items))


def fill_gaps(items):
    """nvdisasm 11.8 prints nothing for a few instructions it cannot decode in CUDA 13 code (blank
    lines): keep one placeholder per missing 16-byte slot, so they are counted (as "UNDECODED")."""
    out = []
    prev = None
    for it in items:
        if it[0] == "instr":
            if prev is not None:
                for a in range(prev + 16, it[1], 16):
                    lo, hi = struct.unpack_from("<QQ", CURRENT, a) if a + 16 <= len(CURRENT) else (0, 0)
                    out.append(("instr", a, "UNDECODED", "", "/*%04x*/ not decoded by this nvdisasm:"
                                " opcode 0x%03x, words %016x %016x" % (a, lo & 0xFFF, lo, hi), lo))
            prev = it[1]
        out.append(it)
    return out


def branch_offset(enc):
    """A relative branch's byte offset from the next instruction, from the first 64 bits of its
    sm_90 encoding (calibrated on, and checked against, every branch whose label nvdisasm prints)."""
    hi = (enc >> 32) & 0xFFFFFFFF
    hi = hi - (1 << 32) if hi >> 31 else hi
    return hi * 256 + ((enc >> 16) & 0xFF) * 4


def resolve_labels(items):
    """Places branch-target labels by the branches' encodings. nvdisasm 11.8 omits some labels in
    CUDA 13 code, and prints others on the wrong side of the blank lines of instructions it cannot
    decode; the encoding's address must then differ from the printed one by undecoded slots only."""
    addr_of_next = {}
    pending = []
    for it in items:
        if it[0] == "label":
            pending.append(it[1])
        else:
            for p in pending:
                addr_of_next[p] = it[1]
            pending = []
    kind = {it[1]: it[2] for it in items if it[0] == "instr"}
    at = {}
    for it in items:
        # plain relative branches only (BRA.DIV and friends encode a register there)
        if it[0] == "instr" and it[2] == "BRA" and re.match(r"(!?U?P[0-9T], )?`", it[3]):
            t = target(it[3])
            a = it[1] + 16 + branch_offset(it[5])
            if t in addr_of_next and a != addr_of_next[t]:
                lo, hi = min(a, addr_of_next[t]), max(a, addr_of_next[t])
                if not all(kind.get(x) == "UNDECODED" for x in range(lo, hi, 16)):
                    sys.exit("count.py: branch encoding not understood at %x" % it[1])
            if t:
                at[t] = a
    out = []
    placed = set()
    for it in items:
        if it[0] == "label" and it[1] in at:
            continue  # placed by address below
        if it[0] == "instr":
            for name, a in at.items():
                if a == it[1] and name not in placed:
                    out.append(("label", name, "", "", "(label placed by the branch encoding)", 0))
                    placed.add(name)
        out.append(it)
    return out


def target(operands):
    m = re.search(r"`\((\.L_x_\d+)\)", operands)
    return m.group(1) if m else None


def loops(items):
    where = {it[1]: i for i, it in enumerate(items) if it[0] == "label"}
    out = []
    for i, it in enumerate(items):
        if it[0] == "instr" and it[2].startswith("BRA"):
            t = target(it[3])
            if t in where and where[t] < i:
                out.append((where[t], i))
    return out, where


def philox(items, a, b):
    return sum(1 for it in items[a:b + 1] if it[0] == "instr" and "IMAD" in it[2]
               and any(c in it[3].lower() for c in PHILOX_M0))


def slow_paths(items, a, b, where):
    """Indices inside [a, b] that belong to slow-path regions (skipped by a branch, with a slowpath CALL)."""
    slow = set()
    for i in range(a, b + 1):
        it = items[i]
        if it[0] == "instr" and it[2].startswith("BRA") and i < b:
            t = target(it[3])
            j = where.get(t)
            if j is not None and i < j <= b:
                region = range(i + 1, j)
                if len(region) <= 64 and any(items[k][0] == "instr" and items[k][2].startswith("CALL")
                       and "slowpath" in items[k][3] for k in region):
                    slow.update(region)
    return slow


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cu", nargs="?", default=os.path.join(KERNELS, "ensemble_forward.cu"))
    ap.add_argument("--kernel", default="rg_forward_nd2")
    ap.add_argument("--nvdisasm")
    ap.add_argument("--list", action="store_true", help="print the counted instructions")
    a = ap.parse_args()
    nvd = find_nvdisasm(a.nvdisasm)
    with tempfile.TemporaryDirectory() as tmp:
        sass = disassemble(a.cu, nvd, tmp)
    items = function(sass, a.kernel)
    ls, where = loops(items)
    cands = [(philox(items, s, e), -(e - s), s, e) for s, e in ls]
    cands = [c for c in cands if c[0] >= 5]
    if not cands:
        sys.exit("no loop with Philox multiplies in " + a.kernel)
    # innermost loops (no other Philox loop inside), then the one with the most Philox blocks
    inner = [c for c in cands if not any(o is not c and c[2] <= o[2] and o[3] <= c[3] for o in cands)]
    best = max(inner)
    _, _, s, e = best
    slow = slow_paths(items, s, e, where)
    counted = [it for k, it in enumerate(items[s:e + 1], s) if it[0] == "instr" and k not in slow]
    blocks = max(1, round(philox(items, s, e) / 10.0))  # a multiply may be strength-reduced away
    weights = 4 * blocks
    ops = collections.Counter(it[2].split(".")[0] for it in counted)
    uniform = sum(v for k, v in ops.items() if k.startswith("U") and k != "UNDECODED")
    nslow = sum(1 for k in slow if items[k][0] == "instr")
    print(f"kernel {a.kernel} ({os.path.relpath(a.cu, ROOT)}), sm_90, nvdisasm {os.path.basename(nvd)}")
    print(f"inner loop {items[s][1]}: {len(counted)} instructions per iteration ({uniform} uniform-datapath),"
          f" {nslow} more in slow paths (not counted); {blocks} Philox block(s) = {weights:g} weights per iteration")
    undecoded = ops.get("UNDECODED", 0)
    print(f"instructions per weight: {len(counted) / weights:.1f}"
          + (f" ({undecoded} not decoded by this nvdisasm, counted)" if undecoded else ""))
    print("by opcode: " + ", ".join(f"{k} {v}" for k, v in ops.most_common()))
    if a.list:
        for it in counted:
            print("   " + it[4])


if __name__ == "__main__":
    main()
