#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Report of tests/bench/linux/breakdown: instructions per operation by place.

  breakdown.py <dir> <hypervisor symbols (nm-able) or ""> <hv>...

Reads <dir>/<hv>.jsonl (breakdown_gdb.py's samples) and <dir>/<hv>.syms
(the guest kernel's text symbols). Each stepped address counts as:
  hypervisor  0xffff800000000000-0xffff87ffffffffff, Xen's and Xenia's slots
  guest PV    kernel code named for Xen or paravirt (xen_*, *paravirt*,
              hypercall_page): what the kernel runs only because it is PV
  kernel      the rest of the kernel
  user        below 0x800000000000
Per operation the smallest sample is shown, then its busiest functions: an
interrupt (a timer tick) only ever adds to a sample, and the operations
themselves repeat exactly under -icount.
"""
import bisect
import collections
import json
import os
import re
import subprocess
import sys

HV_LO, HV_HI = 0xFFFF800000000000, 0xFFFF880000000000
PV_NAME = re.compile(r"xen|paravirt|hypercall_page")
OPS = ["null_syscall", "page_fault", "fork_exit", "pipe_roundtrip",
       "munmap_pages"]


class Symbols:
    def __init__(self, pairs):
        pairs = sorted(pairs)
        self.addrs = [a for a, _ in pairs]
        self.names = [n for _, n in pairs]

    def name(self, addr):
        i = bisect.bisect_right(self.addrs, addr) - 1
        return self.names[i] if i >= 0 else "?"


def kallsyms(path):
    pairs = []
    try:
        with open(path, errors="replace") as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 3:
                    pairs.append((int(parts[0], 16), parts[2]))
    except OSError:
        pass
    return Symbols(pairs)


def nm_symbols(path):
    if not path:
        return Symbols([])
    text = subprocess.run(["nm", path], capture_output=True, text=True).stdout
    pairs = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTW":
            pairs.append((int(parts[0], 16), parts[2]))
    return Symbols(pairs)


def classify(pc, ksyms, hsyms, hv):
    if pc < 1 << 47:
        return "user", "(user)"
    if HV_LO <= pc < HV_HI:
        return "hypervisor", (hsyms.name(pc) if hv in ("xenia", "lean") else hv)
    name = ksyms.name(pc)
    return ("guest PV" if PV_NAME.search(name) else "kernel"), name


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__.strip())
    d, hvsyms, hvs = sys.argv[1], sys.argv[2], sys.argv[3:]
    hsyms = nm_symbols(hvsyms)
    places = ["hypervisor", "guest PV", "kernel", "user"]
    rows, detail = [], []
    for hv in hvs:
        ksyms = kallsyms(os.path.join(d, hv + ".syms"))
        samples = collections.defaultdict(list)
        try:
            with open(os.path.join(d, hv + ".jsonl")) as f:
                for line in f:
                    s = json.loads(line)
                    if s["complete"]:
                        samples[s["op"]].append(s)
        except OSError:
            pass
        for op in OPS:
            if not samples[op]:
                rows.append((op, hv, None, {}, None))
                continue
            ss = sorted(samples[op], key=lambda s: sum(s["pcs"].values()))
            s = ss[0]
            by_place = collections.Counter()
            by_func = collections.Counter()
            for a, n in s["pcs"].items():
                place, func = classify(int(a, 16), ksyms, hsyms, hv)
                by_place[place] += n
                by_func[(place, func)] += n
            rows.append((op, hv, sum(by_place.values()), by_place,
                         s.get("cr3_loads")))
            detail.append((op, hv, by_func))
    print("Instructions per operation (QEMU exec trace, smallest of the samples)")
    print()
    print("| operation | system | total | " + " | ".join(places) +
          " | CR3 loads |")
    print("|---|---|---:|" + "---:|" * len(places) + "---:|")
    for op, hv, total, by_place, cr3 in rows:
        if total is None:
            print("| %s | %s | no sample |%s" % (op, hv, " |" * (len(places) + 1)))
            continue
        print("| %s | %s | %d | %s | %s |" % (
            op, hv, total, " | ".join(str(by_place[p]) for p in places),
            "?" if cr3 is None else cr3))
    for op, hv, by_func in detail:
        print()
        print("%s on %s, busiest functions:" % (op, hv))
        for (place, func), n in by_func.most_common(25):
            print("  %7d  %-10s %s" % (n, place, func))


if __name__ == "__main__":
    main()
