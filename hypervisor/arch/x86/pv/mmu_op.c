/* SPDX-License-Identifier: GPL-2.0-only */
/* mmu_update, mmuext_op and update_va_mapping for 64-bit PV guests. */
#include <xenia/console.h>
#include <xenia/errno.h>
#include <xenia/guest_access.h>
#include <xenia/hypercall.h>
#include <xenia/mm.h>
#include <xenia/page_type.h>
#include <xenia/preempt.h>
#include <xenia/sched.h>
#include <asm/flushtlb.h>
#include <asm/config.h>
#include <asm/current.h>
#include <asm/processor.h>
#include <asm/pv.h>
#include <asm/pv_mm.h>

/*
 * A continued call re-enters with this bit in its count and the work
 * already done in *pdone (internal to the hypervisor, as in Xen: guests
 * only re-issue the call the hypervisor rewrote).
 */
#define MMU_UPDATE_PREEMPTED (1u << 31)

static int mmu_normal_update(struct domain *d, struct domain *pg_owner,
                             uint64_t ptr, uint64_t val, bool preserve_ad)
{
    mfn_t mfn = maddr_to_mfn(ptr);
    struct page_info *pg;
    pte_t *pl;
    unsigned int level;
    int rc;

    if ( !mfn_valid(mfn) || (ptr & 7) )
        return -EINVAL;
    pg = mfn_to_page(mfn);
    if ( !get_page(pg, d->domain_id) )
        return -EINVAL;
    pl = (pte_t *)((char *)mfn_to_virt(mfn) + (ptr & (PAGE_SIZE - 8)));
    level = pv_page_table_level(pg);
    if ( level )
        rc = pv_mod_entry(d, pg_owner, pl, level, val, preserve_ad);
    else if ( (rc = get_page_type(pg, PGT_writable_page)) == 0 )
    {
        /* Not a page table in use: an ordinary, checked write. */
        *pl = val;
        put_page_type(pg);
    }
    put_page(pg);
    return rc;
}

/*
 * Flush the TLBs of every CPU the domain may have run on. A guest's vCPU
 * mask only narrows that set, so the mask is not read: flushing a CPU too
 * many is cheaper than trusting guest memory here. va != 0: this CPU
 * need only drop that page; the others flush whole (one IPI either way).
 */
static void flush_tlb_domain(struct domain *d, unsigned long va)
{
    cpumask_t mask;

    cpumask_copy(&mask, &d->dirty_cpumask);
    if ( va )
    {
        invlpg(va);
        cpumask_clear_cpu(smp_processor_id(), &mask);
    }
    flush_tlb_mask(&mask);
}

static int mmu_machphys_update(struct domain *d, uint64_t ptr, gfn_t gfn)
{
    mfn_t mfn = maddr_to_mfn(ptr);

    if ( !mfn_valid(mfn) || !get_page(mfn_to_page(mfn), d->domain_id) )
        return -EINVAL;
    set_gpfn_from_mfn(mfn, gfn);
    put_page(mfn_to_page(mfn));
    return 0;
}

/*
 * The loop mmu_update and mmuext_op share: count requests of size bytes
 * from ureqs, each done by one() until one fails, the count done (with
 * that of earlier continuations) written to pdone. When the CPU is wanted
 * the call continues later from where it stopped.
 */
/*
 * Inline in each of its two callers, so that one() is a direct call the
 * compiler can fold: most batches Linux sends are of one request.
 */
