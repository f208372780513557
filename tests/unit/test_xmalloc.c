/* SPDX-License-Identifier: GPL-2.0-only */
/* Tests of the hypervisor heap (common/xmalloc.c) on a counting page source. */
#include "check.h"
#include "../../hypervisor/common/xmalloc.c"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

/* The page source: aligned host memory, counted and checked. */
#define MAX_CHUNKS 4096
static struct {
    void *va;
    unsigned int order;
} chunks[MAX_CHUNKS];
static int live_chunks, chunk_allocs, fail_after = -1, bad_frees;
static bool check_poison_on_free;
static int poison_bad;
/* The heap's lock: held at most once, never across a page call. */
static int lock_depth, lock_bad, locks_taken;

unsigned long xmalloc_lock(void)
{
    lock_bad += lock_depth++ != 0;
    locks_taken++;
    return 0x1234;
}

void xmalloc_unlock(unsigned long flags)
{
    lock_bad += --lock_depth != 0 || flags != 0x1234;
}

void *xmalloc_alloc_pages(unsigned int order)
{
    size_t bytes = PAGE_SIZE << order;
    void *va;

    lock_bad += lock_depth != 0;
    if ( fail_after == 0 || order > 8 )
        return NULL;
    if ( fail_after > 0 )
        fail_after--;
    va = aligned_alloc(bytes, bytes);
    for ( int i = 0; i < MAX_CHUNKS; i++ )
        if ( !chunks[i].va )
        {
            chunks[i].va = va;
            chunks[i].order = order;
            live_chunks++;
            chunk_allocs++;
            /* Garbage, as fresh pages would hold. */
            memset(va, 0x3c, bytes);
            return va;
        }
    abort();
}

void xmalloc_free_pages(void *va, unsigned int order)
{
    lock_bad += lock_depth != 0;
    for ( int i = 0; i < MAX_CHUNKS; i++ )
        if ( chunks[i].va == va )
        {
            bad_frees += chunks[i].order != order;
            if ( check_poison_on_free && order == 3 )
                poison_bad += !poison_intact(va, PAGE_SIZE << order);
            chunks[i].va = NULL;
            live_chunks--;
            free(va);
            return;
        }
    bad_frees++;
}

static void reset(void)
{
    xmalloc_init();
    fail_after = -1;
}

static void test_sizes_and_accounting(void)
{
    void *p, *q;

    reset();
    CHECK_EQ(xmalloc_used_bytes(), 0);
    p = xmalloc_bytes(10, 0);
    CHECK(p && IS_ALIGNED((uintptr_t)p, 16));
    CHECK_EQ(xmalloc_used_bytes(), 16);
    CHECK_EQ(live_chunks, 1);
    q = xmalloc_bytes(100, 0);
    CHECK(q && IS_ALIGNED((uintptr_t)q, 128));
    CHECK_EQ(xmalloc_used_bytes(), 16 + 128);
    CHECK_EQ(live_chunks, 2);
    xfree(p);
    CHECK_EQ(live_chunks, 1); /* the 16-byte pool page went back */
    xfree(q);
    CHECK_EQ(live_chunks, 0);
    CHECK_EQ(xmalloc_used_bytes(), 0);

    /* The pool limit, and large blocks by whole pages. */
    p = xmalloc_bytes(2048, 0);
    CHECK_EQ(xmalloc_used_bytes(), 2048);
    q = xmalloc_bytes(2049, 0);
    CHECK_EQ(xmalloc_used_bytes(), 2048 + PAGE_SIZE);
    CHECK(IS_ALIGNED((uintptr_t)q, 16));
    xfree(q);
    q = xmalloc_bytes(PAGE_SIZE, PAGE_SIZE); /* needs a second page */
    CHECK(q && IS_ALIGNED((uintptr_t)q, PAGE_SIZE));
    CHECK_EQ(xmalloc_used_bytes(), 2048 + 2 * PAGE_SIZE);
    memset(q, 1, PAGE_SIZE);
    xfree(q);
    q = xmalloc_bytes(5 * PAGE_SIZE, 64);
    CHECK_EQ(xmalloc_used_bytes(), 2048 + 8 * PAGE_SIZE);
    memset(q, 2, 5 * PAGE_SIZE);
    xfree(q);
    xfree(p);
    CHECK_EQ(xmalloc_used_bytes(), 0);
    CHECK_EQ(live_chunks, 0);

    /* Zero-size requests still give distinct objects. */
    p = xmalloc_bytes(0, 0);
    q = xmalloc_bytes(0, 0);
    CHECK(p && q && p != q);
    xfree(p);
    xfree(q);
    xfree(NULL);
    CHECK_EQ(xmalloc_used_bytes(), 0);
    CHECK_EQ(bad_frees, 0);
}

