#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Turn the benchmark's serial logs into a table and a ratio chart.

  report.py <logs dir> <out dir> <header line>...

Reads <logs>/<mode>-<hv>-<round>.log as tests/bench/linux/run writes them
(the guest's BENCH lines, then the driver's own BENCH-RUN line), prints the
table, writes <out>/results.txt, and <out>/ratios.png when gnuplot exists.
"""
import os
import re
import shutil
import statistics
import subprocess
import sys

HVS = [("native", "native"), ("xen", "Xen 4.17"), ("xenia", "Xenia"),
       ("lean", "Xenia lean"), ("leanxen", "Xen lean"),
       ("xenia-domu", "Xenia PV DomU"), ("xen-domu", "Xen PV DomU"),
       ("xen-pvh", "Xen PVH DomU"), ("xen-hvm", "Xen HVM DomU")]
MODES = [("icount", "-icount shift=0,sleep=off: guest time counts instructions, repeatable"),
         ("tcg", "plain TCG: guest time is host time, noisy")]
# The guest's order; the last two rows are not per-operation figures.
BENCHES = ["null_syscall", "fork_exit", "fork_exec", "page_fault",
           "pipe_roundtrip", "mmap_munmap", "cpu_loop", "boot_to_init"]
WALL = "wall_per_run"
RATIOS = [("xen", "native"), ("xenia", "native"), ("xenia", "xen"), ("lean", "xenia"),
          ("lean", "leanxen"),
          ("xen-domu", "native"), ("xenia-domu", "native"), ("xenia-domu", "xen-domu"),
          ("xen-pvh", "native"), ("xen-pvh", "xen-domu"),
          ("xen-hvm", "native"), ("xen-hvm", "xen-pvh")]
NAME = dict(HVS)
SHORT = {"native": "nat", "xen": "Xen", "xenia": "Xenia", "lean": "Lean",
         "leanxen": "LeanXen", "xenia-domu": "XeniaU", "xen-domu": "XenU",
         "xen-pvh": "PVH", "xen-hvm": "HVM"}

LOG_RE = re.compile(r"^(icount|tcg)-(%s)-(\d+)\.log$" % "|".join(h for h, _ in HVS))


class Run:
    def __init__(self, mode, hv, rnd, path):
        self.mode, self.hv, self.rnd, self.path = mode, hv, rnd, path
        self.values = {}        # bench -> seconds per op
        self.failed = {}        # bench -> reason the guest gave
        self.started = []
        self.done = False
        self.rc = None
        self.wall = None
        self.note = ""
        self.lines = []

    def problem(self):
        """Why this run did not give every figure, or None."""
        if self.note:
            return self.note
        if self.rc is None:
            return "the driver recorded no result (interrupted?)"
        if self.rc == 137:
            return "killed by the timeout"
        if self.rc != 0:
            return "QEMU exited with status %d" % self.rc
        if not self.done:
            return "the guest never printed BENCH-DONE"
        if self.failed:
            return "a benchmark failed in the guest"
        return None


def parse(path, mode, hv, rnd):
    run = Run(mode, hv, rnd, path)
    with open(path, errors="replace") as f:
        run.lines = [l.rstrip("\n") for l in f]
    scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}
    for line in run.lines:
        # Serial lines may carry a hypervisor's prefix, e.g. "(d0) ".
        m = re.search(r"BENCH (\w+) ([0-9.]+) (ns|us|ms|s)\s*$", line)
        if m:
            run.values[m.group(1)] = float(m.group(2)) * scale[m.group(3)]
            continue
        m = re.search(r"BENCH-FAIL (\w+): (.*)$", line)
        if m:
            run.failed[m.group(1)] = m.group(2)
            continue
        m = re.search(r"BENCH-START (\w+)", line)
        if m:
            run.started.append(m.group(1))
        if "BENCH-DONE" in line:
            run.done = True
        m = re.match(r"BENCH-RUN rc=(\d+) wall=([0-9.]+)(?: note=(.*))?$", line)
        if m:
            run.rc, run.wall = int(m.group(1)), float(m.group(2))
            run.note = m.group(3) or ""
    if run.wall is not None and run.rc == 0:
        run.values[WALL] = run.wall
    return run


def fmt_time(sec):
    if sec >= 1.0:
        return "%.2f s" % sec
    if sec >= 1e-3:
        return "%.2f ms" % (sec * 1e3)
    if sec >= 1e-6:
        return "%.2f us" % (sec * 1e6)
    return "%.1f ns" % (sec * 1e9)


def cell_reason(run, bench):
    """Why one run has no figure for one benchmark."""
    if bench in run.failed:
        return "failed in the guest: " + run.failed[bench]
    if run.note:
        return "not run"
    if run.started and run.started[-1] == bench and not run.done:
        return "was running when the machine stopped"
    return "never started"


def tail(run, n=12):
    """The last serial lines, with the driver's own line left out."""
    lines = [l for l in run.lines if l.strip() and not l.startswith("BENCH-RUN")]
    return lines[-n:]


