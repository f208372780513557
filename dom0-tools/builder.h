/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The DomU builder: a 64-bit PV kernel (ELF, or bzImage with an XZ
 * payload), an optional initrd, a command line, memory and vCPUs turned
 * into a domain ready to run, with the layout and start-of-day state of
 * hypervisor/common/pvbuild/pv_image.c, the code Xenia's Dom0 builder uses.
 */
#ifndef DOM0_TOOLS_BUILDER_H
#define DOM0_TOOLS_BUILDER_H

#include <stddef.h>
#include <stdint.h>

#include "hcall.h"

struct domu_config {
    const char *kernel, *initrd, *cmdline; /* paths; initrd may be NULL */
    unsigned long memory_mib;
    unsigned int vcpus;
    uint32_t domid;   /* DOMID_INVALID: the hypervisor chooses */
    int start_paused; /* build, but leave the domain paused */
    /* Seed grants by setup_table + foreign map, as without acquire_resource. */
    int grants_by_setup_table;
};

struct domu {
    uint32_t domid;
    evtchn_port_t store_port, console_port;
    xen_pfn_t store_mfn, console_mfn;
    unsigned long nr_pages;
    /* Time spent in each phase, in microseconds (for the benchmark). */
    uint64_t us_load, us_create, us_populate, us_build, us_finish;
};

/*
 * The guest's memory as pv_build() sees it here (pv_image.h): one mapping
 * of pfns [0, nr_mapped) at base, or, with slot, of the pages
 * pv_build_pages() named, pfn p at slot[p]; and the frames
 * populate_physmap gave.
 */
struct pv_build_mem {
    uint8_t *base;
    const xen_pfn_t *p2m;
    unsigned long nr_mapped;
    const unsigned long *slot; /* NULL: identity; ~0UL: not mapped */
};

/* 0, or -1 with errno and a one-line message in msg. */
int domu_build(hcall_t *h, const struct domu_config *cfg, struct domu *out,
               char *msg, size_t msg_len);

/*
 * A kernel image from a file, decompressed if it is a bzImage (mapped
 * memory: release it with domu_free_kernel). 0, or -1 with a message.
 */
int domu_load_kernel(const char *path, uint8_t **image, size_t *len, char *msg,
                     size_t msg_len);
void domu_free_kernel(uint8_t *image, size_t len);

#endif /* DOM0_TOOLS_BUILDER_H */
