/* SPDX-License-Identifier: GPL-2.0-only */
/* Checks grant tables v2 as Xen 4.17 offers them by default: version changes, status frames, v2 maps, sub_page copies, swap_grant_ref, cache_flush, unmap_and_replace. */
#include "guest.h"

const char test_title[] = "grant-v2: grant tables v2 (set_version, status "
                          "frames, map, sub_page copy)";

#define DATA_RO   (PTE_P | PTE_A)
#define DATA_RW   (PTE_P | PTE_RW | PTE_A | PTE_D)
#define PATTERN   0x7632677261000000UL
#define NR_FRAMES 2 /* 1024 v1 entries, 512 v2 ones: one status frame */

enum {
    REF_RESERVED = 1, /* a toolstack-style entry: kept across versions */
    REF_DATA = 10,    /* page `data`, writable */
    REF_RO,           /* page `data`, GTF_readonly */
    REF_SUB,          /* bytes 8..23 of page `src`, read-only */
    REF_DST,          /* page `dst`, writable */
    REF_TRANS,        /* transitive, to REF_DST of dom0 itself */
    REF_V1_ONLY = 20, /* written in v1, cleared by the switch */
    REF_SWAP_A,       /* swapped with REF_SWAP_B */
    REF_SWAP_B,
};

static void *shared;         /* the first shared frame, both views */
static grant_status_t *stat; /* the first status frame, read-only */
static uint64_t *data, *src, *dst;

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

static void grant_v2(grant_ref_t ref, unsigned long frame, uint16_t flags)
{
    v2(ref)->hdr.flags = 0;
    barrier();
    v2(ref)->hdr.domid = 0;
    v2(ref)->full_page.frame = frame;
    barrier();
    v2(ref)->hdr.flags = flags;
}

static long set_version(uint32_t version, uint32_t *now)
{
    struct gnttab_set_version sv = {.version = version};
    long rc = gop(GNTTABOP_set_version, &sv, 1);

    *now = sv.version;
    return rc;
}

static uint32_t get_version(void)
{
    struct gnttab_get_version gv = {.dom = DOMID_SELF};

    if ( gop(GNTTABOP_get_version, &gv, 1) )
        test_fail("get_version failed");
    return gv.version;
}

static struct gnttab_map_grant_ref map(grant_ref_t ref, uint32_t flags,
                                       void *va)
{
    struct gnttab_map_grant_ref op = {.host_addr = (unsigned long)va,
                                      .flags = flags,
                                      .ref = ref,
                                      .dom = 0,
                                      .status = 99};

    if ( gop(GNTTABOP_map_grant_ref, &op, 1) )
        test_fail("map_grant_ref failed");
    if ( !op.status )
        mmuext_simple(MMUEXT_INVLPG_LOCAL, (unsigned long)va);
    return op;
}

static int16_t unmap(grant_handle_t h, void *va)
{
    struct gnttab_unmap_grant_ref op = {
        .host_addr = (unsigned long)va, .handle = h, .status = 99};

    if ( gop(GNTTABOP_unmap_grant_ref, &op, 1) )
        test_fail("unmap_grant_ref failed");
    return op.status;
}

static int16_t copy(grant_ref_t from, uint16_t offset, uint16_t len)
{
    struct gnttab_copy op = {
        .source = {.u.ref = from, .domid = 0, .offset = offset},
        .dest = {.u.ref = REF_DST, .domid = 0, .offset = offset},
        .len = len,
        .flags = GNTCOPY_source_gref | GNTCOPY_dest_gref,
        .status = 99};

    if ( gop(GNTTABOP_copy, &op, 1) )
        test_fail("copy failed");
    return op.status;
}

static uint64_t status_frame(uint32_t nr, int16_t *status)
{
    struct gnttab_get_status_frames sf = {.dom = DOMID_SELF, .nr_frames = nr};
    uint64_t frames[2] = {0, 0};

    set_xen_guest_handle(sf.frame_list, frames);
    if ( gop(GNTTABOP_get_status_frames, &sf, 1) )
        test_fail("get_status_frames(%u) failed", nr);
    *status = sf.status;
    return frames[0];
}

