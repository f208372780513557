/* SPDX-License-Identifier: GPL-2.0-only */
/* The grant table state machine (v1, v2): entry flags, pins, maptrack. */
#include <xenia/errno.h>
#include <xenia/grant_table.h>
#include <xenia/lib.h>

/*
 * A granting domain writes an entry (flags, domid, frame) into its shared
 * frames; a domain named there maps or copies the frame. While a grant is
 * in use (pinned), Xenia keeps GTF_reading (and GTF_writing for writable
 * uses) set in the shared entry, so the granter knows it cannot revoke it;
 * both flags are set and cleared with atomic operations because the
 * granter rewrites the entry concurrently. The pin counts live in the
 * granter's active entries; each mapping also has a maptrack entry in the
 * mapping domain's table, found again by its handle.
 *
 * In v2 the entries are twice the size, with a 64-bit frame and a
 * sub_page form (a byte range, for copies only), and Xenia's two flags
 * move out of the guest's entry into a status word of their own, in
 * status frames the guest maps separately. A v2 transitive entry passes
 * on, for copies only, a grant its domain received from a third one.
 *
 * Locking: one lock per table (gnttab_env_lock), never two at once. A mapping
 * is set up in steps (take a handle, pin, take references, install the
 * PTE, record it) and undone in reverse on any failure.
 */

BUILD_BUG_ON(offsetof(grant_entry_v1_t, flags) != 0);
BUILD_BUG_ON(offsetof(grant_entry_v1_t, domid) != 2);
BUILD_BUG_ON(offsetof(grant_entry_v2_t, hdr.domid) != 2);
BUILD_BUG_ON(offsetof(grant_entry_v2_t, full_page.frame) !=
             offsetof(grant_entry_v2_t, sub_page.frame));

#define PIN_LIMIT        0x80 /* a count this high refuses new pins */
#define SET_STATUS_TRIES 5    /* a guest racing us longer is misbehaving */

static grant_entry_v1_t *shared_of(struct grant_table *gt, grant_ref_t ref)
{
    grant_entry_v1_t *frame = gt->shared[ref / GNTTAB_PER_FRAME];

    return &frame[ref % GNTTAB_PER_FRAME];
}

static grant_entry_v2_t *shared_v2(struct grant_table *gt, grant_ref_t ref)
{
    grant_entry_v2_t *frame = gt->shared[ref / GNTTAB_PER_FRAME_V2];

    return &frame[ref % GNTTAB_PER_FRAME_V2];
}

static grant_status_t *status_v2(struct grant_table *gt, grant_ref_t ref)
{
    return &gt->status[ref / GNTTAB_STATUS_PER_FRAME]
                      [ref % GNTTAB_STATUS_PER_FRAME];
}

/* Where Xenia keeps GTF_reading and GTF_writing of an entry. */
static uint16_t *status_word(struct grant_table *gt, grant_ref_t ref)
{
    return gt->version == 2 ? status_v2(gt, ref) : &shared_of(gt, ref)->flags;
}

static struct gnttab_active *active_of(struct grant_table *gt, grant_ref_t ref)
{
    return &gt->active[ref / GNTTAB_PER_FRAME][ref % GNTTAB_PER_FRAME];
}

static struct gnttab_maptrack *maptrack_of(struct grant_table *gt,
                                           grant_handle_t h)
{
    return &gt->maptrack[h / GNTTAB_MAPTRACK_PER_FRAME]
                        [h % GNTTAB_MAPTRACK_PER_FRAME];
}

static bool is_pinned(const struct gnttab_active *a)
{
    return a->host_ro || a->host_rw || a->dev_ro || a->dev_rw;
}

static bool has_writers(const struct gnttab_active *a)
{
    return a->host_rw || a->dev_rw;
}

static bool pin_would_overflow(const struct gnttab_active *a)
{
    return a->host_ro >= PIN_LIMIT || a->host_rw >= PIN_LIMIT ||
           a->dev_ro >= PIN_LIMIT || a->dev_rw >= PIN_LIMIT;
}

static void pin_add(struct gnttab_active *a, bool host, bool dev, bool ro,
                    int by)
{
    if ( dev )
        *(ro ? &a->dev_ro : &a->dev_rw) += by;
    if ( host )
        *(ro ? &a->host_ro : &a->host_rw) += by;
}

/*
 * Whether an entry's header (flags and domid, one 32-bit word) allows the
 * use, for an entry of the given type. A pinned grant was checked when it
 * was first pinned. Mappings take whole frames only, so a sub_page grant
 * is refused them.
 */
static bool header_allows(uint32_t hdr, uint16_t type, bool pinned,
                          bool readonly, bool mapping, domid_t user)
{
    uint16_t mask = GTF_type_mask | (mapping ? GTF_sub_page : 0);
    uint16_t flags = (uint16_t)hdr;
    domid_t domid = (domid_t)(hdr >> 16);

    if ( !pinned && ((flags & mask) != type || domid != user) )
        return false;
    return readonly || !(flags & GTF_readonly);
}

int gnttab_set_status(grant_entry_v1_t *e, bool pinned, bool readonly,
                      bool mapping, domid_t user)
{
    /* flags and domid are one 32-bit word, compared and swapped together. */
    uint32_t *hdr = (uint32_t *)e;
    uint32_t old = __atomic_load_n(hdr, __ATOMIC_ACQUIRE), new;
    unsigned int tries;

    for ( tries = 0; tries < SET_STATUS_TRIES; tries++ )
    {
        if ( !header_allows(old, GTF_permit_access, pinned, readonly, mapping,
                            user) )
            return GNTST_general_error;
        new = old | GTF_reading | (readonly ? 0 : GTF_writing);
        if ( __atomic_compare_exchange_n(hdr, &old, new, false,
                                         __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE) )
            return GNTST_okay;
    }
    return GNTST_general_error;
}

/*
 * v2: the flags go into the status word, which only Xenia writes, then
 * the header is read again: a granter that revoked the entry meanwhile
 * sees the use refused, and the flags this use set are taken back.
 */
