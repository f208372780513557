/* SPDX-License-Identifier: GPL-2.0-only */
/* Dom0's image: the kernel module checked, laid out and written into memory. */
#include <xenia/bzimage.h>
#include <xenia/console.h>
#include <xenia/errno.h>
#include <xenia/lib.h>
#include <xenia/mm.h>
#include <xenia/page_alloc.h>
#include <xenia/pv_image.h>
#include <xenia/time.h>
#include <xenia/xmalloc.h>
#include <xen/features.h>
#include <asm/config.h>
#include <asm/pv_dom0.h>

/* What Xenia can give a 64-bit PV kernel (FEATURES note, '!' entries). */
#define SUPPORTED_FEATURES                                                     \
    ((1u << XENFEAT_writable_page_tables) |                                    \
     (1u << XENFEAT_pae_pgdir_above_4gb) | (1u << XENFEAT_dom0))

/* Dom0's memory for pv_build(): its p2m, every frame in the direct map. */
struct pv_build_mem {
    const unsigned long *p2m;
};

void *pv_build_map_pfn(const struct pv_build_mem *m, unsigned long pfn)
{
    return __va((paddr_t)m->p2m[pfn] << PAGE_SHIFT);
}

uint64_t pv_build_pfn_to_mfn(const struct pv_build_mem *m, unsigned long pfn)
{
    return m->p2m[pfn];
}

/*
 * The kernel as pv_kernel_parse() reads it: the module itself when it is
 * an ELF, else the ELF unpacked from a bzImage (as Debian ships Linux)
 * into xenheap frames that are freed once the image is built.
 */
struct kernel_elf {
    const void *image;
    size_t len;
    void *frames; /* NULL: not unpacked */
    unsigned int order;
};

/* Tenths of a MiB, rounded, for messages. */
static unsigned long mib10(size_t bytes)
{
    return (unsigned long)((bytes * 10 + MB(1) / 2) / MB(1));
}

/*
 * Dom0's memory is already allocated when this runs, so the unpacked
 * kernel takes none of it but must fit in what Dom0 left free (without
 * dom0_mem=, the 1/16 reserve). It needs one contiguous block, rounded up
 * to a power of two of frames as the allocator hands them out, because
 * the decoder writes, and copies its matches back from, one flat buffer.
 */
static int unpack_bzimage(const void *mod, size_t mod_len, struct kernel_elf *ke)
{
    struct bzimage bz;
    struct xz_workspace *ws;
    const char *why;
    s_time_t t;
    int rc;

    rc = bzimage_parse(mod, mod_len, &bz, &why);
    if ( rc )
    {
        printk(XENLOG_ERR "Dom0 kernel is not usable: %s%s%s\n", why,
               rc == -EOPNOTSUPP && bz.format ? ": it is " : "",
               rc == -EOPNOTSUPP && bz.format ? bz.format : "");
        return rc;
    }
    for ( ke->order = 0; (PAGE_SIZE << ke->order) < bz.uncompressed_len;
          ke->order++ )
        ;
    ke->frames = ke->order <= MAX_ORDER ? alloc_xenheap_pages(ke->order) : NULL;
    ws = xmalloc(struct xz_workspace);
    if ( !ke->frames || !ws )
    {
        printk(XENLOG_ERR "Dom0: no %lu MiB of contiguous free memory to "
                          "unpack its kernel into (a smaller dom0_mem= would "
                          "leave room)\n",
               (unsigned long)((PAGE_SIZE << ke->order) >> 20));
        rc = -ENOMEM;
        goto out;
    }
    t = NOW();
    rc = bzimage_decompress(&bz, ke->frames, PAGE_SIZE << ke->order, ws, &why);
    t = NOW() - t;
    if ( rc )
    {
        printk(XENLOG_ERR "Dom0 kernel is not usable: its bzImage's XZ "
                          "payload: %s\n", why);
        goto out;
    }
    printk(XENLOG_INFO "Dom0 kernel: bzImage, XZ payload %lu.%lu MiB -> "
                      "%lu.%lu MiB in %lu ms\n",
           mib10(bz.payload_len) / 10, mib10(bz.payload_len) % 10,
           mib10(bz.uncompressed_len) / 10, mib10(bz.uncompressed_len) % 10,
           (unsigned long)(t / MILLISECS(1)));
    ke->image = ke->frames;
    ke->len = bz.uncompressed_len;
out:
    xfree(ws);
    if ( rc && ke->frames )
    {
        free_xenheap_pages(ke->frames, ke->order);
        ke->frames = NULL;
    }
    return rc;
}

static int get_kernel_elf(const struct boot_module *kernel,
                          struct kernel_elf *ke)
{
    const void *mod = __va(kernel->start);

    ke->image = mod;
    ke->len = kernel->size;
    ke->frames = NULL;
    if ( !bzimage_probe(mod, kernel->size) )
        return 0;
    return unpack_bzimage(mod, kernel->size, ke);
}

static void put_kernel_elf(struct kernel_elf *ke)
{
    if ( ke->frames )
        free_xenheap_pages(ke->frames, ke->order);
    ke->frames = NULL;
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
    struct pv_build_mem mem = {p2m};
    struct pv_build_params p = {
        .nr_pages = nr,
        .initrd_len = initrd ? initrd->size : 0,
        .cmdline = cmdline,
        .shared_info_maddr = mfn_to_maddr(d->shared_info_mfn),
        .si_flags = SIF_PRIVILEGED | SIF_INITDOMAIN,
    };
    struct kernel_elf ke;
    const char *why;
    int rc;

    rc = get_kernel_elf(kernel, &ke);
    if ( rc )
        return rc;
    rc = pv_kernel_parse(ke.image, ke.len, SUPPORTED_FEATURES, &k, &why);
    /* A kernel that says what it supports must say it can be Dom0 (Xen). */
    if ( !rc && k.has_supported_note &&
         !(k.features_supported & (1u << XENFEAT_dom0)) )
        rc = -EINVAL, why = "it does not declare XENFEAT_dom0 support";
    if ( rc )
    {
        printk(XENLOG_ERR "Dom0 kernel is not usable: %s\n", why);
        put_kernel_elf(&ke);
        return rc;
    }
    rc = pv_layout_compute(&k, &p, &l, &why);
    if ( !rc )
        rc = pv_build(&k, &p, &l, &mem, initrd ? __va(initrd->start) : NULL,
                      &why);
    /* pv_build() copied what it needs; k points into ke no further. */
    put_kernel_elf(&ke);
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
    img->l4_mfn = _mfn(p2m[pv_va_to_pfn(&l, l.pt_start)]);
    img->hypercall_page_pfn =
        k.hypercall_page ? pv_va_to_pfn(&l, k.hypercall_page) : ~0UL;
    return 0;
}