static void check_setup(void)
{
    struct gnttab_setup_table st = {.dom = DOMID_SELF, .nr_frames = NR_FRAMES};
    xen_pfn_t frames[NR_FRAMES];
    uint32_t now;

    test_rc(set_version(1, &now), 0, "set_version(1) at start");
    set_xen_guest_handle(st.frame_list, frames);
    if ( gop(GNTTABOP_setup_table, &st, 1) || st.status )
        test_error("setup_table: status %d", st.status);
    shared = alloc_page();
    if ( map_mfn((unsigned long)shared, frames[0], DATA_RW) )
        test_error("cannot map the grant frame");
    v1(REF_RESERVED)->domid = 0;
    v1(REF_RESERVED)->frame = (uint32_t)virt_to_mfn(data);
    v1(REF_RESERVED)->flags = GTF_permit_access | GTF_readonly;
    v1(REF_V1_ONLY)->domid = 0;
    v1(REF_V1_ONLY)->frame = (uint32_t)virt_to_mfn(data);
    v1(REF_V1_ONLY)->flags = GTF_permit_access;
}

static void check_to_v2(void)
{
    unsigned int i, dirty = 0;
    uint64_t mfn;
    int16_t st;
    uint32_t now;

    mfn = status_frame(1, &st);
    test_rc(st, GNTST_general_error, "get_status_frames(1) in v1");
    test_rc(set_version(2, &now), 0, "set_version(2)");
    test_rc(now, 2, "  version reported");
    test_rc(get_version(), 2, "get_version");
    test_check(v2(REF_RESERVED)->hdr.flags ==
                       (GTF_permit_access | GTF_readonly) &&
                   v2(REF_RESERVED)->hdr.domid == 0 &&
                   v2(REF_RESERVED)->full_page.frame == virt_to_mfn(data),
               "a reserved entry carried over as a v2 full_page entry");
    for ( i = 8 * sizeof(grant_entry_v2_t); i < PAGE_SIZE; i++ )
        dirty += ((uint8_t *)shared)[i] != 0;
    test_check(!dirty, "entries past the reserved ones cleared (%u bytes)",
               dirty);
    test_rc(set_version(2, &now), 0, "set_version(2) again");

    mfn = status_frame(1, &st);
    test_rc(st, GNTST_okay, "get_status_frames(1) in v2");
    status_frame(2, &st);
    test_rc(st, GNTST_general_error, "get_status_frames(2): only one");
    stat = alloc_page();
    test_rc(map_mfn((unsigned long)stat, mfn, DATA_RO), 0,
            "map the status frame read-only");
    test_check(stat[REF_RESERVED] == 0 && stat[REF_DATA] == 0,
               "status words start clear");
}

static void check_v2_map(void)
{
    struct gnttab_map_grant_ref rw, ro;
    uint64_t *a = alloc_page(), *b = alloc_page();
    uint32_t now;

    data[0] = PATTERN;
    grant_v2(REF_DATA, virt_to_mfn(data), GTF_permit_access);
    grant_v2(REF_RO, virt_to_mfn(data), GTF_permit_access | GTF_readonly);
    rw = map(REF_DATA, GNTMAP_host_map, a);
    test_rc(rw.status, GNTST_okay, "map a v2 grant writable");
    test_check(a[0] == PATTERN, "  reads through the mapping");
    test_check(stat[REF_DATA] == (GTF_reading | GTF_writing),
               "  status word: GTF_reading|GTF_writing (%#x)", stat[REF_DATA]);
    test_check(v2(REF_DATA)->hdr.flags == GTF_permit_access,
               "  the entry's own flags untouched (%#x)",
               v2(REF_DATA)->hdr.flags);
    test_rc(map(REF_RO, GNTMAP_host_map, b).status, GNTST_general_error,
            "map a read-only v2 grant writable");
    test_check(stat[REF_RO] == 0, "  leaves its status clear");
    ro = map(REF_RO, GNTMAP_host_map | GNTMAP_readonly, b);
    test_rc(ro.status, GNTST_okay, "map it read-only");
    test_check(stat[REF_RO] == GTF_reading, "  status GTF_reading (%#x)",
               stat[REF_RO]);

    test_rc(set_version(1, &now), -XEN_EBUSY,
            "set_version(1) with grants "
            "in use");
    test_rc(now, 2, "  version stays");
    test_rc(unmap(rw.handle, a), GNTST_okay, "unmap the writable one");
    test_check(stat[REF_DATA] == 0, "  status cleared (%#x)", stat[REF_DATA]);
    test_rc(set_version(1, &now), -XEN_EBUSY, "set_version(1) with one left");
    test_rc(unmap(ro.handle, b), GNTST_okay, "unmap the read-only one");
    test_check(stat[REF_RO] == 0, "  status cleared (%#x)", stat[REF_RO]);
}

