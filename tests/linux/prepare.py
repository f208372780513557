#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Turn Debian's kernel and busybox packages into a PV Dom0 and an initramfs.

  prepare.py <unpacked linux-image dir> <unpacked busybox-static dir> <out dir>
             [<gntloop binary>]

Writes <out>/vmlinux (the ELF inside the bzImage's XZ payload: Xenia does
not read bzImages yet) and <out>/initrd.cpio (busybox, tests/linux/init,
and for the grant checks the gntalloc and gntdev modules and gntloop).
"""
import lzma
import os
import struct
import sys


def vmlinux_from_bzimage(data):
    if data[0x202:0x206] != b"HdrS":
        sys.exit("prepare.py: not a bzImage (no HdrS boot protocol header)")
    setup_sects = data[0x1F1] or 4
    off, length = struct.unpack_from("<II", data, 0x248)
    payload = data[(setup_sects + 1) * 512 + off:][:length]
    if not payload.startswith(b"\xfd7zXZ\x00"):
        sys.exit("prepare.py: the bzImage payload is not XZ")
    # The build appends the uncompressed size after the XZ stream.
    return lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(payload)


def cpio_newc(entries):
    """entries: (name, mode, data) in order; directories have data None."""
    out = bytearray()
    for ino, (name, mode, data) in enumerate(entries + [("TRAILER!!!", 0, b"")], 1):
        data = data or b""
        nm = name.encode() + b"\0"
        hdr = "070701" + "".join("%08X" % v for v in (
            ino, mode, 0, 0, 1, 0, len(data), 0, 0, 0, 0, len(nm), 0))
        out += hdr.encode() + nm
        out += b"\0" * (-len(out) % 4)
        out += data
        out += b"\0" * (-len(out) % 4)
    return bytes(out)


def grant_entries(kdir, gntloop):
    """The two grant device modules (no dependencies) and the test."""
    entries = [("lib", 0o40755, None)]
    for root, _, files in os.walk(os.path.join(kdir, "lib", "modules")):
        for name in ("xen-gntalloc.ko", "xen-gntdev.ko"):
            if name in files:
                with open(os.path.join(root, name), "rb") as f:
                    entries.append(("lib/" + name, 0o100644, f.read()))
    with open(gntloop, "rb") as f:
        entries.append(("bin/gntloop", 0o100755, f.read()))
    return entries


def main():
    kdir, bbdir, out = sys.argv[1:4]
    gntloop = sys.argv[4] if len(sys.argv) > 4 else None
    boot = os.path.join(kdir, "boot")
    vmlinuz = [f for f in os.listdir(boot) if f.startswith("vmlinuz-")]
    if len(vmlinuz) != 1:
        sys.exit("prepare.py: expected one vmlinuz in %s" % boot)
    with open(os.path.join(boot, vmlinuz[0]), "rb") as f:
        elf = vmlinux_from_bzimage(f.read())
    with open(os.path.join(out, "vmlinux"), "wb") as f:
        f.write(elf)
    with open(os.path.join(bbdir, "bin", "busybox"), "rb") as f:
        busybox = f.read()
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "init"), "rb") as f:
        init = f.read()
    entries = [(d, 0o40755, None) for d in ("bin", "dev", "proc", "sys", "tmp")]
    entries += [("bin/busybox", 0o100755, busybox), ("init", 0o100755, init)]
    if gntloop:
        entries += grant_entries(kdir, gntloop)
    with open(os.path.join(out, "initrd.cpio"), "wb") as f:
        f.write(cpio_newc(entries))


if __name__ == "__main__":
    main()
