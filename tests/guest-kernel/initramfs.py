#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Build the lean guest kernel's test initramfs.

  initramfs.py <out.cpio> <busybox> <init> [<path in cpio>=<host file>...]

busybox as /bin/busybox, the given /init, and further files (the
toolstack, the DomU's kernel and config). A name ending in
domu-initrd.cpio is given the host file as the /init of a nested
busybox initramfs. The cpio writer is tests/linux/prepare.py's.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "linux"))
import prepare  # noqa: E402 (tests/linux/prepare.py, found through the path above)


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__.strip())
    out, busybox, init = sys.argv[1:4]
    read = prepare.read
    base = [(d, 0o40755, None) for d in ("bin", "dev", "proc", "sys", "tmp")]
    entries = base + [("bin/busybox", 0o100755, read(busybox)),
                      ("init", 0o100755, read(init))]
    have = set(e[0] for e in entries)
    for spec in sys.argv[4:]:
        name, path = spec.split("=", 1)
        prepare.add_parents(entries, have, name)
        if name.endswith("domu-initrd.cpio"):
            data = prepare.cpio_newc(base + [("bin/busybox", 0o100755, read(busybox)),
                                             ("init", 0o100755, read(path))])
            entries.append((name, 0o100644, data))
        else:
            entries.append((name, 0o100755, read(path)))
        have.add(name)
    prepare.write_cpio(out, entries)


if __name__ == "__main__":
    main()
