/* SPDX-License-Identifier: GPL-2.0-only */
/* memory_op: reservation queries, giving frames back and getting them, exchange, shared frames. */
#include "guest.h"
#include <xen/memory.h>
#include <xen/grant_table.h>

const char test_title[] = "memory: current/maximum reservation, "
                          "decrease/populate/increase, XENMEM_exchange, "
                          "frames the hypervisor shares";

#define INVALID_M2P (~0UL)

static long reservation(unsigned int op, xen_pfn_t *list, unsigned long n,
                        unsigned int order, unsigned int flags)
{
    struct xen_memory_reservation r = {.nr_extents = n,
                                       .extent_order = order,
                                       .mem_flags = flags,
                                       .domid = DOMID_SELF};

    set_xen_guest_handle(r.extent_start, list);
    return hypercall_memory_op(op, &r);
}

static long current_pages(void)
{
    domid_t self = DOMID_SELF;

    return hypercall_memory_op(XENMEM_current_reservation, &self);
}

/* A page of ours that nothing maps: what decrease and exchange accept. */
static unsigned long unmapped_page(unsigned long *pfn)
{
    void *va = alloc_page();

    *pfn = virt_to_pfn(va);
    if ( hypercall_update_va_mapping((unsigned long)va, 0, UVMF_INVLPG) )
        test_error("cannot unmap a page");
    return pfn_to_mfn(*pfn);
}

static void check_queries(void)
{
    domid_t self = DOMID_SELF, other = 0x7fe0; /* 0x7ff0 is DOMID_SELF */
    long cur = current_pages();
    long max = hypercall_memory_op(XENMEM_maximum_reservation, &self);
    long gpfn = hypercall_memory_op(XENMEM_maximum_gpfn, &self);

    test_check(cur == (long)start_info->nr_pages,
               "current_reservation %ld = start_info.nr_pages %lu", cur,
               start_info->nr_pages);
    test_check(max >= cur, "maximum_reservation %ld >= current", max);
    /*
     * For PV, Xen answers from shared_info's arch.max_pfn, which the guest
     * keeps (Linux does): one less than it, 0 while it is unset.
     */
    test_check(gpfn == 0, "maximum_gpfn %ld while arch.max_pfn is 0", gpfn);
    shared_info->arch.max_pfn = start_info->nr_pages;
    gpfn = hypercall_memory_op(XENMEM_maximum_gpfn, &self);
    test_check(gpfn == (long)start_info->nr_pages - 1,
               "maximum_gpfn %ld with arch.max_pfn = nr_pages", gpfn);
    test_rc(hypercall_memory_op(XENMEM_current_reservation, &other),
            -XEN_ESRCH, "current_reservation of a domain that does not exist");
    test_rc(hypercall_memory_op(XENMEM_current_reservation, (void *)16),
            -XEN_EFAULT, "current_reservation through a bad pointer");
}

/* Give a frame back, get one at the same pfn again: the balloon's moves. */
static void check_decrease_populate(void)
{
    unsigned long pfn, mfn = unmapped_page(&pfn);
    long before = current_pages();
    xen_pfn_t list[2] = {mfn, 0};

    test_rc(reservation(XENMEM_decrease_reservation, list, 1, 0, 0), 1,
            "decrease_reservation of an unmapped frame: 1 extent");
    test_check(current_pages() == before - 1, "one page fewer");
    test_check(M2P[mfn] == INVALID_M2P, "its M2P entry is invalid (%#lx)",
               M2P[mfn]);
    test_rc(reservation(XENMEM_decrease_reservation, list, 1, 0, 0), 0,
            "giving it back twice: 0 extents");
    list[0] = pfn;
    test_rc(reservation(XENMEM_populate_physmap, list, 1, 0, 0), 1,
            "populate_physmap at the same pfn");
    test_check(list[0] != pfn && M2P[list[0]] == pfn,
               "new frame %#lx with M2P -> pfn %#lx", (unsigned long)list[0],
               pfn);
    test_check(current_pages() == before, "the count is back");
    p2m_set(pfn, list[0]);
    test_rc(map_mfn((unsigned long)pfn_to_virt(pfn), list[0],
                    PTE_P | PTE_RW | PTE_A | PTE_D),
            0, "the new frame maps as ours");

    list[0] = 0;
    test_rc(reservation(XENMEM_increase_reservation, list, 1, 0, 0), 1,
            "increase_reservation: 1 extent");
    test_check(current_pages() == before + 1, "one page more");
    test_rc(reservation(XENMEM_decrease_reservation, list, 1, 0, 0), 1,
            "and back");
    list[0] = 1;
    test_rc(reservation(XENMEM_decrease_reservation, list, 1, 0, 0), 0,
            "decrease_reservation of a frame that is not ours: 0 extents");
    /* Xen counts the extents done, here none, rather than fail. */
    test_rc(reservation(XENMEM_populate_physmap, (void *)16, 1, 0, 0), 0,
            "populate_physmap into an unmapped list: 0 extents");
    test_rc(reservation(XENMEM_populate_physmap,
                        (void *)MACH2PHYS_VIRT_START, 1, 0, 0),
            0, "populate_physmap into the hypervisor's range: 0 extents");
}

