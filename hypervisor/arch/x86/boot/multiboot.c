/* SPDX-License-Identifier: GPL-2.0-only */
/* Reading the boot loader's Multiboot 1 or 2 information into boot_info. */
#include <xenia/bootinfo.h>
#include <xenia/errno.h>
#include <xenia/lib.h>
#include "multiboot_defs.h"

/*
 * Everything the loader hands over is read through p2v() for exactly
 * the bytes its stated sizes cover, and only after those sizes were
 * checked: a truncated tag, a length past the end, an unterminated
 * string or an unreachable address is -EINVAL, never a stray read.
 * Fields are copied out with memcpy(), as nothing guarantees alignment.
 */

/* Longest string (NUL included) looked for where no length is stated. */
#define MB_STRING_MAX 0x10000

struct mb_parse {
    struct boot_info *bi;
    bool too_many_modules; /* -E2BIG */
    bool map_full;         /* -ENOSPC */
    bool have_meminfo;
    uint32_t mem_lower, mem_upper; /* KiB */
};

static void parse_start(struct mb_parse *st, struct boot_info *bi)
{
    memset(bi, 0, sizeof(*bi));
    bi->cmdline = "";
    bi->loader_name = "unknown";
    memset(st, 0, sizeof(*st));
    st->bi = bi;
}

/* The worst problem wins; the map is left sanitized whatever happened. */
static int parse_finish(struct mb_parse *st, int rc)
{
    struct memmap *m = &st->bi->memmap;

    if ( !rc && !m->nr && st->have_meminfo )
    {
        /* No map: the classic two ranges, from 0 and from 1 MiB. */
        if ( st->mem_lower )
            memmap_add(m, 0, (uint64_t)st->mem_lower << 10, MEMMAP_RAM);
        if ( st->mem_upper )
            memmap_add(m, MB(1), (uint64_t)st->mem_upper << 10, MEMMAP_RAM);
    }
    memmap_sanitize(m);
    if ( rc )
        return rc;
    if ( !memmap_total(m, MEMMAP_RAM) )
        return -EINVAL; /* no memory information Xenia could run on */
    if ( st->map_full )
        return -ENOSPC;
    return st->too_many_modules ? -E2BIG : 0;
}

/*
 * A NUL-terminated string at pa with no stated length. It is probed a
 * byte at a time, since p2v() may reach only up to the terminator; then
 * mapped whole, and checked again through that mapping.
 */
static const char *mb_string(boot_phys_to_virt_fn p2v, paddr_t pa)
{
    size_t n;

    for ( n = 0; n < MB_STRING_MAX; n++ )
    {
        const char *c = p2v(pa + n, 1);

        if ( !c )
            return NULL;
        if ( !*c )
        {
            const char *s = p2v(pa, n + 1);

            return s && strnlen(s, n + 1) == n ? s : NULL;
        }
    }
    return NULL;
}

/* A string in a tag: it must end within the len bytes at s. */
static const char *tag_string(const char *s, size_t len)
{
    return strnlen(s, len) < len ? s : NULL;
}

static void add_region(struct mb_parse *st, uint64_t addr, uint64_t len,
                       uint32_t type)
{
    struct memmap *m = &st->bi->memmap;

    if ( !len )
        return;
    if ( addr + len < addr )
        len = -addr - 1; /* clip what wraps at the top */
    /* Multiboot says: types other than these are reserved. */
    if ( type < MEMMAP_RAM || type > MEMMAP_UNUSABLE )
        type = MEMMAP_RESERVED;
    if ( memmap_add(m, addr, len, type) == -ENOSPC )
    {
        /* Firmware maps repeat themselves; compact and retry once. */
        memmap_sanitize(m);
        if ( memmap_add(m, addr, len, type) )
            st->map_full = true;
    }
}

static int add_module(struct mb_parse *st, uint32_t start, uint32_t end,
                      const char *cmdline)
{
    struct boot_info *bi = st->bi;

    if ( end < start || !cmdline )
        return -EINVAL;
    if ( bi->nr_modules == BOOT_MAX_MODULES )
    {
        st->too_many_modules = true;
        return 0;
    }
    bi->mods[bi->nr_modules].start = start;
    bi->mods[bi->nr_modules].size = end - start;
    bi->mods[bi->nr_modules].cmdline = cmdline;
    bi->nr_modules++;
    return 0;
}

