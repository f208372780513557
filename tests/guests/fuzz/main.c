/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A hypercall fuzzer: seeded random hypercalls with edge-value arguments,
 * which the hypervisor must survive. The guest itself must survive too, so
 * every argument that could legitimately end or wreck this domain is
 * filtered (see "The safety filter" below); what remains is the guest
 * asking for everything else, as wrongly as it can.
 *
 * Command line (the dom0 arguments):
 *   fuzz.seeds=A,B,...  seeds, run one after another in this boot
 *   fuzz.calls=N        top-level calls per seed (a multicall counts once)
 *   fuzz.v=1            print every call before making it (default: every
 *                       fuzz.every calls, default 64, and before the calls
 *                       of the risky classes)
 *
 * The verdict is SUCCESS when every seed ran to its end and the health
 * check after each seed passed: hypercalls still answer, the timer still
 * wakes a blocked vCPU, our memory is still ours. A hypervisor panic or
 * hang shows as no verdict; the last "F" line names the seed and call.
 *
 * The safety filter (what the fuzzer never asks, and why):
 * - Calls that end the domain: SCHEDOP_shutdown (also through the old
 *   sched_op_compat), SCHEDOP_remote_shutdown of domain 0 or DOMID_SELF,
 *   a SCHEDOP_watchdog left armed (one is armed only with a long timeout
 *   and destroyed at once), VCPUOP_down of vCPU 0, VCPUOP_initialise or
 *   VCPUOP_up of a vCPU that exists (it would run garbage and crash us),
 *   HYPERVISOR_iret with a random frame, kexec, and the privileged calls
 *   that a trusted dom0 may legitimately use to wreck the machine (ACPI
 *   sleep, CPU offline, microcode, MSR writes, I/O-APIC writes, PIRQ and
 *   PCI set-up, debug keys, xenoprof, PMU set-up, hypfs writes, domctls
 *   and sysctls other than queries).
 * - Our own vital frames (image, boot stack, start-of-day page tables, the
 *   p2m list, the page vcpu_info may move to) never appear where a frame
 *   is given away, unpinned, cleared, copied over, mapped, remapped, typed
 *   or granted. Frames the fuzzer may abuse: its noise pages, its window
 *   pages, a pool of frames it does not map, start_info's frame (we keep
 *   a copy), shared_info, the grant frames, and frames that are not ours.
 * - Addresses the hypervisor may write through are never ours except the
 *   noise pages, the window, shared_info, the grant frames and the old
 *   start_info page; other addresses given are Xen's range, the M2P,
 *   read-only page tables, unmapped, non-canonical or the top of memory.
 *   Structures that select dangerous behaviour (poll timeouts, shutdown
 *   domains, vcpu_info and runstate locations, extent lists) are always
 *   freshly generated, never noise read through a stray pointer.
 * - Only the window's PTEs (and Xen's or empty L4 slots) are targets of
 *   update_va_mapping and mmu_update; NEW_BASEPTR only to the current L4
 *   or to frames that are not ours.
 * - Blocking calls always end: SCHEDOP_block only with a one-shot timer
 *   armed and the timer VIRQ bound and unmasked, SCHEDOP_poll always with
 *   a timeout at most a few ms away (or in the past); neither is put into
 *   a multicall.
 * - What a call may break in our own set-up is repaired right after it:
 *   the trap table, the event and failsafe callbacks, no NMI callback.
 *   Faults a call may cause later are handled: #DB clears DR7, #NM clears
 *   TS, an NMI is ignored, the failsafe callback nulls the data segments.
 */
/*
 * domctl.h and sysctl.h are for tools only. In tools mode the headers pick
 * the latest interface version, which is the one the Makefile names.
 */
#define __XEN_TOOLS__ 1
#undef __XEN_INTERFACE_VERSION__
#include "guest.h"
_Static_assert(__XEN_INTERFACE_VERSION__ == 0x00040e00, "interface version");
#include <xen/physdev.h>
#include <xen/platform.h>
#include <xen/domctl.h>
#include <xen/sysctl.h>
#include <xen/hypfs.h>
#include <xen/kexec.h>
#include <xen/pmu.h>
#include <xen/nmi.h>
#include <xen/hvm/hvm_op.h>

const char test_title[] = "fuzz: seeded random hypercalls with edge values";

/*
 * Noise pages: structures for the calls come from the first STRUCT_PAGES,
 * data the hypervisor writes goes to the rest, so that in a multicall an
 * entry's output never lands on a later entry's structure.
 */
#define NOISE_PAGES  24
#define STRUCT_PAGES 16
#define WIN_PAGES   16
#define POOL_FRAMES 64
#define GNT_FRAMES  2
#define MAX_MC      8
#define MAX_SEEDS   64

/* ---- configuration ---- */

static uint64_t seeds[MAX_SEEDS];
static unsigned int nr_seeds;
static unsigned long calls_per_seed = 1000;
static unsigned int every = 64;
static bool verbose;

/* ---- the PRNG: splitmix64, deterministic per seed ---- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static unsigned int rn(unsigned int n)
{
    return n ? rnd() % n : 0;
}

static bool pct(unsigned int p)
{
    return rn(100) < p;
}

#define PICK(arr) ((arr)[rn(ARRAY_SIZE(arr))])

/* ---- our memory: vital, sacrificial and special ---- */

static start_info_t si_copy;
static unsigned long si_pfn;
static uint8_t *orig_si;
static uint8_t *vcpu_info_page;
static uint8_t *noise;            /* NOISE_PAGES pages of arena */
static uint8_t *win;              /* WIN_PAGES pages the fuzzer remaps */
static uint64_t win_pte_ma[WIN_PAGES];
static unsigned long noise_pfn0, win_pfn0;
static unsigned long pool_pfn0, pool_mfn[POOL_FRAMES];
static uint8_t *gnt_va;           /* GNT_FRAMES pages mapped to grant frames */
static unsigned long gnt_mfn[GNT_FRAMES];
static unsigned int nr_gnt;
static unsigned long shinfo_mfn, m2p_mfn, max_ram_page;
static unsigned int nr_vcpus = 1;
static unsigned long arena_off;

/* Frames of ours the fuzzer may do anything to. */
static bool pfn_is_sacrificial(unsigned long pfn)
{
    return (pfn >= noise_pfn0 && pfn < noise_pfn0 + NOISE_PAGES) ||
           (pfn >= win_pfn0 && pfn < win_pfn0 + WIN_PAGES) ||
           (pfn >= pool_pfn0 && pfn < pool_pfn0 + POOL_FRAMES) ||
           pfn == si_pfn;
}

/* A frame this guest owns and needs. */
static bool mfn_is_vital(uint64_t mfn)
{
    uint64_t pfn;

    if ( mfn >= max_ram_page )
        return false;
    if ( probe_read(&M2P[mfn], &pfn) >= 0 )
        return false;
    if ( pfn >= start_info->nr_pages || pfn_to_mfn(pfn) != mfn )
        return false;
    return !pfn_is_sacrificial(pfn);
}

/* ---- edge values ---- */

static uint64_t clk_tsc, clk_ns, clk_mul;
static int8_t clk_shift;

/*
 * System time from a snapshot taken at boot, because the fuzzer may clear
 * or overwrite shared_info (and the vcpu_info time record with it).
 */
static uint64_t now_ns(void)
{
    uint64_t d = rdtsc() - clk_tsc;

    if ( clk_shift >= 0 )
        d <<= clk_shift;
    else
        d >>= -clk_shift;
    return clk_ns + (uint64_t)(((unsigned __int128)d * clk_mul) >> 32);
}

static const uint64_t edges[] = {
    0, 1, 2, 3, 7, 8, 15, 16, 31, 32, 63, 64, 255, 256, 511, 512, 1023, 1024,
    4095, 4096, 4097, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000,
    0xffffffff, 0x100000000ULL, 0x7fffffffffffffffULL, 0x8000000000000000ULL,
    0xfffffffffffff000ULL, 0xfffffffffffffffeULL, 0xffffffffffffffffULL,
    0x7ff0, 0x7ff1, 0x7ff2, 0x7ff3, 0x7ff4, 0x7ff5,
};

static uint64_t v_small(void)
{
    return pct(70) ? rn(8) : rn(4200);
}

static uint64_t v_count(void)
{
    static const uint64_t c[] = {0, 1, 1, 2, 3, 4, 8, 16, 512, 513, 1024,
                                 4096, 0x10000, 0x7fffffff, 0x80000000,
                                 0xffffffff, 0xffffffffffffffffULL};

    return pct(50) ? PICK(c) : rn(20);
}

static uint64_t v_time(void)
{
    static const int64_t d[] = {
        -((int64_t)1 << 62), -1000000000000LL, -1000000000, -1000000, -1000,
        -1, 0, 1, 1000, 100000, 1000000, 2000000, 1000000000,
        (int64_t)1 << 62};
    uint64_t now = now_ns();

    switch ( rn(4) )
    {
    case 0:
        return PICK(edges);
    case 1:
        return rnd();
    default:
        return now + PICK(d);
    }
}

static domid_t v_domid(void)
{
    static const domid_t d[] = {0, 1, 2, DOMID_SELF, DOMID_IO, DOMID_XEN,
                                DOMID_COW, DOMID_INVALID, DOMID_IDLE, 0x7fef,
                                0xffff, 0x8000};

    return pct(85) ? PICK(d) : (domid_t)rnd();
}

/* A domain that is not us (for calls that would end the domain they name). */
static domid_t v_other_domid(void)
{
    domid_t d;

    do
        d = v_domid();
    while ( d == 0 || d == DOMID_SELF );
    return d;
}

static uint32_t v_vcpu(void)
{
    static const uint32_t v[] = {0, 0, 1, 2, 31, 32, 127, 128, 4095,
                                 0x7fffffff, 0xffffffff};

    return PICK(v);
}

/* A frame not ours: Xen's, absent, or beyond everything. */
static uint64_t v_mfn_foreign(void)
{
    switch ( rn(8) )
    {
    case 0:
        return 0;
    case 1:
        return rn(256); /* low memory, Xen's */
    case 2:
        return m2p_mfn;
    case 3:
        return max_ram_page + rn(4);
    case 4:
        return max_ram_page - 1;
    case 5:
        return 1ULL << 40;
    case 6:
        return ~0ULL;
    default:
        return rnd() & 0xfffffffffULL;
    }
}

/* A frame the fuzzer may do anything to, or one that is not ours. */
static uint64_t v_mfn(void)
{
    uint64_t m;

    switch ( rn(9) )
    {
    case 0:
    case 1:
        return pool_mfn[rn(POOL_FRAMES)];
    case 2:
        return pfn_to_mfn(noise_pfn0 + rn(NOISE_PAGES));
    case 3:
        return pfn_to_mfn(win_pfn0 + rn(WIN_PAGES));
    case 4:
        return shinfo_mfn;
    case 5:
        return nr_gnt ? gnt_mfn[rn(nr_gnt)] : shinfo_mfn;
    case 6:
        return pfn_to_mfn(si_pfn);
    case 7:
        m = v_mfn_foreign();
        return mfn_is_vital(m) ? pool_mfn[0] : m;
    default:
        m = PICK(edges);
        return mfn_is_vital(m) ? pool_mfn[1] : m;
    }
}

