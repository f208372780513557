/* SPDX-License-Identifier: GPL-2.0-only */
/* The hostile test kernel, carried whole for Dom0 to build a DomU from. */
    .section .rodata.hostile_image, "a"
    .balign 4096
    .globl hostile_image, hostile_image_end
hostile_image:
    .incbin HOSTILE_ELF
hostile_image_end:
    .section .note.GNU-stack, "", @progbits
