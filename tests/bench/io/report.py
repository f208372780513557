#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The table of tests/bench/io/run from its logs (LOGS/HV-MODE.log):
median MB/s per measure, the DomU/Dom0 ratio on each hypervisor, and
Xenia/Xen of the DomU figures.

  report.py LOGS MIB [TAG]   (TAG: the logs' suffix, BENCH_TAG)
"""
import os
import re
import statistics
import sys

logs, mib = sys.argv[1], sys.argv[2]
tag = sys.argv[3] if len(sys.argv) > 3 else ""
HVS = ("xen", "xenia")
# (label, who, persistent, what, baseline what): the baseline is Dom0's
# own figure for the same operation.
ROWS = [("Dom0 disk write (loop, O_DIRECT)", "dom0", "-", "disk-write", None),
        ("DomU disk write, persistent grants", "domu", "Y", "disk-write", "disk-write"),
        ("DomU disk write, no persistent", "domu", "N", "disk-write", "disk-write"),
        ("Dom0 disk read (loop, O_DIRECT)", "dom0", "-", "disk-read", None),
        ("DomU disk read, persistent grants", "domu", "Y", "disk-read", "disk-read"),
        ("DomU disk read, no persistent", "domu", "N", "disk-read", "disk-read"),
        ("Dom0 TCP to itself (10.0.0.1)", "dom0", "-", "net-send", None),
        ("TCP Dom0 -> DomU", "domu", "-", "net-send", "net-send"),
        ("TCP DomU -> Dom0", "domu", "-", "net-recv", "net-recv")]

data, notes = {}, {}
modes = []
for name in sorted(os.listdir(logs)):
    m = re.fullmatch(r"(xen|xenia)-([a-z]+)" + re.escape(tag) + r"\.log", name)
    if not m:
        continue
    hv, mode = m.groups()
    if mode not in modes:
        modes.append(mode)
    with open(os.path.join(logs, name), errors="replace") as f:
        for line in f:
            b = re.search(r"BENCH (dom0|domu) ([YN-]) ([a-z-]+) MBps=([0-9.]+)", line)
            if b:
                data.setdefault((hv, mode) + b.groups()[:3], []).append(float(b.group(4)))
            b = re.search(r"BENCH-(FAIL|INFO) (.*)", line)
            if b:
                notes.setdefault((hv, mode), []).append(b.group(1) + " " + b.group(2).strip())


def med(hv, mode, who, pers, what):
    v = data.get((hv, mode, who, pers, what))
    return statistics.median(v) if v else None


def cell(v, fmt="%9.1f", width=9):
    return fmt % v if v is not None else "%*s" % (width, "-")


print("PV disk and network throughput: Xenia against Xen 4.17, same QEMU, same Debian 6.1 kernel")
print("Dom0 512 MiB, DomU 256 MiB, 2 CPUs; %s MiB per transfer, 1 MiB O_DIRECT blocks on the disk;" % mib)
print("median MB/s (10^6 B/s) of the runs; ratio = DomU / Dom0's own figure on that hypervisor;")
print("xenia/xen = Xenia's MB/s / Xen's. Our toolstack on both.")
for mode in modes:
    print("\nmode %s%s" % (mode, " (-icount shift=0,sleep=off: virtual time)" if mode == "icount"
                           else " (plain TCG: host time)"))
    print("%-36s %9s %6s %9s %6s %9s" % ("", "xen", "ratio", "xenia", "ratio", "xenia/xen"))
    for label, who, pers, what, base in ROWS:
        vals, ratios = [], []
        for hv in HVS:
            v = med(hv, mode, who, pers, what)
            b = med(hv, mode, "dom0", "-", base) if base else None
            vals.append(v)
            ratios.append(v / b if v is not None and b else None)
        x = vals[1] / vals[0] if vals[0] and vals[1] is not None else None
        print("%-36s %s %s %s %s %s" % (label, cell(vals[0]), cell(ratios[0], "%6.2f", 6),
                                        cell(vals[1]), cell(ratios[1], "%6.2f", 6),
                                        cell(x, "%9.2f")))
    for hv in HVS:
        for n in notes.get((hv, mode), []):
            print("%s %s: %s" % (hv, mode, n))
