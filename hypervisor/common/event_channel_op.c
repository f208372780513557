/* SPDX-License-Identifier: GPL-2.0-only */
/* HYPERVISOR_event_channel_op: argument checking, locking, privilege. */
#include <xenia/console.h>
#include <xenia/domain.h>
#include <xenia/errno.h>
#include <xenia/event.h>
#include <xenia/event_channel.h>
#include <xenia/guest_access.h>
#include <xenia/hypercall.h>
#include <xenia/sched.h>
#include <xenia/keyhandler.h>
#include <xenia/xmalloc.h>

/*
 * The pure code looks up only the peer of a port whose two tables the
 * caller has locked, holding a reference to each: the pointer stays valid.
 */
struct evtchn_domain *evtchn_env_lookup(domid_t id)
{
    struct domain *d = domain_get_any(id);
    struct evtchn_domain *ed = d ? d->evtchn : NULL;

    if ( d )
        domain_put(d);
    return ed;
}

void evtchn_env_raise(struct evtchn_domain *ed, uint32_t port,
                      unsigned int vcpu)
{
    struct domain *d = domain_get_any(ed->domid);

    if ( !d )
        return;
    evtchn_set_pending(d, port, vcpu);
    domain_put(d);
}

struct evtchn *evtchn_env_alloc_bucket(void)
{
    return xzalloc_array(struct evtchn, EVTCHN_BUCKET_PORTS);
}

void evtchn_env_free_bucket(struct evtchn *bucket)
{
    xfree(bucket);
}

int evtchn_domain_create(struct domain *d)
{
    d->event_lock = (spinlock_t)SPIN_LOCK_UNLOCKED;
    d->evtchn = xmalloc(struct evtchn_domain);
    if ( !d->evtchn )
        return -ENOMEM;
    evtchn_domain_init(d->evtchn, d->domain_id, d->max_vcpus,
                       MIN(d->max_evtchn_port, EVTCHN_NR_PORTS - 1U));
    return 0;
}

void send_guest_vcpu_virq(struct vcpu *v, uint32_t virq)
{
    struct domain *d = v->domain;
    unsigned long flags = spin_lock_irqsave(&d->event_lock);

    evtchn_send_virq(d->evtchn, v->vcpu_id, virq);
    spin_unlock_irqrestore(&d->event_lock, flags);
}

/* Two domains' tables, locked in domain-id order so two CPUs agree. */
static unsigned long lock_pair(struct domain *a, struct domain *b)
{
    unsigned long flags = local_irq_save();

    if ( a == b )
        spin_lock(&a->event_lock);
    else if ( a->domain_id < b->domain_id )
        spin_lock(&a->event_lock), spin_lock(&b->event_lock);
    else
        spin_lock(&b->event_lock), spin_lock(&a->event_lock);
    return flags;
}

static void unlock_pair(struct domain *a, struct domain *b, unsigned long flags)
{
    spin_unlock(&a->event_lock);
    if ( a != b )
        spin_unlock(&b->event_lock);
    local_irq_restore(flags);
}

/* One operation on the caller's own table, under its lock. */
#define LOCKED(d, expr)                                                        \
    ({                                                                         \
        unsigned long f_ = spin_lock_irqsave(&(d)->event_lock);               \
        long r_ = (expr);                                                      \
        spin_unlock_irqrestore(&(d)->event_lock, f_);                          \
        r_;                                                                    \
    })

static long op_alloc_unbound(struct domain *d, unsigned long arg)
{
    struct evtchn_alloc_unbound a;
    struct domain *owner;
    long rc;

    if ( copy_from_guest(&a, arg, sizeof(a)) )
        return -EFAULT;
    rc = domain_target(d, a.dom, &owner);
    if ( rc )
        return rc;
    if ( a.remote_dom == DOMID_SELF )
        a.remote_dom = d->domain_id;
    rc = LOCKED(owner, evtchn_alloc_unbound(owner->evtchn, a.remote_dom,
                                            &a.port));
    domain_put(owner);
    if ( !rc && copy_to_guest(arg, &a, sizeof(a)) )
        return -EFAULT;
    return rc;
}

static long op_bind_interdomain(struct domain *d, unsigned long arg)
{
    struct evtchn_bind_interdomain b;
    struct domain *rd;
    unsigned long flags;
    uint32_t port;
    long rc;

    if ( copy_from_guest(&b, arg, sizeof(b)) )
        return -EFAULT;
    rd = b.remote_dom == DOMID_SELF ? d : domain_get(b.remote_dom);
    if ( !rd )
        return -ESRCH;
    flags = lock_pair(d, rd);
    rc = evtchn_bind_interdomain(d->evtchn, rd->evtchn, b.remote_port, &port);
    unlock_pair(d, rd, flags);
    if ( rd != d )
        domain_put(rd);
    b.local_port = port;
    if ( !rc && copy_to_guest(arg, &b, sizeof(b)) )
        return -EFAULT;
    return rc;
}

