#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Turn Debian's kernel and busybox packages into a PV Dom0 and an initramfs.

  prepare.py <unpacked linux-image dir> <unpacked busybox-static dir> \
             <xentest binary> <compat32 binary> <out dir> \
             [<initrd path>=<host file>...]

Writes <out>/vmlinuz (Debian's bzImage, as Xenia and Xen boot it), its
release name in <out>/release, and
<out>/initrd.cpio: busybox, tests/linux/init, the /dev/xen driver modules
from the same package, the xentest program, the 32-bit compat32 one, and
any further files named on the command line (the DomU tools and guest
kernels, Debian's vmlinuz as a DomU kernel).
"""
import os
import shutil
import sys

# The drivers behind /dev/xen and /proc/xen that Debian builds as modules,
# in load order (xenfs needs xen-privcmd).
MODULES = ["xen-evtchn", "xen-privcmd", "xenfs/xenfs", "xen-gntdev",
           "xen-gntalloc"]
# The PV block drivers, loop and ext4 (with what it needs, in load order),
# relative to the package's kernel/ directory: Dom0 gets all of them (it is
# a backend and, in the blk test, its own frontend), the blk DomU's
# initramfs the frontend and ext4.
BLOCK_MODULES = ["drivers/block/loop", "drivers/block/xen-blkback/xen-blkback",
                 "drivers/block/xen-blkfront", "lib/crc16", "fs/mbcache",
                 "fs/jbd2/jbd2", "crypto/crc32c_generic", "fs/ext4/ext4"]
DOMU_BLOCK_MODULES = [m for m in BLOCK_MODULES
                      if "loop" not in m and "blkback" not in m]

# The PV network's Dom0 half (netback and the bridge it joins, in load
# order) and its DomU half, relative to the package's kernel/ directory.
DOM0_NET_MODULES = ["drivers/net/xen-netback/xen-netback", "net/llc/llc",
                    "net/802/stp", "net/bridge/bridge"]
DOMU_MODULES = ["drivers/net/xen-netfront"]


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


def read(path):
    with open(path, "rb") as f:
        return f.read()


def add_parents(entries, have, name):
    """Appends to entries the directories above name not in have (the
    kernel's unpacker makes none), parents first; adds them to have."""
    parts = name.split("/")[:-1]
    for i in range(1, len(parts) + 1):
        d = "/".join(parts[:i])
        if d not in have:
            entries.append((d, 0o40755, None))
            have.add(d)


def write_cpio(path, entries):
    """Writes the archive to path by rename: a QEMU still booting from the
    old one keeps reading it whole."""
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(cpio_newc(entries))
    os.replace(tmp, path)


def main():
    kdir, bbdir, xentest, compat32, out = sys.argv[1:6]
    extra = [a.split("=", 1) for a in sys.argv[6:]]
    boot = os.path.join(kdir, "boot")
    vmlinuz = [f for f in os.listdir(boot) if f.startswith("vmlinuz-")]
    if len(vmlinuz) != 1:
        sys.exit("prepare.py: expected one vmlinuz in %s" % boot)
    shutil.copyfile(os.path.join(boot, vmlinuz[0]), os.path.join(out, "vmlinuz"))
    release = vmlinuz[0][len("vmlinuz-"):]
    with open(os.path.join(out, "release"), "w") as f:
        f.write(release + "\n")
    kmods = os.path.join(kdir, "lib", "modules", release, "kernel")
    xen_drivers = os.path.join(kmods, "drivers", "xen")

    here = os.path.dirname(os.path.abspath(__file__))
    entries = [(d, 0o40755, None)
               for d in ("bin", "dev", "proc", "sys", "tmp", "lib",
                         "lib/modules", "lib/guests")]
    entries += [("bin/busybox", 0o100755,
                 read(os.path.join(bbdir, "bin", "busybox"))),
                ("bin/xentest", 0o100755, read(xentest)),
                ("bin/compat32", 0o100755, read(compat32)),
                ("init", 0o100755, read(os.path.join(here, "init")))]
    def module(path):
        if not os.path.exists(path):
            sys.exit("prepare.py: the kernel package has no %s" % path)
        return ("lib/modules/%s" % os.path.basename(path), 0o100644,
                read(path))

    def modules(names):
        return [module(os.path.join(kmods, m + ".ko")) for m in names]

    for m in MODULES:
        entries.append(module(os.path.join(xen_drivers, m + ".ko")))
    entries += modules(DOM0_NET_MODULES) + modules(BLOCK_MODULES)
    have = set(e[0] for e in entries)
    for name, path in extra:
        if name == "lib/guests/vmlinuz":
            path = os.path.join(out, "vmlinuz")
        add_parents(entries, have, name)
        if name.endswith("-initrd.cpio"):
            # A DomU's initramfs: busybox, the given /init, the block
            # frontend and ext4, and (but for the blk one) netfront.
            blk = "blk" in os.path.basename(name)
            data = cpio_newc([(d, 0o40755, None)
                              for d in ("bin", "dev", "proc", "sys", "tmp",
                                        "lib", "lib/modules")] +
                             [("bin/busybox", 0o100755,
                               read(os.path.join(bbdir, "bin", "busybox"))),
                              ("init", 0o100755, read(path))] +
                             modules(DOMU_BLOCK_MODULES if blk else
                                     DOMU_MODULES + DOMU_BLOCK_MODULES))
            entries.append((name, 0o100644, data))
            continue
        entries.append((name, 0o100755, read(path)))
        have.add(name)
    write_cpio(os.path.join(out, "initrd.cpio"), entries)


if __name__ == "__main__":
    main()
