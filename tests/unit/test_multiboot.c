/* SPDX-License-Identifier: GPL-2.0-only */
/* Tests of the Multiboot 1 and 2 parsers (arch/x86/boot/multiboot.c). */
#include "check.h"
#include "../../hypervisor/common/memmap.c"
#include "../../hypervisor/arch/x86/boot/multiboot.c"

/*
 * "Physical memory" is a set of regions, each its own heap buffer of
 * exactly the stated size: p2v() refuses anything outside a region, and
 * ASan catches a parser that reads more than it asked p2v() for.
 */
struct region {
    paddr_t pa;
    uint8_t *buf;
    size_t len;
};
static struct region regions[64];
static unsigned int nr_regions;
static paddr_t next_pa;

static void mem_reset(void)
{
    while ( nr_regions )
        free(regions[--nr_regions].buf);
    next_pa = 0x100000;
}

/* Copies len bytes to a fresh region at a page boundary plus skew. */
static paddr_t place_skewed(const void *data, size_t len, unsigned int skew)
{
    struct region *r = &regions[nr_regions++];

    if ( nr_regions > ARRAY_SIZE(regions) )
        abort();
    r->pa = next_pa + skew;
    r->len = len;
    r->buf = malloc(len ? len : 1);
    memcpy(r->buf, data, len);
    next_pa = ROUNDUP(r->pa + len, 0x1000) + 0x1000; /* a gap between */
    return r->pa;
}

static paddr_t place(const void *data, size_t len)
{
    return place_skewed(data, len, 0);
}

static paddr_t place_str(const char *s)
{
    return place(s, strlen(s) + 1);
}

static const void *p2v(paddr_t pa, size_t len)
{
    for ( unsigned int i = 0; i < nr_regions; i++ )
    {
        const struct region *r = &regions[i];

        if ( pa >= r->pa && pa - r->pa <= r->len &&
             len <= r->len - (pa - r->pa) )
            return r->buf + (pa - r->pa);
    }
    return NULL;
}

static const void *p2v_null(paddr_t pa, size_t len)
{
    (void)pa;
    (void)len;
    return NULL;
}

/* Whatever the verdict, what *bi holds must be safe to use. */
static bool consistent(const struct boot_info *bi)
{
    if ( !bi->cmdline || !bi->loader_name ||
         bi->nr_modules > BOOT_MAX_MODULES || bi->memmap.nr > MEMMAP_MAX )
        return false;
    (void)strlen(bi->cmdline); /* ASan checks these reads */
    (void)strlen(bi->loader_name);
    for ( unsigned int i = 0; i < bi->nr_modules; i++ )
        if ( !bi->mods[i].cmdline || strlen(bi->mods[i].cmdline) > 1 << 20 )
            return false;
    for ( unsigned int i = 1; i < bi->memmap.nr; i++ )
        if ( bi->memmap.map[i].addr <
             bi->memmap.map[i - 1].addr + bi->memmap.map[i - 1].size )
            return false;
    return true;
}

static struct boot_info bi;

/* ---- Multiboot 1 ----------------------------------------------------- */

static uint8_t mmap_buf[8192];
static size_t mmap_len;

static void mmap_entry(uint32_t size, uint64_t addr, uint64_t len,
                       uint32_t type)
{
    struct mb1_mmap_entry e = {size, addr, len, type};

    /* A short record is cut short; a long one padded. */
    memcpy(mmap_buf + mmap_len, &e, MIN(sizeof(e), 4 + size));
    if ( 4 + size > sizeof(e) )
        memset(mmap_buf + mmap_len + sizeof(e), 0x77, 4 + size - sizeof(e));
    mmap_len += 4 + size;
}

static paddr_t mb1_place(const struct mb1_info *info)
{
    /* Only the part up to the loader name is promised to be read. */
    return place(info, offsetof(struct mb1_info, apm_table));
}

