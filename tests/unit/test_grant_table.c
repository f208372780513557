/* SPDX-License-Identifier: GPL-2.0-only */
/* Tests of the grant table state machine (common/grant_table.c). */
#include "check.h"
#include "../../hypervisor/common/grant_table.c"

/*
 * A fake machine: frames with an owner and counts, a few tables, and a
 * page-table "slot" array standing in for PTEs (a grant PTE holds the
 * references its map took, as in the PV MMU).
 */
#define NR_FRAMES 16
#define NR_SLOTS  8
#define NO_OWNER  0x7ff0
#define TABLE_MFN 15 /* a "page table": never writable */
#define BAD_ADDR  0xdead000

static struct {
    domid_t owner;
    int refs, types;
    uint8_t data[PAGE_SIZE];
} frame[NR_FRAMES];

static struct {
    bool present;
    unsigned long mfn;
    uint32_t flags;
} slot[NR_SLOTS];

static struct grant_table tables[3];
static int lock_depth, max_lock_depth, flushes, next_shared_mfn;

struct grant_table *gnttab_env_lookup(domid_t id)
{
    return id < 3 ? &tables[id] : NULL;
}

bool gnttab_env_get_page(mfn_t mfn, domid_t owner)
{
    if ( mfn_x(mfn) >= NR_FRAMES || frame[mfn_x(mfn)].owner != owner )
        return false;
    frame[mfn_x(mfn)].refs++;
    return true;
}

void gnttab_env_put_page(mfn_t mfn)
{
    CHECK(frame[mfn_x(mfn)].refs > 0);
    frame[mfn_x(mfn)].refs--;
}

bool gnttab_env_get_writable(mfn_t mfn)
{
    if ( mfn_x(mfn) == TABLE_MFN )
        return false;
    frame[mfn_x(mfn)].types++;
    return true;
}

void gnttab_env_put_writable(mfn_t mfn)
{
    CHECK(frame[mfn_x(mfn)].types > 0);
    frame[mfn_x(mfn)].types--;
}

static unsigned int slot_of(uint64_t addr)
{
    return (addr >> PAGE_SHIFT) % NR_SLOTS;
}

/* What the guest does when it zaps a PTE itself: the entry's refs go. */
static void zap_slot(unsigned int s)
{
    if ( !slot[s].present )
        return;
    if ( !(slot[s].flags & GNTMAP_readonly) )
        gnttab_env_put_writable(_mfn(slot[s].mfn));
    gnttab_env_put_page(_mfn(slot[s].mfn));
    slot[s].present = false;
}

int gnttab_env_create_host_mapping(uint64_t addr, mfn_t mfn, uint32_t flags)
{
    if ( addr == BAD_ADDR )
        return GNTST_general_error;
    zap_slot(slot_of(addr));
    slot[slot_of(addr)].present = true;
    slot[slot_of(addr)].mfn = mfn_x(mfn);
    slot[slot_of(addr)].flags = flags;
    return GNTST_okay;
}

/* Set to make the PTE removal race an unmap of this handle (see below). */
static grant_handle_t racing_handle = GNTTAB_NO_HANDLE;
static uint64_t racing_dev;
static int racing_status;

int gnttab_env_replace_host_mapping(uint64_t addr, mfn_t mfn, uint32_t flags,
                                    uint64_t new_addr)
{
    (void)flags;
    if ( racing_handle != GNTTAB_NO_HANDLE )
    {
        grant_handle_t h = racing_handle;

        racing_handle = GNTTAB_NO_HANDLE;
        racing_status = gnttab_unmap_one(&tables[1], 0, racing_dev, h);
    }
    if ( addr == BAD_ADDR || !slot[slot_of(addr)].present ||
         slot[slot_of(addr)].mfn != mfn_x(mfn) )
        return GNTST_general_error;
    slot[slot_of(addr)].present = false;
    if ( new_addr )
    {
        /* The entry at new_addr moves, references and all. */
        slot[slot_of(addr)] = slot[slot_of(new_addr)];
        slot[slot_of(new_addr)].present = false;
    }
    return GNTST_okay;
}

void gnttab_env_flush_tlb(void)
{
    flushes++;
}

void gnttab_env_copy(mfn_t dmfn, unsigned int doff, mfn_t smfn,
                     unsigned int soff, unsigned int len)
{
    memmove(frame[mfn_x(dmfn)].data + doff, frame[mfn_x(smfn)].data + soff,
            len);
}

void *gnttab_env_alloc_shared_frame(domid_t owner, mfn_t *mfn)
{
    (void)owner;
    *mfn = _mfn(1000 + next_shared_mfn++);
    return calloc(1, PAGE_SIZE);
}

void *gnttab_env_zalloc(size_t n)
{
    return calloc(1, n);
}

void gnttab_env_lock(struct grant_table *gt)
{
    (void)gt;
    if ( ++lock_depth > max_lock_depth )
        max_lock_depth = lock_depth;
}

void gnttab_env_unlock(struct grant_table *gt)
{
    (void)gt;
    lock_depth--;
}

void gnttab_env_free_shared_frame(void *p)
{
    free(p);
}

void gnttab_env_free(void *p)
{
    free(p);
}

static unsigned long m2p_mfn, m2p_gpfn; /* the last gnttab_env_set_m2p */

void gnttab_env_set_m2p(mfn_t mfn, gfn_t gfn)
{
    m2p_mfn = mfn_x(mfn);
    m2p_gpfn = gfn_x(gfn);
}

static int cleaned; /* bytes written back by gnttab_env_cache_clean */

int gnttab_env_get_page_any(mfn_t mfn, domid_t *owner)
{
    if ( mfn_x(mfn) >= NR_FRAMES )
        return -EINVAL;
    *owner = frame[mfn_x(mfn)].owner;
    return gnttab_env_get_page(mfn, *owner) ? 0 : -EPERM;
}

void gnttab_env_cache_clean(mfn_t mfn, unsigned int off, unsigned int len)
{
    CHECK(mfn_x(mfn) < NR_FRAMES && off + len <= PAGE_SIZE);
    CHECK(frame[mfn_x(mfn)].refs > 0);
    cleaned += len;
}

static void *mapped_frame; /* a shared frame the "guest" maps */

bool gnttab_env_frame_mapped(void *p)
{
    return p == mapped_frame;
}

static void setup(unsigned int max_maptrack)
{
    unsigned int i;

    memset(frame, 0, sizeof(frame));
    memset(slot, 0, sizeof(slot));
    for ( i = 0; i < NR_FRAMES; i++ )
        frame[i].owner = i < 8 ? 0 : i < 12 ? 1 : NO_OWNER;
    frame[TABLE_MFN].owner = 0;
    for ( i = 0; i < 3; i++ )
        CHECK_EQ(gnttab_init(&tables[i], i, GNTTAB_MAX_FRAMES_DEFAULT,
                             max_maptrack, 2, NULL),
                 0);
}

static void teardown(void)
{
    unsigned int i;

    for ( i = 0; i < 3; i++ )
        gnttab_free(&tables[i]);
    CHECK_EQ(lock_depth, 0);
    CHECK_EQ(max_lock_depth, 1); /* never two tables' locks at once */
}

static void grant(domid_t granter, grant_ref_t ref, domid_t to,
                  unsigned long mfn, uint16_t flags)
{
    grant_entry_v1_t *e = shared_of(&tables[granter], ref);

    e->domid = to;
    e->frame = (uint32_t)mfn;
    e->flags = flags;
}