/* The domain at the other end of a port (d itself if none), or 0. */
static domid_t peer_of(struct domain *d, uint32_t port)
{
    const struct evtchn *c = evtchn_from_port(d->evtchn, port);

    return c && c->state == ECS_INTERDOMAIN ? c->u.interdomain.dom
                                            : d->domain_id;
}

/*
 * Lock a port's table and its peer's, the peer referenced in *rd (d if
 * the port has none, or if the peer is gone). The peer is found under d's
 * lock, which must be dropped to take both in order: if the port changed
 * meanwhile, start again.
 */
static unsigned long lock_port(struct domain *d, uint32_t port,
                               struct domain **rd)
{
    unsigned long flags;
    domid_t peer;

    for ( ;; )
    {
        flags = spin_lock_irqsave(&d->event_lock);
        peer = peer_of(d, port);
        spin_unlock_irqrestore(&d->event_lock, flags);
        *rd = peer == d->domain_id ? NULL : domain_get_any(peer);
        flags = lock_pair(d, *rd ? *rd : d);
        if ( peer_of(d, port) == peer )
            return flags;
        unlock_pair(d, *rd ? *rd : d, flags);
        if ( *rd )
            domain_put(*rd);
    }
}

static void unlock_port(struct domain *d, struct domain *rd,
                        unsigned long flags)
{
    unlock_pair(d, rd ? rd : d, flags);
    if ( rd )
        domain_put(rd);
}

static long op_close(struct domain *d, uint32_t port)
{
    struct domain *rd;
    unsigned long flags;
    long rc;

    /* Closing an interdomain end touches the remote table too. */
    flags = lock_port(d, port, &rd);
    rc = evtchn_close(d->evtchn, port);
    if ( !rc )
        evtchn_port_closed(d, port);
    unlock_port(d, rd, flags);
    return rc;
}

static long op_send(struct domain *d, uint32_t port)
{
    struct domain *rd;
    unsigned long flags;
    long rc;

    flags = lock_port(d, port, &rd);
    rc = evtchn_send(d->evtchn, port);
    unlock_port(d, rd, flags);
    return rc;
}

/*
 * EVTCHNOP_reset, and a dying domain's teardown: close every port, each
 * with its peer's table locked, so that the peer's end becomes unbound;
 * then the domain is back to the 2-level ABI, as in Xen (-EAGAIN if
 * another vCPU bound a port meanwhile, unless the domain is dying).
 */
int evtchn_close_all(struct domain *d, bool dying)
{
    uint32_t last = evtchn_last_port(d->evtchn);
    struct domain *rd;
    unsigned long flags;
    int rc;

    for ( uint32_t p = 1; p <= last; p++ )
    {
        const struct evtchn *c;

        flags = lock_port(d, p, &rd);
        c = evtchn_from_port(d->evtchn, p);
        if ( c && c->state != ECS_FREE )
        {
            evtchn_close(d->evtchn, p);
            evtchn_port_closed(d, p);
        }
        unlock_port(d, rd, flags);
    }
    flags = spin_lock_irqsave(&d->event_lock);
    rc = evtchn_fifo_destroy(d, dying);
    spin_unlock_irqrestore(&d->event_lock, flags);
    return rc;
}

static long op_with_struct(struct domain *d, unsigned int cmd,
                           unsigned long arg);

long do_event_channel_op(unsigned int cmd, unsigned long arg)
{
    struct domain *d = current_vcpu()->domain;
    uint32_t port;

    switch ( cmd )
    {
    case EVTCHNOP_alloc_unbound:
        return op_alloc_unbound(d, arg);
    case EVTCHNOP_bind_interdomain:
        return op_bind_interdomain(d, arg);
    case EVTCHNOP_close:
    case EVTCHNOP_send:
    case EVTCHNOP_unmask:
        /* struct evtchn_close/send/unmask are all just a port. */
        if ( copy_from_guest(&port, arg, sizeof(port)) )
            return -EFAULT;
        if ( cmd == EVTCHNOP_close )
            return op_close(d, port);
        if ( cmd == EVTCHNOP_send )
            return op_send(d, port);
        return evtchn_unmask(d, port);
    case EVTCHNOP_init_control:
        return evtchn_fifo_init_control(d, arg);
    case EVTCHNOP_expand_array:
        return evtchn_fifo_expand_array(d, arg);
    case EVTCHNOP_set_priority:
        return evtchn_fifo_set_priority_op(d, arg);
    case EVTCHNOP_bind_pirq:
        return -ENOSYS; /* no physical IRQs are passed through yet */
    default:
        return op_with_struct(d, cmd, arg);
    }
}

