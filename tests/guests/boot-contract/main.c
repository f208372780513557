/* SPDX-License-Identifier: GPL-2.0-only */
/* Checks the 64-bit PV start-of-day contract: start_info, layout, page tables, p2m/M2P, entry state. */
#include "guest.h"

const char test_title[] = "boot contract: start_info, layout, entry state";

extern uint8_t _image_start[], _image_end[], _start[];

/* Must come out of the ELF file as written and zero-filled respectively. */
static volatile uint64_t data_marker = 0x1122334455667788ULL;
static volatile uint64_t bss_block[64];

/* From boot.conf, passed by the runner. */
#define MODULE_BYTES  5000
#define CMDLINE_TOKEN "boot.contract=1"

#define ROUND_UP(x) (((x) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1UL))

static unsigned long region_end;

static void check_fields(void)
{
    const start_info_t *si = start_info;

    test_check(!strcmp(si->magic, "xen-3.0-x86_64"), "magic '%.32s'",
               si->magic);
    /* dom0_mem=64M; the builder may hold back nothing for a PV dom0. */
    test_check(si->nr_pages == (64UL << 20) / PAGE_SIZE,
               "nr_pages %lu == 64 MiB", si->nr_pages);
    test_check(si->shared_info && !(si->shared_info & (PAGE_SIZE - 1)),
               "shared_info %#lx is a page-aligned machine address",
               si->shared_info);
    test_check((si->flags & (SIF_INITDOMAIN | SIF_PRIVILEGED)) ==
                   (SIF_INITDOMAIN | SIF_PRIVILEGED),
               "flags %#x has SIF_INITDOMAIN|SIF_PRIVILEGED", si->flags);
    /* No XEN_ELFNOTE_MOD_START_PFN: the module must be mapped, by VA. */
    test_check(!(si->flags & SIF_MOD_START_PFN), "SIF_MOD_START_PFN clear");
    test_check(si->mod_len == MODULE_BYTES, "mod_len %lu", si->mod_len);
    test_check(si->mod_start &&
                   !memcmp((void *)si->mod_start, "XENIA-MODULE", 12),
               "module at mod_start %#lx starts 'XENIA-MODULE'", si->mod_start);
    test_check(((uint8_t *)si->mod_start)[MODULE_BYTES - 1] ==
                   ((MODULE_BYTES - 1) & 0xff),
               "module's last byte intact");
    test_check(strnlen((const char *)si->cmd_line, MAX_GUEST_CMDLINE) <
                   MAX_GUEST_CMDLINE,
               "cmd_line NUL-terminated: '%s'", (const char *)si->cmd_line);
    test_check(strstr((const char *)si->cmd_line, CMDLINE_TOKEN) != NULL,
               "cmd_line carries the module's arguments");
}

/* xen.h "start-of-day memory layout": packed, 4 KiB-aligned, in order. */
static void check_layout(void)
{
    const start_info_t *si = start_info;
    unsigned long img_end = ROUND_UP((unsigned long)_image_end);
    unsigned long p2m_end = si->mfn_list + si->nr_pages * 8;
    unsigned long pt_end = si->pt_base + si->nr_pt_frames * PAGE_SIZE;

    test_check(si->mod_start == img_end, "module %#lx right after image %#lx",
               si->mod_start, img_end);
    test_check(si->mfn_list == ROUND_UP(si->mod_start + si->mod_len),
               "mfn_list %#lx right after the module", si->mfn_list);
    test_check((unsigned long)si == ROUND_UP(p2m_end),
               "start_info %p right after the p2m (rsi)", (void *)si);
    test_check(si->pt_base == (unsigned long)si + PAGE_SIZE,
               "pt_base %#lx right after the start_info page", si->pt_base);
    test_check(boot_regs.rsp == pt_end + PAGE_SIZE,
               "rsp %#lx = top of a 1-page stack after %lu pt frames",
               boot_regs.rsp, si->nr_pt_frames);
    test_check(region_end % (4UL << 20) == 0,
               "bootstrap region ends 4 MiB-aligned at %#lx", region_end);
    test_check(region_end - boot_regs.rsp >= (512UL << 10),
               "%lu KiB padding after the boot stack (>= 512)",
               (region_end - boot_regs.rsp) >> 10);
}

/* Walks the region and finds where the bootstrap mapping stops. */
static void check_region_mapping(void)
{
    const start_info_t *si = start_info;
    unsigned long va, bad = 0, ro_ok = 0, pfn;
    uint64_t *e;
    bool is_pt, rw;

    for ( va = GUEST_VIRT_BASE;; va += PAGE_SIZE )
    {
        e = l1_entry(va);
        if ( !e || !(*e & PTE_P) )
            break;
        pfn = virt_to_pfn((void *)va);
        is_pt = va >= si->pt_base &&
                va < si->pt_base + si->nr_pt_frames * PAGE_SIZE;
        rw = *e & PTE_RW;
        if ( (unsigned long)shared_info == va )
            continue; /* remapped by the runtime */
        if ( PTE_MFN(*e) != pfn_to_mfn(pfn) || rw == is_pt )
        {
            if ( !bad++ )
                test_note("va %#lx: pte %#lx, p2m mfn %#lx", va, *e,
                          pfn_to_mfn(pfn));
        }
        else if ( is_pt )
            ro_ok++;
    }
    region_end = va;
    test_check(!bad,
               "region maps pfn N at VIRT_BASE+N*4K, RW except "
               "page tables (%lu bad)",
               bad);
    test_check(ro_ok == si->nr_pt_frames, "%lu of %lu pt frames mapped RO",
               ro_ok, si->nr_pt_frames);
}

