/* SPDX-License-Identifier: GPL-2.0-only */
/* Tests of memory map sanitising and carving (common/memmap.c). */
#include "check.h"
#include "../../hypervisor/common/memmap.c"

static struct memmap m;

static void reset(void)
{
    memset(&m, 0, sizeof(m));
}

/* Sorted, disjoint, no empty entries, touching neighbours differ. */
static bool well_formed(const struct memmap *mm)
{
    for ( unsigned int i = 0; i < mm->nr; i++ )
    {
        const struct memmap_entry *e = &mm->map[i];

        if ( !e->size || e->addr + e->size < e->addr )
            return false;
        if ( i && (e->addr < end_of(e - 1) ||
                   (e->addr == end_of(e - 1) && e->type == e[-1].type)) )
            return false;
    }
    return mm->nr <= MEMMAP_MAX;
}

static uint32_t type_of_byte(const struct memmap *mm, uint64_t a)
{
    for ( unsigned int i = 0; i < mm->nr; i++ )
        if ( a >= mm->map[i].addr && a < end_of(&mm->map[i]) )
            return mm->map[i].type;
    return 0;
}

#define ENTRY(i, a, s, t)                                                      \
    do                                                                         \
    {                                                                          \
        CHECK_EQ(m.map[i].addr, a);                                            \
        CHECK_EQ(m.map[i].size, s);                                            \
        CHECK_EQ(m.map[i].type, t);                                            \
    } while ( 0 )

static void test_add(void)
{
    reset();
    CHECK_EQ(memmap_add(&m, 0x1000, 0, MEMMAP_RAM), -EINVAL);
    CHECK_EQ(memmap_add(&m, ~0ULL, 1, MEMMAP_RAM), -EINVAL);
    CHECK_EQ(memmap_add(&m, 1ULL << 63, 1ULL << 63, MEMMAP_RAM), -EINVAL);
    CHECK_EQ(memmap_add(&m, ~0ULL - 1, 1, MEMMAP_RAM), 0);
    CHECK_EQ(m.nr, 1);
    for ( int i = 1; i < MEMMAP_MAX; i++ )
        CHECK_EQ(memmap_add(&m, i * 0x1000, 0x1000, MEMMAP_RAM), 0);
    CHECK_EQ(memmap_add(&m, 0, 0x1000, MEMMAP_RAM), -ENOSPC);
    CHECK_EQ(m.nr, MEMMAP_MAX);
}

static void test_sanitize_cases(void)
{
    /* A typical BIOS map, unsorted, with overlaps and split RAM. */
    reset();
    memmap_add(&m, 0x100000, 0x7f00000, MEMMAP_RAM);
    memmap_add(&m, 0, 0x9fc00, MEMMAP_RAM);
    memmap_add(&m, 0x9fc00, 0x400, MEMMAP_RESERVED);
    memmap_add(&m, 0xf0000, 0x10000, MEMMAP_RESERVED);
    memmap_add(&m, 0x7000000, 0x2000000, MEMMAP_ACPI); /* over RAM's end */
    memmap_add(&m, 0x8000000, 0x1000000, MEMMAP_RAM);  /* under ACPI */
    memmap_add(&m, 0x9000000, 0x1000000, MEMMAP_RAM);  /* touches ACPI */
    memmap_add(&m, 0xa000000, 0x1000000, MEMMAP_RAM);  /* touches RAM */
    memmap_sanitize(&m);
    CHECK(well_formed(&m));
    CHECK_EQ(m.nr, 6);
    ENTRY(0, 0, 0x9fc00, MEMMAP_RAM);
    ENTRY(1, 0x9fc00, 0x400, MEMMAP_RESERVED);
    ENTRY(2, 0xf0000, 0x10000, MEMMAP_RESERVED);
    ENTRY(3, 0x100000, 0x6f00000, MEMMAP_RAM);
    ENTRY(4, 0x7000000, 0x2000000, MEMMAP_ACPI);
    ENTRY(5, 0x9000000, 0x2000000, MEMMAP_RAM);
    CHECK_EQ(memmap_ram_end(&m), 0xb000000);
    CHECK_EQ(memmap_total(&m, MEMMAP_RAM), 0x9fc00 + 0x6f00000 + 0x2000000);
    CHECK_EQ(memmap_total(&m, MEMMAP_RESERVED), 0x10400);
    CHECK_EQ(memmap_total(&m, MEMMAP_NVS), 0);

    /* Non-RAM types: the higher number wins, whatever the order. */
    reset();
    memmap_add(&m, 0x3000, 0x3000, MEMMAP_NVS);
    memmap_add(&m, 0x0000, 0x8000, MEMMAP_RESERVED);
    memmap_add(&m, 0x1000, 0x1000, MEMMAP_ACPI);
    memmap_add(&m, 0x5000, 0x2000, MEMMAP_UNUSABLE);
    memmap_add(&m, 0x0000, 0x9000, MEMMAP_RAM);
    memmap_sanitize(&m);
    CHECK(well_formed(&m));
    CHECK_EQ(m.nr, 7);
    ENTRY(0, 0x0000, 0x1000, MEMMAP_RESERVED);
    ENTRY(1, 0x1000, 0x1000, MEMMAP_ACPI);
    ENTRY(2, 0x2000, 0x1000, MEMMAP_RESERVED);
    ENTRY(3, 0x3000, 0x2000, MEMMAP_NVS);
    ENTRY(4, 0x5000, 0x2000, MEMMAP_UNUSABLE);
    ENTRY(5, 0x7000, 0x1000, MEMMAP_RESERVED);
    ENTRY(6, 0x8000, 0x1000, MEMMAP_RAM);

    /* Duplicates collapse; same types across a hole stay apart. */
    reset();
    memmap_add(&m, 0x1000, 0x1000, MEMMAP_RAM);
    memmap_add(&m, 0x1000, 0x1000, MEMMAP_RAM);
    memmap_add(&m, 0x3000, 0x1000, MEMMAP_RAM);
    memmap_sanitize(&m);
    CHECK_EQ(m.nr, 2);
    ENTRY(0, 0x1000, 0x1000, MEMMAP_RAM);
    ENTRY(1, 0x3000, 0x1000, MEMMAP_RAM);

    /* Entries that never came through memmap_add(): empty and wrapping. */
    reset();
    m.nr = 3;
    m.map[0] = (struct memmap_entry){0x5000, 0, MEMMAP_RESERVED};
    m.map[1] = (struct memmap_entry){~0ULL - 0xfff, 0x2000, MEMMAP_RAM};
    m.map[2] = (struct memmap_entry){0x1000, 0x1000, MEMMAP_RAM};
    memmap_sanitize(&m);
    CHECK(well_formed(&m));
    CHECK_EQ(m.nr, 2);
    ENTRY(0, 0x1000, 0x1000, MEMMAP_RAM);
    ENTRY(1, ~0ULL - 0xfff, 0xfff, MEMMAP_RAM);

    reset();
    memmap_sanitize(&m);
    CHECK_EQ(m.nr, 0);
    CHECK_EQ(memmap_ram_end(&m), 0);
}