static uint16_t flags_of(domid_t granter, grant_ref_t ref)
{
    return shared_of(&tables[granter], ref)->flags;
}

static struct gnttab_map_grant_ref map(domid_t mapper, domid_t granter,
                                       grant_ref_t ref, uint32_t flags,
                                       uint64_t addr)
{
    struct gnttab_map_grant_ref op = {
        .host_addr = addr, .flags = flags, .ref = ref, .dom = granter};

    gnttab_map_one(&tables[mapper], &op);
    return op;
}

static int unmap(domid_t mapper, grant_handle_t h, uint64_t addr, uint64_t dev)
{
    return gnttab_unmap_one(&tables[mapper], addr, dev, h);
}

static void all_frames_unreferenced(void)
{
    unsigned int i, bad = 0;

    for ( i = 0; i < NR_FRAMES; i++ )
        bad += frame[i].refs != 0 || frame[i].types != 0;
    CHECK_EQ(bad, 0);
}

static void test_table_ops(void)
{
    struct grant_table *gt = &tables[0];
    uint32_t v;

    setup(4);
    CHECK_EQ(gt->nr_frames, GNTTAB_INITIAL_FRAMES);
    CHECK_EQ(gnttab_nr_entries(gt), 512);
    CHECK_EQ(gnttab_setup(gt, 4), GNTST_okay);
    CHECK_EQ(gt->nr_frames, 4);
    CHECK(mfn_x(gt->shared_mfn[3]) != 0 && gt->shared[3] != NULL);
    CHECK_EQ(gnttab_setup(gt, 2), GNTST_okay); /* never shrinks */
    CHECK_EQ(gt->nr_frames, 4);
    CHECK_EQ(gnttab_setup(gt, 65), GNTST_general_error);
    CHECK_EQ(gt->nr_frames, 4);
    CHECK_EQ(gnttab_setup(gt, 0), GNTST_okay);

    v = 1;
    CHECK_EQ(gnttab_set_version(gt, &v), 0);
    CHECK_EQ(v, 1);
    v = 0;
    CHECK_EQ(gnttab_set_version(gt, &v), -EINVAL);
    CHECK_EQ(v, 1);
    v = 3;
    CHECK_EQ(gnttab_set_version(gt, &v), -EINVAL);
    CHECK_EQ(gnttab_status_frames(gt, 0), GNTST_okay);
    CHECK_EQ(gnttab_status_frames(gt, 1), GNTST_general_error);
    teardown();

    CHECK_EQ(gnttab_init(gt, 0, 0, 4, 2, NULL), -EINVAL);
    CHECK_EQ(gnttab_init(gt, 0, 4, 0, 2, NULL), -EINVAL);
    CHECK_EQ(gnttab_init(gt, 0, 4, 4, 0, NULL), -EINVAL);
    CHECK_EQ(gnttab_init(gt, 0, 4, 4, 3, NULL), -EINVAL);

    /* gnttab=max-ver:1: v2 is Xen's -ENOSYS. */
    CHECK_EQ(gnttab_init(gt, 0, 4, 4, 1, NULL), 0);
    v = 2;
    CHECK_EQ(gnttab_set_version(gt, &v), -ENOSYS);
    CHECK_EQ(v, 1);
    gnttab_free(gt);
}

static void test_set_status(void)
{
    grant_entry_v1_t e = {.flags = GTF_permit_access, .domid = 3};

    CHECK_EQ(gnttab_set_status(&e, false, true, true, 3), GNTST_okay);
    CHECK_EQ(e.flags, GTF_permit_access | GTF_reading);
    CHECK_EQ(gnttab_set_status(&e, true, false, true, 3), GNTST_okay);
    CHECK_EQ(e.flags, GTF_permit_access | GTF_reading | GTF_writing);
    gnttab_clear_flags(&e, GTF_reading | GTF_writing);
    CHECK_EQ(e.flags, GTF_permit_access);
    CHECK_EQ(e.domid, 3); /* the domid half of the word is untouched */

    CHECK_EQ(gnttab_set_status(&e, false, true, true, 4), GNTST_general_error);
    e.flags = GTF_permit_access | GTF_readonly;
    CHECK_EQ(gnttab_set_status(&e, false, false, true, 3), GNTST_general_error);
    CHECK_EQ(gnttab_set_status(&e, true, false, true, 3), GNTST_general_error);
    CHECK_EQ(e.flags, GTF_permit_access | GTF_readonly);
    e.flags = GTF_invalid;
    CHECK_EQ(gnttab_set_status(&e, false, true, true, 3), GNTST_general_error);
    e.flags = GTF_accept_transfer;
    CHECK_EQ(gnttab_set_status(&e, false, true, true, 3), GNTST_general_error);
    /* Once pinned, the entry's type and domid are not looked at again. */
    CHECK_EQ(gnttab_set_status(&e, true, true, true, 3), GNTST_okay);
    /* Sub-page grants may be copied but not mapped. */
    e.flags = GTF_permit_access | GTF_sub_page;
    CHECK_EQ(gnttab_set_status(&e, false, true, true, 3), GNTST_general_error);
    CHECK_EQ(gnttab_set_status(&e, false, true, false, 3), GNTST_okay);
}

static void test_map_self(void)
{
    struct gnttab_map_grant_ref rw, ro;

    setup(4);
    grant(0, 10, 0, 2, GTF_permit_access);
    rw = map(0, 0, 10, GNTMAP_host_map, 0x1000);
    CHECK_EQ(rw.status, GNTST_okay);
    CHECK_EQ(rw.dev_bus_addr, 2 << PAGE_SHIFT);
    CHECK_EQ(flags_of(0, 10), GTF_permit_access | GTF_reading | GTF_writing);
    CHECK_EQ(frame[2].refs, 1);
    CHECK_EQ(frame[2].types, 1);
    CHECK(slot[1].present && slot[1].mfn == 2);

    ro = map(0, 0, 10, GNTMAP_host_map | GNTMAP_readonly, 0x2000);
    CHECK_EQ(ro.status, GNTST_okay);
    CHECK(ro.handle != rw.handle);
    CHECK_EQ(frame[2].refs, 2);
    CHECK_EQ(frame[2].types, 1);

    CHECK_EQ(unmap(0, rw.handle, 0x1000, 0), GNTST_okay);
    CHECK_EQ(flags_of(0, 10), GTF_permit_access | GTF_reading);
    CHECK_EQ(frame[2].types, 0);
    CHECK(flushes > 0);
    CHECK_EQ(unmap(0, rw.handle, 0x1000, 0), GNTST_bad_handle);
    CHECK_EQ(unmap(0, ro.handle, 0x5000, 0), GNTST_general_error); /* not it */
    CHECK_EQ(flags_of(0, 10), GTF_permit_access | GTF_reading);
    CHECK_EQ(unmap(0, ro.handle, 0x2000, 0), GNTST_okay);
    CHECK_EQ(flags_of(0, 10), GTF_permit_access);
    CHECK_EQ(unmap(0, 0xffffffff, 0x2000, 0), GNTST_bad_handle);
    CHECK_EQ(unmap(0, 3, 0x2000, 0), GNTST_bad_handle); /* never used */
    all_frames_unreferenced();
    teardown();
}

