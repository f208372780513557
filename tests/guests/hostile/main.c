/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A hostile guest: forbidden mappings, bad pointers, bad ports, bad counts
 * and numbers must all fail cleanly, as Dom0 and as a DomU.
 */
#include "guest.h"

const char test_title[] = "hostile: refused mappings, bad pointers, ports, "
                          "counts";

#define XEN_VA      0xffff830000000000UL     /* Xen's direct map */
#define M2P_END_VA  (MACH2PHYS_VIRT_END - 8) /* far beyond the mapped M2P */
#define KERNEL_HOLE (GUEST_VIRT_BASE + (512UL << 20))
#define NONCANON    0x8000000000000000UL

static uint64_t *scratch;

/*
 * Run as a DomU (the domains test builds one from this kernel), it may
 * not use console_io at all: Xen refuses it before looking further.
 */
static long console_io_want(long dom0_rc)
{
    return start_info->flags & SIF_INITDOMAIN ? dom0_rc : -XEN_EPERM;
}

static void check_hypervisor_area(void)
{
    uint64_t pte = ((uint64_t)virt_to_mfn(scratch) << 12) | PTE_P | PTE_RW;
    uint64_t l4_ma = (uint64_t)cur_l4_mfn << 12;
    long rc;

    rc = hypercall_update_va_mapping(XEN_VA, pte, UVMF_INVLPG);
    test_rc(rc, -XEN_EINVAL, "update_va_mapping at %#lx (Xen's area)", XEN_VA);
    rc = hypercall_update_va_mapping(MACH2PHYS_VIRT_START, pte, UVMF_INVLPG);
    test_rc(rc, -XEN_EINVAL, "update_va_mapping over the M2P");
    rc = mmu_update_one(l4_ma + 256 * 8, pte | PTE_US);
    test_rc(rc, -XEN_EINVAL, "mmu_update of L4 slot 256 (Xen's)");
    rc = mmu_update_one(l4_ma + 270 * 8, 0);
    test_rc(rc, -XEN_EINVAL, "mmu_update clearing L4 slot 270 (Xen's)");
    test_check(probe_read((void *)XEN_VA, NULL) == 14,
               "reading Xen's direct map faults (#PF)");
    test_check(probe_write((void *)MACH2PHYS_VIRT_START, 0) == 14,
               "writing the read-only M2P faults (#PF)");
    test_check(probe_read((void *)M2P_END_VA, NULL) == 14,
               "reading past the populated M2P faults (#PF), as Linux "
               "expects");
}

static void check_foreign_frames(void)
{
    struct xen_machphys_mfn_list ml = {.max_extents = 1};
    xen_pfn_t m2p_mfn = 0;
    unsigned long va = (unsigned long)scratch;
    long rc;

    set_xen_guest_handle(ml.extent_start, &m2p_mfn);
    rc = hypercall_memory_op(XENMEM_machphys_mfn_list, &ml);
    test_check(!rc && ml.nr_extents == 1 && m2p_mfn,
               "XENMEM_machphys_mfn_list: first M2P frame %#lx", m2p_mfn);
    /* Xen: the frame is Xen's, shared read-only, so its type is busy. */
    rc = map_mfn(va, m2p_mfn, PTE_P | PTE_RW | PTE_A | PTE_D);
    test_rc(rc, -XEN_EBUSY, "mapping a hypervisor-owned M2P frame writable");
    /*
     * A frame past the end of anything the platform can address: not RAM,
     * so it is judged as MMIO against the domain's I/O-memory permissions.
     */
    rc = map_mfn(va, 1UL << 39, PTE_P | PTE_A);
    test_rc(rc, -XEN_EPERM, "mapping mfn 2^39 (no such frame)");
    test_check(probe_write(scratch, 1) < 0, "scratch page still mapped to "
                                            "its own frame");
}

static void check_own_page_tables(void)
{
    unsigned long pt = start_info->pt_base;
    struct mmuext_op op = {.cmd = MMUEXT_UNPIN_TABLE};
    long rc;

    rc = set_page_rw((void *)pt, true);
    test_rc(rc, -XEN_EBUSY, "mapping the pinned boot L4 writable");
    rc = set_page_rw((void *)(pt + PAGE_SIZE), true);
    test_rc(rc, -XEN_EBUSY, "mapping a boot L3/L2/L1 writable");
    op.arg1.mfn = virt_to_mfn(scratch);
    rc = hypercall_mmuext_op(&op, 1, NULL, DOMID_SELF);
    test_rc(rc, -XEN_EINVAL, "unpinning a data page");
    rc = pin_table(4, virt_to_mfn(scratch));
    test_rc(rc, -XEN_EINVAL, "pinning a writable data page as L4");
    rc = mmuext_simple(MMUEXT_NEW_BASEPTR, 1UL << 39);
    test_rc(rc, -XEN_EINVAL, "NEW_BASEPTR to a frame that does not exist");
    rc = pin_table(1, 1UL << 39);
    test_rc(rc, -XEN_EINVAL, "pinning a frame that does not exist");
}

