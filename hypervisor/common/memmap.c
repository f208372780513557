/* SPDX-License-Identifier: GPL-2.0-only */
/* The machine memory map: sorting, overlap resolution and carving. */
#include <xenia/errno.h>
#include <xenia/lib.h>
#include <xenia/memmap.h>

/*
 * Scratch space for rebuilding a map, kept off the 32 KiB boot stack.
 * The map is only edited at boot, on one CPU, so no lock is needed.
 */
static struct memmap scratch;
static uint64_t bounds[2 * MEMMAP_MAX];

int memmap_add(struct memmap *m, uint64_t addr, uint64_t size, uint32_t type)
{
    if ( !size || addr + size < addr )
        return -EINVAL;
    if ( m->nr >= MEMMAP_MAX )
        return -ENOSPC;
    m->map[m->nr].addr = addr;
    m->map[m->nr].size = size;
    m->map[m->nr].type = type;
    m->nr++;
    return 0;
}

static uint64_t end_of(const struct memmap_entry *e)
{
    return e->addr + e->size;
}

/* Of two types claiming one range: anything beats RAM, then the higher. */
static uint32_t stronger(uint32_t a, uint32_t b)
{
    if ( a == MEMMAP_RAM )
        return b;
    if ( b == MEMMAP_RAM )
        return a;
    return MAX(a, b);
}

/* Append [addr, end), merging with a touching entry of the same type. */
static bool append(struct memmap *out, uint64_t addr, uint64_t end,
                   uint32_t type)
{
    struct memmap_entry *last = out->nr ? &out->map[out->nr - 1] : NULL;

    if ( last && last->type == type && end_of(last) == addr )
    {
        last->size = end - last->addr;
        return true;
    }
    if ( out->nr == MEMMAP_MAX )
        return false;
    out->map[out->nr].addr = addr;
    out->map[out->nr].size = end - addr;
    out->map[out->nr].type = type;
    out->nr++;
    return true;
}

static void sort_bounds(unsigned int n)
{
    unsigned int i, j;

    for ( i = 1; i < n; i++ )
    {
        uint64_t v = bounds[i];

        for ( j = i; j && bounds[j - 1] > v; j-- )
            bounds[j] = bounds[j - 1];
        bounds[j] = v;
    }
}

/* The type of [lo, hi) (a piece no entry boundary cuts), or 0 for a hole. */
static uint32_t type_at(const struct memmap *m, uint64_t lo, uint64_t hi)
{
    uint32_t type = 0;
    unsigned int i;

    for ( i = 0; i < m->nr; i++ )
    {
        const struct memmap_entry *e = &m->map[i];

        if ( e->size && e->addr <= lo && end_of(e) >= hi )
            type = type ? stronger(type, e->type) : e->type;
    }
    return type;
}

/*
 * Cut the address space at every entry boundary and give each piece the
 * strongest type covering it. Overlaps can make more pieces than fit;
 * then the last entry swallows the rest with the stronger type, which
 * may cost RAM but never turns a reservation into RAM.
 */
void memmap_sanitize(struct memmap *m)
{
    unsigned int i, nb = 0;

    for ( i = 0; i < m->nr; i++ )
    {
        struct memmap_entry *e = &m->map[i];

        if ( !e->size )
            continue;
        if ( end_of(e) < e->addr ) /* wraps: clip at the top */
            e->size = -e->addr - 1;
        bounds[nb++] = e->addr;
        bounds[nb++] = end_of(e);
    }
    sort_bounds(nb);
    scratch.nr = 0;
    for ( i = 0; i + 1 < nb; i++ )
    {
        uint64_t lo = bounds[i], hi = bounds[i + 1];
        uint32_t type = lo < hi ? type_at(m, lo, hi) : 0;
        struct memmap_entry *last;

        if ( !type || append(&scratch, lo, hi, type) )
            continue;
        last = &scratch.map[MEMMAP_MAX - 1]; /* full */
        last->size = hi - last->addr;
        last->type = stronger(last->type, type);
        if ( last[-1].type == last->type && end_of(&last[-1]) == last->addr )
        {
            last[-1].size = hi - last[-1].addr;
            scratch.nr--;
        }
    }
    m->nr = scratch.nr;
    memcpy(m->map, scratch.map, scratch.nr * sizeof(scratch.map[0]));
}

int memmap_set_type(struct memmap *m, uint64_t addr, uint64_t size,
                    uint32_t type)
{
    uint64_t end = addr + size;
    bool ok = true, placed = false;
    unsigned int i;

    if ( !size || end < addr )
        return -EINVAL;
    scratch.nr = 0;
    for ( i = 0; i < m->nr && ok; i++ )
    {
        const struct memmap_entry *e = &m->map[i];

        ASSERT(!i || e->addr >= end_of(&m->map[i - 1])); /* sanitized */
        if ( e->addr < addr )
            ok = append(&scratch, e->addr, MIN(end_of(e), addr), e->type);
        if ( ok && !placed && end_of(e) > addr )
        {
            ok = append(&scratch, addr, end, type);
            placed = true;
        }
        if ( ok && end_of(e) > end )
            ok = append(&scratch, MAX(e->addr, end), end_of(e), e->type);
    }
    if ( ok && !placed )
        ok = append(&scratch, addr, end, type);
    if ( !ok )
        return -ENOSPC;
    m->nr = scratch.nr;
    memcpy(m->map, scratch.map, scratch.nr * sizeof(scratch.map[0]));
    return 0;
}

uint64_t memmap_total(const struct memmap *m, uint32_t type)
{
    uint64_t total = 0;
    unsigned int i;

    for ( i = 0; i < m->nr; i++ )
        if ( m->map[i].type == type )
            total += m->map[i].size;
    return total;
}

uint64_t memmap_ram_end(const struct memmap *m)
{
    uint64_t end = 0;
    unsigned int i;

    for ( i = 0; i < m->nr; i++ )
        if ( m->map[i].type == MEMMAP_RAM )
            end = MAX(end, end_of(&m->map[i]));
    return end;
}

const char *memmap_type_name(uint32_t type)
{
    switch ( type )
    {
    case MEMMAP_RAM:
        return "RAM";
    case MEMMAP_RESERVED:
        return "reserved";
    case MEMMAP_ACPI:
        return "ACPI data";
    case MEMMAP_NVS:
        return "ACPI NVS";
    case MEMMAP_UNUSABLE:
        return "unusable";
    default:
        return "unknown";
    }
}