/* Frames that may be written with anything: not the grant frames. */
static uint64_t v_mfn_scratch(void)
{
    uint64_t m = v_mfn();
    unsigned int i;

    for ( i = 0; i < nr_gnt; i++ )
        if ( m == gnt_mfn[i] )
            return pool_mfn[rn(POOL_FRAMES)];
    return m;
}

static uint64_t v_maddr(void)
{
    uint64_t off = pct(50) ? rn(512) * 8 : rn(4096);

    return (v_mfn() << 12) + off;
}

/* Addresses that map nothing of ours (or Xen's read-only M2P). */
static uint64_t v_addr_unmapped(void)
{
    static const uint64_t a[] = {
        0, 1, 0x1000, 0x7ffffffff000ULL, 0x800000000000ULL,
        0x8000000000000000ULL, 0xffff800000000000ULL, 0xffff804000000000ULL,
        0xffff830000000000ULL, 0xffff82d080000000ULL, 0xffff87fffffff000ULL,
        0xffffffff00000000ULL, GUEST_VIRT_BASE + (1UL << 30),
        0xfffffffffffff000ULL, 0xffffffffffffffffULL};

    if ( pct(20) )
        return MACH2PHYS_VIRT_START + (rnd() & 0xffff8);
    return PICK(a) + (pct(80) ? 0 : rn(4096));
}

/* Nothing readable at all (the M2P and our page tables hold numbers). */
static uint64_t v_addr_unreadable(void)
{
    static const uint64_t a[] = {0, 0x1000, 0x800000000000ULL,
                                 0xffff830000000000ULL,
                                 GUEST_VIRT_BASE + (1UL << 30),
                                 0xfffffffffffff000ULL};

    return PICK(a);
}

/*
 * Addresses that are never ours to lose when written through: also our
 * page tables, which are mapped read-only (but whose mappings are ours).
 */
static uint64_t v_addr_bad(void)
{
    static const uint64_t a[] = {
        0, 1, 0x1000, 0x7ffffffff000ULL, 0x800000000000ULL,
        0x8000000000000000ULL, 0xffff800000000000ULL, 0xffff804000000000ULL,
        0xffff830000000000ULL, 0xffff82d080000000ULL, 0xffff87fffffff000ULL,
        0xffffffff00000000ULL, GUEST_VIRT_BASE + (1UL << 30),
        0xfffffffffffff000ULL, 0xffffffffffffffffULL};

    switch ( rn(4) )
    {
    case 0:
        return MACH2PHYS_VIRT_START + (rnd() & 0xffff8);
    case 1:
        return start_info->pt_base + rn(4) * PAGE_SIZE + rn(4096);
    default:
        return PICK(a);
    }
}

/* Arena: the noise pages, handed out per top-level call. */
static void *arena_alloc(size_t size)
{
    uint8_t *p;

    size = (size + 7) & ~7UL;
    /* A top-level call (a batch of 8 included) fits without wrapping. */
    if ( arena_off + size > STRUCT_PAGES * PAGE_SIZE - 8 )
        arena_off = 0;
    p = noise + arena_off;
    arena_off += size;
    /* Sometimes a structure starts unaligned, or straddles a page. */
    return p;
}

static void fill_noise(void *p, size_t n)
{
    uint8_t *b = p;
    size_t i;

    for ( i = 0; i + 8 <= n; i += 8 )
    {
        uint64_t v = pct(80) ? rnd() : PICK(edges);

        memcpy(b + i, &v, 8);
    }
    for ( ; i < n; i++ )
        b[i] = rnd();
}

/* A structure of 'size' bytes: noise, in the arena; the caller fills it. */
static void *new_struct(size_t size)
{
    void *p = arena_alloc(size + 64);

    p = (uint8_t *)p + (pct(10) ? 4 : 0);
    fill_noise(p, size);
    return p;
}

/* Where the hypervisor may write data (not structures we rely on). */
static uint64_t v_out_ptr(void)
{
    switch ( rn(10) )
    {
    case 0:
        return (uint64_t)shared_info + rn(PAGE_SIZE);
    case 1:
        return nr_gnt ? (uint64_t)gnt_va + rn(nr_gnt * PAGE_SIZE)
                      : (uint64_t)shared_info;
    case 2:
        return (uint64_t)win + rn(WIN_PAGES * PAGE_SIZE);
    case 3:
        return (uint64_t)orig_si + rn(PAGE_SIZE);
    case 4:
        return (uint64_t)noise + NOISE_PAGES * PAGE_SIZE - rn(64);
    case 5:
    case 6:
        return v_addr_bad();
    default:
        return (uint64_t)noise + STRUCT_PAGES * PAGE_SIZE +
               rn((NOISE_PAGES - STRUCT_PAGES) * PAGE_SIZE - 512);
    }
}

/* A pointer to a fresh structure, or (rarely) one that is not usable. */
static uint64_t v_struct_ptr(void *fresh)
{
    return pct(92) ? (uint64_t)fresh : v_addr_bad();
}

/* Addresses for VAs the hypervisor maps (window only, or never ours). */
static uint64_t v_va(void)
{
    if ( pct(65) )
        return (uint64_t)win + rn(WIN_PAGES) * PAGE_SIZE +
               (pct(90) ? 0 : rn(4096));
    return v_addr_unmapped();
}

static uint64_t v_pte_flags(void)
{
    static const uint64_t f[] = {0, PTE_P, PTE_P | PTE_RW,
                                 PTE_P | PTE_RW | PTE_US | PTE_A | PTE_D,
                                 PTE_P | PTE_PS, PTE_P | PTE_NX, 0x1ff, 0xfff,
                                 PTE_P | (1ULL << 52) | (1ULL << 62),
                                 PTE_P | 0x180};

    return pct(80) ? PICK(f) : (rnd() & 0xfff0000000000fffULL);
}

static uint64_t v_pte(void)
{
    if ( pct(10) )
        return PICK(edges);
    return (v_mfn() << 12) | v_pte_flags();
}

/* Anything at all, but nothing that names our vital memory. */
static uint64_t v_any(void)
{
    switch ( rn(10) )
    {
    case 0:
    case 1:
    case 2:
        return PICK(edges);
    case 3:
        return v_small();
    case 4:
        return v_out_ptr();
    case 5:
        return v_mfn();
    case 6:
        return v_maddr();
    case 7:
        return v_time();
    case 8:
        return rnd() & 0xffffffff;
    default:
        return rnd();
    }
}

/* ---- calls ---- */

extern void fuzz_failsafe_entry(void);

struct call {
    unsigned long nr;
    unsigned long a[5];
};

/* How one call is made: alone (may block) or inside a multicall. */
enum ctx { CTX_TOP, CTX_MULTI };

/* Extra work after the call (by the top-level driver). */
static bool need_repair;
static bool mask_events; /* no upcall until the call's effects are handled */
static int watchdog_armed = -1;
static uint8_t *vcpu_info_target; /* where vcpu_info goes if it moves */

static uint64_t *v_mfn_list(unsigned int n, bool scratch)
{
    uint64_t *l = new_struct(n * 8 + 8);
    unsigned int i;

    for ( i = 0; i < n; i++ )
        l[i] = scratch ? v_mfn_scratch() : v_mfn();
    return l;
}

