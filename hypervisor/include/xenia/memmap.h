/* SPDX-License-Identifier: GPL-2.0-only */
/* The machine memory map (E820 types), as the boot loader reports it. */
#ifndef XENIA_MEMMAP_H
#define XENIA_MEMMAP_H

#include <xenia/types.h>

#define MEMMAP_RAM      1
#define MEMMAP_RESERVED 2
#define MEMMAP_ACPI     3
#define MEMMAP_NVS      4
#define MEMMAP_UNUSABLE 5

#define MEMMAP_MAX 128

struct memmap_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
};

struct memmap {
    unsigned int nr;
    struct memmap_entry map[MEMMAP_MAX];
};

/* Append; -ENOSPC when full, -EINVAL for a zero size or wrap-around. */
int memmap_add(struct memmap *m, uint64_t addr, uint64_t size, uint32_t type);

/*
 * Sort by address, resolve overlaps (any non-RAM type wins over RAM; of
 * two non-RAM types the higher number wins) and merge neighbours of the
 * same type. Firmware maps overlap more often than one would hope.
 */
void memmap_sanitize(struct memmap *m);

/*
 * Mark [addr, addr + size) as type, splitting entries as needed (used to
 * keep the hypervisor image and boot modules out of usable RAM). The map
 * must be sanitized; it stays so. -ENOSPC if the split does not fit.
 */
int memmap_set_type(struct memmap *m, uint64_t addr, uint64_t size,
                    uint32_t type);

uint64_t memmap_total(const struct memmap *m, uint32_t type);

/* Highest end address of any RAM entry (0 if none). */
uint64_t memmap_ram_end(const struct memmap *m);

const char *memmap_type_name(uint32_t type);

#endif /* XENIA_MEMMAP_H */
