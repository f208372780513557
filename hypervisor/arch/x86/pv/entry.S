/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Entering the hypervisor from a 64-bit PV guest by SYSCALL (on to
 * pv_syscall_entry in hypercall.c), and leaving (pv_exit_to_guest).
 */
#include <asm/asm_defns.h>
#include <asm/config.h>
#include <asm/eflags.h>
#include <asm/pv_entry_offsets.h> /* generated: arch/x86/offsets/ */

/*
 * SYSCALL does not switch stacks. Each CPU's trampoline (written by
 * pv_syscall_init_cpu) has that CPU's guest frame address baked in: it
 * parks the guest's %rax in the frame's ss slot, points %rsp at the frame
 * (below it, Xenia's stack), stores the guest's %rsp in the rsp slot and
 * jumps here, with %rax holding that %rsp too. Interrupts are off (SFMASK
 * clears IF, and DF).
 *
 * The two trips of every system call a 64-bit PV guest's user makes run
 * here in assembly from entry to IRETQ with interrupts off: the user's
 * SYSCALL bounced to its kernel's syscall callback, and the kernel's
 * HYPERVISOR_iret back. They use %rdx (the vCPU), %rsi and %rdi, saved
 * in their frame slots first, and %rax; %rcx and %r11 keep what SYSCALL
 * put there until the iret loads the frame's. Every guest value is
 * checked as the C code checks it (pv_bounce.h, iret.c, guest_access.h),
 * each read once, and each guest memory access has an exception-table
 * entry: until the commit point everything unusual goes to the general
 * path (slow, below) with the vCPU as it was, the frame's hardware part
 * rebuilt from the registers SYSCALL left. After the commit nothing can
 * fail; one branch remains, the work ret_to_guest would do (exit_work).
 *
 * No SYSRET: under icount it is one instruction as IRETQ is, and it would
 * need %rcx, %r11 and %rsp loaded from the frame first; on hardware it
 * would also need the selector pair to be the flat ones STAR names.
 */

/* A guest memory access: on a fault, continue at fixup. */
.macro GUEST_ACCESS fixup, insn:vararg
99:     \insn
        .pushsection .ex_table, "a", @progbits
        .quad   99b, \fixup
        .popsection
.endm

/* guest_range_ok(va, len) or to bad: not wrapping, and in a guest half. */
.macro GUEST_RANGE va, len, t1, t2, bad
        lea     (\len - 1)(\va), \t1
        cmp     \va, \t1
        jb      \bad
        movabs  $0xffff880000000000, \t2 /* HYPERVISOR_VIRT_END */
        cmp     \t2, \va
        jae     .Lrange_ok\@
        shr     $47, \t1                /* the last byte below 2^47 */
        jnz     \bad
.Lrange_ok\@:
.endm

/*
 * toggle_guest_mode() for the vCPU in %rdx, to the given mode and page
 * table; clobbers %rsi and %rdi. The TLB flush clock ticks as in
 * write_cr3_flush (flushtlb.c): tick, load CR3, then record the tick as
 * this CPU's last flush. Skipping both would be safe (an older time only
 * keeps this CPU in more of tlbflush_filter()'s masks), but those extra
 * flushes could cost the guest's fork and exit more than the five
 * instructions saved here (not measured).
 */
.macro GUEST_MODE_SWITCH table, kernel
        movb    $\kernel, VCPU_kernel_mode(%rdx)
        swapgs
        mov     \table(%rdx), %rdi
        shl     $12, %rdi               /* mfn_to_maddr */
        mov     $1, %esi
        lock xadd %rsi, tlbflush_clock(%rip)
        mov     %rdi, %cr3
        mov     CPUINFO_tlbflush_time(%rsp), %rdi
        inc     %rsi
        xchg    %rsi, (%rdi)
.endm

/* The rest of the guest's registers into the frame, by mov. */
.macro SAVE_OTHERS
        mov     %rax, UREGS_rax(%rsp)
        mov     %rcx, UREGS_rcx(%rsp)
        mov     %r8, UREGS_r8(%rsp)
        mov     %r9, UREGS_r9(%rsp)
        mov     %r10, UREGS_r10(%rsp)
        mov     %r11, UREGS_r11(%rsp)
        SAVE_PRESERVED
.endm

/*
 * The whole frame, as the general path wants it, from where the entry
 * started: %rdx, %rsi and %rdi in their slots, the guest's %rax in the ss
 * slot, its %rsp in the rsp slot, %rcx and %r11 as SYSCALL left them.
 */
.macro SYSCALL_FRAME
        mov     UREGS_ss(%rsp), %rax
        movq    $FLAT_KERNEL_SS_ASM, UREGS_ss(%rsp)
        mov     %r11, UREGS_rflags(%rsp)
        movq    $FLAT_KERNEL_CS_ASM, UREGS_cs(%rsp)
        mov     %rcx, UREGS_rip(%rsp)
        movq    $0, UREGS_error_code(%rsp)
        movl    $TRAP_syscall, UREGS_entry_vector(%rsp)
        SAVE_OTHERS
        mov     %rsp, %rdi
        xor     %ebp, %ebp              /* guest %rbp is no frame of ours */
        sti
