/* SPDX-License-Identifier: GPL-2.0-only */
/* Assembly helpers: saving and restoring a struct cpu_user_regs frame. */
#ifndef ASM_ASM_DEFNS_H
#define ASM_ASM_DEFNS_H

/* Offsets in struct cpu_user_regs (checked in traps.c). */
#define UREGS_rax          0x50
#define UREGS_error_code   0x78
#define UREGS_entry_vector 0x7c
#define UREGS_rip          0x80
#define UREGS_cs           0x88
#define UREGS_rflags       0x90
#define UREGS_rsp          0x98
#define UREGS_ss           0xa0
#define UREGS_es           0xa8 /* end of the hardware frame */

/* entry_vector values beyond the IDT's, for entries by instruction. */
#define TRAP_syscall   0x100
#define TRAP_syscall32 0x101
#define TRAP_sysenter  0x102

/* What an entry does after its fast path (pv/fastpath.c). */
#define PV_FAST_DONE 0 /* the frame is ready: straight back to the guest */
#define PV_FAST_EXIT 1 /* ready, with work on the way out: ret_to_guest */
#define PV_FAST_SLOW 2 /* nothing done: the general path */
/* A guest kernel's #PF: straight to pv_kernel_page_fault(), whole frame saved. */
#define PV_FAST_KERNEL_PF 3

#ifdef __ASSEMBLY__
/* Push order leaves %rsp pointing at the frame (r15 first). */
.macro PUSH_SCRATCH
        push    %rdi
        push    %rsi
        push    %rdx
        push    %rcx
        push    %rax
        push    %r8
        push    %r9
        push    %r10
        push    %r11
.endm

.macro SAVE_ALL
        cld
        PUSH_SCRATCH
        push    %rbx
        push    %rbp
        push    %r12
        push    %r13
        push    %r14
        push    %r15
.endm

/*
 * The fast paths save what C may clobber and leave room for the rest,
 * which they fill (SAVE_PRESERVED) only when the frame must be whole.
 */
.macro SAVE_SCRATCH
        PUSH_SCRATCH
        sub     $(6 * 8), %rsp
.endm

.macro SAVE_PRESERVED
        mov     %rbx, 0x28(%rsp)
        mov     %rbp, 0x20(%rsp)
        mov     %r12, 0x18(%rsp)
        mov     %r13, 0x10(%rsp)
        mov     %r14, 0x08(%rsp)
        mov     %r15, 0x00(%rsp)
.endm

.macro POP_SCRATCH
        pop     %r11
        pop     %r10
        pop     %r9
        pop     %r8
        pop     %rax
        pop     %rcx
        pop     %rdx
        pop     %rsi
        pop     %rdi
.endm

.macro RESTORE_SCRATCH
        add     $(6 * 8), %rsp
        POP_SCRATCH
.endm

.macro RESTORE_ALL
        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %rbp
        pop     %rbx
        POP_SCRATCH
.endm
#endif

#endif /* ASM_ASM_DEFNS_H */