static void test_alignment(void)
{
    int bad = 0;

    reset();
    for ( size_t align = 1; align <= PAGE_SIZE; align <<= 1 )
        for ( size_t size = 1; size < 3 * PAGE_SIZE; size = size * 3 + 1 )
        {
            unsigned char *p = xmalloc_bytes(size, align);

            bad += !p || !IS_ALIGNED((uintptr_t)p, MAX(align, 16));
            if ( p )
            {
                memset(p, 0xee, size);
                xfree(p);
            }
        }
    CHECK_EQ(bad, 0);
    CHECK_EQ(live_chunks, 0);
    /* Not a power of two, or beyond a page: refused. */
    CHECK(xmalloc_bytes(16, 3) == NULL);
    CHECK(xmalloc_bytes(16, 48) == NULL);
    CHECK(xmalloc_bytes(16, 2 * PAGE_SIZE) == NULL);
    {
        uint64_t *q = xmalloc(uint64_t);

        CHECK(q != NULL && live_chunks == 1);
        xfree(q);
    }
}

static void test_overflow_and_oom(void)
{
    int allocs_before = chunk_allocs;

    reset();
    CHECK(xmalloc_bytes(SIZE_MAX, 0) == NULL);
    CHECK(xmalloc_bytes(SIZE_MAX - 16, 0) == NULL);
    CHECK(xmalloc_bytes(SIZE_MAX - PAGE_SIZE + 1, PAGE_SIZE) == NULL);
    CHECK(xmalloc_bytes((size_t)1 << 40, 0) == NULL);
    CHECK(xmalloc_bytes((PAGE_SIZE << LARGE_MAX_ORDER) - 31, 0) == NULL);
    CHECK(xzalloc_array(uint64_t, SIZE_MAX / 4) == NULL);
    CHECK(xzalloc_array(uint64_t, SIZE_MAX / 8 + 1) == NULL);
    CHECK_EQ(chunk_allocs, allocs_before); /* refused before asking */
    CHECK_EQ(xmalloc_used_bytes(), 0);

    /* The source running dry gives NULL, with the books unchanged. */
    fail_after = 0;
    CHECK(xmalloc_bytes(8, 0) == NULL);
    CHECK(xmalloc_bytes(3000, 0) == NULL);
    CHECK_EQ(xmalloc_used_bytes(), 0);
    fail_after = 1;
    {
        void *p[300];
        int n = 0;

        while ( n < 300 && (p[n] = xmalloc_bytes(16, 0)) != NULL )
            n++;
        CHECK_EQ(n, objs_per_page(4));
        CHECK_EQ(xmalloc_used_bytes(), 16 * n);
        while ( n )
            xfree(p[--n]);
    }
    CHECK_EQ(live_chunks, 0);
    CHECK_EQ(xmalloc_used_bytes(), 0);
}

static void test_zero_and_poison(void)
{
    unsigned char *a, *b, *c;
    int nonzero = 0;

    reset();
    a = xmalloc_bytes(64, 0);
    b = xmalloc_bytes(64, 0);
    memset(a, 0xff, 64);
    xfree(a);
    /* The freed object is poisoned past its link; its neighbour untouched. */
    CHECK(poison_intact(a, 64));
    c = xzalloc_bytes(64, 0);
    CHECK(c == a);
    for ( int i = 0; i < 64; i++ )
        nonzero += c[i] != 0;
    CHECK_EQ(nonzero, 0);
    xfree(b);
    xfree(c);
    /* Large blocks are poisoned before they go back to the source. */
    check_poison_on_free = true;
    a = xmalloc_bytes(5 * PAGE_SIZE, 0);
    memset(a, 0, 5 * PAGE_SIZE);
    xfree(a);
    check_poison_on_free = false;
    CHECK_EQ(poison_bad, 0);
    CHECK_EQ(live_chunks, 0);
}

