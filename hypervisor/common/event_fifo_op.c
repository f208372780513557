/* SPDX-License-Identifier: GPL-2.0-only */
/* The FIFO ABI's hypercalls, and its guest pages (event_fifo.c: queues). */
#include <xenia/guest_log.h>
#include <xenia/event.h>
#include <xenia/boot_param.h>
#include <xenia/console.h>
#include <xenia/domain.h>
#include <xenia/errno.h>
#include <xenia/event_fifo.h>
#include <xenia/guest_access.h>
#include <xenia/mm.h>
#include <xenia/page_type.h>
#include <xenia/sched.h>
#include <xenia/xmalloc.h>
#include <asm/config.h>

/*
 * A domain uses the 2-level ABI until its first EVTCHNOP_init_control,
 * and again after EVTCHNOP_reset. "evtchn_fifo=0" on the command line
 * withholds FIFO (init_control then fails with -ENOSYS, as before Xen
 * 4.4), for guests or tests that want 2-level.
 */
static bool opt_evtchn_fifo = true;
boolean_param("evtchn_fifo", opt_evtchn_fifo);

/* The FIFO state and the guest frames it holds a writable reference to. */
struct evtchn_fifo_domain {
    struct evtchn_fifo fifo;
    mfn_t control_mfn[EVTCHN_MAX_VCPUS];   /* frame 0: none */
    mfn_t array_mfn[EVTCHN_FIFO_MAX_PAGES];
};

/* A page of d's the guest may write: kept writable while we use it. */
static void *get_guest_page(struct domain *d, uint64_t gfn, mfn_t *mfn)
{
    /* A PV guest names its frames by machine number. */
    *mfn = _mfn((unsigned long)gfn);
    if ( gfn >= max_page ||
         get_page_and_type(mfn_to_page(*mfn), d->domain_id,
                           PGT_writable_page) )
        return NULL;
    return mfn_to_virt(*mfn);
}

static void put_guest_page(mfn_t mfn)
{
    if ( mfn_x(mfn) )
        put_page_and_type(mfn_to_page(mfn));
}

/* Ports bound before the switch keep an event raised under 2-level. */
static void take_over_ports(struct domain *d)
{
    const struct shared_info *s = d->shared_info;

    for ( uint32_t p = 1; p < EVTCHN_NR_PORTS; p++ )
    {
        struct evtchn *c = evtchn_from_port(d->evtchn, p);

        if ( c->state == ECS_FREE || c->state == ECS_RESERVED )
            continue;
        c->priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
        if ( s->evtchn_pending[p / 64] & (1UL << (p % 64)) )
            c->fifo_pending = true;
    }
}

long evtchn_fifo_init_control(struct domain *d, unsigned long arg)
{
    struct evtchn_init_control ic;
    struct evtchn_fifo_domain *fresh = NULL, *fd;
    unsigned long flags;
    char *page;
    mfn_t mfn;
    long rc;

    if ( !opt_evtchn_fifo )
        return -ENOSYS;
    if ( copy_from_guest(&ic, arg, sizeof(ic)) )
        return -EFAULT;
    ic.link_bits = EVTCHN_FIFO_LINK_BITS;
    rc = evtchn_fifo_check_control(d->max_vcpus, ic.vcpu, ic.offset);
    if ( rc )
        return rc;
    /* Allocated before the lock, which a timer's VIRQ also takes. */
    if ( !__atomic_load_n(&d->evtchn_fifo, __ATOMIC_ACQUIRE) &&
         !(fresh = xzalloc(struct evtchn_fifo_domain)) )
        return -ENOMEM;
    flags = spin_lock_irqsave(&d->event_lock);
    fd = d->evtchn_fifo ? d->evtchn_fifo : fresh;
    rc = -ENOMEM;
    if ( !fd )
        goto out;
    rc = -EINVAL;
    if ( mfn_x(fd->control_mfn[ic.vcpu]) ||
         !(page = get_guest_page(d, ic.control_gfn, &mfn)) )
        goto out;
    rc = evtchn_fifo_set_control(&fd->fifo, ic.vcpu,
                                 (void *)(page + ic.offset));
    if ( rc )
    {
        put_guest_page(mfn);
        goto out;
    }
    fd->control_mfn[ic.vcpu] = mfn;
    if ( fd == fresh )
    {
        take_over_ports(d);
        __atomic_store_n(&d->evtchn_fifo, fd, __ATOMIC_RELEASE);
        evtchn_set_max_port(d->evtchn, d->max_evtchn_port);
        fresh = NULL;
        gdprintk(XENLOG_INFO, d, "event channels: FIFO ABI, up to port %u\n",
                 d->evtchn->max_port);
    }
out:
    spin_unlock_irqrestore(&d->event_lock, flags);
    xfree(fresh);
    if ( !rc && copy_to_guest(arg, &ic, sizeof(ic)) )
        return -EFAULT;
    return rc;
}