static void gen_memory_op(struct call *c)
{
    static const unsigned int ops[] = {
        XENMEM_increase_reservation, XENMEM_decrease_reservation,
        XENMEM_populate_physmap, XENMEM_exchange, XENMEM_maximum_ram_page,
        XENMEM_current_reservation, XENMEM_maximum_reservation,
        XENMEM_maximum_gpfn, XENMEM_machphys_mfn_list,
        XENMEM_machphys_compat_mfn_list, XENMEM_machphys_mapping,
        XENMEM_add_to_physmap, XENMEM_add_to_physmap_batch,
        XENMEM_remove_from_physmap, XENMEM_memory_map,
        XENMEM_machine_memory_map, XENMEM_set_memory_map,
        XENMEM_set_pod_target, XENMEM_get_pod_target,
        XENMEM_get_sharing_freed_pages, XENMEM_get_sharing_shared_pages,
        XENMEM_paging_op, XENMEM_access_op, XENMEM_sharing_op,
        XENMEM_claim_pages, XENMEM_get_vnumainfo,
        XENMEM_reserved_device_memory_map, XENMEM_acquire_resource, 29, 30,
        64, 0xffff};
    unsigned int op = PICK(ops), n;
    struct xen_memory_reservation *r;
    struct xen_memory_exchange *x;
    uint64_t *l;

    c->a[0] = op;
    if ( pct(5) )
        c->a[0] |= rnd() & 0xfffffff00000ULL; /* continuation bits */
    switch ( op )
    {
    case XENMEM_increase_reservation:
    case XENMEM_decrease_reservation:
    case XENMEM_populate_physmap:
        r = new_struct(sizeof(*r));
        n = pct(80) ? rn(5) : v_count();
        l = v_mfn_list(n < 64 ? n : 64, false);
        if ( op == XENMEM_populate_physmap && pct(60) )
        {
            unsigned int i;

            /* gpfns: our pool, past the end, or anywhere. */
            for ( i = 0; i < (n < 64 ? n : 64); i++ )
                l[i] = pct(50) ? pool_pfn0 + rn(POOL_FRAMES)
                               : pct(50) ? start_info->nr_pages + rn(64)
                                         : PICK(edges);
        }
        set_xen_guest_handle(r->extent_start,
                             pct(90) ? l : (void *)v_addr_bad());
        r->nr_extents = n;
        r->extent_order = pct(70) ? 0 : pct(50) ? rn(10) : rnd();
        r->mem_flags = pct(70) ? 0 : pct(50) ? XENMEMF_address_bits(rn(64))
                                              : (unsigned int)rnd();
        r->domid = pct(70) ? DOMID_SELF : v_domid();
        c->a[1] = v_struct_ptr(r);
        break;
    case XENMEM_exchange:
        x = new_struct(sizeof(*x));
        n = pct(80) ? rn(5) : v_count();
        set_xen_guest_handle(x->in.extent_start,
                             pct(90) ? v_mfn_list(n < 64 ? n : 64, false)
                                     : (void *)v_addr_bad());
        x->in.nr_extents = n;
        x->in.extent_order = pct(70) ? 0 : rn(12);
        x->in.domid = pct(80) ? DOMID_SELF : v_domid();
        n = pct(80) ? rn(5) : v_count();
        set_xen_guest_handle(x->out.extent_start,
                             pct(90) ? v_mfn_list(n < 64 ? n : 64, false)
                                     : (void *)v_addr_bad());
        x->out.nr_extents = n;
        x->out.extent_order = pct(70) ? 0 : rn(12);
        x->out.mem_flags = pct(50) ? 0 : XENMEMF_address_bits(rn(64));
        x->out.domid = pct(80) ? DOMID_SELF : v_domid();
        x->nr_exchanged = pct(80) ? 0 : v_count();
        c->a[1] = v_struct_ptr(x);
        break;
    case XENMEM_maximum_ram_page:
        c->a[1] = v_any();
        break;
    case XENMEM_current_reservation:
    case XENMEM_maximum_reservation:
    case XENMEM_maximum_gpfn:
    case XENMEM_get_pod_target:
    case XENMEM_set_pod_target: {
        domid_t *d = new_struct(64);

        *d = v_domid();
        /* Setting the PoD target of ourselves is refused for PV. */
        c->a[1] = v_struct_ptr(d);
        break;
    }
    case XENMEM_claim_pages: {
        struct xen_memory_reservation *cr = new_struct(sizeof(*cr));

        /* A claim for ourselves only reserves; 0 pages cancels it. */
        cr->domid = pct(50) ? DOMID_SELF : v_domid();
        cr->nr_extents = v_count();
        cr->extent_order = 0;
        cr->mem_flags = 0;
        set_xen_guest_handle(cr->extent_start, NULL);
        c->a[1] = v_struct_ptr(cr);
        break;
    }
    case XENMEM_machphys_mfn_list:
    case XENMEM_machphys_compat_mfn_list: {
        struct xen_machphys_mfn_list *ml = new_struct(sizeof(*ml));

        ml->max_extents = v_count();
        set_xen_guest_handle(ml->extent_start, (void *)v_out_ptr());
        c->a[1] = v_struct_ptr(ml);
        break;
    }
    case XENMEM_machphys_mapping:
        c->a[1] = v_out_ptr();
        break;
    case XENMEM_add_to_physmap: {
        struct xen_add_to_physmap *ap = new_struct(sizeof(*ap));

        ap->domid = pct(70) ? DOMID_SELF : v_domid();
        ap->size = v_count();
        ap->space = pct(80) ? rn(8) : (unsigned int)rnd();
        ap->idx = pct(50) ? v_small() : v_any();
        ap->gpfn = pct(50) ? pool_pfn0 + rn(POOL_FRAMES) : v_any();
        c->a[1] = v_struct_ptr(ap);
        break;
    }
    case XENMEM_add_to_physmap_batch: {
        struct xen_add_to_physmap_batch *ab = new_struct(sizeof(*ab));

        ab->domid = pct(70) ? DOMID_SELF : v_domid();
        ab->space = rn(8);
        ab->size = v_count();
        set_xen_guest_handle(ab->idxs, (void *)v_mfn_list(8, false));
        set_xen_guest_handle(ab->gpfns, (void *)v_mfn_list(8, false));
        set_xen_guest_handle(ab->errs, (void *)v_out_ptr());
        c->a[1] = v_struct_ptr(ab);
        break;
    }
    case XENMEM_remove_from_physmap: {
        struct xen_remove_from_physmap *rp = new_struct(sizeof(*rp));

        rp->domid = pct(70) ? DOMID_SELF : v_domid();
        rp->gpfn = pct(50) ? pool_pfn0 + rn(POOL_FRAMES) : v_mfn();
        c->a[1] = v_struct_ptr(rp);
        break;
    }
    case XENMEM_memory_map:
    case XENMEM_machine_memory_map:
    case XENMEM_set_memory_map: {
        struct xen_memory_map *mm = new_struct(sizeof(*mm) + 8);

        mm->nr_entries = v_count();
        set_xen_guest_handle(mm->buffer, (void *)v_out_ptr());
        if ( op == XENMEM_set_memory_map )
        {
            struct xen_foreign_memory_map *fm = (void *)mm;

            fm->domid = v_domid();
        }
        c->a[1] = v_struct_ptr(mm);
        break;
    }
    case XENMEM_acquire_resource: {
        struct xen_mem_acquire_resource *ar = new_struct(sizeof(*ar));

        ar->domid = pct(60) ? DOMID_SELF : v_domid();
        ar->type = pct(80) ? rn(4) : (uint16_t)rnd();
        ar->id = pct(80) ? rn(3) : (uint32_t)rnd();
        ar->nr_frames = v_count();
        ar->frame = pct(50) ? rn(4) : v_any();
        set_xen_guest_handle(ar->frame_list,
                             pct(50) ? (void *)v_mfn_list(8, false)
                                     : (void *)v_out_ptr());
        c->a[1] = v_struct_ptr(ar);
        break;
    }
    default: {
        /* Sub-ops for paging, sharing, access, vNUMA: noise, not ours. */
        uint8_t *s = new_struct(128);

        memcpy(s, &(domid_t){v_other_domid()}, 2);
        c->a[1] = v_struct_ptr(s);
        break;
    }
    }
}

static void gen_mmu_update(struct call *c)
{
    unsigned int n = pct(85) ? 1 + rn(4) : v_count(), i, k = n < 16 ? n : 16;
    mmu_update_t *u = new_struct(k * sizeof(*u) + 8);
    uint64_t l4 = (uint64_t)cur_l4_mfn << 12;
    const uint64_t *l4v = (const uint64_t *)start_info->pt_base;

    for ( i = 0; i < k; i++ )
    {
        unsigned int cmd = pct(90) ? rn(4) : rn(8), slot;
        uint64_t ptr;

        switch ( rn(6) )
        {
        case 0:
        case 1:
        case 2:
            ptr = win_pte_ma[rn(WIN_PAGES)];
            break;
        case 3:
            /* Xen's L4 slots, or an empty slot of ours. */
            slot = pct(50) ? 256 + rn(16) : rn(512);
            if ( slot < 256 || slot > 271 )
            {
                if ( (uint64_t *)l4v != NULL && (l4v[slot] & PTE_P) )
                    slot = 256 + rn(16);
            }
            ptr = l4 + slot * 8;
            break;
        default:
            ptr = v_maddr();
            break;
        }
        if ( cmd == MMU_MACHPHYS_UPDATE )
        {
            ptr = (v_mfn() << 12) | MMU_MACHPHYS_UPDATE;
            u[i].val = pct(50) ? pool_pfn0 + rn(POOL_FRAMES) : v_any();
        }
        else
        {
            u[i].val = v_pte();
            ptr = (ptr & ~7ULL) | cmd;
            if ( pct(5) )
                ptr |= rn(8) & 4;
        }
        u[i].ptr = ptr;
    }
    c->a[0] = v_struct_ptr(u);
    c->a[1] = n;
    c->a[2] = pct(50) ? 0 : v_out_ptr();
    c->a[3] = pct(80) ? DOMID_SELF : v_domid();
}

static void gen_mmuext_op(struct call *c)
{
    unsigned int n = pct(85) ? 1 + rn(3) : v_count(), i, k = n < 8 ? n : 8;
    struct mmuext_op *o = new_struct(k * sizeof(*o) + 8);

    for ( i = 0; i < k; i++ )
    {
        unsigned int cmd = pct(95) ? rn(21) : (unsigned int)rnd();

        o[i].cmd = cmd;
        switch ( cmd )
        {
        case MMUEXT_PIN_L1_TABLE:
        case MMUEXT_PIN_L2_TABLE:
        case MMUEXT_PIN_L3_TABLE:
        case MMUEXT_PIN_L4_TABLE:
            o[i].arg1.mfn = pct(10) ? cur_l4_mfn : v_mfn();
            break;
        case MMUEXT_UNPIN_TABLE:
        case MMUEXT_NEW_USER_BASEPTR:
        case MMUEXT_CLEAR_PAGE:
        case MMUEXT_MARK_SUPER:
        case MMUEXT_UNMARK_SUPER:
            o[i].arg1.mfn = v_mfn();
            break;
        case MMUEXT_COPY_PAGE:
            o[i].arg1.mfn = v_mfn_scratch();
            o[i].arg2.src_mfn = v_mfn();
            break;
        case MMUEXT_NEW_BASEPTR:
            o[i].arg1.mfn = pct(50) ? cur_l4_mfn : v_mfn_foreign();
            if ( mfn_is_vital(o[i].arg1.mfn) && o[i].arg1.mfn != cur_l4_mfn )
                o[i].arg1.mfn = cur_l4_mfn;
            break;
        case MMUEXT_INVLPG_LOCAL:
        case MMUEXT_INVLPG_ALL:
        case MMUEXT_INVLPG_MULTI:
            o[i].arg1.linear_addr = pct(50) ? v_va() : v_any();
            set_xen_guest_handle(o[i].arg2.vcpumask,
                                 (void *)(pct(50) ? v_out_ptr() : v_any()));
            break;
        case MMUEXT_TLB_FLUSH_MULTI:
            set_xen_guest_handle(o[i].arg2.vcpumask, (void *)v_out_ptr());
            break;
        case MMUEXT_SET_LDT:
            o[i].arg1.linear_addr = pct(50) ? v_out_ptr() : v_addr_bad();
            o[i].arg2.nr_ents = pct(50) ? rn(20) : v_count();
            break;
        default:
            o[i].arg1.mfn = v_mfn();
            break;
        }
    }
    c->a[0] = v_struct_ptr(o);
    c->a[1] = n;
    c->a[2] = pct(50) ? 0 : v_out_ptr();
    c->a[3] = pct(80) ? DOMID_SELF : v_domid();
}

static void gen_update_va_mapping(struct call *c)
{
    static const uint64_t fl[] = {UVMF_NONE, UVMF_INVLPG, UVMF_TLB_FLUSH,
                                  UVMF_INVLPG | UVMF_ALL,
                                  UVMF_TLB_FLUSH | UVMF_ALL, 3, 0xfff};
    uint64_t flags = PICK(fl);

    if ( pct(20) )
        flags = (v_out_ptr() & ~7ULL) | (flags & 3); /* UVMF_MULTI mask */
    c->a[0] = v_va();
    c->a[1] = v_pte();
    c->a[2] = flags;
    if ( c->nr == __HYPERVISOR_update_va_mapping_otherdomain )
        c->a[3] = pct(60) ? DOMID_SELF : v_domid();
}

/* Ports we have seen allocated, for the event-channel calls. */
static uint32_t known_ports[32];
static unsigned int nr_known_ports;
static evtchn_port_t timer_port;

static uint32_t v_port(void)
{
    static const uint32_t p[] = {0, 1, 2, 63, 64, 1023, 1024, 4095, 4096,
                                 0x7fffffff, 0xffffffff};

    if ( nr_known_ports && pct(50) )
        return known_ports[rn(nr_known_ports)];
    return pct(80) ? PICK(p) : (uint32_t)rnd();
}

