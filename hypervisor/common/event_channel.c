/* SPDX-License-Identifier: GPL-2.0-only */
/* The event channel state machine: binding, closing and sending on ports. */
#include <xenia/errno.h>
#include <xenia/event_channel.h>
#include <xenia/lib.h>

/*
 * Each domain has EVTCHN_NR_PORTS ports. A free port becomes UNBOUND
 * (waiting for a named remote domain), INTERDOMAIN (connected to a port
 * of another, or the same, domain), VIRQ (a virtual interrupt of one
 * vCPU) or IPI (one vCPU signalling itself or another of its domain).
 * Closing one end of an interdomain channel returns the other end to
 * UNBOUND, so its owner can be reconnected, as Xen does.
 */

void evtchn_domain_init(struct evtchn_domain *ed, domid_t id,
                        unsigned int nr_vcpus, uint32_t max_port)
{
    memset(ed, 0, sizeof(*ed));
    ed->domid = id;
    ed->nr_vcpus = nr_vcpus;
    evtchn_set_max_port(ed, max_port);
    ed->port[0].state = ECS_RESERVED;
}

bool evtchn_virq_is_global(uint32_t virq)
{
    switch ( virq )
    {
    case VIRQ_TIMER:
    case VIRQ_DEBUG:
    case VIRQ_XENOPROF:
    case VIRQ_XENPMU:
        return false;
    default:
        return true;
    }
}

/*
 * A port exists below 4096, or in an allocated bucket. Buckets stay
 * until the domain goes, so a port never vanishes under its peer.
 */
struct evtchn *evtchn_from_port(const struct evtchn_domain *ed, uint32_t port)
{
    struct evtchn *b;

    if ( port < EVTCHN_NR_PORTS )
        return (struct evtchn *)&ed->port[port];
    if ( port >= EVTCHN_FIFO_NR_CHANNELS )
        return NULL;
    b = ed->bucket[(port - EVTCHN_NR_PORTS) / EVTCHN_BUCKET_PORTS];
    return b ? &b[(port - EVTCHN_NR_PORTS) % EVTCHN_BUCKET_PORTS] : NULL;
}

/* Make the bucket holding port exist; false when out of memory. */
static bool grow_to(struct evtchn_domain *ed, uint32_t port)
{
    struct evtchn **b;

    if ( port < EVTCHN_NR_PORTS )
        return true;
    b = &ed->bucket[(port - EVTCHN_NR_PORTS) / EVTCHN_BUCKET_PORTS];
    if ( *b )
        return true;
    *b = evtchn_env_alloc_bucket();
    if ( !*b )
        return false;
    ed->last_port = MAX(ed->last_port, port | (EVTCHN_BUCKET_PORTS - 1));
    return true;
}

/* The lowest free port up to max_port, made ready for its first use. */
static int get_free_port(struct evtchn_domain *ed, uint32_t *port,
                         struct evtchn **out)
{
    for ( uint32_t p = 1; p <= ed->max_port; p++ )
    {
        struct evtchn *c;

        if ( !grow_to(ed, p) )
            return -ENOMEM;
        c = evtchn_from_port(ed, p);
        if ( c->state == ECS_FREE )
        {
            c->priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
            c->fifo_pending = false;
            *port = p;
            *out = c;
            return 0;
        }
    }
    return -ENOSPC;
}

/* The highest port that may be in use (the limit may have shrunk). */
uint32_t evtchn_last_port(const struct evtchn_domain *ed)
{
    return MAX(ed->last_port, EVTCHN_NR_PORTS - 1U);
}

bool evtchn_any_in_use(const struct evtchn_domain *ed)
{
    uint32_t last = evtchn_last_port(ed);

    for ( uint32_t p = 1; p <= last; p++ )
    {
        const struct evtchn *c = evtchn_from_port(ed, p);

        if ( c && c->state != ECS_FREE )
            return true;
    }
    return false;
}