static inline __attribute__((always_inline)) long
mmu_batch(struct vcpu *v, struct domain *pg_owner,
          unsigned long ureqs, unsigned int count, unsigned long pdone,
          void *req, size_t size,
          long (*one)(struct vcpu *v, struct domain *pg_owner, const void *req))
{
    unsigned int i, done = 0;
    long rc = 0;

    if ( count & MMU_UPDATE_PREEMPTED )
    {
        count &= ~MMU_UPDATE_PREEMPTED;
        if ( pdone && copy_from_guest(&done, pdone, sizeof(done)) )
            return -EFAULT;
    }
    for ( i = 0; i < count; i++ )
    {
        if ( i && hypercall_preempt_check() )
        {
            hypercall_set_arg(0, ureqs + i * size);
            hypercall_set_arg(1, (count - i) | MMU_UPDATE_PREEMPTED);
            done += i;
            if ( pdone && copy_to_guest(pdone, &done, sizeof(done)) )
                return -EFAULT;
            return -ERESTART;
        }
        if ( copy_from_guest(req, ureqs + i * size, size) )
        {
            rc = -EFAULT;
            break;
        }
        rc = one(v, pg_owner, req);
        if ( rc )
            break;
    }
    done += i;
    if ( pdone && copy_to_guest(pdone, &done, sizeof(done)) )
        return -EFAULT;
    return rc;
}

/*
 * The domain whose frames a batch acts on, as domain_target() answers.
 * The caller's own (every PTE a fault handler sets, every flush) takes no
 * reference: it lives while its vCPU is in the hypercall.
 */
static int batch_owner(struct domain *d, domid_t id, struct domain **out)
{
    if ( domid_is_self(d, id) )
    {
        *out = d;
        return 0;
    }
    return domain_target(d, id, out);
}

static void batch_owner_put(struct domain *d, struct domain *pg_owner)
{
    if ( pg_owner != d )
        domain_put(pg_owner);
}

/*
 * One mmu_update request. No flush here: stale translations of what the
 * entries mapped are the guest's to flush, and unsafe ones (a frame
 * retyped or freed) are flushed where that happens (pv/mm.c, mm.c).
 */
static long mmu_update_one(struct vcpu *v, struct domain *pg_owner,
                           const void *p)
{
    const struct mmu_update *req = p;
    struct domain *d = v->domain;

    /*
     * The command is the low 3 bits (an entry is 8 bytes), as in Xen:
     * 4-7 are unknown (-ENOSYS), not 0-3 again; read as 2 bits, a 5
     * on a page-table entry's address rewrote that table's M2P entry.
     */
    switch ( req->ptr & 7 )
    {
    case MMU_NORMAL_PT_UPDATE:
    case MMU_PT_UPDATE_PRESERVE_AD:
    case MMU_PT_UPDATE_NO_TRANSLATE: /* PV frames are machine frames */
        return mmu_normal_update(d, pg_owner, req->ptr & ~7UL, req->val,
                                 (req->ptr & 7) == MMU_PT_UPDATE_PRESERVE_AD);
    case MMU_MACHPHYS_UPDATE:
        return pg_owner == d ? mmu_machphys_update(d, req->ptr, _gfn(req->val))
                             : -EINVAL;
    default:
        return -ENOSYS;
    }
}

long do_mmu_update(unsigned long ureqs, unsigned int count, unsigned long pdone,
                   domid_t foreigndom)
{
    struct vcpu *v = current_vcpu();
    struct domain *d = v->domain;
    struct domain *pg_owner;
    long rc = batch_owner(d, foreigndom, &pg_owner);
    unsigned int none = 0;
    struct mmu_update req;

    /*
     * Xen refuses a foreign domain the caller may not use entry by entry:
     * the first update fails and the count of those done (none) is
     * written, as Linux's privcmd reads it.
     */
    if ( rc == -EPERM && (count & ~MMU_UPDATE_PREEMPTED) )
        return pdone && !(count & MMU_UPDATE_PREEMPTED) &&
                       copy_to_guest(pdone, &none, sizeof(none))
                   ? -EFAULT
                   : -EPERM;
    if ( rc )
        return rc;
    spin_lock(&d->mm_lock);
    rc = mmu_batch(v, pg_owner, ureqs, count, pdone, &req, sizeof(req),
                   mmu_update_one);
    spin_unlock(&d->mm_lock);
    batch_owner_put(d, pg_owner);
    return rc;
}

