/* SPDX-License-Identifier: GPL-2.0-only */
/* Checks grant tables v1: dom0 grants its own pages to itself, maps (host_map, contains_pte), copies, and every refusal. */
#include "guest.h"

const char test_title[] = "grant: grant tables v1 (self-grants, map, unmap, "
                          "copy, refusals)";

#define XEN_VA    0xffff830000000000UL /* the hypervisor's direct map */
#define NO_DOM    123                  /* a domain that does not exist */
#define DATA_RW   (PTE_P | PTE_RW | PTE_A | PTE_D)
#define PATTERN   0x6772616e74000000UL /* "grant" */
#define NR_FRAMES 2

/* Refs used below, one purpose each (a stuck ref must not spoil another). */
enum {
    REF_DATA = 10,   /* page `data`, writable */
    REF_INVALID,     /* flags 0 */
    REF_OTHER_DOM,   /* granted to domain 5 */
    REF_RO,          /* page `data`, GTF_readonly */
    REF_M2P,         /* a frame Xen owns */
    REF_NO_FRAME,    /* a frame that does not exist */
    REF_L1,          /* one of our own L1 page tables */
    REF_ZAP_VA = 20, /* zapped with update_va_mapping while mapped */
    REF_ZAP_MMU,     /* zapped with mmu_update while mapped */
    REF_OVER1,       /* mapped, then another grant mapped over it */
    REF_OVER2,
    REF_KIND,     /* mapped writable, then made read-only by the guest */
    REF_KIND_RO,  /* mapped read-only, then made writable by the guest */
    REF_SRC = 30, /* copy source, read-only grant */
    REF_DST,      /* copy destination */
};

static grant_entry_v1_t *gt, *gt_frame[NR_FRAMES];
static uint64_t *data, *zap_va, *zap_mmu, *src, *dst;
static unsigned long m2p_mfn;

static long gop(unsigned int cmd, void *op, unsigned int count)
{
    return hypercall_grant_table_op(cmd, op, count);
}

static void grant(grant_ref_t ref, domid_t dom, unsigned long frame,
                  uint16_t flags)
{
    gt[ref].flags = 0;
    barrier();
    gt[ref].domid = dom;
    gt[ref].frame = (uint32_t)frame;
    barrier();
    gt[ref].flags = flags;
}

static void invlpg(const void *va)
{
    mmuext_simple(MMUEXT_INVLPG_LOCAL, (unsigned long)va);
}

static struct gnttab_map_grant_ref map(grant_ref_t ref, domid_t dom,
                                       uint32_t flags, uint64_t addr)
{
    struct gnttab_map_grant_ref op = {.host_addr = addr,
                                      .flags = flags,
                                      .ref = ref,
                                      .dom = dom,
                                      .status = 99,
                                      .handle = 0xeeee};
    long rc = gop(GNTTABOP_map_grant_ref, &op, 1);

    if ( rc )
        test_fail("map_grant_ref returned %ld", rc);
    if ( !op.status && !(flags & GNTMAP_contains_pte) )
        invlpg((void *)addr);
    return op;
}

static int16_t unmap(grant_handle_t h, uint64_t addr, uint64_t dev)
{
    struct gnttab_unmap_grant_ref op = {
        .host_addr = addr, .dev_bus_addr = dev, .handle = h, .status = 99};
    long rc = gop(GNTTABOP_unmap_grant_ref, &op, 1);

    if ( rc )
        test_fail("unmap_grant_ref returned %ld", rc);
    return op.status;
}

/* Map va back onto its own frame, writable. */
static void restore(const void *va)
{
    if ( set_page_rw(va, true) )
        test_error("cannot remap %p", va);
}

static void check_table_ops(void)
{
    struct gnttab_query_size q = {.dom = DOMID_SELF};
    struct gnttab_setup_table st = {.dom = DOMID_SELF};
    xen_pfn_t frames[NR_FRAMES + 1] = {0};
    unsigned int i;

    test_rc(gop(GNTTABOP_query_size, &q, 1), 0, "query_size(DOMID_SELF)");
    test_check(q.status == GNTST_okay && q.nr_frames == 1 &&
                   q.max_nr_frames == 64,
               "a new table: %u of %u frames, status %d", q.nr_frames,
               q.max_nr_frames, q.status);
    st.nr_frames = NR_FRAMES;
    set_xen_guest_handle(st.frame_list, frames);
    test_rc(gop(GNTTABOP_setup_table, &st, 1), 0, "setup_table(2 frames)");
    test_check(st.status == GNTST_okay && frames[0] && frames[1] && !frames[2],
               "setup_table: status %d, frames %#lx %#lx", st.status, frames[0],
               frames[1]);
    q.dom = 0;
    gop(GNTTABOP_query_size, &q, 1);
    test_check(q.status == GNTST_okay && q.nr_frames == NR_FRAMES,
               "query_size(0) after setup: %u frames", q.nr_frames);
    for ( i = 0; i < NR_FRAMES; i++ )
    {
        void *va = alloc_page();

        if ( map_mfn((unsigned long)va, frames[i], DATA_RW) )
            test_error("cannot map grant frame %u", i);
        gt_frame[i] = va;
        if ( !i )
            gt = va;
    }
    test_check(gt[0].flags == 0 && gt[1].frame == 0,
               "the shared frame maps, zeroed");
}

