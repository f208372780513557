/* SPDX-License-Identifier: GPL-2.0-only */
/* Tests of the buddy allocator (common/page_alloc.c) against a simple model. */
#include "check.h"
#include "../../hypervisor/common/page_alloc.c"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xen/xen.h>

#define SZ(o) (1UL << (o))

static struct page_info *ft;
static unsigned long ft_n;

/* The model: what each frame should be. */
enum { M_HOLE, M_FREE, M_USED };
static unsigned char *model;

static void setup(unsigned long n)
{
    free(ft);
    free(model);
    ft = calloc(n, sizeof(*ft));
    model = calloc(n, 1);
    ft_n = n;
    page_alloc_init(ft, n);
}

static void add(unsigned long start, unsigned long nr)
{
    page_alloc_add_range(_mfn(start), nr);
    memset(model + start, M_FREE, nr);
}

/*
 * Walk every free list and check the invariants: heads are aligned, in
 * their zone and flagged; blocks do not overlap; exactly the frames the
 * model calls free are free; no two free buddies were left unmerged.
 * Returns the number of violations.
 */
static int check_structure(void)
{
    unsigned char *seen = calloc(ft_n, 1);
    unsigned long sum = 0;
    int bad = 0;

    for ( unsigned int z = 0; z < NR_ZONES; z++ )
        for ( unsigned int o = 0; o <= MAX_ORDER; o++ )
        {
            struct page_info *pg;

            list_for_each_entry(pg, &free_lists[z][o], list)
            {
                unsigned long m = pg - ft;

                bad += pg->order != o || !IS_ALIGNED(m, SZ(o)) ||
                       zone_of(m) != z || m + SZ(o) > ft_n;
                bad += z && zone_of(m + SZ(o) - 1) != z;
                bad += !z && m + SZ(o) > 2;
                for ( unsigned long i = m; i < m + SZ(o) && i < ft_n; i++ )
                {
                    bad += seen[i]++ != 0;
                    bad += ft[i].count_info != PGC_free;
                    bad += model[i] != M_FREE;
                }
                sum += SZ(o);
                if ( o < MAX_ORDER )
                {
                    unsigned long b = m ^ SZ(o);

                    /* An unmerged free buddy of the same order and zone. */
                    bad += b < ft_n && ft[b].count_info == PGC_free &&
                           ft[b].order == o && zone_of(b) == z;
                }
            }
        }
    for ( unsigned long i = 0; i < ft_n; i++ )
    {
        bad += (model[i] == M_FREE) != (seen[i] != 0);
        bad += model[i] == M_HOLE && ft[i].count_info != PGC_reserved;
        bad += model[i] == M_USED &&
               (ft[i].count_info & (PGC_free | PGC_reserved));
    }
    bad += sum != page_alloc_free_frames();
    free(seen);
    return bad;
}

/* The free blocks as a sorted list of (mfn << 8 | order). */
static size_t snapshot(unsigned long *out, size_t max)
{
    size_t n = 0;

    for ( unsigned long m = 0; m < ft_n; m++ )
        if ( ft[m].count_info == PGC_free && ft[m].list.next &&
             ft[m].list.next->prev == &ft[m].list && n < max )
            out[n++] = m << 8 | ft[m].order;
    return n;
}

/*
 * Whether a block ends below 2^bits. Below 13 bits only MFN 0 would do,
 * and the allocator (by design, zone 0 is [0, 2)) serves none of them.
 */
static bool fits(unsigned long m, unsigned int order, unsigned int bits)
{
    if ( bits && bits <= PAGE_SHIFT )
        return false;
    return !bits || bits >= 64 ||
           ((m + SZ(order)) << PAGE_SHIFT) - 1 < (1UL << bits);
}

/*
 * The zone a correct allocator must serve (order, bits) from: the highest
 * zone holding a wholly free aligned block within the limit; -1 if none.
 */
static int model_best_zone(unsigned int order, unsigned int bits)
{
    unsigned long m = ROUNDDOWN(ft_n, SZ(order));

    while ( m >= SZ(order) )
    {
        unsigned long i;

        m -= SZ(order);
        /* Blocks from 0 up cross zones beyond [0, 2). */
        if ( (m == 0 && order > 1) || !fits(m, order, bits) )
            continue;
        for ( i = 0; i < SZ(order) && model[m + i] == M_FREE; i++ )
            ;
        if ( i == SZ(order) )
            return zone_of(m);
    }
    return -1;
}

