#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Installs the Debian packages Xenia builds and tests with. Idempotent;
# needs root (or sudo) and Debian's apt.
set -euo pipefail
pkgs=(
    build-essential gcc make binutils python3    # toolchain
    gcc-multilib                                 # 32-bit test program (tests/linux)
    kconfig-frontends-nox                        # Kconfig
    libxen-dev                                   # Xen ABI headers, libxenstore
    xen-utils-4.17                               # Xen's test-xenstore client
    libtdb-dev                                   # xenstore database
    qemu-system-x86                              # the test machine
    grub-pc-bin grub-common xorriso mtools       # GRUB2 boot ISO
    clang libclang-rt-14-dev                     # libFuzzer
    xenstore-utils                               # reference xenstore clients
    xz-utils                                     # XZ decoder unit tests
    liblzma-dev                                  # the DomU builder unpacks bzImages
    e2fsprogs                                    # tests/linux blk: the ext4 image (mke2fs -d, e2fsck)
    gdb                                          # tests/bench/linux/breakdown
    linux-source-6.1 flex bison bc libelf-dev    # the lean guest kernel (make guest-kernel)
)
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
        missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
