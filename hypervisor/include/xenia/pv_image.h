/* SPDX-License-Identifier: GPL-2.0-only */
/* A 64-bit Xen PV kernel image: parsing it and laying out its start of day. */
#ifndef XENIA_PV_IMAGE_H
#define XENIA_PV_IMAGE_H

#include <xenia/types.h>

/*
 * Pure code shared by the hypervisor (Dom0 at boot) and, later, the
 * toolstack (DomUs): no printing; failures return -errno and a reason
 * string for the caller's one-line message.
 */

#define PV_MAX_SEGMENTS 8

struct pv_segment {
    uint64_t vaddr;  /* where it runs: p_paddr + virt_base - paddr_offset */
    uint64_t file_off, filesz, memsz;
};

struct pv_kernel {
    const uint8_t *image;
    size_t len;
    uint64_t virt_base, paddr_offset, entry;
    uint64_t hypercall_page;   /* 0: none asked for */
    uint64_t virt_kstart, virt_kend;
    uint32_t features_required, features_supported; /* XENFEAT_ bits */
    bool has_supported_note;
    bool mod_start_pfn;        /* initrd may be handed over by pfn */
    uint64_t init_p2m;         /* INIT_P2M: where the p2m goes; 0: none */
    unsigned int nr_segments;
    struct pv_segment seg[PV_MAX_SEGMENTS];
};

/*
 * Check an ELF64 x86-64 image and read its Xen notes. supported is the
 * set of XENFEAT_ bits the hypervisor can give; a kernel requiring more
 * is refused.
 */
int pv_kernel_parse(const void *image, size_t len, uint32_t supported,
                    struct pv_kernel *k, const char **why);

/* What the builder is asked to build. */
struct pv_build_params {
    unsigned long nr_pages;       /* pages the domain owns */
    size_t initrd_len;            /* 0: none */
    const char *cmdline;
    uint64_t shared_info_maddr;
    uint32_t si_flags;            /* SIF_PRIVILEGED | SIF_INITDOMAIN for Dom0 */
    /*
     * A DomU gets xenstore and console pages, and the layout Xen's tools
     * give one: the initrd by pfn (unmapped) and the p2m at INIT_P2M with
     * page tables of its own, when the kernel's notes allow them.
     */
    bool domu;
    /*
     * Every page already reads as zero (Xenia clears each frame it gives
     * a domain): pv_build() writes only what is not zero, on the pages
     * pv_build_pages() names, so a builder need map no others.
     */
    bool zeroed;
    uint64_t xs_mfn, cons_mfn;  /* domU: filled in by the caller */
    uint32_t xs_evtchn, cons_evtchn;
};

/* Where everything goes: virtual addresses in the bootstrap region. */
struct pv_layout {
    uint64_t v_start, v_end;
    uint64_t kernel_start, kernel_end;
    uint64_t initrd_start;        /* 0: none, or not mapped */
    uint64_t p2m_start;           /* VA of the p2m */
    bool initrd_by_pfn;           /* SIF_MOD_START_PFN */
    unsigned long initrd_pfn;
    bool p2m_outside;             /* at INIT_P2M, after the region */
    unsigned long p2m_pfn;        /* p2m_outside: the p2m, then its tables */
    unsigned long nr_p2m_pages, nr_p2m_l2, nr_p2m_l1;
    unsigned long nr_used;        /* pfns [0, nr_used) hold all of this */
    uint64_t start_info;
    uint64_t store_page, console_page; /* domU only */
    uint64_t pt_start;            /* L4, L3, L2, then the L1s */
    unsigned long nr_pt_frames;
    uint64_t stack_start;
    uint64_t entry, stack_top;
};

int pv_layout_compute(const struct pv_kernel *k,
                      const struct pv_build_params *p, struct pv_layout *l,
                      const char **why);

/*
 * The domain's memory, as the builder sees it. Each program that builds
 * an image defines struct pv_build_mem and the two functions below once,
 * and they are resolved at link time: the hypervisor's Dom0 builder
 * (pv/dom0_image.c), dom0-tools' DomU builder (builder.c, whose test
 * uses it too), tests/unit/test_pv_image.c and tests/guests/domains.
 */
struct pv_build_mem;

/* Pfn's page, mapped writable; pfn lies below the layout's nr_used. */
void *pv_build_map_pfn(const struct pv_build_mem *m, unsigned long pfn);
/* The machine frame behind pfn, as the guest's p2m and PTEs hold it. */
uint64_t pv_build_pfn_to_mfn(const struct pv_build_mem *m, unsigned long pfn);

/*
 * Write the image: kernel segments, initrd (copied from initrd), p2m,
 * start_info and the bootstrap page tables (read-only where they map
 * page tables). The hypervisor's L4 slots are left for the validation
 * that types the L4.
 */
int pv_build(const struct pv_kernel *k, const struct pv_build_params *p,
             const struct pv_layout *l, const struct pv_build_mem *mem,
             const void *initrd, const char **why);

/*
 * The pages pv_build() writes, as ranges of pfns (in no particular order,
 * possibly overlapping) given to add(): all of [0, nr_used) unless
 * p->zeroed.
 */
void pv_build_pages(const struct pv_kernel *k, const struct pv_build_params *p,
                    const struct pv_layout *l,
                    void (*add)(void *ctx, unsigned long first, unsigned long n),
                    void *ctx);

static inline unsigned long pv_va_to_pfn(const struct pv_layout *l, uint64_t va)
{
    return (unsigned long)((va - l->v_start) >> PAGE_SHIFT);
}

#endif /* XENIA_PV_IMAGE_H */