static void test_basic(void)
{
    mfn_t a, b;

    CHECK_EQ(PAGE_ALLOC_NO_OWNER, DOMID_INVALID);
    setup(64);
    CHECK_EQ(page_alloc_free_frames(), 0);
    CHECK(mfn_eq(alloc_heap_pages(0, 0), INVALID_MFN));
    CHECK_EQ(ft[5].count_info, PGC_reserved);

    add(0, 64);
    CHECK_EQ(page_alloc_free_frames(), 64);
    CHECK_EQ(page_alloc_total_frames(), 64);
    CHECK_EQ(check_structure(), 0);
    /* Highest first: the top half of the top zone block [32, 64). */
    a = alloc_heap_pages(0, 0);
    CHECK_EQ(mfn_x(a), 63);
    CHECK_EQ(ft[63].count_info, 0);
    CHECK_EQ(ft[63].type_info, 0);
    CHECK_EQ(ft[63].owner, DOMID_INVALID);
    model[63] = M_USED;
    b = alloc_heap_pages(5, 0);
    CHECK(mfn_eq(b, INVALID_MFN)); /* [32, 64) is broken now */
    b = alloc_heap_pages(4, 0);
    CHECK_EQ(mfn_x(b), 32);
    memset(model + 32, M_USED, 16);
    CHECK_EQ(page_alloc_free_frames(), 64 - 17);
    CHECK_EQ(check_structure(), 0);
    free_heap_pages(a, 0);
    model[63] = M_FREE;
    free_heap_pages(b, 4);
    memset(model + 32, M_FREE, 16);
    CHECK_EQ(check_structure(), 0);
    CHECK_EQ(page_alloc_free_frames(), 64);
    /* Everything coalesced again: [0,2), [2,4), [4,8), ..., [32,64). */
    CHECK_EQ(ft[32].order, 5);
    CHECK_EQ(ft[16].order, 4);
    CHECK_EQ(ft[0].order, 1);
    CHECK(mfn_eq(alloc_heap_pages(MAX_ORDER + 1, 0), INVALID_MFN));
}

/* Unaligned ranges split into maximal aligned blocks; holes stay holes. */
static void test_add_range(void)
{
    unsigned long snap[64];
    size_t n;

    setup(64);
    add(3, 14); /* [3, 17): 3/0 4/2 8/3 16/0 */
    n = snapshot(snap, 64);
    CHECK_EQ(n, 4);
    CHECK_EQ(snap[0], 3UL << 8 | 0);
    CHECK_EQ(snap[1], 4UL << 8 | 2);
    CHECK_EQ(snap[2], 8UL << 8 | 3);
    CHECK_EQ(snap[3], 16UL << 8 | 0);
    CHECK_EQ(check_structure(), 0);
    /* Filling the gap before merges up to the zone limits. */
    add(0, 3);
    add(17, 15);
    n = snapshot(snap, 64);
    CHECK_EQ(n, 5); /* [0,2) [2,4) [4,8) [8,16) [16,32) */
    CHECK_EQ(check_structure(), 0);
    CHECK_EQ(page_alloc_total_frames(), 32);

    /* A reserved frame in the middle is never merged across. */
    setup(128);
    add(0, 50);
    add(51, 77);
    CHECK_EQ(check_structure(), 0);
    CHECK_EQ(mfn_x(alloc_heap_pages(6, 0)), 64);
    CHECK(mfn_eq(alloc_heap_pages(6, 0), INVALID_MFN));
    /* [32, 64) has 50 in it, and [0, 32) spans five zones. */
    CHECK(mfn_eq(alloc_heap_pages(5, 0), INVALID_MFN));
    CHECK_EQ(mfn_x(alloc_heap_pages(4, 0)), 32);
    {
        int got = 0, saw50 = 0;
        mfn_t m;

        while ( !mfn_eq(m = alloc_heap_pages(0, 0), INVALID_MFN) )
        {
            got++;
            saw50 += mfn_x(m) == 50;
        }
        CHECK_EQ(got, 127 - 64 - 16);
        CHECK_EQ(saw50, 0);
    }
    CHECK_EQ(page_alloc_free_frames(), 0);
    CHECK_EQ(ft[50].count_info, PGC_reserved);

    /* Empty and one-frame ranges. */
    setup(16);
    add(7, 0);
    CHECK_EQ(page_alloc_free_frames(), 0);
    add(15, 1);
    CHECK_EQ(mfn_x(alloc_heap_pages(0, 0)), 15);
}