static long exchange(xen_pfn_t *in, unsigned long nin, unsigned int in_order,
                     xen_pfn_t *out, unsigned long nout,
                     unsigned int out_order, unsigned int bits,
                     xen_ulong_t *done)
{
    struct xen_memory_exchange x = {
        .in = {.nr_extents = nin, .extent_order = in_order, .domid = DOMID_SELF},
        .out = {.nr_extents = nout,
                .extent_order = out_order,
                .mem_flags = XENMEMF_address_bits(bits),
                .domid = DOMID_SELF},
    };
    long rc;

    set_xen_guest_handle(x.in.extent_start, in);
    set_xen_guest_handle(x.out.extent_start, out);
    rc = hypercall_memory_op(XENMEM_exchange, &x);
    *done = x.nr_exchanged;
    return rc;
}

/*
 * What Linux's xen_create_contiguous_region does for swiotlb: four
 * frames for one extent of four below 4 GiB, and back again.
 */
static void check_exchange(void)
{
    unsigned long pfn[4], old[4], i;
    xen_pfn_t in[4], out[4];
    long before = current_pages(), rc;
    xen_ulong_t done;
    bool m2p_ok = true;

    for ( i = 0; i < 4; i++ )
        in[i] = old[i] = unmapped_page(&pfn[i]);
    /* Contiguous pfns, as Linux's region is. */
    for ( i = 1; i < 4; i++ )
        if ( pfn[i] != pfn[0] + i )
            test_error("alloc_page gave non-contiguous pfns");
    out[0] = pfn[0];
    rc = exchange(in, 4, 0, out, 1, 2, 32, &done);
    test_check(rc == 0 && done == 4, "4 x order 0 for 1 x order 2 below "
                                     "4 GiB: rc %ld, nr_exchanged %lu",
               rc, (unsigned long)done);
    test_check(!(out[0] & 3) && out[0] < (1UL << 20),
               "the new extent %#lx is aligned and below 4 GiB",
               (unsigned long)out[0]);
    for ( i = 0; i < 4; i++ )
        m2p_ok &= M2P[out[0] + i] == pfn[0] + i && M2P[old[i]] == INVALID_M2P;
    test_check(m2p_ok, "M2P: new frames -> the pfns, old ones invalid");
    test_check(current_pages() == before, "the page count is unchanged");

    in[0] = out[0];
    for ( i = 0; i < 4; i++ )
        out[i] = pfn[i];
    rc = exchange(in, 1, 2, out, 4, 0, 0, &done);
    test_check(rc == 0 && done == 1, "and 1 x order 2 back into 4 x order "
                                     "0: rc %ld, nr_exchanged %lu",
               rc, (unsigned long)done);
    for ( i = 0; i < 4; i++ )
    {
        m2p_ok &= M2P[out[i]] == pfn[i];
        p2m_set(pfn[i], out[i]);
        map_mfn((unsigned long)pfn_to_virt(pfn[i]), out[i],
                PTE_P | PTE_RW | PTE_A | PTE_D);
    }
    test_check(m2p_ok, "M2P of the four new frames");
}

static void check_exchange_refused(void)
{
    unsigned long pfn;
    void *va = alloc_page();
    xen_pfn_t in[4], out[4];
    xen_ulong_t done;

    /* Still mapped: it has references besides its allocation. */
    pfn = virt_to_pfn(va);
    in[0] = pfn_to_mfn(pfn);
    out[0] = pfn;
    test_rc(exchange(in, 1, 0, out, 1, 0, 0, &done), -XEN_EINVAL,
            "exchange of a frame still mapped");
    test_check(done == 0 && M2P[in[0]] == pfn, "nothing exchanged, the "
                                               "frame is still ours");
    *(volatile uint64_t *)va = 42;
    test_check(*(volatile uint64_t *)va == 42, "and still usable");
    test_rc(exchange(in, 3, 0, out, 1, 2, 0, &done), -XEN_EINVAL,
            "3 pages in, 4 out");
    test_rc(exchange(in, 1, 0, (void *)MACH2PHYS_VIRT_START, 1, 0, 0, &done),
            -XEN_EFAULT, "an output list in the hypervisor's range");
    test_rc(hypercall_memory_op(XENMEM_exchange, (void *)16), -XEN_EFAULT,
            "a bad exchange struct");
    {
        struct xen_memory_exchange x = {
            .in = {.nr_extents = 1, .domid = DOMID_SELF},
            .out = {.nr_extents = 1, .domid = 0}, /* us, by number */
        };

        set_xen_guest_handle(x.in.extent_start, in);
        set_xen_guest_handle(x.out.extent_start, out);
        test_rc(hypercall_memory_op(XENMEM_exchange, &x), -XEN_EINVAL,
                "in.domid != out.domid");
    }
}