static void test_map_refusals(void)
{
    struct gnttab_map_grant_ref op;
    grant_handle_t first;

    setup(4);
    grant(0, 1, 1, 2, GTF_permit_access);
    CHECK_EQ(map(1, 0, 1, 0, 0x1000).status, GNTST_bad_gntref);
    CHECK_EQ(map(1, 7, 1, GNTMAP_host_map, 0x1000).status, GNTST_bad_domain);
    CHECK_EQ(map(1, DOMID_SELF, 1, GNTMAP_host_map, 0x1000).status,
             GNTST_bad_domain);
    CHECK_EQ(map(1, 0, 512, GNTMAP_host_map, 0x1000).status, GNTST_bad_gntref);
    CHECK_EQ(map(1, 0, 0xffffffff, GNTMAP_host_map, 0x1000).status,
             GNTST_bad_gntref);
    /* Granted to domain 1, not 2. */
    CHECK_EQ(map(2, 0, 1, GNTMAP_host_map, 0x1000).status, GNTST_general_error);
    CHECK_EQ(flags_of(0, 1), GTF_permit_access);

    grant(0, 2, 1, 2, GTF_invalid);
    CHECK_EQ(map(1, 0, 2, GNTMAP_host_map, 0x1000).status, GNTST_general_error);
    CHECK_EQ(flags_of(0, 2), GTF_invalid);

    grant(0, 3, 1, 2, GTF_permit_access | GTF_readonly);
    CHECK_EQ(map(1, 0, 3, GNTMAP_host_map, 0x1000).status, GNTST_general_error);
    op = map(1, 0, 3, GNTMAP_host_map | GNTMAP_readonly, 0x1000);
    CHECK_EQ(op.status, GNTST_okay);
    CHECK_EQ(frame[2].types, 0);
    /* A writer joining a read-only pin is refused and leaves it as it was. */
    CHECK_EQ(map(1, 0, 3, GNTMAP_host_map, 0x2000).status, GNTST_general_error);
    CHECK_EQ(flags_of(0, 3), GTF_permit_access | GTF_readonly | GTF_reading);
    CHECK_EQ(unmap(1, op.handle, 0x1000, 0), GNTST_okay);

    /* Frames the granter does not own, or that cannot be made writable. */
    grant(0, 4, 1, 9, GTF_permit_access);
    CHECK_EQ(map(1, 0, 4, GNTMAP_host_map, 0x1000).status, GNTST_bad_page);
    CHECK_EQ(flags_of(0, 4), GTF_permit_access);
    grant(0, 5, 1, 999, GTF_permit_access);
    CHECK_EQ(map(1, 0, 5, GNTMAP_host_map, 0x1000).status, GNTST_bad_page);
    grant(0, 6, 1, TABLE_MFN, GTF_permit_access);
    CHECK_EQ(map(1, 0, 6, GNTMAP_host_map, 0x1000).status, GNTST_general_error);
    CHECK_EQ(flags_of(0, 6), GTF_permit_access);
    op = map(1, 0, 6, GNTMAP_host_map | GNTMAP_readonly, 0x1000);
    CHECK_EQ(op.status, GNTST_okay);
    CHECK_EQ(unmap(1, op.handle, 0x1000, 0), GNTST_okay);

    /* A host address that cannot take the PTE undoes everything. */
    first = map(1, 0, 1, GNTMAP_host_map, 0x1000).handle;
    CHECK_EQ(unmap(1, first, 0x1000, 0), GNTST_okay);
    CHECK_EQ(map(1, 0, 1, GNTMAP_host_map, BAD_ADDR).status,
             GNTST_general_error);
    CHECK_EQ(flags_of(0, 1), GTF_permit_access);
    all_frames_unreferenced();
    op = map(1, 0, 1, GNTMAP_host_map, 0x1000);
    CHECK_EQ(op.handle, first); /* the failed map gave its handle back */
    CHECK_EQ(unmap(1, op.handle, 0x1000, 0), GNTST_okay);

    /* While pinned by domain 1, the grant cannot be used by domain 2. */
    op = map(1, 0, 1, GNTMAP_host_map | GNTMAP_readonly, 0x1000);
    grant(0, 1, 2, 2, GTF_permit_access | GTF_reading);
    CHECK_EQ(map(2, 0, 1, GNTMAP_host_map | GNTMAP_readonly, 0x2000).status,
             GNTST_general_error);
    CHECK_EQ(unmap(1, op.handle, 0x1000, 0), GNTST_okay);
    CHECK_EQ(flags_of(0, 1), GTF_permit_access);
    all_frames_unreferenced();
    teardown();
}

static void test_device_maps(void)
{
    struct gnttab_map_grant_ref op, ops[129];
    unsigned int i, ok = 0;

    setup(4);
    grant(0, 1, 1, 3, GTF_permit_access);
    op = map(1, 0, 1, GNTMAP_device_map | GNTMAP_host_map, 0x1000);
    CHECK_EQ(op.status, GNTST_okay);
    CHECK_EQ(frame[3].refs, 2);
    CHECK_EQ(frame[3].types, 2);
    CHECK_EQ(unmap(1, op.handle, 0, 0), GNTST_okay); /* names nothing */
    CHECK_EQ(frame[3].refs, 2);
    CHECK_EQ(unmap(1, op.handle, 0, 0x1234000), GNTST_bad_dev_addr);
    CHECK_EQ(unmap(1, op.handle, 0x1000, 0), GNTST_okay);
    CHECK_EQ(frame[3].refs, 1);
    CHECK_EQ(flags_of(0, 1), GTF_permit_access | GTF_reading | GTF_writing);
    CHECK_EQ(unmap(1, op.handle, 0x1000, 0), GNTST_okay); /* host part gone */
    CHECK_EQ(unmap(1, op.handle, 0, op.dev_bus_addr), GNTST_okay);
    CHECK_EQ(unmap(1, op.handle, 0, op.dev_bus_addr), GNTST_bad_handle);
    CHECK_EQ(flags_of(0, 1), GTF_permit_access);
    all_frames_unreferenced();

    /* 128 uses of one kind, then the pin count is full. */
    for ( i = 0; i < 129; i++ )
    {
        ops[i] = map(1, 0, 1, GNTMAP_device_map | GNTMAP_readonly, 0);
        ok += ops[i].status == GNTST_okay;
    }
    CHECK_EQ(ok, 128);
    CHECK_EQ(ops[128].status, GNTST_general_error);
    for ( i = 0; i < 128; i++ )
        CHECK_EQ(unmap(1, ops[i].handle, 0, ops[i].dev_bus_addr), GNTST_okay);
    all_frames_unreferenced();
    CHECK_EQ(flags_of(0, 1), GTF_permit_access);
    teardown();
}

/*
 * An unmap racing another of the same handle (here: of its device part,
 * while the host part's PTE is being removed) is refused, so the handle
 * is freed once and nothing is released twice.
 */