/*
 * Pin a table of pg_owner: the caller's own, or for the control domain
 * another's (a builder pins a new domain's L4 as that domain).
 */
static int pin_table(struct domain *pg_owner, mfn_t mfn, uint64_t type)
{
    struct page_info *pg;
    int rc;

    if ( !mfn_valid(mfn) )
        return -EINVAL;
    pg = mfn_to_page(mfn);
    rc = get_page_and_type(pg, pg_owner->domain_id, type);
    if ( rc )
        return -EINVAL; /* Xen's answer for any refusal to pin */
    if ( __atomic_fetch_or(&pg->type_info, PGT_pinned, __ATOMIC_ACQ_REL) &
         PGT_pinned )
    {
        put_page_and_type(pg);
        return -EINVAL; /* already pinned */
    }
    /*
     * A foreign domain's kill may have released its pins before this one
     * was made: then nobody would ever drop it, so undo it now.
     */
    if ( pg_owner != current_vcpu()->domain &&
         __atomic_load_n(&pg_owner->is_dying, __ATOMIC_ACQUIRE) &&
         (__atomic_fetch_and(&pg->type_info, ~PGT_pinned, __ATOMIC_ACQ_REL) &
          PGT_pinned) )
        put_page_and_type(pg);
    return 0;
}

static int unpin_table(struct domain *pg_owner, mfn_t mfn)
{
    struct page_info *pg;

    if ( !mfn_valid(mfn) )
        return -EINVAL;
    pg = mfn_to_page(mfn);
    if ( !get_page(pg, pg_owner->domain_id) )
        return -EINVAL;
    if ( !(__atomic_fetch_and(&pg->type_info, ~PGT_pinned, __ATOMIC_ACQ_REL) &
           PGT_pinned) )
    {
        put_page(pg);
        return -EINVAL; /* not pinned */
    }
    put_page_and_type(pg); /* the pin's references */
    put_page(pg);
    return 0;
}

/*
 * NEW_BASEPTR and NEW_USER_BASEPTR: switch the vCPU's kernel (user) page
 * table to the op's frame, which must be an L4 of the caller. Frame 0 in
 * the user slot means none (it is never a guest's page). Up to two in one
 * go, in order, as Linux's context switch sends them: the new tables'
 * references are taken first, then CR3 is loaded once if the table of the
 * mode the vCPU runs in changed, and only then are the old tables'
 * references dropped (dropping the last could devalidate a table that
 * CR3 still held). The same table again changes no count.
 * Returns the number of ops done; *rc is the error that stopped it.
 */
static unsigned int new_baseptrs(struct vcpu *v, const struct mmuext_op *op,
                                 unsigned int n, long *rc)
{
    mfn_t old[2], new[2];
    bool reload = false;
    unsigned int i;

    *rc = 0;
    for ( i = 0; i < n; i++ )
    {
        bool user = op[i].cmd == MMUEXT_NEW_USER_BASEPTR;
        mfn_t *slot = user ? &v->arch.guest_table_user : &v->arch.guest_table;

        old[i] = *slot;
        new[i] = _mfn(op[i].arg1.mfn);
        if ( (user && !mfn_x(new[i])) ||
             (mfn_x(new[i]) && mfn_eq(new[i], old[i])) )
            ; /* nothing to take */
        else if ( !mfn_valid(new[i]) ||
                  get_page_and_type(mfn_to_page(new[i]), v->domain->domain_id,
                                    PGT_l4_page_table) )
        {
            *rc = -EINVAL;
            break;
        }
        *slot = new[i];
        if ( user != v->arch.kernel_mode )
            reload = true;
    }
    if ( reload )
        write_cr3_flush(pv_guest_cr3(v));
    for ( unsigned int j = 0; j < i; j++ )
        if ( mfn_x(old[j]) && !mfn_eq(old[j], new[j]) )
            put_page_and_type(mfn_to_page(old[j]));
    return i;
}

