/* SPDX-License-Identifier: GPL-2.0-only */
/* Exception and interrupt entry: build a struct cpu_user_regs, call C. */
#include <asm/config.h>

/*
 * Every vector gets a stub that makes the frame uniform: a zero error
 * code where the CPU pushes none, and the vector number in the upper half
 * of that slot, which is where struct cpu_user_regs keeps entry_vector.
 */
.macro stub vec
        .balign 16
stub_\vec:
        .if (\vec == 8) || (\vec >= 10 && \vec <= 14) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30)
        movl    $\vec, 4(%rsp)  /* the CPU pushed an error code */
        .else
        pushq   $0
        movl    $\vec, 4(%rsp)
        .endif
        jmp     common_entry
        .pushsection .rodata.entry_stubs, "a", @progbits
        .quad   stub_\vec
        .popsection
.endm

        .pushsection .rodata.entry_stubs, "a", @progbits
        .balign 8
        .globl  entry_stubs
entry_stubs:
        .popsection

        .text
        .altmacro
        .set    v, 0
        .rept   256
        stub    %v
        .set    v, v + 1
        .endr

/* Push order makes %rsp point at struct cpu_user_regs (r15 first). */
common_entry:
        cld
        push    %rdi
        push    %rsi
        push    %rdx
        push    %rcx
        push    %rax
        push    %r8
        push    %r9
        push    %r10
        push    %r11
        push    %rbx
        push    %rbp
        push    %r12
        push    %r13
        push    %r14
        push    %r15
        mov     %rsp, %rdi
        /* A frame record so stack traces walk from the handler into the
         * interrupted code. */
        push    0x80(%rdi)      /* regs->rip */
        push    %rbp
        mov     %rsp, %rbp
        call    do_trap
        add     $16, %rsp
        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %rbp
        pop     %rbx
        pop     %r11
        pop     %r10
        pop     %r9
        pop     %r8
        pop     %rax
        pop     %rcx
        pop     %rdx
        pop     %rsi
        pop     %rdi
        add     $8, %rsp        /* error code and vector */
        iretq
