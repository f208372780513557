/* SPDX-License-Identifier: GPL-2.0-only */
/* Delivering events through the 2-level bitmaps in shared_info. */
#include <xenia/domain.h>
#include <xenia/event.h>
#include <xenia/event_channel.h>
#include <xenia/lib.h>
#include <xenia/sched.h>

#define BITS 64

static bool test_and_set(volatile xen_ulong_t *w, unsigned int bit)
{
    return __atomic_fetch_or(w, 1UL << bit, __ATOMIC_SEQ_CST) & (1UL << bit);
}

static bool test(volatile const xen_ulong_t *w, unsigned int bit)
{
    return __atomic_load_n(w, __ATOMIC_SEQ_CST) & (1UL << bit);
}

/*
 * A vCPU has events to look at: flag it, and wake it if it blocked (or
 * polls this port). The flag is what the exit path checks to bounce to
 * the guest's event callback.
 */
void evtchn_notify_vcpu(struct vcpu *v, uint32_t port)
{
    v->vcpu_info->evtchn_upcall_pending = 1;
    if ( (v->pause_flags & VPF_blocked) &&
         (!v->poll_port || v->poll_port == port) )
        vcpu_wake(v);
    else if ( v->is_running )
        vcpu_kick(v); /* running elsewhere: it must look on its way out */
}

/*
 * Set the port pending; if it is not masked, set its word's bit in the
 * vCPU's selector and then the upcall flag (Xen's order: the guest scans
 * upcall_pending -> pending_sel -> pending & ~mask).
 */
void evtchn_2l_set_pending(struct domain *d, uint32_t port, unsigned int vcpu)
{
    struct shared_info *s = d->shared_info;
    struct vcpu *v;

    if ( port >= EVTCHN_NR_PORTS || vcpu >= d->max_vcpus )
        return;
    v = d->vcpu[vcpu];
    if ( test_and_set(&s->evtchn_pending[port / BITS], port % BITS) )
        return;
    if ( test(&s->evtchn_mask[port / BITS], port % BITS) )
    {
        /* A poller waits for the port itself, masked or not. */
        if ( (v->pause_flags & VPF_blocked) && v->poll_port == port )
            vcpu_wake(v);
        return;
    }
    test_and_set(&v->vcpu_info->evtchn_pending_sel, port / BITS);
    evtchn_notify_vcpu(v, port);
}

void evtchn_2l_unmask(struct domain *d, uint32_t port)
{
    struct shared_info *s = d->shared_info;
    struct vcpu *v;

    if ( port >= EVTCHN_NR_PORTS )
        return;
    v = d->vcpu[d->evtchn->port[port].notify_vcpu];
    __atomic_fetch_and(&s->evtchn_mask[port / BITS], ~(1UL << (port % BITS)),
                       __ATOMIC_SEQ_CST);
    /* An event that arrived while masked is delivered now. */
    if ( test(&s->evtchn_pending[port / BITS], port % BITS) &&
         !test_and_set(&v->vcpu_info->evtchn_pending_sel, port / BITS) )
        evtchn_notify_vcpu(v, port);
}

void evtchn_2l_clear_pending(struct domain *d, uint32_t port)
{
    if ( port < EVTCHN_NR_PORTS )
        __atomic_fetch_and(&d->shared_info->evtchn_pending[port / BITS],
                           ~(1UL << (port % BITS)), __ATOMIC_SEQ_CST);
}

bool evtchn_2l_is_pending(struct domain *d, uint32_t port)
{
    return port < EVTCHN_NR_PORTS &&
           test(&d->shared_info->evtchn_pending[port / BITS], port % BITS);
}
