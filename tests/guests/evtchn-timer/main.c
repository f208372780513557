/* SPDX-License-Identifier: GPL-2.0-only */
/* Checks 2-level event channels (alloc/bind/send/status/unmask/close) and timer upcalls. */
#include "guest.h"

const char test_title[] = "evtchn-timer: event channels, upcalls, "
                          "singleshot timer, SCHEDOP_block";

static int mask_seen_in_upcall = -1;

static void hook(evtchn_port_t port)
{
    (void)port;
    mask_seen_in_upcall = vcpu0->evtchn_upcall_mask;
}

static long evtchn_op(int cmd, void *arg)
{
    return hypercall_event_channel_op(cmd, arg);
}

static long status_of(evtchn_port_t port, struct evtchn_status *st)
{
    memset(st, 0, sizeof(*st));
    st->dom = DOMID_SELF;
    st->port = port;
    return evtchn_op(EVTCHNOP_status, st);
}

/*
 * Lets a pending upcall in: the hypervisor delivers it on the way back
 * from any hypercall once evtchn_upcall_mask is clear (Linux uses
 * xen_version(0) for exactly this).
 */
static void let_events_in(void)
{
    vcpu0->evtchn_upcall_mask = 0;
    hypercall_xen_version(XENVER_version, NULL);
    vcpu0->evtchn_upcall_mask = 1;
}

static bool pending_sel_has(evtchn_port_t port)
{
    return (vcpu0->evtchn_pending_sel >> (port / 64)) & 1;
}

static evtchn_port_t check_ipi(void)
{
    struct evtchn_bind_ipi ipi = {.vcpu = 0};
    struct evtchn_send send;
    struct evtchn_status st;
    unsigned int before;

    long rc = evtchn_op(EVTCHNOP_bind_ipi, &ipi);

    test_rc(rc, 0, "bind_ipi -> port %u", ipi.port);
    test_check(!status_of(ipi.port, &st) && st.status == EVTCHNSTAT_ipi &&
                   st.vcpu == 0,
               "status: ipi on vcpu 0");
    send.port = ipi.port;
    test_rc(evtchn_op(EVTCHNOP_send, &send), 0, "send on the IPI port");
    test_check(evtchn_is_pending(ipi.port) && pending_sel_has(ipi.port) &&
                   vcpu0->evtchn_upcall_pending,
               "pending bit, selector bit and upcall_pending set");
    before = upcall_count;
    let_events_in();
    test_check(upcall_count == before + 1 && event_count[ipi.port] == 1,
               "upcall delivered once unmasked (%u)", upcall_count - before);
    test_check(mask_seen_in_upcall == 1, "upcall runs with events masked "
                                         "(CALLBACKF_mask_events)");
    test_check(!evtchn_is_pending(ipi.port) && !vcpu0->evtchn_upcall_pending,
               "handler cleared pending and upcall_pending");
    return ipi.port;
}

static void check_port_mask(evtchn_port_t port)
{
    struct evtchn_send send = {.port = port};
    struct evtchn_unmask um = {.port = port};

    evtchn_mask(port);
    vcpu0->evtchn_pending_sel = 0;
    evtchn_op(EVTCHNOP_send, &send);
    test_check(evtchn_is_pending(port) && !pending_sel_has(port) &&
                   !vcpu0->evtchn_upcall_pending,
               "masked port: pending set, no selector, no upcall_pending");
    let_events_in();
    test_check(event_count[port] == 1, "masked port not delivered");
    test_rc(evtchn_op(EVTCHNOP_unmask, &um), 0, "EVTCHNOP_unmask");
    test_check(pending_sel_has(port) && vcpu0->evtchn_upcall_pending,
               "unmask of a pending port raises selector and upcall");
    let_events_in();
    test_check(event_count[port] == 2, "then it is delivered");
}

