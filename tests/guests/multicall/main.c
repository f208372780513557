/* SPDX-License-Identifier: GPL-2.0-only */
/* Checks HYPERVISOR_multicall: per-entry results, failing entries, nesting and long batches. */
#include "guest.h"

const char test_title[] = "multicall: batches with per-entry results";

static void set_call(multicall_entry_t *e, unsigned long op, unsigned long a0,
                     unsigned long a1, unsigned long a2)
{
    memset(e, 0, sizeof(*e));
    e->op = op;
    e->result = 0x5a5a5a5a;
    e->args[0] = a0;
    e->args[1] = a1;
    e->args[2] = a2;
}

static void check_mixed_batch(void)
{
    static const char msg[] = "  info console_io from inside a multicall\n";
    static uint64_t page[PAGE_SIZE / 8] __attribute__((aligned(PAGE_SIZE)));
    struct mmuext_op flush = {.cmd = MMUEXT_TLB_FLUSH_LOCAL};
    multicall_entry_t mc[8];
    uint64_t pte = ((uint64_t)virt_to_mfn(page) << 12) | PTE_P | PTE_A | PTE_D;
    long rc;

    set_call(&mc[0], __HYPERVISOR_xen_version, XENVER_version, 0, 0);
    set_call(&mc[1], __HYPERVISOR_console_io, CONSOLEIO_write, sizeof(msg) - 1,
             (unsigned long)msg);
    /* Make our own page read-only, as Linux's pinning batches do. */
    set_call(&mc[2], __HYPERVISOR_update_va_mapping, (unsigned long)page, pte,
             UVMF_INVLPG);
    set_call(&mc[3], __HYPERVISOR_mmuext_op, (unsigned long)&flush, 1, 0);
    mc[3].args[3] = DOMID_SELF;
    set_call(&mc[4], __HYPERVISOR_xen_version, 0x7777, 0, 0);
    set_call(&mc[5], __HYPERVISOR_vm_assist, VMASST_CMD_enable, 31, 0);
    set_call(&mc[6], 60, 0, 0, 0);
    set_call(&mc[7], __HYPERVISOR_xen_version, XENVER_pagesize, 0, 0);
    rc = hypercall_multicall(mc, ARRAY_SIZE(mc));
    test_rc(rc, 0, "multicall of 8 entries");
    test_check(mc[0].result == (unsigned long)hypercall_xen_version(0, NULL),
               "entry 0 xen_version = %#lx", mc[0].result);
    test_rc(mc[1].result, 0, "entry 1 console_io");
    test_rc(mc[2].result, 0, "entry 2 update_va_mapping");
    test_check(probe_write(page, 1) == 14, "the page is read-only now");
    test_rc(mc[3].result, 0, "entry 3 mmuext_op");
    test_rc(mc[4].result, -XEN_ENOSYS, "entry 4 unknown XENVER sub-op");
    test_rc(mc[5].result, -XEN_EINVAL, "entry 5 vm_assist bad type");
    test_rc(mc[6].result, -XEN_ENOSYS, "entry 6 unknown hypercall 60");
    test_rc(mc[7].result, PAGE_SIZE, "entry 7 after the failures still runs");
    set_page_rw(page, true);
}

static void check_nested_and_empty(void)
{
    multicall_entry_t inner[1], outer[2];
    long rc;

    set_call(&inner[0], __HYPERVISOR_xen_version, XENVER_version, 0, 0);
    set_call(&outer[0], __HYPERVISOR_multicall, (unsigned long)inner, 1, 0);
    set_call(&outer[1], __HYPERVISOR_xen_version, XENVER_pagesize, 0, 0);
    rc = hypercall_multicall(outer, 2);
    test_rc(rc, 0, "multicall containing a multicall");
    test_rc(outer[0].result, -XEN_EINVAL, "nested multicall entry refused");
    test_check(inner[0].result == 0x5a5a5a5a, "inner batch not executed");
    test_rc(outer[1].result, PAGE_SIZE, "following entry runs");
    test_rc(hypercall_multicall(outer, 0), 0, "multicall of 0 entries");
}

/* Long enough that the hypervisor may preempt and continue it. */
static void check_long_batch(void)
{
    static multicall_entry_t mc[200];
    unsigned int i, bad = 0;
    long rc;

    for ( i = 0; i < ARRAY_SIZE(mc); i++ )
        set_call(&mc[i], __HYPERVISOR_xen_version,
                 i % 2 ? XENVER_pagesize : 0x7777, 0, 0);
    rc = hypercall_multicall(mc, ARRAY_SIZE(mc));
    for ( i = 0; i < ARRAY_SIZE(mc); i++ )
        bad += mc[i].result != (i % 2 ? PAGE_SIZE : (unsigned long)-XEN_ENOSYS);
    test_check(!rc && !bad, "200 entries, every result right (rc %ld, %u bad)",
               rc, bad);
}

void test_main(void)
{
    enum hypercall_path paths[] = {HCALL_PAGE, HCALL_SYSCALL};
    unsigned int i;

    for ( i = 0; i < ARRAY_SIZE(paths); i++ )
    {
        hypercall_path = paths[i];
        test_note("through the %s",
                  i ? "syscall instruction" : "hypercall page");
        check_mixed_batch();
        check_nested_and_empty();
        check_long_batch();
    }
}
