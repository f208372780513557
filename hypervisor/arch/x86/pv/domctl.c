/* SPDX-License-Identifier: GPL-2.0-only */
/* domctl sub-ops of 64-bit PV domains: vCPU context, frames, x86 details. */
#include <xenia/arch.h>
#include <xenia/console.h>
#include <xenia/domctl.h>
#include <xenia/errno.h>
#include <xenia/guest_access.h>
#include <xenia/lib.h>
#include <xenia/mm.h>
#include <xenia/page_type.h>
#include <xenia/time.h>
#include <xenia/xmalloc.h>
#include <asm/config.h>
#include <asm/pv.h>

/* The VM assists Xen accepts for 64-bit PV (do_vm_assist's list). */
#define VM_ASSIST_VALID                                                        \
    ((1UL << VMASST_TYPE_4gb_segments) |                                       \
     (1UL << VMASST_TYPE_4gb_segments_notify) |                                \
     (1UL << VMASST_TYPE_writable_pagetables) |                                \
     (1UL << VMASST_TYPE_pae_extended_cr3) |                                   \
     (1UL << VMASST_TYPE_architectural_iopl) |                                 \
     (1UL << VMASST_TYPE_runstate_update_flag) |                               \
     (1UL << VMASST_TYPE_m2p_strict))

static bool is_caller(const struct domain *d)
{
    return d == current_vcpu()->domain;
}

/* A vCPU back to its state at creation: down, holding nothing. */
static void vcpu_reset(struct vcpu *v)
{
    __atomic_fetch_or(&v->pause_flags, VPF_down, __ATOMIC_SEQ_CST);
    stop_timer(&v->periodic_timer);
    stop_timer(&v->singleshot_timer);
    arch_vcpu_relinquish(v);
    arch_vcpu_init(v);
}

/*
 * The start state the builder gives a vCPU (vCPU 0: the pinned L4 in
 * cr3, kernel stack, callbacks, VGCF_in_kernel | VGCF_online). The
 * domain is paused meanwhile, so the vCPU is on no CPU.
 */
static long set_context(struct vcpu *v, const struct vcpu_guest_context *c)
{
    struct domain *d = v->domain;
    mfn_t l4 = v->arch.guest_table, ul4 = v->arch.guest_table_user;
    unsigned int i;
    long rc;

    spin_lock(&d->mm_lock);
    rc = arch_vcpu_initialise(v, c);
    spin_unlock(&d->mm_lock);
    if ( rc )
        return rc;
    /* The references of the tables it replaced (none the first time). */
    if ( mfn_x(l4) )
        put_page_and_type(mfn_to_page(l4));
    if ( mfn_x(ul4) )
        put_page_and_type(mfn_to_page(ul4));
    v->arch.failsafe_disables_events = c->flags & VGCF_failsafe_disables_events;
    v->arch.syscall_disables_events = c->flags & VGCF_syscall_disables_events;
    v->arch.ldt_base = c->ldt_base;
    v->arch.ldt_ents = c->ldt_ents;
    for ( i = 0; i < 8; i++ )
        if ( i != 1 && i != 3 ) /* the page tables are set above */
            v->arch.ctrlreg[i] = c->ctrlreg[i];
    for ( i = 0; i < d->max_vcpus; i++ )
        d->vcpu[i]->arch.vm_assist = c->vm_assist & VM_ASSIST_VALID;
    /* The toolstack zeroed shared_info after creating the domain. */
    if ( !v->vcpu_id )
        domain_update_wallclock(d);
    if ( c->flags & VGCF_online )
    {
        if ( __atomic_fetch_and(&v->pause_flags, ~VPF_down, __ATOMIC_SEQ_CST) &
                 VPF_down &&
             v->periodic_period )
            set_timer(&v->periodic_timer, NOW() + v->periodic_period);
    }
    else
        __atomic_fetch_or(&v->pause_flags, VPF_down, __ATOMIC_SEQ_CST);
    return 0;
}

long domctl_setvcpucontext(struct domain *d, struct xen_domctl *op)
{
    unsigned int id = op->u.vcpucontext.vcpu;
    unsigned long uctxt = (unsigned long)op->u.vcpucontext.ctxt.p;
    struct vcpu_guest_context *c;
    long rc;

    if ( is_caller(d) || id >= d->max_vcpus || d->is_dying )
        return -EINVAL;
    if ( !uctxt )
    {
        domain_pause(d);
        vcpu_reset(d->vcpu[id]);
        domain_unpause(d);
        return 0;
    }
    c = xmalloc(struct vcpu_guest_context);
    if ( !c )
        return -ENOMEM;
    if ( copy_from_guest(c, uctxt, sizeof(*c)) )
        rc = -EFAULT;
    else
    {
        domain_pause(d);
        rc = set_context(d->vcpu[id], c);
        domain_unpause(d);
    }
    xfree(c);
    return rc;
}

