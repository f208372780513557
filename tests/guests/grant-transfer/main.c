/* SPDX-License-Identifier: GPL-2.0-only */
/* Checks GNTTABOP_transfer: Dom0 gives pages to itself (v1 and v2), to a DomU, and every refusal. */
#include "control.h"
#include <xen/grant_table.h>

const char test_title[] = "grant-transfer: GNTTABOP_transfer to itself "
                          "(v1, v2), to a DomU, and its refusals";

#define DATA_RW  (PTE_P | PTE_RW | PTE_A | PTE_D)
#define PATTERN  0x7866657273666572UL
#define NO_DOM   0x7fe0 /* no domain has it */
#define WANT_PFN 0x12345UL /* the pfn an accepting entry asks for */
#define DONE     (GTF_accept_transfer | GTF_transfer_committed | \
                  GTF_transfer_completed)

enum {
    REF_V1 = 10,     /* accepts one transfer from Dom0 */
    REF_PERMIT,      /* an access grant, not an accepting one */
    REF_OTHER_DOM,   /* accepts one from another domain */
    REF_HEADROOM,    /* accepts, while Dom0 is at its max_pages */
    REF_BATCH_A,     /* the batch's two good ops */
    REF_BATCH_B,
    REF_V2 = 30,     /* accepts one in v2 */
};

static void *shared;
static unsigned long shared_mfn; /* the grant frame */

static long gop(unsigned int cmd, void *op, unsigned int count)
{
    return hypercall_grant_table_op(cmd, op, count);
}

static grant_entry_v1_t *v1(grant_ref_t ref)
{
    return &((grant_entry_v1_t *)shared)[ref];
}

static grant_entry_v2_t *v2(grant_ref_t ref)
{
    return &((grant_entry_v2_t *)shared)[ref];
}

static void accept_v1(grant_ref_t ref, domid_t from, uint16_t flags)
{
    v1(ref)->flags = 0;
    barrier();
    v1(ref)->domid = from;
    v1(ref)->frame = WANT_PFN;
    barrier();
    v1(ref)->flags = flags;
}

static long current_pages(domid_t dom)
{
    return hypercall_memory_op(XENMEM_current_reservation, &dom);
}

/* A page of ours holding a pattern, that nothing maps: one to give away. */
static unsigned long loose_page(uint64_t **va_out)
{
    uint64_t *va = alloc_page();

    va[0] = PATTERN;
    va[511] = ~PATTERN;
    if ( hypercall_update_va_mapping((unsigned long)va, 0, UVMF_INVLPG) )
        test_error("cannot unmap a page");
    if ( va_out )
        *va_out = va;
    return pfn_to_mfn(virt_to_pfn(va));
}

static int16_t transfer(unsigned long mfn, domid_t dom, grant_ref_t ref)
{
    struct gnttab_transfer op = {
        .mfn = mfn, .domid = dom, .ref = ref, .status = 99};

    if ( gop(GNTTABOP_transfer, &op, 1) )
        test_fail("transfer call failed");
    return op.status;
}

static void check_status(int16_t got, int16_t want, const char *what)
{
    test_check(got == want, "%s: status %d (want %d)", what, got, want);
}

/* The frame came back to us, at WANT_PFN in the M2P, content intact. */
static void check_received(unsigned long mfn, uint64_t *va)
{
    test_check(M2P[mfn] == WANT_PFN, "  M2P[%#lx] = %#lx, the pfn asked for",
               mfn, M2P[mfn]);
    test_rc(mmu_update_one(((uint64_t)mfn << 12) | MMU_MACHPHYS_UPDATE,
                           virt_to_pfn(va)),
            0, "  ours again: its M2P entry can be set back");
    test_rc(map_mfn((unsigned long)va, mfn, DATA_RW), 0,
            "  and it maps writable");
    test_check(va[0] == PATTERN && va[511] == ~PATTERN,
               "  its content came with it");
}

static void setup(uint32_t version)
{
    struct gnttab_setup_table st = {.dom = DOMID_SELF, .nr_frames = 1};
    struct gnttab_set_version sv = {.version = version};
    xen_pfn_t frame;

    if ( gop(GNTTABOP_set_version, &sv, 1) )
        test_error("set_version(%u)", version);
    set_xen_guest_handle(st.frame_list, &frame);
    if ( gop(GNTTABOP_setup_table, &st, 1) || st.status )
        test_error("setup_table: status %d", st.status);
    if ( !shared )
        shared = alloc_page();
    shared_mfn = frame;
    if ( map_mfn((unsigned long)shared, frame, DATA_RW) )
        test_error("cannot map the grant frame");
}

