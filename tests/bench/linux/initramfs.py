#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Build the benchmark's initramfs.

  initramfs.py <busybox binary> <init> <ubench> <tiny> <out.cpio>

The cpio writer is tests/linux/prepare.py's, imported rather than copied,
so both initramfs builders stay one format.
"""
import importlib.util
import os
import sys


def load_prepare():
    here = os.path.dirname(os.path.abspath(__file__))
    path = os.path.join(here, "..", "..", "linux", "prepare.py")
    spec = importlib.util.spec_from_file_location("linux_prepare", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main():
    if len(sys.argv) != 6:
        sys.exit(__doc__.strip())
    busybox, init, ubench, tiny, out = sys.argv[1:6]
    prepare = load_prepare()

    def read(path):
        with open(path, "rb") as f:
            return f.read()

    entries = [(d, 0o40755, None) for d in ("bin", "dev", "proc", "sys", "tmp")]
    entries += [
        ("bin/busybox", 0o100755, read(busybox)),
        ("bin/ubench", 0o100755, read(ubench)),
        ("bin/tiny", 0o100755, read(tiny)),
        ("init", 0o100755, read(init)),
    ]
    tmp = out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(prepare.cpio_newc(entries))
    os.replace(tmp, out)


if __name__ == "__main__":
    main()
