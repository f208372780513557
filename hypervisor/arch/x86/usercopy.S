/* SPDX-License-Identifier: GPL-2.0-only */
/* Copies that may fault on guest addresses: they stop, they never crash. */

/*
 * size_t raw_copy(void *dst, const void *src, size_t n): returns the
 * number of bytes NOT copied. Eight bytes at a time, then the tail: a
 * rep counts one step per element, and under emulation (QEMU's -icount)
 * one instruction each, so bytes would cost eight times as much. A fault
 * lands at the fixups (see .ex_table) with %rcx still counting what is
 * left of that rep.
 */
        .text
        .globl  raw_copy
raw_copy:
        mov     %rdx, %rcx
        shr     $3, %rcx
        and     $7, %edx
1:      rep movsq
        mov     %rdx, %rcx
2:      rep movsb
3:      mov     %rcx, %rax
        ret
4:      lea     (%rdx, %rcx, 8), %rax   /* qwords left, and the tail */
        ret
        .pushsection .ex_table, "a", @progbits
        .quad   1b, 4b
        .quad   2b, 3b
        .popsection
