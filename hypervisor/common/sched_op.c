/* SPDX-License-Identifier: GPL-2.0-only */
/* HYPERVISOR_sched_op: yield, block, poll and shutdown. */
#include <xenia/console.h>
#include <xenia/domain.h>
#include <xenia/errno.h>
#include <xenia/guest_access.h>
#include <xenia/hypercall.h>
#include <xenia/sched.h>
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

/*
 * Block until one of the ports is pending or the timeout passes. Xenia
 * waits on the first port only (Linux polls one port: its spinlock
 * kicker); any event wakes the vCPU if more are given.
 */
static long sched_poll(struct vcpu *v, unsigned long arg)
{
    struct sched_poll p;
    evtchn_port_t port;
    unsigned int i;

    if ( copy_from_guest(&p, arg, sizeof(p)) )
        return -EFAULT;
    if ( p.nr_ports > 128 )
        return -EINVAL;
    for ( i = 0; i < p.nr_ports; i++ )
    {
        if ( copy_from_guest(&port, (unsigned long)p.ports.p + i * sizeof(port),
                             sizeof(port)) )
            return -EFAULT;
        if ( port >= 4096 )
            return -EINVAL;
        if ( evtchn_2l_is_pending(v->domain, port) )
            return 0;
    }
    if ( p.nr_ports == 1 )
        v->poll_port = port;
    if ( p.timeout )
        set_timer(&v->poll_timer, (s_time_t)p.timeout);
    __atomic_fetch_or(&v->pause_flags, VPF_blocked, __ATOMIC_SEQ_CST);
    sched_sleep(v);
    return 0;
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
