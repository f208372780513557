#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Builds a GRUB2 rescue ISO that boots Xenia, with a Dom0 kernel and
# initrd when given. The grub.cfg is what an admin writes for Xen, with
# the hypervisor binary swapped.
#
#   DOM0_KERNEL=path  DOM0_INITRD=path   (default: none)
#   XEN_CMDLINE="..."  DOM0_CMDLINE="..."  ISO=build/xenia.iso
#   XEN_IMAGE=path (default build/xenia; e.g. Xen's own, to compare)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
iso=${ISO:-$build/xenia.iso}
xen_cmdline=${XEN_CMDLINE:-"console=com1 com1=115200,8n1 loglvl=all guest_loglvl=all noreboot"}
dom0_cmdline=${DOM0_CMDLINE:-"console=hvc0 earlyprintk=xen"}
kernel=${DOM0_KERNEL:-}
initrd=${DOM0_INITRD:-}

die() { echo "mkiso: $*" >&2; exit 1; }
image=${XEN_IMAGE:-$build/xenia}
[ -f "$image" ] || die "no hypervisor image at $image: run make first"
[ -z "$kernel" ] || [ -f "$kernel" ] || die "DOM0_KERNEL '$kernel' not found"
[ -z "$initrd" ] || [ -f "$initrd" ] || die "DOM0_INITRD '$initrd' not found"
[ -z "$initrd" ] || [ -n "$kernel" ] || die "DOM0_INITRD given without DOM0_KERNEL"
command -v grub-mkrescue >/dev/null || die "grub-mkrescue missing (apt-get install grub-common grub-pc-bin xorriso mtools)"

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/boot/grub"
cp "$image" "$stage/boot/xenia"
{
    echo "serial --unit=0 --speed=115200 --word=8 --parity=no --stop=1"
    echo "terminal_input serial console"
    echo "terminal_output serial console"
    echo "set timeout=0"
    echo "menuentry 'Xenia' {"
    echo "    multiboot2 /boot/xenia $xen_cmdline"
    if [ -n "$kernel" ]; then
        cp "$kernel" "$stage/boot/dom0-kernel"
        echo "    module2 /boot/dom0-kernel $dom0_cmdline"
    fi
    if [ -n "$initrd" ]; then
        cp "$initrd" "$stage/boot/dom0-initrd"
        echo "    module2 /boot/dom0-initrd"
    fi
    echo "}"
} > "$stage/boot/grub/grub.cfg"
mkdir -p "$(dirname "$iso")"
# The log must live outside the tree being imaged: xorriso refuses a file
# whose size changes while it is added (seen as a flaky "MISHAP" in CI).
log="$iso.mkrescue.log"
grub-mkrescue -o "$iso" "$stage" >"$log" 2>&1 ||
    { cat "$log" >&2; die "grub-mkrescue failed"; }
echo "mkiso: $iso (kernel: ${kernel:-none}, initrd: ${initrd:-none})"