static int set_status_v2(grant_entry_v2_t *e, grant_status_t *st, uint16_t type,
                         bool pinned, bool readonly, bool mapping, domid_t user)
{
    uint32_t *hdr = (uint32_t *)&e->hdr;
    uint16_t set = GTF_reading | (readonly ? 0 : GTF_writing), had;

    if ( !header_allows(__atomic_load_n(hdr, __ATOMIC_ACQUIRE), type, pinned,
                        readonly, mapping, user) )
        return GNTST_general_error;
    had = __atomic_fetch_or(st, set, __ATOMIC_SEQ_CST);
    if ( header_allows(__atomic_load_n(hdr, __ATOMIC_SEQ_CST), type, pinned,
                       readonly, mapping, user) )
        return GNTST_okay;
    __atomic_fetch_and(st, (uint16_t) ~(set & ~had), __ATOMIC_ACQ_REL);
    return GNTST_general_error;
}

static int set_status(struct grant_table *gt, grant_ref_t ref, bool pinned,
                      bool readonly, bool mapping, domid_t user)
{
    if ( gt->version == 2 )
        return set_status_v2(shared_v2(gt, ref), status_v2(gt, ref),
                             GTF_permit_access, pinned, readonly, mapping,
                             user);
    return gnttab_set_status(shared_of(gt, ref), pinned, readonly, mapping,
                             user);
}

static void clear_status(uint16_t *word, uint16_t flags)
{
    __atomic_fetch_and(word, (uint16_t)~flags, __ATOMIC_ACQ_REL);
}

void gnttab_clear_flags(grant_entry_v1_t *e, uint16_t flags)
{
    clear_status(&e->flags, flags);
}

/* After a use ended: drop the flags no remaining use needs. */
static void reduce_status(uint16_t *word, const struct gnttab_active *a,
                          bool readonly)
{
    uint16_t clear = is_pinned(a) ? 0 : GTF_reading;

    if ( !readonly && !has_writers(a) )
        clear |= GTF_writing;
    if ( clear )
        clear_status(word, clear);
}

/*
 * The frame an entry grants and the part of it, as the entry is now: the
 * granter may change it later, but the pin keeps what was read here.
 */
static void read_entry_frame(struct grant_table *gt, grant_ref_t ref,
                             struct gnttab_active *a)
{
    grant_entry_v2_t *e2;

    a->start = 0;
    a->length = PAGE_SIZE;
    a->partial = a->transitive = false;
    if ( gt->version == 1 )
    {
        a->mfn = gnttab_pv_gfn_to_mfn(_gfn(
            __atomic_load_n(&shared_of(gt, ref)->frame, __ATOMIC_ACQUIRE)));
        return;
    }
    e2 = shared_v2(gt, ref);
    a->mfn = gnttab_pv_gfn_to_mfn(
        _gfn(__atomic_load_n(&e2->full_page.frame, __ATOMIC_ACQUIRE)));
    if ( __atomic_load_n(&e2->hdr.flags, __ATOMIC_ACQUIRE) & GTF_sub_page )
    {
        a->start = __atomic_load_n(&e2->sub_page.page_off, __ATOMIC_ACQUIRE);
        a->length = __atomic_load_n(&e2->sub_page.length, __ATOMIC_ACQUIRE);
        a->partial = true;
    }
}

/* v2: status frames up to nr; -ENOMEM (with those made kept) if not. */
static int grow_status(struct grant_table *gt, unsigned int nr)
{
    unsigned int i;

    while ( (i = gt->nr_status_frames) < nr )
    {
        gt->status[i] =
            gnttab_env_alloc_shared_frame(gt->domid, &gt->status_mfn[i]);
        if ( !gt->status[i] )
            return -ENOMEM;
        gt->nr_status_frames++;
    }
    return 0;
}

static void free_status(struct grant_table *gt)
{
    while ( gt->nr_status_frames )
    {
        unsigned int i = --gt->nr_status_frames;

        gnttab_env_free_shared_frame(gt->status[i]);
        gt->status[i] = NULL;
    }
}

static int grow_one_frame(struct grant_table *gt)
{
    unsigned int i = gt->nr_frames;

    /* A v2 entry has its status word before the guest can use it. */
    if ( gt->version == 2 && grow_status(gt, gnttab_status_frames_for(i + 1)) )
        return -ENOMEM;
    gt->active[i] =
        gnttab_env_zalloc(GNTTAB_PER_FRAME * sizeof(*gt->active[i]));
    if ( !gt->active[i] )
        return -ENOMEM;
    gt->shared[i] =
        gnttab_env_alloc_shared_frame(gt->domid, &gt->shared_mfn[i]);
    if ( !gt->shared[i] )
    {
        gnttab_env_free(gt->active[i]);
        gt->active[i] = NULL;
        return -ENOMEM;
    }
    gt->nr_frames++;
    return 0;
}

/* Under the lock: grow to nr frames; false if memory ran out first. */
static bool grow_to(struct grant_table *gt, unsigned int nr)
{
    while ( gt->nr_frames < nr )
        if ( grow_one_frame(gt) )
            return false;
    return true;
}

int gnttab_init(struct grant_table *gt, domid_t id, unsigned int max_frames,
                unsigned int max_maptrack_frames, unsigned int max_version,
                void *env_data)
{
    unsigned int max_status;

    memset(gt, 0, sizeof(*gt));
    if ( max_frames < GNTTAB_INITIAL_FRAMES || !max_maptrack_frames ||
         max_frames > UINT32_MAX / GNTTAB_PER_FRAME ||
         max_maptrack_frames > UINT32_MAX / GNTTAB_MAPTRACK_PER_FRAME ||
         max_version < 1 || max_version > 2 )
        return -EINVAL;
    gt->domid = id;
    gt->env_data = env_data;
    gt->version = 1;
    gt->max_version = max_version;
    gt->max_frames = max_frames;
    gt->max_maptrack_frames = max_maptrack_frames;
    gt->maptrack_free = GNTTAB_NO_HANDLE;
    max_status = gnttab_status_frames_for(max_frames);
    gt->shared = gnttab_env_zalloc(max_frames * sizeof(*gt->shared));
    gt->shared_mfn = gnttab_env_zalloc(max_frames * sizeof(*gt->shared_mfn));
    gt->active = gnttab_env_zalloc(max_frames * sizeof(*gt->active));
    gt->status = gnttab_env_zalloc(max_status * sizeof(*gt->status));
    gt->status_mfn = gnttab_env_zalloc(max_status * sizeof(*gt->status_mfn));
    gt->maptrack =
        gnttab_env_zalloc(max_maptrack_frames * sizeof(*gt->maptrack));
    if ( !gt->shared || !gt->shared_mfn || !gt->active || !gt->status ||
         !gt->status_mfn || !gt->maptrack ||
         !grow_to(gt, GNTTAB_INITIAL_FRAMES) )
    {
        gnttab_free(gt);
        return -ENOMEM;
    }
    return 0;
}

