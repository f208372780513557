/* SPDX-License-Identifier: GPL-2.0-only */
/* Switching a CPU from one PV vCPU to another, and a vCPU's initial state. */
#include <xenia/console.h>
#include <xenia/arch.h>
#include <xenia/domain.h>
#include <xenia/errno.h>
#include <xenia/guest_log.h>
#include <xenia/lib.h>
#include <xenia/time.h>
#include <asm/eflags.h>
#include <asm/flushtlb.h>
#include <asm/config.h>
#include <asm/current.h>
#include <asm/msr.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/pv.h>
#include <asm/xstate.h>
#include <xenia/guest_access.h>
#include <xenia/mm.h>
#include <xenia/page_type.h>

void arch_vcpu_init(struct vcpu *v)
{
    struct cpu_user_regs *r = &v->arch.user_regs;

    r->cs = FLAT_KERNEL_CS;
    r->ss = FLAT_KERNEL_SS;
    r->rflags = X86_EFLAGS_IF | 0x2;
    v->arch.kernel_mode = true;
    v->arch.kernel_ss = FLAT_KERNEL_SS;
    fpu_vcpu_init(v);
    /* Debug registers at their reset values, as Xen reports them. */
    v->arch.debugreg[6] = 0xffff0ff0UL;
    v->arch.debugreg[7] = 0x400;
}

/* Publish a pvclock record: odd version while it changes, as Linux reads. */
void pv_update_vcpu_time(struct vcpu *v)
{
    struct vcpu_time_info *t = &v->vcpu_info->time;
    struct time_scale ts;
    uint64_t tsc;
    s_time_t now;

    time_pvclock_sample(&tsc, &now, &ts);
    t->version |= 1;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    t->tsc_timestamp = tsc;
    t->system_time = now;
    t->tsc_to_system_mul = ts.mul_frac;
    t->tsc_shift = (int8_t)ts.shift;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    t->version++;
}

/*
 * Load a data segment selector the guest chose. One that no longer loads
 * (its descriptor changed) becomes null and makes the macro false, so
 * the guest can be told through its failsafe callback.
 */
#define LOAD_SEG(seg, sel)                                                     \
    ({                                                                         \
        unsigned int ok_ = 1;                                                  \
        asm volatile("1: mov %k1, %%" #seg "\n"                                \
                     "2:\n"                                                    \
                     ".pushsection .fixup, \"ax\"\n"                           \
                     "3: xor %k0, %k0\n"                                       \
                     "   mov %k0, %%" #seg "\n"                                \
                     "   jmp 2b\n"                                             \
                     ".popsection\n"                                           \
                     ".pushsection .ex_table, \"a\"\n"                         \
                     ".quad 1b, 3b\n"                                          \
                     ".popsection"                                             \
                     : "+r"(ok_)                                               \
                     : "r"((unsigned int)(sel))                                \
                     : "memory");                                              \
        ok_;                                                                   \
    })

static void save_segments(struct vcpu *v)
{
    uint64_t active = rdmsr(MSR_GS_BASE), other = rdmsr(MSR_SHADOW_GS_BASE);

    v->arch.fs_base = rdmsr(MSR_FS_BASE);
    v->arch.gs_base_kernel = v->arch.kernel_mode ? active : other;
    v->arch.gs_base_user = v->arch.kernel_mode ? other : active;
}

/*
 * The failsafe frame (Xen's load_segments), from the new RSP upward:
 * rcx, r11, ds, es, fs, gs, rip, cs (with the event mask at bit 32),
 * rflags, rsp, ss. The guest compares the saved selectors with the live
 * ones to see which failed.
 */