static void check_table_refusals(void)
{
    struct gnttab_query_size q = {.dom = NO_DOM};
    struct gnttab_setup_table st = {.dom = DOMID_SELF, .nr_frames = 65};
    xen_pfn_t frames[1];

    test_rc(gop(GNTTABOP_query_size, &q, 1), 0, "query_size(d%u)", NO_DOM);
    test_rc(q.status, GNTST_bad_domain, "  status");
    test_rc(gop(GNTTABOP_query_size, &q, 2), -XEN_EINVAL,
            "query_size with count 2");
    set_xen_guest_handle(st.frame_list, frames);
    test_rc(gop(GNTTABOP_setup_table, &st, 1), 0, "setup_table(65 frames)");
    test_rc(st.status, GNTST_general_error, "  status (the maximum is 64)");
    test_rc(gop(GNTTABOP_setup_table, &st, 2), -XEN_EINVAL,
            "setup_table with count 2");
    st.dom = NO_DOM;
    st.nr_frames = 1;
    gop(GNTTABOP_setup_table, &st, 1);
    test_rc(st.status, GNTST_bad_domain, "setup_table(d%u)", NO_DOM);
    st.dom = DOMID_SELF;
    set_xen_guest_handle(st.frame_list, (xen_pfn_t *)0x5000);
    test_rc(gop(GNTTABOP_setup_table, &st, 1), 0,
            "setup_table into an unmapped frame list");
    test_rc(st.status, GNTST_bad_virt_addr, "  status");
    test_rc(gop(GNTTABOP_setup_table, (void *)XEN_VA, 1), -XEN_EFAULT,
            "setup_table with its op in Xen's range");
    st.nr_frames = 0;
    gop(GNTTABOP_setup_table, &st, 1);
    test_rc(st.status, GNTST_okay, "setup_table of 0 frames");
}

static void check_versions(void)
{
    struct gnttab_set_version sv = {.version = 1};
    struct gnttab_get_version gv = {.dom = DOMID_SELF};
    struct gnttab_get_status_frames sf = {.dom = DOMID_SELF};
    uint64_t status_frames[1];

    test_rc(gop(GNTTABOP_set_version, &sv, 1), 0, "set_version(1)");
    test_rc(sv.version, 1, "  version");
    sv.version = 2;
    /* Xen with gnttab=max-ver:1 (boot.conf); Linux then keeps v1. */
    test_rc(gop(GNTTABOP_set_version, &sv, 1), -XEN_ENOSYS, "set_version(2)");
    test_rc(sv.version, 1, "  version stays");
    sv.version = 0;
    test_rc(gop(GNTTABOP_set_version, &sv, 1), -XEN_EINVAL, "set_version(0)");
    sv.version = 3;
    test_rc(gop(GNTTABOP_set_version, &sv, 1), -XEN_EINVAL, "set_version(3)");
    test_rc(gop(GNTTABOP_get_version, &gv, 1), 0, "get_version(DOMID_SELF)");
    test_rc(gv.version, 1, "  version");
    gv.dom = NO_DOM;
    test_rc(gop(GNTTABOP_get_version, &gv, 1), -XEN_ESRCH, "get_version(d%u)",
            NO_DOM);

    set_xen_guest_handle(sf.frame_list, status_frames);
    sf.nr_frames = 1;
    test_rc(gop(GNTTABOP_get_status_frames, &sf, 1), 0,
            "get_status_frames(1) in v1");
    test_rc(sf.status, GNTST_general_error, "  status (v1 has none)");
    sf.nr_frames = 0;
    gop(GNTTABOP_get_status_frames, &sf, 1);
    test_rc(sf.status, GNTST_okay, "get_status_frames(0)");
    test_rc(gop(GNTTABOP_get_status_frames, &sf, 2), -XEN_EINVAL,
            "get_status_frames with count 2");

    test_rc(gop(GNTTABOP_dump_table, &sf, 1), -XEN_ENOSYS, "dump_table");
    test_rc(gop(99, &sf, 1), -XEN_ENOSYS, "unknown grant_table_op 99");
    test_rc(gop(GNTTABOP_query_size | (1u << 12), &sf, 1), -XEN_EINVAL,
            "query_size with Xen's continuation bits set");
}