/* Every pointer-taking hypercall, fed pointers it must not dereference. */
static void check_bad_pointers(void)
{
    static const struct {
        unsigned long p;
        const char *what;
    } ptrs[] = {
        {0x5000, "unmapped user VA"},
        {KERNEL_HOLE, "unmapped kernel VA"},
        {XEN_VA, "hypervisor VA"},
        {NONCANON, "non-canonical"},
    };
    unsigned int i;
    unsigned long p;

    for ( i = 0; i < ARRAY_SIZE(ptrs); i++ )
    {
        p = ptrs[i].p;
        test_note("pointer %#lx (%s)", p, ptrs[i].what);
        test_rc(hypercall_console_io(CONSOLEIO_write, 16, (void *)p),
                console_io_want(-XEN_EFAULT), "  console_io(write)");
        test_rc(hypercall_set_trap_table((void *)p), -XEN_EFAULT,
                "  set_trap_table");
        test_rc(hypercall_xen_version(XENVER_extraversion, (void *)p),
                -XEN_EFAULT, "  xen_version(extraversion)");
        test_rc(hypercall_memory_op(XENMEM_machphys_mapping, (void *)p),
                -XEN_EFAULT, "  memory_op(machphys_mapping)");
        test_rc(hypercall_event_channel_op(EVTCHNOP_status, (void *)p),
                -XEN_EFAULT, "  event_channel_op(status)");
        test_rc(hypercall_multicall((void *)p, 1), -XEN_EFAULT, "  multicall");
        test_rc(hypercall_mmu_update((void *)p, 1, NULL, DOMID_SELF),
                -XEN_EFAULT, "  mmu_update");
        test_rc(hypercall_mmuext_op((void *)p, 1, NULL, DOMID_SELF),
                -XEN_EFAULT, "  mmuext_op");
        test_rc(hypercall_vcpu_op(VCPUOP_get_runstate_info, 0, (void *)p),
                -XEN_EFAULT, "  vcpu_op(get_runstate_info)");
        test_rc(hypercall_callback_op(CALLBACKOP_register, (void *)p),
                -XEN_EFAULT, "  callback_op(register)");
    }
    /* Output into memory the guest may read but not write. */
    if ( set_page_rw(scratch, false) )
        test_error("cannot make scratch read-only");
    test_rc(hypercall_xen_version(XENVER_extraversion, scratch), -XEN_EFAULT,
            "xen_version output into a read-only page");
    set_page_rw(scratch, true);
    test_rc(hypercall_xen_version(XENVER_extraversion,
                                  (void *)MACH2PHYS_VIRT_START),
            -XEN_EFAULT, "xen_version output into the M2P");
}

static void check_bad_ports(void)
{
    static const uint32_t ports[] = {4096, 5000, 0x7fffffff, 0xffffffff};
    struct evtchn_bind_virq bv = {.virq = 1000, .vcpu = 0};
    struct evtchn_bind_ipi bi = {.vcpu = 99};
    unsigned int i, bad = 0;
    evtchn_port_t port;
    long rc;

    for ( i = 0; i < ARRAY_SIZE(ports); i++ )
    {
        port = ports[i];
        rc = hypercall_event_channel_op(EVTCHNOP_send, &port);
        bad += rc != -XEN_EINVAL;
        rc = hypercall_event_channel_op(EVTCHNOP_close, &port);
        bad += rc != -XEN_EINVAL;
        rc = hypercall_event_channel_op(EVTCHNOP_unmask, &port);
        bad += rc != -XEN_EINVAL;
    }
    test_check(!bad,
               "send/close/unmask of ports >= 4096: all -EINVAL (%u wrong)",
               bad);
    rc = hypercall_event_channel_op(EVTCHNOP_bind_virq, &bv);
    test_rc(rc, -XEN_EINVAL, "bind_virq of virq 1000");
    bv.virq = VIRQ_TIMER;
    bv.vcpu = 99;
    rc = hypercall_event_channel_op(EVTCHNOP_bind_virq, &bv);
    test_rc(rc, -XEN_ENOENT, "bind_virq to vcpu 99");
    rc = hypercall_event_channel_op(EVTCHNOP_bind_ipi, &bi);
    test_rc(rc, -XEN_ENOENT, "bind_ipi to vcpu 99");
    rc = hypercall_event_channel_op(99, &bi);
    test_rc(rc, -XEN_ENOSYS, "unknown event_channel_op");
}

static void check_counts_and_numbers(void)
{
    uint8_t buf[16];
    long rc;

    rc = hypercall_multicall((void *)0x5000, 0x7fffffff);
    test_rc(rc, -XEN_EFAULT, "multicall of 2^31-1 entries");
    rc = hypercall_mmu_update((void *)0x5000, 0x7fffffff, NULL, DOMID_SELF);
    test_rc(rc, -XEN_EFAULT, "mmu_update of 2^31-1 entries");
    rc = hypercall_mmuext_op((void *)0x5000, 0x7fffffff, NULL, DOMID_SELF);
    test_rc(rc, -XEN_EFAULT, "mmuext_op of 2^31-1 entries");
    /* Xen refuses counts that do not fit a signed int before anything. */
    rc = hypercall_console_io(CONSOLEIO_read, 0xffffffff, buf);
    test_rc(rc, console_io_want(-XEN_E2BIG),
            "console_io(read) of 2^32-1 bytes");
    rc = hypercall_console_io(CONSOLEIO_read, sizeof(buf), buf);
    test_rc(rc, console_io_want(0),
            "console_io(read): nothing waiting on the serial line");
    rc = hypercall_via_syscall(0x100000011UL, XENVER_version, 0, 0, 0, 0);
    test_rc(rc, -XEN_ENOSYS, "hypercall 0x100000011 (xen_version + 2^32)");
    rc = hypercall_via_syscall(-1UL, 0, 0, 0, 0, 0);
    test_rc(rc, -XEN_ENOSYS, "hypercall -1");
}

void test_main(void)
{
    scratch = alloc_page();
    check_hypervisor_area();
    check_foreign_frames();
    check_own_page_tables();
    check_bad_pointers();
    check_bad_ports();
    check_counts_and_numbers();
    test_check(true, "survived every attempt");
}