static long op_with_struct(struct domain *d, unsigned int cmd,
                           unsigned long arg)
{
    switch ( cmd )
    {
    case EVTCHNOP_bind_virq:
    {
        struct evtchn_bind_virq b;
        long rc;

        if ( copy_from_guest(&b, arg, sizeof(b)) )
            return -EFAULT;
        rc = LOCKED(d, evtchn_bind_virq(d->evtchn, b.virq, b.vcpu, &b.port));
        return rc ? rc : copy_to_guest(arg, &b, sizeof(b)) ? -EFAULT : 0;
    }
    case EVTCHNOP_bind_ipi:
    {
        struct evtchn_bind_ipi b;
        long rc;

        if ( copy_from_guest(&b, arg, sizeof(b)) )
            return -EFAULT;
        rc = LOCKED(d, evtchn_bind_ipi(d->evtchn, b.vcpu, &b.port));
        return rc ? rc : copy_to_guest(arg, &b, sizeof(b)) ? -EFAULT : 0;
    }
    case EVTCHNOP_status:
    {
        struct evtchn_status st;
        struct domain *t;
        long rc;

        if ( copy_from_guest(&st, arg, sizeof(st)) )
            return -EFAULT;
        rc = domain_target(d, st.dom, &t);
        if ( rc )
            return rc;
        rc = LOCKED(t, evtchn_status(t->evtchn, st.port, &st));
        domain_put(t);
        return rc ? rc : copy_to_guest(arg, &st, sizeof(st)) ? -EFAULT : 0;
    }
    case EVTCHNOP_bind_vcpu:
    {
        struct evtchn_bind_vcpu b;

        if ( copy_from_guest(&b, arg, sizeof(b)) )
            return -EFAULT;
        return LOCKED(d, evtchn_bind_vcpu(d->evtchn, b.port, b.vcpu));
    }
    case EVTCHNOP_reset:
    {
        struct evtchn_reset r;
        struct domain *t;
        long rc;

        if ( copy_from_guest(&r, arg, sizeof(r)) )
            return -EFAULT;
        rc = domain_target(d, r.dom, &t);
        if ( rc )
            return rc;
        rc = evtchn_close_all(t, false);
        domain_put(t);
        return rc;
    }
    default:
        return -ENOSYS;
    }
}

/* 'e': every bound port of every domain, with its pending/mask bits. */
void dump_evtchn(void)
{
    static const char *const states[] = {
        [ECS_UNBOUND] = "unbound", [ECS_INTERDOMAIN] = "interdomain",
        [ECS_PIRQ] = "pirq",       [ECS_VIRQ] = "virq",
        [ECS_IPI] = "ipi",
    };

    for ( domid_t id = 0; id < DOMID_FIRST_RESERVED; id++ )
    {
        struct domain *d = domain_get_any(id);
        unsigned long flags;
        unsigned int bound = 0;

        if ( !d )
            continue;
        printk(XENLOG_INFO "Event channels of domain %u (%s):\n", id,
               d->evtchn_fifo ? "FIFO" : "2-level");
        /* Held throughout: ports beyond 4095 go with a reset. */
        flags = spin_lock_irqsave(&d->event_lock);
        for ( uint32_t p = 1, last = evtchn_last_port(d->evtchn); p <= last;
              p++ )
        {
            const struct evtchn *c = evtchn_from_port(d->evtchn, p);
            bool pending, masked;

            if ( !c || c->state == ECS_FREE || c->state == ECS_RESERVED ||
                 c->state >= ARRAY_SIZE(states) )
                continue;
            char what[32] = "";

            if ( c->state == ECS_VIRQ )
                snprintf(what, sizeof(what), " virq %u", c->u.virq);
            else if ( c->state == ECS_INTERDOMAIN )
                snprintf(what, sizeof(what), " -> d%u port %u",
                         c->u.interdomain.dom, c->u.interdomain.port);
            evtchn_port_bits(d, p, &pending, &masked);
            printk(XENLOG_INFO "  port %4u: %-11s vcpu %u pending %u masked "
                               "%u%s\n",
                   p, states[c->state], c->notify_vcpu, pending, masked, what);
            bound++;
        }
        spin_unlock_irqrestore(&d->event_lock, flags);
        /* One line to count by (a leak check compares it over time). */
        printk(XENLOG_INFO "(d%u) %u event channels in use\n", id, bound);
        domain_put(d);
    }
}