static void check_host_map(void)
{
    uint64_t *a = alloc_page(), *b = alloc_page();
    struct gnttab_map_grant_ref rw, ro;

    data[0] = PATTERN;
    grant(REF_DATA, 0, virt_to_mfn(data), GTF_permit_access);
    rw = map(REF_DATA, 0, GNTMAP_host_map, (unsigned long)a);
    test_rc(rw.status, GNTST_okay, "map own grant writable at another VA");
    test_check(rw.dev_bus_addr == (uint64_t)virt_to_mfn(data) << 12,
               "  dev_bus_addr is the frame's address (%#lx)",
               (unsigned long)rw.dev_bus_addr);
    test_check(PTE_MFN(*l1_entry((unsigned long)a)) == virt_to_mfn(data) &&
                   (*l1_entry((unsigned long)a) & PTE_RW),
               "  PTE: the granted frame, writable");
    test_check(a[0] == PATTERN, "  reads through the mapping");
    a[1] = 0x1234;
    test_check(data[1] == 0x1234, "  writes reach the granted page");
    test_check(
        gt[REF_DATA].flags == (GTF_permit_access | GTF_reading | GTF_writing),
        "  GTF_reading|GTF_writing while mapped (%#x)", gt[REF_DATA].flags);

    ro = map(REF_DATA, 0, GNTMAP_host_map | GNTMAP_readonly, (unsigned long)b);
    test_rc(ro.status, GNTST_okay, "map it read-only at a third VA");
    test_check(ro.handle != rw.handle, "  another handle");
    test_check(b[0] == PATTERN && !(*l1_entry((unsigned long)b) & PTE_RW),
               "  reads; the PTE is read-only");
    test_check(probe_write(b, 1) == 14, "  a write faults (#PF)");

    test_rc(unmap(rw.handle, (unsigned long)a, 0), GNTST_okay,
            "unmap the writable mapping");
    test_check(gt[REF_DATA].flags == (GTF_permit_access | GTF_reading),
               "  GTF_writing cleared, GTF_reading kept (%#x)",
               gt[REF_DATA].flags);
    test_check(probe_read(a, NULL) == 14, "  its VA no longer maps");
    test_rc(unmap(rw.handle, (unsigned long)a, 0), GNTST_bad_handle,
            "unmap it again");
    test_rc(unmap(ro.handle, (unsigned long)b, 0), GNTST_okay,
            "unmap the read-only mapping");
    test_check(gt[REF_DATA].flags == GTF_permit_access,
               "  both flags cleared (%#x)", gt[REF_DATA].flags);
    restore(a);
    restore(b);
    test_check(no_writable_refs(a) && data[1] == 0x1234,
               "the VA's own page is intact");
}

static void check_pte_map(void)
{
    uint64_t *c = alloc_page();
    uint64_t pte_ma = virt_to_maddr(l1_entry((unsigned long)c));
    uint32_t flags =
        GNTMAP_host_map | GNTMAP_contains_pte | (1u << _GNTMAP_guest_avail0);
    struct gnttab_map_grant_ref m;

    m = map(REF_DATA, 0, flags, pte_ma);
    test_rc(m.status, GNTST_okay, "map with GNTMAP_contains_pte");
    invlpg(c);
    test_check(c[0] == PATTERN, "  reads through the PTE it named");
    test_check((*l1_entry((unsigned long)c) & 0xe00) == 0x200,
               "  GNTMAP_guest_avail0 is PTE bit 9 (%#lx)",
               (unsigned long)*l1_entry((unsigned long)c));
    test_rc(unmap(m.handle, pte_ma, 0), GNTST_okay, "unmap it by the PTE");
    test_check(*l1_entry((unsigned long)c) == 0, "  the PTE is cleared");
    test_check(gt[REF_DATA].flags == GTF_permit_access, "  flags cleared");
    restore(c);

    m = map(REF_DATA, 0, GNTMAP_host_map | GNTMAP_application_map,
            (unsigned long)c);
    test_rc(m.status, GNTST_okay, "map with GNTMAP_application_map");
    test_check(*l1_entry((unsigned long)c) & PTE_US, "  user-accessible PTE");
    test_rc(unmap(m.handle, (unsigned long)c, 0), GNTST_okay, "unmap it");
    restore(c);
}

