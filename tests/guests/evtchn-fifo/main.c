/* SPDX-License-Identifier: GPL-2.0-only */
/* Checks the FIFO event channel ABI: control blocks, event arrays, queues. */
#include "guest.h"

const char test_title[] = "evtchn-fifo: init_control, expand_array, "
                          "priorities, masking, ports beyond 4095, reset";

#define W(bit)         (1u << EVTCHN_FIFO_##bit)
#define WORDS_PER_PAGE (4096 / sizeof(event_word_t))
#define HIGH_PORTS     4100 /* ports allocated to reach beyond 4095 */
#define NR_PAGES       ((HIGH_PORTS + 3 + WORDS_PER_PAGE - 1) / WORDS_PER_PAGE)

static struct evtchn_fifo_control_block *cb;
static event_word_t *array[NR_PAGES];
static unsigned int nr_pages;
/* Our copy of each queue's head, as Linux keeps it (0: read the block). */
static uint32_t local_head[EVTCHN_FIFO_MAX_QUEUES];

static long evtchn_op(int cmd, void *arg)
{
    return hypercall_event_channel_op(cmd, arg);
}

static event_word_t *word(evtchn_port_t port)
{
    return &array[port / WORDS_PER_PAGE][port % WORDS_PER_PAGE];
}

static long init_control(uint64_t gfn, uint32_t offset, uint32_t vcpu)
{
    struct evtchn_init_control ic = {
        .control_gfn = gfn, .offset = offset, .vcpu = vcpu};
    long rc = evtchn_op(EVTCHNOP_init_control, &ic);

    if ( !rc )
        test_check(ic.link_bits == EVTCHN_FIFO_LINK_BITS,
                   "init_control returns link_bits %u", ic.link_bits);
    return rc;
}

static long expand(uint64_t gfn)
{
    struct evtchn_expand_array ea = {.array_gfn = gfn};

    return evtchn_op(EVTCHNOP_expand_array, &ea);
}

static long set_priority(uint32_t port, uint32_t priority)
{
    struct evtchn_set_priority sp = {.port = port, .priority = priority};

    return evtchn_op(EVTCHNOP_set_priority, &sp);
}

static evtchn_port_t bind_ipi(void)
{
    struct evtchn_bind_ipi b = {.vcpu = 0};

    if ( evtchn_op(EVTCHNOP_bind_ipi, &b) )
        test_error("bind_ipi failed");
    return b.port;
}

static long send(evtchn_port_t port)
{
    struct evtchn_send s = {.port = port};

    return evtchn_op(EVTCHNOP_send, &s);
}

static long unmask(evtchn_port_t port)
{
    struct evtchn_unmask u = {.port = port};

    return evtchn_op(EVTCHNOP_unmask, &u);
}

static long close_port(evtchn_port_t port)
{
    struct evtchn_close c = {.port = port};

    return evtchn_op(EVTCHNOP_close, &c);
}

static uint32_t clear_linked(event_word_t *w)
{
    event_word_t old = __atomic_load_n(w, __ATOMIC_SEQ_CST);

    while ( !__atomic_compare_exchange_n(
        w, &old, old & ~(W(LINKED) | EVTCHN_FIFO_LINK_MASK), false,
        __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST) )
        ;
    return old & EVTCHN_FIFO_LINK_MASK;
}

/*
 * Take every queued event off vCPU 0's queues, highest priority first,
 * as Linux's consume loop does; record the ports pending and unmasked.
 */
static unsigned int drain(evtchn_port_t *got, unsigned int max)
{
    uint32_t ready = __atomic_exchange_n(&cb->ready, 0, __ATOMIC_SEQ_CST);
    unsigned int n = 0;

    while ( ready )
    {
        unsigned int q = __builtin_ctz(ready);
        evtchn_port_t port = local_head[q] ? local_head[q] : cb->head[q];
        uint32_t link = clear_linked(word(port));

        if ( !link )
            ready &= ~(1u << q);
        if ( (*word(port) & (W(PENDING) | W(MASKED))) == W(PENDING) )
        {
            __atomic_fetch_and(word(port), ~W(PENDING), __ATOMIC_SEQ_CST);
            if ( n < max )
                got[n] = port;
            n++;
        }
        local_head[q] = link;
        ready |= __atomic_exchange_n(&cb->ready, 0, __ATOMIC_SEQ_CST);
    }
    return n;
}

static void check_drain(const char *what, unsigned int want_n,
                        evtchn_port_t a, evtchn_port_t b, evtchn_port_t c)
{
    evtchn_port_t got[8] = {0};
    unsigned int n = drain(got, 8);

    test_check(n == want_n && (want_n < 1 || got[0] == a) &&
                   (want_n < 2 || got[1] == b) && (want_n < 3 || got[2] == c),
               "%s: %u events (%u %u %u), want %u (%u %u %u)", what, n, got[0],
               got[1], got[2], want_n, a, b, c);
}