static void failsafe_bounce(struct vcpu *v, struct cpu_user_regs *r)
{
    unsigned long frame[11], rsp;
    struct vcpu_info *vi = v->vcpu_info;
    bool from_user;

    if ( !v->arch.failsafe_callback_eip )
    {
        gprintk(XENLOG_G_ERR, v, "bad segment selector and no failsafe "
                                 "callback\n");
        domain_shutdown(v->domain, SHUTDOWN_crash);
        return;
    }
    from_user = !v->arch.kernel_mode;
    if ( from_user )
        pv_toggle_guest_mode(v);
    rsp = (from_user ? v->arch.kernel_sp : r->rsp) & ~15UL;
    frame[0] = r->rcx;
    frame[1] = r->r11;
    frame[2] = r->ds;
    frame[3] = r->es;
    frame[4] = r->fs;
    frame[5] = r->gs;
    frame[6] = r->rip;
    frame[7] = r->cs | ((unsigned long)vi->evtchn_upcall_mask << 32);
    frame[8] = r->rflags;
    frame[9] = r->rsp;
    frame[10] = r->ss;
    rsp -= sizeof(frame);
    if ( copy_to_guest(rsp, frame, sizeof(frame)) )
    {
        gprintk(XENLOG_G_ERR, v, "cannot write the failsafe frame\n");
        domain_shutdown(v->domain, SHUTDOWN_crash);
        return;
    }
    r->rsp = rsp;
    r->rip = v->arch.failsafe_callback_eip;
    r->cs = FLAT_KERNEL_CS;
    r->ss = FLAT_KERNEL_SS;
    r->ds = r->es = r->fs = r->gs = 0;
    if ( v->arch.failsafe_disables_events )
        vi->evtchn_upcall_mask = 1;
}

static void load_segments(struct vcpu *v, struct cpu_user_regs *r)
{
    bool ok = LOAD_SEG(ds, r->ds);

    ok &= LOAD_SEG(es, r->es);
    ok &= LOAD_SEG(fs, r->fs);
    ok &= LOAD_SEG(gs, r->gs);
    /* Selector loads clobber the bases; the bases win. */
    wrmsr(MSR_FS_BASE, v->arch.fs_base);
    wrmsr(MSR_GS_BASE, v->arch.kernel_mode ? v->arch.gs_base_kernel
                                           : v->arch.gs_base_user);
    wrmsr(MSR_SHADOW_GS_BASE, v->arch.kernel_mode ? v->arch.gs_base_user
                                                  : v->arch.gs_base_kernel);
    if ( !ok )
        failsafe_bounce(v, r);
}