static void check_sub_page(void)
{
    grant_entry_v2_t *e = v2(REF_SUB);
    unsigned int i;

    for ( i = 0; i < 4; i++ )
        src[i] = PATTERN + i;
    grant_v2(REF_DST, virt_to_mfn(dst), GTF_permit_access);
    e->hdr.flags = 0;
    barrier();
    e->hdr.domid = 0;
    e->sub_page.page_off = 8;
    e->sub_page.length = 16;
    e->sub_page.frame = virt_to_mfn(src);
    barrier();
    e->hdr.flags = GTF_permit_access | GTF_sub_page | GTF_readonly;

    test_rc(copy(REF_SUB, 8, 16), GNTST_okay, "copy all of a sub_page grant");
    test_check(dst[1] == PATTERN + 1 && dst[2] == PATTERN + 2 && !dst[0] &&
                   !dst[3],
               "  exactly its 16 bytes arrive");
    test_rc(copy(REF_SUB, 0, 8), GNTST_general_error,
            "copy before a sub_page grant's range");
    test_rc(copy(REF_SUB, 16, 16), GNTST_general_error,
            "copy past a sub_page grant's range");
    test_rc(copy(REF_SUB, 8, PAGE_SIZE), GNTST_bad_copy_arg,
            "copy past the page");
    test_rc(
        map(REF_SUB, GNTMAP_host_map | GNTMAP_readonly, alloc_page()).status,
        GNTST_general_error, "map a sub_page grant");
    test_check(stat[REF_SUB] == 0 && stat[REF_DST] == 0,
               "  status words clear after the copies");

    /* Alone, dom0 can only show a transitive grant's refusals. */
    e = v2(REF_TRANS);
    e->hdr.flags = 0;
    barrier();
    e->hdr.domid = 0;
    e->transitive.trans_domid = 0;
    e->transitive.gref = REF_DST;
    barrier();
    e->hdr.flags = GTF_transitive;
    test_rc(copy(REF_TRANS, 0, 8), GNTST_general_error,
            "copy through a transitive grant naming its own domain");
    test_rc(map(REF_TRANS, GNTMAP_host_map, alloc_page()).status,
            GNTST_general_error, "map a transitive grant");
    test_check(stat[REF_TRANS] == 0 && stat[REF_DST] == 0,
               "  status words clear");
}

static int16_t swap(grant_ref_t a, grant_ref_t b)
{
    struct gnttab_swap_grant_ref op = {.ref_a = a, .ref_b = b, .status = 99};

    if ( gop(GNTTABOP_swap_grant_ref, &op, 1) )
        test_fail("swap_grant_ref failed");
    return op.status;
}

static void check_swap(void)
{
    struct gnttab_map_grant_ref m;
    void *va = alloc_page();

    grant_v2(REF_SWAP_A, virt_to_mfn(src), GTF_permit_access);
    grant_v2(REF_SWAP_B, virt_to_mfn(dst), GTF_permit_access | GTF_readonly);
    test_rc(swap(REF_SWAP_A, REF_SWAP_B), GNTST_okay, "swap_grant_ref in v2");
    test_check(v2(REF_SWAP_A)->full_page.frame == virt_to_mfn(dst) &&
                   v2(REF_SWAP_A)->hdr.flags ==
                       (GTF_permit_access | GTF_readonly) &&
                   v2(REF_SWAP_B)->full_page.frame == virt_to_mfn(src),
               "  the two entries exchanged");
    test_rc(swap(REF_SWAP_A, REF_SWAP_A), GNTST_okay, "swap a ref with itself");
    test_rc(swap(REF_SWAP_A, 512), GNTST_bad_gntref, "swap past the table");
    m = map(REF_SWAP_B, GNTMAP_host_map, va);
    test_rc(m.status, GNTST_okay, "map one of them");
    test_rc(swap(REF_SWAP_A, REF_SWAP_B), GNTST_eagain, "swap an entry in use");
    test_rc(unmap(m.handle, va), GNTST_okay, "  unmap it");
    test_rc(gop(GNTTABOP_swap_grant_ref, (void *)0xffff830000000000UL, 1),
            -XEN_EFAULT, "swap ops in Xen's range");
}