static void test_racing_unmap(void)
{
    struct gnttab_map_grant_ref op;

    setup(4);
    grant(0, 1, 1, 3, GTF_permit_access);
    op = map(1, 0, 1, GNTMAP_device_map | GNTMAP_host_map, 0x1000);
    CHECK_EQ(op.status, GNTST_okay);
    racing_handle = op.handle;
    racing_dev = op.dev_bus_addr;
    CHECK_EQ(unmap(1, op.handle, 0x1000, 0), GNTST_okay);
    CHECK_EQ(racing_status, GNTST_bad_handle);
    CHECK_EQ(frame[3].refs, 1); /* the device part is still mapped */
    CHECK_EQ(unmap(1, op.handle, 0, op.dev_bus_addr), GNTST_okay);
    all_frames_unreferenced();
    CHECK_EQ(unmap(1, op.handle, 0, op.dev_bus_addr), GNTST_bad_handle);
    /* The handle was freed once: two maps get two different handles. */
    op = map(1, 0, 1, GNTMAP_device_map | GNTMAP_readonly, 0);
    CHECK(map(1, 0, 1, GNTMAP_device_map | GNTMAP_readonly, 0).handle !=
          op.handle);
    gnttab_release_mappings(&tables[1]);
    all_frames_unreferenced();
    teardown();
}

static void test_maptrack_limit(void)
{
    unsigned int i, ok = 0;

    setup(1); /* one maptrack frame */
    grant(0, 1, 1, 3, GTF_permit_access);
    grant(0, 2, 1, 4, GTF_permit_access);
    for ( i = 0; i < GNTTAB_MAPTRACK_PER_FRAME; i++ )
        ok += map(1, 0, i < 100 ? 1 : 2, GNTMAP_device_map | GNTMAP_readonly, 0)
                  .status == GNTST_okay;
    CHECK_EQ(ok, GNTTAB_MAPTRACK_PER_FRAME);
    CHECK_EQ(map(1, 0, 2, GNTMAP_device_map | GNTMAP_readonly, 0).status,
             GNTST_no_device_space);
    CHECK_EQ(frame[3].refs, 100);
    gnttab_release_mappings(&tables[1]);
    all_frames_unreferenced();
    CHECK_EQ(flags_of(0, 1), GTF_permit_access);
    CHECK_EQ(flags_of(0, 2), GTF_permit_access);
    /* The table works on afterwards, with a fresh maptrack. */
    CHECK_EQ(map(1, 0, 2, GNTMAP_device_map | GNTMAP_readonly, 0).status,
             GNTST_okay);
    gnttab_release_mappings(&tables[1]);
    teardown();
}

static void test_implicit_unmap(void)
{
    struct gnttab_map_grant_ref op;

    setup(4);
    grant(0, 1, 0, 2, GTF_permit_access);
    op = map(0, 0, 1, GNTMAP_host_map, 0x3000);
    CHECK_EQ(op.status, GNTST_okay);
    /* The guest zaps the PTE itself: its references go with it... */
    zap_slot(3);
    all_frames_unreferenced();
    /* ...so it can no longer be unmapped, nor its refs dropped twice. */
    CHECK_EQ(unmap(0, op.handle, 0x3000, 0), GNTST_general_error);
    all_frames_unreferenced();
    CHECK_EQ(flags_of(0, 1), GTF_permit_access | GTF_reading | GTF_writing);
    /* Mapping over an ordinary entry drops that entry's references. */
    frame[4].refs = 1;
    frame[4].types = 1;
    slot[5].present = true;
    slot[5].mfn = 4;
    slot[5].flags = 0;
    grant(0, 2, 0, 2, GTF_permit_access);
    op = map(0, 0, 2, GNTMAP_host_map | GNTMAP_readonly, 0x5000);
    CHECK_EQ(op.status, GNTST_okay);
    CHECK_EQ(frame[4].refs, 0);
    CHECK_EQ(frame[4].types, 0);
    CHECK_EQ(unmap(0, op.handle, 0x5000, 0), GNTST_okay);
    gnttab_release_mappings(&tables[0]);
    CHECK_EQ(flags_of(0, 1), GTF_permit_access);
    all_frames_unreferenced();
    teardown();
}

static void test_release(void)
{
    struct gnttab_map_grant_ref a, b;

    setup(4);
    grant(0, 1, 1, 2, GTF_permit_access);
    grant(0, 2, 1, 3, GTF_permit_access);
    a = map(1, 0, 1, GNTMAP_host_map, 0x1000);
    b = map(1, 0, 2, GNTMAP_device_map, 0);
    CHECK(a.status == GNTST_okay && b.status == GNTST_okay);
    gnttab_release_mappings(&tables[1]);
    CHECK_EQ(flags_of(0, 1), GTF_permit_access);
    CHECK_EQ(flags_of(0, 2), GTF_permit_access);
    CHECK_EQ(frame[3].refs, 0); /* device mapping: released here */
    CHECK_EQ(frame[2].refs, 1); /* host mapping: its PTE still holds it */
    zap_slot(1);                /* the page tables' teardown */
    all_frames_unreferenced();
    CHECK_EQ(unmap(1, a.handle, 0x1000, 0), GNTST_bad_handle);
    teardown();
}

static struct gnttab_copy copy_op(uint16_t flags, domid_t sd, uint64_t s,
                                  domid_t dd, uint64_t d, uint16_t len)
{
    struct gnttab_copy op = {.len = len, .flags = flags};

    op.source.domid = sd;
    op.dest.domid = dd;
    if ( flags & GNTCOPY_source_gref )
        op.source.u.ref = (grant_ref_t)s;
    else
        op.source.u.gmfn = s;
    if ( flags & GNTCOPY_dest_gref )
        op.dest.u.ref = (grant_ref_t)d;
    else
        op.dest.u.gmfn = d;
    op.source.offset = 8;
    op.dest.offset = 16;
    gnttab_copy_one(&tables[0], &op);
    return op;
}