static void check_loopback(void)
{
    struct evtchn_alloc_unbound au = {.dom = DOMID_SELF,
                                      .remote_dom = DOMID_SELF};
    struct evtchn_bind_interdomain bi = {.remote_dom = DOMID_SELF};
    struct evtchn_send send;
    struct evtchn_close cl;
    struct evtchn_status st;

    long rc = evtchn_op(EVTCHNOP_alloc_unbound, &au);

    test_rc(rc, 0, "alloc_unbound(SELF, SELF) -> port %u", au.port);
    test_check(!status_of(au.port, &st) && st.status == EVTCHNSTAT_unbound,
               "status: unbound");
    bi.remote_port = au.port;
    rc = evtchn_op(EVTCHNOP_bind_interdomain, &bi);
    test_rc(rc, 0, "bind_interdomain to it -> port %u", bi.local_port);
    test_check(!status_of(au.port, &st) &&
                   st.status == EVTCHNSTAT_interdomain &&
                   st.u.interdomain.port == bi.local_port,
               "status: interdomain, peer %u", st.u.interdomain.port);
    /*
     * Xen conservatively raises the new local port on bind, in case a
     * notification on the unbound peer was lost.
     */
    test_check(evtchn_is_pending(bi.local_port), "bind_interdomain leaves "
                                                 "the local port pending");
    evtchn_clear(bi.local_port);
    send.port = bi.local_port;
    evtchn_op(EVTCHNOP_send, &send);
    test_check(evtchn_is_pending(au.port) && !evtchn_is_pending(bi.local_port),
               "send on one end raises the other");
    let_events_in();
    cl.port = bi.local_port;
    test_rc(evtchn_op(EVTCHNOP_close, &cl), 0, "close one end");
    test_check(!status_of(au.port, &st) && st.status == EVTCHNSTAT_unbound,
               "peer falls back to unbound");
    test_check(!status_of(bi.local_port, &st) && st.status == EVTCHNSTAT_closed,
               "closed port reports closed");
    cl.port = au.port;
    test_rc(evtchn_op(EVTCHNOP_close, &cl), 0, "close the other end");
    test_rc(evtchn_op(EVTCHNOP_close, &cl), -XEN_EINVAL,
            "closing a closed port");
    send.port = au.port;
    test_rc(evtchn_op(EVTCHNOP_send, &send), -XEN_EINVAL,
            "send on a closed port");
}

static evtchn_port_t check_bind_virq(void)
{
    struct evtchn_bind_virq bv = {.virq = VIRQ_TIMER, .vcpu = 0};
    struct evtchn_bind_virq again = bv;
    struct evtchn_status st;

    long rc = evtchn_op(EVTCHNOP_bind_virq, &bv);

    test_rc(rc, 0, "bind_virq(VIRQ_TIMER) -> port %u", bv.port);
    test_check(!status_of(bv.port, &st) && st.status == EVTCHNSTAT_virq &&
                   st.u.virq == VIRQ_TIMER,
               "status: virq %u", st.u.virq);
    /* Linux relies on -EEXIST here, then looks the port up by status. */
    test_rc(evtchn_op(EVTCHNOP_bind_virq, &again), -XEN_EEXIST,
            "binding VIRQ_TIMER twice");
    return bv.port;
}

static long set_timer(uint64_t abs_ns, uint32_t flags)
{
    struct vcpu_set_singleshot_timer t = {.timeout_abs_ns = abs_ns,
                                          .flags = flags};

    return hypercall_vcpu_op(VCPUOP_set_singleshot_timer, 0, &t);
}

/*
 * With upcalls masked the hypervisor must still record the timer event:
 * pending bit, selector bit and evtchn_upcall_pending, and no upcall.
 */