/*
 * More pieces than entries: one RAM range with 127 reservations inside
 * needs 255. Whatever is dropped, no reserved byte may become RAM.
 */
static void test_sanitize_overflow(void)
{
    int bad = 0;

    reset();
    memmap_add(&m, 0, 0x100000, MEMMAP_RAM);
    /* Starting at 0, so that the last entry that fits is RAM. */
    for ( int i = 0; i < MEMMAP_MAX - 1; i++ )
        memmap_add(&m, i * 0x2000, 0x800, MEMMAP_RESERVED);
    memmap_sanitize(&m);
    CHECK(well_formed(&m));
    CHECK_EQ(m.nr, MEMMAP_MAX);
    CHECK_EQ(m.map[MEMMAP_MAX - 2].type, MEMMAP_RESERVED);
    for ( int i = 0; i < MEMMAP_MAX - 1; i++ )
        for ( uint64_t a = i * 0x2000; a < i * 0x2000 + 0x800u; a += 0x100 )
            bad += type_of_byte(&m, a) != MEMMAP_RESERVED;
    CHECK_EQ(bad, 0);
    CHECK_EQ(type_of_byte(&m, 0x1000), MEMMAP_RAM);
    CHECK(memmap_total(&m, MEMMAP_RAM) > 0x40000);
    CHECK_EQ(end_of(&m.map[m.nr - 1]), 0x100000);
}

/* Random maps on a 256-byte address space, against a byte-wise model. */
static uint32_t model_winner(const struct memmap *in, uint64_t a)
{
    uint32_t t = 0;

    for ( unsigned int i = 0; i < in->nr; i++ )
        if ( a >= in->map[i].addr && a < end_of(&in->map[i]) )
            t = t ? stronger(t, in->map[i].type) : in->map[i].type;
    return t;
}

static void test_sanitize_random(void)
{
    static struct memmap in;
    int bad = 0, malformed = 0;

    srand(3);
    for ( int k = 0; k < 3000; k++ )
    {
        unsigned int n = 1 + rand() % 40;

        reset();
        for ( unsigned int i = 0; i < n; i++ )
        {
            uint64_t a = rand() % 250, s = 1 + rand() % (rand() % 4 ? 8 : 100);
            uint32_t t = rand() % 3 ? MEMMAP_RAM : 1 + rand() % 7;

            memmap_add(&m, a, MIN(s, 256 - a), t);
        }
        in = m;
        memmap_sanitize(&m);
        malformed += !well_formed(&m);
        for ( uint64_t a = 0; a < 256; a++ )
            bad += type_of_byte(&m, a) != model_winner(&in, a);
    }
    CHECK_EQ(malformed, 0);
    CHECK_EQ(bad, 0);
}