void gnttab_free(struct grant_table *gt)
{
    unsigned int i;

    for ( i = 0; i < gt->nr_frames; i++ )
    {
        gnttab_env_free_shared_frame(gt->shared[i]);
        gnttab_env_free(gt->active[i]);
    }
    if ( gt->status )
        free_status(gt);
    for ( i = 0; i < gt->maptrack_frames; i++ )
        gnttab_env_free(gt->maptrack[i]);
    gnttab_env_free(gt->shared);
    gnttab_env_free(gt->shared_mfn);
    gnttab_env_free(gt->active);
    gnttab_env_free(gt->status);
    gnttab_env_free(gt->status_mfn);
    gnttab_env_free(gt->maptrack);
    gt->nr_frames = gt->maptrack_frames = 0;
    gt->shared = NULL;
    gt->shared_mfn = NULL;
    gt->active = NULL;
    gt->status = NULL;
    gt->status_mfn = NULL;
    gt->maptrack = NULL;
}

int gnttab_setup(struct grant_table *gt, uint32_t nr_frames)
{
    int rc = GNTST_okay;

    if ( nr_frames > gt->max_frames )
        return GNTST_general_error;
    gnttab_env_lock(gt);
    if ( !grow_to(gt, nr_frames) )
        rc = GNTST_general_error;
    gnttab_env_unlock(gt);
    return rc;
}

/* ---- version changes ---- */

/*
 * The toolstack's entries (console, xenstore) as v1 entries, with
 * Xenia's flags folded in; a v2 entry v1 cannot express is -ERANGE.
 */
static int save_reserved(struct grant_table *gt, grant_entry_v1_t *saved)
{
    unsigned int i;

    for ( i = 0; i < GNTTAB_NR_RESERVED; i++ )
    {
        grant_entry_v2_t *e;
        uint16_t flags;

        if ( gt->version == 1 )
        {
            saved[i] = *shared_of(gt, i);
            continue;
        }
        e = shared_v2(gt, i);
        flags = e->hdr.flags;
        memset(&saved[i], 0, sizeof(saved[i]));
        switch ( flags & GTF_type_mask )
        {
        case GTF_permit_access:
            if ( e->full_page.frame >> 32 )
                return -ERANGE;
            saved[i].flags = flags | *status_v2(gt, i);
            saved[i].domid = e->hdr.domid;
            saved[i].frame = (uint32_t)e->full_page.frame;
            break;
        case GTF_transitive:
            return -ERANGE;
        default:
            break; /* anything else is dropped, as Xen does */
        }
    }
    return 0;
}

static void restore_reserved(struct grant_table *gt,
                             const grant_entry_v1_t *saved)
{
    unsigned int i;

    for ( i = 0; i < GNTTAB_NR_RESERVED; i++ )
    {
        grant_entry_v2_t *e;

        if ( gt->version == 1 )
        {
            *shared_of(gt, i) = saved[i];
            continue;
        }
        e = shared_v2(gt, i);
        *status_v2(gt, i) = saved[i].flags & (GTF_reading | GTF_writing);
        e->hdr.flags = saved[i].flags & ~(GTF_reading | GTF_writing);
        e->hdr.domid = saved[i].domid;
        e->full_page.frame = saved[i].frame;
    }
}

/* Whether an entry past the reserved ones is pinned (Xen's -EBUSY). */
static bool entries_in_use(struct grant_table *gt)
{
    grant_ref_t ref;

    for ( ref = GNTTAB_NR_RESERVED; ref < gnttab_nr_entries(gt); ref++ )
        if ( is_pinned(active_of(gt, ref)) )
            return true;
    return false;
}

static bool status_frames_mapped(struct grant_table *gt)
{
    unsigned int i;

    for ( i = 0; i < gt->nr_status_frames; i++ )
        if ( gnttab_env_frame_mapped(gt->status[i]) )
            return true;
    return false;
}

static int change_version(struct grant_table *gt, unsigned int version)
{
    grant_entry_v1_t saved[GNTTAB_NR_RESERVED];
    unsigned int i;
    int rc;

    if ( entries_in_use(gt) )
        return -EBUSY;
    rc = save_reserved(gt, saved);
    if ( rc )
        return rc;
    if ( version == 2 )
    {
        rc = grow_status(gt, gnttab_status_frames_for(gt->nr_frames));
        if ( rc )
        {
            free_status(gt);
            return rc;
        }
    }
    else
    {
        /* A status frame is freed only once nobody maps it (Xen: -EBUSY). */
        if ( status_frames_mapped(gt) )
            return -EBUSY;
        free_status(gt);
    }
    for ( i = 0; i < gt->nr_frames; i++ )
        memset(gt->shared[i], 0, PAGE_SIZE);
    gt->version = version;
    restore_reserved(gt, saved);
    return 0;
}

int gnttab_set_version(struct grant_table *gt, uint32_t *version)
{
    int rc = 0;

    if ( *version != 1 && *version != 2 )
        rc = -EINVAL;
    else if ( *version > gt->max_version )
        rc = -ENOSYS; /* Xen's answer when v2 is not available */
    else if ( *version != gt->version )
    {
        gnttab_env_lock(gt);
        rc = change_version(gt, *version);
        gnttab_env_unlock(gt);
    }
    *version = gt->version;
    return rc;
}