.endm

        .text
        .globl  lstar_enter
lstar_enter:
        mov     %rdx, UREGS_rdx(%rsp)
        mov     %rsi, UREGS_rsi(%rsp)
        mov     %rdi, UREGS_rdi(%rsp)
        mov     CPUINFO_current_vcpu(%rsp), %rdx
        cmpb    $0, VCPU_kernel_mode(%rdx)
        jne     kernel_syscall

        /* A user's system call: pv_syscall_entry()'s bounce. */
        mov     VCPU_syscall_callback_eip(%rdx), %rax
        test    %rax, %rax
        jz      slow                    /* no callback: #UD */
        mov     %rax, UREGS_rip(%rsp)   /* read once; slow rebuilds the slot */
        GUEST_MODE_SWITCH VCPU_guest_table, 1
        mov     VCPU_kernel_sp(%rdx), %rax
        and     $-16, %rax
        sub     $(7 * 8), %rax
        GUEST_RANGE %rax, 56, %rsi, %rdi, bounce_bad
        /* rcx, r11, rip, cs | mask << 32, rflags, rsp, ss: bounce_frame_write() */
        mov     VCPU_vcpu_info(%rdx), %rdi
        movzbl  VCPUINFO_upcall_mask(%rdi), %esi
        mov     %r11, %rdi
        and     $~(X86_EFLAGS_IF | X86_EFLAGS_IOPL), %rdi
        test    %esi, %esi
        jnz     1f
        or      $X86_EFLAGS_IF, %rdi
1:      GUEST_ACCESS bounce_bad, mov %rdi, 32(%rax)
        shl     $32, %rsi
        or      $FLAT_KERNEL_CS_ASM, %rsi
        GUEST_ACCESS bounce_bad, mov %rsi, 24(%rax)
        GUEST_ACCESS bounce_bad, mov %rcx, (%rax)
        GUEST_ACCESS bounce_bad, mov %r11, 8(%rax)
        GUEST_ACCESS bounce_bad, mov %rcx, 16(%rax)
        mov     UREGS_rsp(%rsp), %rsi
        GUEST_ACCESS bounce_bad, mov %rsi, 40(%rax)
        GUEST_ACCESS bounce_bad, movq $FLAT_KERNEL_SS_ASM, 48(%rax)
        /* Committed. */
        mov     %rax, UREGS_rsp(%rsp)
        mov     UREGS_ss(%rsp), %rax    /* the guest's own */
        movq    $FLAT_KERNEL_SS_ASM, UREGS_ss(%rsp)
        movq    $FLAT_KERNEL_CS_ASM, UREGS_cs(%rsp)
        mov     %r11, %rsi              /* and DF: the virtual SYSCALL_MASK */
        and     $~(X86_EFLAGS_TF | X86_EFLAGS_DF | X86_EFLAGS_NT | X86_EFLAGS_RF | X86_EFLAGS_VM | X86_EFLAGS_AC), %rsi
        or      $X86_EFLAGS_IF, %rsi    /* real interrupts stay on in guests */
        mov     %rsi, UREGS_rflags(%rsp)
        mov     VCPU_vcpu_info(%rdx), %rdi
        cmpb    $0, VCPU_syscall_disables_events(%rdx)
        je      exit_work
        movb    $1, VCPUINFO_upcall_mask(%rdi)
        jmp     exit_work

/* The guest kernel stack cannot take the frame: back as it was. */
bounce_bad:
        GUEST_MODE_SWITCH VCPU_guest_table_user, 0
        jmp     slow

kernel_syscall:
        cmpq    $HYPERCALL_iret, UREGS_ss(%rsp)
        jne     hypercall
        /*
         * HYPERVISOR_iret: do_iret()'s checks and iret_load(), with the
         * frame at the guest's %rsp (in %rax until the very last read).
         */
        GUEST_RANGE %rax, IRET_size, %rsi, %rdi, iret_slow
        GUEST_ACCESS iret_slow, mov IRET_rip(%rax), %rsi
        mov     %rsi, %rdi              /* canonical */
        sar     $47, %rdi
        add     $1, %rdi
        cmp     $1, %rdi
        ja      iret_slow
        mov     %rsi, UREGS_rip(%rsp)
        /* (cs | 3, ss | 3) checked at this descriptor generation? */
        GUEST_ACCESS iret_slow, movzwl IRET_cs(%rax), %esi
        GUEST_ACCESS iret_slow, movzwl IRET_ss(%rax), %edi
        mov     %rsi, UREGS_cs(%rsp)    /* its RPL says where to: | 3 below */
        shl     $16, %edi
        or      %edi, %esi
        or      $0x30003, %esi
        mov     VCPU_domain(%rdx), %rdi
        mov     DOMAIN_desc_gen(%rdi), %rdi
        cmp     %esi, VCPU_iret_ok(%rdx)
        jne     1f
        cmp     %rdi, VCPU_iret_ok + IRET_OK_gen(%rdx)
        je      2f