static void check_masked_timer(evtchn_port_t tport)
{
    uint64_t deadline = system_time_ns() + 1000000;
    unsigned int ups = upcall_count;

    vcpu0->evtchn_pending_sel = 0;
    test_rc(set_timer(deadline, 0), 0,
            "set_singleshot_timer(now + 1 ms), "
            "masked");
    while ( !vcpu0->evtchn_upcall_pending &&
            system_time_ns() < deadline + 2000000000ULL )
        hypercall_sched_op(SCHEDOP_yield, NULL);
    test_check(vcpu0->evtchn_upcall_pending && evtchn_is_pending(tport) &&
                   pending_sel_has(tport),
               "timer fired while masked: upcall_pending, pending and "
               "selector bits set");
    test_check(upcall_count == ups, "no upcall while masked");
    test_check(system_time_ns() >= deadline, "not before the deadline");
    let_events_in();
    test_check(upcall_count == ups + 1 && !evtchn_is_pending(tport),
               "delivered through the event callback once unmasked");
}

static void check_timer(evtchn_port_t tport)
{
    unsigned int before = event_count[tport];
    long rc;

    uint64_t deadline = system_time_ns() + 2000000;

    test_rc(set_timer(deadline, 0), 0, "set_singleshot_timer(now + 2 ms)");
    /* Blocking re-enables event delivery, as Linux's safe_halt needs. */
    test_rc(hypercall_sched_op(SCHEDOP_block, NULL), 0, "SCHEDOP_block");
    test_check(event_count[tport] == before + 1 && system_time_ns() >= deadline,
               "woken by the timer: VIRQ_TIMER upcall (%u)",
               event_count[tport] - before);
    test_check(vcpu0->evtchn_upcall_mask == 0,
               "SCHEDOP_block left events unmasked");
    vcpu0->evtchn_upcall_mask = 1;
    /* flags 0 with a deadline in the past must still fire, at once. */
    test_rc(set_timer(1, 0), 0, "set_singleshot_timer in the past, flags 0");
    hypercall_sched_op(SCHEDOP_block, NULL);
    vcpu0->evtchn_upcall_mask = 1;
    test_check(event_count[tport] == before + 2, "past deadline fires");
    rc = set_timer(1, VCPU_SSHOTTMR_future);
    test_check(rc == -XEN_ETIME || rc == 0,
               "VCPU_SSHOTTMR_future in the past: %ld (%s; may be ignored)", rc,
               errno_name(rc));
    let_events_in();
    test_rc(hypercall_vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL), 0,
            "VCPUOP_stop_singleshot_timer");
    before = event_count[tport];
    test_rc(hypercall_set_timer_op(system_time_ns() + 1000000), 0,
            "set_timer_op(now + 1 ms)");
    hypercall_sched_op(SCHEDOP_block, NULL);
    vcpu0->evtchn_upcall_mask = 1;
    test_check(event_count[tport] == before + 1, "set_timer_op fires too");
}

/*
 * A guest kernel that spins without making hypercalls (Linux waiting for
 * another CPU's answer to an IPI does) must still get its upcall: the
 * hypervisor delivers events on the way back from the timer interrupt too.
 */
static void check_upcall_while_spinning(evtchn_port_t tport)
{
    unsigned int before = event_count[tport];
    uint64_t deadline = system_time_ns() + 2000000;

    test_rc(set_timer(deadline, 0), 0, "set_singleshot_timer(now + 2 ms)");
    vcpu0->evtchn_upcall_mask = 0;
    while ( event_count[tport] == before &&
            system_time_ns() < deadline + 1000000000ULL )
        asm volatile("pause" ::: "memory");
    vcpu0->evtchn_upcall_mask = 1;
    test_check(event_count[tport] == before + 1,
               "upcall reaches a vCPU spinning without hypercalls");
}

void test_main(void)
{
    evtchn_port_t ipi, tport;

    event_set_hook(hook);
    ipi = check_ipi();
    check_port_mask(ipi);
    check_loopback();
    /*
     * A PV vCPU starts with a 10 ms periodic VIRQ_TIMER. Linux stops it
     * (and takes success as the cue to use one-shot mode); so do we,
     * before binding, so that only our deadlines raise the port.
     */
    test_rc(hypercall_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0,
            "VCPUOP_stop_periodic_timer");
    tport = check_bind_virq();
    check_timer(tport);
    check_masked_timer(tport);
    check_upcall_while_spinning(tport);
}