int gnttab_status_frames(const struct grant_table *gt, uint32_t nr_frames)
{
    /* Status frames exist only in v2. */
    return nr_frames > gt->nr_status_frames ? GNTST_general_error : GNTST_okay;
}

mfn_t gnttab_status_mfn(struct grant_table *gt, unsigned int i)
{
    mfn_t mfn = INVALID_MFN;

    gnttab_env_lock(gt);
    if ( i < gt->nr_status_frames )
        mfn = gt->status_mfn[i];
    gnttab_env_unlock(gt);
    return mfn;
}

int gnttab_status_resource(struct grant_table *gt, unsigned int frame,
                           unsigned int nr, mfn_t *mfns)
{
    unsigned int i, last = frame + nr - 1, grant_frames;
    int rc = -EINVAL;

    if ( !nr || last < frame )
        return -EINVAL;
    /* Enough shared frames to make status frame last exist, as Xen. */
    grant_frames = (last + 1) * (GNTTAB_STATUS_PER_FRAME / GNTTAB_PER_FRAME_V2);
    gnttab_env_lock(gt);
    if ( gt->version == 2 &&
         grant_frames / (GNTTAB_STATUS_PER_FRAME / GNTTAB_PER_FRAME_V2) ==
             last + 1 &&
         grant_frames <= gt->max_frames )
        grow_to(gt, grant_frames);
    if ( gt->version == 2 && last < gt->nr_status_frames )
    {
        for ( i = 0; i < nr; i++ )
            mfns[i] = gt->status_mfn[frame + i];
        rc = 0;
    }
    gnttab_env_unlock(gt);
    return rc;
}

/* ---- swap_grant_ref ---- */

int16_t gnttab_swap_ref(struct grant_table *gt, grant_ref_t a, grant_ref_t b)
{
    int16_t rc = GNTST_okay;

    gnttab_env_lock(gt);
    if ( a >= gnttab_nr_entries(gt) || b >= gnttab_nr_entries(gt) )
        rc = GNTST_bad_gntref;
    else if ( a == b )
        ; /* nothing to do, and Xen says so */
    else if ( is_pinned(active_of(gt, a)) || is_pinned(active_of(gt, b)) )
        rc = GNTST_eagain; /* an entry in use stays where its user has it */
    else if ( gt->version == 1 )
    {
        grant_entry_v1_t t = *shared_of(gt, a);

        *shared_of(gt, a) = *shared_of(gt, b);
        *shared_of(gt, b) = t;
    }
    else
    {
        grant_entry_v2_t t = *shared_v2(gt, a);
        grant_status_t st = *status_v2(gt, a);

        *shared_v2(gt, a) = *shared_v2(gt, b);
        *status_v2(gt, a) = *status_v2(gt, b);
        *shared_v2(gt, b) = t;
        *status_v2(gt, b) = st;
    }
    gnttab_env_unlock(gt);
    return rc;
}

/* ---- cache_flush ---- */

/*
 * Whether lgt's domain holds a pin of one of rgt's entries on mfn: the
 * proof that it may flush another domain's frame.
 */
static bool holds_grant_of(struct grant_table *rgt, domid_t user, mfn_t mfn,
                           grant_ref_t from)
{
    const struct gnttab_active *a;
    bool found = false;
    grant_ref_t ref;

    gnttab_env_lock(rgt);
    for ( ref = from; !found && ref < gnttab_nr_entries(rgt); ref++ )
    {
        a = active_of(rgt, ref);
        found = is_pinned(a) && a->domid == user && mfn_eq(a->mfn, mfn);
    }
    gnttab_env_unlock(rgt);
    return found;
}

int gnttab_cache_flush_one(struct grant_table *lgt,
                           const struct gnttab_cache_flush *op,
                           grant_ref_t from)
{
    mfn_t mfn = maddr_to_mfn(op->a.dev_bus_addr);
    struct grant_table *rgt;
    domid_t owner;
    bool allowed;
    int rc;

    if ( op->offset >= PAGE_SIZE || op->length > PAGE_SIZE ||
         op->offset + op->length > PAGE_SIZE ||
         (op->op & ~(GNTTAB_CACHE_INVAL | GNTTAB_CACHE_CLEAN)) )
        return -EINVAL;
    if ( !op->length || !op->op )
        return from ? -EILSEQ : 0;
    rc = gnttab_env_get_page_any(mfn, &owner);
    if ( rc )
        return rc;
    rgt = owner == lgt->domid ? lgt : gnttab_env_lookup(owner);
    if ( !rgt )
    {
        gnttab_env_put_page(mfn);
        return -EPERM; /* Xen's own frames, or a domain with no table */
    }
    allowed = rgt == lgt || holds_grant_of(rgt, lgt->domid, mfn, from);
    /* x86 can write back and invalidate, but not only invalidate. */
    if ( allowed && op->op & GNTTAB_CACHE_CLEAN )
        gnttab_env_cache_clean(mfn, op->offset, op->length);
    gnttab_env_put_page(mfn);
    if ( !allowed )
        return -EINVAL;
    return op->op & GNTTAB_CACHE_CLEAN ? 0 : -EOPNOTSUPP;
}

/* ---- maptrack ---- */

static grant_handle_t maptrack_get(struct grant_table *gt)
{
    struct gnttab_maptrack *frame;
    grant_handle_t h = GNTTAB_NO_HANDLE;
    unsigned int i, base;

    gnttab_env_lock(gt);
    if ( gt->maptrack_free == GNTTAB_NO_HANDLE &&
         gt->maptrack_frames < gt->max_maptrack_frames &&
         (frame = gnttab_env_zalloc(PAGE_SIZE)) )
    {
        base = gt->maptrack_frames * GNTTAB_MAPTRACK_PER_FRAME;
        for ( i = 0; i < GNTTAB_MAPTRACK_PER_FRAME; i++ )
            frame[i].next_free = i + 1 < GNTTAB_MAPTRACK_PER_FRAME
                                     ? base + i + 1
                                     : GNTTAB_NO_HANDLE;
        gt->maptrack[gt->maptrack_frames++] = frame;
        gt->maptrack_free = base;
    }
    if ( gt->maptrack_free != GNTTAB_NO_HANDLE )
    {
        h = gt->maptrack_free;
        gt->maptrack_free = maptrack_of(gt, h)->next_free;
        maptrack_of(gt, h)->flags = 0;
        maptrack_of(gt, h)->busy = false;
    }
    gnttab_env_unlock(gt);
    return h;
}