/* ---- Multiboot 1 ---------------------------------------------------- */

static int mb1_modules(struct mb_parse *st, boot_phys_to_virt_fn p2v,
                       uint32_t count, uint32_t addr)
{
    /* Modules past the limit are dropped unread. */
    uint32_t n = MIN(count, (uint32_t)BOOT_MAX_MODULES), i;
    const struct mb1_module *mods;

    if ( !n )
        return 0;
    mods = p2v(addr, n * sizeof(*mods));
    if ( !mods )
        return -EINVAL;
    for ( i = 0; i < n; i++ )
    {
        struct mb1_module m;
        int rc;

        memcpy(&m, &mods[i], sizeof(m));
        rc = add_module(st, m.mod_start, m.mod_end, mb_string(p2v, m.string));
        if ( rc )
            return rc;
    }
    st->too_many_modules = count > BOOT_MAX_MODULES;
    return 0;
}

/* Records of 4 + size bytes; size must cover the fields read. */
static int mb1_mmap(struct mb_parse *st, boot_phys_to_virt_fn p2v,
                    uint32_t length, uint32_t addr)
{
    const uint8_t *map = length ? p2v(addr, length) : NULL;
    uint64_t off = 0;

    if ( length && !map )
        return -EINVAL;
    while ( off < length )
    {
        struct mb1_mmap_entry e;

        if ( length - off < sizeof(e.size) )
            return -EINVAL;
        memcpy(&e.size, map + off, sizeof(e.size));
        if ( e.size < sizeof(e) - sizeof(e.size) ||
             e.size > length - off - sizeof(e.size) )
            return -EINVAL;
        memcpy(&e, map + off, sizeof(e));
        add_region(st, e.base_addr, e.length, e.type);
        off += sizeof(e.size) + e.size;
    }
    return 0;
}

int multiboot1_parse(paddr_t info_pa, boot_phys_to_virt_fn p2v,
                     struct boot_info *bi)
{
    /* Only the fields up to the loader name are used, so only those read. */
    const size_t used = offsetof(struct mb1_info, apm_table);
    const struct mb1_info *mbi = p2v(info_pa, used);
    struct mb_parse st;
    uint32_t flags;
    int rc = 0;

    parse_start(&st, bi);
    if ( !mbi )
        return parse_finish(&st, -EINVAL);
    flags = mbi->flags;
    if ( flags & MB1_FLAG_CMDLINE )
    {
        bi->cmdline = mb_string(p2v, mbi->cmdline);
        if ( !bi->cmdline )
        {
            bi->cmdline = "";
            return parse_finish(&st, -EINVAL);
        }
    }
    if ( flags & MB1_FLAG_LOADER_NAME )
    {
        bi->loader_name = mb_string(p2v, mbi->boot_loader_name);
        if ( !bi->loader_name )
        {
            bi->loader_name = "unknown";
            return parse_finish(&st, -EINVAL);
        }
    }
    if ( flags & MB1_FLAG_MODS )
        rc = mb1_modules(&st, p2v, mbi->mods_count, mbi->mods_addr);
    if ( !rc && (flags & MB1_FLAG_MMAP) )
        rc = mb1_mmap(&st, p2v, mbi->mmap_length, mbi->mmap_addr);
    if ( flags & MB1_FLAG_MEMORY )
    {
        st.have_meminfo = true;
        st.mem_lower = mbi->mem_lower;
        st.mem_upper = mbi->mem_upper;
    }
    return parse_finish(&st, rc);
}

/* ---- Multiboot 2 ---------------------------------------------------- */

