/* SPDX-License-Identifier: GPL-2.0-only */
/* Guest descriptor tables: set_gdt, update_descriptor, the CPU's GDT window. */
#include <xenia/console.h>
#include <xenia/errno.h>
#include <xenia/guest_access.h>
#include <xenia/hypercall.h>
#include <xenia/mm.h>
#include <xenia/page_type.h>
#include <xenia/sched.h>
#include <asm/config.h>
#include <asm/current.h>
#include <asm/page.h>
#include <asm/processor.h>
#include <asm/pv.h>

/*
 * Each CPU runs on a 16-page GDT window in the per-domain area: pages
 * 0-13 map the running vCPU's GDT frames (or a zero page: not-present
 * descriptors), pages 14-15 the CPU's own page of Xenia's selectors
 * (TSS included). Switching vCPUs only remaps the guest part.
 */
#define GDT_WINDOW(cpu) (PERDOMAIN_VIRT_START + (unsigned long)(cpu) * 0x10000)

static unsigned long zero_page_mfn;
static DEFINE_PER_CPU(unsigned long, gdt_mapped[FIRST_RESERVED_GDT_PAGE]);

#define DESC_P   (1UL << 47)
#define DESC_S   (1UL << 44) /* code/data, not system */
#define DESC_DPL (3UL << 45)
#define DESC_CODE (1UL << 43)
#define DESC_WRITABLE (1UL << 41) /* data segments */
#define DESC_TYPE_SHIFT 40
#define DESC_TYPE_MASK  (15UL << DESC_TYPE_SHIFT)
#define DESC_CALL_GATE  (12UL << DESC_TYPE_SHIFT) /* 64-bit in long mode */
#define DESC_GATE_RSVD  (0xffUL << 32) /* IST and reserved: zero in a call gate */

/* A call gate may name a guest code segment, the kernel's flat one, or the LDT. */
static bool gate_selector_ok(unsigned int sel)
{
    return (sel >> 3) < FIRST_RESERVED_GDT_ENTRY || sel == FLAT_KERNEL_CS ||
           (sel & 4);
}

/*
 * The rules Xen applies (shared/research/linux-pv-abi.md, section 1.8):
 * a not-present or null descriptor is fine; code and data descriptors
 * are made DPL 3, since the guest kernel runs in ring 3 and a DPL 0
 * segment would be unusable (Linux keeps shadow copies for that reason).
 * Of the system descriptors (TSS, LDT, gates) only call gates are
 * accepted, as Xen does, with their DPL forced to 0: the guest, always
 * in ring 3, can never pass through one, and a far call or jump at it
 * raises #GP with the gate's selector, which the guest kernel sees (Xen
 * emulates gates for 32-bit guests only). The gate's second half, type 0,
 * is invalid to the CPU as a descriptor of its own, so harmless.
 */
static bool check_descriptor(uint64_t *d)
{
    unsigned int sel;

    if ( !(*d & DESC_P) )
        return true;
    if ( *d & DESC_S )
    {
        *d |= DESC_DPL;
        return true;
    }
    if ( !(*d & DESC_TYPE_MASK) )
        return true;
    sel = (*d >> 16) & 0xffff;
    if ( (*d & DESC_TYPE_MASK) != DESC_CALL_GATE || !gate_selector_ok(sel) ||
         (*d & DESC_GATE_RSVD) )
        return false;
    /* The guest's DPL, raised to its ring as for segments, keeps in the RPL. */
    *d &= ~(DESC_DPL | (0xffffUL << 16));
    *d |= (uint64_t)(sel | 3) << 16;
    return true;
}

/*
 * May IRETQ load sel into CS (code) or SS (!code) for ring 3? Only a
 * present code (or writable data) descriptor of the guest's GDT, or one of
 * the ABI's flat selectors, passes: anything else would fault on Xenia's
 * own IRETQ. A null SS is fine in 64-bit mode. No LDT: Xenia maps none.
 */
bool pv_iret_selector_ok(const struct vcpu *v, uint16_t sel, bool code)
{
    unsigned int idx = sel >> 3;
    uint64_t d;
    const uint64_t *t;

    if ( !code && idx == 0 && !(sel & 4) )
        return true;
    if ( sel & 4 )
        return false;
    if ( idx >= FIRST_RESERVED_GDT_ENTRY )
    {
        sel |= 3;
        return code ? sel == FLAT_RING3_CS64 || sel == FLAT_RING3_CS32
                    : sel == FLAT_RING3_SS64 || sel == FLAT_RING3_SS32;
    }
    if ( idx >= v->arch.gdt_ents || !v->arch.gdt_frames[idx / 512] )
        return false;
    t = __va(mfn_to_maddr(_mfn(v->arch.gdt_frames[idx / 512])));
    d = t[idx % 512];
    if ( !(d & DESC_P) || !(d & DESC_S) )
        return false;
    return code ? (d & DESC_CODE) != 0
                : !(d & DESC_CODE) && (d & DESC_WRITABLE);
}

int pv_validate_seg_desc_page(struct page_info *pg)
{
    uint64_t *t = __va(mfn_to_maddr(page_to_mfn(pg)));
    unsigned int i;

    for ( i = 0; i < PAGE_SIZE / 8; i++ )
        if ( !check_descriptor(&t[i]) )
            return -EINVAL;
    return 0;
}