static void maptrack_put_locked(struct grant_table *gt, grant_handle_t h)
{
    struct gnttab_maptrack *mt = maptrack_of(gt, h);

    mt->flags = 0;
    mt->next_free = gt->maptrack_free;
    gt->maptrack_free = h;
}

static void maptrack_put(struct grant_table *gt, grant_handle_t h)
{
    gnttab_env_lock(gt);
    maptrack_put_locked(gt, h);
    gnttab_env_unlock(gt);
}

/* ---- map ---- */

static bool entry_is_transitive(struct grant_table *gt, grant_ref_t ref)
{
    return gt->version == 2 &&
           (__atomic_load_n(&shared_v2(gt, ref)->hdr.flags, __ATOMIC_ACQUIRE) &
            GTF_type_mask) == GTF_transitive;
}

static int pin_entry_at(struct grant_table *rgt, grant_ref_t ref, domid_t user,
                        bool host, bool dev, bool ro, bool mapping, bool follow,
                        struct gnttab_active *pinned, bool *got_ref);
static void unpin_entry(struct grant_table *rgt, grant_ref_t ref, bool host,
                        bool dev, bool ro);

/*
 * A copy through a transitive grant (v2): rgt's entry, granted to user,
 * names an entry of another domain granted to rgt's domain, which is
 * pinned for rgt's domain (one level only, as Xen) each time this one
 * is. Between the two the lock is dropped, so the entry is checked again
 * after: a pin that changed meanwhile makes this one fail.
 */
static int pin_transitive(struct grant_table *rgt, grant_ref_t ref,
                          domid_t user, bool ro, struct gnttab_active *pinned,
                          bool *got_ref)
{
    struct gnttab_active *a, far;
    struct grant_table *tgt;
    grant_entry_v2_t *e;
    grant_ref_t tref;
    domid_t tdom;
    bool first;
    int rc = GNTST_okay;

    gnttab_env_lock(rgt);
    a = active_of(rgt, ref);
    first = !is_pinned(a);
    e = shared_v2(rgt, ref);
    if ( !first && (!a->transitive || a->domid != user) )
        rc = GNTST_general_error; /* pinned otherwise meanwhile */
    else if ( first || (!ro && !has_writers(a)) )
        rc = set_status_v2(e, status_v2(rgt, ref), GTF_transitive, !first, ro,
                           false, user);
    tdom = first ? __atomic_load_n(&e->transitive.trans_domid, __ATOMIC_ACQUIRE)
                 : a->trans_dom;
    tref = first ? __atomic_load_n(&e->transitive.gref, __ATOMIC_ACQUIRE)
                 : a->trans_ref;
    gnttab_env_unlock(rgt);
    if ( rc )
        return rc;

    rc = GNTST_general_error;
    if ( tdom == rgt->domid || !(tgt = gnttab_env_lookup(tdom)) )
        goto clear;
    rc = pin_entry_at(tgt, tref, rgt->domid, true, false, ro, false, false,
                      &far, got_ref);
    if ( rc )
        goto clear;

    gnttab_env_lock(rgt);
    a = active_of(rgt, ref);
    if ( rgt->version != 2 || is_pinned(a) == first ||
         (!first &&
          (!a->transitive || a->domid != user || a->trans_dom != tdom ||
           a->trans_ref != tref || pin_would_overflow(a))) )
    {
        gnttab_env_unlock(rgt);
        unpin_entry(tgt, tref, true, false, ro);
        if ( *got_ref )
            gnttab_env_put_page(far.mfn);
        *got_ref = false;
        rc = GNTST_general_error;
        goto clear;
    }
    if ( first )
    {
        a->mfn = far.mfn;
        a->start = far.start;
        a->length = far.length;
        a->domid = user;
        a->partial = a->transitive = true; /* never mapped */
        a->trans_dom = tdom;
        a->trans_ref = tref;
    }
    pin_add(a, true, false, ro, 1);
    *pinned = *a;
    gnttab_env_unlock(rgt);
    return GNTST_okay;

clear:
    gnttab_env_lock(rgt);
    if ( rgt->version == 2 && ref < gnttab_nr_entries(rgt) )
        reduce_status(status_v2(rgt, ref), active_of(rgt, ref), ro);
    gnttab_env_unlock(rgt);
    return rc;
}

/*
 * Pin rgt's entry ref for a use by domain user; on the first pin take a
 * reference on the granted frame (*got_ref). A GNTST_* code. Copies
 * (!mapping) follow a transitive grant.
 */
static int pin_entry(struct grant_table *rgt, grant_ref_t ref, domid_t user,
                     bool host, bool dev, bool ro, bool mapping,
                     struct gnttab_active *pinned, bool *got_ref)
{
    return pin_entry_at(rgt, ref, user, host, dev, ro, mapping, !mapping,
                        pinned, got_ref);
}

static int pin_entry_at(struct grant_table *rgt, grant_ref_t ref, domid_t user,
                        bool host, bool dev, bool ro, bool mapping, bool follow,
                        struct gnttab_active *pinned, bool *got_ref)
{
    struct gnttab_active *a;
    int rc = GNTST_okay;