def main():
    logs, out = sys.argv[1], sys.argv[2]
    header = sys.argv[3:]
    runs = {}
    for name in sorted(os.listdir(logs)):
        m = LOG_RE.match(name)
        if m:
            mode, hv, rnd = m.group(1), m.group(2), int(m.group(3))
            runs.setdefault((mode, hv), []).append(
                parse(os.path.join(logs, name), mode, hv, rnd))
    modes = [(m, d) for m, d in MODES if any(k[0] == m for k in runs)]
    # Only the configurations this run had, and the ratios between them.
    ran = {k[1] for k in runs}
    hvs = [(h, n) for h, n in HVS if h in ran]
    ratios = [(a, b) for a, b in RATIOS if a in ran and b in ran]

    text = list(header) + [""]
    medians = {}                # (mode, hv, bench) -> seconds
    for mode, desc in modes:
        text.append("== %s (%s)" % (mode, desc))
        cols = ["benchmark"] + [NAME[h] for h, _ in hvs] + \
            ["%s/%s" % (SHORT[a], SHORT[b]) for a, b in ratios]
        rows = []
        for bench in BENCHES + [WALL]:
            row = [bench if bench != WALL else "wall per run (host)"]
            for hv, _ in hvs:
                rs = runs.get((mode, hv), [])
                vals = [r.values[bench] for r in rs if bench in r.values]
                if not rs:
                    row.append("not run")
                elif not vals:
                    row.append("FAILED")
                else:
                    medians[(mode, hv, bench)] = statistics.median(vals)
                    cell = fmt_time(medians[(mode, hv, bench)])
                    if len(vals) < len(rs):
                        cell += " (%d/%d)" % (len(vals), len(rs))
                    row.append(cell)
            for a, b in ratios:
                x, y = medians.get((mode, a, bench)), medians.get((mode, b, bench))
                row.append("%.2f" % (x / y) if x and y else "-")
            rows.append(row)
        widths = [max(len(r[i]) for r in rows + [cols]) for i in range(len(cols))]
        line = lambda r: "  ".join(
            (c.ljust if i == 0 else c.rjust)(widths[i]) for i, c in enumerate(r))
        text.append(line(cols))
        text += [line(r) for r in rows]
        text.append("")

    runs_per = sorted({len(v) for v in runs.values()})
    text.append("Cells are medians over %s run(s) per configuration; \"(k/n)\": only k "
                "of n runs gave a figure; FAILED: none did." %
                "/".join(str(n) for n in runs_per))
    failed_runs = [r for k in sorted(runs) for r in sorted(runs[k], key=lambda r: r.rnd)
                   if r.problem() or any(b not in r.values for b in BENCHES)]
    if failed_runs:
        text.append("")
        text.append("Failures:")
        for r in failed_runs:
            text.append("  %s %s run %d: %s (%s)" % (
                r.mode, NAME[r.hv], r.rnd, r.problem() or "some figures missing", r.path))
            for bench in BENCHES:
                if bench not in r.values and not r.note:
                    text.append("      %s: %s" % (bench, cell_reason(r, bench)))
        # One serial tail per hypervisor and mode: the runs of one
        # configuration mostly fail alike.
        shown = set()
        for r in failed_runs:
            # A run that never booted has no serial lines, and one that
            # finished has its guest's reasons above.
            if (r.mode, r.hv) in shown or r.note or r.done and r.rc == 0:
                continue
            shown.add((r.mode, r.hv))
            text.append("")
            text.append("  last serial lines of %s:" % r.path)
            text += ["    | " + l for l in tail(r)]
    else:
        text.append("No failures.")

    report = "\n".join(text) + "\n"
    sys.stdout.write(report)
    with open(os.path.join(out, "results.txt"), "w") as f:
        f.write(report)
    if ratios:
        chart(out, modes, medians, header, ratios)