static void test_mb1_full(void)
{
    struct mb1_info info = {0};
    struct mb1_module mods[3];

    mem_reset();
    for ( int i = 0; i < 3; i++ )
    {
        char s[48];

        snprintf(s, sizeof(s), "/boot/mod%d arg=%d", i, i);
        mods[i] = (struct mb1_module){0x800000 + i * 0x10000,
                                      0x800000 + i * 0x10000 + 100 * i,
                                      (uint32_t)place_str(s), 0};
    }
    mmap_len = 0;
    mmap_entry(20, 0x100000, 0x7ef0000, 1);
    mmap_entry(24, 0, 0x9fc00, 1); /* a longer record: size is honoured */
    mmap_entry(20, 0x9fc00, 0x400, 2);
    mmap_entry(20, 0xf0000, 0x10000, 12); /* unknown type: reserved */
    mmap_entry(20, 0x5000000, 0, 1);      /* empty: skipped */
    mmap_entry(28, 0x7ff0000, 0x10000, 3);
    info.flags = MB1_FLAG_CMDLINE | MB1_FLAG_LOADER_NAME | MB1_FLAG_MODS |
                 MB1_FLAG_MMAP | MB1_FLAG_MEMORY;
    info.mem_lower = 1; /* ignored: the map is there */
    info.mem_upper = 1;
    info.cmdline = place_str("xenia.gz console=com1 -- quiet");
    info.boot_loader_name = place_str("GRUB 0.97");
    info.mods_count = 3;
    info.mods_addr = place_skewed(mods, sizeof(mods), 4); /* misaligned */
    info.mmap_length = mmap_len;
    info.mmap_addr = place_skewed(mmap_buf, mmap_len, 2);

    CHECK_EQ(multiboot1_parse(mb1_place(&info), p2v, &bi), 0);
    CHECK(consistent(&bi));
    CHECK_STR(bi.cmdline, "xenia.gz console=com1 -- quiet");
    CHECK_STR(bi.loader_name, "GRUB 0.97");
    CHECK_EQ(bi.nr_modules, 3);
    CHECK_EQ(bi.mods[2].start, 0x820000);
    CHECK_EQ(bi.mods[2].size, 200);
    CHECK_EQ(bi.mods[0].size, 0);
    CHECK_STR(bi.mods[1].cmdline, "/boot/mod1 arg=1");
    CHECK_EQ(bi.rsdp, 0);
    CHECK_EQ(bi.memmap.nr, 5);
    CHECK_EQ(bi.memmap.map[0].addr, 0);
    CHECK_EQ(bi.memmap.map[2].type, MEMMAP_RESERVED);
    CHECK_EQ(bi.memmap.map[4].type, MEMMAP_ACPI);
    CHECK_EQ(memmap_total(&bi.memmap, MEMMAP_RAM), 0x9fc00 + 0x7ef0000);
}

static void test_mb1_meminfo(void)
{
    struct mb1_info info = {0};

    /* Without a map: below 640 KiB and above 1 MiB. */
    mem_reset();
    info.flags = MB1_FLAG_MEMORY;
    info.mem_lower = 639;
    info.mem_upper = 130048;
    CHECK_EQ(multiboot1_parse(mb1_place(&info), p2v, &bi), 0);
    CHECK(consistent(&bi));
    CHECK_STR(bi.cmdline, "");
    CHECK_STR(bi.loader_name, "unknown");
    CHECK_EQ(bi.nr_modules, 0);
    CHECK_EQ(bi.memmap.nr, 2);
    CHECK_EQ(bi.memmap.map[0].size, 639 * 1024);
    CHECK_EQ(bi.memmap.map[1].addr, MB(1));
    CHECK_EQ(bi.memmap.map[1].size, 130048ULL * 1024);

    /* An empty map counts as none. */
    info.flags |= MB1_FLAG_MMAP;
    info.mmap_length = 0;
    info.mmap_addr = 0xdead000;
    CHECK_EQ(multiboot1_parse(mb1_place(&info), p2v, &bi), 0);
    CHECK_EQ(bi.memmap.nr, 2);

    /* No memory information at all: nothing to run on. */
    info.flags = 0;
    CHECK_EQ(multiboot1_parse(mb1_place(&info), p2v, &bi), -EINVAL);
    CHECK(consistent(&bi));
    CHECK_EQ(bi.memmap.nr, 0);
}

