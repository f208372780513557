/* SPDX-License-Identifier: GPL-2.0-only */
/* Building Dom0 from the first boot module, then handing it the CPU. */
#include <xenia/console.h>
#include <xenia/domain.h>
#include <xenia/errno.h>
#include <xenia/mm.h>
#include <xenia/page_alloc.h>
#include <xenia/page_type.h>
#include <xenia/sched.h>
#include <xenia/time.h>
#include <xenia/xmalloc.h>
#include <asm/config.h>
#include <asm/eflags.h>
#include <asm/pv.h>
#include <asm/pv_dom0.h>

/*
 * Without dom0_mem, Dom0 gets what is free less a reserve for Xenia's own
 * allocations (1/16 of it, at most 128 MiB), as Xen sizes it.
 */
static unsigned long dom0_pages(uint64_t opt_bytes)
{
    unsigned long avail = page_alloc_free_frames();
    unsigned long reserve = MIN(avail / 16, (unsigned long)(MB(128) >> PAGE_SHIFT));
    unsigned long want = opt_bytes ? opt_bytes >> PAGE_SHIFT : avail - reserve;

    return MIN(want, avail - reserve);
}

/* Allocate nr frames, in 2 MiB runs where the heap has them. */
static int alloc_dom0_memory(struct domain *d, unsigned long nr,
                             unsigned long *p2m)
{
    unsigned long done = 0;
    unsigned int order = 9;

    d->max_pages = nr; /* for now; dom0_construct() sets the limit */
    while ( done < nr )
    {
        mfn_t mfn;
        unsigned long j;

        while ( order && (1UL << order) > nr - done )
            order--;
        if ( domain_alloc_pages(d, order, 0, &mfn) )
        {
            if ( !order )
                return -ENOMEM;
            order--;
            continue;
        }
        for ( j = 0; j < (1UL << order); j++ )
        {
            p2m[done + j] = mfn_x(mfn) + j;
            set_gpfn_from_mfn(mfn_add(mfn, j), _gfn(done + j));
        }
        done += 1UL << order;
    }
    d->max_gpfn = nr - 1;
    return 0;
}

/*
 * The bootstrap tables become validated page tables: typing the L4
 * checks (and references) the whole tree under it. The L4 is pinned and
 * is the vCPU's kernel page table, each holding a type reference, as on
 * Xen; the ABI promises a pinned L4 at entry.
 */
static int type_and_pin_tables(struct vcpu *v, mfn_t l4_mfn)
{
    struct page_info *pg = mfn_to_page(l4_mfn);
    domid_t id = v->domain->domain_id;
    int rc;

    rc = get_page_and_type(pg, id, PGT_l4_page_table);
    if ( rc )
        return rc;
    __atomic_fetch_or(&pg->type_info, PGT_pinned, __ATOMIC_ACQ_REL);
    rc = get_page_and_type(pg, id, PGT_l4_page_table);
    if ( rc )
        return rc;
    v->arch.guest_table = l4_mfn;
    return 0;
}

static void set_entry_state(struct vcpu *v, const struct dom0_image *img)
{
    struct cpu_user_regs *r = &v->arch.user_regs;

    memset(r, 0, sizeof(*r));
    r->rip = img->entry;
    r->rsp = img->stack_top;
    r->rsi = img->start_info_va;
    r->cs = FLAT_KERNEL_CS;
    r->ss = FLAT_KERNEL_SS;
    r->rflags = X86_EFLAGS_IF | 0x2;
    v->arch.kernel_mode = true;
}

int dom0_construct(const struct boot_module *kernel,
                   const struct boot_module *initrd, const char *cmdline,
                   uint64_t opt_dom0_mem, uint64_t max_mem,
                   unsigned int nr_vcpus)
{
    struct domain *d;
    struct vcpu *v;
    struct dom0_image img;
    unsigned long nr, *p2m;
    int rc;

    if ( !nr_vcpus || nr_vcpus > MAX_VCPUS )
    {
        printk(XENLOG_WARNING "dom0_max_vcpus=%u out of range: using 1\n",
               nr_vcpus);
        nr_vcpus = 1;
    }
    d = domain_create(0, true, nr_vcpus);
    if ( !d )
        return -ENOMEM;
    printk(XENLOG_INFO "Dom0: %u vCPU%s\n", nr_vcpus, nr_vcpus > 1 ? "s" : "");
    v = d->vcpu[0];
    nr = dom0_pages(opt_dom0_mem);
    p2m = xmalloc_bytes(nr * sizeof(*p2m), 0);
    if ( !p2m )
        return -ENOMEM;
    rc = alloc_dom0_memory(d, nr, p2m);
    if ( rc )
    {
        printk(XENLOG_ERR "Dom0: cannot allocate %lu pages\n", nr);
        return rc;
    }
    /* Xen's unlimited is the largest 32-bit count, which guests see. */
    d->max_pages = max_mem ? MAX(nr, (unsigned long)(max_mem >> PAGE_SHIFT))
                           : 0xffffffffUL;
    printk(XENLOG_INFO "Dom0: %luk of memory (%lu pages)\n", nr * 4, nr);

    rc = dom0_build_image(d, kernel, initrd, cmdline, p2m, nr, &img);
    if ( rc )
        return rc;
    if ( img.hypercall_page_pfn != ~0UL )
        pv_write_hypercall_page(__va((paddr_t)p2m[img.hypercall_page_pfn]
                                     << PAGE_SHIFT));
    rc = type_and_pin_tables(v, img.l4_mfn);
    if ( rc )
    {
        printk(XENLOG_ERR "Dom0: its page tables do not validate (%d)\n", rc);
        return rc;
    }
    set_entry_state(v, &img);
    pv_update_vcpu_time(v);
    set_timer(&v->periodic_timer, NOW() + v->periodic_period);
    sched_add_vcpu(v);
    xfree(p2m);
    return 0;
}