/* Raise again what was raised while the new page was missing. */
static void raise_waiting(struct domain *d, uint32_t from, uint32_t to)
{
    for ( uint32_t p = from; p < to; p++ )
    {
        struct evtchn *c = evtchn_from_port(d->evtchn, p);

        if ( c && c->fifo_pending )
        {
            c->fifo_pending = false;
            evtchn_set_pending(d, p, c->notify_vcpu);
        }
    }
}

long evtchn_fifo_expand_array(struct domain *d, unsigned long arg)
{
    struct evtchn_expand_array ea;
    struct evtchn_fifo_domain *fd;
    unsigned long flags;
    uint32_t from;
    void *page;
    mfn_t mfn;
    long rc;

    if ( copy_from_guest(&ea, arg, sizeof(ea)) )
        return -EFAULT;
    flags = spin_lock_irqsave(&d->event_lock);
    fd = d->evtchn_fifo;
    rc = -EOPNOTSUPP; /* still 2-level */
    if ( !fd )
        goto out;
    from = fd->fifo.nr_ports;
    rc = -ENOSPC;
    if ( from >= EVTCHN_FIFO_NR_CHANNELS )
        goto out;
    rc = -EINVAL;
    if ( !(page = get_guest_page(d, ea.array_gfn, &mfn)) )
        goto out;
    rc = evtchn_fifo_add_page(&fd->fifo, page, EVTCHN_FIFO_NR_CHANNELS);
    if ( rc )
    {
        put_guest_page(mfn);
        goto out;
    }
    fd->array_mfn[from / EVTCHN_FIFO_WORDS_PER_PAGE] = mfn;
    raise_waiting(d, from, fd->fifo.nr_ports);
out:
    spin_unlock_irqrestore(&d->event_lock, flags);
    return rc;
}

long evtchn_fifo_set_priority_op(struct domain *d, unsigned long arg)
{
    struct evtchn_set_priority sp;
    struct evtchn *c;
    unsigned long flags;
    long rc;

    if ( copy_from_guest(&sp, arg, sizeof(sp)) )
        return -EFAULT;
    flags = spin_lock_irqsave(&d->event_lock);
    c = evtchn_from_port(d->evtchn, sp.port);
    rc = !c ? -EINVAL
         : !d->evtchn_fifo ? -ENOSYS /* 2-level has no priorities */
                           : evtchn_fifo_set_priority(c, sp.priority);
    spin_unlock_irqrestore(&d->event_lock, flags);
    return rc;
}

/*
 * Back to 2-level once every port is closed (EVTCHNOP_reset, destruction):
 * the guest's pages are its own again. A port bound meanwhile by another
 * vCPU keeps FIFO on a reset (Xen's -EAGAIN); a dying domain's pages go
 * whatever is left (force). The buckets of high ports stay until the
 * domain goes, so a peer never finds its port gone. Event lock held.
 */