static void test_copy(void)
{
    const uint16_t both = GNTCOPY_source_gref | GNTCOPY_dest_gref;

    setup(4);
    memcpy(frame[1].data + 8, "abcdefgh", 8);
    grant(0, 1, 0, 1, GTF_permit_access | GTF_readonly);
    grant(0, 2, 0, 2, GTF_permit_access);
    grant(1, 3, 0, 8, GTF_permit_access); /* domain 1 grants its frame 8 */

    CHECK_EQ(copy_op(0, DOMID_SELF, 1, DOMID_SELF, 2, 8).status, GNTST_okay);
    CHECK(!memcmp(frame[2].data + 16, "abcdefgh", 8));
    CHECK_EQ(copy_op(GNTCOPY_source_gref, 0, 1, DOMID_SELF, 3, 4).status,
             GNTST_okay);
    CHECK(!memcmp(frame[3].data + 16, "abcd", 4));
    CHECK_EQ(copy_op(GNTCOPY_dest_gref, DOMID_SELF, 1, 1, 3, 8).status,
             GNTST_okay);
    CHECK(!memcmp(frame[8].data + 16, "abcdefgh", 8));
    CHECK_EQ(copy_op(both, DOMID_SELF, 1, 0, 2, 8).status, GNTST_okay);
    CHECK_EQ(flags_of(0, 1), GTF_permit_access | GTF_readonly);
    CHECK_EQ(flags_of(0, 2), GTF_permit_access);
    CHECK_EQ(flags_of(1, 3), GTF_permit_access);
    all_frames_unreferenced();

    /* Frames only through DOMID_SELF; grants of existing domains. */
    CHECK_EQ(copy_op(0, 0, 1, DOMID_SELF, 2, 8).status,
             GNTST_permission_denied);
    CHECK_EQ(copy_op(0, DOMID_SELF, 1, 0, 2, 8).status,
             GNTST_permission_denied);
    CHECK_EQ(copy_op(both, 7, 1, 0, 2, 8).status, GNTST_bad_domain);
    CHECK_EQ(copy_op(both, 0, 1, 7, 2, 8).status, GNTST_bad_domain);
    CHECK_EQ(copy_op(both, 0, 600, 0, 2, 8).status, GNTST_bad_gntref);
    CHECK_EQ(copy_op(both, 0, 1, 0, 600, 8).status, GNTST_bad_gntref);
    CHECK_EQ(copy_op(both, 0, 1, 0, 1, 8).status, GNTST_general_error);
    CHECK_EQ(copy_op(both, 0, 5, 0, 2, 8).status, GNTST_general_error);
    CHECK_EQ(copy_op(0, DOMID_SELF, 9, DOMID_SELF, 2, 8).status,
             GNTST_bad_page);
    CHECK_EQ(copy_op(0, DOMID_SELF, 1, DOMID_SELF, 12, 8).status,
             GNTST_bad_page);
    CHECK_EQ(copy_op(0, DOMID_SELF, 1, DOMID_SELF, TABLE_MFN, 8).status,
             GNTST_general_error);
    CHECK_EQ(copy_op(0, DOMID_SELF, TABLE_MFN, DOMID_SELF, 2, 8).status,
             GNTST_okay); /* reading a page table is fine */
    CHECK_EQ(copy_op(both, 0, 1, 0, 2, PAGE_SIZE - 8).status,
             GNTST_bad_copy_arg);
    CHECK_EQ(copy_op(both, 0, 1, 0, 2, PAGE_SIZE - 16).status, GNTST_okay);
    CHECK_EQ(flags_of(0, 1), GTF_permit_access | GTF_readonly);
    CHECK_EQ(flags_of(0, 2), GTF_permit_access);
    all_frames_unreferenced();

    /* Copying into a grant the caller has mapped read-only. */
    {
        struct gnttab_map_grant_ref m =
            map(0, 0, 2, GNTMAP_host_map | GNTMAP_readonly, 0x1000);

        CHECK_EQ(copy_op(both, 0, 1, 0, 2, 8).status, GNTST_okay);
        CHECK_EQ(flags_of(0, 2), GTF_permit_access | GTF_reading);
        CHECK_EQ(unmap(0, m.handle, 0x1000, 0), GNTST_okay);
    }
    CHECK_EQ(flags_of(0, 2), GTF_permit_access);
    all_frames_unreferenced();
    teardown();
}

static void grant_v2(domid_t granter, grant_ref_t ref, domid_t to, uint64_t mfn,
                     uint16_t flags)
{
    grant_entry_v2_t *e = shared_v2(&tables[granter], ref);

    e->hdr.domid = to;
    e->full_page.frame = mfn;
    e->hdr.flags = flags;
}

static uint16_t status_of(domid_t granter, grant_ref_t ref)
{
    return *status_v2(&tables[granter], ref);
}

static int set_version(domid_t d, uint32_t v)
{
    int rc = gnttab_set_version(&tables[d], &v);

    CHECK_EQ(v, tables[d].version);
    return rc;
}

static void test_v2_version(void)
{
    struct grant_table *gt = &tables[0];
    struct gnttab_map_grant_ref m;
    unsigned int i, dirty = 0;

    setup(4);
    grant(0, 1, 2, 3, GTF_permit_access | GTF_readonly);
    grant(0, 20, 2, 3, GTF_permit_access);
    CHECK_EQ(set_version(0, 2), 0);
    CHECK_EQ(gt->version, 2);
    CHECK_EQ(gnttab_nr_entries(gt), 256);
    CHECK_EQ(gt->nr_status_frames, 1);
    CHECK_EQ(gnttab_status_frames(gt, 1), GNTST_okay);
    CHECK_EQ(gnttab_status_frames(gt, 2), GNTST_general_error);
    CHECK(mfn_eq(gnttab_status_mfn(gt, 0), gt->status_mfn[0]));
    CHECK(mfn_eq(gnttab_status_mfn(gt, 1), INVALID_MFN));
    /* The toolstack's entries carried over, the rest cleared. */
    CHECK_EQ(shared_v2(gt, 1)->hdr.flags, GTF_permit_access | GTF_readonly);
    CHECK_EQ(shared_v2(gt, 1)->hdr.domid, 2);
    CHECK_EQ(shared_v2(gt, 1)->full_page.frame, 3);
    for ( i = GNTTAB_NR_RESERVED * sizeof(grant_entry_v2_t); i < PAGE_SIZE;
          i++ )
        dirty += ((uint8_t *)gt->shared[0])[i] != 0;
    CHECK_EQ(dirty, 0);
    CHECK_EQ(set_version(0, 2), 0); /* the same: nothing changes */
    CHECK_EQ(gt->nr_status_frames, 1);

    /* Growth brings status frames along: 9 frames of 256 need 2. */
    CHECK_EQ(gnttab_setup(gt, 9), GNTST_okay);
    CHECK_EQ(gt->nr_status_frames, 2);

    /* A v2 map: the flags go to the status word, the entry is left. */
    grant_v2(0, 10, 0, 2, GTF_permit_access);
    m = map(0, 0, 10, GNTMAP_host_map, 0x1000);
    CHECK_EQ(m.status, GNTST_okay);
    CHECK_EQ(status_of(0, 10), GTF_reading | GTF_writing);
    CHECK_EQ(shared_v2(gt, 10)->hdr.flags, GTF_permit_access);
    CHECK_EQ(set_version(0, 1), -EBUSY);
    CHECK_EQ(unmap(0, m.handle, 0x1000, 0), GNTST_okay);
    CHECK_EQ(status_of(0, 10), 0);
    all_frames_unreferenced();

    /* A reserved entry in use does not block, and keeps its flags. */
    grant_v2(0, 2, 0, 2, GTF_permit_access);
    m = map(0, 0, 2, GNTMAP_host_map, 0x1000);
    CHECK_EQ(m.status, GNTST_okay);
    CHECK_EQ(set_version(0, 1), 0);
    CHECK_EQ(gt->nr_status_frames, 0);
    CHECK_EQ(flags_of(0, 2), GTF_permit_access | GTF_reading | GTF_writing);
    CHECK_EQ(set_version(0, 2), 0);
    CHECK_EQ(status_of(0, 2), GTF_reading | GTF_writing);
    CHECK_EQ(unmap(0, m.handle, 0x1000, 0), GNTST_okay);
    CHECK_EQ(status_of(0, 2), 0);
    all_frames_unreferenced();

    /* No status frame goes while the guest maps one. */
    mapped_frame = gt->status[1];
    CHECK_EQ(set_version(0, 1), -EBUSY);
    CHECK_EQ(gt->nr_status_frames, 2);
    mapped_frame = NULL;

    /* Reserved entries v1 cannot express. */
    grant_v2(0, 3, 0, 1ULL << 32, GTF_permit_access);
    CHECK_EQ(set_version(0, 1), -ERANGE);
    grant_v2(0, 3, 0, 0, GTF_transitive);
    CHECK_EQ(set_version(0, 1), -ERANGE);
    grant_v2(0, 3, 0, 0, GTF_invalid);
    CHECK_EQ(set_version(0, 1), 0);
    teardown();
}