void evtchn_set_max_port(struct evtchn_domain *ed, uint32_t max_port)
{
    ed->max_port = MIN(max_port, EVTCHN_FIFO_NR_CHANNELS - 1U);
}

void evtchn_free_buckets(struct evtchn_domain *ed)
{
    for ( unsigned int i = 0; i < EVTCHN_NR_BUCKETS; i++ )
    {
        evtchn_env_free_bucket(ed->bucket[i]);
        ed->bucket[i] = NULL;
    }
    ed->last_port = 0;
}

int evtchn_alloc_unbound(struct evtchn_domain *ed, domid_t remote,
                         uint32_t *port)
{
    struct evtchn *c;
    int rc = get_free_port(ed, port, &c);

    if ( rc )
        return rc;
    c->state = ECS_UNBOUND;
    c->u.unbound_remote = remote;
    c->notify_vcpu = 0;
    return 0;
}

int evtchn_bind_interdomain(struct evtchn_domain *ed,
                            struct evtchn_domain *rd, uint32_t rport,
                            uint32_t *port)
{
    struct evtchn *r = evtchn_from_port(rd, rport), *c;
    int rc;

    if ( !r )
        return -EINVAL;
    /* The remote end must be waiting for exactly this domain. */
    if ( r->state != ECS_UNBOUND || r->u.unbound_remote != ed->domid )
        return -EINVAL;
    rc = get_free_port(ed, port, &c);
    if ( rc )
        return rc;
    /* Binding a domain's port to itself: the new port is not the remote one. */
    c->state = ECS_INTERDOMAIN;
    c->notify_vcpu = 0;
    c->u.interdomain.dom = rd->domid;
    c->u.interdomain.port = rport;
    r->state = ECS_INTERDOMAIN;
    r->u.interdomain.dom = ed->domid;
    r->u.interdomain.port = *port;
    /* As in Xen: the new connection is announced to the local end. */
    evtchn_env_raise(ed, *port, 0);
    return 0;
}

int evtchn_bind_virq(struct evtchn_domain *ed, uint32_t virq,
                     unsigned int vcpu, uint32_t *port)
{
    struct evtchn *c;
    int rc;

    if ( virq >= NR_VIRQS )
        return -EINVAL;
    if ( vcpu >= ed->nr_vcpus || (evtchn_virq_is_global(virq) && vcpu) )
        return -ENOENT;
    if ( ed->virq_port[vcpu][virq] )
        return -EEXIST;
    rc = get_free_port(ed, port, &c);
    if ( rc )
        return rc;
    c->state = ECS_VIRQ;
    c->notify_vcpu = vcpu;
    c->u.virq = virq;
    ed->virq_port[vcpu][virq] = *port;
    return 0;
}

int evtchn_bind_ipi(struct evtchn_domain *ed, unsigned int vcpu,
                    uint32_t *port)
{
    struct evtchn *c;
    int rc;

    if ( vcpu >= ed->nr_vcpus )
        return -ENOENT;
    rc = get_free_port(ed, port, &c);
    if ( rc )
        return rc;
    c->state = ECS_IPI;
    c->notify_vcpu = vcpu;
    return 0;
}

int evtchn_close(struct evtchn_domain *ed, uint32_t port)
{
    struct evtchn *c;

    c = evtchn_from_port(ed, port);
    if ( !c )
        return -EINVAL;
    switch ( c->state )
    {
    case ECS_FREE:
    case ECS_RESERVED:
        return -EINVAL;
    case ECS_VIRQ:
        /* Global VIRQs are recorded on vCPU 0 wherever they notify. */
        ed->virq_port[evtchn_virq_is_global(c->u.virq) ? 0 : c->notify_vcpu]
                     [c->u.virq] = 0;
        break;
    case ECS_INTERDOMAIN:
    {
        domid_t peer = c->u.interdomain.dom;
        struct evtchn_domain *rd =
            peer == ed->domid ? ed : evtchn_env_lookup(peer);
        struct evtchn *r = rd ? evtchn_from_port(rd, c->u.interdomain.port)
                              : NULL;

        if ( r )
        {
            r->state = ECS_UNBOUND;
            r->u.unbound_remote = ed->domid;
        }
        break;
    }
    default:
        break;
    }
    /* Its FIFO queue stays known: the guest may not have unlinked it. */
    *c = (struct evtchn){.last_priority = c->last_priority,
                         .last_vcpu = c->last_vcpu};
    return 0;
}