static void check_map_refusals(void)
{
    uint64_t *c = alloc_page();
    unsigned long va = (unsigned long)c;
    uint64_t pte_ma = virt_to_maddr(l1_entry(va));
    unsigned long l1_mfn = PTE_MFN(*pt_entry(va, 2));
    struct gnttab_map_grant_ref m;

    test_rc(map(REF_DATA, 0, 0, va).status, GNTST_bad_gntref,
            "map with neither host_map nor device_map");
    test_rc(map(REF_DATA, NO_DOM, GNTMAP_host_map, va).status, GNTST_bad_domain,
            "map from d%u", NO_DOM);
    test_rc(map(REF_DATA, DOMID_SELF, GNTMAP_host_map, va).status,
            GNTST_bad_domain, "map from DOMID_SELF (Xen wants a real id)");
    test_rc(map(NR_FRAMES * 512, 0, GNTMAP_host_map, va).status,
            GNTST_bad_gntref, "map ref %u, past the table", NR_FRAMES * 512);
    test_rc(map(0xffffffff, 0, GNTMAP_host_map, va).status, GNTST_bad_gntref,
            "map ref 0xffffffff");
    grant(REF_INVALID, 0, virt_to_mfn(data), 0);
    test_rc(map(REF_INVALID, 0, GNTMAP_host_map, va).status,
            GNTST_general_error, "map a ref without GTF_permit_access");
    test_check(gt[REF_INVALID].flags == 0, "  its flags stay 0");
    grant(REF_OTHER_DOM, 5, virt_to_mfn(data), GTF_permit_access);
    test_rc(map(REF_OTHER_DOM, 0, GNTMAP_host_map, va).status,
            GNTST_general_error, "map a ref granted to d5");
    grant(REF_RO, 0, virt_to_mfn(data), GTF_permit_access | GTF_readonly);
    test_rc(map(REF_RO, 0, GNTMAP_host_map, va).status, GNTST_general_error,
            "writable map of a GTF_readonly grant");
    test_check(gt[REF_RO].flags == (GTF_permit_access | GTF_readonly),
               "  no flag left behind");
    m = map(REF_RO, 0, GNTMAP_host_map | GNTMAP_readonly, va);
    test_rc(m.status, GNTST_okay, "read-only map of it");
    test_rc(unmap(m.handle, va, 0), GNTST_okay, "  unmapped");
    restore(c);
    grant(REF_M2P, 0, m2p_mfn, GTF_permit_access);
    test_rc(map(REF_M2P, 0, GNTMAP_host_map | GNTMAP_readonly, va).status,
            GNTST_bad_page, "map a grant of Xen's M2P frame");
    test_check(gt[REF_M2P].flags == GTF_permit_access, "  flags cleared");
    grant(REF_NO_FRAME, 0, 1UL << 30, GTF_permit_access);
    test_rc(map(REF_NO_FRAME, 0, GNTMAP_host_map, va).status, GNTST_bad_page,
            "map a grant of a frame that does not exist");
    grant(REF_L1, 0, l1_mfn, GTF_permit_access);
    test_rc(map(REF_L1, 0, GNTMAP_host_map, va).status, GNTST_general_error,
            "writable map of a grant of our own L1 table");
    m = map(REF_L1, 0, GNTMAP_host_map | GNTMAP_readonly, va);
    test_rc(m.status, GNTST_okay, "read-only map of it");
    test_rc(unmap(m.handle, va, 0), GNTST_okay, "  unmapped");
    restore(c);

    test_rc(map(REF_DATA, 0, GNTMAP_host_map, XEN_VA).status,
            GNTST_general_error, "host_addr in Xen's range");
    test_rc(map(REF_DATA, 0, GNTMAP_host_map, 0x5000).status,
            GNTST_general_error, "host_addr with no L1 table");
    test_rc(map(REF_DATA, 0, GNTMAP_host_map | GNTMAP_contains_pte, pte_ma + 1)
                .status,
            GNTST_general_error, "contains_pte at a misaligned address");
    test_rc(map(REF_DATA, 0, GNTMAP_host_map | GNTMAP_contains_pte,
                virt_to_maddr(c))
                .status,
            GNTST_general_error, "contains_pte in a page that is no L1");
    test_rc(map(REF_DATA, 0, GNTMAP_host_map | GNTMAP_contains_pte,
                (uint64_t)m2p_mfn << 12)
                .status,
            GNTST_general_error, "contains_pte in Xen's M2P frame");
    test_check(gt[REF_DATA].flags == GTF_permit_access,
               "after every refusal: no flag left (%#x)", gt[REF_DATA].flags);
    test_check(*(volatile uint64_t *)c == 0 && probe_write(c, 0) < 0,
               "the target VA still maps its own page");
}

static void check_unmap_refusals(void)
{
    uint64_t *c = alloc_page(), *other = alloc_page();
    unsigned long va = (unsigned long)c;
    struct gnttab_map_grant_ref m = map(REF_DATA, 0, GNTMAP_host_map, va);
    struct gnttab_unmap_grant_ref op = {.host_addr = va, .handle = m.handle};

    test_rc(unmap(0xffffffff, va, 0), GNTST_bad_handle,
            "unmap handle "
            "0xffffffff");
    test_rc(unmap(100000, va, 0), GNTST_bad_handle, "unmap handle 100000");
    test_rc(unmap(m.handle, (unsigned long)other, 0), GNTST_general_error,
            "unmap at a VA that maps another frame");
    test_rc(unmap(m.handle, XEN_VA, 0), GNTST_general_error,
            "unmap at a VA in Xen's range");
    test_rc(unmap(m.handle, 0x5000, 0), GNTST_general_error,
            "unmap at a VA with no L1");
    test_rc(gop(GNTTABOP_unmap_grant_ref, (void *)XEN_VA, 1), -XEN_EFAULT,
            "unmap ops in Xen's range");
    test_rc(gop(GNTTABOP_unmap_grant_ref, (void *)0x5000, 1), -XEN_EFAULT,
            "unmap ops at an unmapped VA");
    test_check(c[0] == PATTERN, "the mapping survived all that");
    test_rc(gop(GNTTABOP_unmap_grant_ref, &op, 1), 0, "unmap it properly");
    test_rc(op.status, GNTST_okay, "  status");
    restore(c);
    test_check(gt[REF_DATA].flags == GTF_permit_access, "  flags cleared");
}