static void test_v2_use(void)
{
    const uint16_t both = GNTCOPY_source_gref | GNTCOPY_dest_gref;
    grant_entry_v2_t *e;

    setup(4);
    CHECK_EQ(set_version(0, 2), 0);
    memcpy(frame[1].data + 8, "abcdefgh", 8);
    grant_v2(0, 9, 0, 1, GTF_permit_access | GTF_readonly);
    grant_v2(0, 11, 0, 2, GTF_permit_access);

    /* Refusals as in v1: read-only, another domain, past the end. */
    CHECK_EQ(map(0, 0, 9, GNTMAP_host_map, 0x1000).status, GNTST_general_error);
    CHECK_EQ(status_of(0, 9), 0);
    CHECK_EQ(map(1, 0, 11, GNTMAP_host_map, 0x1000).status,
             GNTST_general_error);
    CHECK_EQ(map(0, 0, 256, GNTMAP_host_map, 0x1000).status, GNTST_bad_gntref);
    CHECK_EQ(copy_op(both, 0, 9, 0, 11, 8).status, GNTST_okay);
    CHECK(!memcmp(frame[2].data + 16, "abcdefgh", 8));
    CHECK_EQ(status_of(0, 9), 0);
    CHECK_EQ(status_of(0, 11), 0);

    /* sub_page: copies within the range only, and never a mapping. */
    e = shared_v2(&tables[0], 12);
    e->sub_page.page_off = 8;
    e->sub_page.length = 8;
    e->sub_page.frame = 1;
    e->hdr.domid = 0;
    e->hdr.flags = GTF_permit_access | GTF_sub_page | GTF_readonly;
    CHECK_EQ(map(0, 0, 12, GNTMAP_host_map | GNTMAP_readonly, 0x1000).status,
             GNTST_general_error);
    CHECK_EQ(copy_op(both, 0, 12, 0, 11, 8).status, GNTST_okay);
    CHECK_EQ(copy_op(both, 0, 12, 0, 11, 9).status, GNTST_general_error);
    e->sub_page.page_off = 9;
    CHECK_EQ(copy_op(both, 0, 12, 0, 11, 4).status, GNTST_general_error);
    CHECK_EQ(status_of(0, 12), 0);

    /* A transitive grant naming its own domain is refused. */
    grant_v2(0, 13, 0, 0, GTF_transitive);
    CHECK_EQ(copy_op(both, 0, 13, 0, 11, 4).status, GNTST_general_error);
    CHECK_EQ(status_of(0, 13), 0);
    all_frames_unreferenced();
    teardown();
}

/* Domain 1 passes on to domain 0 a grant domain 0 made to domain 1. */
static void transitive(grant_ref_t ref, domid_t far_dom, grant_ref_t far_ref,
                       uint16_t flags)
{
    grant_entry_v2_t *e = shared_v2(&tables[1], ref);

    e->hdr.flags = 0;
    e->hdr.domid = 0;
    e->transitive.trans_domid = far_dom;
    e->transitive.gref = far_ref;
    e->hdr.flags = GTF_transitive | flags;
}

static void test_transitive(void)
{
    struct gnttab_map_grant_ref m;

    setup(4);
    CHECK_EQ(set_version(1, 2), 0);
    memcpy(frame[2].data + 8, "transit!", 8);
    grant(0, 60, 1, 2, GTF_permit_access | GTF_readonly);
    transitive(13, 0, 60, 0);
    CHECK_EQ(copy_op(GNTCOPY_source_gref, 1, 13, DOMID_SELF, 3, 8).status,
             GNTST_okay);
    CHECK(!memcmp(frame[3].data + 16, "transit!", 8));
    CHECK_EQ(status_of(1, 13), 0);
    CHECK_EQ(flags_of(0, 60), GTF_permit_access | GTF_readonly);
    all_frames_unreferenced();

    /* Never mapped; writes only where the far grant allows them. */
    m = map(0, 1, 13, GNTMAP_host_map | GNTMAP_readonly, 0x1000);
    CHECK_EQ(m.status, GNTST_general_error);
    CHECK_EQ(copy_op(GNTCOPY_dest_gref, DOMID_SELF, 3, 1, 13, 8).status,
             GNTST_general_error);
    CHECK_EQ(status_of(1, 13), 0);
    CHECK_EQ(flags_of(0, 60), GTF_permit_access | GTF_readonly);
    grant(0, 60, 1, 2, GTF_permit_access);
    CHECK_EQ(copy_op(GNTCOPY_dest_gref, DOMID_SELF, 4, 1, 13, 8).status,
             GNTST_okay);
    CHECK_EQ(flags_of(0, 60), GTF_permit_access);

    /* The far grant must be to the middle domain; one level only. */
    grant(0, 60, 2, 2, GTF_permit_access);
    CHECK_EQ(copy_op(GNTCOPY_source_gref, 1, 13, DOMID_SELF, 3, 8).status,
             GNTST_general_error);
    CHECK_EQ(status_of(1, 13), 0);
    transitive(13, 1, 60, 0); /* names itself */
    CHECK_EQ(copy_op(GNTCOPY_source_gref, 1, 13, DOMID_SELF, 3, 8).status,
             GNTST_general_error);
    transitive(13, 7, 60, 0); /* no such domain */
    CHECK_EQ(copy_op(GNTCOPY_source_gref, 1, 13, DOMID_SELF, 3, 8).status,
             GNTST_general_error);
    CHECK_EQ(set_version(0, 2), 0);
    transitive(13, 0, 61, 0);
    shared_v2(&tables[0], 61)->hdr.domid = 1;
    shared_v2(&tables[0], 61)->transitive.trans_domid = 1;
    shared_v2(&tables[0], 61)->transitive.gref = 13;
    shared_v2(&tables[0], 61)->hdr.flags = GTF_transitive;
    CHECK_EQ(copy_op(GNTCOPY_source_gref, 1, 13, DOMID_SELF, 3, 8).status,
             GNTST_general_error);
    CHECK_EQ(status_of(1, 13), 0);
    CHECK_EQ(status_of(0, 61), 0);
    transitive(13, 0, 62, GTF_readonly);
    grant_v2(0, 62, 1, 2, GTF_permit_access);
    shared_v2(&tables[0], 62)->hdr.domid = 1;
    CHECK_EQ(copy_op(GNTCOPY_dest_gref, DOMID_SELF, 3, 1, 13, 8).status,
             GNTST_general_error); /* the transitive entry is read-only */
    CHECK_EQ(copy_op(GNTCOPY_source_gref, 1, 13, DOMID_SELF, 3, 8).status,
             GNTST_okay);
    CHECK_EQ(status_of(0, 62), 0);
    all_frames_unreferenced();
    teardown();
}

static void test_v2_resource(void)
{
    struct grant_table *gt = &tables[0];
    mfn_t mfns[2];

    setup(4);
    CHECK_EQ(gnttab_status_resource(gt, 0, 1, mfns), -EINVAL); /* v1 */
    CHECK_EQ(set_version(0, 2), 0);
    CHECK_EQ(gnttab_status_resource(gt, 0, 0, mfns), -EINVAL);
    CHECK_EQ(gnttab_status_resource(gt, 0, 1, mfns), 0);
    CHECK(mfn_eq(mfns[0], gt->status_mfn[0]));
    /* Status frame 7 needs all 64 shared frames; 8 would need 72. */
    CHECK_EQ(gnttab_status_resource(gt, 6, 2, mfns), 0);
    CHECK_EQ(gt->nr_frames, 64);
    CHECK(mfn_eq(mfns[1], gt->status_mfn[7]));
    CHECK_EQ(gnttab_status_resource(gt, 7, 2, mfns), -EINVAL);
    CHECK_EQ(gnttab_status_resource(gt, ~0u, 2, mfns), -EINVAL);
    teardown();
}

