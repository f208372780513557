#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Boot QEMU with the serial line on a pipe, type at its prompts, log it all.

  boot.py --log FILE --timeout SECONDS [--keys-after MARK=TEXT]... -- QEMU ARGS

Runs QEMU with -serial stdio. Whenever the output first shows MARK, TEXT is
typed (Python escapes such as \\x01 and \\r allowed). QEMU is killed after
SECONDS. The exit status is QEMU's, or 124 on timeout. The log is the raw
serial output.
"""
import argparse
import os
import select
import subprocess
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--log", required=True)
    ap.add_argument("--timeout", type=float, required=True)
    ap.add_argument("--keys-after", action="append", default=[])
    ap.add_argument("qemu", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    qemu = args.qemu[1:] if args.qemu[:1] == ["--"] else args.qemu
    prompts = []
    for spec in args.keys_after:
        mark, _, text = spec.partition("=")
        keys = text.encode().decode("unicode_escape").encode("latin-1")
        prompts.append((mark.encode(), keys))

    proc = subprocess.Popen(qemu + ["-serial", "stdio"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + args.timeout
    seen = b""
    rc = None
    with open(args.log, "wb") as log:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                proc.kill()
                proc.wait()
                rc = 124
                break
            ready, _, _ = select.select([proc.stdout], [], [], min(left, 0.2))
            if ready:
                data = os.read(proc.stdout.fileno(), 65536)
                if not data:
                    rc = proc.wait()
                    break
                log.write(data)
                log.flush()
                seen += data
                for i, (mark, keys) in enumerate(prompts):
                    if mark and mark in seen:
                        # One key at a time, as a person types: the UART
                        # holds only a few bytes.
                        for k in keys:
                            proc.stdin.write(bytes([k]))
                            proc.stdin.flush()
                            time.sleep(0.02)
                        prompts[i] = (b"", b"")
            elif proc.poll() is not None:
                rc = proc.returncode
                break
    return rc


if __name__ == "__main__":
    sys.exit(main())