static void test_mb1_strings(void)
{
    struct mb1_info info = {0};
    char *big = malloc(70000);
    paddr_t pa;

    mem_reset();
    info.flags = MB1_FLAG_MEMORY | MB1_FLAG_CMDLINE;
    info.mem_upper = 1024;
    /* Unreachable, unterminated, too long: refused, *bi still usable. */
    info.cmdline = 0x4000;
    CHECK_EQ(multiboot1_parse(mb1_place(&info), p2v, &bi), -EINVAL);
    CHECK(consistent(&bi));
    CHECK_STR(bi.cmdline, "");
    info.cmdline = place("abc", 3);
    CHECK_EQ(multiboot1_parse(mb1_place(&info), p2v, &bi), -EINVAL);
    CHECK(consistent(&bi));
    memset(big, 'a', 70000);
    big[69999] = '\0';
    info.cmdline = place_str(big);
    CHECK_EQ(multiboot1_parse(mb1_place(&info), p2v, &bi), -EINVAL);
    /* Long strings across pages, starting near a page end, are fine. */
    big[5000] = '\0';
    pa = place_skewed(big, 5001, 0xffd);
    info.cmdline = pa;
    CHECK_EQ(multiboot1_parse(mb1_place(&info), p2v, &bi), 0);
    CHECK_EQ(strlen(bi.cmdline), 5000);
    CHECK(bi.cmdline == p2v(pa, 1));
    /* The empty string. */
    info.cmdline = place_str("");
    CHECK_EQ(multiboot1_parse(mb1_place(&info), p2v, &bi), 0);
    CHECK_STR(bi.cmdline, "");
    /* Loader name, same rules. */
    info.flags |= MB1_FLAG_LOADER_NAME;
    info.boot_loader_name = place("GRUB", 4);
    CHECK_EQ(multiboot1_parse(mb1_place(&info), p2v, &bi), -EINVAL);
    CHECK_STR(bi.loader_name, "unknown");
    info.boot_loader_name = place_str("QEMU");
    CHECK_EQ(multiboot1_parse(mb1_place(&info), p2v, &bi), 0);
    CHECK_STR(bi.loader_name, "QEMU");
    /* The info block itself out of reach. */
    CHECK_EQ(multiboot1_parse(0x9000, p2v, &bi), -EINVAL);
    CHECK(consistent(&bi));
    CHECK_EQ(multiboot1_parse(0x100000, p2v_null, &bi), -EINVAL);
    CHECK(consistent(&bi));
    /* Info truncated before the loader name field. */
    pa = place(&info, offsetof(struct mb1_info, boot_loader_name));
    CHECK_EQ(multiboot1_parse(pa, p2v, &bi), -EINVAL);
    free(big);
}

static void test_mb1_modules(void)
{
    struct mb1_info info = {0};
    struct mb1_module mods[20];
    paddr_t s = 0;

    mem_reset();
    s = place_str("m");
    for ( int i = 0; i < 20; i++ )
        mods[i] =
            (struct mb1_module){0x1000000 + i * 0x1000,
                                0x1000000 + i * 0x1000 + 10, (uint32_t)s, 0};
    info.flags = MB1_FLAG_MEMORY | MB1_FLAG_MODS;
    info.mem_upper = 1024;

    /* Too many: the first 16 kept, the rest not even read. */
    info.mods_count = 20;
    info.mods_addr = place(mods, BOOT_MAX_MODULES * sizeof(mods[0]));
    CHECK_EQ(multiboot1_parse(mb1_place(&info), p2v, &bi), -E2BIG);
    CHECK(consistent(&bi));
    CHECK_EQ(bi.nr_modules, BOOT_MAX_MODULES);
    CHECK_EQ(bi.mods[15].start, 0x1000000 + 15 * 0x1000);
    CHECK_EQ(bi.memmap.nr, 1);
    /* Exactly the limit is fine. */
    info.mods_count = 16;
    CHECK_EQ(multiboot1_parse(mb1_place(&info), p2v, &bi), 0);
    /* The array shorter than stated. */
    info.mods_count = 3;
    info.mods_addr = place(mods, 2 * sizeof(mods[0]));
    CHECK_EQ(multiboot1_parse(mb1_place(&info), p2v, &bi), -EINVAL);
    CHECK(consistent(&bi));
    /* Ends before it starts; string out of reach; unterminated. */
    mods[1].mod_end = mods[1].mod_start - 1;
    info.mods_addr = place(mods, 3 * sizeof(mods[0]));
    CHECK_EQ(multiboot1_parse(mb1_place(&info), p2v, &bi), -EINVAL);
    CHECK(consistent(&bi));
    CHECK_EQ(bi.nr_modules, 1);
    mods[1].mod_end = mods[1].mod_start;
    mods[2].string = 0x50;
    info.mods_addr = place(mods, 3 * sizeof(mods[0]));
    CHECK_EQ(multiboot1_parse(mb1_place(&info), p2v, &bi), -EINVAL);
    CHECK_EQ(bi.nr_modules, 2);
    mods[2].string = place("xyz", 3);
    info.mods_addr = place(mods, 3 * sizeof(mods[0]));
    CHECK_EQ(multiboot1_parse(mb1_place(&info), p2v, &bi), -EINVAL);
    CHECK(consistent(&bi));
    /* A malformed part beats too many modules. */
    info.mods_count = 20;
    info.mods_addr = place(mods, BOOT_MAX_MODULES * sizeof(mods[0]));
    CHECK_EQ(multiboot1_parse(mb1_place(&info), p2v, &bi), -EINVAL);
    /* Zero modules. */
    info.mods_count = 0;
    info.mods_addr = 0;
    CHECK_EQ(multiboot1_parse(mb1_place(&info), p2v, &bi), 0);
    CHECK_EQ(bi.nr_modules, 0);
}