/* The tables reachable from pt_base must all be bootstrap pt frames. */
static void check_page_tables(void)
{
    const start_info_t *si = start_info;
    unsigned long va = (unsigned long)_start, lo = si->pt_base;
    unsigned long hi = lo + si->nr_pt_frames * PAGE_SIZE, tva;
    unsigned int level, inside = 0;
    uint64_t *e;

    test_check(virt_to_mfn((void *)si->pt_base) == cur_l4_mfn &&
                   mfn_to_virt(cur_l4_mfn) == (void *)si->pt_base,
               "pt_base is the L4 (mfn %#lx)", cur_l4_mfn);
    for ( level = 4; level >= 1; level-- )
    {
        e = pt_entry(va, level);
        if ( !e )
            break;
        tva = (unsigned long)e & ~(PAGE_SIZE - 1UL);
        inside += tva >= lo && tva < hi;
    }
    test_check(inside == 4, "walk of _start uses 4 tables inside "
                            "[pt_base, +nr_pt_frames)");
    e = l1_entry(va);
    test_check(e && PTE_MFN(*e) == virt_to_mfn(_start),
               "L1 entry of _start maps p2m[pfn]");
    test_check(si->nr_pt_frames >= 4 && si->nr_pt_frames < 64,
               "nr_pt_frames %lu plausible", si->nr_pt_frames);
}

static void check_p2m_m2p(void)
{
    const start_info_t *si = start_info;
    struct xen_machphys_mapping mm = {0};
    unsigned long pfn, bad = 0, n = 0;
    long rc;

    rc = hypercall_memory_op(XENMEM_machphys_mapping, &mm);
    test_rc(rc, 0, "XENMEM_machphys_mapping");
    test_check(mm.v_start == MACH2PHYS_VIRT_START,
               "M2P at %#lx (MACH2PHYS_VIRT_START)", mm.v_start);
    for ( pfn = 0; pfn < si->nr_pages; pfn += (pfn < 16 ? 1 : 61) )
    {
        n++;
        if ( pfn_to_mfn(pfn) > mm.max_mfn || M2P[pfn_to_mfn(pfn)] != pfn )
        {
            if ( !bad++ )
                test_note("pfn %#lx -> mfn %#lx -> M2P %#lx", pfn,
                          pfn_to_mfn(pfn), M2P[pfn_to_mfn(pfn)]);
        }
    }
    pfn = si->nr_pages - 1;
    bad += M2P[pfn_to_mfn(pfn)] != pfn;
    test_check(!bad, "M2P[p2m[pfn]] == pfn for %lu sampled pfns", n + 1);
}

static void check_entry_state(void)
{
    const struct boot_regs *r = &boot_regs;
    uint64_t others = r->rax | r->rbx | r->rcx | r->rdx | r->rdi | r->rbp |
                      r->r8 | r->r9 | r->r10 | r->r11 | r->r12 | r->r13 |
                      r->r14 | r->r15;
    unsigned int i, nonzero = 0;

    test_check(r->rsi == (unsigned long)start_info, "rsi = start_info");
    test_check(!others, "all other GPRs zero at entry");
    test_check(r->cs == FLAT_KERNEL_CS && r->ss == FLAT_KERNEL_SS,
               "cs %#lx ss %#lx = FLAT_KERNEL_CS/SS", r->cs, r->ss);
    test_check(!(r->ds | r->es | r->fs | r->gs), "ds/es/fs/gs null");
    test_check((r->rflags & 0x200) && !(r->rflags & 0x3000),
               "rflags %#lx: IF set, IOPL 0", r->rflags);
    test_check(data_marker == 0x1122334455667788ULL, ".data loaded");
    for ( i = 0; i < ARRAY_SIZE(bss_block); i++ )
        nonzero += bss_block[i] != 0;
    test_check(!nonzero, ".bss zeroed");
}

static void check_shared_info(void)
{
    unsigned int i, masked = 0;

    for ( i = 0; i < XEN_LEGACY_MAX_VCPUS; i++ )
        masked += shared_info->vcpu_info[i].evtchn_upcall_mask == 1;
    test_check(masked == XEN_LEGACY_MAX_VCPUS,
               "all %u vcpu_info slots start with upcalls masked", masked);
    test_check(vcpu0->time.tsc_to_system_mul != 0,
               "vcpu0 time: tsc_to_system_mul %#x",
               vcpu0->time.tsc_to_system_mul);
    test_check(!(vcpu0->time.version & 1) && vcpu0->time.system_time,
               "vcpu0 time: version %u even, system_time %lu ns",
               vcpu0->time.version, vcpu0->time.system_time);
}

void test_main(void)
{
    check_fields();
    check_region_mapping();
    check_layout();
    check_page_tables();
    check_p2m_m2p();
    check_entry_state();
    check_shared_info();
}
