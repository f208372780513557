#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Wraps the 64-bit hypervisor's loadable bytes in a 32-bit ELF whose one
# segment sits at the physical load address, as Xen's mkelf32 does:
# QEMU's Multiboot loader refuses 64-bit ELFs, and GRUB takes either.
set -euo pipefail
in=$1 out=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sym() { nm "$in" | awk -v s="$1" '$3 == s { print $1 }'; }
virt=0x$(sym _start); end=0x$(sym _end); entry=0x$(sym start)
base=$((0xffff82d080000000))
phys=$((virt - base)); memsz=$((end - virt)); entry_phys=$((entry - base))
objcopy -O binary "$in" "$tmp/image.bin"
filesz=$(stat -c %s "$tmp/image.bin")
(cd "$tmp" && objcopy -I binary -O elf32-i386 -B i386 \
    --rename-section .data=.image,alloc,load,contents,code image.bin image.o)
cat > "$tmp/wrap.lds" <<LDS
OUTPUT_FORMAT("elf32-i386")
PHDRS { image PT_LOAD FLAGS(7); }
SECTIONS {
    . = $phys;
    .image : { *(.image) } :image
    .bss (NOLOAD) : { . = . + $((memsz - filesz)); } :image
}
LDS
ld -m elf_i386 -z max-page-size=0x1000 --no-warn-rwx-segments -T "$tmp/wrap.lds" \
    -e "$entry_phys" -o "$out" "$tmp/image.o"
