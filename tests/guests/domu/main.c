/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest Dom0's tools build as a DomU (tests/linux case domu): the
 * start-of-day state a toolstack gives one, checked from the inside, and
 * the verdict on the console ring. Booted as Dom0 (tests/guests/run) it
 * checks the Dom0 side of the same contract. "spin" on the command line
 * keeps it running (yielding) after the checks, for destroying it while it
 * runs; "idle" keeps it blocked for ever, as the benchmark's idle domains.
 */
#include "guest.h"

const char test_title[] = "domu: start of day as a toolstack builds it";

static bool page_is_zero(const void *p)
{
    const uint64_t *q = p;
    unsigned int i;

    for ( i = 0; i < PAGE_SIZE / 8; i++ )
        if ( q[i] )
            return false;
    return true;
}

/* Offered to Dom0, or bound by a back end there (xenia-domu -g). */
static void check_port(evtchn_port_t port, const char *what)
{
    struct evtchn_status st = {.dom = DOMID_SELF, .port = port};
    long rc = hypercall_event_channel_op(EVTCHNOP_status, &st);
    unsigned int remote = st.status == EVTCHNSTAT_interdomain
                              ? st.u.interdomain.dom
                              : st.u.unbound.dom;

    test_check(rc == 0 &&
                   (st.status == EVTCHNSTAT_unbound ||
                    st.status == EVTCHNSTAT_interdomain) &&
                   remote == 0,
               "%s port %u: status rc %ld, state %u, remote %u", what, port, rc,
               st.status, remote);
}

static void check_domu(void)
{
    const start_info_t *si = start_info;
    unsigned long store_pfn = M2P[si->store_mfn];
    unsigned long cons_pfn = M2P[si->console.domU.mfn];

    test_check(!(si->flags & (SIF_INITDOMAIN | SIF_PRIVILEGED)),
               "no SIF_INITDOMAIN/SIF_PRIVILEGED (flags %#x)", si->flags);
    test_check(si->store_evtchn && si->console.domU.evtchn &&
                   si->store_evtchn != si->console.domU.evtchn,
               "xenstore port %u and console port %u", si->store_evtchn,
               si->console.domU.evtchn);
    test_check(store_pfn < si->nr_pages && pfn_to_mfn(store_pfn) == si->store_mfn &&
                   page_is_zero(pfn_to_virt(store_pfn)),
               "xenstore page: mfn %#lx is pfn %#lx, zeroed", (unsigned long)si->store_mfn,
               store_pfn);
    test_check(cons_pfn < si->nr_pages && pfn_to_mfn(cons_pfn) == si->console.domU.mfn &&
                   cons_pfn == store_pfn + 1,
               "console page: mfn %#lx is pfn %#lx, after the xenstore page",
               (unsigned long)si->console.domU.mfn, cons_pfn);
    test_check((uint64_t)virt_to_pfn(si) + 1 == store_pfn,
               "start_info (pfn %#lx) comes right before the xenstore page",
               virt_to_pfn(si));
    check_port(si->store_evtchn, "xenstore");
    check_port(si->console.domU.evtchn, "console");
}

static void check_common(void)
{
    domid_t self = DOMID_SELF;
    long cur = hypercall_memory_op(XENMEM_current_reservation, &self);
    unsigned int i;
    bool masked = true;

    test_check(cur == (long)start_info->nr_pages,
               "current_reservation %ld = nr_pages %lu", cur, start_info->nr_pages);
    for ( i = 1; i < XEN_LEGACY_MAX_VCPUS; i++ )
        masked &= shared_info->vcpu_info[i].evtchn_upcall_mask == 1;
    test_check(masked, "upcalls of the vCPUs not started are masked");
    test_check(vcpu0->time.tsc_to_system_mul != 0 && vcpu0->time.version % 2 == 0,
               "vCPU 0's time is valid (mul %u, version %u)",
               vcpu0->time.tsc_to_system_mul, vcpu0->time.version);
}

void test_main(void)
{
    const char *cmdline = (const char *)start_info->cmd_line;

    test_note("command line '%s', %lu pages", cmdline, start_info->nr_pages);
    if ( is_domu() )
        check_domu();
    else
        test_skip("DomU start of day: booted as Dom0");
    check_common();
    if ( strstr(cmdline, "spin") )
    {
        printk("DOMU-SPINNING\n");
        for ( ;; )
            hypercall_sched_op(SCHEDOP_yield, NULL);
    }
    if ( strstr(cmdline, "idle") )
    {
        /* No timer and no event of ours can wake it: it stays blocked. */
        printk("DOMU-IDLE\n");
        for ( ;; )
            hypercall_sched_op(SCHEDOP_block, NULL);
    }
}
