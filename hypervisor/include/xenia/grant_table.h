/* SPDX-License-Identifier: GPL-2.0-only */
/* Grant tables v1 and v2: the shared entries' state machine, pins, maptrack. */
#ifndef XENIA_GRANT_TABLE_H
#define XENIA_GRANT_TABLE_H

#include <xenia/types.h>
#include <xen/xen.h>
#include <xen/grant_table.h>

/* 512 v1 entries to a frame; also the active entries' frame size */
#define GNTTAB_PER_FRAME        (PAGE_SIZE / sizeof(grant_entry_v1_t))
#define GNTTAB_PER_FRAME_V2     (PAGE_SIZE / sizeof(grant_entry_v2_t))
#define GNTTAB_STATUS_PER_FRAME (PAGE_SIZE / sizeof(grant_status_t))
/* Entries a toolstack seeds, kept across a version change as Xen does. */
#define GNTTAB_NR_RESERVED          8
#define GNTTAB_MAX_FRAMES_DEFAULT   64   /* Xen's max_grant_frames */
#define GNTTAB_MAX_MAPTRACK_DEFAULT 1024 /* Xen's max_maptrack_frames */
#define GNTTAB_INITIAL_FRAMES       1    /* every table starts with one */
#define GNTTAB_NO_HANDLE            (~(grant_handle_t)0)

/*
 * A pinned entry: who uses it and how. A grant is used by one domain at
 * a time (the first mapper or copier); each kind of use is counted apart
 * so that GTF_writing can be dropped when the last writer goes while
 * readers remain. A count reaching 128 refuses further pins, as Xen's
 * 8-bit counters do.
 */
struct gnttab_active {
    uint8_t host_ro, host_rw, dev_ro, dev_rw;
    domid_t domid;          /* the user while any count is non-zero */
    mfn_t mfn;              /* the frame it was pinned with */
    uint16_t start, length; /* what a v2 sub_page grant allows of it */
    bool partial;           /* sub_page or transitive: copies only */
    bool transitive;        /* pinned through trans_ref of trans_dom */
    domid_t trans_dom;
    grant_ref_t trans_ref;
};

/*
 * One mapping a domain holds of some domain's grant; no host_map or
 * device_map left in flags: not in use. The frame is kept with it, so
 * an unmap drops exactly the references its map took.
 */
struct gnttab_maptrack {
    grant_ref_t ref;
    domid_t domid;  /* the granting domain */
    uint32_t flags; /* GNTMAP_* as mapped, less what was unmapped */
    bool busy;      /* an unmap of it is under way */
    mfn_t mfn;
    grant_handle_t next_free;
};

struct grant_table;

/*
 * What the state machine needs from its surroundings, as link-time
 * functions: defined once by the hypervisor (common/grant_table_op.c) and
 * once by the host tests (tests/unit/test_grant_table.c). Tables of other
 * domains, frame references, page-table entries, a way to copy between
 * frames, memory, and the table lock.
 * gnttab_env_get_page() takes a general reference on a frame owned by
 * owner; gnttab_env_get_writable() a writable type reference on a frame
 * already held. The host-mapping functions install and remove one grant
 * PTE at addr (a virtual address or, with GNTMAP_contains_pte, the
 * machine address of the PTE) and return a GNTST_* code; create drops
 * the references of the entry it replaces, replace never drops any
 * (unmap does).
 */
struct grant_table *gnttab_env_lookup(domid_t id); /* NULL: no such domain */
bool gnttab_env_get_page(mfn_t mfn, domid_t owner);
void gnttab_env_put_page(mfn_t mfn);
bool gnttab_env_get_writable(mfn_t mfn);
void gnttab_env_put_writable(mfn_t mfn);
int gnttab_env_create_host_mapping(uint64_t addr, mfn_t mfn, uint32_t flags);
int gnttab_env_replace_host_mapping(uint64_t addr, mfn_t mfn, uint32_t flags,
                                    uint64_t new_addr);
void gnttab_env_flush_tlb(void);
/*
 * A general reference on a frame, whoever owns it (*owner): 0, -EINVAL
 * (no such frame) or -EPERM (free, or no owner to reference it for).
 */