static void get_context(const struct vcpu *v, struct vcpu_guest_context *c)
{
    const struct pv_vcpu *a = &v->arch;
    unsigned int i;

    memset(c, 0, sizeof(*c));
    memcpy(c->fpu_ctxt.x, a->fpu_ctxt, sizeof(c->fpu_ctxt.x));
    c->flags =
        VGCF_i387_valid | (a->kernel_mode ? VGCF_in_kernel : 0) |
        (v->pause_flags & VPF_down ? 0 : VGCF_online) |
        (a->failsafe_disables_events ? VGCF_failsafe_disables_events : 0) |
        (a->syscall_disables_events ? VGCF_syscall_disables_events : 0);
    c->user_regs = a->user_regs;
    /* The virtual IOPL travels in the IOPL field, as the guest set it. */
    c->user_regs.rflags =
        (a->user_regs.rflags & ~0x3000UL) | ((unsigned long)a->iopl << 12);
    memcpy(c->trap_ctxt, a->trap_ctxt, sizeof(c->trap_ctxt));
    c->ldt_base = a->ldt_base;
    c->ldt_ents = a->ldt_ents;
    for ( i = 0; i < ARRAY_SIZE(c->gdt_frames) && i < ARRAY_SIZE(a->gdt_frames);
          i++ )
        c->gdt_frames[i] = a->gdt_frames[i];
    c->gdt_ents = a->gdt_ents;
    c->kernel_ss = a->kernel_ss;
    c->kernel_sp = a->kernel_sp;
    for ( i = 0; i < 8; i++ )
    {
        c->ctrlreg[i] = a->ctrlreg[i];
        c->debugreg[i] = a->debugreg[i];
    }
    c->ctrlreg[3] = mfn_to_maddr(a->guest_table);
    c->ctrlreg[1] = mfn_to_maddr(a->guest_table_user);
    c->event_callback_eip = a->event_callback_eip;
    c->failsafe_callback_eip = a->failsafe_callback_eip;
    c->syscall_callback_eip = a->syscall_callback_eip;
    c->vm_assist = a->vm_assist;
    c->fs_base = a->fs_base;
    c->gs_base_kernel = a->gs_base_kernel;
    c->gs_base_user = a->gs_base_user;
}

long domctl_getvcpucontext(struct domain *d, struct xen_domctl *op)
{
    unsigned int id = op->u.vcpucontext.vcpu;
    struct vcpu_guest_context *c;
    long rc = 0;

    /* Its registers must be saved: another domain's, paused meanwhile. */
    if ( id >= d->max_vcpus || is_caller(d) )
        return -EINVAL;
    if ( !mfn_x(d->vcpu[id]->arch.guest_table) )
        return -ENODATA; /* never given a context */
    c = xmalloc(struct vcpu_guest_context);
    if ( !c )
        return -ENOMEM;
    domain_pause(d);
    get_context(d->vcpu[id], c);
    domain_unpause(d);
    if ( copy_to_guest((unsigned long)op->u.vcpucontext.ctxt.p, c, sizeof(*c)) )
        rc = -EFAULT;
    xfree(c);
    return rc;
}

long domctl_set_address_size(struct domain *d, struct xen_domctl *op)
{
    (void)d;
    switch ( op->u.address_size.size )
    {
    case 64:
        return 0;
    case 32:
        return -EOPNOTSUPP; /* no 32-bit PV guests */
    default:
        return -EINVAL;
    }
}

long domctl_get_address_size(struct domain *d, struct xen_domctl *op)
{
    (void)d;
    op->u.address_size.size = 64;
    return 0;
}

/* Write the hypercall page into one of the domain's own frames. */
long domctl_hypercall_init(struct domain *d, struct xen_domctl *op)
{
    mfn_t mfn = _mfn(op->u.hypercall_init.gmfn); /* PV: a machine frame */
    struct page_info *pg;

    if ( !mfn_valid(mfn) )
        return -EINVAL;
    pg = mfn_to_page(mfn);
    if ( get_page_and_type(pg, d->domain_id, PGT_writable_page) )
        return -EINVAL;
    pv_write_hypercall_page(mfn_to_virt(mfn));
    put_page_and_type(pg);
    return 0;
}

/* What each listed frame is to the domain (xc_get_pfn_type_batch). */
#define PFINFO_BATCH 1024

long domctl_getpageframeinfo3(struct domain *d, struct xen_domctl *op)
{
    unsigned long list = (unsigned long)op->u.getpageframeinfo3.array.p;
    uint64_t n = op->u.getpageframeinfo3.num, i;
    xen_pfn_t f;

    if ( n > PFINFO_BATCH )
        return -E2BIG;
    for ( i = 0; i < n; i++ )
    {
        const struct page_info *pg;
        uint64_t type;
        unsigned int level;

        if ( copy_from_guest(&f, list + i * sizeof(f), sizeof(f)) )
            return -EFAULT;
        if ( f >= max_page ||
             (pg = mfn_to_page(_mfn(f)))->owner != d->domain_id ||
             !(pg->count_info & PGC_allocated) )
            f = XEN_DOMCTL_PFINFO_XTAB;
        else
        {
            type = __atomic_load_n(&pg->type_info, __ATOMIC_ACQUIRE);
            level = (type & PGT_validated) && (type & PGT_count_mask) &&
                            is_page_table_type(type & PGT_type_mask)
                        ? (type & PGT_type_mask) >> PGT_type_shift
                        : 0;
            f = (xen_pfn_t)level << XEN_DOMCTL_PFINFO_LTAB_SHIFT;
            if ( level && (type & PGT_pinned) )
                f |= XEN_DOMCTL_PFINFO_LPINTAB;
        }
        if ( copy_to_guest(list + i * sizeof(f), &f, sizeof(f)) )
            return -EFAULT;
    }
    return 0;
}

/* TSC mode: Xenia passes the host TSC through, Xen's mode 0 as it runs. */
long domctl_gettscinfo(struct domain *d, struct xen_domctl *op)
{
    (void)d;
    memset(&op->u.tsc_info, 0, sizeof(op->u.tsc_info));
    op->u.tsc_info.gtsc_khz = (uint32_t)tsc_khz();
    op->u.tsc_info.elapsed_nsec = NOW();
    return 0;
}

long domctl_settscinfo(struct domain *d, struct xen_domctl *op)
{
    (void)d;
    /* TSC_MODE_DEFAULT (0) or TSC_MODE_NATIVE (2): both are what runs. */
    return op->u.tsc_info.tsc_mode == 0 || op->u.tsc_info.tsc_mode == 2
               ? 0
               : -EOPNOTSUPP;
}