static int mb2_mmap(struct mb_parse *st, const uint8_t *tag, uint32_t size)
{
    struct mb2_tag_mmap hdr;
    uint64_t off;

    if ( size < sizeof(hdr) )
        return -EINVAL;
    memcpy(&hdr, tag, sizeof(hdr));
    if ( hdr.entry_size < sizeof(struct mb2_mmap_entry) )
        return -EINVAL;
    /* Whole entries only; a partial one at the end is not read. */
    for ( off = sizeof(hdr); size - off >= hdr.entry_size;
          off += hdr.entry_size )
    {
        struct mb2_mmap_entry e;

        memcpy(&e, tag + off, sizeof(e));
        add_region(st, e.base_addr, e.length, e.type);
    }
    return 0;
}

/* One tag of the given size (header included, checked to be in bounds). */
static int mb2_tag(struct mb_parse *st, const uint8_t *tag, uint32_t type,
                   uint32_t size, paddr_t tag_pa)
{
    const char *s = (const char *)tag;
    struct mb2_tag_module mod;
    struct mb2_tag_basic_meminfo mem;

    switch ( type )
    {
    case MB2_TAG_CMDLINE:
    case MB2_TAG_LOADER_NAME:
        s = tag_string(s + sizeof(struct mb2_tag),
                       size - sizeof(struct mb2_tag));
        if ( !s )
            return -EINVAL;
        if ( type == MB2_TAG_CMDLINE )
            st->bi->cmdline = s;
        else
            st->bi->loader_name = s;
        return 0;
    case MB2_TAG_MODULE:
        if ( size < sizeof(mod) )
            return -EINVAL;
        memcpy(&mod, tag, sizeof(mod));
        return add_module(st, mod.mod_start, mod.mod_end,
                          tag_string(s + sizeof(mod), size - sizeof(mod)));
    case MB2_TAG_BASIC_MEMINFO:
        if ( size < sizeof(mem) )
            return -EINVAL;
        memcpy(&mem, tag, sizeof(mem));
        st->have_meminfo = true;
        st->mem_lower = mem.mem_lower;
        st->mem_upper = mem.mem_upper;
        return 0;
    case MB2_TAG_MMAP:
        return mb2_mmap(st, tag, size);
    case MB2_TAG_ACPI_OLD:
    case MB2_TAG_ACPI_NEW:
        if ( size < sizeof(struct mb2_tag_acpi) + (type == MB2_TAG_ACPI_OLD
                                                       ? ACPI_RSDP_V1_SIZE
                                                       : ACPI_RSDP_V2_SIZE) )
            return -EINVAL;
        /* The newer table wins, whatever the tag order. */
        if ( type == MB2_TAG_ACPI_NEW || !st->bi->rsdp )
            st->bi->rsdp = tag_pa + sizeof(struct mb2_tag_acpi);
        return 0;
    default:
        return 0; /* not needed */
    }
}

int multiboot2_parse(paddr_t info_pa, boot_phys_to_virt_fn p2v,
                     struct boot_info *bi)
{
    const struct mb2_info *fixed = p2v(info_pa, sizeof(*fixed));
    struct mb_parse st;
    const uint8_t *info;
    uint32_t total;
    uint64_t off = sizeof(*fixed);

    parse_start(&st, bi);
    if ( !fixed )
        return parse_finish(&st, -EINVAL);
    memcpy(&total, &fixed->total_size, sizeof(total));
    info = total >= sizeof(*fixed) ? p2v(info_pa, total) : NULL;
    if ( !info )
        return parse_finish(&st, -EINVAL);
    for ( ;; )
    {
        struct mb2_tag tag;
        int rc;

        /* Running off the end without an end tag is malformed too. */
        if ( off > total || total - off < sizeof(tag) )
            return parse_finish(&st, -EINVAL);
        memcpy(&tag, info + off, sizeof(tag));
        if ( tag.size < sizeof(tag) || tag.size > total - off )
            return parse_finish(&st, -EINVAL);
        if ( tag.type == MB2_TAG_END )
            return parse_finish(&st, 0);
        rc = mb2_tag(&st, info + off, tag.type, tag.size, info_pa + off);
        if ( rc )
            return parse_finish(&st, rc);
        off = ROUNDUP(off + tag.size, MB2_TAG_ALIGN);
    }
}