int evtchn_send(struct evtchn_domain *ed, uint32_t port)
{
    struct evtchn *c, *r;
    struct evtchn_domain *rd;

    c = evtchn_from_port(ed, port);
    if ( !c )
        return -EINVAL;
    switch ( c->state )
    {
    case ECS_INTERDOMAIN:
        rd = c->u.interdomain.dom == ed->domid
                 ? ed
                 : evtchn_env_lookup(c->u.interdomain.dom);
        r = rd ? evtchn_from_port(rd, c->u.interdomain.port) : NULL;
        if ( r )
            evtchn_env_raise(rd, c->u.interdomain.port, r->notify_vcpu);
        return 0;
    case ECS_IPI:
        evtchn_env_raise(ed, port, c->notify_vcpu);
        return 0;
    case ECS_UNBOUND:
        return 0; /* nobody listens yet: dropped, as in Xen */
    default:
        return -EINVAL;
    }
}

int evtchn_status(struct evtchn_domain *ed, uint32_t port,
                  struct evtchn_status *st)
{
    const struct evtchn *c;

    c = evtchn_from_port(ed, port);
    if ( !c )
        return -EINVAL;
    st->status = c->state == ECS_RESERVED ? EVTCHNSTAT_closed : c->state;
    st->vcpu = c->notify_vcpu;
    switch ( c->state )
    {
    case ECS_UNBOUND:
        st->u.unbound.dom = c->u.unbound_remote;
        break;
    case ECS_INTERDOMAIN:
        st->u.interdomain.dom = c->u.interdomain.dom;
        st->u.interdomain.port = c->u.interdomain.port;
        break;
    case ECS_VIRQ:
        st->u.virq = c->u.virq;
        break;
    default:
        break;
    }
    return 0;
}

int evtchn_bind_vcpu(struct evtchn_domain *ed, uint32_t port,
                     unsigned int vcpu)
{
    struct evtchn *c = evtchn_from_port(ed, port);

    if ( !c )
        return -EINVAL;
    if ( vcpu >= ed->nr_vcpus )
        return -ENOENT;
    switch ( c->state )
    {
    case ECS_VIRQ:
        if ( !evtchn_virq_is_global(c->u.virq) )
            return -EINVAL;
        __attribute__((fallthrough)); /* global VIRQs follow their port */
    case ECS_UNBOUND:
    case ECS_INTERDOMAIN:
    case ECS_PIRQ:
        c->notify_vcpu = vcpu;
        return 0;
    default:
        return -EINVAL;
    }
}

void evtchn_reset(struct evtchn_domain *ed)
{
    uint32_t last = evtchn_last_port(ed);

    for ( uint32_t p = 1; p <= last; p++ )
    {
        const struct evtchn *c = evtchn_from_port(ed, p);

        if ( c && c->state != ECS_FREE )
            evtchn_close(ed, p);
    }
}

bool evtchn_send_virq(struct evtchn_domain *ed, unsigned int vcpu,
                      uint32_t virq)
{
    uint32_t port;

    if ( virq >= NR_VIRQS || vcpu >= ed->nr_vcpus )
        return false;
    if ( evtchn_virq_is_global(virq) )
        vcpu = 0;
    port = ed->virq_port[vcpu][virq];
    if ( !port )
        return false;
    evtchn_env_raise(ed, port, evtchn_from_port(ed, port)->notify_vcpu);
    return true;
}