/* The guest removes a grant PTE itself: Xen lets it, and unmap then fails. */
static void check_zapped_ptes(void)
{
    uint64_t *c = alloc_page();
    unsigned long va = (unsigned long)c;
    uint64_t pte_ma = virt_to_maddr(l1_entry(va));
    struct gnttab_map_grant_ref m;

    grant(REF_ZAP_VA, 0, virt_to_mfn(zap_va), GTF_permit_access);
    m = map(REF_ZAP_VA, 0, GNTMAP_host_map, va);
    test_rc(m.status, GNTST_okay, "map a grant, then");
    test_rc(hypercall_update_va_mapping(va, 0, UVMF_INVLPG), 0,
            "  zap its PTE with update_va_mapping");
    test_rc(unmap(m.handle, va, 0), GNTST_general_error,
            "  unmap finds no grant PTE");
    test_check(gt[REF_ZAP_VA].flags ==
                   (GTF_permit_access | GTF_reading | GTF_writing),
               "  the grant stays in use, as on Xen");
    test_check(no_writable_refs(zap_va),
               "  the zap dropped the mapping's references, once");
    restore(c);

    grant(REF_ZAP_MMU, 0, virt_to_mfn(zap_mmu), GTF_permit_access);
    m = map(REF_ZAP_MMU, 0, GNTMAP_host_map | GNTMAP_contains_pte, pte_ma);
    test_rc(m.status, GNTST_okay, "map a grant by PTE, then");
    test_rc(mmu_update_one(pte_ma, ((uint64_t)virt_to_mfn(c) << 12) | DATA_RW),
            0, "  overwrite the PTE with mmu_update");
    invlpg(c);
    test_rc(unmap(m.handle, pte_ma, 0), GNTST_general_error,
            "  unmap finds another frame there");
    test_check(no_writable_refs(zap_mmu), "  no reference left behind");
    test_check(probe_write(c, 0) < 0, "  the VA maps its own page again");
}

/* A second grant mapped at the same VA takes the first one's PTE. */
static void check_map_over_map(void)
{
    uint64_t *c = alloc_page(), *o1 = alloc_page(), *o2 = alloc_page();
    unsigned long va = (unsigned long)c;
    struct gnttab_map_grant_ref first, second;

    o2[0] = 0x02;
    grant(REF_OVER1, 0, virt_to_mfn(o1), GTF_permit_access);
    grant(REF_OVER2, 0, virt_to_mfn(o2), GTF_permit_access);
    first = map(REF_OVER1, 0, GNTMAP_host_map, va);
    second = map(REF_OVER2, 0, GNTMAP_host_map, va);
    test_check(!first.status && !second.status && c[0] == 0x02,
               "map a grant over another grant's PTE: %d %d", first.status,
               second.status);
    test_rc(unmap(first.handle, va, 0), GNTST_general_error,
            "  the first can no longer be unmapped there");
    test_rc(unmap(second.handle, va, 0), GNTST_okay, "  the second can");
    test_check(no_writable_refs(o1) && no_writable_refs(o2),
               "  neither page keeps a reference");
    restore(c);
}

/*
 * The guest turns a writable grant PTE read-only itself: the entry now
 * holds a read-only mapping's references, so unmap (which would drop a
 * writable one's) refuses it, on Xen as on Xenia.
 */
static void check_changed_kind(void)
{
    uint64_t *c = alloc_page(), *page = alloc_page();
    unsigned long va = (unsigned long)c, mfn = virt_to_mfn(page);
    struct gnttab_map_grant_ref m;

    grant(REF_KIND, 0, mfn, GTF_permit_access);
    m = map(REF_KIND, 0, GNTMAP_host_map, va);
    test_rc(m.status, GNTST_okay, "map a grant writable, then");
    test_rc(hypercall_update_va_mapping(
                va, ((uint64_t)mfn << 12) | PTE_P | PTE_A, UVMF_INVLPG),
            0, "  make its PTE read-only with update_va_mapping");
    test_rc(unmap(m.handle, va, 0), GNTST_general_error,
            "  unmap refuses an entry of the other kind");
    test_check(no_writable_refs(page), "  no writable reference is left");
    restore(c);

    grant(REF_KIND_RO, 0, mfn, GTF_permit_access);
    m = map(REF_KIND_RO, 0, GNTMAP_host_map | GNTMAP_readonly, va);
    test_rc(m.status, GNTST_okay, "map a grant read-only, then");
    test_rc(hypercall_update_va_mapping(va, ((uint64_t)mfn << 12) | DATA_RW,
                                        UVMF_INVLPG),
            0, "  make its PTE writable with update_va_mapping");
    test_rc(unmap(m.handle, va, 0), GNTST_general_error,
            "  unmap refuses that too");
    restore(c);
    test_check(no_writable_refs(page), "  no writable reference is left");
}

/* One device mapping per op: 129 ops, a batch that may be continued. */
static void check_device_maps(void)
{
    static struct gnttab_map_grant_ref ops[129];
    static struct gnttab_unmap_grant_ref un[128];
    unsigned int i, ok = 0, unmapped = 0;
    long rc;

    for ( i = 0; i < ARRAY_SIZE(ops); i++ )
        ops[i] = (struct gnttab_map_grant_ref){.flags = GNTMAP_device_map |
                                                        GNTMAP_readonly,
                                               .ref = REF_DATA,
                                               .dom = 0,
                                               .status = 99};
    rc = gop(GNTTABOP_map_grant_ref, ops, ARRAY_SIZE(ops));
    test_rc(rc, 0, "129 read-only device maps of one grant in one call");
    for ( i = 0; i < 128; i++ )
        ok += ops[i].status == GNTST_okay &&
              ops[i].dev_bus_addr == (uint64_t)virt_to_mfn(data) << 12;
    test_check(ok == 128, "  the first 128 map (%u did)", ok);
    test_rc(ops[128].status, GNTST_general_error,
            "  the 129th: the pin count is full");
    for ( i = 0; i < ARRAY_SIZE(un); i++ )
        un[i] =
            (struct gnttab_unmap_grant_ref){.dev_bus_addr = ops[i].dev_bus_addr,
                                            .handle = ops[i].handle,
                                            .status = 99};
    rc = gop(GNTTABOP_unmap_grant_ref, un, ARRAY_SIZE(un));
    for ( i = 0; i < ARRAY_SIZE(un); i++ )
        unmapped += un[i].status == GNTST_okay;
    test_check(!rc && unmapped == 128, "unmap all 128 by bus address (%u)",
               unmapped);
    test_check(gt[REF_DATA].flags == GTF_permit_access, "  flags cleared");
}

