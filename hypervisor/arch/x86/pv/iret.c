/* SPDX-License-Identifier: GPL-2.0-only */
/* HYPERVISOR_iret: the guest kernel's return from every exception and event. */
#include <xenia/console.h>
#include <xenia/errno.h>
#include <xenia/guest_access.h>
#include <xenia/guest_log.h>
#include <xenia/sched.h>
#include <asm/eflags.h>
#include <asm/pv.h>
#include <asm/pv_bounce.h>


static bool canonical(unsigned long va)
{
    return ((long)va >> 47) == 0 || ((long)va >> 47) == -1;
}

/*
 * IRETQ with a bad selector or a non-canonical RIP faults in ring 0, on
 * Xenia's own instruction, so the frame is checked here: ring-3 code and
 * stack selectors from the ABI's flat set or the guest's own GDT (Linux
 * returns to user space on its __USER_CS/__USER_DS), and a canonical RIP.
 * Another vCPU may change a descriptor between this check and the IRETQ:
 * ret_to_guest's fault fixup on the IRETQ covers that race. The common
 * case (a pair in the cache) is also checked in assembly, in pv/entry.S:
 * a change here is a change there.
 */
static bool iret_frame_cached(const struct vcpu *v, uint16_t cs, uint16_t ss,
                              unsigned long gen)
{
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(v->arch.iret_ok); i++ )
        if ( v->arch.iret_ok[i].cs == cs && v->arch.iret_ok[i].ss == ss &&
             v->arch.iret_ok[i].gen == gen )
            return true;
    return false;
}

static bool iret_frame_ok(struct vcpu *v, const struct iret_context *ic)
{
    uint16_t cs = ic->cs | 3, ss = ic->ss | 3;
    unsigned long gen = __atomic_load_n(&v->domain->desc_gen, __ATOMIC_ACQUIRE);
    unsigned int i;

    if ( !canonical(ic->rip) )
        return false;
    /* Seen and checked since the descriptors last changed? */
    if ( iret_frame_cached(v, cs, ss, gen) )
        return true;
    if ( !pv_iret_selector_ok(v, cs, true) ||
         !pv_iret_selector_ok(v, ss, false) )
        return false;
    i = v->arch.iret_ok_next++ % ARRAY_SIZE(v->arch.iret_ok);
    v->arch.iret_ok[i].cs = cs;
    v->arch.iret_ok[i].ss = ss;
    v->arch.iret_ok[i].gen = gen;
    return true;
}

/* Going back to user space: does it have its own page table to run on? */
static inline bool iret_to_user(const struct vcpu *v, const struct iret_context *ic)
{
    return (ic->cs & 3) == 3 && v->arch.kernel_mode;
}

/* Load a checked frame: the mode, the registers, the event mask. */
static inline __attribute__((always_inline)) void
iret_load(struct vcpu *v, struct cpu_user_regs *regs,
                      const struct iret_context *ic)
{
    if ( iret_to_user(v, ic) )
        toggle_guest_mode(v); /* user space runs on its own page table */
    regs->rip = ic->rip;
    regs->cs = ic->cs | 3;
    regs->rsp = ic->rsp;
    regs->ss = ic->ss | 3;
    regs->rflags = (ic->rflags & ~(X86_EFLAGS_IOPL | X86_EFLAGS_VM | X86_EFLAGS_NT)) |
                   X86_EFLAGS_IF;
    if ( !(ic->flags & VGCF_in_syscall) )
    {
        regs->r11 = ic->r11;
        regs->rcx = ic->rcx;
    }
    /* The virtual interrupt flag is the event mask. */
    v->vcpu_info->evtchn_upcall_mask = !(ic->rflags & X86_EFLAGS_IF);
}

long do_iret(struct cpu_user_regs *regs)
{
    struct vcpu *v = current_vcpu();
    struct iret_context ic;

    if ( copy_from_guest(&ic, regs->rsp, sizeof(ic)) || !iret_frame_ok(v, &ic) )
    {
        gprintk(XENLOG_G_ERR, v, "bad iret frame at %#lx\n",
                (unsigned long)regs->rsp);
        domain_shutdown(v->domain, SHUTDOWN_crash);
        return -EFAULT;
    }
    if ( iret_to_user(v, &ic) && !mfn_x(v->arch.guest_table_user) )
    {
        gprintk(XENLOG_G_ERR, v, "iret to user mode with no user page "
                                 "table\n");
        domain_shutdown(v->domain, SHUTDOWN_crash);
        return -EFAULT;
    }
    iret_load(v, regs, &ic);
    return ic.rax;
}

/*
 * Xenia's IRETQ to the guest faulted (entry.S): its CS or SS changed
 * under it. The vCPU cannot run on, and nothing it did is Xenia's to
 * repair, so the domain crashes, as for any other bad iret frame.
 */
void pv_iret_faulted(struct cpu_user_regs *regs);
void pv_iret_faulted(struct cpu_user_regs *regs)
{
    struct vcpu *v = current_vcpu();

    gprintk(XENLOG_G_ERR, v, "iret to %04x:%016lx (ss %04x) faulted\n",
            regs->cs, (unsigned long)regs->rip, regs->ss);
    domain_shutdown(v->domain, SHUTDOWN_crash);
}