void pv_gdt_init_cpu(unsigned int cpu, void *gdt)
{
    unsigned long va = GDT_WINDOW(cpu), i;
    struct {
        uint16_t limit;
        uint64_t base;
    } __packed gdtr = {GDT_ENTRIES * 8 - 1, va};

    if ( !zero_page_mfn )
    {
        void *z = alloc_xenheap_pages(0);

        if ( !z )
            panic("no memory for the GDT zero page\n");
        memset(z, 0, PAGE_SIZE);
        zero_page_mfn = __pa(z) >> PAGE_SHIFT;
    }
    for ( i = 0; i < FIRST_RESERVED_GDT_PAGE; i++ )
    {
        map_pages_to_xen(va + i * PAGE_SIZE, _mfn(zero_page_mfn), 1,
                         PAGE_HYPERVISOR_RO);
        per_cpu(gdt_mapped, cpu)[i] = zero_page_mfn;
    }
    map_pages_to_xen(va + FIRST_RESERVED_GDT_PAGE * PAGE_SIZE,
                     maddr_to_mfn(virt_to_maddr(gdt) +
                                  FIRST_RESERVED_GDT_PAGE * PAGE_SIZE),
                     2, PAGE_HYPERVISOR_RW);
    asm volatile("lgdt %0" ::"m"(gdtr));
}

/* Show v's GDT frames in this CPU's window. */
void pv_load_gdt(struct vcpu *v)
{
    unsigned int cpu = smp_processor_id(), i;
    unsigned long *mapped = per_cpu(gdt_mapped, cpu);

    for ( i = 0; i < FIRST_RESERVED_GDT_PAGE; i++ )
    {
        unsigned long want = v && v->arch.gdt_frames[i] ? v->arch.gdt_frames[i]
                                                        : zero_page_mfn;
        unsigned long va = GDT_WINDOW(cpu) + i * PAGE_SIZE;
        pte_t *l1;

        if ( mapped[i] == want )
            continue;
        l1 = pv_xen_l1e(va);
        *l1 = ((paddr_t)want << PAGE_SHIFT) | PAGE_HYPERVISOR_RO;
        invlpg(va);
        mapped[i] = want;
    }
}

static void put_gdt_frames(struct vcpu *v)
{
    unsigned int i;

    for ( i = 0; i < FIRST_RESERVED_GDT_PAGE; i++ )
        if ( v->arch.gdt_frames[i] )
        {
            put_page_and_type(mfn_to_page(_mfn(v->arch.gdt_frames[i])));
            v->arch.gdt_frames[i] = 0;
        }
    v->arch.gdt_ents = 0;
}

/* Make frames[] (entries descriptors) the vCPU's GDT; frames[] is trusted
 * memory but its values are the guest's. */
int pv_set_gdt(struct vcpu *v, const unsigned long *frames, unsigned int entries)
{
    unsigned long mine[FIRST_RESERVED_GDT_PAGE] = {0};
    unsigned int nr = (entries * 8 + PAGE_SIZE - 1) / PAGE_SIZE, i;
    int rc = 0;

    if ( entries > FIRST_RESERVED_GDT_ENTRY )
        return -EINVAL;
    memcpy(mine, frames, nr * sizeof(unsigned long));
    /* The frames become descriptor pages: read-only, checked. */
    for ( i = 0; i < nr; i++ )
        if ( mine[i] >= max_page ||
             (rc = get_page_and_type(mfn_to_page(_mfn(mine[i])),
                                     v->domain->domain_id, PGT_seg_desc_page)) )
        {
            while ( i-- )
                put_page_and_type(mfn_to_page(_mfn(mine[i])));
            return rc ? rc : -EINVAL;
        }
    put_gdt_frames(v);
    memcpy(v->arch.gdt_frames, mine, sizeof(mine));
    v->arch.gdt_ents = entries;
    __atomic_add_fetch(&v->domain->desc_gen, 1, __ATOMIC_RELEASE);
    if ( v == current_vcpu() )
        pv_load_gdt(v);
    return 0;
}

long do_set_gdt(unsigned long frame_list, unsigned int entries)
{
    unsigned long frames[FIRST_RESERVED_GDT_PAGE] = {0};
    unsigned int nr = (entries * 8 + PAGE_SIZE - 1) / PAGE_SIZE;

    if ( entries > FIRST_RESERVED_GDT_ENTRY )
        return -EINVAL;
    if ( copy_from_guest(frames, frame_list, nr * sizeof(unsigned long)) )
        return -EFAULT;
    return pv_set_gdt(current_vcpu(), frames, entries);
}

long do_update_descriptor(uint64_t maddr, uint64_t desc)
{
    struct vcpu *v = current_vcpu();
    mfn_t mfn = maddr_to_mfn(maddr);
    struct page_info *pg;
    uint64_t *slot;
    long rc = 0;

    /* Checked wherever it goes, as in Xen: it may become a table later. */
    if ( (maddr & 7) || !mfn_valid(mfn) || !check_descriptor(&desc) )
        return -EINVAL;
    pg = mfn_to_page(mfn);
    if ( !get_page(pg, v->domain->domain_id) )
        return -EINVAL;
    slot = (uint64_t *)((char *)mfn_to_virt(mfn) + (maddr & (PAGE_SIZE - 1)));
    if ( (pg->type_info & PGT_type_mask) == PGT_seg_desc_page &&
         (pg->type_info & PGT_count_mask) )
    {
        /* In use as a descriptor table: a valid one (checked above). */
        *slot = desc;
    }
    else if ( get_page_type(pg, PGT_writable_page) == 0 )
    {
        *slot = desc;
        put_page_type(pg);
    }
    else
        rc = -EINVAL;
    put_page(pg);
    if ( !rc )
        __atomic_add_fetch(&v->domain->desc_gen, 1, __ATOMIC_RELEASE);
    return rc;
}