static int mb1_with_map(size_t len_override)
{
    struct mb1_info info = {0};

    info.flags = MB1_FLAG_MMAP;
    info.mmap_length = len_override ? len_override : mmap_len;
    info.mmap_addr = place(mmap_buf, mmap_len);
    return multiboot1_parse(mb1_place(&info), p2v, &bi);
}

static void test_mb1_mmap(void)
{
    mem_reset();
    mmap_len = 0;
    mmap_entry(20, 0x100000, 0x100000, 1);
    CHECK_EQ(mb1_with_map(0), 0);
    /* A record too short for its fields. */
    mmap_entry(16, 0x300000, 0x100000, 1);
    CHECK_EQ(mb1_with_map(0), -EINVAL);
    CHECK(consistent(&bi));
    /* A record running past the stated length. */
    mmap_len = 0;
    mmap_entry(20, 0x100000, 0x100000, 1);
    mmap_entry(40, 0x300000, 0x100000, 1);
    CHECK_EQ(mb1_with_map(mmap_len - 4), -EINVAL);
    /* Two stray bytes at the end. */
    mmap_len = 0;
    mmap_entry(20, 0x100000, 0x100000, 1);
    mmap_len += 2;
    CHECK_EQ(mb1_with_map(0), -EINVAL);
    /* Length beyond the buffer: p2v refuses. */
    mmap_len -= 2;
    CHECK_EQ(mb1_with_map(mmap_len + 24), -EINVAL);
    /* A range wrapping at 2^64 is clipped, not trusted. */
    mmap_len = 0;
    mmap_entry(20, 0x100000, 0x100000, 1);
    mmap_entry(20, ~0ULL - 0xfff, 0x10000, 2);
    CHECK_EQ(mb1_with_map(0), 0);
    CHECK_EQ(bi.memmap.nr, 2);
    CHECK_EQ(bi.memmap.map[1].addr + bi.memmap.map[1].size, ~0ULL);

    /* Many repeated records compact; many distinct ones do not fit. */
    mmap_len = 0;
    for ( int i = 0; i < 300; i++ )
        mmap_entry(20, 0x100000 * (i % 10), 0x100000, 1);
    CHECK_EQ(mb1_with_map(0), 0);
    CHECK_EQ(bi.memmap.nr, 1);
    mmap_len = 0;
    for ( int i = 0; i < 300; i++ )
        mmap_entry(20, 0x200000 * i, 0x100000, 1 + i % 2);
    CHECK_EQ(mb1_with_map(0), -ENOSPC);
    CHECK(consistent(&bi));
    CHECK_EQ(bi.memmap.nr, MEMMAP_MAX);
}

/* ---- Multiboot 2 ----------------------------------------------------- */

static uint8_t mb2[16384];
static size_t mb2_len;

static void mb2_begin(void)
{
    memset(mb2, 0, sizeof(mb2));
    mb2_len = 8;
}

/* Appends a tag; size is the stated size (may differ from the payload). */
static size_t mb2_tag_sized(uint32_t type, uint32_t size, const void *payload,
                            size_t plen)
{
    size_t off = mb2_len = ROUNDUP(mb2_len, 8);
    struct mb2_tag t = {type, size};

    memcpy(mb2 + off, &t, sizeof(t));
    if ( plen )
        memcpy(mb2 + off + 8, payload, plen);
    mb2_len = off + 8 + plen;
    return off;
}

static size_t mb2_add(uint32_t type, const void *payload, size_t plen)
{
    return mb2_tag_sized(type, 8 + plen, payload, plen);
}

