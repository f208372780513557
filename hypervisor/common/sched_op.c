/* SPDX-License-Identifier: GPL-2.0-only */
/* HYPERVISOR_sched_op: yield, block, poll and shutdown. */
#include <xenia/console.h>
#include <xenia/domain.h>
#include <xenia/errno.h>
#include <xenia/event.h>
#include <xenia/event_channel.h>
#include <xenia/guest_access.h>
#include <xenia/hypercall.h>
#include <xenia/sched.h>
#include <xenia/time.h>
#include <xenia/vcpu_timer.h>
#include <xen/sched.h>

static long sched_shutdown(struct vcpu *v, unsigned long arg)
{
    struct sched_shutdown s;

    if ( copy_from_guest(&s, arg, sizeof(s)) )
        return -EFAULT;
    if ( s.reason > SHUTDOWN_MAX )
        return -EINVAL;
    domain_shutdown(v->domain, s.reason);
    return 0;
}

static long sched_remote_shutdown(struct vcpu *v, unsigned long arg)
{
    struct sched_remote_shutdown rs;
    struct domain *d;

    if ( !v->domain->is_privileged )
        return -EPERM;
    if ( copy_from_guest(&rs, arg, sizeof(rs)) )
        return -EFAULT;
    if ( rs.reason > SHUTDOWN_MAX )
        return -EINVAL;
    d = domain_get(rs.domain_id);
    if ( !d )
        return -ESRCH;
    domain_shutdown(d, rs.reason);
    domain_put(d);
    return 0;
}

/* Ends a SCHEDOP_poll that saw no event in time. */
void vcpu_poll_timeout(void *data)
{
    vcpu_wake(data);
}

static bool port_in_use(struct domain *d, evtchn_port_t port)
{
    struct evtchn_status st;
    unsigned long flags;
    int rc;

    /* Interrupts off, as everywhere: a timer's VIRQ takes this lock too. */
    flags = spin_lock_irqsave(&d->event_lock);
    rc = evtchn_status(d->evtchn, port, &st);
    spin_unlock_irqrestore(&d->event_lock, flags);
    return !rc && st.status != EVTCHNSTAT_closed;
}

/*
 * Block until one of the ports is pending or the timeout passes. Xenia
 * waits on the first port only (Linux polls one port: its spinlock
 * kicker); any event wakes the vCPU if more are given.
 *
 * The vCPU is marked blocked, and its port published, before anything is
 * looked at, as for any blocking: from then on an event or the timer
 * wakes it (vcpu_wake clears the flag), so a wake-up that comes while the
 * ports are checked or the timer is armed (one already due fires at
 * once) cannot be lost.
 */
static long sched_poll(struct vcpu *v, unsigned long arg)
{
    struct sched_poll p;
    evtchn_port_t port = 0;
    unsigned int i;
    long rc = 0;

    if ( copy_from_guest(&p, arg, sizeof(p)) )
        return -EFAULT;
    if ( p.nr_ports > 128 )
        return -EINVAL; /* Xen's limit */
    if ( !guest_range_ok((unsigned long)p.ports.p,
                         p.nr_ports * sizeof(evtchn_port_t)) )
        return -EFAULT;

    v->poll_port = 0;
    __atomic_fetch_or(&v->pause_flags, VPF_blocked, __ATOMIC_SEQ_CST);
    /* An upcall due now is a reason to return, as in Xen. */
    if ( v->vcpu_info->evtchn_upcall_pending &&
         !v->vcpu_info->evtchn_upcall_mask )
        goto out;
    for ( i = 0; i < p.nr_ports; i++ )
    {
        rc = -EFAULT;
        if ( copy_from_guest(&port, (unsigned long)p.ports.p + i * sizeof(port),
                             sizeof(port)) )
            goto out;
        /*
         * A port beyond the domain's range, or one not in use (free, or
         * the reserved port 0): refused, never waited on, as in Xen.
         */
        rc = -EINVAL;
        if ( !port_in_use(v->domain, port) )
            goto out;
        rc = 0;
        /*
         * The port is published before its pending bit is read: a sender
         * sets the bit and then looks for a poller of that port (a masked
         * port wakes no one else), so one of the two sees the other. Set
         * after the read, a kick landing in between was lost, and Linux's
         * spinlock waiter, which polls with no timeout, slept for good.
         */
        if ( p.nr_ports == 1 )
            __atomic_store_n(&v->poll_port, port, __ATOMIC_SEQ_CST);
        if ( evtchn_is_pending(v->domain, port) )
            goto out;
    }
    if ( p.timeout )
    {
        /* Already passed (2^63 and beyond read as negative): done. */
        if ( (s_time_t)p.timeout <= NOW() )
            goto out;
        set_timer(&v->poll_timer, (s_time_t)p.timeout);
    }
    /*
     * Woken meanwhile: perhaps before poll_port or the timer were set,
     * which vcpu_wake() would then not have undone.
     */
    if ( !(__atomic_load_n(&v->pause_flags, __ATOMIC_SEQ_CST) & VPF_blocked) )
        goto out;
    sched_sleep(v);
    return 0;

out:
    v->poll_port = 0;
    stop_timer(&v->poll_timer);
    __atomic_fetch_and(&v->pause_flags, ~VPF_blocked, __ATOMIC_SEQ_CST);
    return rc;
}

long do_sched_op(unsigned int cmd, unsigned long arg)
{
    struct vcpu *v = current_vcpu();

    switch ( cmd )
    {
    case SCHEDOP_yield:
        sched_yield();
        return 0;
    case SCHEDOP_block:
        /* Blocking enables events: the wake-up is an event. */
        v->vcpu_info->evtchn_upcall_mask = 0;
        vcpu_block(v);
        return 0;
    case SCHEDOP_shutdown:
        return sched_shutdown(v, arg);
    case SCHEDOP_shutdown_code:
    {
        struct sched_shutdown s;

        if ( copy_from_guest(&s, arg, sizeof(s)) )
            return -EFAULT;
        if ( s.reason > SHUTDOWN_MAX )
            return -EINVAL;
        v->domain->shutdown_code = s.reason;
        return 0;
    }
    case SCHEDOP_remote_shutdown:
        return sched_remote_shutdown(v, arg);
    case SCHEDOP_poll:
        return sched_poll(v, arg);
    default:
        return -ENOSYS;
    }
}