    *got_ref = false;
    gnttab_env_lock(rgt);
    if ( ref >= gnttab_nr_entries(rgt) )
    {
        rc = GNTST_bad_gntref;
        goto out;
    }
    a = active_of(rgt, ref);
    if ( is_pinned(a) && (a->domid != user || pin_would_overflow(a)) )
    {
        rc = GNTST_general_error;
        goto out;
    }
    if ( is_pinned(a) ? a->transitive : entry_is_transitive(rgt, ref) )
    {
        if ( !follow )
        {
            rc = GNTST_general_error;
            goto out;
        }
        gnttab_env_unlock(rgt);
        return pin_transitive(rgt, ref, user, ro, pinned, got_ref);
    }
    /* A pin for copies of part of a frame gives no mapping of it all. */
    if ( mapping && is_pinned(a) && a->partial )
    {
        rc = GNTST_general_error;
        goto out;
    }
    if ( !is_pinned(a) || (!ro && !has_writers(a)) )
    {
        rc = set_status(rgt, ref, is_pinned(a), ro, mapping, user);
        if ( rc )
            goto out;
        if ( !is_pinned(a) )
        {
            read_entry_frame(rgt, ref, a);
            if ( !gnttab_env_get_page(a->mfn, rgt->domid) )
            {
                rc = GNTST_bad_page;
                reduce_status(status_word(rgt, ref), a, ro);
                goto out;
            }
            *got_ref = true;
            a->domid = user;
        }
    }
    pin_add(a, host, dev, ro, 1);
    *pinned = *a;
out:
    gnttab_env_unlock(rgt);
    return rc;
}

static void unpin_entry(struct grant_table *rgt, grant_ref_t ref, bool host,
                        bool dev, bool ro)
{
    struct gnttab_active *a = active_of(rgt, ref);
    struct grant_table *tgt = NULL;
    grant_ref_t tref = 0;

    gnttab_env_lock(rgt);
    pin_add(a, host, dev, ro, -1);
    reduce_status(status_word(rgt, ref), a, ro);
    if ( a->transitive )
    {
        tgt = gnttab_env_lookup(a->trans_dom);
        tref = a->trans_ref;
        if ( !is_pinned(a) )
            a->transitive = false;
    }
    gnttab_env_unlock(rgt);
    /* Each pin of a transitive entry pinned the far one once. */
    if ( tgt )
        unpin_entry(tgt, tref, true, false, ro);
}

/*
 * One general reference per kind of mapping, and a writable type
 * reference per writable kind: each is released where that kind is
 * unmapped (a host mapping's belong to its PTE). *refs may already hold
 * the one the first pin took. false if the frame refuses one.
 */
static bool get_map_refs(mfn_t mfn, domid_t owner, bool host, bool dev, bool ro,
                         unsigned int *refs, unsigned int *types)
{
    if ( !*refs )
    {
        if ( !gnttab_env_get_page(mfn, owner) )
            return false;
        (*refs)++;
    }
    if ( dev && !ro )
    {
        if ( !gnttab_env_get_writable(mfn) )
            return false;
        (*types)++;
    }
    if ( host && dev )
    {
        if ( !gnttab_env_get_page(mfn, owner) )
            return false;
        (*refs)++;
    }
    if ( host && !ro )
    {
        if ( !gnttab_env_get_writable(mfn) )
            return false;
        (*types)++;
    }
    return true;
}

void gnttab_map_one(struct grant_table *lgt, struct gnttab_map_grant_ref *op)
{
    bool host = op->flags & GNTMAP_host_map;
    bool dev = op->flags & GNTMAP_device_map;
    bool ro = op->flags & GNTMAP_readonly;
    unsigned int refs = 0, types = 0;
    struct gnttab_maptrack *mt;
    struct grant_table *rgt;
    struct gnttab_active pinned;
    mfn_t mfn = INVALID_MFN;
    grant_handle_t h;
    bool got_ref;
    int rc;

    if ( !host && !dev )
    {
        op->status = GNTST_bad_gntref; /* Xen's answer to no kind of map */
        return;
    }
    rgt = gnttab_env_lookup(op->dom);
    if ( !rgt )
    {
        op->status = GNTST_bad_domain;
        return;
    }
    h = maptrack_get(lgt);
    if ( h == GNTTAB_NO_HANDLE )
    {
        op->status = GNTST_no_device_space;
        return;
    }
    rc = pin_entry(rgt, op->ref, lgt->domid, host, dev, ro, true, &pinned,
                   &got_ref);
    if ( rc )
        goto put_handle;
    mfn = pinned.mfn;
    refs = got_ref;
    rc = GNTST_general_error;
    if ( !get_map_refs(mfn, rgt->domid, host, dev, ro, &refs, &types) )
        goto undo;
    if ( host )
    {
        rc = gnttab_env_create_host_mapping(op->host_addr, mfn, op->flags);
        if ( rc )
            goto undo;
    }

    gnttab_env_lock(lgt);
    mt = maptrack_of(lgt, h);
    mt->ref = op->ref;
    mt->domid = op->dom;
    mt->mfn = mfn;
    mt->flags = op->flags;
    gnttab_env_unlock(lgt);
    op->dev_bus_addr = mfn_to_maddr(mfn);
    op->handle = h;
    op->status = GNTST_okay;
    return;

undo:
    while ( types-- )
        gnttab_env_put_writable(mfn);
    while ( refs-- )
        gnttab_env_put_page(mfn);
    unpin_entry(rgt, op->ref, host, dev, ro);
put_handle:
    maptrack_put(lgt, h);
    op->status = rc;
}

/* ---- unmap ---- */

