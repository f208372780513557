#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Copies Debian's Xen 4.17 toolstack (xen-utils-4.17: xl, the C xenstored,
# xenconsoled, xen-init-dom0) with the libraries ldd lists for them into
# ROOT, at their own paths, for a busybox Dom0 initramfs on Xen 4.17.
# With --hvm also what an HVM DomU needs: hvmloader and the device model
# (QEMU, /usr/libexec/xen-qemu-system-i386) with its libraries and the
# option ROMs it loads for a direct kernel boot.
#
#   tests/bench/xen-utils-root.sh ROOT [--hvm]
set -u
root=$1
hvm=${2:-}
die() { echo "xen-utils-root: $*" >&2; exit 1; }
[ -n "$root" ] || die "usage: $0 ROOT [--hvm]"
# FILE with its libraries, each at its own path under ROOT.
copy() {
    local f=$1 l
    [ -e "$f" ] || die "$f missing (xen-utils-4.17 or qemu-system-xen not installed)"
    mkdir -p "$root$(dirname "$f")"
    cp -L "$f" "$root$f" || die "cannot copy $f"
    for l in $(ldd "$f" 2>/dev/null | awk '/=> \// { print $3 } /^\t\/lib64/ { print $1 }'); do
        [ -e "$root$l" ] && continue
        mkdir -p "$root$(dirname "$l")"
        cp -L "$l" "$root$l" || die "cannot copy $l"
    done
}
for f in xl xenstored xenconsoled xen-init-dom0; do
    copy "/usr/lib/xen-4.17/bin/$f"
done
# glibc loads it for thread cancellation and aborts without it.
l=$(readlink -f /lib/x86_64-linux-gnu/libgcc_s.so.1)
[ -n "$l" ] && cp "$l" "$root/lib/x86_64-linux-gnu/libgcc_s.so.1"
mkdir -p "$root/etc/xen"
cp /etc/xen/xl.conf "$root/etc/xen/" || die "no /etc/xen/xl.conf"
if [ "$hvm" = --hvm ]; then
    copy /usr/lib/xen-4.17/boot/hvmloader
    # libxl hands hvmloader SeaBIOS for a qemu-xen guest.
    copy /usr/share/seabios/bios-256k.bin
    copy /usr/libexec/xen-qemu-system-i386
    # QEMU's -kernel goes through an option ROM from its data directory,
    # and it reads the keyboard map libxl gives it (-k en-us) even without
    # a display.
    mkdir -p "$root/usr/share/qemu/keymaps"
    cp -L /usr/share/qemu/keymaps/en-us "$root/usr/share/qemu/keymaps/" ||
        die "no /usr/share/qemu/keymaps/en-us"
    for f in linuxboot_dma.bin linuxboot.bin kvmvapic.bin; do
        [ -e "/usr/share/qemu/$f" ] && cp -L "/usr/share/qemu/$f" "$root/usr/share/qemu/"
    done
fi
exit 0