static void check_self_v1(void)
{
    uint64_t *va;
    unsigned long mfn = loose_page(&va);
    long before = current_pages(DOMID_SELF);

    accept_v1(REF_V1, 0, GTF_accept_transfer);
    check_status(transfer(mfn, 0, REF_V1), GNTST_okay,
                 "v1: a loose page to our own accepting entry");
    test_check(v1(REF_V1)->flags == DONE,
               "  entry flags %#x: committed and completed",
               v1(REF_V1)->flags);
    test_check(v1(REF_V1)->frame == mfn, "  entry frame %#x = the MFN %#lx",
               v1(REF_V1)->frame, mfn);
    test_check(current_pages(DOMID_SELF) == before,
               "  our reservation is unchanged (%ld)", before);
    check_received(mfn, va);
    /* A completed entry takes no second one: the page is lost. */
    mfn = loose_page(NULL);
    check_status(transfer(mfn, 0, REF_V1), GNTST_general_error,
                 "into the same entry again");
    test_check(current_pages(DOMID_SELF) == before - 1,
               "  the page was freed, not kept (%ld pages)",
               current_pages(DOMID_SELF));
    test_check(v1(REF_V1)->flags == DONE, "  the entry is unchanged");
}

/* Refused before the page is taken: it stays ours and usable. */
static void check_bad_pages(void)
{
    uint64_t *va = alloc_page();
    unsigned long mfn = pfn_to_mfn(virt_to_pfn(va));
    long before = current_pages(DOMID_SELF);

    accept_v1(REF_V1 + 100, 0, GTF_accept_transfer);
    va[0] = PATTERN;
    check_status(transfer(mfn, 0, REF_V1 + 100), GNTST_bad_page,
                 "a page we still map");
    test_check(va[0] == PATTERN && current_pages(DOMID_SELF) == before,
               "  still ours and mapped");
    test_check(v1(REF_V1 + 100)->flags == GTF_accept_transfer,
               "  the entry untouched");
    check_status(transfer(1UL << 40, 0, REF_V1 + 100), GNTST_bad_page,
                 "a frame beyond RAM");
    check_status(transfer(1, 0, REF_V1 + 100), GNTST_bad_page,
                 "a frame that is not ours");
    check_status(transfer(shared_mfn, 0, REF_V1 + 100),
                 GNTST_bad_page, "our grant frame (the hypervisor's)");
    check_status(transfer(start_info->shared_info >> 12, 0, REF_V1 + 100),
                 GNTST_bad_page, "shared_info");
    check_status(transfer(cur_l4_mfn, 0, REF_V1 + 100), GNTST_bad_page,
                 "our L4 page table");
    test_check(current_pages(DOMID_SELF) == before,
               "  none of them cost a page");
    test_check(v1(REF_V1 + 100)->flags == GTF_accept_transfer,
               "  the entry still waits");
}

/* Refused after the page is taken: Xen frees it. */
static void check_lost(int16_t want, domid_t dom, grant_ref_t ref,
                       const char *what)
{
    long before = current_pages(DOMID_SELF);

    check_status(transfer(loose_page(NULL), dom, ref), want, what);
    test_check(current_pages(DOMID_SELF) == before - 1,
               "  the page is gone (%ld -> %ld pages)", before,
               current_pages(DOMID_SELF));
}