static struct gnttab_copy copy_op(uint16_t flags, domid_t sdom, uint64_t s,
                                  domid_t ddom, uint64_t d, uint16_t len)
{
    struct gnttab_copy op = {.len = len, .flags = flags, .status = 99};

    op.source.domid = sdom;
    op.source.offset = 8;
    op.dest.domid = ddom;
    op.dest.offset = 16;
    if ( flags & GNTCOPY_source_gref )
        op.source.u.ref = (grant_ref_t)s;
    else
        op.source.u.gmfn = s;
    if ( flags & GNTCOPY_dest_gref )
        op.dest.u.ref = (grant_ref_t)d;
    else
        op.dest.u.gmfn = d;
    return op;
}

static int16_t copy1(struct gnttab_copy op)
{
    long rc = gop(GNTTABOP_copy, &op, 1);

    if ( rc )
        test_fail("copy returned %ld", rc);
    return op.status;
}

static void check_copy(void)
{
    const uint16_t sg = GNTCOPY_source_gref, dg = GNTCOPY_dest_gref;
    unsigned long smfn = virt_to_mfn(src), dmfn = virt_to_mfn(dst);
    const domid_t me = DOMID_SELF;

    src[1] = 0x1111;
    grant(REF_SRC, 0, smfn, GTF_permit_access | GTF_readonly);
    grant(REF_DST, 0, dmfn, GTF_permit_access);
    test_rc(copy1(copy_op(0, me, smfn, me, dmfn, 8)), GNTST_okay,
            "copy frame to frame (DOMID_SELF)");
    test_check(dst[2] == 0x1111, "  the bytes arrived");
    src[1] = 0x2222;
    test_rc(copy1(copy_op(sg, 0, REF_SRC, me, dmfn, 8)), GNTST_okay,
            "copy grant to frame");
    test_check(dst[2] == 0x2222, "  the bytes arrived");
    src[1] = 0x3333;
    test_rc(copy1(copy_op(dg, me, smfn, me, REF_DST, 8)), GNTST_okay,
            "copy frame to grant (grant via DOMID_SELF)");
    test_check(dst[2] == 0x3333, "  the bytes arrived");
    src[1] = 0x4444;
    test_rc(copy1(copy_op(sg | dg, 0, REF_SRC, 0, REF_DST, 8)), GNTST_okay,
            "copy grant to grant");
    test_check(dst[2] == 0x4444, "  the bytes arrived");
    test_check(gt[REF_SRC].flags == (GTF_permit_access | GTF_readonly) &&
                   gt[REF_DST].flags == GTF_permit_access,
               "  no GTF_reading/writing left after copies");

    test_rc(copy1(copy_op(0, 0, smfn, me, dmfn, 8)), GNTST_permission_denied,
            "copy from a frame named with domid 0, not DOMID_SELF");
    test_rc(copy1(copy_op(sg, NO_DOM, REF_SRC, me, dmfn, 8)), GNTST_bad_domain,
            "copy from a grant of d%u", NO_DOM);
    test_rc(copy1(copy_op(sg, 0, 5000, me, dmfn, 8)), GNTST_bad_gntref,
            "copy from ref 5000");
    test_rc(copy1(copy_op(sg, 0, REF_INVALID, me, dmfn, 8)),
            GNTST_general_error, "copy from a ref without GTF_permit_access");
    test_rc(copy1(copy_op(dg, me, smfn, 0, REF_SRC, 8)), GNTST_general_error,
            "copy into a read-only grant");
    test_rc(copy1(copy_op(0, me, m2p_mfn, me, dmfn, 8)), GNTST_bad_page,
            "copy from Xen's M2P frame");
    test_rc(copy1(copy_op(0, me, smfn, me, virt_to_mfn(gt) + 0, 8)), GNTST_okay,
            "copy into our own grant-table frame");
    test_rc(copy1(copy_op(0, me, smfn, me, cur_l4_mfn, 8)), GNTST_general_error,
            "copy into our own page table");
    test_rc(copy1(copy_op(sg | dg, 0, REF_SRC, 0, REF_DST, PAGE_SIZE - 8)),
            GNTST_bad_copy_arg, "copy past the end of the page");
    test_check(gt[REF_SRC].flags == (GTF_permit_access | GTF_readonly) &&
                   gt[REF_DST].flags == GTF_permit_access,
               "after the refusals: no flag left");
}