static size_t mb2_add_str(uint32_t type, const char *s)
{
    return mb2_add(type, s, strlen(s) + 1);
}

static size_t mb2_add_module(uint32_t start, uint32_t end, const char *s)
{
    uint8_t p[256];

    memcpy(p, &start, 4);
    memcpy(p + 4, &end, 4);
    memcpy(p + 8, s, strlen(s) + 1);
    return mb2_add(MB2_TAG_MODULE, p, 8 + strlen(s) + 1);
}

static paddr_t mb2_finish(void)
{
    uint32_t total;

    mb2_add(MB2_TAG_END, NULL, 0);
    total = mb2_len;
    memcpy(mb2, &total, 4);
    return place(mb2, mb2_len);
}

static size_t mb2_add_mmap(uint32_t entry_size, const struct mb2_mmap_entry *e,
                           int n)
{
    uint8_t p[4096] = {0};
    uint32_t ver = 0;

    memcpy(p, &entry_size, 4);
    memcpy(p + 4, &ver, 4);
    for ( int i = 0; i < n; i++ )
        memcpy(p + 8 + i * entry_size, &e[i], MIN(entry_size, sizeof(*e)));
    return mb2_add(MB2_TAG_MMAP, p, 8 + n * entry_size);
}

static const struct mb2_mmap_entry std_map[] = {
    {0, 0x9fc00, 1, 0},
    {0x9fc00, 0x400, 2, 0},
    {0x100000, 0x7f00000, 1, 0},
    {0xfffc0000, 0x40000, 2, 0},
};

static void test_mb2_full(void)
{
    uint8_t rsdp_old[20] = "RSD PTR old", rsdp_new[36] = "RSD PTR new";
    uint32_t meminfo[2] = {639, 1000};
    size_t new_off;
    paddr_t pa;

    mem_reset();
    mb2_begin();
    mb2_add_str(MB2_TAG_CMDLINE, "console=com1 dom0_mem=512M");
    mb2_add_str(MB2_TAG_LOADER_NAME, "GRUB 2.06");
    mb2_add(MB2_TAG_BASIC_MEMINFO, meminfo, 8);
    mb2_add_module(0x2000000, 0x2400000, "vmlinuz root=/dev/sda1");
    mb2_add(99, "odd", 3); /* unknown, size not a multiple of 8 */
    mb2_add_module(0x2400000, 0x2500000, "");
    mb2_add(MB2_TAG_ACPI_OLD, rsdp_old, sizeof(rsdp_old));
    new_off = mb2_add(MB2_TAG_ACPI_NEW, rsdp_new, sizeof(rsdp_new));
    mb2_add_mmap(24, std_map, 4);
    pa = mb2_finish();

    CHECK_EQ(multiboot2_parse(pa, p2v, &bi), 0);
    CHECK(consistent(&bi));
    CHECK_STR(bi.cmdline, "console=com1 dom0_mem=512M");
    CHECK_STR(bi.loader_name, "GRUB 2.06");
    CHECK_EQ(bi.nr_modules, 2);
    CHECK_EQ(bi.mods[0].start, 0x2000000);
    CHECK_EQ(bi.mods[0].size, 0x400000);
    CHECK_STR(bi.mods[0].cmdline, "vmlinuz root=/dev/sda1");
    CHECK_STR(bi.mods[1].cmdline, "");
    /* The RSDP: the copy inside the newer tag, by physical address. */
    CHECK_EQ(bi.rsdp, pa + new_off + 8);
    CHECK(!memcmp(p2v(bi.rsdp, 36), rsdp_new, 36));
    /* The map, not the basic meminfo. */
    CHECK_EQ(bi.memmap.nr, 4);
    CHECK_EQ(memmap_total(&bi.memmap, MEMMAP_RAM), 0x9fc00 + 0x7f00000);
    CHECK_EQ(memmap_ram_end(&bi.memmap), 0x8000000);
}