static void check_refusals(void)
{
    domid_t self = DOMID_SELF;
    long max = hypercall_memory_op(XENMEM_maximum_reservation, &self);

    check_lost(GNTST_bad_domain, NO_DOM, REF_V1 + 100, "no such domain");
    check_lost(GNTST_bad_domain, DOMID_SELF, REF_V1 + 100,
               "DOMID_SELF (Xen wants the id)");
    check_lost(GNTST_general_error, 0, 1024, "an entry beyond the table");
    accept_v1(REF_PERMIT, 0, GTF_permit_access);
    check_lost(GNTST_general_error, 0, REF_PERMIT, "an access grant");
    test_check(v1(REF_PERMIT)->flags == GTF_permit_access,
               "  the entry untouched");
    accept_v1(REF_PERMIT, 0, GTF_accept_transfer | GTF_readonly);
    check_lost(GNTST_general_error, 0, REF_PERMIT,
               "accept_transfer with another flag");
    accept_v1(REF_OTHER_DOM, 5, GTF_accept_transfer);
    check_lost(GNTST_general_error, 0, REF_OTHER_DOM,
               "an entry accepting from another domain");
    test_check(v1(REF_OTHER_DOM)->flags == GTF_accept_transfer &&
                   v1(REF_OTHER_DOM)->frame == WANT_PFN,
               "  the entry untouched");

    /* At max_pages once the page has left us: no room for it. */
    accept_v1(REF_HEADROOM, 0, GTF_accept_transfer);
    test_rc(dom_max_mem(0, (current_pages(DOMID_SELF) - 1) * 4), 0,
            "Dom0's max_mem lowered to one page under its reservation");
    check_lost(GNTST_general_error, 0, REF_HEADROOM,
               "to ourselves at max_pages");
    test_check(v1(REF_HEADROOM)->flags == GTF_accept_transfer,
               "  the entry untouched");
    test_rc(dom_max_mem(0, (uint64_t)max * 4), 0, "max_mem back to %ld pages",
            max);
    check_status(transfer(loose_page(NULL), 0, REF_HEADROOM), GNTST_okay,
                 "then the same entry takes it");
}

/* Failures are per op: the batch goes on, and only bad arrays fail it. */
static void check_batch(void)
{
    struct gnttab_transfer ops[3] = {
        {.domid = 0, .ref = REF_BATCH_A, .status = 99},
        {.mfn = 1, .domid = 0, .ref = REF_BATCH_A, .status = 99},
        {.domid = 0, .ref = REF_BATCH_B, .status = 99},
    };

    accept_v1(REF_BATCH_A, 0, GTF_accept_transfer);
    accept_v1(REF_BATCH_B, 0, GTF_accept_transfer);
    ops[0].mfn = loose_page(NULL);
    ops[2].mfn = loose_page(NULL);
    test_rc(gop(GNTTABOP_transfer, ops, 3), 0, "a batch of three");
    test_check(ops[0].status == GNTST_okay &&
                   ops[1].status == GNTST_bad_page &&
                   ops[2].status == GNTST_okay,
               "  statuses %d %d %d: okay, bad_page, okay", ops[0].status,
               ops[1].status, ops[2].status);
    test_check(v1(REF_BATCH_A)->frame == ops[0].mfn &&
                   v1(REF_BATCH_B)->frame == ops[2].mfn,
               "  both entries hold their frames");
    test_rc(gop(GNTTABOP_transfer, (void *)16, 1), -XEN_EFAULT,
            "an unmapped array");
    test_rc(gop(GNTTABOP_transfer, (void *)HYPERVISOR_VIRT_START, 1),
            -XEN_EFAULT, "an array in the hypervisor's range");
    test_rc(gop(GNTTABOP_transfer, (void *)16, 0), 0, "count 0");
}

static void check_v2(void)
{
    uint64_t *va;
    unsigned long mfn = loose_page(&va);
    grant_entry_v2_t *e;

    setup(2);
    e = v2(REF_V2);
    e->hdr.flags = 0;
    barrier();
    e->hdr.domid = 0;
    e->full_page.frame = WANT_PFN;
    barrier();
    e->hdr.flags = GTF_accept_transfer;
    check_status(transfer(mfn, 0, REF_V2), GNTST_okay,
                 "v2: a loose page to our own accepting entry");
    test_check(e->hdr.flags == DONE, "  entry flags %#x", e->hdr.flags);
    test_check(e->full_page.frame == mfn, "  full_page.frame %#lx = %#lx",
               (unsigned long)e->full_page.frame, mfn);
    check_received(mfn, va);
    check_lost(GNTST_general_error, 0, REF_V2 + 256, "v2: beyond the table");
    setup(1);
}

/* Map (mfn != 0) or unmap at va a frame of domain dom, as a toolstack. */
static long map_foreign(void *va, domid_t dom, unsigned long mfn)
{
    mmu_update_t req = {.ptr = virt_to_maddr(l1_entry((unsigned long)va)) |
                               MMU_PT_UPDATE_NO_TRANSLATE,
                        .val = mfn ? ((uint64_t)mfn << 12) | DATA_RW : 0};
    long rc = hypercall_mmu_update(&req, 1, NULL, mfn ? dom : DOMID_SELF);

    mmuext_simple(MMUEXT_INVLPG_LOCAL, (unsigned long)va);
    return rc;
}

