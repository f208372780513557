/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The straight-line paths of the three entries every system call and page
 * fault of a PV guest takes: its user's SYSCALL bounced to its kernel, the
 * kernel's HYPERVISOR_iret, and a page fault in its user space bounced to
 * its kernel. Each runs with interrupts off from entry to IRETQ, on the
 * caller-saved half of the frame (entry.S), and does the same checks as
 * the general path through the same functions; anything else (no
 * callback, a frame that does not read, selectors not yet checked, a
 * hypercall) is left untouched to the general path. On the way out the
 * one branch is the work ret_to_guest would do: a reschedule, a pause or
 * shutdown, an event to deliver.
 */
#include <xenia/sched.h>
#include <asm/asm_defns.h>
#include <asm/current.h>
#include <asm/eflags.h>
#include <asm/processor.h>
#include <asm/pv.h>
#include <asm/pv_bounce.h>

#define PFEC_user_mode (1u << 2)

/* pv_syscall_entry()'s bounce, DF cleared (virtual SYSCALL_MASK). */
static unsigned int __attribute__((noinline))
syscall_bounce(struct vcpu *v, struct cpu_user_regs *regs)
{
    unsigned long eip = v->arch.syscall_callback_eip;

    if ( !eip || !bounce_frame_write(v, regs, eip, false, 0,
                                     v->arch.syscall_disables_events) )
        return PV_FAST_SLOW;
    regs->rflags &= ~X86_EFLAGS_DF;
    return fast_exit_work(v, regs);
}

/* Every other hypercall leaves at once, with nothing saved for it here. */
unsigned int pv_syscall_fast(struct cpu_user_regs *regs)
{
    struct vcpu *v = current_vcpu();

    if ( !v->arch.kernel_mode )
        return syscall_bounce(v, regs);
    if ( regs->rax == __HYPERVISOR_iret )
        return pv_iret_fast(v, regs);
    return PV_FAST_HYPERCALL; /* straight to pv_hypercall() */
}

/*
 * pv_handle_exception()'s #PF from guest user mode: no page-table write
 * to emulate there (the guest kernel's alone), so it goes to the guest's
 * handler with CR2 in vcpu_info and the user bit in the error code.
 */
static unsigned int __attribute__((noinline))
user_page_fault(struct vcpu *v, struct cpu_user_regs *regs)
{
    const struct trap_info *ti = &v->arch.trap_ctxt[14];
    unsigned long cr2 = read_cr2();

    if ( !ti->address )
        return PV_FAST_SLOW;
    if ( !bounce_frame_write(v, regs, ti->address, true,
                             regs->error_code | PFEC_user_mode,
                             TI_GET_IF(ti)) )
    {
        /* Its own fault on the guest stack changed CR2: the slow path reads it. */
        write_cr2(cr2);
        return PV_FAST_SLOW;
    }
    v->vcpu_info->arch.cr2 = cr2;
    return fast_exit_work(v, regs);
}

/* The guest kernel's own faults (writable page tables) leave at once. */
unsigned int pv_page_fault_fast(struct cpu_user_regs *regs)
{
    struct vcpu *v = current_vcpu();

    if ( v->arch.kernel_mode )
        return PV_FAST_SLOW;
    return user_page_fault(v, regs);
}