def chart(out, modes, medians, header, ratios):
    gnuplot = shutil.which("gnuplot")
    if not gnuplot:
        print("bench: gnuplot is missing, no chart drawn", file=sys.stderr)
        return
    dat = os.path.join(out, "ratios.dat")
    with open(dat, "w") as f:
        for mode, _ in modes:
            f.write("# %s: benchmark %s\n" % (
                mode, " ".join("%s/%s" % (a, b) for a, b in ratios)))
            for bench in BENCHES:
                vals = []
                for a, b in ratios:
                    x, y = medians.get((mode, a, bench)), medians.get((mode, b, bench))
                    vals.append("%.4f" % (x / y) if x and y else "?")
                f.write("%s %s\n" % (bench, " ".join(vals)))
            f.write("\n\n")
    values = [medians[(m, a, b_)] / medians[(m, b, b_)]
              for m, _ in modes for b_ in BENCHES for a, b in ratios
              if medians.get((m, a, b_)) and medians.get((m, b, b_))]
    png = os.path.join(out, "ratios.png")
    titles = ["%s / %s" % (NAME[a], NAME[b]) for a, b in ratios]
    gp = [
        "set terminal pngcairo size %d,%d font 'sans,11'" % (
            900 + 110 * len(ratios), 360 * len(modes) + 60),
        "set output '%s'" % png,
        "set datafile missing '?'",
        "set style data histograms",
        "set style histogram clustered gap 1",
        "set style fill solid 0.85 border -1",
        "set boxwidth 0.9",
        "set logscale y 2",
        "set grid ytics",
        "set ylabel 'ratio of time per op (log scale)'",
        "set key outside right top vertical",
        "set xtics noenhanced",
        # Room above the tallest bar for its figure; 1.0 always in view.
        "set yrange [%g:%g]" % (min([0.5] + values) / 1.5, max([2.0] + values) * 1.6),
        "set multiplot layout %d,1 title '%s' noenhanced" % (
            len(modes), header[0].replace("'", "") if header else ""),
    ]
    for i, (mode, desc) in enumerate(modes):
        gp.append("set title '%s' noenhanced" % ("%s (%s)" % (mode, desc)).replace("'", ""))
        plots = ["'%s' index %d using %d:xtic(1) title '%s'" % (dat, i, c + 2, t)
                 for c, t in enumerate(titles)]
        # Each bar's figure above it; gnuplot centres the n bars of a
        # cluster at x +- (j - (n - 1) / 2) / (n + gap).
        n = len(titles)
        plots += ["'%s' index %d using ($0 + %g):(column(%d) * 1.12):"
                  "(column(%d) < 10 ? sprintf('%%.2f', column(%d)) : "
                  "sprintf('%%.1f', column(%d))) with labels font ',8' notitle"
                  % (dat, i, (c - (n - 1) / 2) / (n + 1), c + 2, c + 2, c + 2, c + 2)
                  for c in range(n)]
        plots.append("1 with lines lt 0 lw 2 notitle")
        gp.append("plot " + ", ".join(plots))
    gp.append("unset multiplot")
    script = os.path.join(out, "ratios.gp")
    with open(script, "w") as f:
        f.write("\n".join(gp) + "\n")
    res = subprocess.run([gnuplot, script], capture_output=True, text=True)
    if res.returncode != 0:
        print("bench: gnuplot failed:\n" + res.stderr, file=sys.stderr)
    else:
        print("chart: %s" % png)


if __name__ == "__main__":
    main()