static void check_copy_batches(void)
{
    static struct gnttab_copy ops[200];
    const domid_t me = DOMID_SELF;
    unsigned long smfn = virt_to_mfn(src), dmfn = virt_to_mfn(dst);
    unsigned int i, ok = 0;
    long rc;

    ops[0] = copy_op(GNTCOPY_source_gref, 0, REF_SRC, me, dmfn, 8);
    ops[1] = copy_op(GNTCOPY_source_gref, 0, 4000, me, dmfn, 8);
    ops[2] = copy_op(0, me, smfn, me, dmfn, 8);
    rc = gop(GNTTABOP_copy, ops, 3);
    test_check(rc == 0 && ops[0].status == GNTST_okay &&
                   ops[1].status == GNTST_bad_gntref &&
                   ops[2].status == GNTST_okay,
               "a batch of 3: rc %ld, statuses %d %d %d", rc, ops[0].status,
               ops[1].status, ops[2].status);
    for ( i = 0; i < ARRAY_SIZE(ops); i++ )
    {
        ops[i] = copy_op(GNTCOPY_dest_gref, me, smfn, 0, REF_DST, 8);
        ops[i].source.offset = (uint16_t)(i * 8);
        ops[i].dest.offset = (uint16_t)(i * 8);
        src[i] = i * 3;
    }
    rc = gop(GNTTABOP_copy, ops, ARRAY_SIZE(ops));
    for ( i = 0; i < ARRAY_SIZE(ops); i++ )
        ok += ops[i].status == GNTST_okay && dst[i] == i * 3;
    test_check(rc == 0 && ok == ARRAY_SIZE(ops),
               "a batch of 200 copies: rc %ld, %u right", rc, ok);
    test_rc(gop(GNTTABOP_copy, (void *)XEN_VA, 1), -XEN_EFAULT,
            "copy ops in Xen's range");
    test_rc(gop(GNTTABOP_map_grant_ref, (void *)0x5000, 1), -XEN_EFAULT,
            "map ops at an unmapped VA");
    test_rc(gop(GNTTABOP_map_grant_ref, (void *)XEN_VA, 1), -XEN_EFAULT,
            "map ops in Xen's range");
    test_rc(gop(GNTTABOP_map_grant_ref, ops, 0x80000000u), -XEN_EINVAL,
            "map with count 2^31");
}

/* An entry anywhere in the table (the frames map at unrelated VAs). */
static grant_entry_v1_t *entry(grant_ref_t ref)
{
    return &gt_frame[ref / (PAGE_SIZE / sizeof(*gt))]
                    [ref % (PAGE_SIZE / sizeof(*gt))];
}

static void grant_any(grant_ref_t ref, unsigned long frame, uint16_t flags)
{
    grant_entry_v1_t *e = entry(ref);

    e->flags = 0;
    barrier();
    e->domid = 0;
    e->frame = (uint32_t)frame;
    barrier();
    e->flags = flags;
}

static bool page_is(const uint8_t *p, const uint8_t *want)
{
    unsigned int i;

    for ( i = 0; i < PAGE_SIZE; i++ )
        if ( p[i] != want[i] )
            return false;
    return true;
}

/*
 * What Linux's netback does for a guest's receive ring: batches of 64
 * copies from its own frames into the guest's writable grants (several
 * copies per grant, at offsets), refs in the table's second frame; the
 * guest ends access and grants the same refs again for other pages, and
 * the next batch must land in those. Also a grant copied from while the
 * copier maps it (the source of a forwarded packet).
 */