static long domu_grant_frame(domid_t id, xen_pfn_t *frame)
{
    xen_mem_acquire_resource_t a = {
        .domid = id,
        .type = XENMEM_resource_grant_table,
        .id = XENMEM_resource_grant_table_id_shared,
        .nr_frames = 1,
    };

    set_xen_guest_handle(a.frame_list, frame);
    return hypercall_memory_op(XENMEM_acquire_resource, &a);
}

/*
 * A DomU that never runs, whose grant frame Dom0 writes as a toolstack
 * can: entry 5 accepts a page from Dom0, entry 6 too, 0 does not.
 */
static void check_domu(void)
{
    grant_entry_v1_t *e = alloc_page();
    uint64_t *page = alloc_page(), *va;
    xen_pfn_t pfn = 0, frame = 0;
    unsigned long mfn;
    domid_t id;
    long theirs, ours;

    if ( dom_create(0, 1, &id) )
    {
        test_fail("cannot create a DomU");
        return;
    }
    check_lost(GNTST_general_error, id, 0, "to a DomU at max_pages (0)");
    test_rc(dom_max_mem(id, 64), 0, "its max_mem 64 KiB");
    test_rc(dom_populate(id, &pfn, 1), 1, "one page populated");
    theirs = current_pages(id);
    check_lost(GNTST_general_error, id, 0,
               "to a DomU whose entry 0 does not accept");
    test_check(current_pages(id) == theirs, "  its reservation unchanged (%ld)",
               theirs);

    if ( !test_rc(domu_grant_frame(id, &frame), 0,
                  "its grant frame by acquire_resource") ||
         !test_rc(map_foreign(e, id, frame), 0, "  mapped") )
        goto out;
    e[5].domid = e[6].domid = 0;
    e[5].frame = e[6].frame = WANT_PFN;
    barrier();
    e[5].flags = e[6].flags = GTF_accept_transfer;
    mfn = loose_page(&va);
    ours = current_pages(DOMID_SELF);
    check_status(transfer(mfn, id, 5), GNTST_okay, "to the DomU's entry 5");
    test_check(e[5].flags == DONE && e[5].frame == mfn,
               "  its entry: flags %#x, frame %#x", e[5].flags, e[5].frame);
    test_check(current_pages(id) == theirs + 1 &&
                   current_pages(DOMID_SELF) == ours - 1,
               "  one page moved (DomU %ld, Dom0 %ld)", current_pages(id),
               current_pages(DOMID_SELF));
    test_check(M2P[mfn] == WANT_PFN, "  M2P[%#lx] = %#lx", mfn, M2P[mfn]);
    test_check(map_foreign(page, id, mfn) == 0 && page[0] == PATTERN &&
                   page[511] == ~PATTERN,
               "  the DomU's now, content intact");
    test_check(map_foreign(page, id, 0) == 0, "  unmapped");
    test_rc(mmu_update_one(((uint64_t)mfn << 12) | MMU_MACHPHYS_UPDATE, 0),
            -XEN_EINVAL, "  no longer ours to set the M2P of");

    test_rc(dom_max_mem(id, (uint64_t)current_pages(id) * 4), 0,
            "the DomU's max_mem down to its reservation");
    check_lost(GNTST_general_error, id, 6, "to the DomU at max_pages");
    test_check(e[6].flags == GTF_accept_transfer, "  entry 6 untouched");
    test_rc(dom_max_mem(id, 64), 0, "max_mem 64 KiB again");

    /* Dom0 still maps a page of it: it stays, dying. */
    test_rc(map_foreign(page, id, pfn), 0, "its populated page mapped");
    test_rc(map_foreign(e, id, 0), 0, "its grant frame unmapped");
    test_rc(domctl_simple(XEN_DOMCTL_destroydomain, id), 0, "DomU destroyed");
    check_lost(GNTST_general_error, id, 6, "to the dying DomU");
    test_rc(map_foreign(page, id, 0), 0, "its page unmapped");
out:
    domctl_simple(XEN_DOMCTL_destroydomain, id);
    test_check(dom_wait_gone(id), "  and the DomU is gone");
}

void test_main(void)
{
    struct gnttab_transfer op = {.status = 99};

    /* On by default (grant-transfer-off boots with it off). */
    test_rc(gop(GNTTABOP_transfer, &op, 0), 0, "GNTTABOP_transfer is offered");
    setup(1);
    check_self_v1();
    check_bad_pages();
    check_refusals();
    check_batch();
    check_v2();
    check_domu();
}
