/* SPDX-License-Identifier: GPL-2.0-only */
/* Multiboot 1 and 2 information layouts, written from the specifications. */
#ifndef XENIA_MULTIBOOT_DEFS_H
#define XENIA_MULTIBOOT_DEFS_H

#include <xenia/lib.h>
#include <xenia/types.h>

/*
 * Multiboot 1 (specification 0.6.96, section 3.3). The loader fills in
 * the fields its flags announce; all addresses are 32-bit physical.
 */
#define MB1_FLAG_MEMORY      (1u << 0)  /* mem_lower, mem_upper */
#define MB1_FLAG_BOOTDEV     (1u << 1)  /* boot_device */
#define MB1_FLAG_CMDLINE     (1u << 2)  /* cmdline */
#define MB1_FLAG_MODS        (1u << 3)  /* mods_count, mods_addr */
#define MB1_FLAG_AOUT_SYMS   (1u << 4)  /* syms as a.out symbols */
#define MB1_FLAG_ELF_SHDR    (1u << 5)  /* syms as ELF section headers */
#define MB1_FLAG_MMAP        (1u << 6)  /* mmap_length, mmap_addr */
#define MB1_FLAG_DRIVES      (1u << 7)  /* drives_length, drives_addr */
#define MB1_FLAG_CONFIG      (1u << 8)  /* config_table */
#define MB1_FLAG_LOADER_NAME (1u << 9)  /* boot_loader_name */
#define MB1_FLAG_APM         (1u << 10) /* apm_table */
#define MB1_FLAG_VBE         (1u << 11) /* vbe_* */
#define MB1_FLAG_FRAMEBUFFER (1u << 12) /* framebuffer_* */

struct mb1_info {
    uint32_t flags;
    uint32_t mem_lower; /* KiB of RAM from 0 */
    uint32_t mem_upper; /* KiB of RAM from 1 MiB */
    uint32_t boot_device;
    uint32_t cmdline; /* NUL-terminated string */
    uint32_t mods_count;
    uint32_t mods_addr; /* array of struct mb1_module */
    uint32_t syms[4];
    uint32_t mmap_length; /* bytes of struct mb1_mmap_entry records */
    uint32_t mmap_addr;
    uint32_t drives_length;
    uint32_t drives_addr;
    uint32_t config_table;
    uint32_t boot_loader_name; /* NUL-terminated string */
    uint32_t apm_table;
    uint32_t vbe_control_info;
    uint32_t vbe_mode_info;
    uint16_t vbe_mode;
    uint16_t vbe_interface_seg;
    uint16_t vbe_interface_off;
    uint16_t vbe_interface_len;
    uint64_t framebuffer_addr;
    uint32_t framebuffer_pitch;
    uint32_t framebuffer_width;
    uint32_t framebuffer_height;
    uint8_t framebuffer_bpp;
    uint8_t framebuffer_type;
    uint8_t color_info[6];
} __packed;
BUILD_BUG_ON(offsetof(struct mb1_info, mmap_length) != 44);
BUILD_BUG_ON(offsetof(struct mb1_info, boot_loader_name) != 64);
BUILD_BUG_ON(offsetof(struct mb1_info, framebuffer_addr) != 88);
BUILD_BUG_ON(sizeof(struct mb1_info) != 116);

struct mb1_module {
    uint32_t mod_start;
    uint32_t mod_end; /* first byte after the module */
    uint32_t string;  /* NUL-terminated string */
    uint32_t reserved;
} __packed;
BUILD_BUG_ON(sizeof(struct mb1_module) != 16);

/*
 * One memory map record. size counts the bytes after itself, so the
 * next record starts size + 4 bytes on; it may exceed the 20 bytes
 * shown here.
 */
struct mb1_mmap_entry {
    uint32_t size;
    uint64_t base_addr;
    uint64_t length;
    uint32_t type; /* 1 RAM, 3 ACPI, 4 NVS, 5 bad; others reserved */
} __packed;
BUILD_BUG_ON(sizeof(struct mb1_mmap_entry) != 24);

/*
 * Multiboot 2 (specification 2.0, section 3.6): a fixed part, then tags
 * each starting at an 8-byte aligned offset, up to an end tag. A tag's
 * size includes its 8-byte header but not the padding after it.
 */
struct mb2_info {
    uint32_t total_size; /* including this fixed part and the end tag */
    uint32_t reserved;
};

#define MB2_TAG_END            0
#define MB2_TAG_CMDLINE        1
#define MB2_TAG_LOADER_NAME    2
#define MB2_TAG_MODULE         3
#define MB2_TAG_BASIC_MEMINFO  4
#define MB2_TAG_BOOTDEV        5
#define MB2_TAG_MMAP           6
#define MB2_TAG_VBE            7
#define MB2_TAG_FRAMEBUFFER    8
#define MB2_TAG_ELF_SECTIONS   9
#define MB2_TAG_APM            10
#define MB2_TAG_EFI32          11
#define MB2_TAG_EFI64          12
#define MB2_TAG_SMBIOS         13
#define MB2_TAG_ACPI_OLD       14
#define MB2_TAG_ACPI_NEW       15
#define MB2_TAG_NETWORK        16
#define MB2_TAG_EFI_MMAP       17
#define MB2_TAG_EFI_BS         18
#define MB2_TAG_EFI32_IH       19
#define MB2_TAG_EFI64_IH       20
#define MB2_TAG_LOAD_BASE_ADDR 21

#define MB2_TAG_ALIGN 8

struct mb2_tag {
    uint32_t type;
    uint32_t size;
};

/* MB2_TAG_CMDLINE, MB2_TAG_LOADER_NAME */
struct mb2_tag_string {
    struct mb2_tag tag;
    char string[]; /* NUL-terminated within the tag */
};

struct mb2_tag_module {
    struct mb2_tag tag;
    uint32_t mod_start;
    uint32_t mod_end; /* first byte after the module */
    char cmdline[];   /* NUL-terminated within the tag */
};

struct mb2_tag_basic_meminfo {
    struct mb2_tag tag;
    uint32_t mem_lower; /* KiB of RAM from 0 */
    uint32_t mem_upper; /* KiB of RAM from 1 MiB */
};

struct mb2_mmap_entry {
    uint64_t base_addr;
    uint64_t length;
    uint32_t type; /* as in Multiboot 1 */
    uint32_t reserved;
};
BUILD_BUG_ON(sizeof(struct mb2_mmap_entry) != 24);

struct mb2_tag_mmap {
    struct mb2_tag tag;
    uint32_t entry_size; /* stride of the entries, at least 24 */
    uint32_t entry_version;
    struct mb2_mmap_entry entries[];
};
BUILD_BUG_ON(sizeof(struct mb2_tag_mmap) != 16);

/* MB2_TAG_ACPI_OLD, MB2_TAG_ACPI_NEW: a copy of the RSDP follows. */
struct mb2_tag_acpi {
    struct mb2_tag tag;
    uint8_t rsdp[];
};

#define ACPI_RSDP_V1_SIZE 20 /* ACPI 1.0 RSDP */
#define ACPI_RSDP_V2_SIZE 36 /* ACPI 2.0+ RSDP, with the XSDT address */

#endif /* XENIA_MULTIBOOT_DEFS_H */