#define DR_ACCESSORS(n)                                                        \
    static void write_dr##n(unsigned long v)                                   \
    {                                                                          \
        asm volatile("mov %0, %%db" #n ::"r"(v));                              \
    }
DR_ACCESSORS(0)
DR_ACCESSORS(1)
DR_ACCESSORS(2)
DR_ACCESSORS(3)
DR_ACCESSORS(6)
DR_ACCESSORS(7)

/* Arm the vCPU's breakpoints (set_debugreg checked every value). */
void pv_load_debugregs(const struct vcpu *v)
{
    const unsigned long *dr = v->arch.debugreg;

    write_dr7(0x400); /* disarm while the addresses change */
    write_dr0(dr[0]);
    write_dr1(dr[1]);
    write_dr2(dr[2]);
    write_dr3(dr[3]);
    write_dr6(dr[6] ? dr[6] : 0xffff0ff0UL);
    write_dr7(dr[7] ? dr[7] : 0x400);
}

/* The guest's copy of its run state, written while its tables are live. */
void pv_update_runstate_area(struct vcpu *v)
{
    if ( v->runstate_guest )
        copy_to_guest(v->runstate_guest, &v->runstate, sizeof(v->runstate));
}

void arch_context_switch(struct vcpu *prev, struct vcpu *next,
                         struct cpu_user_regs *frame)
{
    if ( prev )
    {
        prev->arch.user_regs = *frame;
        /* The CPU never stores data selectors in the frame: read them. */
        asm volatile("mov %%ds, %k0; mov %%es, %k1; mov %%fs, %k2; mov %%gs, %k3"
                     : "=r"(prev->arch.user_regs.ds), "=r"(prev->arch.user_regs.es),
                       "=r"(prev->arch.user_regs.fs), "=r"(prev->arch.user_regs.gs));
        save_segments(prev);
        fpu_save(prev);
        pv_update_runstate_area(prev);
    }
    if ( !next )
    {
        /* Idle on Xenia's own tables: prev's may be torn down meanwhile. */
        write_cr3_flush(xen_va_to_phys(idle_l4));
        if ( prev )
            cpumask_clear_cpu(smp_processor_id(), &prev->domain->dirty_cpumask);
        return;
    }
    *frame = next->arch.user_regs;
    /*
     * The dirty mask lists the CPUs that may cache a domain's translations:
     * set before its tables are loaded, cleared once the CR3 load of
     * another domain's tables has flushed them.
     */
    cpumask_set_cpu(smp_processor_id(), &next->domain->dirty_cpumask);
    write_cr3_flush(pv_guest_cr3(next));
    if ( prev && prev->domain != next->domain )
        cpumask_clear_cpu(smp_processor_id(), &prev->domain->dirty_cpumask);
    pv_load_gdt(next);
    load_segments(next, frame);
    fpu_restore(next);
    pv_update_vcpu_time(next);
    pv_update_runstate_area(next);
    if ( (next->arch.debugreg[7] | (prev ? prev->arch.debugreg[7] : 0)) & 0xff )
        pv_load_debugregs(next);
}

static bool guest_addr_ok(unsigned long va)
{
    return va == 0 || guest_range_ok(va, 1);
}

/*
 * VCPUOP_initialise: a secondary vCPU's start state, as Linux's
 * cpu_initialize_context sends it. Only kernel-mode starts make sense for
 * a PV guest; its page table must validate as an L4.
 */
int arch_vcpu_initialise(struct vcpu *v, const struct vcpu_guest_context *c)
{
    mfn_t l4 = maddr_to_mfn(c->ctrlreg[3]);
    mfn_t ul4 = maddr_to_mfn(c->ctrlreg[1]);
    unsigned int i;
    int rc;

    if ( !(c->flags & VGCF_in_kernel) || !guest_addr_ok(c->event_callback_eip) ||
         !guest_addr_ok(c->failsafe_callback_eip) ||
         !guest_addr_ok(c->syscall_callback_eip) || !mfn_valid(l4) ||
         !mfn_valid(ul4) || !guest_addr_ok(c->user_regs.rip) )
        return -EINVAL;
    for ( i = 0; i < 256; i++ )
        if ( !guest_addr_ok(c->trap_ctxt[i].address) )
            return -EINVAL;
    rc = get_page_and_type(mfn_to_page(l4), v->domain->domain_id,
                           PGT_l4_page_table);
    if ( rc )
        return rc;
    if ( mfn_x(ul4) && (rc = get_page_and_type(mfn_to_page(ul4),
                                        v->domain->domain_id,
                                        PGT_l4_page_table)) )
    {
        put_page_and_type(mfn_to_page(l4));
        return rc;
    }
    /* Linux starts its secondary vCPUs on its own GDT and __KERNEL_CS. */
    if ( c->gdt_ents > FIRST_RESERVED_GDT_ENTRY )
        rc = -EINVAL;
    else if ( c->gdt_ents )
        rc = pv_set_gdt(v, c->gdt_frames, c->gdt_ents);
    if ( rc )
        goto put_tables;
    if ( !pv_iret_selector_ok(v, c->user_regs.cs | 3, true) ||
         !pv_iret_selector_ok(v, c->user_regs.ss | 3, false) )
    {
        rc = -EINVAL;
        goto put_tables;
    }
    v->arch.guest_table = l4;
    v->arch.guest_table_user = ul4;
    v->arch.user_regs = c->user_regs;
    v->arch.user_regs.cs |= 3;
    v->arch.user_regs.ss |= 3;
    v->arch.user_regs.rflags = (c->user_regs.rflags & ~0x3000UL) | 0x202;
    /* The IOPL field carries the vCPU's virtual IOPL (Linux asks for 1). */
    v->arch.iopl = (c->user_regs.rflags >> 12) & 3;
    memcpy(v->arch.trap_ctxt, c->trap_ctxt, sizeof(v->arch.trap_ctxt));
    v->arch.event_callback_eip = c->event_callback_eip;
    v->arch.failsafe_callback_eip = c->failsafe_callback_eip;
    v->arch.syscall_callback_eip = c->syscall_callback_eip;
    v->arch.kernel_ss = c->kernel_ss | 3;
    v->arch.kernel_sp = c->kernel_sp;
    v->arch.fs_base = c->fs_base;
    v->arch.gs_base_kernel = c->gs_base_kernel;
    v->arch.gs_base_user = c->gs_base_user;
    v->arch.kernel_mode = true;
    if ( c->flags & VGCF_i387_valid )
        fpu_vcpu_set_fxsave(v, c->fpu_ctxt.x);
    return 0;

 put_tables:
    if ( mfn_x(ul4) )
        put_page_and_type(mfn_to_page(ul4));
    put_page_and_type(mfn_to_page(l4));
    return rc;
}