/* The event-channel structure for 'cmd' (also used by the compat call). */
static void fill_evtchn(unsigned int cmd, void *s)
{
    switch ( cmd )
    {
    case EVTCHNOP_bind_interdomain: {
        struct evtchn_bind_interdomain *b = s;

        b->remote_dom = pct(60) ? DOMID_SELF : v_domid();
        b->remote_port = v_port();
        break;
    }
    case EVTCHNOP_bind_virq: {
        struct evtchn_bind_virq *b = s;

        b->virq = pct(80) ? rn(NR_VIRQS + 2) : (uint32_t)rnd();
        b->vcpu = pct(80) ? 0 : v_vcpu();
        break;
    }
    case EVTCHNOP_bind_pirq: {
        struct evtchn_bind_pirq *b = s;

        b->pirq = pct(50) ? rn(64) : (uint32_t)rnd();
        b->flags = rn(3);
        break;
    }
    case EVTCHNOP_alloc_unbound: {
        struct evtchn_alloc_unbound *b = s;

        b->dom = pct(60) ? DOMID_SELF : v_domid();
        b->remote_dom = pct(60) ? DOMID_SELF : v_domid();
        break;
    }
    case EVTCHNOP_bind_ipi: {
        struct evtchn_bind_ipi *b = s;

        b->vcpu = pct(80) ? 0 : v_vcpu();
        break;
    }
    case EVTCHNOP_bind_vcpu: {
        struct evtchn_bind_vcpu *b = s;

        b->port = v_port();
        b->vcpu = pct(60) ? 0 : v_vcpu();
        break;
    }
    case EVTCHNOP_status: {
        struct evtchn_status *b = s;

        b->dom = pct(70) ? DOMID_SELF : v_domid();
        b->port = v_port();
        break;
    }
    case EVTCHNOP_reset:
    case 14: /* EVTCHNOP_reset_cont, tools only */ {
        struct evtchn_reset *b = s;

        b->dom = pct(70) ? DOMID_SELF : v_domid();
        break;
    }
    case EVTCHNOP_init_control: {
        struct evtchn_init_control *b = s;

        b->control_gfn = v_mfn_scratch();
        b->offset = pct(50) ? rn(64) * 64 : (uint32_t)rnd();
        b->vcpu = pct(80) ? 0 : v_vcpu();
        break;
    }
    case EVTCHNOP_expand_array: {
        struct evtchn_expand_array *b = s;

        b->array_gfn = v_mfn_scratch();
        break;
    }
    case EVTCHNOP_set_priority: {
        struct evtchn_set_priority *b = s;

        b->port = v_port();
        b->priority = rn(20);
        break;
    }
    default: {
        /* send, close, unmask: a port. */
        uint32_t *port = s;

        *port = v_port();
        break;
    }
    }
}

/* EVTCHNOP_init_control switches us to the FIFO ABI, which we do not speak. */
static bool fifo_switch;

static void gen_evtchn(struct call *c, enum ctx ctx)
{
    unsigned int cmd = pct(95) ? rn(15) : (unsigned int)rnd();

    /* Undone by EVTCHNOP_reset right after; not possible in a batch. */
    if ( cmd == EVTCHNOP_init_control && ctx == CTX_MULTI )
        cmd = EVTCHNOP_status;
    if ( cmd == EVTCHNOP_init_control )
        fifo_switch = true;
    void *s = new_struct(64);

    fill_evtchn(cmd, s);
    if ( c->nr == __HYPERVISOR_event_channel_op_compat )
    {
        struct evtchn_op *op = new_struct(sizeof(*op));

        op->cmd = cmd;
        memcpy(&op->u, s, sizeof(op->u));
        c->a[0] = v_struct_ptr(op);
        return;
    }
    c->a[0] = cmd;
    c->a[1] = v_struct_ptr(s);
}

static void write_grant_entries(void)
{
    grant_entry_v1_t e;
    unsigned int i, n = rn(8);

    if ( !nr_gnt )
        return;
    for ( i = 0; i < n; i++ )
    {
        unsigned int ref = pct(80) ? rn(32) : rn(nr_gnt * PAGE_SIZE / 8);
        volatile uint64_t *slot = (volatile uint64_t *)(gnt_va + ref * 8);
        uint64_t raw;

        e.flags = pct(70) ? GTF_permit_access | (pct(30) ? GTF_readonly : 0)
                          : (uint16_t)rnd();
        e.domid = pct(80) ? 0 : v_domid();
        e.frame = v_mfn_scratch();
        memcpy(&raw, &e, 8);
        /* The fuzzer may have given the frame away or remapped nothing. */
        probe_write(slot, raw);
    }
}

/* memmove for dst below src. */
static void copy_down(uint8_t *dst, const uint8_t *src, size_t n)
{
    while ( n-- )
        *dst++ = *src++;
}

static void gen_grant(struct call *c)
{
    unsigned int cmd = pct(95) ? rn(13) : (unsigned int)rnd();
    unsigned int n = pct(85) ? 1 + rn(3) : v_count(), k = n < 8 ? n : 8, i;
    uint8_t *s = new_struct(k * 64 + 64);

    if ( pct(30) )
        write_grant_entries();
    for ( i = 0; i < k; i++ )
    {
        uint8_t *e = s + i * 64;

        switch ( cmd )
        {
        case GNTTABOP_map_grant_ref: {
            struct gnttab_map_grant_ref *m = (void *)e;
            static const uint32_t fl[] = {
                GNTMAP_host_map, GNTMAP_host_map | GNTMAP_readonly,
                GNTMAP_device_map, GNTMAP_host_map | GNTMAP_device_map,
                GNTMAP_host_map | GNTMAP_application_map,
                GNTMAP_host_map | GNTMAP_contains_pte, 0, 0xffffffff};

            m->flags = PICK(fl);
            m->host_addr = (m->flags & GNTMAP_contains_pte)
                               ? win_pte_ma[rn(WIN_PAGES)]
                               : v_va();
            m->ref = pct(80) ? rn(32) : (uint32_t)rnd();
            m->dom = pct(70) ? DOMID_SELF : pct(50) ? 0 : v_domid();
            break;
        }
        case GNTTABOP_unmap_grant_ref: {
            struct gnttab_unmap_grant_ref *u = (void *)e;

            u->host_addr = pct(20) ? win_pte_ma[rn(WIN_PAGES)] : v_va();
            u->dev_bus_addr = pct(50) ? 0 : v_maddr();
            u->handle = pct(80) ? rn(16) : (uint32_t)rnd();
            break;
        }
        case GNTTABOP_setup_table:
        case GNTTABOP_query_size:
        case GNTTABOP_get_status_frames: {
            struct gnttab_setup_table *t = (void *)e;

            t->dom = pct(70) ? DOMID_SELF : v_domid();
            t->nr_frames = pct(70) ? rn(6) : v_count();
            set_xen_guest_handle(t->frame_list, (void *)v_out_ptr());
            break;
        }
        case GNTTABOP_transfer: {
            struct gnttab_transfer *t = (void *)e;

            t->mfn = v_mfn_scratch();
            t->domid = pct(50) ? DOMID_SELF : v_domid();
            t->ref = rn(32);
            break;
        }
        case GNTTABOP_copy: {
            struct gnttab_copy *cp = (void *)e;

            cp->flags = rn(4);
            cp->source.domid = pct(60) ? DOMID_SELF : v_domid();
            cp->dest.domid = pct(60) ? DOMID_SELF : v_domid();
            if ( cp->flags & GNTCOPY_source_gref )
                cp->source.u.ref = pct(80) ? rn(32) : (uint32_t)rnd();
            else
                cp->source.u.gmfn = v_mfn();
            if ( cp->flags & GNTCOPY_dest_gref )
                cp->dest.u.ref = pct(80) ? rn(32) : (uint32_t)rnd();
            else
                cp->dest.u.gmfn = v_mfn_scratch();
            cp->source.offset = pct(50) ? rn(4096) : (uint16_t)rnd();
            cp->dest.offset = pct(50) ? rn(4096) : (uint16_t)rnd();
            cp->len = pct(50) ? rn(4097) : (uint16_t)rnd();
            break;
        }
        case GNTTABOP_unmap_and_replace: {
            struct gnttab_unmap_and_replace *r = (void *)e;

            r->host_addr = v_va();
            r->new_addr = v_va();
            r->handle = pct(80) ? rn(16) : (uint32_t)rnd();
            break;
        }
        case GNTTABOP_set_version:
        case GNTTABOP_get_version: {
            struct gnttab_get_version *v = (void *)e;

            v->dom = pct(70) ? DOMID_SELF : v_domid();
            memcpy(e, &(uint32_t){pct(80) ? rn(4) : (uint32_t)rnd()},
                   cmd == GNTTABOP_set_version ? 4 : 0);
            break;
        }
        case GNTTABOP_swap_grant_ref: {
            struct gnttab_swap_grant_ref *w = (void *)e;

            w->ref_a = rn(40);
            w->ref_b = rn(40);
            break;
        }
        case GNTTABOP_cache_flush: {
            struct gnttab_cache_flush *f = (void *)e;

            f->a.dev_bus_addr = v_maddr();
            f->offset = rn(4096);
            f->length = rn(8192);
            f->op = rn(8);
            break;
        }
        default:
            break;
        }
    }
    /* Entries are 64 bytes apart here; the hypervisor expects them packed. */
    switch ( cmd )
    {
    case GNTTABOP_map_grant_ref:
    case GNTTABOP_unmap_grant_ref:
    case GNTTABOP_setup_table:
    case GNTTABOP_transfer:
    case GNTTABOP_copy:
    case GNTTABOP_unmap_and_replace:
    case GNTTABOP_swap_grant_ref:
    case GNTTABOP_cache_flush: {
        static const size_t sz[] = {
            [GNTTABOP_map_grant_ref] = sizeof(struct gnttab_map_grant_ref),
            [GNTTABOP_unmap_grant_ref] = sizeof(struct gnttab_unmap_grant_ref),
            [GNTTABOP_setup_table] = sizeof(struct gnttab_setup_table),
            [GNTTABOP_transfer] = sizeof(struct gnttab_transfer),
            [GNTTABOP_copy] = sizeof(struct gnttab_copy),
            [GNTTABOP_unmap_and_replace] =
                sizeof(struct gnttab_unmap_and_replace),
            [GNTTABOP_swap_grant_ref] = sizeof(struct gnttab_swap_grant_ref),
            [GNTTABOP_cache_flush] = sizeof(struct gnttab_cache_flush),
        };

        for ( i = 1; i < k; i++ )
            copy_down(s + i * sz[cmd], s + i * 64, sz[cmd]);
        break;
    }
    default:
        break;
    }
    c->a[0] = cmd;
    c->a[1] = v_struct_ptr(s);
    c->a[2] = n;
}

