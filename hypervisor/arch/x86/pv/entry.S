/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Entering the hypervisor from a 64-bit PV guest by SYSCALL (on to
 * pv_syscall_entry in hypercall.c), and leaving (pv_exit_to_guest).
 */
#include <asm/asm_defns.h>
#include <asm/config.h>

/*
 * SYSCALL does not switch stacks. Each CPU's trampoline (written by
 * pv_syscall_init_cpu) has that CPU's guest frame address baked in: it
 * parks the guest's %rax in the frame's ss slot, switches to the frame,
 * pushes the guest's %rsp into the rsp slot and jumps here. Interrupts
 * are off (SFMASK clears IF, and DF).
 *
 * The fast path (pv_syscall_fast: a user's system call, the kernel's
 * HYPERVISOR_iret) runs on the caller-saved half of the frame and, unless
 * there is work on the way out, returns straight to the guest; everything
 * else gets the whole frame and the general path.
 */
        .text
        .globl  lstar_enter
lstar_enter:
        mov     8(%rsp), %rax
        movq    $FLAT_KERNEL_SS_ASM, 8(%rsp)
        push    %r11                    /* rflags, as SYSCALL saved them */
        pushq   $FLAT_KERNEL_CS_ASM
        push    %rcx                    /* rip */
        pushq   $0
        movl    $TRAP_syscall, 4(%rsp)
        SAVE_SCRATCH
        mov     %rsp, %rdi
        call    pv_syscall_fast
        test    %eax, %eax
        jnz     1f
        RESTORE_SCRATCH
        add     $8, %rsp
3:      iretq
1:      SAVE_PRESERVED
        cmp     $PV_FAST_EXIT, %eax
        je      ret_to_guest
        mov     %rsp, %rdi
        xor     %ebp, %ebp              /* guest %rbp is no frame of ours */
        sti
        cmp     $PV_FAST_HYPERCALL, %eax
        jne     4f
        call    pv_hypercall            /* what pv_syscall_entry would call */
        jmp     ret_to_guest
4:      call    pv_syscall_entry
        jmp     ret_to_guest

        .globl  cstar_enter
cstar_enter:
        mov     8(%rsp), %rax
        movq    $FLAT_KERNEL_SS_ASM, 8(%rsp)
        push    %r11
        pushq   $FLAT_RING3_CS32_ASM
        push    %rcx
        pushq   $0
        movl    $TRAP_syscall32, 4(%rsp)
        SAVE_ALL
        mov     %rsp, %rdi
        xor     %ebp, %ebp
        sti
        call    pv_syscall_entry
        jmp     ret_to_guest

/*
 * SYSENTER (from compat mode; from 64-bit mode on Intel) lands here on
 * the CPU's guest frame (MSR_IA32_SYSENTER_ESP) with interrupts off. It
 * saves neither the user's %eip nor %esp: as on Xen, the frame says
 * rip 0, rsp 0, cs 3, ss the flat user SS, and the guest kernel finds
 * what it needs in the registers (Linux: %ebp holds the user %esp).
 * Beyond IF, SYSENTER clears none of the guest's flags: its TF
 * single-steps this code until the POPFQ (the ring-0 #DB handler lets
 * it), its NT would make Xenia's own IRETQ fault and C code wants DF
 * clear, so the guest's flags are saved first and then all cleared.
 */
        .globl  sysenter_enter
sysenter_enter:
        pushq   $FLAT_KERNEL_SS_ASM     /* ss: FLAT_USER_SS */
        pushq   $0                      /* rsp */
        pushfq
        pushq   $2
        popfq
        orl     $0x200, (%rsp)          /* IF: the guest had it on */
        pushq   $3                      /* cs: a null ring-3 selector */
        pushq   $0                      /* rip */
        pushq   $0
        movl    $TRAP_sysenter, 4(%rsp)
        SAVE_ALL
        mov     %rsp, %rdi
        xor     %ebp, %ebp
        sti
        call    pv_sysenter_entry
        jmp     ret_to_guest

/*
 * With %rsp at the CPU's guest frame: deliver what is pending (events,
 * reschedule, which may swap the frame's contents for another vCPU) with
 * interrupts off so nothing new slips in, then return to the guest.
 */
        .globl  ret_to_guest
ret_to_guest:
        cli
        mov     %rsp, %rdi
        call    pv_exit_to_guest
        RESTORE_ALL
        add     $8, %rsp
1:      iretq

/*
 * The IRETQ faulted in ring 0 (another vCPU changed a descriptor after
 * HYPERVISOR_iret checked it): the fault's own frame is gone and %rsp
 * points at the guest frame's rip again, with the guest's registers
 * loaded. Rebuild the frame where it was and let C deal with the vCPU.
 */
        .globl  iret_to_guest_faulted
iret_to_guest_faulted:
2:      pushq   $0
        SAVE_ALL
        mov     %rsp, %rdi
        xor     %ebp, %ebp
        call    pv_iret_faulted
        jmp     ret_to_guest
        .pushsection .ex_table, "a", @progbits
        .quad   1b, 2b
        .quad   3b, 2b
        .popsection

/* Start running the vCPU whose registers are in this CPU's frame. */
        .globl  pv_enter_first_guest
pv_enter_first_guest:
        mov     %rdi, %rsp
        jmp     ret_to_guest
