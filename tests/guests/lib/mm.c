/* SPDX-License-Identifier: GPL-2.0-only */
/* Address translation, page-table walks and page allocation over the bootstrap mapping. */
#include "guest.h"

unsigned long cur_l4_mfn;
static unsigned long *p2m;
static uint8_t *free_next, *free_end;

/*
 * The builder guarantees at least 512 KiB of mapped, writable padding
 * after the boot stack (xen.h start-of-day layout); tests allocate from it.
 */
#define BOOT_PADDING (512UL << 10)

void mm_init(void)
{
    p2m = (unsigned long *)start_info->mfn_list;
    cur_l4_mfn = virt_to_mfn((void *)start_info->pt_base);
    free_next =
        (uint8_t *)((boot_regs.rsp + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1UL));
    free_end = free_next + BOOT_PADDING;
}

unsigned long pfn_to_mfn(unsigned long pfn)
{
    return p2m[pfn];
}

void p2m_set(unsigned long pfn, unsigned long mfn)
{
    p2m[pfn] = mfn;
}

void *pfn_to_virt(unsigned long pfn)
{
    return (void *)(GUEST_VIRT_BASE + (pfn << 12));
}

unsigned long virt_to_pfn(const void *va)
{
    return ((unsigned long)va - GUEST_VIRT_BASE) >> 12;
}

unsigned long virt_to_mfn(const void *va)
{
    return pfn_to_mfn(virt_to_pfn(va));
}

uint64_t virt_to_maddr(const void *va)
{
    return ((uint64_t)virt_to_mfn(va) << 12) | ((unsigned long)va & 0xfff);
}

void *mfn_to_virt(unsigned long mfn)
{
    unsigned long pfn = M2P[mfn];

    if ( pfn >= start_info->nr_pages || pfn_to_mfn(pfn) != mfn )
        return NULL;
    return pfn_to_virt(pfn);
}

uint64_t *pt_entry(unsigned long va, unsigned int level)
{
    uint64_t *table = mfn_to_virt(cur_l4_mfn);
    unsigned int l;
    uint64_t e;

    for ( l = 4; table && l > level; l-- )
    {
        e = table[pt_index(va, l)];
        if ( !(e & PTE_P) )
            return NULL;
        table = mfn_to_virt(PTE_MFN(e));
    }
    return table ? &table[pt_index(va, level)] : NULL;
}

uint64_t *l1_entry(unsigned long va)
{
    return pt_entry(va, 1);
}

void *alloc_page(void)
{
    void *p = free_next;

    if ( free_next >= free_end )
        test_error("out of pages to allocate");
    free_next += PAGE_SIZE;
    memset(p, 0, PAGE_SIZE);
    return p;
}

unsigned long alloc_pages_left(void)
{
    return (free_end - free_next) / PAGE_SIZE;
}

long map_mfn(unsigned long va, unsigned long mfn, uint64_t flags)
{
    return hypercall_update_va_mapping(va, ((uint64_t)mfn << 12) | flags,
                                       UVMF_INVLPG | UVMF_LOCAL);
}

long set_page_rw(const void *va, bool writable)
{
    uint64_t flags = PTE_P | PTE_A | PTE_D | (writable ? PTE_RW : 0);

    return map_mfn((unsigned long)va, virt_to_mfn(va), flags);
}

long mmuext_simple(unsigned int cmd, unsigned long arg)
{
    struct mmuext_op op = {.cmd = cmd};

    op.arg1.mfn = arg;
    return hypercall_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

long pin_table(unsigned int level, unsigned long mfn)
{
    return mmuext_simple(MMUEXT_PIN_L1_TABLE + level - 1, mfn);
}

long unpin_table(unsigned long mfn)
{
    return mmuext_simple(MMUEXT_UNPIN_TABLE, mfn);
}

bool no_writable_refs(void *page)
{
    unsigned long mfn = virt_to_mfn(page);
    bool ok;

    memset(page, 0, PAGE_SIZE);
    if ( set_page_rw(page, false) )
        test_error("cannot make %p read-only", page);
    ok = pin_table(1, mfn) == 0;
    if ( ok )
        unpin_table(mfn);
    if ( set_page_rw(page, true) )
        test_error("cannot make %p writable again", page);
    return ok;
}

long mmu_update_one(uint64_t ptr, uint64_t val)
{
    mmu_update_t req = {.ptr = ptr, .val = val};

    return hypercall_mmu_update(&req, 1, NULL, DOMID_SELF);
}
