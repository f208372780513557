#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Build the benchmark's initramfs.

  initramfs.py <busybox binary> <init> <out.cpio> <program>...

Each program goes to /bin under its own name.

The cpio writer is tests/linux/prepare.py's, imported rather than copied,
so both initramfs builders stay one format.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "linux"))
import prepare  # noqa: E402 (tests/linux/prepare.py, found through the path above)


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__.strip())
    busybox, init, out = sys.argv[1:4]
    read = prepare.read
    entries = [(d, 0o40755, None) for d in ("bin", "dev", "proc", "sys", "tmp")]
    entries += [
        ("bin/busybox", 0o100755, read(busybox)),
        ("init", 0o100755, read(init)),
    ]
    entries += [("bin/" + os.path.basename(p), 0o100755, read(p))
                for p in sys.argv[4:]]
    prepare.write_cpio(out, entries)


if __name__ == "__main__":
    main()