static void test_mb2_variants(void)
{
    uint8_t rsdp[36] = "RSD PTR ";
    uint32_t meminfo[2] = {640, 2048};
    struct mb2_mmap_entry odd[2] = {{0x100000, 0x100000, 1, 0},
                                    {0x400000, 0x100000, 7, 0}};
    size_t off;
    paddr_t pa;

    /* Only the old RSDP; and the new one first, then the old. */
    mem_reset();
    mb2_begin();
    mb2_add(MB2_TAG_BASIC_MEMINFO, meminfo, 8);
    off = mb2_add(MB2_TAG_ACPI_OLD, rsdp, 20);
    pa = mb2_finish();
    CHECK_EQ(multiboot2_parse(pa, p2v, &bi), 0);
    CHECK_EQ(bi.rsdp, pa + off + 8);
    CHECK_STR(bi.loader_name, "unknown");
    CHECK_STR(bi.cmdline, "");
    /* Basic meminfo alone gives the two classic ranges. */
    CHECK_EQ(bi.memmap.nr, 2);
    CHECK_EQ(bi.memmap.map[0].size, 640 * 1024);
    CHECK_EQ(bi.memmap.map[1].addr, MB(1));
    CHECK_EQ(bi.memmap.map[1].size, 2048 * 1024);

    mb2_begin();
    off = mb2_add(MB2_TAG_ACPI_NEW, rsdp, 36);
    mb2_add(MB2_TAG_ACPI_OLD, rsdp, 20);
    mb2_add_mmap(24, std_map, 4);
    pa = mb2_finish();
    CHECK_EQ(multiboot2_parse(pa, p2v, &bi), 0);
    CHECK_EQ(bi.rsdp, pa + off + 8);

    /* Wider map entries, an unknown type, half an entry at the end. */
    mb2_begin();
    {
        uint8_t p[8 + 2 * 32 + 16] = {32};

        memcpy(p + 8, &odd[0], sizeof(odd[0]));
        memcpy(p + 8 + 32, &odd[1], sizeof(odd[1]));
        memset(p + 8 + 64, 0x11, 16);
        mb2_add(MB2_TAG_MMAP, p, sizeof(p));
    }
    pa = mb2_finish();
    CHECK_EQ(multiboot2_parse(pa, p2v, &bi), 0);
    CHECK_EQ(bi.memmap.nr, 2);
    CHECK_EQ(bi.memmap.map[1].type, MEMMAP_RESERVED);

    /* No memory information at all. */
    mb2_begin();
    mb2_add_str(MB2_TAG_CMDLINE, "x");
    pa = mb2_finish();
    CHECK_EQ(multiboot2_parse(pa, p2v, &bi), -EINVAL);
    CHECK(consistent(&bi));
}

/* One malformed tag after a valid map; must give rc. */
static void expect_tag(int rc, uint32_t type, uint32_t size, const void *p,
                       size_t plen)
{
    paddr_t pa;

    mb2_begin();
    mb2_add_mmap(24, std_map, 4);
    mb2_tag_sized(type, size, p, plen);
    pa = mb2_finish();
    CHECK_EQ(multiboot2_parse(pa, p2v, &bi), rc);
    CHECK(consistent(&bi));
}

static void test_mb2_malformed_tags(void)
{
    uint8_t z[64] = {0};
    uint32_t mod_bad[3] = {0x2000, 0x1000, 0};
    uint32_t esz[2] = {0, 0};

    mem_reset();
    expect_tag(0, MB2_TAG_CMDLINE, 8 + 4, "abc", 4);
    expect_tag(-EINVAL, MB2_TAG_CMDLINE, 8 + 3, "abcd", 4); /* no NUL */
    expect_tag(-EINVAL, MB2_TAG_CMDLINE, 8, "", 1);
    expect_tag(-EINVAL, MB2_TAG_LOADER_NAME, 8 + 2, "ab", 2);
    expect_tag(0, MB2_TAG_MODULE, 16 + 1, z, 9);
    expect_tag(-EINVAL, MB2_TAG_MODULE, 16, z, 8); /* no cmdline room */
    expect_tag(-EINVAL, MB2_TAG_MODULE, 12, z, 4);
    expect_tag(-EINVAL, MB2_TAG_MODULE, 16 + 1, mod_bad, 9); /* end < start */
    memset(z + 8, 'x', 8);
    expect_tag(-EINVAL, MB2_TAG_MODULE, 16 + 8, z, 16); /* unterminated */
    memset(z, 0, sizeof(z));
    expect_tag(0, MB2_TAG_BASIC_MEMINFO, 16, z, 8);
    expect_tag(-EINVAL, MB2_TAG_BASIC_MEMINFO, 12, z, 4);
    expect_tag(-EINVAL, MB2_TAG_MMAP, 12, z, 4);
    expect_tag(-EINVAL, MB2_TAG_MMAP, 16 + 24, esz, 8); /* entry_size 0 */
    esz[0] = 16;
    expect_tag(-EINVAL, MB2_TAG_MMAP, 16 + 32, esz, 8); /* entry_size 16 */
    esz[0] = 24;
    expect_tag(0, MB2_TAG_MMAP, 16, esz, 8); /* no entries */
    expect_tag(0, MB2_TAG_ACPI_OLD, 8 + 20, z, 20);
    expect_tag(-EINVAL, MB2_TAG_ACPI_OLD, 8 + 19, z, 19);
    expect_tag(0, MB2_TAG_ACPI_NEW, 8 + 36, z, 36);
    expect_tag(-EINVAL, MB2_TAG_ACPI_NEW, 8 + 20, z, 20);
    expect_tag(-EINVAL, 99, 7, z, 0);    /* shorter than its header */
    expect_tag(-EINVAL, 99, 4000, z, 8); /* past the total size */
}