static int clear_or_copy_page(struct domain *pg_owner, mfn_t dst, mfn_t src,
                              bool copy)
{
    struct page_info *d = mfn_valid(dst) ? mfn_to_page(dst) : NULL;
    struct page_info *s = mfn_valid(src) ? mfn_to_page(src) : NULL;
    domid_t id = pg_owner->domain_id;
    int rc = -EINVAL;

    if ( !d || get_page_and_type(d, id, PGT_writable_page) )
        return -EINVAL;
    if ( !copy )
    {
        memset(mfn_to_virt(dst), 0, PAGE_SIZE);
        rc = 0;
    }
    else if ( s && get_page(s, id) )
    {
        memcpy(mfn_to_virt(dst), mfn_to_virt(src), PAGE_SIZE);
        put_page(s);
        rc = 0;
    }
    put_page_and_type(d);
    return rc;
}

/*
 * With a foreign pg_owner (the control domain acting for another), as in
 * Xen: pinning, unpinning, clearing and copying act on pg_owner's frames,
 * a full local TLB flush is harmless, and the rest concern the caller's
 * own vCPU and are refused.
 */
static int mmuext_one(struct vcpu *v, struct domain *pg_owner,
                      const struct mmuext_op *op)
{
    switch ( op->cmd )
    {
    case MMUEXT_PIN_L1_TABLE:
    case MMUEXT_PIN_L2_TABLE:
    case MMUEXT_PIN_L3_TABLE:
    case MMUEXT_PIN_L4_TABLE:
        return pin_table(pg_owner, _mfn(op->arg1.mfn),
                         (uint64_t)(op->cmd + 1) << PGT_type_shift);
    case MMUEXT_UNPIN_TABLE:
        return unpin_table(pg_owner, _mfn(op->arg1.mfn));
    case MMUEXT_CLEAR_PAGE:
        return clear_or_copy_page(pg_owner, _mfn(op->arg1.mfn), _mfn(0), false);
    case MMUEXT_COPY_PAGE:
        return clear_or_copy_page(pg_owner, _mfn(op->arg1.mfn),
                                  _mfn(op->arg2.src_mfn), true);
    case MMUEXT_TLB_FLUSH_LOCAL:
    case MMUEXT_TLB_FLUSH_ALL:
        break;
    default:
        if ( pg_owner != v->domain )
            return -EPERM;
        break;
    }
    switch ( op->cmd )
    {
    case MMUEXT_NEW_BASEPTR:
    case MMUEXT_NEW_USER_BASEPTR:
    {
        long rc;

        new_baseptrs(v, op, 1, &rc);
        return rc;
    }
    case MMUEXT_TLB_FLUSH_LOCAL:
        flush_tlb_local();
        return 0;
    case MMUEXT_TLB_FLUSH_MULTI:
    case MMUEXT_TLB_FLUSH_ALL:
        flush_tlb_domain(v->domain, 0);
        return 0;
    case MMUEXT_INVLPG_LOCAL:
    case MMUEXT_INVLPG_MULTI:
    case MMUEXT_INVLPG_ALL:
        if ( !guest_range_ok(op->arg1.linear_addr, 1) )
            return 0;
        if ( op->cmd == MMUEXT_INVLPG_LOCAL )
            invlpg(op->arg1.linear_addr);
        else
            flush_tlb_domain(v->domain, op->arg1.linear_addr);
        return 0;
    case MMUEXT_FLUSH_CACHE:
    case MMUEXT_FLUSH_CACHE_GLOBAL:
        if ( !v->domain->is_privileged )
            return -EPERM;
        asm volatile("wbinvd" ::: "memory");
        return 0;
    case MMUEXT_SET_LDT:
        if ( op->arg2.nr_ents > 8192 ||
             !guest_range_ok(op->arg1.linear_addr, op->arg2.nr_ents * 8) ||
             (op->arg1.linear_addr & (PAGE_SIZE - 1)) )
            return -EINVAL;
        v->arch.ldt_base = op->arg1.linear_addr;
        v->arch.ldt_ents = op->arg2.nr_ents;
        return 0;
    default:
        return -ENOSYS;
    }
}

