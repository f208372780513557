/* SPDX-License-Identifier: GPL-2.0-only */
/* Dom0's image: the kernel module checked, laid out and written into memory. */
#include <xenia/console.h>
#include <xenia/errno.h>
#include <xenia/lib.h>
#include <xenia/pv_image.h>
#include <xen/features.h>
#include <asm/config.h>
#include <asm/pv_dom0.h>

/* What Xenia can give a 64-bit PV kernel (FEATURES note, '!' entries). */
#define SUPPORTED_FEATURES                                                     \
    ((1u << XENFEAT_writable_page_tables) |                                    \
     (1u << XENFEAT_pae_pgdir_above_4gb) | (1u << XENFEAT_dom0))

struct p2m_ctx {
    const unsigned long *p2m;
};

static void *map_pfn(void *ctx, unsigned long pfn)
{
    return __va((paddr_t)((struct p2m_ctx *)ctx)->p2m[pfn] << PAGE_SHIFT);
}

static uint64_t pfn_to_mfn(void *ctx, unsigned long pfn)
{
    return ((struct p2m_ctx *)ctx)->p2m[pfn];
}

static void report(const struct pv_layout *l, const struct boot_module *initrd)
{
    printk(XENLOG_INFO "Dom0 layout: kernel %#lx-%#lx, start_info %#lx, page "
                       "tables %#lx (%lu frames), stack top %#lx, end %#lx\n",
           (unsigned long)l->kernel_start, (unsigned long)l->kernel_end,
           (unsigned long)l->start_info, (unsigned long)l->pt_start,
           l->nr_pt_frames, (unsigned long)l->stack_top,
           (unsigned long)l->v_end);
    if ( initrd )
        printk(XENLOG_INFO "Dom0 initrd mapped at %#lx\n",
               (unsigned long)l->initrd_start);
    printk(XENLOG_INFO "Dom0 entry point %#lx\n", (unsigned long)l->entry);
}

int dom0_build_image(struct domain *d, const struct boot_module *kernel,
                     const struct boot_module *initrd, const char *cmdline,
                     const unsigned long *p2m, unsigned long nr,
                     struct dom0_image *img)
{
    struct pv_kernel k;
    struct pv_layout l;
    struct p2m_ctx ctx = {p2m};
    struct pv_build_mem mem = {&ctx, map_pfn, pfn_to_mfn};
    struct pv_build_params p = {
        .nr_pages = nr,
        .initrd_len = initrd ? initrd->size : 0,
        .cmdline = cmdline,
        .shared_info_maddr = (uint64_t)d->shared_info_mfn << PAGE_SHIFT,
        .si_flags = SIF_PRIVILEGED | SIF_INITDOMAIN,
    };
    const char *why;
    int rc;

    rc = pv_kernel_parse(__va(kernel->start), kernel->size, SUPPORTED_FEATURES,
                         &k, &why);
    /* A kernel that says what it supports must say it can be Dom0 (Xen). */
    if ( !rc && k.has_supported_note &&
         !(k.features_supported & (1u << XENFEAT_dom0)) )
        rc = -EINVAL, why = "it does not declare XENFEAT_dom0 support";
    if ( rc )
    {
        printk(XENLOG_ERR "Dom0 kernel is not usable: %s\n", why);
        return rc;
    }
    rc = pv_layout_compute(&k, &p, &l, &why);
    if ( !rc )
        rc = pv_build(&k, &p, &l, &mem, initrd ? __va(initrd->start) : NULL,
                      &why);
    if ( rc )
    {
        printk(XENLOG_ERR "Dom0: cannot build its image: %s\n", why);
        return rc;
    }
    report(&l, initrd);
    /* Asking for writable page tables means wanting the write emulation. */
    if ( k.features_supported & (1u << XENFEAT_writable_page_tables) )
        d->vcpu[0]->arch.vm_assist |= 1UL << VMASST_TYPE_writable_pagetables;
    img->entry = l.entry;
    img->stack_top = l.stack_top;
    img->start_info_va = l.start_info;
    img->l4_mfn = p2m[pv_va_to_pfn(&l, l.pt_start)];
    img->hypercall_page_pfn =
        k.hypercall_page ? pv_va_to_pfn(&l, k.hypercall_page) : ~0UL;
    return 0;
}