int evtchn_fifo_destroy(struct domain *d, bool force)
{
    struct evtchn_fifo_domain *fd = d->evtchn_fifo;

    if ( !fd )
        return 0;
    if ( !force && evtchn_any_in_use(d->evtchn) )
        return -EAGAIN;
    __atomic_store_n(&d->evtchn_fifo, NULL, __ATOMIC_RELEASE);
    for ( unsigned int i = 0; i < EVTCHN_MAX_VCPUS; i++ )
        put_guest_page(fd->control_mfn[i]);
    for ( unsigned int i = 0; i < EVTCHN_FIFO_MAX_PAGES; i++ )
        put_guest_page(fd->array_mfn[i]);
    xfree(fd);
    evtchn_set_max_port(d->evtchn, MIN(d->max_evtchn_port,
                                       EVTCHN_NR_PORTS - 1U));
    return 0;
}

/* Raising, unmasking and testing a port, whichever ABI d uses. */
void evtchn_set_pending(struct domain *d, uint32_t port, unsigned int vcpu)
{
    struct evtchn_fifo_domain *fd = d->evtchn_fifo;
    struct evtchn *c = evtchn_from_port(d->evtchn, port);
    unsigned int r;
    struct vcpu *v;

    if ( !fd )
    {
        evtchn_2l_set_pending(d, port, vcpu);
        return;
    }
    if ( !c || vcpu >= d->max_vcpus )
        return;
    v = d->vcpu[vcpu];
    r = evtchn_fifo_set_pending(&fd->fifo, c, port, vcpu);
    if ( r & EVTCHN_FIFO_NOTIFY )
        evtchn_notify_vcpu(v, port);
    else if ( (r & EVTCHN_FIFO_NEW_PENDING) &&
              (v->pause_flags & VPF_blocked) && v->poll_port == port )
        vcpu_wake(v); /* a poller waits for the port, masked or not */
}

long evtchn_unmask(struct domain *d, uint32_t port)
{
    unsigned long flags = spin_lock_irqsave(&d->event_lock);
    struct evtchn *c = evtchn_from_port(d->evtchn, port);
    struct evtchn_fifo_domain *fd = d->evtchn_fifo;
    long rc = c ? 0 : -EINVAL;

    if ( c && fd )
    {
        unsigned int vcpu = c->notify_vcpu;

        if ( evtchn_fifo_unmask(&fd->fifo, c, port) & EVTCHN_FIFO_NOTIFY )
            evtchn_notify_vcpu(d->vcpu[vcpu], port);
    }
    spin_unlock_irqrestore(&d->event_lock, flags);
    if ( c && !fd )
        evtchn_2l_unmask(d, port);
    return rc;
}

void evtchn_port_bits(struct domain *d, uint32_t port, bool *pending,
                      bool *masked)
{
    const struct shared_info *s = d->shared_info;
    const event_word_t *w;

    if ( !d->evtchn_fifo )
    {
        *pending = s->evtchn_pending[port / 64] & (1UL << (port % 64));
        *masked = s->evtchn_mask[port / 64] & (1UL << (port % 64));
        return;
    }
    w = evtchn_fifo_word(&d->evtchn_fifo->fifo, port);
    *pending = w && (*w & (1u << EVTCHN_FIFO_PENDING));
    *masked = !w || (*w & (1u << EVTCHN_FIFO_MASKED));
}

bool evtchn_is_pending(struct domain *d, uint32_t port)
{
    unsigned long flags = spin_lock_irqsave(&d->event_lock);
    bool pending = d->evtchn_fifo
                       ? evtchn_fifo_is_pending(&d->evtchn_fifo->fifo, port)
                       : evtchn_2l_is_pending(d, port);

    spin_unlock_irqrestore(&d->event_lock, flags);
    return pending;
}

/* A closed port's event is gone (Xen clears it so a rebind starts clean). */
void evtchn_port_closed(struct domain *d, uint32_t port)
{
    if ( d->evtchn_fifo )
        evtchn_fifo_clear_pending(&d->evtchn_fifo->fifo, port);
    else
        evtchn_2l_clear_pending(d, port);
}