static long mmuext_locked(struct vcpu *v, struct domain *pg_owner,
                          const void *op)
{
    long rc;

    /* The tables typed or retyped are pg_owner's. */
    spin_lock(&pg_owner->mm_lock);
    rc = mmuext_one(v, pg_owner, op);
    spin_unlock(&pg_owner->mm_lock);
    return rc;
}

static bool is_baseptr(const struct mmuext_op *op)
{
    return op->cmd == MMUEXT_NEW_BASEPTR || op->cmd == MMUEXT_NEW_USER_BASEPTR;
}

/*
 * A context switch's call (Linux's xen_write_cr3: NEW_BASEPTR then
 * NEW_USER_BASEPTR, the caller's own tables, no continuation): one copy,
 * one lock and one CR3 load, the same checks as one op at a time. The
 * caller's own domain needs no reference of the call's: its running vCPU
 * keeps it. false: not such a call, nothing done.
 */
static bool mmuext_baseptr_pair(struct vcpu *v, unsigned long uops,
                                unsigned int count, unsigned long pdone,
                                domid_t foreigndom, long *rc)
{
    struct domain *d = v->domain;
    struct mmuext_op op[2];
    unsigned int done;

    if ( !domid_is_self(d, foreigndom) || count < 1 || count > 2 ||
         copy_from_guest(op, uops, count * sizeof(op[0])) ||
         !is_baseptr(&op[0]) || (count == 2 && !is_baseptr(&op[1])) )
        return false;
    spin_lock(&d->mm_lock);
    done = new_baseptrs(v, op, count, rc);
    spin_unlock(&d->mm_lock);
    if ( pdone && copy_to_guest(pdone, &done, sizeof(done)) )
        *rc = -EFAULT;
    return true;
}

long do_mmuext_op(unsigned long uops, unsigned int count, unsigned long pdone,
                  domid_t foreigndom)
{
    struct vcpu *v = current_vcpu();
    struct domain *pg_owner;
    struct mmuext_op op;
    long rc;

    if ( mmuext_baseptr_pair(v, uops, count, pdone, foreigndom, &rc) )
        return rc;
    rc = batch_owner(v->domain, foreigndom, &pg_owner);
    if ( rc )
        return rc;
    rc = mmu_batch(v, pg_owner, uops, count, pdone, &op, sizeof(op),
                   mmuext_locked);
    batch_owner_put(v->domain, pg_owner);
    return rc;
}

long do_update_va_mapping(unsigned long va, uint64_t val, unsigned long flags)
{
    struct vcpu *v = current_vcpu();
    struct page_info *pg;
    pte_t *pl;
    long rc;

    if ( !guest_range_ok(va, 1) )
        return -EINVAL;
    spin_lock(&v->domain->mm_lock);
    pl = pv_guest_l1e(v, va, &pg);
    if ( !pl || pv_page_table_level(pg) != 1 ||
         !get_page(pg, v->domain->domain_id) )
    {
        spin_unlock(&v->domain->mm_lock);
        return -EINVAL;
    }
    rc = pv_mod_entry(v->domain, v->domain, pl, 1, val, false);
    put_page(pg);
    spin_unlock(&v->domain->mm_lock);
    if ( rc )
        return rc;
    /* Above the flush type: UVMF_LOCAL (0), UVMF_ALL, or a vCPU mask. */
    switch ( flags & UVMF_FLUSHTYPE_MASK )
    {
    case UVMF_TLB_FLUSH:
        if ( !(flags & ~UVMF_FLUSHTYPE_MASK) )
            flush_tlb_local();
        else
            flush_tlb_domain(v->domain, 0);
        break;
    case UVMF_INVLPG:
        if ( !(flags & ~UVMF_FLUSHTYPE_MASK) )
            invlpg(va);
        else
            flush_tlb_domain(v->domain, va);
        break;
    default:
        break;
    }
    return 0;
}