/* While the domain is 2-level: what only FIFO offers is refused as Xen does. */
static void check_two_level(const char *when)
{
    evtchn_port_t p = bind_ipi();

    test_rc(set_priority(p, 3), -XEN_ENOSYS, "%s: set_priority", when);
    test_rc(expand(virt_to_mfn(alloc_page())), -XEN_EOPNOTSUPP,
            "%s: expand_array", when);
    evtchn_mask(p);
    test_rc(send(p), 0, "%s: send", when);
    test_check(evtchn_is_pending(p), "%s: the event is in shared_info", when);
    test_rc(close_port(p), 0, "%s: close", when);
    test_check(!evtchn_is_pending(p), "%s: close cleared it", when);
    evtchn_unmask_local(p);
}

static void check_init_control_errors(void *page)
{
    unsigned long mfn = virt_to_mfn(page);

    test_rc(init_control(mfn, 0, 31), -XEN_ENOENT, "vcpu 31 (none)");
    test_rc(init_control(mfn, 0, 0xffffffffu), -XEN_ENOENT, "vcpu 2^32-1");
    test_rc(init_control(mfn, 4, 0), -XEN_EINVAL, "offset not 8-aligned");
    test_rc(init_control(mfn, 4096 - 64, 0), -XEN_EINVAL,
            "a control block crossing its page");
    test_rc(init_control(mfn, 0xfffffff8u, 0), -XEN_EINVAL, "offset 2^32-8");
    test_rc(init_control(1ULL << 40, 0, 0), -XEN_EINVAL, "a frame beyond RAM");
    test_rc(init_control(cur_l4_mfn, 0, 0), -XEN_EINVAL,
            "our L4 (a page table, not writable)");
    /* None of these switched: still 2-level. */
    test_rc(set_priority(1, 3), -XEN_ENOSYS, "still 2-level after refusals");
}

/* The ports raised before the switch, then the first array page. */
static void check_switch(evtchn_port_t early)
{
    void *page = alloc_page();
    unsigned int off = 4096 - sizeof(*cb); /* the last place allowed */

    cb = (void *)((char *)page + off);
    test_rc(init_control(virt_to_mfn(page), off, 0), 0,
            "init_control for vCPU 0 at offset %u", off);
    test_rc(init_control(virt_to_mfn(page), off, 0), -XEN_EINVAL,
            "init_control for vCPU 0 again");
    test_rc(set_priority(early, EVTCHN_FIFO_PRIORITY_MIN + 1), -XEN_EINVAL,
            "set_priority 16");
    test_rc(set_priority(early, 0xffffffffu), -XEN_EINVAL,
            "set_priority 2^32-1");
    test_rc(set_priority(EVTCHN_FIFO_NR_CHANNELS, 3), -XEN_EINVAL,
            "set_priority on port 2^17");
    test_rc(set_priority(0xffffffffu, 3), -XEN_EINVAL,
            "set_priority on port 2^32-1");
    test_rc(expand(1ULL << 40), -XEN_EINVAL, "expand_array: a frame beyond RAM");
    test_rc(expand(cur_l4_mfn), -XEN_EINVAL, "expand_array: our L4");
    test_check(cb->ready == 0, "nothing ready before the first array page");
    array[0] = alloc_page();
    test_rc(expand(virt_to_mfn(array[0])), 0, "expand_array: ports 0-1023");
    nr_pages = 1;
    /* Pending under 2-level, so pending and queued now. */
    test_check(*word(early) == (W(PENDING) | W(LINKED)) &&
                   cb->head[EVTCHN_FIFO_PRIORITY_DEFAULT] == early &&
                   cb->ready == 1u << EVTCHN_FIFO_PRIORITY_DEFAULT,
               "2-level's pending port %u queued at priority 7 (word %#x, "
               "ready %#x)",
               early, *word(early), cb->ready);
    test_check(vcpu0->evtchn_upcall_pending, "and the upcall is pending");
    check_drain("drain after the switch", 1, early, 0, 0);
}

static void check_priorities(void)
{
    evtchn_port_t a = bind_ipi(), b = bind_ipi(), c = bind_ipi();

    test_rc(set_priority(b, 3), 0, "set_priority(%u, 3)", b);
    test_rc(set_priority(c, EVTCHN_FIFO_PRIORITY_MAX), 0, "set_priority(%u, 0)",
            c);
    vcpu0->evtchn_upcall_pending = 0;
    test_rc(send(a), 0, "send a (priority 7)");
    test_check(vcpu0->evtchn_upcall_pending, "upcall pending after send");
    send(b);
    send(a); /* still pending: not queued twice */
    send(c);
    test_check(cb->ready == ((1u << 0) | (1u << 3) | (1u << 7)),
               "ready bits 0, 3, 7 (%#x)", cb->ready);
    check_drain("highest priority first", 3, c, b, a);

    /* Same priority: first in, first out. */
    set_priority(b, 7);
    send(b);
    send(a);
    test_check(*word(b) == (W(PENDING) | W(LINKED) | a),
               "b's word links to a (%#x)", *word(b));
    check_drain("same priority in order", 2, b, a, 0);
    close_port(a);
    close_port(b);
    close_port(c);
}