/* new_addr: what goes in the grant PTE's place (unmap_and_replace). */
static int16_t unmap_common(struct grant_table *lgt, uint64_t host_addr,
                            uint64_t dev_bus_addr, uint64_t new_addr,
                            grant_handle_t handle)
{
    struct gnttab_maptrack *mt, m;
    struct grant_table *rgt;
    uint32_t claim = 0;
    bool ro;
    int rc;

    /*
     * Claim the kinds of mapping this call removes, and the handle, under
     * the lock: a racing unmap of the same handle is refused as Xen's
     * "unstable handle", so no reference is released twice and the
     * handle is freed once, by whoever removed its last kind.
     */
    gnttab_env_lock(lgt);
    if ( handle >= lgt->maptrack_frames * GNTTAB_MAPTRACK_PER_FRAME ||
         !(maptrack_of(lgt, handle)->flags &
           (GNTMAP_host_map | GNTMAP_device_map)) ||
         maptrack_of(lgt, handle)->busy )
    {
        gnttab_env_unlock(lgt);
        return GNTST_bad_handle;
    }
    mt = maptrack_of(lgt, handle);
    m = *mt;
    if ( dev_bus_addr && (m.flags & GNTMAP_device_map) &&
         dev_bus_addr != mfn_to_maddr(m.mfn) )
    {
        gnttab_env_unlock(lgt);
        return GNTST_bad_dev_addr;
    }
    if ( host_addr && (m.flags & GNTMAP_host_map) )
        claim |= GNTMAP_host_map;
    if ( dev_bus_addr && (m.flags & GNTMAP_device_map) )
        claim |= GNTMAP_device_map;
    if ( !claim )
    {
        gnttab_env_unlock(lgt);
        return GNTST_okay; /* nothing named: Xen does nothing, and succeeds */
    }
    mt->flags &= ~claim;
    mt->busy = true;
    gnttab_env_unlock(lgt);

    rgt = gnttab_env_lookup(m.domid);
    rc = GNTST_general_error;
    if ( !rgt || m.ref >= gnttab_nr_entries(rgt) )
        goto restore; /* cannot happen while the granter's table lives */
    if ( claim & GNTMAP_host_map )
    {
        rc = gnttab_env_replace_host_mapping(host_addr, m.mfn, m.flags,
                                             new_addr);
        if ( rc )
            goto restore;
        /* No CPU may still reach the frame once its references go. */
        gnttab_env_flush_tlb();
    }

    ro = m.flags & GNTMAP_readonly;
    if ( claim & GNTMAP_device_map )
    {
        if ( !ro )
            gnttab_env_put_writable(m.mfn);
        gnttab_env_put_page(m.mfn);
    }
    if ( claim & GNTMAP_host_map )
    {
        if ( !ro )
            gnttab_env_put_writable(m.mfn);
        gnttab_env_put_page(m.mfn);
    }
    unpin_entry(rgt, m.ref, claim & GNTMAP_host_map, claim & GNTMAP_device_map,
                ro);

    gnttab_env_lock(lgt);
    mt->busy = false;
    if ( !(mt->flags & (GNTMAP_host_map | GNTMAP_device_map)) )
        maptrack_put_locked(lgt, handle);
    gnttab_env_unlock(lgt);
    return GNTST_okay;

restore:
    gnttab_env_lock(lgt);
    mt->flags |= claim;
    mt->busy = false;
    gnttab_env_unlock(lgt);
    return rc;
}

int16_t gnttab_unmap_one(struct grant_table *lgt, uint64_t host_addr,
                         uint64_t dev_bus_addr, grant_handle_t handle)
{
    return unmap_common(lgt, host_addr, dev_bus_addr, 0, handle);
}

int16_t gnttab_unmap_and_replace_one(struct grant_table *lgt,
                                     uint64_t host_addr, uint64_t new_addr,
                                     grant_handle_t handle)
{
    return unmap_common(lgt, host_addr, 0, new_addr, handle);
}

void gnttab_release_mappings(struct grant_table *lgt)
{
    struct gnttab_maptrack *mt, m;
    struct grant_table *rgt;
    grant_handle_t h;
    unsigned int i;
    bool ro;

    for ( h = 0; h < lgt->maptrack_frames * GNTTAB_MAPTRACK_PER_FRAME; h++ )
    {
        gnttab_env_lock(lgt);
        mt = maptrack_of(lgt, h);
        m = *mt;
        mt->flags &= ~(GNTMAP_host_map | GNTMAP_device_map);
        gnttab_env_unlock(lgt);
        if ( !(m.flags & (GNTMAP_host_map | GNTMAP_device_map)) )
            continue;
        rgt = gnttab_env_lookup(m.domid);
        if ( !rgt || m.ref >= gnttab_nr_entries(rgt) )
            continue;
        ro = m.flags & GNTMAP_readonly;
        if ( m.flags & GNTMAP_device_map )
        {
            if ( !ro )
                gnttab_env_put_writable(m.mfn);
            gnttab_env_put_page(m.mfn);
        }
        unpin_entry(rgt, m.ref, m.flags & GNTMAP_host_map,
                    m.flags & GNTMAP_device_map, ro);
    }
    gnttab_env_lock(lgt);
    for ( i = 0; i < lgt->maptrack_frames; i++ )
    {
        gnttab_env_free(lgt->maptrack[i]);
        lgt->maptrack[i] = NULL;
    }
    lgt->maptrack_frames = 0;
    lgt->maptrack_free = GNTTAB_NO_HANDLE;
    gnttab_env_unlock(lgt);
}

/* ---- usage, for the 'g' debug key ---- */

void gnttab_count_usage(struct grant_table *gt, struct gnttab_usage *u)
{
    grant_ref_t ref;
    grant_handle_t h;

    *u = (struct gnttab_usage){
        .version = gt->version,
        .nr_frames = gt->nr_frames,
        .max_frames = gt->max_frames,
        .maptrack_frames = gt->maptrack_frames,
        .max_maptrack_frames = gt->max_maptrack_frames,
    };
    for ( ref = 0; ref < gnttab_nr_entries(gt); ref++ )
    {
        /* The guest may be changing it: one read, a snapshot. */
        uint16_t flags = __atomic_load_n(gt->version == 2
                                             ? &shared_v2(gt, ref)->hdr.flags
                                             : &shared_of(gt, ref)->flags,
                                         __ATOMIC_RELAXED);

        u->entries_in_use += (flags & GTF_type_mask) != GTF_invalid;
        u->active += is_pinned(active_of(gt, ref));
    }
    for ( h = 0; h < gt->maptrack_frames * GNTTAB_MAPTRACK_PER_FRAME; h++ )
        u->maptrack_in_use += (maptrack_of(gt, h)->flags &
                               (GNTMAP_host_map | GNTMAP_device_map)) != 0;
}

/* ---- copy ---- */

struct copy_buf {
    struct grant_table *gt; /* whose grant or frame */
    bool readonly;
    bool have_pin, have_page, have_type;
    grant_ref_t ref;
    mfn_t mfn;
    unsigned int start, length; /* the bytes a (sub_page) grant allows */
};

