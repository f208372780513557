#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Makes $BUILD/linux-cache/vmlinuz (Debian's stock kernel, unmodified) and
# $BUILD/linux-cache/initrd.cpio (busybox, tests/linux/init, the /dev/xen
# driver modules, xentest and compat32), with the kernel's release name in
# $BUILD/linux-cache/release and busybox in $BUILD/linux-cache/busybox/,
# downloading Debian's packages with
# apt-get download the first time: no host kernel install is needed.
# Used by tests/linux/run, scripts/run-qemu.sh and the benchmarks.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${BUILD:-$top/build}
cache=$build/linux-cache
mkdir -p "$cache"
die() { echo "fetch: $*" >&2; exit 1; }

# The test program, static so that it runs on busybox alone.
xentest=$cache/xentest
if [ ! -x "$xentest" ] || [ "$here/xentest.c" -nt "$xentest" ]; then
    gcc -std=c11 -D_GNU_SOURCE -D__XEN_TOOLS__ -O2 -Wall -Wextra -Werror \
        -static -o "$xentest" "$here/xentest.c" || die "cannot build xentest.c"
fi

# A 32-bit static program for the kernel's IA32 emulation (gcc-multilib).
compat32=$cache/compat32
if [ ! -x "$compat32" ] || [ "$here/compat32.c" -nt "$compat32" ]; then
    gcc -m32 -std=gnu11 -O2 -Wall -Wextra -Werror -static \
        -o "$compat32" "$here/compat32.c" ||
        die "cannot build compat32.c (gcc -m32 needs gcc-multilib)"
fi

# The DomU tools (static, from dom0-tools/) and the guest kernel they build.
make -s -C "$top/xenstore" BUILD="$build" static >&2 || die "cannot build xenstore"
make -s -C "$top/dom0-tools" BUILD="$build" >&2 || die "cannot build dom0-tools"
make -s -C "$top/tests/guests" BUILD="$build" >&2 || die "cannot build the guest kernels"
extra=("bin/xenia-domu=$build/dom0-tools/xenia-domu"
       "bin/domu-test.sh=$here/domu-test.sh"
       "bin/domu-bench.sh=$top/tests/bench/domains/bench.sh"
       "lib/guests/domu.elf=$build/tests/guests/domu.elf"
       "lib/guests/ring-hostile.elf=$build/tests/guests/ring-hostile.elf"
       "bin/hostile-rings.sh=$here/hostile-rings.sh"
       "lib/guests/vmlinuz=vmlinuz"
       "bin/xl=$build/dom0-tools/xl"
       "bin/xenia-consoled=$build/dom0-tools/xenia-consoled"
       "bin/xenstored=$build/xenstored-static"
       "bin/xs-xenia=$build/xenstore-static"
       "bin/toolstack-test.sh=$here/toolstack-test.sh"
       "bin/toolstack-up.sh=$here/toolstack-up.sh"
       "bin/net-test.sh=$here/net-test.sh"
       "bin/leaks.sh=$here/leaks.sh"
       "bin/checks.sh=$here/checks.sh"
       "etc/xen/debian.cfg=$top/dom0-tools/examples/debian.cfg"
       "lib/guests/domu-initrd.cpio=$here/domu-init"
       "bin/blk-test.sh=$here/blk-test.sh"
       "lib/guests/domu-blk-initrd.cpio=$here/domu-blk-init"
       "lib/guests/blk.img=$cache/blk.img")
# The blk test's ext4 image, made here (mke2fs -d) with one file in it.
if [ ! -s "$cache/blk.img" ] || [ "$here/fetch.sh" -nt "$cache/blk.img" ]; then
    d=$(mktemp -d)
    echo xenia-host-file > "$d/from-host.txt"
    mke2fs -q -F -t ext4 -d "$d" "$cache/blk.img" 16M >&2 ||
        die "cannot make the ext4 image (mke2fs from e2fsprogs)"
    rm -rf "$d"
fi
# e2fsck for the blk test's check of that image after the DomU wrote it.
if [ -x /sbin/e2fsck ]; then
    extra+=("sbin/e2fsck=/sbin/e2fsck")
    for l in $(ldd /sbin/e2fsck | awk '/=> \// { print $3 } /^\t\/lib64/ { print $1 }'); do
        extra+=("${l#/}=$(readlink -f "$l")")
    done
fi
# Debian's own xenstore-utils, dynamic: the binary with its libraries.
if [ -x /usr/bin/xenstore ]; then
    extra+=("usr/bin/xenstore=/usr/bin/xenstore")
    for l in $(ldd /usr/bin/xenstore | awk '/=> \// { print $3 } /^\t\/lib64/ { print $1 }'); do
        extra+=("${l#/}=$(readlink -f "$l")")
    done
fi

stale=0
for f in "$here/init" "$here/prepare.py" "$xentest" "$compat32" "$here/domu-test.sh" \
         "$top/tests/bench/domains/bench.sh" \
         "$build/dom0-tools/xenia-domu" "$build/tests/guests/domu.elf" \
         "$build/dom0-tools/xl" "$build/dom0-tools/xenia-consoled" \
         "$build/xenstored-static" "$here/toolstack-test.sh" "$here/domu-init" \
         "$here/toolstack-up.sh" "$top/dom0-tools/examples/debian.cfg" \
         "$build/tests/guests/ring-hostile.elf" "$here/hostile-rings.sh" \
         "$here/blk-test.sh" "$here/domu-blk-init" "$cache/blk.img" \
         "$here/net-test.sh" "$here/leaks.sh" "$here/checks.sh"; do
    [ "$f" -nt "$cache/initrd.cpio" ] && stale=1
done
[ -s "$cache/vmlinuz" ] && [ -s "$cache/initrd.cpio" ] && [ -s "$cache/release" ] &&
    [ $stale = 0 ] && exit 0
# Only the initramfs is stale: rebuild it from the kept busybox and kernel.
if [ -s "$cache/vmlinuz" ] && [ -d "$cache/kernel" ] && [ -d "$cache/busybox" ]; then
    python3 "$here/prepare.py" "$cache/kernel" "$cache/busybox" "$xentest" "$compat32" \
        "$cache" "${extra[@]}" && exit 0
fi

find_pkg() {
    apt-cache depends linux-image-amd64 2>/dev/null |
        awk '/Depends: linux-image-[0-9]/ { print $2; exit }'
}
pkg=$(find_pkg)
# A machine whose package lists were never fetched knows no kernel yet.
[ -n "$pkg" ] || { apt-get update -q >/dev/null 2>&1; pkg=$(find_pkg); }
[ -n "$pkg" ] || die "apt-cache knows no linux-image-amd64"
(cd "$cache" && rm -rf ./*.deb kernel busybox vmlinux &&
 apt-get download "$pkg" busybox-static >/dev/null 2>&1) ||
    die "apt-get download $pkg busybox-static failed"
dpkg-deb -x "$cache"/linux-image-*.deb "$cache/kernel" &&
    dpkg-deb -x "$cache"/busybox-static*.deb "$cache/busybox" ||
    die "cannot unpack the packages"
python3 "$here/prepare.py" "$cache/kernel" "$cache/busybox" "$xentest" "$compat32" "$cache" \
    "${extra[@]}" ||
    die "cannot build the initramfs"
rm -rf "$cache"/*.deb # the unpacked kernel stays: initrd.cpio is rebuilt from it