static void check_masking(void)
{
    evtchn_port_t p = bind_ipi();

    __atomic_fetch_or(word(p), W(MASKED), __ATOMIC_SEQ_CST);
    send(p);
    test_check(*word(p) == (W(PENDING) | W(MASKED)) && cb->ready == 0,
               "masked: pending, not queued (word %#x, ready %#x)", *word(p),
               cb->ready);
    test_rc(unmask(p), 0, "EVTCHNOP_unmask");
    test_check(*word(p) == (W(PENDING) | W(LINKED)) &&
                   cb->ready == 1u << EVTCHN_FIFO_PRIORITY_DEFAULT,
               "unmask queues the pending event (word %#x, ready %#x)",
               *word(p), cb->ready);
    check_drain("drain after unmask", 1, p, 0, 0);
    /* Closing a port clears its pending event, as Xen does. */
    __atomic_fetch_or(word(p), W(MASKED), __ATOMIC_SEQ_CST);
    send(p);
    test_rc(close_port(p), 0, "close a masked pending port");
    test_check(!(*word(p) & W(PENDING)), "its PENDING is cleared (word %#x)",
               *word(p));
    __atomic_store_n(word(p), 0, __ATOMIC_SEQ_CST);
}

/* Ports beyond 2-level's 4095, over loopback interdomain channels. */
static void check_high_ports(void)
{
    struct evtchn_alloc_unbound au = {.dom = DOMID_SELF,
                                      .remote_dom = DOMID_SELF};
    struct evtchn_bind_interdomain bi = {.remote_dom = DOMID_SELF};
    struct evtchn_status st = {.dom = DOMID_SELF};
    evtchn_port_t last = 0;
    unsigned int n;
    long rc = 0;

    while ( nr_pages < NR_PAGES )
    {
        array[nr_pages] = alloc_page();
        rc = expand(virt_to_mfn(array[nr_pages]));
        if ( rc )
            break;
        nr_pages++;
    }
    test_rc(rc, 0, "expand_array to %u pages (ports 0-%lu)", nr_pages,
            nr_pages * WORDS_PER_PAGE - 1);
    for ( n = 0; n < HIGH_PORTS && last < 4096; n++ )
    {
        rc = evtchn_op(EVTCHNOP_alloc_unbound, &au);
        if ( rc )
            break;
        last = au.port;
    }
    test_rc(rc, 0, "alloc_unbound up to port %u", last);
    if ( last < 4096 )
        return;
    bi.remote_port = last;
    rc = evtchn_op(EVTCHNOP_bind_interdomain, &bi);
    test_rc(rc, 0, "bind_interdomain to port %u -> %u", last, bi.local_port);
    test_check(bi.local_port > 4096, "local port %u beyond 4096", bi.local_port);
    /* The new connection is announced to the local end. */
    check_drain("bind announces the local end", 1, bi.local_port, 0, 0);
    test_rc(send(bi.local_port), 0, "send on port %u", bi.local_port);
    check_drain("the remote end gets it", 1, last, 0, 0);
    test_rc(set_priority(last, 2), 0, "set_priority on port %u", last);
    send(bi.local_port);
    send(last);
    check_drain("both ends, by priority", 2, last, bi.local_port, 0);
    st.port = bi.local_port;
    test_check(!evtchn_op(EVTCHNOP_status, &st) &&
                   st.status == EVTCHNSTAT_interdomain &&
                   st.u.interdomain.port == last,
               "status of port %u: interdomain to %u", bi.local_port, last);
    test_rc(close_port(bi.local_port), 0, "close port %u", bi.local_port);
    st.port = last;
    test_check(!evtchn_op(EVTCHNOP_status, &st) &&
                   st.status == EVTCHNSTAT_unbound,
               "port %u is unbound again", last);
}

static void check_reset(void)
{
    struct evtchn_reset r = {.dom = DOMID_SELF};

    test_rc(evtchn_op(EVTCHNOP_reset, &r), 0, "EVTCHNOP_reset");
    check_two_level("after reset");
    /* The pages are ours again: no reference kept on any of them. */
    test_check(no_writable_refs(array[0]) &&
                   no_writable_refs((void *)((uintptr_t)cb & ~4095UL)),
               "the event array and control block are released");
}

void test_main(void)
{
    evtchn_port_t early;

    check_two_level("2-level");
    check_init_control_errors(alloc_page());
    /* Pending (and unmasked) under 2-level when the domain switches. */
    early = bind_ipi();
    send(early);
    check_switch(early);
    check_priorities();
    check_masking();
    check_high_ports();
    check_reset();
    test_finish();
}