/* Only the caller itself may name a frame rather than a grant. */
static int copy_find_domain(struct grant_table *lgt, domid_t domid,
                            bool is_gref, struct copy_buf *b)
{
    if ( domid != DOMID_SELF && !is_gref )
        return GNTST_permission_denied;
    b->gt = domid == DOMID_SELF ? lgt : gnttab_env_lookup(domid);
    return b->gt ? GNTST_okay : GNTST_bad_domain;
}

/*
 * A copy pins a grant like a host mapping for the copy's duration; an
 * entry pinned already by the same domain needs only a new reference on
 * the pinned frame.
 */
static int copy_claim(struct grant_table *lgt, struct copy_buf *b, bool is_gref,
                      grant_ref_t ref, xen_pfn_t gmfn)
{
    struct gnttab_active pinned;
    bool got_ref;
    int rc;

    b->start = 0;
    b->length = PAGE_SIZE;
    if ( is_gref )
    {
        rc = pin_entry(b->gt, ref, lgt->domid, true, false, b->readonly, false,
                       &pinned, &got_ref);
        if ( rc )
            return rc;
        b->have_pin = true;
        b->ref = ref;
        b->mfn = pinned.mfn;
        b->start = pinned.start;
        b->length = pinned.length;
        /* The frame's owner: the far domain of a transitive grant. */
        if ( !got_ref &&
             !gnttab_env_get_page(b->mfn, pinned.transitive ? pinned.trans_dom
                                                            : b->gt->domid) )
            return GNTST_bad_domain;
    }
    else
    {
        b->mfn = gnttab_pv_gfn_to_mfn(_gfn(gmfn));
        if ( !gnttab_env_get_page(b->mfn, b->gt->domid) )
            return GNTST_bad_page;
    }
    b->have_page = true;
    if ( !b->readonly )
    {
        if ( !gnttab_env_get_writable(b->mfn) )
            return GNTST_general_error;
        b->have_type = true;
    }
    return GNTST_okay;
}

static void copy_release(struct copy_buf *b)
{
    if ( b->have_pin )
        unpin_entry(b->gt, b->ref, true, false, b->readonly);
    if ( b->have_type )
        gnttab_env_put_writable(b->mfn);
    if ( b->have_page )
        gnttab_env_put_page(b->mfn);
}

static bool within(unsigned int offset, unsigned int len,
                   const struct copy_buf *b)
{
    return offset >= b->start && offset + len <= b->start + b->length;
}

void gnttab_copy_one(struct grant_table *lgt, struct gnttab_copy *op)
{
    struct copy_buf src = {.readonly = true}, dst = {.readonly = false};
    bool src_gref = op->flags & GNTCOPY_source_gref;
    bool dst_gref = op->flags & GNTCOPY_dest_gref;
    int rc;

    rc = copy_find_domain(lgt, op->source.domid, src_gref, &src);
    if ( !rc )
        rc = copy_find_domain(lgt, op->dest.domid, dst_gref, &dst);
    if ( !rc )
        rc = copy_claim(lgt, &src, src_gref, op->source.u.ref,
                        op->source.u.gmfn);
    if ( !rc )
        rc = copy_claim(lgt, &dst, dst_gref, op->dest.u.ref, op->dest.u.gmfn);
    if ( !rc && ((unsigned int)op->source.offset + op->len > PAGE_SIZE ||
                 (unsigned int)op->dest.offset + op->len > PAGE_SIZE) )
        rc = GNTST_bad_copy_arg;
    if ( !rc && (!within(op->source.offset, op->len, &src) ||
                 !within(op->dest.offset, op->len, &dst)) )
        rc = GNTST_general_error; /* outside a sub_page grant, as Xen */
    if ( !rc )
        gnttab_env_copy(dst.mfn, op->dest.offset, src.mfn, op->source.offset,
                        op->len);
    copy_release(&dst);
    copy_release(&src);
    op->status = rc;
}

/* ---- transfer ---- */

/*
 * The header of entry ref, whatever the version: flags and domid are its
 * first 32 bits in both.
 */
static uint32_t *header_of(struct grant_table *gt, grant_ref_t ref)
{
    return gt->version == 2 ? (uint32_t *)&shared_v2(gt, ref)->hdr
                            : (uint32_t *)shared_of(gt, ref);
}

unsigned int gnttab_transfer_prepare(struct grant_table *rgt, domid_t from,
                                     grant_ref_t ref)
{
    unsigned int version = 0, tries;
    uint32_t *hdr, old;

    gnttab_env_lock(rgt);
    if ( ref >= gnttab_nr_entries(rgt) )
        goto out;
    hdr = header_of(rgt, ref);
    old = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
    for ( tries = 0; tries < SET_STATUS_TRIES; tries++ )
    {
        /* Exactly accept_transfer: a committed entry takes no second one. */
        if ( (uint16_t)old != GTF_accept_transfer ||
             (domid_t)(old >> 16) != from )
            goto out;
        if ( __atomic_compare_exchange_n(hdr, &old,
                                         old | GTF_transfer_committed, false,
                                         __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE) )
        {
            version = rgt->version;
            break;
        }
    }
out:
    gnttab_env_unlock(rgt);
    return version;
}

int gnttab_transfer_complete(struct grant_table *rgt, grant_ref_t ref,
                             unsigned int version, mfn_t mfn)
{
    int rc = 0;

    gnttab_env_lock(rgt);
    /* A version change since prepare reset the entry: it is not ours. */
    if ( rgt->version != version )
        rc = -EILSEQ;
    else if ( version == 1 )
    {
        grant_entry_v1_t *e = shared_of(rgt, ref);

        gnttab_env_set_m2p(mfn, _gfn(e->frame));
        e->frame = mfn_x(mfn);
    }
    else
    {
        grant_entry_v2_t *e = shared_v2(rgt, ref);

        gnttab_env_set_m2p(mfn, _gfn(e->full_page.frame));
        e->full_page.frame = mfn_x(mfn);
    }
    /* The frame is in place before the guest can see the transfer done. */
    if ( !rc )
        __atomic_fetch_or((uint16_t *)header_of(rgt, ref),
                          GTF_transfer_completed, __ATOMIC_RELEASE);
    gnttab_env_unlock(rgt);
    return rc;
}