static long flush(uint64_t maddr, uint16_t off, uint16_t len, uint32_t op,
                  unsigned int opaque)
{
    struct gnttab_cache_flush f = {
        .a.dev_bus_addr = maddr, .offset = off, .length = len, .op = op};

    return gop(GNTTABOP_cache_flush | (opaque << 12), &f, 1);
}

static void check_cache_flush(void)
{
    struct xen_machphys_mfn_list ml = {.max_extents = 1};
    uint64_t own = virt_to_maddr(data);
    xen_pfn_t m2p = 0;

    test_rc(flush(own, 0, 64, GNTTAB_CACHE_CLEAN, 0), 0,
            "cache_flush: clean 64 bytes of an own page");
    test_rc(flush(own, 64, 64, GNTTAB_CACHE_CLEAN | GNTTAB_CACHE_INVAL, 0), 0,
            "cache_flush: clean and invalidate");
    test_rc(flush(own, 0, 64, GNTTAB_CACHE_INVAL, 0), -XEN_EOPNOTSUPP,
            "cache_flush: invalidate alone (not on x86)");
    test_rc(flush(own, 0, 0, GNTTAB_CACHE_CLEAN, 0), 0,
            "cache_flush: length 0 does nothing");
    test_rc(flush(own, 0, 0, GNTTAB_CACHE_CLEAN, 5), -XEN_EILSEQ,
            "cache_flush: length 0 with a continuation argument");
    test_rc(flush(own, 4000, 200, GNTTAB_CACHE_CLEAN, 0), -XEN_EINVAL,
            "cache_flush past the page");
    test_rc(flush(own, 0, 8, GNTTAB_CACHE_SOURCE_GREF | GNTTAB_CACHE_CLEAN, 0),
            -XEN_EINVAL, "cache_flush by grant ref");
    test_rc(flush(~0UL << 12 >> 16, 0, 8, GNTTAB_CACHE_CLEAN, 0), -XEN_EINVAL,
            "cache_flush of a frame that does not exist");
    set_xen_guest_handle(ml.extent_start, &m2p);
    if ( hypercall_memory_op(XENMEM_machphys_mfn_list, &ml) || !m2p )
        test_error("no M2P frame to test with");
    test_rc(flush((uint64_t)m2p << 12, 0, 8, GNTTAB_CACHE_CLEAN, 0), -XEN_EPERM,
            "cache_flush of the hypervisor's frame");
    test_rc(gop(GNTTABOP_cache_flush, (void *)0xffff830000000000UL, 1),
            -XEN_EFAULT, "cache_flush ops in Xen's range");
}

static int16_t unmap_and_replace(grant_handle_t h, uint64_t addr,
                                 uint64_t new_addr)
{
    struct gnttab_unmap_and_replace op = {
        .host_addr = addr, .new_addr = new_addr, .handle = h, .status = 99};

    if ( gop(GNTTABOP_unmap_and_replace, &op, 1) )
        test_fail("unmap_and_replace failed");
    return op.status;
}

