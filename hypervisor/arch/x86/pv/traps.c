/* SPDX-License-Identifier: GPL-2.0-only */
/* Bouncing exceptions and events into a 64-bit PV guest's own handlers. */
#include <xenia/console.h>
#include <xenia/guest_access.h>
#include <xenia/guest_log.h>
#include <xenia/sched.h>
#include <xenia/softirq.h>
#include <asm/eflags.h>
#include <asm/flushtlb.h>
#include <asm/current.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/pv.h>
#include <asm/pv_bounce.h>
#include <asm/traps.h>
#include <asm/asm_defns.h>

#define PFEC_user_mode (1u << 2)

unsigned long pv_guest_cr3(const struct vcpu *v)
{
    return mfn_to_maddr(v->arch.kernel_mode ? v->arch.guest_table
                                            : v->arch.guest_table_user);
}

void pv_toggle_guest_mode(struct vcpu *v)
{
    toggle_guest_mode(v);
}

static bool has_error_code(unsigned int vector)
{
    return vector == 8 || (vector >= 10 && vector <= 14) || vector == 17;
}

bool pv_create_bounce_frame(struct vcpu *v, struct cpu_user_regs *regs,
                            unsigned long eip, bool has_error,
                            uint32_t error, bool mask_events)
{
    if ( bounce_frame_write(v, regs, eip, has_error, error, mask_events) )
        return true;
    gprintk(XENLOG_G_ERR, v, "cannot write a bounce frame below %#lx\n",
            (v->arch.kernel_mode ? (unsigned long)regs->rsp
                                 : v->arch.kernel_sp) & ~15UL);
    domain_shutdown(v->domain, SHUTDOWN_crash);
    return false;
}

void pv_inject_trap(struct vcpu *v, struct cpu_user_regs *regs,
                    unsigned int vector, uint32_t error_code)
{
    const struct trap_info *ti = &v->arch.trap_ctxt[vector];

    if ( !ti->address )
    {
        gprintk(XENLOG_G_ERR, v, "unhandled %s [#%u, ec=%04x] at %#lx\n",
                vector < 32 && trap_names[vector] ? trap_names[vector] : "trap",
                vector, error_code,
                (unsigned long)regs->rip);
        domain_shutdown(v->domain, SHUTDOWN_crash);
        return;
    }
    pv_create_bounce_frame(v, regs, ti->address, has_error_code(vector),
                           error_code, TI_GET_IF(ti));
}

/*
 * "int n" from a guest reaches us as #GP with the IDT bit in the error
 * code (our gates are DPL 0). The guest's own gate decides: if its DPL
 * admits the guest's ring (kernel counts as ring 1), deliver vector n
 * past the instruction; otherwise it is the #GP it looks like, with the
 * error code the guest's own IDT would give, (n << 3) | 2 (Xen's int80
 * path builds exactly that for int $0x80).
 */
static bool soft_interrupt(struct vcpu *v, struct cpu_user_regs *regs,
                           uint32_t *ec)
{
    const struct trap_info *ti;
    uint8_t insn[2];

    /*
     * The vector comes from the instruction, not the error code: QEMU's
     * TCG reports n * 16 + 2 rather than n * 8 + 2, and an error code is
     * no index to trust anyway.
     */
    if ( (regs->error_code & 3) != 2 ||
         copy_from_guest(insn, regs->rip, sizeof(insn)) || insn[0] != 0xcd )
        return false;
    *ec = ((uint32_t)insn[1] << 3) | 2;
    ti = &v->arch.trap_ctxt[insn[1]];
    /* Xen's own DPL-3 gate for int $0x80 ignores the guest's DPL. */
    if ( !ti->address ||
         (insn[1] != 0x80 && TI_GET_DPL(ti) < (v->arch.kernel_mode ? 1u : 3u)) )
        return false;
    regs->rip += 2; /* int imm8 */
    pv_create_bounce_frame(v, regs, ti->address, false, 0, TI_GET_IF(ti));
    return true;
}

/*
 * A #PF with interrupts on and CR2 read before: a write to one of the
 * guest kernel's own L1s is emulated, anything else goes to the guest.
 */
static void page_fault(struct vcpu *v, struct cpu_user_regs *regs,
                       unsigned long cr2, uint32_t ec)
{
    if ( pv_ptwr_emulate(v, regs, cr2, ec) )
        return;
    v->vcpu_info->arch.cr2 = cr2;
    /* The hardware always says "user": the guest kernel is ring 3. */
    ec = v->arch.kernel_mode ? ec & ~PFEC_user_mode : ec | PFEC_user_mode;
    pv_inject_trap(v, regs, 14, ec);
}

/*
 * The guest kernel's #PF, from page_fault_entry with the whole frame
 * saved but not through do_trap: every unmapped page of a Linux guest is
 * one (its xchg into a pinned L1). The same steps as below.
 */
void pv_kernel_page_fault(struct cpu_user_regs *regs)
{
    unsigned long cr2 = read_cr2();

    local_irq_enable();
    page_fault(current_vcpu(), regs, cr2, regs->error_code);
}

void pv_handle_exception(struct cpu_user_regs *regs)
{
    struct vcpu *v = current_vcpu();
    unsigned int vec = regs->entry_vector;
    uint32_t ec = regs->error_code;
    unsigned long cr2 = vec == 14 ? read_cr2() : 0;

    /*
     * Handle it with interrupts on, as a hypercall is: emulation may take
     * the domain's mm_lock and wait for TLB-flush IPIs. Not for #DF and
     * #MC, which run on their own IST stacks. CR2 is read first, since a
     * nested fault would change it.
     */
    if ( vec != 8 && vec != 18 )
        local_irq_enable();
    switch ( vec )
    {
    case 14:
        page_fault(v, regs, cr2, ec);
        return;
    case 13:
        /*
         * Only a #GP with error code 0 can be an instruction to emulate,
         * as in Xen; any other (a gate's or segment's selector) reaches
         * the guest as it came.
         */
        if ( soft_interrupt(v, regs, &ec) ||
             (!ec && pv_emulate_privileged_op(v, regs)) )
            return;
        break;
    case 6:
        if ( pv_emulate_forced_cpuid(v, regs) )
            return;
        break;
    case 7:
        /*
         * The guest's virtual TS: as on Xen, delivering its #NM clears
         * it, so the faulting instruction works when the handler returns.
         */
        v->arch.ctrlreg[0] &= ~X86_CR0_TS;
        asm volatile("clts");
        break;
    case 1:
    {
        /* The guest reads which breakpoint fired with get_debugreg(6). */
        unsigned long dr6;

        asm volatile("mov %%db6, %0" : "=r"(dr6));
        asm volatile("mov %0, %%db6" ::"r"(0xffff0ff0UL));
        v->arch.debugreg[6] = dr6;
        break;
    }
    default:
        break;
    }
    pv_inject_trap(v, regs, vec, ec);
}