#define RX_REF   530 /* in frame 1 */
#define RX_PAGES 4
static void check_rx_pattern(void)
{
    static struct gnttab_copy ops[64];
    uint8_t *s = alloc_page(), *want = alloc_page();
    uint8_t *a[RX_PAGES], *b[RX_PAGES];
    unsigned int i, k, round, ok;
    uint8_t *m = alloc_page();
    struct gnttab_map_grant_ref mo;
    long rc;

    for ( i = 0; i < RX_PAGES; i++ )
    {
        a[i] = alloc_page();
        b[i] = alloc_page();
    }
    for ( round = 0; round < 2; round++ )
    {
        uint8_t **pg = round ? b : a;

        for ( i = 0; i < PAGE_SIZE; i++ )
            s[i] = (uint8_t)(i * (round ? 13 : 7) + 3 + (i >> 8));
        for ( i = 0; i < RX_PAGES; i++ )
        {
            memset(pg[i], 0xee, PAGE_SIZE);
            grant_any(RX_REF + i, virt_to_mfn(pg[i]), GTF_permit_access);
        }
        for ( k = 0; k < ARRAY_SIZE(ops); k++ )
        {
            ops[k] = (struct gnttab_copy){.flags = GNTCOPY_dest_gref,
                                          .len = 256,
                                          .status = 99};
            ops[k].source.domid = DOMID_SELF;
            ops[k].source.u.gmfn = virt_to_mfn(s);
            ops[k].source.offset = (uint16_t)((k * 5 % 16) * 256);
            ops[k].dest.domid = 0;
            ops[k].dest.u.ref = RX_REF + k % RX_PAGES;
            ops[k].dest.offset = (uint16_t)(k / RX_PAGES * 256);
        }
        rc = gop(GNTTABOP_copy, ops, ARRAY_SIZE(ops));
        for ( k = 0, ok = 0; k < ARRAY_SIZE(ops); k++ )
            ok += ops[k].status == GNTST_okay;
        test_check(rc == 0 && ok == ARRAY_SIZE(ops),
                   "rx round %u: 64 copies into refs %u-%u: rc %ld, %u ok",
                   round, RX_REF, RX_REF + RX_PAGES - 1, rc, ok);
        for ( i = 0; i < RX_PAGES; i++ )
        {
            for ( k = i; k < ARRAY_SIZE(ops); k += RX_PAGES )
                memcpy(want + k / RX_PAGES * 256, s + (k * 5 % 16) * 256, 256);
            test_check(page_is(pg[i], want),
                       "  round %u: page %u holds what was copied to it",
                       round, i);
            test_check(entry(RX_REF + i)->flags == GTF_permit_access,
                       "  round %u: ref %u has no GTF_reading/writing (%#x)",
                       round, RX_REF + i, entry(RX_REF + i)->flags);
            if ( round )
            {
                test_check(a[i][0] != 0xee && !page_is(a[i], pg[i]),
                           "  round 1: the page ref %u had before is "
                           "untouched", RX_REF + i);
            }
            entry(RX_REF + i)->flags = 0; /* the guest ends access */
        }
    }

    /* A forwarded packet: the source grant is mapped by the copier. */
    for ( i = 0; i < PAGE_SIZE; i++ )
        s[i] = (uint8_t)(i * 3 + 1);
    grant_any(RX_REF + 10, virt_to_mfn(s), GTF_permit_access | GTF_readonly);
    grant_any(RX_REF + 11, virt_to_mfn(b[0]), GTF_permit_access);
    mo = map(RX_REF + 10, 0, GNTMAP_host_map | GNTMAP_readonly,
             (unsigned long)m);
    test_rc(mo.status, GNTST_okay, "map a read-only grant (netback's tx)");
    ops[0] = (struct gnttab_copy){
        .flags = GNTCOPY_source_gref | GNTCOPY_dest_gref, .len = 1000};
    ops[0].source.domid = 0;
    ops[0].source.u.ref = RX_REF + 10;
    ops[0].source.offset = 3000;
    ops[0].dest.domid = 0;
    ops[0].dest.u.ref = RX_REF + 11;
    ops[0].dest.offset = 100;
    test_rc(gop(GNTTABOP_copy, ops, 1), 0, "copy from it while mapped");
    test_rc(ops[0].status, GNTST_okay, "  status");
    test_check(!memcmp(b[0] + 100, s + 3000, 1000) && !memcmp(m, s, PAGE_SIZE),
               "  the bytes arrived at the offsets given; the map reads them");
    test_check(entry(RX_REF + 10)->flags ==
                   (GTF_permit_access | GTF_readonly | GTF_reading),
               "  GTF_reading stays while mapped (%#x)",
               entry(RX_REF + 10)->flags);
    test_rc(unmap(mo.handle, (unsigned long)m, 0), GNTST_okay, "  unmap");
    test_check(entry(RX_REF + 10)->flags == (GTF_permit_access | GTF_readonly),
               "  no flag left (%#x)", entry(RX_REF + 10)->flags);
    restore(m);
    entry(RX_REF + 10)->flags = 0;
    entry(RX_REF + 11)->flags = 0;
}

static void check_multicall(void)
{
    struct gnttab_query_size q = {.dom = DOMID_SELF};
    struct gnttab_map_grant_ref m = {
        .flags = GNTMAP_host_map, .ref = 0xffff, .dom = 0, .host_addr = 0x5000};
    multicall_entry_t mc[2] = {
        {.op = __HYPERVISOR_grant_table_op,
         .args = {GNTTABOP_query_size, (unsigned long)&q, 1}},
        {.op = __HYPERVISOR_grant_table_op,
         .args = {GNTTABOP_map_grant_ref, (unsigned long)&m, 1}},
    };

    test_rc(hypercall_multicall(mc, 2), 0, "grant_table_op in a multicall");
    test_check(mc[0].result == 0 && q.status == GNTST_okay &&
                   q.nr_frames == NR_FRAMES,
               "  query_size entry: result %ld, %u frames", (long)mc[0].result,
               q.nr_frames);
    test_check(mc[1].result == 0 && m.status == GNTST_bad_gntref,
               "  map entry: result %ld, status %d", (long)mc[1].result,
               m.status);
}

void test_main(void)
{
    struct xen_machphys_mfn_list ml = {.max_extents = 1};
    xen_pfn_t mfn = 0;

    set_xen_guest_handle(ml.extent_start, &mfn);
    if ( hypercall_memory_op(XENMEM_machphys_mfn_list, &ml) || !mfn )
        test_error("no M2P frame to test with");
    m2p_mfn = mfn;
    data = alloc_page();
    zap_va = alloc_page();
    zap_mmu = alloc_page();
    src = alloc_page();
    dst = alloc_page();

    check_table_ops();
    check_table_refusals();
    check_versions();
    check_host_map();
    check_pte_map();
    check_map_refusals();
    check_unmap_refusals();
    check_zapped_ptes();
    check_map_over_map();
    check_changed_kind();
    check_device_maps();
    check_copy();
    check_copy_batches();
    check_rx_pattern();
    check_multicall();
    test_check(no_writable_refs(data), "no reference to the granted page "
                                       "is left");
}
