/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Writing a PV bounce frame and switching the guest's mode: inline, so
 * that the general path (pv/traps.c) and the fast paths (pv/fastpath.c,
 * pv/iret.c) share one implementation and the fast paths pay no calls
 * for it; and the fast paths' test on the way out. The system call's
 * assembly path (pv/entry.S: the syscall bounce, HYPERVISOR_iret) does
 * the same, step for step: a change here is a change there.
 */
#ifndef ASM_PV_BOUNCE_H
#define ASM_PV_BOUNCE_H

#include <xenia/guest_access.h>
#include <xenia/softirq.h>
#include <asm/asm_defns.h>
#include <asm/current.h>
#include <asm/eflags.h>
#include <asm/flushtlb.h>
#include <asm/pv.h>

/*
 * Kernel and user isolation for a ring-3 kernel comes only from the two
 * page tables. The guest's two %gs bases swap with the mode, as SWAPGS
 * would swap them natively; Xenia itself never uses %gs.
 */
static inline __attribute__((always_inline)) void
toggle_guest_mode(struct vcpu *v)
{
    v->arch.kernel_mode = !v->arch.kernel_mode;
    asm volatile("swapgs");
    write_cr3_flush(mfn_to_maddr(v->arch.kernel_mode ? v->arch.guest_table
                                                     : v->arch.guest_table_user));
}

/*
 * The frame the guest kernel's handler finds on its stack (the one it
 * runs on, or its stack_switch stack when coming from user mode), and
 * regs pointed at eip. false, with nothing changed, if the guest stack
 * cannot take the frame.
 */
static inline __attribute__((always_inline)) bool
bounce_frame_write(struct vcpu *v, struct cpu_user_regs *regs,
                   unsigned long eip, bool has_error, uint32_t error,
                   bool mask_events)
{
    struct vcpu_info *vi = v->vcpu_info;
    uint8_t saved_mask = vi->evtchn_upcall_mask;
    unsigned long frame[8], rsp, cs = regs->cs;
    unsigned int n = 0;
    bool from_user = !v->arch.kernel_mode;

    if ( from_user )
    {
        toggle_guest_mode(v);
        rsp = v->arch.kernel_sp;
    }
    else
    {
        rsp = regs->rsp;
        cs &= ~3UL; /* kernel frames show RPL 0, as Linux expects */
    }
    rsp &= ~15UL;

    /* Lowest address first: rcx, r11, [error], rip, cs, rflags, rsp, ss. */
    frame[n++] = regs->rcx;
    frame[n++] = regs->r11;
    if ( has_error )
        frame[n++] = error;
    frame[n++] = regs->rip;
    frame[n++] = cs | ((unsigned long)saved_mask << 32);
    frame[n++] = (regs->rflags & ~(X86_EFLAGS_IF | X86_EFLAGS_IOPL)) |
                 (saved_mask ? 0 : X86_EFLAGS_IF);
    frame[n++] = regs->rsp;
    frame[n++] = regs->ss;
    rsp -= n * sizeof(unsigned long);
    if ( copy_to_guest(rsp, frame, n * sizeof(unsigned long)) )
    {
        if ( from_user )
            toggle_guest_mode(v);
        return false;
    }

    regs->rsp = rsp;
    regs->rip = eip;
    regs->cs = FLAT_KERNEL_CS;
    regs->ss = FLAT_KERNEL_SS;
    regs->rflags &= ~(X86_EFLAGS_TF | X86_EFLAGS_NT | X86_EFLAGS_RF |
                      X86_EFLAGS_VM | X86_EFLAGS_AC);
    regs->rflags |= X86_EFLAGS_IF; /* real interrupts stay on in guests */
    if ( mask_events )
        vi->evtchn_upcall_mask = 1;
    return true;
}

/*
 * The fast paths' way out: sched_exit_to_guest()'s and pv_exit_to_guest()'s
 * tests, read only. PV_FAST_EXIT if ret_to_guest has work to do.
 */
static inline __attribute__((always_inline)) unsigned int
fast_exit_work(const struct vcpu *v, const struct cpu_user_regs *regs)
{
    const struct vcpu_info *vi = v->vcpu_info;
    /* regs is the CPU's guest frame, at the start of its struct cpu_info. */
    unsigned int cpu = ((const struct cpu_info *)regs)->processor_id;

    if ( softirq_pending(cpu, SCHEDULE_SOFTIRQ) || v->pause_flags ||
         v->domain->is_shutting_down ||
         (vi->evtchn_upcall_pending && !vi->evtchn_upcall_mask &&
          v->arch.event_callback_eip) )
        return PV_FAST_EXIT;
    return PV_FAST_DONE;
}

#endif /* ASM_PV_BOUNCE_H */