static void test_swap(void)
{
    struct grant_table *gt = &tables[0];
    struct gnttab_map_grant_ref m;

    setup(4);
    grant(0, 20, 1, 3, GTF_permit_access);
    grant(0, 21, 2, 4, GTF_permit_access | GTF_readonly);
    CHECK_EQ(gnttab_swap_ref(gt, 20, 21), GNTST_okay);
    CHECK(shared_of(gt, 20)->domid == 2 && shared_of(gt, 20)->frame == 4);
    CHECK(shared_of(gt, 21)->domid == 1 && shared_of(gt, 21)->frame == 3);
    CHECK_EQ(gnttab_swap_ref(gt, 20, 20), GNTST_okay);
    CHECK_EQ(gnttab_swap_ref(gt, 20, 512), GNTST_bad_gntref);
    CHECK_EQ(gnttab_swap_ref(gt, 512, 20), GNTST_bad_gntref);
    grant(0, 22, 0, 2, GTF_permit_access);
    m = map(0, 0, 22, GNTMAP_host_map, 0x1000);
    CHECK_EQ(gnttab_swap_ref(gt, 20, 22), GNTST_eagain);
    CHECK_EQ(gnttab_swap_ref(gt, 22, 20), GNTST_eagain);
    CHECK_EQ(unmap(0, m.handle, 0x1000, 0), GNTST_okay);

    CHECK_EQ(set_version(0, 2), 0);
    grant_v2(0, 30, 1, 1ULL << 40, GTF_permit_access);
    *status_v2(gt, 30) = GTF_reading; /* a stale word moves with it */
    CHECK_EQ(gnttab_swap_ref(gt, 30, 31), GNTST_okay);
    CHECK_EQ(shared_v2(gt, 31)->full_page.frame, 1ULL << 40);
    CHECK_EQ(*status_v2(gt, 31), GTF_reading);
    CHECK_EQ(*status_v2(gt, 30), 0);
    CHECK_EQ(gnttab_swap_ref(gt, 30, 256), GNTST_bad_gntref);
    all_frames_unreferenced();
    teardown();
}

static int flush(domid_t d, unsigned long mfn, uint16_t off, uint16_t len,
                 uint32_t op, grant_ref_t from)
{
    struct gnttab_cache_flush f = {.a.dev_bus_addr = (uint64_t)mfn << 12,
                                   .offset = off,
                                   .length = len,
                                   .op = op};

    return gnttab_cache_flush_one(&tables[d], &f, from);
}

static void test_cache_flush(void)
{
    struct gnttab_map_grant_ref m;

    setup(4);
    cleaned = 0;
    CHECK_EQ(flush(0, 2, 0, 64, GNTTAB_CACHE_CLEAN, 0), 0);
    CHECK_EQ(cleaned, 64);
    CHECK_EQ(flush(0, 2, 64, 8, GNTTAB_CACHE_CLEAN | GNTTAB_CACHE_INVAL, 0), 0);
    CHECK_EQ(cleaned, 72);
    CHECK_EQ(flush(0, 2, 0, 64, GNTTAB_CACHE_INVAL, 0), -EOPNOTSUPP);
    CHECK_EQ(flush(0, 2, 0, 0, GNTTAB_CACHE_CLEAN, 0), 0);
    CHECK_EQ(flush(0, 2, 0, 64, 0, 0), 0);
    CHECK_EQ(flush(0, 2, 0, 0, GNTTAB_CACHE_CLEAN, 5), -EILSEQ);
    CHECK_EQ(flush(0, 2, PAGE_SIZE, 0, GNTTAB_CACHE_CLEAN, 0), -EINVAL);
    CHECK_EQ(flush(0, 2, 8, PAGE_SIZE, GNTTAB_CACHE_CLEAN, 0), -EINVAL);
    CHECK_EQ(flush(0, 2, 0, 8, GNTTAB_CACHE_SOURCE_GREF, 0), -EINVAL);
    CHECK_EQ(flush(0, 2, 0, 8, 4, 0), -EINVAL);
    CHECK_EQ(flush(0, NR_FRAMES, 0, 8, GNTTAB_CACHE_CLEAN, 0), -EINVAL);
    CHECK_EQ(flush(0, 13, 0, 8, GNTTAB_CACHE_CLEAN, 0), -EPERM); /* no owner */
    CHECK_EQ(cleaned, 72);

    /* Another domain's frame: only while one of its grants is pinned. */
    CHECK_EQ(flush(0, 8, 0, 8, GNTTAB_CACHE_CLEAN, 0), -EINVAL);
    grant(1, 40, 0, 8, GTF_permit_access);
    m = map(0, 1, 40, GNTMAP_host_map, 0x1000);
    CHECK_EQ(m.status, GNTST_okay);
    CHECK_EQ(flush(0, 8, 0, 8, GNTTAB_CACHE_CLEAN, 0), 0);
    CHECK_EQ(flush(0, 8, 0, 8, GNTTAB_CACHE_CLEAN, 41), -EINVAL);
    CHECK_EQ(flush(2, 8, 0, 8, GNTTAB_CACHE_CLEAN, 0), -EINVAL);
    CHECK_EQ(cleaned, 80);
    CHECK_EQ(unmap(0, m.handle, 0x1000, 0), GNTST_okay);
    CHECK_EQ(flush(0, 8, 0, 8, GNTTAB_CACHE_CLEAN, 0), -EINVAL);
    all_frames_unreferenced();
    teardown();
}

static void test_unmap_and_replace(void)
{
    struct gnttab_map_grant_ref a, b;

    setup(4);
    grant(0, 1, 0, 2, GTF_permit_access);
    grant(0, 2, 0, 3, GTF_permit_access | GTF_readonly);
    a = map(0, 0, 1, GNTMAP_host_map, 0x1000);
    b = map(0, 0, 2, GNTMAP_host_map | GNTMAP_readonly, 0x2000);
    CHECK(a.status == GNTST_okay && b.status == GNTST_okay);
    /* The entry at 0x2000 (grant 2) moves to 0x1000, grant 1 goes. */
    CHECK_EQ(gnttab_unmap_and_replace_one(&tables[0], 0x1000, 0x2000, a.handle),
             GNTST_okay);
    CHECK(slot[1].present && slot[1].mfn == 3 && !slot[2].present);
    CHECK_EQ(flags_of(0, 1), GTF_permit_access);
    CHECK_EQ(frame[2].refs + frame[2].types, 0);
    CHECK_EQ(frame[3].refs, 1); /* the moved PTE's */
    CHECK_EQ(gnttab_unmap_and_replace_one(&tables[0], 0x1000, 0, a.handle),
             GNTST_bad_handle);
    /* The moved grant PTE is no longer at its address: unmap fails. */
    CHECK_EQ(unmap(0, b.handle, 0x2000, 0), GNTST_general_error);
    zap_slot(1);
    gnttab_release_mappings(&tables[0]);
    all_frames_unreferenced();
    /* new_addr 0: an unmap. */
    a = map(0, 0, 1, GNTMAP_host_map, 0x1000);
    CHECK_EQ(gnttab_unmap_and_replace_one(&tables[0], 0x1000, 0, a.handle),
             GNTST_okay);
    CHECK(!slot[1].present);
    all_frames_unreferenced();
    teardown();
}