static void gen_vcpu_op(struct call *c, enum ctx ctx)
{
    unsigned int cmd = pct(95) ? rn(16) : (unsigned int)rnd();
    uint32_t vcpu = pct(85) ? 0 : v_vcpu();
    uint8_t *s = new_struct(sizeof(struct vcpu_guest_context) + 64);

    switch ( cmd )
    {
    case VCPUOP_initialise:
    case VCPUOP_up:
        /* Never a vCPU that exists: it would run the noise. */
        while ( vcpu < nr_vcpus )
            vcpu = v_vcpu();
        break;
    case VCPUOP_down:
        if ( vcpu == 0 )
            vcpu = 1 + rn(64);
        break;
    case VCPUOP_register_runstate_memory_area:
    case VCPUOP_register_vcpu_time_memory_area: {
        uint64_t *p = (uint64_t *)s;

        /*
         * Written at every context switch from now on: never over
         * shared_info, where it would set event masks behind our back.
         */
        do
            *p = pct(10) ? 0 : v_out_ptr();
        while ( *p + 64 > (uint64_t)shared_info &&
                *p < (uint64_t)shared_info + PAGE_SIZE );
        break;
    }
    case VCPUOP_set_periodic_timer: {
        struct vcpu_set_periodic_timer *t = (void *)s;

        t->period_ns = pct(70) ? v_time() - now_ns() : v_time();
        break;
    }
    case VCPUOP_set_singleshot_timer: {
        struct vcpu_set_singleshot_timer *t = (void *)s;

        t->timeout_abs_ns = v_time();
        t->flags = pct(50) ? 0 : pct(50) ? VCPU_SSHOTTMR_future : rnd();
        break;
    }
    case VCPUOP_register_vcpu_info: {
        struct vcpu_register_vcpu_info *i = (void *)s;

        /* Moved inside a batch, we would not follow it. */
        if ( ctx == CTX_TOP && pct(50) )
        {
            /* It arrives with everything pending: mask until we follow. */
            mask_events = true;
            i->mfn = virt_to_mfn(vcpu_info_page);
            i->offset = pct(70) ? rn(64) * 64 : (uint32_t)rnd();
            if ( i->offset + sizeof(vcpu_info_t) <= PAGE_SIZE )
                vcpu_info_target = vcpu_info_page + i->offset;
        }
        else
        {
            i->mfn = v_mfn_foreign();
            if ( mfn_is_vital(i->mfn) )
                i->mfn = 1ULL << 40;
            i->offset = rn(PAGE_SIZE);
        }
        i->rsvd = pct(80) ? 0 : rnd();
        /* Only vCPU 0 is ours; another (absent) vCPU must refuse it. */
        break;
    }
    default:
        break;
    }
    c->a[0] = cmd;
    c->a[1] = vcpu;
    c->a[2] = v_struct_ptr(s);
    if ( cmd == VCPUOP_register_vcpu_info && vcpu == 0 )
        c->a[2] = (uint64_t)s; /* a stray pointer could name our frames */
    if ( cmd == VCPUOP_register_runstate_memory_area ||
         cmd == VCPUOP_register_vcpu_time_memory_area )
        c->a[2] = pct(90) ? (uint64_t)s : v_addr_bad();
}

/* sched_op (and, for cmd <= 2, the old sched_op_compat). */
static void gen_sched_op(struct call *c, enum ctx ctx)
{
    unsigned int cmd;
    uint8_t *s = new_struct(256);

    do
        cmd = pct(95) ? rn(9) : (unsigned int)rnd();
    while ( cmd == SCHEDOP_shutdown ||
            /* In a batch: no blocking, and nothing whose structure an
             * earlier entry's output could turn against us. */
            ((cmd == SCHEDOP_block || cmd == SCHEDOP_poll ||
              cmd == SCHEDOP_remote_shutdown || cmd == SCHEDOP_watchdog) &&
             ctx == CTX_MULTI) );
    c->a[0] = cmd;
    switch ( cmd )
    {
    case SCHEDOP_poll: {
        struct sched_poll *p = (void *)s;
        uint32_t *ports = (uint32_t *)(s + 64);
        unsigned int i;
        static const int64_t d[] = {-1000000000, -1000, 0, 1, 1000, 100000,
                                    2000000};

        for ( i = 0; i < 8; i++ )
            ports[i] = v_port();
        set_xen_guest_handle(p->ports, pct(90) ? (void *)ports
                                               : (void *)v_addr_bad());
        p->nr_ports = pct(80) ? rn(9) : v_count();
        /* Never 0 (no timeout) and never far away. */
        p->timeout = now_ns() + PICK(d);
        if ( pct(5) )
            p->timeout = 1;
        c->a[1] = (uint64_t)p;
        break;
    }
    case SCHEDOP_remote_shutdown: {
        struct sched_remote_shutdown *r = (void *)s;

        r->domain_id = v_other_domid();
        r->reason = rn(8);
        c->a[1] = (uint64_t)r;
        break;
    }
    case SCHEDOP_shutdown_code: {
        struct sched_shutdown *r = (void *)s;

        r->reason = pct(80) ? rn(8) : (unsigned int)rnd();
        c->a[1] = v_struct_ptr(r);
        break;
    }
    case SCHEDOP_watchdog: {
        struct sched_watchdog *w = (void *)s;

        /* Create only with a timeout we cannot reach; destroyed at once. */
        w->id = pct(50) ? 0 : rn(4);
        w->timeout = w->id == 0 ? 100000 + rn(1000) : 0;
        if ( pct(5) && w->id )
            w->timeout = 100000;
        c->a[1] = (uint64_t)w;
        break;
    }
    case SCHEDOP_pin_override: {
        struct sched_pin_override *o = (void *)s;

        o->pcpu = pct(50) ? -1 : pct(50) ? 0 : (int32_t)rnd();
        c->a[1] = v_struct_ptr(o);
        break;
    }
    default:
        c->a[1] = pct(50) ? 0 : v_any();
        break;
    }
    if ( c->nr == __HYPERVISOR_sched_op_compat )
    {
        /* The old call takes the argument by value: block and yield only. */
        c->a[0] = pct(50)                ? SCHEDOP_yield
                  : cmd == SCHEDOP_block ? cmd
                                         : 3 + rn(8);
        c->a[1] = v_any();
    }
}

/*
 * A callback address: anything at top level (events are masked until the
 * repair), but an NMI can come at any time, and inside a batch a failsafe
 * may come before the repair, so those stay ours (or are refused).
 */
static uint64_t v_callback(unsigned int type, enum ctx ctx)
{
    /* An NMI pending from an earlier VCPUOP_send_nmi comes at once. */
    if ( type == CALLBACKTYPE_nmi )
        return pct(80) ? (uint64_t)trap_entry_2 : 0x8000000000000000ULL;
    if ( type == CALLBACKTYPE_failsafe && (ctx == CTX_MULTI || pct(80)) )
        return (uint64_t)fuzz_failsafe_entry;
    return pct(50) ? v_any() : (uint64_t)trap_entry_3;
}

static void gen_callbacks(struct call *c, enum ctx ctx)
{
    static const unsigned int types[] = {
        CALLBACKTYPE_event,   CALLBACKTYPE_failsafe, CALLBACKTYPE_syscall,
        CALLBACKTYPE_sysenter, CALLBACKTYPE_nmi,      CALLBACKTYPE_syscall32,
        6,                     8,                     0xffffffff};
    struct callback_register *r = new_struct(sizeof(*r));

    r->type = PICK(types);
    r->flags = rn(4);
    r->address = v_callback(r->type, ctx);
    c->a[0] = pct(90) ? rn(2) : rnd();
    /*
     * Not a readable stray pointer: our page tables or the M2P read as a
     * structure can name an NMI callback at a number, and a pending NMI
     * comes at once.
     */
    c->a[1] = pct(92) ? (uint64_t)r : v_addr_unreadable();
    need_repair = true;
}

static void gen_trap_table(struct call *c)
{
    unsigned int n = rn(6), i;
    struct trap_info *t = new_struct((n + 1) * sizeof(*t));

    for ( i = 0; i < n; i++ )
    {
        t[i].vector = pct(80) ? rn(32) : rn(256);
        t[i].flags = rn(8);
        t[i].cs = pct(80) ? FLAT_KERNEL_CS : rnd();
        t[i].address = pct(50) ? v_any() : (uint64_t)trap_entry_3;
    }
    if ( pct(70) )
        memset(&t[n], 0, sizeof(t[n]));
    c->a[0] = pct(10) ? 0 : v_struct_ptr(t);
    need_repair = true;
}

static void gen_platform(struct call *c)
{
    static const unsigned int safe[] = {
        XENPF_get_cpuinfo, XENPF_get_cpu_version, XENPF_firmware_info,
        XENPF_read_memtype, XENPF_getidletime, XENPF_get_symbol,
        XENPF_settime64, XENPF_settime32};
    struct xen_platform_op *p = new_struct(sizeof(*p));

    if ( pct(70) )
    {
        p->interface_version = XENPF_INTERFACE_VERSION;
        p->cmd = PICK(safe);
    }
    else
    {
        /* Any command, with a version Xen refuses before looking. */
        p->interface_version = XENPF_INTERFACE_VERSION + 1 + rn(4);
        p->cmd = rn(70);
    }
    if ( p->cmd == XENPF_getidletime )
    {
        set_xen_guest_handle(p->u.getidletime.cpumap_bitmap,
                             (void *)v_out_ptr());
        set_xen_guest_handle(p->u.getidletime.idletime, (void *)v_out_ptr());
    }
    if ( p->cmd == XENPF_get_symbol )
        set_xen_guest_handle(p->u.symdata.name, (void *)v_out_ptr());
    if ( p->cmd == XENPF_firmware_info )
        set_xen_guest_handle(p->u.firmware_info.u.disk_info.edd_params,
                             (void *)v_out_ptr());
    if ( p->cmd == XENPF_settime64 || p->cmd == XENPF_settime32 )
        p->u.settime64.system_time = v_time();
    c->a[0] = v_struct_ptr(p);
}

static void gen_physdev(struct call *c)
{
    static const unsigned int safe[] = {
        PHYSDEVOP_eoi, PHYSDEVOP_irq_status_query, PHYSDEVOP_set_iopl,
        PHYSDEVOP_set_iobitmap, PHYSDEVOP_apic_read, PHYSDEVOP_get_free_pirq,
        PHYSDEVOP_pirq_eoi_gmfn_v1, PHYSDEVOP_pirq_eoi_gmfn_v2, 4, 32, 40,
        0xffffffff};
    unsigned int cmd = PICK(safe);
    uint64_t *s = new_struct(64);

    switch ( cmd )
    {
    case PHYSDEVOP_set_iobitmap:
        s[0] = v_out_ptr();
        s[1] = v_count();
        break;
    case PHYSDEVOP_pirq_eoi_gmfn_v1:
    case PHYSDEVOP_pirq_eoi_gmfn_v2:
        /* Written whenever a PIRQ is EOIed: not shared_info either. */
        do
            s[0] = v_mfn_scratch();
        while ( s[0] == shinfo_mfn );
        break;
    default:
        break;
    }
    if ( c->nr == __HYPERVISOR_physdev_op_compat )
    {
        struct physdev_op *op = new_struct(sizeof(*op));

        op->cmd = cmd;
        memcpy(&op->u, s, sizeof(op->u));
        c->a[0] = v_struct_ptr(op);
        return;
    }
    c->a[0] = cmd;
    c->a[1] = v_struct_ptr(s);
}

