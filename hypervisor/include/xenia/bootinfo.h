/* SPDX-License-Identifier: GPL-2.0-only */
/* What the boot loader handed over, whichever Multiboot version it spoke. */
#ifndef XENIA_BOOTINFO_H
#define XENIA_BOOTINFO_H

#include <xenia/memmap.h>

#define MULTIBOOT1_BOOTLOADER_MAGIC 0x2BADB002u
#define MULTIBOOT2_BOOTLOADER_MAGIC 0x36d76289u

#define BOOT_MAX_MODULES 16

struct boot_module {
    paddr_t start;
    uint64_t size;
    const char *cmdline; /* never NULL: "" when the loader gave none */
};

struct boot_info {
    const char *cmdline;     /* never NULL */
    const char *loader_name; /* never NULL: "unknown" when not given */
    struct memmap memmap;
    unsigned int nr_modules;
    struct boot_module mods[BOOT_MAX_MODULES];
    paddr_t rsdp; /* physical address of an RSDP copy, 0 if none given */
};

/*
 * phys_to_virt turns a physical address from the loader's structures into
 * a pointer the caller can read (the direct map in the hypervisor, a test
 * buffer on the host); it returns NULL for addresses it cannot reach.
 * The parsers check every length and offset against the structures'
 * stated sizes and return -EINVAL for malformed input, leaving *bi in a
 * consistent state. Modules beyond BOOT_MAX_MODULES are dropped with
 * -E2BIG returned only if nothing else was wrong.
 */
typedef const void *(*boot_phys_to_virt_fn)(paddr_t pa, size_t len);

int multiboot1_parse(paddr_t info_pa, boot_phys_to_virt_fn p2v,
                     struct boot_info *bi);
int multiboot2_parse(paddr_t info_pa, boot_phys_to_virt_fn p2v,
                     struct boot_info *bi);

#endif /* XENIA_BOOTINFO_H */