static void check_unmap_and_replace(void)
{
    uint64_t *a = alloc_page(), *b = alloc_page(), *c = alloc_page();
    uint64_t pte_ma = virt_to_maddr(l1_entry((unsigned long)c));
    struct gnttab_map_grant_ref m;

    data[0] = PATTERN;
    b[0] = PATTERN + 7;
    grant_v2(REF_DATA, virt_to_mfn(data), GTF_permit_access);
    m = map(REF_DATA, GNTMAP_host_map, a);
    test_rc(m.status, GNTST_okay, "map a grant for unmap_and_replace");
    test_rc(unmap_and_replace(m.handle, (unsigned long)a, (unsigned long)b),
            GNTST_okay, "unmap_and_replace with a new_addr");
    mmuext_simple(MMUEXT_TLB_FLUSH_LOCAL, 0);
    test_check(a[0] == PATTERN + 7,
               "  the grant's VA now maps new_addr's page");
    test_check(probe_read(b, NULL) == 14, "  new_addr no longer maps");
    test_check(stat[REF_DATA] == 0, "  the grant is no longer in use (%#x)",
               stat[REF_DATA]);
    test_rc(unmap_and_replace(m.handle, (unsigned long)a, 0), GNTST_bad_handle,
            "unmap_and_replace of the same handle again");
    if ( set_page_rw(a, true) || set_page_rw(b, true) )
        test_error("cannot remap the pages");

    m = map(REF_DATA, GNTMAP_host_map, a);
    test_rc(unmap_and_replace(m.handle, (unsigned long)a, 0), GNTST_okay,
            "unmap_and_replace with new_addr 0");
    test_check(probe_read(a, NULL) == 14, "  the VA no longer maps");
    if ( set_page_rw(a, true) )
        test_error("cannot remap a page");

    m = map(REF_DATA, GNTMAP_host_map | GNTMAP_contains_pte, (void *)pte_ma);
    test_rc(m.status, GNTST_okay, "map by the PTE (contains_pte)");
    test_rc(unmap_and_replace(m.handle, pte_ma, (unsigned long)b),
            GNTST_general_error,
            "unmap_and_replace by the PTE with a new_addr");
    test_check(b[0] == PATTERN + 7, "  new_addr is left alone");
    test_rc(unmap_and_replace(m.handle, pte_ma, 0), GNTST_okay,
            "unmap_and_replace by the PTE, no new_addr");
    if ( set_page_rw(c, true) )
        test_error("cannot remap a page");
    test_check(stat[REF_DATA] == 0, "  status clear");
}

static void check_back_to_v1(void)
{
    int16_t st;
    uint32_t now;

    test_rc(set_version(1, &now), -XEN_EBUSY,
            "set_version(1) while the status frame is mapped");
    test_rc(now, 2, "  version stays");
    status_frame(1, &st);
    test_rc(st, GNTST_okay, "  the status frame is still there");
    if ( set_page_rw(stat, true) )
        test_error("cannot unmap the status frame");
    v2(REF_RESERVED)->full_page.frame = 1UL << 32;
    test_rc(set_version(1, &now), -XEN_ERANGE,
            "set_version(1): a reserved entry v1 cannot express");
    v2(REF_RESERVED)->full_page.frame = virt_to_mfn(data);
    test_rc(set_version(1, &now), 0, "set_version(1) once unmapped");
    test_rc(get_version(), 1, "get_version");
    test_check(v1(REF_RESERVED)->flags == (GTF_permit_access | GTF_readonly) &&
                   v1(REF_RESERVED)->frame == virt_to_mfn(data),
               "the reserved entry carried back to v1");
    status_frame(1, &st);
    test_rc(st, GNTST_general_error, "  no status frames in v1");
    test_check(v1(REF_V1_ONLY)->flags == 0, "  other v1 entries stay clear");
    test_rc(swap(REF_RESERVED, REF_V1_ONLY), GNTST_okay,
            "swap_grant_ref in v1");
    test_check(v1(REF_V1_ONLY)->flags == (GTF_permit_access | GTF_readonly) &&
                   v1(REF_RESERVED)->flags == 0,
               "  the two v1 entries exchanged");
}

void test_main(void)
{
    data = alloc_page();
    src = alloc_page();
    dst = alloc_page();

    check_setup();
    check_to_v2();
    check_v2_map();
    check_sub_page();
    check_swap();
    check_cache_flush();
    check_unmap_and_replace();
    check_back_to_v1();
    test_check(no_writable_refs(data) && no_writable_refs(dst),
               "no reference to the granted pages is left");
}