static void gen_domctl(struct call *c)
{
    static const unsigned int safe[] = {
        XEN_DOMCTL_getdomaininfo, XEN_DOMCTL_getvcpuinfo,
        XEN_DOMCTL_get_address_size, XEN_DOMCTL_getvcpuaffinity,
        XEN_DOMCTL_getvcpucontext, XEN_DOMCTL_gettscinfo,
        XEN_DOMCTL_getnodeaffinity, XEN_DOMCTL_getpageframeinfo3,
        XEN_DOMCTL_get_cpu_policy, XEN_DOMCTL_getvcpuextstate};
    struct xen_domctl *d = new_struct(sizeof(*d));
    uint64_t *u = (uint64_t *)&d->u;
    unsigned int i;

    if ( pct(70) )
    {
        d->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
        d->cmd = PICK(safe);
    }
    else
    {
        d->interface_version = XEN_DOMCTL_INTERFACE_VERSION - 1 - rn(4);
        d->cmd = rn(100);
    }
    d->domain = pct(50) ? 0 : v_domid();
    /* Every handle in the union: somewhere it may write. */
    for ( i = 0; i < 8; i++ )
        if ( pct(60) )
            u[i] = pct(50) ? v_out_ptr() : v_small();
    c->a[0] = v_struct_ptr(d);
}

static void gen_sysctl(struct call *c)
{
    static const unsigned int safe[] = {
        XEN_SYSCTL_readconsole, XEN_SYSCTL_physinfo, XEN_SYSCTL_sched_id,
        XEN_SYSCTL_getdomaininfolist, XEN_SYSCTL_getcpuinfo,
        XEN_SYSCTL_availheap, XEN_SYSCTL_cputopoinfo, XEN_SYSCTL_numainfo,
        XEN_SYSCTL_get_cpu_levelling_caps, XEN_SYSCTL_get_cpu_featureset,
        XEN_SYSCTL_get_cpu_policy};
    struct xen_sysctl *s = new_struct(sizeof(*s));
    uint64_t *u = (uint64_t *)&s->u;
    unsigned int i;

    if ( pct(70) )
    {
        s->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
        s->cmd = PICK(safe);
    }
    else
    {
        s->interface_version = XEN_SYSCTL_INTERFACE_VERSION + 1 + rn(4);
        s->cmd = rn(40);
    }
    for ( i = 0; i < 8; i++ )
        if ( pct(60) )
            u[i] = pct(50) ? v_out_ptr() : v_small();
    c->a[0] = v_struct_ptr(s);
}

static void gen_call(struct call *c, enum ctx ctx);

static multicall_entry_t *gen_multicall_entries(struct call *c)
{
    unsigned int n = rn(MAX_MC + 1), i, extra = 0;
    multicall_entry_t *mc = new_struct((MAX_MC + 4) * sizeof(*mc));
    struct call sub;

    for ( i = 0; i < n; i++ )
    {
        gen_call(&sub, CTX_MULTI);
        mc[i].op = sub.nr;
        memcpy(mc[i].args, sub.a, sizeof(sub.a));
        mc[i].args[5] = v_any();
        mc[i].result = rnd();
    }
    if ( pct(10) )
    {
        /* Entries of pure noise: unknown op numbers. */
        extra = 1 + rn(3);
        for ( i = n; i < n + extra; i++ )
            mc[i].op |= 1ULL << 32;
    }
    c->a[0] = pct(95) ? (uint64_t)mc : v_addr_unreadable();
    c->a[1] = n + extra;
    if ( c->a[0] != (uint64_t)mc && pct(50) )
        c->a[1] = v_count();
    need_repair = true;
    return mc;
}

static const unsigned int excluded_nr[] = {
    __HYPERVISOR_iret, __HYPERVISOR_kexec_op, __HYPERVISOR_xenoprof_op,
};

static void gen_call(struct call *c, enum ctx ctx)
{
    unsigned int nr, i;

again:
    nr = pct(97) ? rn(43) : 43 + rn(30);
    for ( i = 0; i < ARRAY_SIZE(excluded_nr); i++ )
        if ( nr == excluded_nr[i] )
            goto again;
    if ( nr == __HYPERVISOR_multicall && ctx == CTX_MULTI && pct(70) )
        goto again;
    c->nr = nr;
    for ( i = 0; i < 5; i++ )
        c->a[i] = v_any();
    switch ( nr )
    {
    case __HYPERVISOR_set_trap_table:
        gen_trap_table(c);
        break;
    case __HYPERVISOR_mmu_update:
        gen_mmu_update(c);
        break;
    case __HYPERVISOR_set_gdt: {
        unsigned int n = rn(17);

        c->a[0] = pct(90) ? (uint64_t)v_mfn_list(n, true) : v_addr_bad();
        c->a[1] = pct(50) ? n * 512 - rn(2) : v_count();
        break;
    }
    case __HYPERVISOR_stack_switch:
        c->a[0] = pct(50) ? FLAT_KERNEL_SS : v_any() & 0xffff;
        c->a[1] = v_any();
        break;
    case __HYPERVISOR_set_callbacks:
        c->a[0] = v_callback(CALLBACKTYPE_event, ctx);
        c->a[1] = v_callback(CALLBACKTYPE_failsafe, ctx);
        c->a[2] = v_callback(CALLBACKTYPE_syscall, ctx);
        need_repair = true;
        break;
    case __HYPERVISOR_fpu_taskswitch:
        c->a[0] = pct(80) ? rn(2) : v_any();
        break;
    case __HYPERVISOR_sched_op_compat:
    case __HYPERVISOR_sched_op:
        gen_sched_op(c, ctx);
        break;
    case __HYPERVISOR_platform_op:
        gen_platform(c);
        break;
    case __HYPERVISOR_set_debugreg:
        c->a[0] = pct(90) ? rn(8) : v_any();
        c->a[1] = c->a[0] < 4 ? (pct(50) ? v_out_ptr() : v_addr_bad())
                              : v_any();
        break;
    case __HYPERVISOR_get_debugreg:
        c->a[0] = pct(90) ? rn(8) : v_any();
        break;
    case __HYPERVISOR_update_descriptor:
        c->a[0] = v_maddr();
        c->a[1] = pct(50) ? v_any()
                          : 0x00cf9a000000ffffULL | ((uint64_t)rn(4) << 45);
        break;
    case __HYPERVISOR_memory_op:
        gen_memory_op(c);
        break;
    case __HYPERVISOR_multicall:
        gen_multicall_entries(c);
        break;
    case __HYPERVISOR_update_va_mapping:
    case __HYPERVISOR_update_va_mapping_otherdomain:
        gen_update_va_mapping(c);
        break;
    case __HYPERVISOR_set_timer_op:
        c->a[0] = v_time();
        break;
    case __HYPERVISOR_event_channel_op_compat:
    case __HYPERVISOR_event_channel_op:
        gen_evtchn(c, ctx);
        break;
    case __HYPERVISOR_xen_version:
        c->a[0] = pct(90) ? rn(14) : v_any();
        c->a[1] = pct(20) ? 0 : v_out_ptr();
        break;
    case __HYPERVISOR_console_io:
        c->a[0] = pct(90) ? rn(3) : v_any();
        c->a[1] = pct(50) ? rn(80) : v_count();
        c->a[2] = v_out_ptr();
        /* The command is an int: 0x100000000 is a write too. */
        if ( (uint32_t)c->a[0] == CONSOLEIO_write )
        {
            /* Our own buffers are noise: keep the log readable, short. */
            c->a[1] = pct(30) ? 0 : v_count();
            c->a[2] = v_addr_unreadable();
        }
        break;
    case __HYPERVISOR_physdev_op_compat:
    case __HYPERVISOR_physdev_op:
        gen_physdev(c);
        break;
    case __HYPERVISOR_grant_table_op:
        gen_grant(c);
        break;
    case __HYPERVISOR_vm_assist:
        c->a[0] = pct(80) ? rn(3) : v_any();
        c->a[1] = pct(80) ? rn(40) : v_any();
        break;
    case __HYPERVISOR_vcpu_op:
        gen_vcpu_op(c, ctx);
        break;
    case __HYPERVISOR_set_segment_base:
        c->a[0] = pct(90) ? rn(5) : v_any();
        c->a[1] = v_any();
        break;
    case __HYPERVISOR_mmuext_op:
        gen_mmuext_op(c);
        break;
    case __HYPERVISOR_nmi_op: {
        struct xennmi_callback *cb = new_struct(sizeof(*cb));

        cb->handler_address = v_callback(CALLBACKTYPE_nmi, ctx);
        c->a[0] = rn(3);
        c->a[1] = pct(92) ? (uint64_t)cb : v_addr_unreadable();
        need_repair = true;
        break;
    }
    case __HYPERVISOR_callback_op:
        gen_callbacks(c, ctx);
        break;
    case __HYPERVISOR_hvm_op:
        c->a[0] = pct(80) ? rn(40) : v_any();
        c->a[1] = v_struct_ptr(new_struct(128));
        break;
    case __HYPERVISOR_sysctl:
        gen_sysctl(c);
        break;
    case __HYPERVISOR_domctl:
        gen_domctl(c);
        break;
    case __HYPERVISOR_xenpmu_op:
        c->a[0] = pct(50) ? XENPMU_mode_get : XENPMU_feature_get;
        c->a[1] = v_struct_ptr(new_struct(sizeof(struct xen_pmu_params)));
        break;
    case __HYPERVISOR_hypfs_op:
        c->a[0] = rn(2); /* get_version, read: never write_contents */
        c->a[1] = v_struct_ptr(new_struct(64));
        c->a[2] = v_count();
        c->a[3] = v_out_ptr();
        c->a[4] = v_count();
        break;
    case __HYPERVISOR_dm_op:
    case __HYPERVISOR_xsm_op:
    case __HYPERVISOR_tmem_op:
    case __HYPERVISOR_argo_op:
    case __HYPERVISOR_arch_0:
    case __HYPERVISOR_arch_1:
        /* Not configured, or for HVM targets: noise structures. */
        c->a[0] = pct(50) ? v_other_domid() : v_small();
        c->a[1] = v_struct_ptr(new_struct(256));
        break;
    default:
        /* Unused numbers: anything (but nothing of ours). */
        break;
    }
}

/* ---- the driver ---- */

static uint64_t cur_seed;
static unsigned long cur_index;
static struct call cur_call;
static unsigned long nr_calls, nr_ok, nr_failsafe, nr_nmi, nr_db, nr_nm;
static unsigned long per_nr_ok[64], per_nr_calls[64];

static void print_call(const char *tag, const struct call *c)
{
    printk("F %s seed=%lu #%lu nr=%lu (%#lx, %#lx, %#lx, %#lx, %#lx)\n", tag,
           cur_seed, cur_index, c->nr, c->a[0], c->a[1], c->a[2], c->a[3],
           c->a[4]);
}

static void print_multicall(const struct call *c)
{
    const multicall_entry_t *mc = (const void *)c->a[0];
    unsigned int i;

    if ( c->a[0] < (uint64_t)noise ||
         c->a[0] >= (uint64_t)noise + NOISE_PAGES * PAGE_SIZE ||
         c->a[1] > MAX_MC + 4 )
        return;
    for ( i = 0; i < c->a[1]; i++ )
        printk("F   [%u] nr=%lu (%#lx, %#lx, %#lx, %#lx, %#lx)\n", i,
               (unsigned long)mc[i].op, mc[i].args[0], mc[i].args[1],
               mc[i].args[2], mc[i].args[3], mc[i].args[4]);
}

