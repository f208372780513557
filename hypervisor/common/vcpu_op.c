/* SPDX-License-Identifier: GPL-2.0-only */
/* HYPERVISOR_vcpu_op: vCPU timers, state and bring-up. */
#include <xenia/console.h>
#include <xenia/arch.h>
#include <xenia/domain.h>
#include <xenia/errno.h>
#include <xenia/event.h>
#include <xenia/guest_access.h>
#include <xenia/guest_log.h>
#include <xenia/hypercall.h>
#include <xenia/mm.h>
#include <xenia/page_type.h>
#include <xenia/sched.h>
#include <xenia/time.h>
#include <xenia/vcpu_timer.h>
#include <xenia/xmalloc.h>
#include <asm/config.h>
#include <asm/pv.h>


/* Both timers raise VIRQ_TIMER; they run in interrupt context. */
static void singleshot_fired(void *data)
{
    send_guest_vcpu_virq(data, VIRQ_TIMER);
}

static void periodic_fired(void *data)
{
    struct vcpu *v = data;
    s_time_t next;

    send_guest_vcpu_virq(v, VIRQ_TIMER);
    if ( !v->periodic_period )
        return;
    /* Ticks missed while the CPU was away are not replayed one by one. */
    next = v->periodic_timer.expires + v->periodic_period;
    if ( next <= NOW() )
        next = NOW() + v->periodic_period;
    set_timer(&v->periodic_timer, next);
}


void vcpu_timers_init(struct vcpu *v)
{
    init_timer(&v->singleshot_timer, singleshot_fired, v, v->processor);
    init_timer(&v->periodic_timer, periodic_fired, v, v->processor);
    init_timer(&v->poll_timer, vcpu_poll_timeout, v, v->processor);
}

static long set_singleshot(struct vcpu *v, unsigned long arg)
{
    struct vcpu_set_singleshot_timer t;

    if ( copy_from_guest(&t, arg, sizeof(t)) )
        return -EFAULT;
    /*
     * A deadline already passed (0 included) fires now, whatever the
     * flags: Xen 4.17 ignores VCPU_SSHOTTMR_future, since old Linux
     * retried for ever on its -ETIME. Deadlines of 2^63 and beyond count
     * as future, as Xen's unsigned comparison has it, and are queued as
     * the negative times they become: due at once too.
     */
    if ( t.timeout_abs_ns < (uint64_t)NOW() )
    {
        stop_timer(&v->singleshot_timer);
        send_guest_vcpu_virq(v, VIRQ_TIMER);
        return 0;
    }
    set_timer(&v->singleshot_timer, (s_time_t)t.timeout_abs_ns);
    return 0;
}

static long set_periodic(struct vcpu *v, unsigned long arg)
{
    struct vcpu_set_periodic_timer t;

    if ( copy_from_guest(&t, arg, sizeof(t)) )
        return -EFAULT;
    /* Xen's bounds; NOW() plus a period must never wrap into the past. */
    if ( t.period_ns < MILLISECS(1) || t.period_ns > STIME_DELTA_MAX )
        return -EINVAL;
    v->periodic_period = t.period_ns;
    set_timer(&v->periodic_timer, NOW() + v->periodic_period);
    return 0;
}

/* vcpu_info moves into a guest page, which stays the guest's (writable). */
static long register_vcpu_info(struct vcpu *v, unsigned long arg)
{
    struct vcpu_register_vcpu_info r;
    struct page_info *pg;
    struct vcpu_info *new;

    if ( copy_from_guest(&r, arg, sizeof(r)) )
        return -EFAULT;
    if ( r.offset > PAGE_SIZE - sizeof(struct vcpu_info) ||
         !mfn_valid(_mfn(r.mfn)) )
        return -EINVAL;
    if ( mfn_x(v->vcpu_info_mfn) )
        return -EINVAL; /* once per vCPU, as in Xen */
    pg = mfn_to_page(_mfn(r.mfn));
    if ( get_page_and_type(pg, v->domain->domain_id, PGT_writable_page) )
        return -EINVAL;
    new = (struct vcpu_info *)((char *)mfn_to_virt(_mfn(r.mfn)) + r.offset);
    *new = *v->vcpu_info;
    /* Whatever was pending must still be seen at the new place. */
    new->evtchn_pending_sel = ~0UL;
    new->evtchn_upcall_pending = 1;
    v->vcpu_info = new;
    v->vcpu_info_mfn = _mfn(r.mfn);
    return 0;
}