static void test_transfer(void)
{
    struct grant_table *gt = &tables[1];

    setup(4);
    /* Only exactly accept_transfer, for that domain, in range. */
    grant(1, 5, 0, 0x77, GTF_accept_transfer);
    CHECK_EQ(gnttab_transfer_prepare(gt, 2, 5), 0);
    CHECK_EQ(gnttab_transfer_prepare(gt, 0, 512), 0);
    grant(1, 6, 0, 0x77, GTF_permit_access);
    CHECK_EQ(gnttab_transfer_prepare(gt, 0, 6), 0);
    grant(1, 6, 0, 0x77, GTF_accept_transfer | GTF_readonly);
    CHECK_EQ(gnttab_transfer_prepare(gt, 0, 6), 0);
    CHECK_EQ(flags_of(1, 6), GTF_accept_transfer | GTF_readonly);
    CHECK_EQ(gnttab_transfer_prepare(gt, 0, 5), 1);
    CHECK_EQ(flags_of(1, 5), GTF_accept_transfer | GTF_transfer_committed);
    /* Committed: a second transfer into it is refused. */
    CHECK_EQ(gnttab_transfer_prepare(gt, 0, 5), 0);
    m2p_mfn = m2p_gpfn = 0;
    CHECK_EQ(gnttab_transfer_complete(gt, 5, 1, _mfn(9)), 0);
    CHECK_EQ(shared_of(gt, 5)->frame, 9);
    CHECK(m2p_mfn == 9 && m2p_gpfn == 0x77); /* the frame it asked for */
    CHECK_EQ(flags_of(1, 5), GTF_accept_transfer | GTF_transfer_committed |
                                 GTF_transfer_completed);

    /* v2: the full_page frame; a version change in between refuses. */
    CHECK_EQ(set_version(1, 2), 0);
    grant_v2(1, 7, 2, 1ULL << 40, GTF_accept_transfer);
    CHECK_EQ(gnttab_transfer_prepare(gt, 2, 7), 2);
    CHECK_EQ(gnttab_transfer_complete(gt, 7, 2, _mfn(10)), 0);
    CHECK_EQ(shared_v2(gt, 7)->full_page.frame, 10);
    CHECK(m2p_mfn == 10 && m2p_gpfn == 1ULL << 40);
    CHECK_EQ(shared_v2(gt, 7)->hdr.flags, GTF_accept_transfer |
                                              GTF_transfer_committed |
                                              GTF_transfer_completed);
    CHECK_EQ(status_of(1, 7), 0);
    CHECK_EQ(gnttab_transfer_prepare(gt, 2, 256), 0);
    grant_v2(1, 6, 2, 3, GTF_accept_transfer);
    CHECK_EQ(gnttab_transfer_prepare(gt, 2, 6), 2);
    CHECK_EQ(gnttab_transfer_complete(gt, 6, 1, _mfn(11)), -EILSEQ);
    CHECK_EQ(shared_v2(gt, 6)->full_page.frame, 3);
    CHECK_EQ(shared_v2(gt, 6)->hdr.flags,
             GTF_accept_transfer | GTF_transfer_committed);
    all_frames_unreferenced();
    teardown();
}

/*
 * The 'g' debug key's numbers: granted entries, pinned ones, and the
 * mapper's maptrack handles, back to where they were once all is unmapped.
 */
static void test_usage(void)
{
    struct gnttab_map_grant_ref a, b, c;
    struct gnttab_usage u;

    setup(4);
    gnttab_count_usage(&tables[0], &u);
    CHECK(u.version == 1 && u.nr_frames == 1 &&
          u.max_frames == GNTTAB_MAX_FRAMES_DEFAULT);
    CHECK(u.entries_in_use == 0 && u.active == 0 && u.maptrack_in_use == 0);
    CHECK_EQ(u.max_maptrack_frames, 4);
    grant(0, 1, 1, 2, GTF_permit_access);
    grant(0, 2, 1, 3, GTF_permit_access | GTF_readonly);
    grant(0, 3, 1, 4, GTF_accept_transfer);
    a = map(1, 0, 1, GNTMAP_host_map, 0x1000);
    b = map(1, 0, 1, GNTMAP_device_map, 0);  /* a second use of one entry */
    c = map(1, 0, 2, GNTMAP_host_map | GNTMAP_readonly, 0x2000);
    CHECK(a.status == GNTST_okay && b.status == GNTST_okay &&
          c.status == GNTST_okay);
    gnttab_count_usage(&tables[0], &u);
    CHECK_EQ(u.entries_in_use, 3);
    CHECK_EQ(u.active, 2);
    CHECK_EQ(u.maptrack_in_use, 0); /* the granter maps nothing */
    gnttab_count_usage(&tables[1], &u);
    CHECK_EQ(u.entries_in_use, 0);
    CHECK_EQ(u.active, 0);
    CHECK_EQ(u.maptrack_in_use, 3);
    CHECK_EQ(u.maptrack_frames, 1);
    /* Half of a's entry's uses gone: still active, one handle fewer. */
    CHECK_EQ(unmap(1, a.handle, 0x1000, 0), GNTST_okay);
    gnttab_count_usage(&tables[0], &u);
    CHECK_EQ(u.active, 2);
    gnttab_count_usage(&tables[1], &u);
    CHECK_EQ(u.maptrack_in_use, 2);
    CHECK_EQ(unmap(1, b.handle, 0, b.dev_bus_addr), GNTST_okay);
    CHECK_EQ(unmap(1, c.handle, 0x2000, 0), GNTST_okay);
    gnttab_count_usage(&tables[0], &u);
    CHECK(u.entries_in_use == 3 && u.active == 0);
    gnttab_count_usage(&tables[1], &u);
    CHECK_EQ(u.maptrack_in_use, 0);
    CHECK_EQ(u.maptrack_frames, 1); /* kept, as Xen keeps its frames */
    /* A mapping the release drops is no longer counted either. */
    a = map(1, 0, 1, GNTMAP_device_map, 0);
    CHECK_EQ(a.status, GNTST_okay);
    gnttab_release_mappings(&tables[1]);
    gnttab_count_usage(&tables[0], &u);
    CHECK_EQ(u.active, 0);
    gnttab_count_usage(&tables[1], &u);
    CHECK(u.maptrack_in_use == 0 && u.maptrack_frames == 0);
    /* v2 counts its own entries. */
    grant(0, 1, 1, 2, 0);
    grant(0, 2, 1, 3, 0);
    grant(0, 3, 1, 4, 0);
    CHECK_EQ(set_version(0, 2), 0);
    grant_v2(0, 9, 1, 5, GTF_permit_access);
    gnttab_count_usage(&tables[0], &u);
    CHECK(u.version == 2 && u.entries_in_use == 1 && u.active == 0);
    all_frames_unreferenced();
    teardown();
}

static void run_tests(void)
{
    test_transfer();
    test_table_ops();
    test_set_status();
    test_map_self();
    test_map_refusals();
    test_device_maps();
    test_racing_unmap();
    test_maptrack_limit();
    test_implicit_unmap();
    test_release();
    test_usage();
    test_copy();
    test_v2_version();
    test_v2_use();
    test_v2_resource();
    test_swap();
    test_cache_flush();
    test_transitive();
    test_unmap_and_replace();
}