static void test_set_type(void)
{
    reset();
    memmap_add(&m, 0, 0x9f000, MEMMAP_RAM);
    memmap_add(&m, 0x100000, 0xff00000, MEMMAP_RAM);
    memmap_add(&m, 0x10000000, 0x1000, MEMMAP_RESERVED);
    memmap_sanitize(&m);
    /* Split the middle of an entry. */
    CHECK_EQ(memmap_set_type(&m, 0x200000, 0x300000, MEMMAP_RESERVED), 0);
    CHECK(well_formed(&m));
    CHECK_EQ(m.nr, 5);
    ENTRY(1, 0x100000, 0x100000, MEMMAP_RAM);
    ENTRY(2, 0x200000, 0x300000, MEMMAP_RESERVED);
    ENTRY(3, 0x500000, 0xfb00000, MEMMAP_RAM);
    /* Across a hole and two entries (low 1 MiB, as mm.c does). */
    CHECK_EQ(memmap_set_type(&m, 0, 0x180000, MEMMAP_RESERVED), 0);
    CHECK(well_formed(&m));
    ENTRY(0, 0, 0x180000, MEMMAP_RESERVED);
    ENTRY(1, 0x180000, 0x80000, MEMMAP_RAM);
    /* Touching a same-type neighbour merges. */
    CHECK_EQ(memmap_set_type(&m, 0x10000000 - 0x1000, 0x1000, MEMMAP_RESERVED),
             0);
    CHECK(well_formed(&m));
    ENTRY(m.nr - 1, 0x10000000 - 0x1000, 0x2000, MEMMAP_RESERVED);
    /* Giving the RAM back merges it all again. */
    CHECK_EQ(memmap_set_type(&m, 0x180000, 0x10000000 - 0x181000, MEMMAP_RAM),
             0);
    CHECK(well_formed(&m));
    CHECK_EQ(m.nr, 3);
    ENTRY(1, 0x180000, 0x10000000 - 0x181000, MEMMAP_RAM);
    /* Beyond every entry, and into an empty map. */
    CHECK_EQ(memmap_set_type(&m, 0x20000000, 0x1000, MEMMAP_NVS), 0);
    ENTRY(m.nr - 1, 0x20000000, 0x1000, MEMMAP_NVS);
    reset();
    CHECK_EQ(memmap_set_type(&m, 0x1000, 0x1000, MEMMAP_RAM), 0);
    CHECK_EQ(m.nr, 1);
    /* Bad ranges. */
    CHECK_EQ(memmap_set_type(&m, 0x1000, 0, MEMMAP_RAM), -EINVAL);
    CHECK_EQ(memmap_set_type(&m, ~0ULL, 2, MEMMAP_RAM), -EINVAL);

    /* A full map that needs one more entry: -ENOSPC, map unchanged. */
    reset();
    for ( int i = 0; i < MEMMAP_MAX; i++ )
        memmap_add(&m, i * 0x2000, 0x1000, MEMMAP_RAM);
    {
        static struct memmap before;

        before = m;
        CHECK_EQ(memmap_set_type(&m, 0x400, 0x100, MEMMAP_RESERVED), -ENOSPC);
        CHECK(!memcmp(&before, &m, sizeof(m)));
        /* Covering a whole entry needs no new one. */
        CHECK_EQ(memmap_set_type(&m, 0x2000, 0x1000, MEMMAP_RESERVED), 0);
        CHECK_EQ(m.nr, MEMMAP_MAX);
        /* Bridging two entries and the hole between frees one. */
        CHECK_EQ(memmap_set_type(&m, 0x4000, 0x2000, MEMMAP_RAM), 0);
        CHECK_EQ(m.nr, MEMMAP_MAX - 1);
    }
}

static void test_set_type_random(void)
{
    int bad = 0, malformed = 0;
    uint32_t model[256];

    srand(5);
    for ( int k = 0; k < 300; k++ )
    {
        reset();
        memset(model, 0, sizeof(model));
        for ( int j = 0; j < 20; j++ )
        {
            uint64_t a = rand() % 250, s = 1 + rand() % MIN(40, 256 - a);
            uint32_t t = 1 + rand() % 5;
            int rc = memmap_set_type(&m, a, s, t);

            bad += rc != 0;
            for ( uint64_t b = a; b < a + s && !rc; b++ )
                model[b] = t;
            malformed += !well_formed(&m);
            for ( uint64_t b = 0; b < 256; b++ )
                bad += type_of_byte(&m, b) != model[b];
        }
    }
    CHECK_EQ(malformed, 0);
    CHECK_EQ(bad, 0);
}

static void test_names(void)
{
    CHECK_STR(memmap_type_name(MEMMAP_RAM), "RAM");
    CHECK_STR(memmap_type_name(MEMMAP_RESERVED), "reserved");
    CHECK_STR(memmap_type_name(MEMMAP_ACPI), "ACPI data");
    CHECK_STR(memmap_type_name(MEMMAP_NVS), "ACPI NVS");
    CHECK_STR(memmap_type_name(MEMMAP_UNUSABLE), "unusable");
    CHECK_STR(memmap_type_name(0), "unknown");
    CHECK_STR(memmap_type_name(12), "unknown");
}

static void run_tests(void)
{
    test_add();
    test_sanitize_cases();
    test_sanitize_overflow();
    test_sanitize_random();
    test_set_type();
    test_set_type_random();
    test_names();
}
