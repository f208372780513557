/* SPDX-License-Identifier: GPL-2.0-only */
/* Copies that may fault on guest addresses: they stop, they never crash. */

/*
 * size_t raw_copy(void *dst, const void *src, size_t n): returns the
 * number of bytes NOT copied. A fault in the rep movsb lands at the fixup
 * (see .ex_table), where %rcx still counts what is left.
 */
        .text
        .globl  raw_copy
raw_copy:
        mov     %rdx, %rcx
1:      rep movsb
2:      mov     %rcx, %rax
        ret
        .pushsection .ex_table, "a", @progbits
        .quad   1b, 2b
        .popsection

/* size_t raw_clear(void *dst, size_t n): bytes NOT cleared. */
        .globl  raw_clear
raw_clear:
        mov     %rsi, %rcx
        xor     %eax, %eax
3:      rep stosb
4:      mov     %rcx, %rax
        ret
        .pushsection .ex_table, "a", @progbits
        .quad   3b, 4b
        .popsection