static void test_mb2_framing(void)
{
    uint32_t hdr[2];

    mem_reset();
    /* Fixed part out of reach, or too small to hold itself. */
    CHECK_EQ(multiboot2_parse(0x7000, p2v, &bi), -EINVAL);
    CHECK(consistent(&bi));
    CHECK_EQ(multiboot2_parse(0x100000, p2v_null, &bi), -EINVAL);
    hdr[0] = 4;
    hdr[1] = 0;
    CHECK_EQ(multiboot2_parse(place(hdr, 8), p2v, &bi), -EINVAL);
    hdr[0] = 8; /* no room for any tag */
    CHECK_EQ(multiboot2_parse(place(hdr, 8), p2v, &bi), -EINVAL);
    /* total_size larger than what is there. */
    mb2_begin();
    mb2_add_mmap(24, std_map, 4);
    mb2_add(MB2_TAG_END, NULL, 0);
    hdr[0] = mb2_len + 8;
    memcpy(mb2, hdr, 4);
    CHECK_EQ(multiboot2_parse(place(mb2, mb2_len), p2v, &bi), -EINVAL);
    /* No end tag: the tags run to total_size exactly. */
    mb2_begin();
    mb2_add_mmap(24, std_map, 4);
    hdr[0] = mb2_len;
    memcpy(mb2, hdr, 4);
    CHECK_EQ(multiboot2_parse(place(mb2, mb2_len), p2v, &bi), -EINVAL);
    CHECK(consistent(&bi));
    /* The last tag's padding runs past total_size. */
    mb2_begin();
    mb2_add_mmap(24, std_map, 4);
    mb2_add(99, "abc", 3);
    hdr[0] = mb2_len;
    memcpy(mb2, hdr, 4);
    CHECK_EQ(multiboot2_parse(place(mb2, mb2_len), p2v, &bi), -EINVAL);
    /* An end tag that is the only tag: valid framing, but no memory. */
    mb2_begin();
    CHECK_EQ(multiboot2_parse(mb2_finish(), p2v, &bi), -EINVAL);
}

static void test_mb2_modules(void)
{
    paddr_t pa;

    mem_reset();
    mb2_begin();
    mb2_add_mmap(24, std_map, 4);
    for ( int i = 0; i < 18; i++ )
        mb2_add_module(0x1000000 + i * 0x1000, 0x1000000 + i * 0x1000 + 1, "m");
    pa = mb2_finish();
    CHECK_EQ(multiboot2_parse(pa, p2v, &bi), -E2BIG);
    CHECK(consistent(&bi));
    CHECK_EQ(bi.nr_modules, BOOT_MAX_MODULES);
    CHECK_EQ(bi.mods[15].start, 0x1000000 + 15 * 0x1000);
    CHECK_EQ(bi.memmap.nr, 4);

    /* Malformed beats too many. */
    mb2_begin();
    mb2_add_mmap(24, std_map, 4);
    for ( int i = 0; i < 18; i++ )
        mb2_add_module(0x1000000, 0x1000001, "m");
    mb2_tag_sized(MB2_TAG_CMDLINE, 9, "y", 1); /* unterminated */
    pa = mb2_finish();
    CHECK_EQ(multiboot2_parse(pa, p2v, &bi), -EINVAL);
    CHECK(consistent(&bi));
}

/*
 * Random damage to valid structures: whatever the parser says, it must
 * not read outside what it was given (ASan) and must leave *bi usable.
 */