1:      cmp     %esi, VCPU_iret_ok + IRET_OK_size(%rdx)
        jne     iret_slow
        cmp     %rdi, VCPU_iret_ok + IRET_OK_size + IRET_OK_gen(%rdx)
        jne     iret_slow
2:      shr     $16, %esi
        mov     %rsi, UREGS_ss(%rsp)    /* rax is __HYPERVISOR_iret: iret_slow */
        GUEST_ACCESS iret_slow, mov IRET_rflags(%rax), %rsi
        test    $X86_EFLAGS_IF, %esi    /* the virtual IF is the event mask */
        sete    UREGS_error_code(%rsp)  /* (a scratch slot until the commit) */
        and     $~(X86_EFLAGS_IOPL | X86_EFLAGS_VM | X86_EFLAGS_NT), %rsi
        or      $X86_EFLAGS_IF, %rsi
        mov     %rsi, UREGS_rflags(%rsp)
        testb   $3, UREGS_cs(%rsp)
        jz      3f
        cmpq    $0, VCPU_guest_table_user(%rdx) /* to user: its page table */
        je      iret_slow
3:      GUEST_ACCESS iret_slow, mov IRET_rsp(%rax), %rsi
        mov     %rsi, UREGS_rsp(%rsp)   /* iret_slow puts %rax back */
        GUEST_ACCESS iret_slow, testl $IRET_flags_in_syscall, IRET_flags(%rax)
        jnz     4f
        GUEST_ACCESS iret_slow, mov IRET_rcx(%rax), %rdi
        GUEST_ACCESS iret_slow, mov IRET_r11(%rax), %rsi
        GUEST_ACCESS iret_slow, mov IRET_rax(%rax), %rax
        mov     %rdi, %rcx
        mov     %rsi, %r11
        jmp     5f
4:      GUEST_ACCESS iret_slow, mov IRET_rax(%rax), %rax
        /* Committed. */
5:      testb   $3, UREGS_cs(%rsp)
        jz      6f
        GUEST_MODE_SWITCH VCPU_guest_table_user, 0
        jmp     7f
6:      orb     $3, UREGS_cs(%rsp)      /* a kernel frame's RPL 0 */
7:      movzbl  UREGS_error_code(%rsp), %esi
        mov     VCPU_vcpu_info(%rdx), %rdi
        mov     %sil, VCPUINFO_upcall_mask(%rdi)

/*
 * fast_exit_work()'s tests (pv_bounce.h), with the vCPU in %rdx and its
 * vcpu_info in %rdi: nothing to do, straight back to the guest.
 */
exit_work:
        cmpb    $0, VCPUINFO_upcall_pending(%rdi)
        jne     2f
1:      mov     VCPU_domain(%rdx), %rdi
        cmpb    $0, DOMAIN_is_shutting_down(%rdi)
        jne     3f
        cmpl    $0, VCPU_pause_flags(%rdx)
        jne     3f
        mov     CPUINFO_processor_id(%rsp), %esi
        lea     per_cpu__softirq_bits(%rip), %rdi
        testb   $SOFTIRQ_schedule_mask, (%rdi, %rsi, 8)
        jnz     3f
        mov     UREGS_rdx(%rsp), %rdx
        mov     UREGS_rsi(%rsp), %rsi
        mov     UREGS_rdi(%rsp), %rdi
        add     $UREGS_rip, %rsp
8:      iretq
2:      cmpb    $0, VCPUINFO_upcall_mask(%rdi)
        jne     1b
        cmpq    $0, VCPU_event_callback_eip(%rdx)
        je      1b
3:      movq    $0, UREGS_error_code(%rsp)
        movl    $TRAP_syscall, UREGS_entry_vector(%rsp)
        SAVE_OTHERS
        jmp     ret_to_guest
        .pushsection .ex_table, "a", @progbits
        .quad   8b, iret_to_guest_faulted
        .popsection

/* do_iret() reports what the fast path refused: the frame as it came. */
iret_slow:
        mov     %rax, UREGS_rsp(%rsp)
        movq    $HYPERCALL_iret, UREGS_ss(%rsp)
/* The general path, for anything unusual, with nothing changed. */
slow:
        SYSCALL_FRAME
        call    pv_syscall_entry
        jmp     ret_to_guest

/* Any other hypercall from the guest kernel. */
hypercall:
        SYSCALL_FRAME
        call    pv_hypercall            /* what pv_syscall_entry would call */
        jmp     ret_to_guest

        .globl  cstar_enter
cstar_enter:
        add     $UREGS_rsp, %rsp        /* at the rsp slot */
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
        .popsection

/* Start running the vCPU whose registers are in this CPU's frame. */
        .globl  pv_enter_first_guest
pv_enter_first_guest:
        mov     %rdi, %rsp
        jmp     ret_to_guest
