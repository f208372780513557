/* SPDX-License-Identifier: GPL-2.0-only */
/* Building the initial domain. */
#ifndef ASM_PV_DOM0_H
#define ASM_PV_DOM0_H

#include <xenia/bootinfo.h>
#include <xenia/domain.h>

/* What the image builder leaves for the vCPU to start with. */
struct dom0_image {
    unsigned long entry;        /* XEN_ELFNOTE_ENTRY */
    unsigned long stack_top;
    unsigned long start_info_va;
    mfn_t l4_mfn;               /* the bootstrap L4 */
    unsigned long hypercall_page_pfn; /* ~0UL: the kernel wants none */
};

/*
 * Lay the kernel, initrd, start_info, p2m and bootstrap page tables out
 * in d's memory (p2m[pfn] is the machine frame of each of its nr pages),
 * as the start-of-day ABI promises. A kernel that is no 64-bit Xen PV
 * image gets one clear error line.
 */
int dom0_build_image(struct domain *d, const struct boot_module *kernel,
                     const struct boot_module *initrd, const char *cmdline,
                     const unsigned long *p2m, unsigned long nr,
                     struct dom0_image *img);

/*
 * Create and build Dom0, ready to be scheduled: mem bytes (0: all but a
 * reserve), growing by ballooning up to max_mem bytes (0: no limit, as on
 * Xen without dom0_mem=max:).
 */
int dom0_construct(const struct boot_module *kernel,
                   const struct boot_module *initrd, const char *cmdline,
                   uint64_t mem, uint64_t max_mem, unsigned int nr_vcpus);

#endif /* ASM_PV_DOM0_H */