static void test_addr_limits(void)
{
    mfn_t m;

    setup(1UL << 14); /* 64 MiB: zones 0..13 */
    add(0, 1UL << 14);
    CHECK(mfn_eq(alloc_heap_pages(0, 12), INVALID_MFN));
    m = alloc_heap_pages(0, 13); /* zone 0: [0, 8 KiB) */
    CHECK(mfn_x(m) < 2);
    m = alloc_heap_pages(1, 13);
    CHECK(mfn_eq(m, INVALID_MFN)); /* [0,2) is broken */
    /* 1 MiB: frames below 256, no block of 256 frames fits one zone. */
    CHECK(mfn_eq(alloc_heap_pages(8, 20), INVALID_MFN));
    CHECK_EQ(mfn_x(alloc_heap_pages(7, 20)), 128);
    m = alloc_heap_pages(0, 64);
    CHECK_EQ(mfn_x(m), (1UL << 14) - 1);
    m = alloc_heap_pages(0, 200);
    CHECK_EQ(mfn_x(m), (1UL << 14) - 2);
    m = alloc_heap_pages(13, 0);
    CHECK(mfn_eq(m, INVALID_MFN)); /* top zone broken, no other that big */
    m = alloc_heap_pages(12, 26);  /* [8192, 12288) is still whole */
    CHECK_EQ(mfn_x(m), 1UL << 13);
    m = alloc_heap_pages(12, 25); /* 32 MiB: zone 12 */
    CHECK_EQ(mfn_x(m), 1UL << 12);
}

/* MAX_ORDER caps block sizes even where more would be aligned and free. */
static void test_max_order(void)
{
    unsigned long n = SZ(MAX_ORDER + 1) + SZ(MAX_ORDER);

    setup(n);
    add(0, n);
    CHECK_EQ(check_structure(), 0);
    CHECK(mfn_eq(alloc_heap_pages(MAX_ORDER + 1, 0), INVALID_MFN));
    CHECK_EQ(mfn_x(alloc_heap_pages(MAX_ORDER, 0)), SZ(MAX_ORDER + 1));
    CHECK_EQ(mfn_x(alloc_heap_pages(MAX_ORDER, 0)), SZ(MAX_ORDER));
    CHECK(mfn_eq(alloc_heap_pages(MAX_ORDER, 0), INVALID_MFN));
    free_heap_pages(_mfn(SZ(MAX_ORDER)), MAX_ORDER);
    free_heap_pages(_mfn(SZ(MAX_ORDER + 1)), MAX_ORDER);
    CHECK_EQ(ft[SZ(MAX_ORDER)].order, MAX_ORDER);
    CHECK_EQ(page_alloc_free_frames(), n);
}

struct block {
    unsigned long mfn;
    unsigned int order;
};