static long get_runstate(struct vcpu *v, unsigned long arg)
{
    struct vcpu_runstate_info r = v->runstate;

    r.time[r.state] += NOW() - r.state_entry_time;
    return copy_to_guest(arg, &r, sizeof(r)) ? -EFAULT : 0;
}

static long vcpu_initialise(struct vcpu *v, unsigned long arg)
{
    struct vcpu_guest_context *c;
    long rc;

    c = xmalloc(struct vcpu_guest_context);
    if ( !c )
        return -ENOMEM;
    if ( copy_from_guest(c, arg, sizeof(*c)) )
    {
        xfree(c);
        return -EFAULT;
    }
    /* The lock also makes "once" hold against two vCPUs racing here. */
    spin_lock(&v->domain->mm_lock);
    /* Once initialised (it has page tables), never again: as in Xen. */
    rc = mfn_x(v->arch.guest_table) ? -EEXIST : arch_vcpu_initialise(v, c);
    spin_unlock(&v->domain->mm_lock);
    xfree(c);
    return rc;
}

long do_vcpu_op(unsigned int cmd, unsigned int vcpuid, unsigned long arg)
{
    struct domain *d = current_vcpu()->domain;
    struct vcpu *v;

    if ( vcpuid >= d->max_vcpus )
        return -ENOENT;
    v = d->vcpu[vcpuid];
    switch ( cmd )
    {
    case VCPUOP_initialise:
        return vcpu_initialise(v, arg);
    case VCPUOP_up:
        if ( !mfn_x(v->arch.guest_table) )
            return -EINVAL; /* never initialised */
        if ( !(__atomic_fetch_and(&v->pause_flags, ~VPF_down, __ATOMIC_SEQ_CST) &
               VPF_down) )
            return 0; /* already up */
        if ( v->periodic_period )
            set_timer(&v->periodic_timer, NOW() + v->periodic_period);
        sched_wake(v);
        return 0;
    case VCPUOP_down:
        __atomic_fetch_or(&v->pause_flags, VPF_down, __ATOMIC_SEQ_CST);
        sched_sleep(v);
        return 0;
    case VCPUOP_is_up:
        return !(v->pause_flags & VPF_down);
    case VCPUOP_get_runstate_info:
        return get_runstate(v, arg);
    case VCPUOP_register_runstate_memory_area:
    {
        struct vcpu_register_runstate_memory_area a;

        if ( copy_from_guest(&a, arg, sizeof(a)) )
            return -EFAULT;
        if ( !guest_range_ok(a.addr.p, sizeof(struct vcpu_runstate_info)) )
            return -EFAULT;
        v->runstate_guest = a.addr.p;
        if ( v == current_vcpu() )
        {
            /* Written at once, with the time in the current state so far. */
            v->runstate.time[v->runstate.state] += NOW() - v->runstate.state_entry_time;
            v->runstate.state_entry_time = NOW();
            pv_update_runstate_area(v);
        }
        return 0;
    }
    case VCPUOP_set_periodic_timer:
        return set_periodic(v, arg);
    case VCPUOP_stop_periodic_timer:
        v->periodic_period = 0;
        stop_timer(&v->periodic_timer);
        return 0;
    case VCPUOP_set_singleshot_timer:
        if ( v != current_vcpu() )
            return -EINVAL; /* as in Xen: a vCPU arms its own */
        return set_singleshot(v, arg);
    case VCPUOP_stop_singleshot_timer:
        if ( v != current_vcpu() )
            return -EINVAL;
        stop_timer(&v->singleshot_timer);
        return 0;
    case VCPUOP_register_vcpu_info:
        return register_vcpu_info(v, arg);
    default:
        return -ENOSYS;
    }
}