int gnttab_env_get_page_any(mfn_t mfn, domid_t *owner);
/* Write back and invalidate the cache lines of len bytes at off in mfn. */
void gnttab_env_cache_clean(mfn_t mfn, unsigned int off, unsigned int len);
void gnttab_env_copy(mfn_t dmfn, unsigned int doff, mfn_t smfn,
                     unsigned int soff, unsigned int len);
/* A zeroed frame shared with the domain (owned by it), or NULL. */
void *gnttab_env_alloc_shared_frame(domid_t owner, mfn_t *mfn_out);
void gnttab_env_free_shared_frame(void *frame);
/* Whether a domain holds a reference to (maps) a shared frame. */
bool gnttab_env_frame_mapped(void *frame);
void *gnttab_env_zalloc(size_t bytes);
void gnttab_env_free(void *p);
/* The M2P entry of a frame a transfer gave the table's domain. */
void gnttab_env_set_m2p(mfn_t mfn, gfn_t gfn);
void gnttab_env_lock(struct grant_table *gt);
void gnttab_env_unlock(struct grant_table *gt);

/* A PV guest names machine frames where an HVM guest would name its own. */
static inline mfn_t gnttab_pv_gfn_to_mfn(gfn_t gfn)
{
    return _mfn(gfn_x(gfn));
}

/*
 * One domain's table. Its lock (gnttab_env_lock) guards every field below it:
 * the shared frames' growth, the active entries and the maptrack. The
 * guest changes the shared entries at any time; Xenia changes their
 * flags only with atomic operations.
 */
struct grant_table {
    domid_t domid;
    void *env_data; /* the hypervisor's struct domain */

    unsigned int version, max_version; /* 1 or 2; max: gnttab=max-ver */
    unsigned int nr_frames, max_frames;
    void **shared;                 /* [max_frames], v1 or v2 entries */
    mfn_t *shared_mfn;             /* [max_frames] */
    struct gnttab_active **active; /* [max_frames], GNTTAB_PER_FRAME each */

    /* v2 only: the flags Xenia sets (GTF_reading/writing), apart. */
    unsigned int nr_status_frames;
    grant_status_t **status; /* [gnttab_status_frames_for(max_frames)] */
    mfn_t *status_mfn;

    /* The mappings this domain holds, in frames of maptrack entries. */
    struct gnttab_maptrack **maptrack; /* [max_maptrack_frames] */
    unsigned int maptrack_frames, max_maptrack_frames;
    grant_handle_t maptrack_free; /* GNTTAB_NO_HANDLE: none free */
};

#define GNTTAB_MAPTRACK_PER_FRAME (PAGE_SIZE / sizeof(struct gnttab_maptrack))

/* Set up with GNTTAB_INITIAL_FRAMES; -ENOMEM or -EINVAL (bad limits). */
int gnttab_init(struct grant_table *gt, domid_t id, unsigned int max_frames,
                unsigned int max_maptrack_frames, unsigned int max_version,
                void *env_data);
/* Free everything; the caller makes sure nobody uses the table. */
void gnttab_free(struct grant_table *gt);

static inline unsigned int gnttab_nr_entries(const struct grant_table *gt)
{
    return gt->nr_frames *
           (gt->version == 2 ? GNTTAB_PER_FRAME_V2 : GNTTAB_PER_FRAME);
}

/* Status frames covering the v2 entries of grant_frames shared frames. */
static inline unsigned int gnttab_status_frames_for(unsigned int grant_frames)
{
    return (grant_frames * GNTTAB_PER_FRAME_V2 + GNTTAB_STATUS_PER_FRAME - 1) /
           GNTTAB_STATUS_PER_FRAME;
}

/* GNTTABOP_setup_table's growth: a GNTST_* code. */
int gnttab_setup(struct grant_table *gt, uint32_t nr_frames);
/*
 * GNTTABOP_set_version: 0 or -errno; *version gets the version in force.
 * Refused (-EBUSY) while an entry past the reserved ones is in use, or
 * (going back to v1) while a status frame is still mapped.
 */
