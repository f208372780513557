/* SPDX-License-Identifier: GPL-2.0-only */
/* Entry point, Xen ELF notes and the low-level trap/callback stubs of the guest test runtime. */

#include <xen/elfnote.h>
#include <xen/features.h>
#include <xen/xen.h>
#include "asm.h"

/*
 * One ELF note in the "Xen" namespace; \desc emits the descriptor. The
 * loader reads numeric notes of 1, 2, 4 or 8 bytes, so addresses are .quad.
 */
.macro xen_note type, desc:vararg
    .pushsection .note.Xen, "a", @note
    .balign 4
    .long 2f - 1f
    .long 4f - 3f
    .long \type
1:  .asciz "Xen"
2:  .balign 4
3:  \desc
4:  .balign 4
    .popsection
.endm

    xen_note XEN_ELFNOTE_GUEST_OS, .asciz "Xenia-guest-test"
    xen_note XEN_ELFNOTE_GUEST_VERSION, .asciz "1"
    /* The loader refuses images whose version does not start "xen-3.0". */
    xen_note XEN_ELFNOTE_XEN_VERSION, .asciz "xen-3.0"
    /* Without LOADER "generic" only GUEST_OS "linux" would be accepted. */
    xen_note XEN_ELFNOTE_LOADER, .asciz "generic"
    xen_note XEN_ELFNOTE_VIRT_BASE, .quad GUEST_VIRT_BASE
    /* p_paddr = vaddr - VIRT_BASE (see link.ld), so no extra offset. */
    xen_note XEN_ELFNOTE_PADDR_OFFSET, .quad 0
    xen_note XEN_ELFNOTE_ENTRY, .quad _start
    xen_note XEN_ELFNOTE_HYPERCALL_PAGE, .quad hypercall_page
    xen_note XEN_ELFNOTE_FEATURES, .asciz "!writable_page_tables"
    /* A hardware domain kernel must declare XENFEAT_dom0 if it has this note. */
    xen_note XEN_ELFNOTE_SUPPORTED_FEATURES, \
        .long (1 << XENFEAT_writable_page_tables) | (1 << XENFEAT_dom0)

    .text
/*
 * Entry from the domain builder: rsi = start_info, rsp = top of the boot
 * stack, other GPRs zero (for dom0). Everything is recorded before any
 * register is touched so boot-contract can check the entry state.
 */
GLOBAL(_start)
    mov %rax, boot_regs + BR_RAX(%rip)
    mov %rbx, boot_regs + BR_RBX(%rip)
    mov %rcx, boot_regs + BR_RCX(%rip)
    mov %rdx, boot_regs + BR_RDX(%rip)
    mov %rsi, boot_regs + BR_RSI(%rip)
    mov %rdi, boot_regs + BR_RDI(%rip)
    mov %rbp, boot_regs + BR_RBP(%rip)
    mov %rsp, boot_regs + BR_RSP(%rip)
    mov %r8, boot_regs + BR_R8(%rip)
    mov %r9, boot_regs + BR_R9(%rip)
    mov %r10, boot_regs + BR_R10(%rip)
    mov %r11, boot_regs + BR_R11(%rip)
    mov %r12, boot_regs + BR_R12(%rip)
    mov %r13, boot_regs + BR_R13(%rip)
    mov %r14, boot_regs + BR_R14(%rip)
    mov %r15, boot_regs + BR_R15(%rip)
    pushfq
    popq boot_regs + BR_RFLAGS(%rip)
    mov %cs, boot_regs + BR_CS(%rip)
    mov %ss, boot_regs + BR_SS(%rip)
    mov %ds, boot_regs + BR_DS(%rip)
    mov %es, boot_regs + BR_ES(%rip)
    mov %fs, boot_regs + BR_FS(%rip)
    mov %gs, boot_regs + BR_GS(%rip)

    lea boot_stack + BOOT_STACK_SIZE(%rip), %rsp
    mov %rsi, %rdi
    call runtime_main
    ud2

/*
 * Exception entry. Xen leaves rcx and r11 of the interrupted context on top
 * of the hardware-style frame ([err], rip, cs, rflags, rsp, ss), because its
 * own return path through sysret clobbers them.
 */
.macro trap_entry vec, has_err
GLOBAL(trap_entry_\vec)
    mov %rsp, trap_entry_rsp(%rip)
    pop %rcx
    pop %r11
    .if !\has_err
    push $0
    .endif
    push $\vec
    jmp trap_common
