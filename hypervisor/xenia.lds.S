/* SPDX-License-Identifier: GPL-2.0-only */
/* Link map: the image runs at XEN_VIRT_START + phys, loaded at 2 MiB. */
#define __ASSEMBLY__
#include <asm/config.h>

OUTPUT_FORMAT("elf64-x86-64")
OUTPUT_ARCH(i386:x86-64)
ENTRY(start)

#define LMA(s) AT(ADDR(s) - XEN_VIRT_START)

PHDRS
{
    image PT_LOAD FLAGS(7);
}

SECTIONS
{
    . = XEN_VIRT_START + XEN_LOAD_PHYS;
    _start = .;

    /* The Multiboot headers must be in the first 8 KiB of the file. */
    .text : LMA(.text) {
        _stext = .;
        *(.text.head)
        *(.text .text.*)
        *(.fixup)
        _etext = .;
    } :image

    .rodata : LMA(.rodata) {
        *(.rodata .rodata.* .rodata.boot)
    } :image

    .ex_table : LMA(.ex_table) {
        . = ALIGN(8);
        __start_ex_table = .;
        *(.ex_table)
        __stop_ex_table = .;
    } :image

    .param : LMA(.param) {
        . = ALIGN(8);
        __param_start = .;
        *(.data.param)
        __param_end = .;
    } :image

    .data : LMA(.data) {
        . = ALIGN(4096);
        *(.data.page_aligned)
        *(.data .data.* .data.boot)
    } :image

    /*
     * The symbol table comes last of the loaded image: it only lists text
     * symbols, so regenerating it between the two links moves nothing it
     * describes.
     */
    .symbols : LMA(.symbols) {
        . = ALIGN(8);
        *(.rodata.symbols)
    } :image

    . = ALIGN(4096);
    __bss_start = .;
    .bss : LMA(.bss) {
        *(.bss.stack_aligned)
        *(.bss.page_aligned)
        *(.bss .bss.* COMMON)
    } :image
    . = ALIGN(4096);
    __bss_end = .;
    _end = .;

    /DISCARD/ : {
        *(.eh_frame) *(.note.gnu.property) *(.comment) *(.note.GNU-stack)
    }
}

ASSERT(_end - XEN_VIRT_START < XEN_IMAGE_MAX, "image too large for the boot mapping")