/* Calls whose effects have hit hypervisors before: always named first. */
static bool risky(const struct call *c)
{
    switch ( c->nr )
    {
    case __HYPERVISOR_memory_op:
        return (c->a[0] & 0xff) <= XENMEM_populate_physmap ||
               (c->a[0] & 0xff) == XENMEM_exchange;
    case __HYPERVISOR_vcpu_op:
        return c->a[0] == VCPUOP_set_periodic_timer ||
               c->a[0] == VCPUOP_set_singleshot_timer;
    case __HYPERVISOR_sched_op:
    case __HYPERVISOR_sched_op_compat:
    case __HYPERVISOR_fpu_taskswitch:
    case __HYPERVISOR_set_timer_op:
    case __HYPERVISOR_multicall:
        return true;
    default:
        return false;
    }
}

/* The one place that names what the fuzzer was doing when it broke. */
static bool fault_hook(struct trap_regs *regs)
{
    printk("F FAULT vector %lu at %#lx during seed=%lu #%lu\n", regs->vector,
           regs->rip, cur_seed, cur_index);
    print_call("last", &cur_call);
    return false; /* exception table or the runtime's error */
}

static bool db_hook(struct trap_regs *regs)
{
    (void)regs;
    nr_db++;
    HC(__HYPERVISOR_set_debugreg, 7, 0, 0, 0, 0);
    HC(__HYPERVISOR_set_debugreg, 6, 0xffff0ff0, 0, 0, 0);
    return true;
}

static bool nm_hook(struct trap_regs *regs)
{
    (void)regs;
    nr_nm++;
    hypercall_fpu_taskswitch(0);
    return true;
}

static void event_hook_verbose(evtchn_port_t port)
{
    if ( verbose )
        printk("F event %u\n", port);
}

static bool nmi_hook(struct trap_regs *regs)
{
    (void)regs;
    nr_nmi++;
    return true;
}

/*
 * Xen could not load our data segments on the way back (the fuzzer
 * changed the GDT, LDT or a selector): null them and carry on, as Linux.
 */
void fuzz_failsafe(void);
void fuzz_failsafe(void)
{
    nr_failsafe++;
    HC(__HYPERVISOR_set_segment_base, SEGBASE_GS_USER_SEL, 0, 0, 0, 0);
    if ( nr_failsafe > 100000 )
        test_error("failsafe callback loop (seed=%lu #%lu)", cur_seed,
                   cur_index);
}

asm(".pushsection .text\n"
    ".globl fuzz_failsafe_entry\n"
    "fuzz_failsafe_entry:\n\t"
    /* rcx, r11, ds, es, fs, gs, then rip, cs, rflags, rsp, ss */
    "pop %rcx\n\t"
    "pop %r11\n\t"
    "add $32, %rsp\n\t"
    "push %rax\n\tpush %rcx\n\tpush %rdx\n\tpush %rsi\n\tpush %rdi\n\t"
    "push %r8\n\tpush %r9\n\tpush %r10\n\tpush %r11\n\tpush %rbp\n\t"
    "mov %rsp, %rbp\n\t"
    "and $-16, %rsp\n\t"
    "call fuzz_failsafe\n\t"
    "xor %eax, %eax\n\t"
    "mov %eax, %ds\n\t"
    "mov %eax, %es\n\t"
    "mov %eax, %fs\n\t"
    "mov %rbp, %rsp\n\t"
    "pop %rbp\n\tpop %r11\n\tpop %r10\n\tpop %r9\n\tpop %r8\n\t"
    "pop %rdi\n\tpop %rsi\n\tpop %rdx\n\tpop %rcx\n\tpop %rax\n\t"
    /* rsp -> rip, cs, rflags, rsp, ss; rcx and r11 are restored from here */
    "jmp hypercall_iret_frame\n\t"
    ".popsection\n");

/* Put back what the last call may have changed in our own set-up. */
static void repair(void)
{
    struct callback_register ev = {
        .type = CALLBACKTYPE_event,
        .flags = CALLBACKF_mask_events,
        .address = (unsigned long)event_callback_entry,
    };
    struct callback_register fs = {
        .type = CALLBACKTYPE_failsafe,
        .flags = CALLBACKF_mask_events,
        .address = (unsigned long)fuzz_failsafe_entry,
    };
    struct callback_unregister nmi = {.type = CALLBACKTYPE_nmi};
    long rc;

    traps_init();
    rc = hypercall_callback_op(CALLBACKOP_register, &ev);
    if ( rc )
        test_error("repair: event callback %ld", rc);
    rc = hypercall_callback_op(CALLBACKOP_register, &fs);
    if ( rc )
        test_error("repair: failsafe callback %ld", rc);
    hypercall_callback_op(CALLBACKOP_unregister, &nmi);
}

/* Is the timer VIRQ bound to timer_port, on vCPU 0? Rebind it if not. */
static bool timer_ready(void)
{
    struct evtchn_status st = {.dom = DOMID_SELF, .port = timer_port};
    struct evtchn_bind_virq bv = {.virq = VIRQ_TIMER, .vcpu = 0};
    struct evtchn_unmask um;
    unsigned int p;

    if ( hypercall_event_channel_op(EVTCHNOP_status, &st) ||
         st.status != EVTCHNSTAT_virq || st.u.virq != VIRQ_TIMER ||
         st.vcpu != 0 )
    {
        if ( hypercall_event_channel_op(EVTCHNOP_bind_virq, &bv) )
        {
            /* Bound elsewhere (by a fuzzed call): find it. */
            for ( p = 1; p < 4096; p++ )
            {
                st.port = p;
                if ( !hypercall_event_channel_op(EVTCHNOP_status, &st) &&
                     st.status == EVTCHNSTAT_virq &&
                     st.u.virq == VIRQ_TIMER )
                    break;
            }
            if ( p == 4096 )
                return false;
            timer_port = p;
            if ( st.vcpu != 0 )
            {
                struct evtchn_bind_vcpu b = {.port = p, .vcpu = 0};

                if ( hypercall_event_channel_op(EVTCHNOP_bind_vcpu, &b) )
                    return false;
            }
        }
        else
            timer_port = bv.port;
    }
    /*
     * A pending bit left set (by noise written over shared_info, say) with
     * no selector bit would swallow the next timer event: start clean.
     */
    evtchn_clear(timer_port);
    um.port = timer_port;
    hypercall_event_channel_op(EVTCHNOP_unmask, &um);
    return true;
}

static void note_result(const struct call *c, long rc)
{
    nr_calls++;
    if ( c->nr < 64 )
    {
        per_nr_calls[c->nr]++;
        if ( rc >= 0 )
            per_nr_ok[c->nr]++;
    }
    if ( rc >= 0 )
        nr_ok++;
    if ( c->nr == __HYPERVISOR_event_channel_op && rc == 0 &&
         c->a[1] >= GUEST_VIRT_BASE && c->a[1] < GUEST_VIRT_BASE + (1UL << 30) )
    {
        /* Remember the ports bind_* and alloc_unbound gave us. */
        uint32_t port = 0;

        switch ( c->a[0] )
        {
        case EVTCHNOP_bind_virq:
            port = ((struct evtchn_bind_virq *)c->a[1])->port;
            break;
        case EVTCHNOP_bind_ipi:
            port = ((struct evtchn_bind_ipi *)c->a[1])->port;
            break;
        case EVTCHNOP_alloc_unbound:
            port = ((struct evtchn_alloc_unbound *)c->a[1])->port;
            break;
        case EVTCHNOP_bind_interdomain:
            port = ((struct evtchn_bind_interdomain *)c->a[1])->local_port;
            break;
        default:
            break;
        }
        if ( port )
            known_ports[nr_known_ports++ % ARRAY_SIZE(known_ports)] = port;
        if ( nr_known_ports > ARRAY_SIZE(known_ports) )
            nr_known_ports = ARRAY_SIZE(known_ports);
    }
}

static void do_one(void)
{
    struct call c;
    long rc;
    bool block_call;
    uint8_t mask = 0;

    need_repair = false;
    mask_events = false;
    fifo_switch = false;
    vcpu_info_target = NULL;
    arena_off = rn(PAGE_SIZE) & ~7UL;
    gen_call(&c, CTX_TOP);
    cur_call = c;
    block_call = c.nr == __HYPERVISOR_sched_op && c.a[0] == SCHEDOP_block;
    if ( c.nr == __HYPERVISOR_sched_op_compat && c.a[0] == SCHEDOP_block )
        block_call = true;
    if ( block_call )
    {
        /* Block only when something is sure to wake us. */
        if ( !timer_ready() )
            return;
        /*
         * Masked until the block, which unmasks and checks atomically: an
         * upcall in between would consume the wake-up.
         */
        vcpu0->evtchn_upcall_mask = 1;
        barrier();
        rc = hypercall_set_timer_op(now_ns() + 1000000);
        if ( verbose )
            printk("F block: timer %ld now %lu, port %u pending %d masked "
                   "%d sel %#lx upcall pending %u mask %u\n",
                   rc, now_ns(), timer_port,
                   evtchn_is_pending(timer_port),
                   (int)((shared_info->evtchn_mask[timer_port / 64] >>
                          (timer_port % 64)) & 1),
                   vcpu0->evtchn_pending_sel, vcpu0->evtchn_upcall_pending,
                   vcpu0->evtchn_upcall_mask);
    }
    if ( verbose || risky(&c) || cur_index % every == 0 )
    {
        print_call(verbose || risky(&c) ? "call" : "progress", &c);
        if ( verbose && c.nr == __HYPERVISOR_multicall )
            print_multicall(&c);
    }
    /* No upcall may reach a callback the call replaced before repair(). */
    if ( need_repair || mask_events )
    {
        mask = vcpu0->evtchn_upcall_mask;
        vcpu0->evtchn_upcall_mask = 1;
        barrier();
    }
    hypercall_path = pct(50) ? HCALL_PAGE : HCALL_SYSCALL;
    rc = HC(c.nr, c.a[0], c.a[1], c.a[2], c.a[3], c.a[4]);
    hypercall_path = HCALL_PAGE;
    if ( verbose )
        printk("F   = %ld\n", rc);
    note_result(&c, rc);
    if ( c.nr == __HYPERVISOR_vcpu_op && c.a[0] == VCPUOP_register_vcpu_info &&
         c.a[1] == 0 && rc == 0 && vcpu_info_target )
    {
        /* vcpu_info moved: the runtime must follow it. */
        vcpu0 = (vcpu_info_t *)vcpu_info_target;
        printk("F vcpu_info moved to %p\n", vcpu0);
    }
    if ( (c.nr == __HYPERVISOR_sched_op && c.a[0] == SCHEDOP_watchdog &&
          ((struct sched_watchdog *)c.a[1])->id == 0 && rc > 0) )
    {
        struct sched_watchdog w = {.id = rc, .timeout = 0};

        watchdog_armed = rc;
        hypercall_sched_op(SCHEDOP_watchdog, &w);
    }
    if ( need_repair )
        repair();
    if ( need_repair || mask_events )
    {
        barrier();
        vcpu0->evtchn_upcall_mask = mask;
    }
    if ( fifo_switch && rc == 0 )
    {
        /* Back to the 2-level ABI: a reset closes every port. */
        struct evtchn_reset r = {.dom = DOMID_SELF};

        printk("F FIFO event channels on: reset to 2-level\n");
        if ( hypercall_event_channel_op(EVTCHNOP_reset, &r) )
            test_error("EVTCHNOP_reset after init_control");
        nr_known_ports = 0;
        timer_port = 0;
    }
}