static void test_fuzz(void)
{
    static uint8_t good[16384], bad[16384];
    size_t good_len;
    int verdicts[4] = {0};
    int inconsistent = 0, odd_rc = 0;

    mem_reset();
    mb2_begin();
    mb2_add_str(MB2_TAG_CMDLINE, "console=com1");
    mb2_add_str(MB2_TAG_LOADER_NAME, "GRUB 2.06");
    for ( int i = 0; i < 3; i++ )
        mb2_add_module(0x2000000 + i, 0x2000100 + i, "mod arg");
    mb2_add(MB2_TAG_ACPI_NEW, "RSD PTR 0123456789012345678901234567", 36);
    mb2_add_mmap(24, std_map, 4);
    mb2_add(MB2_TAG_END, NULL, 0);
    good_len = mb2_len;
    {
        uint32_t total = good_len;

        memcpy(mb2, &total, 4);
    }
    memcpy(good, mb2, good_len);

    srand(21);
    for ( int k = 0; k < 20000; k++ )
    {
        size_t len = good_len;
        int rc;

        memcpy(bad, good, good_len);
        for ( int n = 1 + rand() % 4; n; n-- )
        {
            size_t at = rand() % good_len;

            /* Sizes and types are where the damage matters most. */
            if ( rand() % 2 )
                at &= ~(size_t)3;
            bad[at] = rand() % 3 ? rand() : bad[at] ^ (1 << rand() % 8);
        }
        if ( rand() % 8 == 0 )
            len = rand() % good_len + 1; /* truncated as well */
        mem_reset();
        rc = multiboot2_parse(place(bad, len), p2v, &bi);
        inconsistent += !consistent(&bi);
        if ( rc == 0 )
            verdicts[0]++;
        else if ( rc == -EINVAL )
            verdicts[1]++;
        else if ( rc == -E2BIG || rc == -ENOSPC )
            verdicts[2]++;
        else
            odd_rc++;
    }
    CHECK_EQ(inconsistent, 0);
    CHECK_EQ(odd_rc, 0);
    CHECK(verdicts[0] > 100 && verdicts[1] > 1000);
}

/* The same for Multiboot 1: damage the info block and its memory map. */
static void test_fuzz_mb1(void)
{
    static uint8_t map[512];
    size_t map_len;
    int inconsistent = 0, ok = 0, einval = 0, odd_rc = 0;

    mmap_len = 0;
    for ( int i = 0; i < 6; i++ )
        mmap_entry(20 + 4 * (i % 3), 0x100000 * i, 0x80000, 1 + i % 3);
    map_len = mmap_len;
    memcpy(map, mmap_buf, map_len);

    srand(33);
    for ( int k = 0; k < 20000; k++ )
    {
        struct mb1_info info = {0};
        uint8_t bad[512];
        int rc;

        mem_reset();
        memcpy(bad, map, map_len);
        for ( int n = rand() % 3; n; n-- )
            bad[rand() % map_len] = rand();
        info.flags = MB1_FLAG_MMAP | MB1_FLAG_CMDLINE | MB1_FLAG_MODS;
        info.flags ^= rand() % 4 ? 0 : 1u << (rand() % 13);
        info.cmdline = place_str("a b c");
        info.mods_count = rand() % 4 ? 1 : rand() % 40;
        info.mods_addr =
            place(&(struct mb1_module){0x10000, 0x20000, info.cmdline, 0},
                  sizeof(struct mb1_module));
        info.mmap_addr = place(bad, map_len);
        info.mmap_length = rand() % 4 ? map_len : rand() % (map_len + 8);
        rc = multiboot1_parse(mb1_place(&info), p2v, &bi);
        inconsistent += !consistent(&bi);
        ok += rc == 0;
        einval += rc == -EINVAL;
        odd_rc += rc && rc != -EINVAL && rc != -E2BIG && rc != -ENOSPC;
    }
    CHECK_EQ(inconsistent, 0);
    CHECK_EQ(odd_rc, 0);
    CHECK(ok > 1000 && einval > 1000);
}

static void run_tests(void)
{
    test_mb1_full();
    test_mb1_meminfo();
    test_mb1_strings();
    test_mb1_modules();
    test_mb1_mmap();
    test_mb2_full();
    test_mb2_variants();
    test_mb2_malformed_tags();
    test_mb2_framing();
    test_mb2_modules();
    test_fuzz();
    test_fuzz_mb1();
    mem_reset();
}