.endm

    trap_entry 0, 0
    trap_entry 1, 0
    trap_entry 2, 0
    trap_entry 3, 0
    trap_entry 4, 0
    trap_entry 5, 0
    trap_entry 6, 0
    trap_entry 7, 0
    trap_entry 8, 1
    trap_entry 9, 0
    trap_entry 10, 1
    trap_entry 11, 1
    trap_entry 12, 1
    trap_entry 13, 1
    trap_entry 14, 1
    trap_entry 16, 0
    trap_entry 17, 1
    trap_entry 18, 0
    trap_entry 19, 0
    trap_entry 20, 0
    trap_entry 21, 1
    /* Software interrupt used by the traps test (int $0x80, DPL 3). */
    trap_entry 128, 0

/* The event upcall has no error code; it reaches C as pseudo-vector 256. */
GLOBAL(event_callback_entry)
    mov %rsp, trap_entry_rsp(%rip)
    pop %rcx
    pop %r11
    push $0
    push $VEC_EVENT
    jmp trap_common

/* 64-bit syscall from guest user mode (rcx = user rip, r11 = user rflags). */
GLOBAL(syscall_callback_entry)
    mov %rsp, trap_entry_rsp(%rip)
    pop %rcx
    pop %r11
    push $0
    push $VEC_SYSCALL
    jmp trap_common

/*
 * Failsafe callback: Xen could not load a segment or iret. The frame holds
 * rcx, r11, ds, es, fs, gs before the usual rip..ss; report it to C.
 */
GLOBAL(failsafe_callback_entry)
    mov %rsp, %rdi
    and $-16, %rsp
    call failsafe_report
    ud2

/* Saves every GPR as struct trap_regs, calls C, then returns via iret. */
trap_common:
    push %rax
    push %rbx
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %rbp
    push %r8
    push %r9
    push %r10
    push %r11
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, %rdi
    mov %rsp, %rbp
    and $-16, %rsp
    call trap_dispatch
    mov %rbp, %rsp
GLOBAL(trap_return)
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rbp
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rbx
    pop %rax
    add $16, %rsp
    /* rsp -> rip, cs, rflags, rsp, ss: finish with HYPERVISOR_iret. */
    jmp hypercall_iret_frame

/*
 * HYPERVISOR_iret with rsp pointing at rip, cs, rflags, rsp, ss. The
 * hypercall page's iret entry pushes rcx, r11 and rax itself and is jumped
 * to; the direct form does the same pushes and a bare syscall, as Linux.
 */
GLOBAL(hypercall_iret_frame)
    pushq $0
    cmpb $0, iret_use_page(%rip)
    jne 1f
    push %rcx
    push %r11
    push %rax
    mov $__HYPERVISOR_iret, %eax
    syscall
    ud2
1:  jmp hypercall_page + __HYPERVISOR_iret * 32

/*
 * long user_enter(struct user_ctx *ctx): saves the callee-saved state in
 * ctx, then irets to ctx->rip/rsp in guest user mode. It returns (with the
 * value given to user_return()) when a trap or syscall handler calls
 * user_return(ctx, value).
 */
GLOBAL(user_enter)
    mov %rbx, UC_RBX(%rdi)
    mov %rbp, UC_RBP(%rdi)
    mov %r12, UC_R12(%rdi)
    mov %r13, UC_R13(%rdi)
    mov %r14, UC_R14(%rdi)
    mov %r15, UC_R15(%rdi)
    mov %rsp, UC_KSP(%rdi)
    /* Build rip, cs, rflags, rsp, ss for iret to user mode. */
    pushq $FLAT_USER_SS
    pushq UC_USP(%rdi)
    pushq UC_RFLAGS(%rdi)
    pushq $FLAT_USER_CS
    pushq UC_RIP(%rdi)
    mov UC_ARG(%rdi), %rdi
    xor %eax, %eax
    xor %ecx, %ecx
    xor %r11d, %r11d
    jmp hypercall_iret_frame

/* void user_return(struct user_ctx *ctx, long value): back into user_enter. */
GLOBAL(user_return)
    mov UC_RBX(%rdi), %rbx
    mov UC_RBP(%rdi), %rbp
    mov UC_R12(%rdi), %r12
    mov UC_R13(%rdi), %r13
    mov UC_R14(%rdi), %r14
    mov UC_R15(%rdi), %r15
    mov UC_KSP(%rdi), %rsp
    mov %rsi, %rax
    ret

    .data
GLOBAL(iret_use_page)
    .byte 0

    .section .text.hypercall_page, "ax"
    .balign PAGE_SIZE
/* Filled by the domain builder because of XEN_ELFNOTE_HYPERCALL_PAGE. */
GLOBAL(hypercall_page)
    .fill PAGE_SIZE, 1, 0xcc