/* Sends an event to ourselves and sees it in shared_info's pending bits. */
static bool shared_info_still_works(void)
{
    struct evtchn_bind_ipi ipi = {.vcpu = 0};
    struct evtchn_send send;
    struct evtchn_close cl;
    bool seen;

    vcpu0->evtchn_upcall_mask = 1; /* the bit stays for us to see */
    if ( hypercall_event_channel_op(EVTCHNOP_bind_ipi, &ipi) )
        return false;
    send.port = ipi.port;
    hypercall_event_channel_op(EVTCHNOP_send, &send);
    seen = evtchn_is_pending(ipi.port);
    evtchn_clear(ipi.port);
    cl.port = ipi.port;
    hypercall_event_channel_op(EVTCHNOP_close, &cl);
    return seen;
}

/*
 * shared_info and the grant-table frames are the hypervisor's frames that
 * the guest maps as its own: it can neither give them back nor exchange
 * them nor make them page tables. Xen 4.17 counts a decrease_reservation
 * of one as done (its guest_remove_page drops an allocation reference
 * that frees nothing for these) and the frame stays the guest's, mapped
 * and working; exchange refuses them (steal_page), and so does a pin.
 */
static void check_shared_frames(void)
{
    unsigned long si = start_info->shared_info >> 12;
    struct gnttab_setup_table st = {.dom = DOMID_SELF, .nr_frames = 1};
    xen_pfn_t gframe = 0, list[2], out[2];
    xen_ulong_t done;
    long before = current_pages();
    void *va;

    set_xen_guest_handle(st.frame_list, &gframe);
    if ( hypercall_grant_table_op(GNTTABOP_setup_table, &st, 1) ||
         st.status != GNTST_okay || !gframe )
        test_error("setup_table: status %d", st.status);

    test_rc(pin_table(1, si), -XEN_EINVAL, "pin shared_info as an L1");
    /* The grant frame is mapped nowhere: only its type can refuse it. */
    test_rc(pin_table(1, gframe), -XEN_EINVAL, "pin a grant frame as an L1");
    list[0] = gframe;
    out[0] = virt_to_pfn(alloc_page());
    test_rc(exchange(list, 1, 0, out, 1, 0, 0, &done), -XEN_EINVAL,
            "exchange a grant frame");
    test_check(done == 0, "nothing exchanged (%lu)", (unsigned long)done);
    list[0] = si;
    test_rc(exchange(list, 1, 0, out, 1, 0, 0, &done), -XEN_EINVAL,
            "exchange shared_info");

    list[0] = si;
    test_rc(reservation(XENMEM_decrease_reservation, list, 1, 0, 0), 1,
            "decrease_reservation of shared_info: counted as done");
    list[0] = si;
    list[1] = gframe;
    test_rc(reservation(XENMEM_decrease_reservation, list, 2, 0, 0), 2,
            "shared_info again and a grant frame (unmapped): both done");
    test_check(current_pages() == before,
               "the page count is unchanged (%ld, was %ld)", current_pages(),
               before);
    test_check(shared_info_still_works(), "shared_info still carries events");
    va = alloc_page();
    test_rc(map_mfn((unsigned long)va, gframe, PTE_RW | PTE_A | PTE_D), 0,
            "the grant frame still maps as ours");
    test_rc(map_mfn((unsigned long)alloc_page(), si, PTE_RW | PTE_A | PTE_D), 0,
            "and shared_info too");
    gframe = 0;
    test_check(!hypercall_grant_table_op(GNTTABOP_setup_table, &st, 1) &&
                   st.status == GNTST_okay && gframe == list[1],
               "setup_table names the same frame (%#lx)",
               (unsigned long)gframe);
    test_rc(pin_table(1, gframe), -XEN_EINVAL,
            "a grant frame given back is still no L1");
}

void test_main(void)
{
    check_queries();
    check_decrease_populate();
    check_exchange();
    check_exchange_refused();
    check_shared_frames();
}
