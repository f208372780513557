# SPDX-License-Identifier: GPL-2.0-only
"""gdb's half of tests/bench/linux/breakdown (run as gdb -batch -x).

Attaches to QEMU's gdb stub and waits for probe.c's probe_begin().
Single-stepping through gdb runs a few hundred instructions a second, too
slow for a fork, so instead gdb has QEMU trace: its monitor's "singlestep
on" makes every translation block one instruction and "log exec,nochain"
logs each block run, so each log line is one instruction executed,
hypervisor, kernel and user alike. At probe_stop() the trace is cut into
samples at probe_go() and probe_end(), which the probe calls around each
operation (no stop of the VM inside a sample: resuming lets timer work in),
and each sample becomes one JSON line: the operation, the sample number,
how often each address ran and how many of those runs loaded CR3. At
probe_symbols() it saves the kernel's text symbols, which the probe read
from /proc/kallsyms. Settings come from the environment:

  PROBE_PORT      QEMU's gdb port
  PROBE_BEGIN, PROBE_GO, PROBE_END, PROBE_STOP, PROBE_SYMBOLS
                  the probe's functions' addresses
  PROBE_SAMPLES   samples per operation (probe.c's SAMPLES)
  PROBE_OUT       the JSON-lines file; PROBE_SYMS the symbol dump
  PROBE_TRACE     a scratch file for QEMU's log
"""
import collections
import json
import os
import re

import gdb

OPS = ["null_syscall", "page_fault", "fork_exit", "pipe_roundtrip",
       "munmap_pages"]
MAGIC = 0x50524F4245
# QEMU 7.2's exec log: "Trace 0: 0x7f.. [cs_base/pc/flags/cflags] sym".
TRACE = re.compile(r"^Trace \d+: \S+ \[[0-9a-f]+/([0-9a-f]+)/")


def reg(name):
    return int(gdb.parse_and_eval("$" + name)) & (2**64 - 1)


def monitor(cmd):
    gdb.execute("monitor " + cmd, to_string=True)


def writes_cr3(pc):
    """Is the instruction at pc (kernel or hypervisor) a MOV to CR3?"""
    try:
        b = bytes(gdb.selected_inferior().read_memory(pc, 4))
    except gdb.MemoryError:
        return False
    if 0x40 <= b[0] <= 0x4F:
        b = b[1:]
    return b[0] == 0x0F and b[1] == 0x22 and (b[2] >> 3) & 7 == 3


def samples(path, go, end):
    """The address counts of each stretch from probe_go() to probe_end()."""
    counts = None
    with open(path, errors="replace") as f:
        for line in f:
            m = TRACE.match(line)
            if not m:
                continue
            pc = int(m.group(1), 16)
            if pc == go:
                counts = collections.Counter()
            elif pc == end and counts is not None:
                yield counts
                counts = None
            elif counts is not None:
                counts[pc] += 1


def main():
    env = os.environ
    addr = {k: int(env["PROBE_" + k.upper()], 16)
            for k in ("begin", "go", "end", "stop", "symbols")}
    per_op = int(env["PROBE_SAMPLES"])
    trace = env["PROBE_TRACE"]
    gdb.execute("set pagination off")
    gdb.execute("set confirm off")
    gdb.execute("set architecture i386:x86-64")
    gdb.execute("target remote 127.0.0.1:%s" % env["PROBE_PORT"])
    for k in ("begin", "stop", "symbols"):
        gdb.execute("break *%#x" % addr[k], to_string=True)
    out = open(env["PROBE_OUT"], "w")
    while True:
        gdb.execute("continue", to_string=True)
        pc = reg("pc")
        if pc == addr["begin"] and reg("rdi") == MAGIC:
            monitor("logfile " + trace)
            monitor("singlestep on")
            monitor("log exec,nochain")
        elif pc == addr["stop"] and reg("rdi") == MAGIC:
            monitor("log none")
            monitor("singlestep off")
            monitor("logfile /dev/null")
            for i, counts in enumerate(samples(trace, addr["go"], addr["end"])):
                op = i // per_op
                cr3 = sum(n for a, n in counts.items()
                          if a >= 1 << 63 and writes_cr3(a))
                name = OPS[op] if op < len(OPS) else "op%d" % op
                out.write(json.dumps({"op": name, "sample": i % per_op,
                                      "complete": True, "cr3_loads": cr3,
                                      "pcs": {"%x" % k: v
                                              for k, v in counts.items()}})
                          + "\n")
                gdb.write("probe: %s sample %d: %d instructions\n"
                          % (name, i % per_op, sum(counts.values())))
            os.remove(trace)
        elif pc == addr["symbols"] and reg("rdx") == MAGIC:
            buf, length = reg("rdi"), reg("rsi")
            gdb.execute("dump binary memory %s %#x %#x"
                        % (env["PROBE_SYMS"], buf, buf + length))
            break
    out.close()
    gdb.execute("kill")


main()
