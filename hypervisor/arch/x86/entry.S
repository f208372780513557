/* SPDX-License-Identifier: GPL-2.0-only */
/* Exception and interrupt entry: build a struct cpu_user_regs, call C. */
#include <asm/asm_defns.h>
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
        .if \vec == 1
        jmp     debug_ist_entry
        .elseif \vec == 14
        jmp     page_fault_entry
        .else
        jmp     common_entry
        .endif
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

/*
 * #DB arrives on its own IST stack. One from Xenia (a guest's breakpoint
 * hit by Xenia's access to guest memory, or held back by mov %ss into the
 * SYSCALL entry) is handled there. One from a guest moves its frame to
 * the guest frame at the top of the normal stack, where every other guest
 * entry builds it, and continues there: delivering it touches guest
 * memory, which may hit another breakpoint and reuse the IST stack.
 */
debug_ist_entry:
        testb   $3, 16(%rsp)            /* cs */
        jz      common_entry
        push    %rax
        push    %rcx
        mov     %rsp, %rax
        or      $(STACK_SIZE - 1), %rax
        sub     $(CPU_INFO_RESERVE - 1), %rax   /* the guest frame */
        mov     16(%rsp), %rcx
        mov     %rcx, UREGS_error_code(%rax)
        mov     24(%rsp), %rcx
        mov     %rcx, UREGS_rip(%rax)
        mov     32(%rsp), %rcx
        mov     %rcx, UREGS_cs(%rax)
        mov     40(%rsp), %rcx
        mov     %rcx, UREGS_rflags(%rax)
        mov     48(%rsp), %rcx
        mov     %rcx, UREGS_rsp(%rax)
        mov     56(%rsp), %rcx
        mov     %rcx, UREGS_ss(%rax)
        pop     %rcx
        xchg    (%rsp), %rax
        mov     (%rsp), %rsp
        add     $UREGS_error_code, %rsp
        jmp     common_entry

/*
 * A #PF from a guest (the TSS put its frame at the top of the stack)
 * tries pv_page_fault_fast first, on the caller-saved half of the frame
 * and with interrupts still off, as lstar_enter does. One from the guest
 * kernel (a write to its own L1 to emulate, mostly) saves the rest of the
 * frame and goes to pv_kernel_page_fault without do_trap's dispatch.
 */
page_fault_entry:
        testb   $3, 16(%rsp)            /* cs */
        jz      common_entry
        cld
        SAVE_SCRATCH
        mov     %rsp, %rdi
        call    pv_page_fault_fast
        test    %eax, %eax
        jnz     1f
        RESTORE_SCRATCH
        add     $8, %rsp
2:      iretq
1:      SAVE_PRESERVED
        cmp     $PV_FAST_EXIT, %eax
        je      ret_to_guest
        cmp     $PV_FAST_KERNEL_PF, %eax
        jne     common_entry_saved
        /* As common_entry_saved, but no do_trap: the frame is a guest's. */
        mov     %rsp, %rdi
        push    UREGS_rip(%rdi)
        push    %rbp
        mov     %rsp, %rbp
        call    pv_kernel_page_fault
        add     $16, %rsp
        jmp     ret_to_guest
        .pushsection .ex_table, "a", @progbits
        .quad   2b, iret_to_guest_faulted
        .popsection

common_entry:
        SAVE_ALL
common_entry_saved:
        mov     %rsp, %rdi
        /* A frame record so stack traces walk into the interrupted code. */
        push    UREGS_rip(%rdi)
        push    %rbp
        mov     %rsp, %rbp
        call    do_trap
        add     $16, %rsp
        /*
         * From a guest, the frame sits at the top of the CPU's stack (the
         * TSS put it there); leave through the guest exit path, which
         * delivers events and reschedules. NMIs and machine checks from a
         * guest arrive on IST stacks and simply return.
         */
        testb   $3, UREGS_cs(%rsp)
        jz      1f
        mov     %rsp, %rax
        or      $(STACK_SIZE - 1), %rax
        sub     $(CPU_INFO_RESERVE - 1), %rax
        cmp     %rax, %rsp
        je      ret_to_guest
1:
        RESTORE_ALL
        add     $8, %rsp        /* error code and vector */
        iretq