/*
 * Random sizes and alignments; every object is filled with its own
 * pattern, checked on free, and checked against every live object for
 * overlap.
 */
struct obj {
    unsigned char *p;
    size_t size;
    unsigned char tag;
};

static void test_stress(void)
{
    static struct obj live[1500];
    size_t nlive = 0, classes_used = 0;
    int bad = 0, overlaps = 0;

    reset();
    srand(11);
    for ( int k = 0; k < 40000; k++ )
    {
        if ( nlive < ARRAY_SIZE(live) && (rand() % 2 || !nlive) )
        {
            size_t size = rand() % 8 ? (size_t)(rand() % 300)
                                     : (size_t)rand() % (3 * PAGE_SIZE);
            size_t align = rand() % 4 ? 0 : 1UL << (rand() % 13);
            struct obj o = {xmalloc_bytes(size, align), size, (unsigned char)k};

            if ( !o.p )
            {
                bad++;
                continue;
            }
            bad += !IS_ALIGNED((uintptr_t)o.p, MAX(align, 16));
            for ( size_t i = 0; i < nlive; i++ )
                overlaps +=
                    o.p < live[i].p + live[i].size && live[i].p < o.p + size;
            for ( size_t i = 0; i < size; i++ )
                o.p[i] = o.tag + i;
            live[nlive++] = o;
            classes_used = MAX(classes_used, xmalloc_used_bytes());
        }
        else
        {
            size_t i = rand() % nlive;

            for ( size_t j = 0; j < live[i].size; j++ )
                bad += live[i].p[j] != (unsigned char)(live[i].tag + j);
            xfree(live[i].p);
            live[i] = live[--nlive];
        }
    }
    while ( nlive-- )
        xfree(live[nlive].p);
    CHECK_EQ(bad, 0);
    CHECK_EQ(overlaps, 0);
    CHECK_EQ(xmalloc_used_bytes(), 0);
    CHECK_EQ(live_chunks, 0);
    CHECK_EQ(bad_frees, 0);
    CHECK(classes_used > 100000);
    CHECK_EQ(lock_bad, 0);
    CHECK_EQ(lock_depth, 0);
    CHECK(locks_taken > 40000);
}

/* Runs fn in a child and reports whether it died by ASSERT (abort). */
static bool asserts(void (*fn)(void))
{
    pid_t pid;
    int status;

    fflush(NULL);
    pid = fork();
    if ( pid == 0 )
    {
        freopen("/dev/null", "w", stderr);
        reset();
        fn();
        _exit(0);
    }
    waitpid(pid, &status, 0);
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

static void double_free_small(void)
{
    void *keep = xmalloc_bytes(32, 0), *p = xmalloc_bytes(32, 0);

    (void)keep;
    xfree(p);
    xfree(p);
}

static void free_interior_pointer(void)
{
    char *p = xmalloc_bytes(64, 0);

    xfree(p + 16);
}

static void free_interior_large(void)
{
    char *p = xmalloc_bytes(10000, 0);

    xfree(p + 64);
}

static void write_after_free(void)
{
    char *keep = xmalloc_bytes(128, 0), *p = xmalloc_bytes(128, 0);

    (void)keep;
    xfree(p);
    p[100] = 1;
    xmalloc_bytes(128, 0);
}

static void clean_reuse(void)
{
    char *keep = xmalloc_bytes(128, 0), *p = xmalloc_bytes(128, 0);

    (void)keep;
    xfree(p);
    xfree(xmalloc_bytes(128, 0));
}

static void test_sanity_checks(void)
{
    CHECK(asserts(double_free_small));
    CHECK(asserts(free_interior_pointer));
    CHECK(asserts(free_interior_large));
    CHECK(asserts(write_after_free));
    CHECK(!asserts(clean_reuse));
}

static void run_tests(void)
{
    test_sizes_and_accounting();
    test_alignment();
    test_overflow_and_oom();
    test_zero_and_poison();
    test_stress();
    test_sanity_checks();
    CHECK_EQ(lock_bad, 0);
}