int gnttab_set_version(struct grant_table *gt, uint32_t *version);
/* GNTTABOP_get_status_frames' check: a GNTST_* code. */
int gnttab_status_frames(const struct grant_table *gt, uint32_t nr_frames);
/* Status frame i's frame, or INVALID_MFN if there is none (v1). */
mfn_t gnttab_status_mfn(struct grant_table *gt, unsigned int i);
/*
 * XENMEM_acquire_resource of status frames [frame, frame + nr) of a v2
 * table, grown to have them as Xen does: 0 or -EINVAL.
 */
int gnttab_status_resource(struct grant_table *gt, unsigned int frame,
                           unsigned int nr, mfn_t *mfns);

/*
 * GNTTABOP_swap_grant_ref: exchange two of gt's entries (and v2 status
 * words); GNTST_eagain if either is in use, as Xen.
 */
int16_t gnttab_swap_ref(struct grant_table *gt, grant_ref_t a, grant_ref_t b);

/*
 * One GNTTABOP_cache_flush op by lgt's domain, on its own frame or one it
 * holds a grant of (searched from entry from on, Xen's continuation
 * argument): 0 or -errno as Xen on x86 (-EOPNOTSUPP for a bare
 * invalidate, -EINVAL for a frame neither its own nor granted to it).
 */
int gnttab_cache_flush_one(struct grant_table *lgt,
                           const struct gnttab_cache_flush *op,
                           grant_ref_t from);

/*
 * The three per-op operations, for mappings and copies made by lgt's
 * domain: each fills in the op's status (and map's handle and
 * dev_bus_addr) as Xen does, and leaves no reference or pin behind on
 * failure.
 */
void gnttab_map_one(struct grant_table *lgt, struct gnttab_map_grant_ref *op);
int16_t gnttab_unmap_one(struct grant_table *lgt, uint64_t host_addr,
                         uint64_t dev_bus_addr, grant_handle_t handle);
/*
 * GNTTABOP_unmap_and_replace: the host mapping at host_addr goes as in an
 * unmap, and the PTE that mapped new_addr (if not 0) moves into its place.
 */
int16_t gnttab_unmap_and_replace_one(struct grant_table *lgt,
                                     uint64_t host_addr, uint64_t new_addr,
                                     grant_handle_t handle);
void gnttab_copy_one(struct grant_table *lgt, struct gnttab_copy *op);

/*
 * GNTTABOP_transfer's two steps on the receiving table rgt, as Xen:
 * prepare checks that entry ref accepts a transfer from domain from
 * (flags exactly GTF_accept_transfer, that domid) and commits it
 * (GTF_transfer_committed), returning the table's version, or 0 if the
 * entry does not (bad ref or flags, or a guest racing the update).
 * complete, once the frame is the domain's, sets its M2P entry to the
 * frame the entry named, writes mfn there and then GTF_transfer_completed:
 * 0, or -EILSEQ if the version changed in between.
 */
unsigned int gnttab_transfer_prepare(struct grant_table *rgt, domid_t from,
                                     grant_ref_t ref);
int gnttab_transfer_complete(struct grant_table *rgt, grant_ref_t ref,
                             unsigned int version, mfn_t mfn);

/*
 * The domain is going away: drop every pin its mappings hold in the
 * granters' tables and free its maptrack. Device mappings' references
 * go here; host mappings' references belong to their PTEs and go with
 * the domain's page tables, as in Xen for PV.
 */
void gnttab_release_mappings(struct grant_table *lgt);

/*
 * A table in numbers, for the 'g' debug key and the tests' leak checks:
 * entries the guest has filled in (any type but GTF_invalid), entries
 * pinned by a user (mapped or being copied: "active", as Xen calls them),
 * and the maptrack handles of mappings this domain holds of other
 * domains' (or its own) grants. The caller holds the table's lock.
 */
struct gnttab_usage {
    unsigned int version, nr_frames, max_frames;
    unsigned int entries_in_use, active;
    unsigned int maptrack_in_use, maptrack_frames, max_maptrack_frames;
};
void gnttab_count_usage(struct grant_table *gt, struct gnttab_usage *u);

/* Shared-entry transitions (v1), exposed for the host tests. */
int gnttab_set_status(grant_entry_v1_t *e, bool pinned, bool readonly,
                      bool mapping, domid_t user);
void gnttab_clear_flags(grant_entry_v1_t *e, uint16_t flags);

#endif /* XENIA_GRANT_TABLE_H */