/* After each seed: the hypervisor still serves us, and the clock runs. */
static void health_check(void)
{
    uint64_t t0, deadline;
    unsigned int before;
    long rc;

    repair();
    test_rc(hypercall_xen_version(XENVER_pagesize, NULL), PAGE_SIZE,
            "seed %lu: xen_version still answers", cur_seed);
    test_check(timer_ready(), "seed %lu: timer VIRQ bound (port %u)",
               cur_seed, timer_port);
    before = event_count[timer_port < 64 ? timer_port : 0];
    vcpu0->evtchn_upcall_mask = 1;
    t0 = now_ns();
    deadline = t0 + 5000000000ULL;
    /* A one-shot timer must wake a blocked vCPU, more than once. */
    while ( event_count[timer_port < 64 ? timer_port : 0] < before + 3 &&
            now_ns() < deadline )
    {
        rc = hypercall_set_timer_op(now_ns() + 1000000);
        if ( verbose )
            printk("F health: timer %ld, port %u pending %d masked %d sel "
                   "%#lx upcall pending %u mask %u, events %u\n", rc,
                   timer_port, evtchn_is_pending(timer_port),
                   (int)((shared_info->evtchn_mask[timer_port / 64] >>
                          (timer_port % 64)) & 1),
                   vcpu0->evtchn_pending_sel, vcpu0->evtchn_upcall_pending,
                   vcpu0->evtchn_upcall_mask,
                   event_count[timer_port < 64 ? timer_port : 0]);
        rc = hypercall_sched_op(SCHEDOP_block, NULL);
        if ( rc )
            break;
        vcpu0->evtchn_upcall_mask = 1;
    }
    vcpu0->evtchn_upcall_mask = 1;
    if ( timer_port < 64 )
        test_check(event_count[timer_port] >= before + 3,
                   "seed %lu: timer woke SCHEDOP_block 3 times in %lu ms",
                   cur_seed, (now_ns() - t0) / 1000000);
    test_check(probe_write(noise, 0) < 0 &&
                   probe_read(vcpu_info_page, NULL) < 0,
               "seed %lu: our memory is still mapped and writable", cur_seed);
}

static void print_summary(void)
{
    char line[200];
    size_t len = 0;
    unsigned int i;

    for ( i = 0; i < 64; i++ )
    {
        if ( !per_nr_calls[i] )
            continue;
        len += snprintf(line + len, sizeof(line) - len, " %u:%lu/%lu", i,
                        per_nr_ok[i], per_nr_calls[i]);
        if ( len > 120 )
        {
            printk("F ok/made by number:%s\n", line);
            len = 0;
        }
    }
    if ( len )
        printk("F ok/made by number:%s\n", line);
}

static void run_seed(uint64_t seed)
{
    uint64_t t0 = now_ns();

    cur_seed = seed;
    rng_state = seed * 0x2545f4914f6cdd1dULL + 1;
    printk("F seed=%lu start, %lu calls\n", seed, calls_per_seed);
    for ( cur_index = 0; cur_index < calls_per_seed; cur_index++ )
        do_one();
    printk("F seed=%lu done: %lu calls made so far, %lu ok, failsafe %lu, "
           "nmi %lu, #DB %lu, #NM %lu, %lu ms\n",
           seed, nr_calls, nr_ok, nr_failsafe, nr_nmi, nr_db, nr_nm,
           (now_ns() - t0) / 1000000);
    print_summary();
    health_check();
}

/* ---- set-up ---- */

static const char *arg_value(const char *cmdline, const char *key)
{
    const char *p = strstr(cmdline, key);

    return p ? p + strlen(key) : NULL;
}

static uint64_t parse_num(const char **pp)
{
    const char *p = *pp;
    uint64_t v = 0;

    while ( *p >= '0' && *p <= '9' )
        v = v * 10 + (*p++ - '0');
    *pp = p;
    return v;
}

static void parse_cmdline(void)
{
    const char *cl = (const char *)start_info->cmd_line, *p;

    if ( (p = arg_value(cl, "fuzz.seeds=")) )
    {
        while ( nr_seeds < MAX_SEEDS && *p >= '0' && *p <= '9' )
        {
            uint64_t a = parse_num(&p), b = a;

            if ( *p == '-' )
            {
                p++;
                b = parse_num(&p);
            }
            for ( ; a <= b && nr_seeds < MAX_SEEDS; a++ )
                seeds[nr_seeds++] = a;
            if ( *p == ',' )
                p++;
        }
    }
    if ( !nr_seeds )
        seeds[nr_seeds++] = 1;
    if ( (p = arg_value(cl, "fuzz.calls=")) )
        calls_per_seed = parse_num(&p);
    if ( (p = arg_value(cl, "fuzz.every=")) )
        every = parse_num(&p) ?: 64;
    if ( (p = arg_value(cl, "fuzz.v=")) )
        verbose = *p == '1';
}

static void setup_memory(void)
{
    struct xen_machphys_mfn_list ml = {.max_extents = 1};
    struct gnttab_setup_table gs = {.dom = DOMID_SELF, .nr_frames = GNT_FRAMES};
    xen_pfn_t frames[GNT_FRAMES];
    unsigned long i, pfn;
    uint64_t *l2e;
    uint8_t *old_shinfo, *new_shinfo;
    long rc;

    /* Keep start_info to ourselves; its frame becomes fair game. */
    orig_si = (uint8_t *)start_info;
    si_copy = *start_info;
    si_pfn = virt_to_pfn(orig_si);
    start_info = &si_copy;

    vcpu_info_page = alloc_page();
    noise = alloc_page();
    noise_pfn0 = virt_to_pfn(noise);
    for ( i = 1; i < NOISE_PAGES; i++ )
        alloc_page();
    win = alloc_page();
    win_pfn0 = virt_to_pfn(win);
    for ( i = 1; i < WIN_PAGES; i++ )
        alloc_page();
    gnt_va = alloc_page();
    for ( i = 1; i < GNT_FRAMES; i++ )
        alloc_page();
    /*
     * shared_info moves out of the runtime's .bss: a long output written
     * there must run into spare pages, not into our variables.
     */
    old_shinfo = (uint8_t *)shared_info;
    new_shinfo = alloc_page();
    if ( map_mfn((unsigned long)new_shinfo, start_info->shared_info >> 12,
                 PTE_P | PTE_RW | PTE_A | PTE_D) )
        test_error("cannot map shared_info again");
    shared_info = (shared_info_t *)new_shinfo;
    vcpu0 = &shared_info->vcpu_info[0];
    if ( set_page_rw(old_shinfo, true) )
        test_error("cannot restore the page under the old shared_info");
    for ( i = 0; i < WIN_PAGES; i++ )
    {
        l2e = pt_entry((unsigned long)win + i * PAGE_SIZE, 2);
        if ( !l2e || !(*l2e & PTE_P) || (*l2e & PTE_PS) )
            test_error("window page %lu has no L1", i);
        win_pte_ma[i] = (PTE_MFN(*l2e) << 12) +
                        pt_index((unsigned long)win + i * PAGE_SIZE, 1) * 8;
    }

    /* The pool: frames at the top of our memory, mapped nowhere. */
    pool_pfn0 = start_info->nr_pages - POOL_FRAMES;
    for ( i = 0; i < POOL_FRAMES; i++ )
    {
        pfn = pool_pfn0 + i;
        l2e = pt_entry((unsigned long)pfn_to_virt(pfn), 1);
        if ( l2e && (*l2e & PTE_P) )
            test_error("pool pfn %#lx is mapped", pfn);
        pool_mfn[i] = pfn_to_mfn(pfn);
    }

    shinfo_mfn = start_info->shared_info >> 12;
    max_ram_page = hypercall_memory_op(XENMEM_maximum_ram_page, NULL);
    set_xen_guest_handle(ml.extent_start, &m2p_mfn);
    hypercall_memory_op(XENMEM_machphys_mfn_list, &ml);

    set_xen_guest_handle(gs.frame_list, frames);
    rc = hypercall_grant_table_op(GNTTABOP_setup_table, &gs, 1);
    if ( !rc && !gs.status )
    {
        for ( i = 0; i < GNT_FRAMES; i++ )
        {
            gnt_mfn[i] = frames[i];
            if ( map_mfn((unsigned long)gnt_va + i * PAGE_SIZE, frames[i],
                         PTE_P | PTE_RW | PTE_A | PTE_D) )
                break;
            nr_gnt++;
        }
    }
    test_note("noise %p, window %p, pool pfn %#lx+%u, grant frames %u, "
              "max_ram_page %#lx", noise, win, pool_pfn0, POOL_FRAMES, nr_gnt,
              max_ram_page);
}

static void setup_traps(void)
{
    struct evtchn_bind_virq bv = {.virq = VIRQ_TIMER, .vcpu = 0};
    unsigned int v;

    for ( v = 0; v < 22; v++ )
        trap_set_hook(v, fault_hook);
    trap_set_hook(1, db_hook);
    trap_set_hook(2, nmi_hook);
    trap_set_hook(7, nm_hook);
    event_set_hook(event_hook_verbose);
    repair();
    if ( hypercall_event_channel_op(EVTCHNOP_bind_virq, &bv) )
        test_error("bind VIRQ_TIMER");
    timer_port = bv.port;
    for ( v = 1; v < 64; v++ )
    {
        if ( hypercall_vcpu_op(VCPUOP_is_up, v, NULL) < 0 )
            break;
    }
    nr_vcpus = v;
}

void test_main(void)
{
    unsigned int i;

    clk_tsc = vcpu0->time.tsc_timestamp;
    clk_ns = vcpu0->time.system_time;
    clk_mul = vcpu0->time.tsc_to_system_mul;
    clk_shift = vcpu0->time.tsc_shift;
    parse_cmdline();
    setup_memory();
    setup_traps();
    printk("F fuzz: %u seeds x %lu calls, vCPUs %u, progress every %u\n",
           nr_seeds, calls_per_seed, nr_vcpus, every);
    for ( i = 0; i < nr_seeds; i++ )
        run_seed(seeds[i]);
    printk("F fuzz: all %u seeds done, %lu calls\n", nr_seeds, nr_calls);
}