static void stress_one(unsigned long n, unsigned int seed, int ops)
{
    static struct block live[8192];
    unsigned long snap0[4096], snap1[4096];
    size_t nlive = 0, n0, n1;
    unsigned long initial;
    int bad = 0, allocs = 0, fails = 0;

    srand(seed);
    setup(n);
    /* Random ranges with random reserved holes between them. */
    for ( unsigned long m = rand() % 3; m < n; )
    {
        unsigned long len = 1 + rand() % (n / 8);

        len = MIN(len, n - m);
        add(m, len);
        m += len + rand() % 4;
    }
    initial = page_alloc_free_frames();
    n0 = snapshot(snap0, ARRAY_SIZE(snap0));
    CHECK_EQ(check_structure(), 0);

    for ( int k = 0; k < ops; k++ )
    {
        if ( nlive < ARRAY_SIZE(live) && (rand() % 3 || !nlive) )
        {
            unsigned int order = rand() % 4 ? rand() % 3 : rand() % 10;
            unsigned int bits = rand() % 2 ? 0 : 12 + rand() % 16;
            int want = model_best_zone(order, bits);
            mfn_t m = alloc_heap_pages(order, bits);

            if ( mfn_eq(m, INVALID_MFN) )
            {
                fails++;
                bad += want != -1; /* it was there to be had */
                if ( want != -1 )
                    fprintf(stderr, "order %u bits %u: failed, zone %d free\n",
                            order, bits, want);
                continue;
            }
            allocs++;
            bad += !IS_ALIGNED(mfn_x(m), SZ(order)) || mfn_x(m) + SZ(order) > n;
            bad += !fits(mfn_x(m), order, bits);
            if ( (int)zone_of(mfn_x(m)) != want )
            {
                bad++;
                fprintf(stderr, "order %u bits %u: got %#lx, zone %d wanted\n",
                        order, bits, mfn_x(m), want);
            }
            for ( unsigned long i = 0; i < SZ(order); i++ )
            {
                bad += model[mfn_x(m) + i] != M_FREE; /* overlap or hole */
                model[mfn_x(m) + i] = M_USED;
            }
            live[nlive++] = (struct block){mfn_x(m), order};
        }
        else
        {
            size_t i = rand() % nlive;

            free_heap_pages(_mfn(live[i].mfn), live[i].order);
            memset(model + live[i].mfn, M_FREE, SZ(live[i].order));
            live[i] = live[--nlive];
        }
        if ( k % 256 == 0 )
            bad += check_structure();
    }
    while ( nlive )
    {
        nlive--;
        free_heap_pages(_mfn(live[nlive].mfn), live[nlive].order);
        memset(model + live[nlive].mfn, M_FREE, SZ(live[nlive].order));
    }
    CHECK_EQ(bad, 0);
    CHECK_EQ(check_structure(), 0);
    CHECK_EQ(page_alloc_free_frames(), initial);
    /* Coalescing is complete: the very same blocks as at the start. */
    n1 = snapshot(snap1, ARRAY_SIZE(snap1));
    CHECK_EQ(n1, n0);
    CHECK(n0 == n1 && !memcmp(snap0, snap1, n0 * sizeof(snap0[0])));
    CHECK(allocs > ops / 3);
    CHECK(fails > 0 || ops < 1000);
}

static void test_stress(void)
{
    stress_one(4096, 1, 20000);
    stress_one(3000, 2, 20000);
    stress_one(1UL << 14, 3, 10000);
    stress_one(257, 4, 5000);
}

/* Runs fn in a child and reports whether it died by ASSERT (abort). */
static bool asserts(void (*fn)(void))
{
    pid_t pid = fork();
    int status;

    if ( pid == 0 )
    {
        freopen("/dev/null", "w", stderr);
        fn();
        _exit(0);
    }
    waitpid(pid, &status, 0);
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

static void double_free(void)
{
    mfn_t m = alloc_heap_pages(1, 0);

    free_heap_pages(m, 1);
    free_heap_pages(m, 1);
}

static void free_part_of_free_block(void)
{
    mfn_t m = alloc_heap_pages(2, 0);

    free_heap_pages(m, 2);
    free_heap_pages(_mfn(mfn_x(m) + 2), 1);
}

static void free_reserved(void)
{
    free_heap_pages(_mfn(40), 0);
}

static void free_misaligned(void)
{
    mfn_t m = alloc_heap_pages(2, 0);

    free_heap_pages(_mfn(mfn_x(m) + 1), 1);
}

static void add_twice(void)
{
    page_alloc_add_range(_mfn(10), 4);
}

static void free_allocated_ok(void)
{
    free_heap_pages(alloc_heap_pages(3, 0), 3);
}

static void test_sanity_checks(void)
{
    setup(64);
    add(0, 32);
    add(48, 16); /* [32, 48) reserved */
    fflush(NULL);
    CHECK(asserts(double_free));
    CHECK(asserts(free_part_of_free_block));
    CHECK(asserts(free_reserved));
    CHECK(asserts(free_misaligned));
    CHECK(asserts(add_twice));
    CHECK(!asserts(free_allocated_ok));
}

static void run_tests(void)
{
    test_basic();
    test_add_range();
    test_addr_limits();
    test_max_order();
    test_stress();
    test_sanity_checks();
    free(ft);
    free(model);
}
