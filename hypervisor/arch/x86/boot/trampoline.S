/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where an application processor starts after INIT-SIPI-SIPI: in real
 * mode at the start of a page below 1 MiB, to which smpboot.c copies
 * these bytes. They must not depend on where that page is, so every
 * absolute address comes from the parameter block smpboot.c fills in
 * (and %ebx holds the page's address from the first instructions on).
 */
#include <asm/config.h>
#include <asm/msr.h>
#include <asm/processor.h>

#define TR_CS32 0x08
#define TR_DS32 0x10
#define TR_CS64 0x18

#define OFF(sym) ((sym) - trampoline_start)

        .section .rodata.trampoline, "a", @progbits
        .globl  trampoline_start, trampoline_end
        .code16
trampoline_start:
        cli
        cld
        mov     %cs, %ax
        mov     %ax, %ds
        xor     %ebx, %ebx
        mov     %cs, %bx
        shl     $4, %ebx                /* the page's physical address */
        /* Tell smpboot.c we got this far: a hang later is then not SIPI's. */
        movl    $1, OFF(tr_stage)
        lgdtl   OFF(tr_gdtr)
        mov     %cr0, %eax
        or      $X86_CR0_PE, %eax
        mov     %eax, %cr0
        ljmpl   *OFF(tr_jump32)

        .code32
        .globl  trampoline_prot32
trampoline_prot32:
tr_prot32:
        mov     $TR_DS32, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %ss
        movl    $2, OFF(tr_stage)(%ebx)
        mov     $(X86_CR4_PAE | X86_CR4_PSE), %eax
        mov     %eax, %cr4
        mov     OFF(tr_cr3)(%ebx), %eax
        mov     %eax, %cr3
        mov     $MSR_EFER, %ecx
        rdmsr
        or      OFF(tr_efer)(%ebx), %eax
        wrmsr
        mov     $(X86_CR0_PG | X86_CR0_PE | X86_CR0_WP | X86_CR0_NE | X86_CR0_MP), %eax
        mov     %eax, %cr0
        ljmpl   *OFF(tr_jump64)(%ebx)

        .code64
        .globl  trampoline_long64
trampoline_long64:
tr_long64:
        mov     %ebx, %ebx              /* upper halves are undefined here */
        movl    $3, OFF(tr_stage)(%rbx)
        mov     OFF(tr_stack)(%rbx), %rsp
        mov     OFF(tr_cpu)(%rbx), %edi
        mov     OFF(tr_entry)(%rbx), %rax
        xor     %ebp, %ebp              /* ends the frame-pointer chain */
        jmp     *%rax

        .balign 8
        .globl  trampoline_gdt
trampoline_gdt:
tr_gdt:
        .quad   0
        .quad   0x00cf9a000000ffff      /* TR_CS32: flat 32-bit code */
        .quad   0x00cf92000000ffff      /* TR_DS32: flat data */
        .quad   0x00af9a000000ffff      /* TR_CS64 */
tr_gdt_end:

/* The parameter block (struct trampoline_params in smpboot.c). */
        .balign 8
        .globl  trampoline_params
trampoline_params:
tr_gdtr:
        .word   tr_gdt_end - tr_gdt - 1
        .long   0                       /* base: page + OFF(tr_gdt) */
        .word   0
tr_jump32:
        .long   0                       /* page + OFF(tr_prot32) */
        .word   TR_CS32, 0
tr_jump64:
        .long   0                       /* page + OFF(tr_long64) */
        .word   TR_CS64, 0
tr_cr3:
        .long   0
tr_efer:
        .long   0
tr_stage:
        .long   0
tr_cpu:
        .long   0
tr_stack:
        .quad   0
tr_entry:
        .quad   0
trampoline_end:
