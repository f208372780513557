/* SPDX-License-Identifier: GPL-2.0-only */
/* Tests of the event channel state machine (common/event_channel.c). */
#include "check.h"
#include "../../hypervisor/common/event_channel.c"

static struct evtchn_domain doms[3];
static struct {
    domid_t dom;
    uint32_t port;
    unsigned int vcpu;
} raised[64];
static int nr_raised;

struct evtchn_domain *evtchn_env_lookup(domid_t id)
{
    return id < 3 ? &doms[id] : NULL;
}

void evtchn_env_raise(struct evtchn_domain *ed, uint32_t port,
                      unsigned int vcpu)
{
    if ( nr_raised < 64 )
    {
        raised[nr_raised].dom = ed->domid;
        raised[nr_raised].port = port;
        raised[nr_raised].vcpu = vcpu;
    }
    nr_raised++;
}

static int nr_buckets;

struct evtchn *evtchn_env_alloc_bucket(void)
{
    struct evtchn *b = calloc(EVTCHN_BUCKET_PORTS, sizeof(*b));

    nr_buckets += b != NULL;
    return b;
}

void evtchn_env_free_bucket(struct evtchn *bucket)
{
    nr_buckets -= bucket != NULL;
    free(bucket);
}

static void reset(void)
{
    int i;

    for ( i = 0; i < 3; i++ )
    {
        evtchn_free_buckets(&doms[i]);
        evtchn_domain_init(&doms[i], i, 2, EVTCHN_NR_PORTS - 1);
    }
    nr_raised = 0;
}

static void test_interdomain(void)
{
    uint32_t p0, p1, p2;
    struct evtchn_status st;

    reset();
    CHECK_EQ(evtchn_alloc_unbound(&doms[0], 1, &p0), 0);
    CHECK(p0 != 0); /* port 0 is never handed out */
    /* Only the named remote may bind. */
    CHECK_EQ(evtchn_bind_interdomain(&doms[2], &doms[0], p0, &p2), -EINVAL);
    CHECK_EQ(evtchn_bind_interdomain(&doms[1], &doms[0], p0, &p1), 0);
    CHECK_EQ(nr_raised, 1); /* the local end learns of the connection */
    CHECK_EQ(raised[0].dom, 1);
    /* Bound once only. */
    CHECK_EQ(evtchn_bind_interdomain(&doms[2], &doms[0], p0, &p2), -EINVAL);

    nr_raised = 0;
    doms[0].port[p0].notify_vcpu = 1;
    CHECK_EQ(evtchn_send(&doms[1], p1), 0);
    CHECK_EQ(nr_raised, 1);
    CHECK_EQ(raised[0].dom, 0);
    CHECK_EQ(raised[0].port, p0);
    CHECK_EQ(raised[0].vcpu, 1);

    CHECK_EQ(evtchn_status(&doms[1], p1, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_interdomain);
    CHECK_EQ(st.u.interdomain.dom, 0);
    CHECK_EQ(st.u.interdomain.port, p0);

    /* Closing one end leaves the other waiting for its old peer. */
    CHECK_EQ(evtchn_close(&doms[1], p1), 0);
    CHECK_EQ(evtchn_status(&doms[0], p0, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_unbound);
    CHECK_EQ(st.u.unbound.dom, 1);
    CHECK_EQ(evtchn_close(&doms[1], p1), -EINVAL); /* already closed */
    CHECK_EQ(evtchn_bind_interdomain(&doms[1], &doms[0], p0, &p1), 0);
    /* Sending on an unbound port is dropped quietly. */
    CHECK_EQ(evtchn_alloc_unbound(&doms[2], 0, &p2), 0);
    nr_raised = 0;
    CHECK_EQ(evtchn_send(&doms[2], p2), 0);
    CHECK_EQ(nr_raised, 0);
}

static void test_loopback(void)
{
    uint32_t a, b;

    reset();
    CHECK_EQ(evtchn_alloc_unbound(&doms[0], 0, &a), 0);
    CHECK_EQ(evtchn_bind_interdomain(&doms[0], &doms[0], a, &b), 0);
    CHECK(a != b);
    nr_raised = 0;
    CHECK_EQ(evtchn_send(&doms[0], b), 0);
    CHECK_EQ(raised[0].port, a);
    CHECK_EQ(evtchn_close(&doms[0], a), 0);
    CHECK_EQ(doms[0].port[b].state, ECS_UNBOUND);
}

static void test_virq_ipi(void)
{
    uint32_t t0, t1, c, i;
    struct evtchn_status st;

    reset();
    CHECK_EQ(evtchn_bind_virq(&doms[0], VIRQ_TIMER, 0, &t0), 0);
    CHECK_EQ(evtchn_bind_virq(&doms[0], VIRQ_TIMER, 1, &t1), 0);
    CHECK_EQ(evtchn_bind_virq(&doms[0], VIRQ_TIMER, 1, &t1), -EEXIST);
    CHECK_EQ(evtchn_bind_virq(&doms[0], VIRQ_TIMER, 2, &t1), -ENOENT);
    CHECK_EQ(evtchn_bind_virq(&doms[0], NR_VIRQS, 0, &c), -EINVAL);
    /* Global VIRQs bind on vCPU 0 only. */
    CHECK_EQ(evtchn_bind_virq(&doms[0], VIRQ_CONSOLE, 1, &c), -ENOENT);
    CHECK_EQ(evtchn_bind_virq(&doms[0], VIRQ_CONSOLE, 0, &c), 0);
    nr_raised = 0;
    CHECK(evtchn_send_virq(&doms[0], 1, VIRQ_TIMER));
    CHECK_EQ(raised[0].port, t1);
    CHECK_EQ(raised[0].vcpu, 1);
    CHECK(!evtchn_send_virq(&doms[0], 0, VIRQ_DEBUG)); /* not bound */
    /* A VIRQ port cannot be sent on, and per-vCPU ones do not move. */
    CHECK_EQ(evtchn_send(&doms[0], t0), -EINVAL);
    CHECK_EQ(evtchn_bind_vcpu(&doms[0], t0, 1), -EINVAL);
    /* A global one moves, and is delivered where it now points. */
    CHECK_EQ(evtchn_bind_vcpu(&doms[0], c, 1), 0);
    nr_raised = 0;
    CHECK(evtchn_send_virq(&doms[0], 0, VIRQ_CONSOLE));
    CHECK_EQ(raised[0].vcpu, 1);
    CHECK_EQ(evtchn_close(&doms[0], c), 0);
    CHECK(!evtchn_send_virq(&doms[0], 0, VIRQ_CONSOLE));
    CHECK_EQ(evtchn_bind_virq(&doms[0], VIRQ_CONSOLE, 0, &c), 0);
    CHECK_EQ(evtchn_status(&doms[0], t1, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_virq);
    CHECK_EQ(st.u.virq, VIRQ_TIMER);
    CHECK_EQ(st.vcpu, 1);

    CHECK_EQ(evtchn_bind_ipi(&doms[0], 1, &i), 0);
    CHECK_EQ(evtchn_bind_ipi(&doms[0], 5, &i), -ENOENT);
    nr_raised = 0;
    CHECK_EQ(evtchn_send(&doms[0], i), 0);
    CHECK_EQ(raised[0].vcpu, 1);
}

static void test_bad_ports(void)
{
    struct evtchn_status st;
    uint32_t p;

    reset();
    CHECK_EQ(evtchn_close(&doms[0], 0), -EINVAL);
    CHECK_EQ(evtchn_close(&doms[0], EVTCHN_NR_PORTS), -EINVAL);
    CHECK_EQ(evtchn_close(&doms[0], 0xffffffffu), -EINVAL);
    CHECK_EQ(evtchn_send(&doms[0], 0xffffffffu), -EINVAL);
    CHECK_EQ(evtchn_status(&doms[0], EVTCHN_NR_PORTS, &st), -EINVAL);
    CHECK_EQ(evtchn_status(&doms[0], 0, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_closed);
    CHECK_EQ(evtchn_bind_vcpu(&doms[0], 99999, 0), -EINVAL);
    CHECK_EQ(evtchn_bind_interdomain(&doms[1], &doms[0], 0xffffffffu, &p),
             -EINVAL);
    CHECK_EQ(evtchn_bind_interdomain(&doms[1], &doms[0], 0, &p), -EINVAL);
}

static void test_exhaustion_and_reset(void)
{
    uint32_t p, q, n = 0;

    reset();
    CHECK_EQ(evtchn_alloc_unbound(&doms[1], 0, &q), 0);
    while ( evtchn_alloc_unbound(&doms[0], 1, &p) == 0 )
        n++;
    CHECK_EQ(n, EVTCHN_NR_PORTS - 1);
    CHECK_EQ(evtchn_alloc_unbound(&doms[0], 1, &p), -ENOSPC);
    CHECK_EQ(evtchn_bind_interdomain(&doms[0], &doms[1], q, &p), -ENOSPC);
    CHECK_EQ(doms[1].port[q].state, ECS_UNBOUND); /* untouched */
    evtchn_reset(&doms[0]);
    CHECK_EQ(evtchn_alloc_unbound(&doms[0], 1, &p), 0);
    CHECK_EQ(p, 1);
    /* Reset of a connected domain releases its peers. */
    CHECK_EQ(evtchn_bind_interdomain(&doms[0], &doms[1], q, &p), 0);
    evtchn_reset(&doms[0]);
    CHECK_EQ(doms[1].port[q].state, ECS_UNBOUND);
}

/* The toolstack's max_evtchn_port bounds the ports handed out. */
static void test_max_port(void)
{
    uint32_t p, n = 0;

    reset();
    evtchn_set_max_port(&doms[0], 1023);
    while ( evtchn_alloc_unbound(&doms[0], 1, &p) == 0 )
        n++;
    CHECK_EQ(n, 1023);
    CHECK_EQ(p, 1023);
    CHECK_EQ(nr_buckets, 0);
}

/*
 * With FIFO's limit, ports beyond 4095 live in buckets made as needed;
 * they work like any other, and go back when the domain returns to
 * 2-level (all closed).
 */
static void test_ports_beyond_4096(void)
{
    struct evtchn_status st;
    uint32_t p, peer, n = 0;

    reset();
    CHECK_EQ(evtchn_status(&doms[0], EVTCHN_NR_PORTS, &st), -EINVAL);
    evtchn_set_max_port(&doms[0], 1u << 20); /* capped at FIFO's limit */
    CHECK_EQ(doms[0].max_port, EVTCHN_FIFO_NR_CHANNELS - 1);
    evtchn_set_max_port(&doms[0], EVTCHN_NR_PORTS + 300);
    while ( evtchn_alloc_unbound(&doms[0], 1, &p) == 0 )
        n++;
    CHECK_EQ(n, EVTCHN_NR_PORTS + 300);
    CHECK_EQ(p, EVTCHN_NR_PORTS + 300);
    CHECK_EQ(nr_buckets, 2);
    CHECK_EQ(evtchn_alloc_unbound(&doms[0], 1, &p), -ENOSPC);
    /* In an allocated bucket, a port beyond max_port exists, as in Xen. */
    CHECK_EQ(evtchn_status(&doms[0], EVTCHN_NR_PORTS + 301, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_closed);
    CHECK_EQ(evtchn_last_port(&doms[0]), EVTCHN_NR_PORTS + 511);
    /* In no bucket: no such port. */
    CHECK_EQ(evtchn_status(&doms[0], EVTCHN_NR_PORTS + 512, &st), -EINVAL);
    CHECK_EQ(evtchn_close(&doms[0], EVTCHN_FIFO_NR_CHANNELS), -EINVAL);
    /* An interdomain channel on port 4100 of domain 0. */
    CHECK_EQ(evtchn_close(&doms[0], 4100), 0);
    CHECK_EQ(evtchn_alloc_unbound(&doms[1], 0, &peer), 0);
    CHECK_EQ(evtchn_bind_interdomain(&doms[0], &doms[1], peer, &p), 0);
    CHECK_EQ(p, 4100);
    nr_raised = 0;
    CHECK_EQ(evtchn_send(&doms[1], peer), 0);
    CHECK_EQ(nr_raised, 1);
    CHECK_EQ(raised[0].dom, 0);
    CHECK_EQ(raised[0].port, 4100);
    CHECK_EQ(evtchn_status(&doms[0], 4100, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_interdomain);
    CHECK_EQ(st.u.interdomain.port, peer);
    CHECK_EQ(evtchn_bind_vcpu(&doms[0], 4100, 1), 0);
    /* A port reused keeps its last FIFO queue, and starts at priority 7. */
    evtchn_from_port(&doms[0], 4100)->priority = 3;
    evtchn_from_port(&doms[0], 4100)->last_priority = 3;
    CHECK_EQ(evtchn_close(&doms[0], 4100), 0);
    CHECK_EQ(doms[1].port[peer].state, ECS_UNBOUND);
    CHECK_EQ(evtchn_from_port(&doms[0], 4100)->last_priority, 3);
    CHECK_EQ(evtchn_alloc_unbound(&doms[0], 1, &p), 0);
    CHECK_EQ(evtchn_from_port(&doms[0], 4100)->priority,
             EVTCHN_FIFO_PRIORITY_DEFAULT);
    CHECK(evtchn_any_in_use(&doms[0]));
    evtchn_reset(&doms[0]);
    CHECK(!evtchn_any_in_use(&doms[0]));
    /* The buckets stay (a peer may still name a port) until the end. */
    CHECK(evtchn_from_port(&doms[0], 4100) != NULL);
    evtchn_free_buckets(&doms[0]);
    CHECK_EQ(nr_buckets, 0);
    CHECK(evtchn_from_port(&doms[0], 4100) == NULL);
    CHECK_EQ(evtchn_last_port(&doms[0]), EVTCHN_NR_PORTS - 1);
}

static void run_tests(void)
{
    test_interdomain();
    test_loopback();
    test_virq_ipi();
    test_bad_ports();
    test_exhaustion_and_reset();
    test_max_port();
    test_ports_beyond_4096();
}
