/* SPDX-License-Identifier: GPL-2.0-only */
/* Checks the hypercall entry paths, xen_version, console_io, vm_assist and error returns. */
#include "guest.h"
#include <xen/features.h>

const char test_title[] = "hypercalls: page and syscall paths, version, "
                          "console, vm_assist";

/*
 * preserve_probe(out, via_page) loads patterns into the registers Linux
 * expects to survive a hypercall (rbx, rbp, r9, r12-r15, rsp), makes
 * xen_version(XENVER_version) and stores them to out[0..7], out[8] = rax.
 */
void preserve_probe(uint64_t *out, int via_page);
asm(".pushsection .text\n"
    "preserve_probe:\n\t"
    "push %rbx\n\tpush %rbp\n\tpush %r12\n\tpush %r13\n\t"
    "push %r14\n\tpush %r15\n\tpush %rdi\n\t"
    "mov %esi, %r8d\n\t"
    "movabs $0x1111111111111111, %rbx\n\t"
    "movabs $0x2222222222222222, %rbp\n\t"
    "movabs $0x9999999999999999, %r9\n\t"
    "movabs $0xcccccccccccccccc, %r12\n\t"
    "movabs $0xdddddddddddddddd, %r13\n\t"
    "movabs $0xeeeeeeeeeeeeeeee, %r14\n\t"
    "movabs $0xffffffffffffffff, %r15\n\t"
    "mov %rsp, %r10\n\t"
    "push %r10\n\t"
    "xor %edi, %edi\n\txor %esi, %esi\n\t"
    "test %r8d, %r8d\n\t"
    "jnz 1f\n\t"
    "mov $17, %eax\n\t"
    "syscall\n\t"
    "jmp 2f\n"
    "1:\tcall hypercall_page + 17 * 32\n"
    "2:\tpop %r10\n\t"
    "mov 0(%rsp), %rdi\n\t"
    "mov %rbx, 0(%rdi)\n\tmov %rbp, 8(%rdi)\n\tmov %r9, 16(%rdi)\n\t"
    "mov %r12, 24(%rdi)\n\tmov %r13, 32(%rdi)\n\tmov %r14, 40(%rdi)\n\t"
    "mov %r15, 48(%rdi)\n\t"
    "sub %rsp, %r10\n\tmov %r10, 56(%rdi)\n\t"
    "mov %rax, 64(%rdi)\n\t"
    "pop %rdi\n\tpop %r15\n\tpop %r14\n\tpop %r13\n\tpop %r12\n\t"
    "pop %rbp\n\tpop %rbx\n\tret\n"
    ".popsection");

static const char *path_name(void)
{
    return hypercall_path == HCALL_PAGE ? "page" : "syscall";
}

static void check_hypercall_page(void)
{
    const uint8_t *e = hypercall_page + __HYPERVISOR_xen_version * 32;
    unsigned int i, has_syscall = 0;

    for ( i = 0; i + 1 < 32; i++ )
        has_syscall |= e[i] == 0x0f && e[i + 1] == 0x05;
    test_check(e[0] != 0xcc && has_syscall,
               "hypercall page filled: xen_version entry contains syscall");
    e = hypercall_page + __HYPERVISOR_iret * 32;
    test_check(e[0] != 0xcc, "hypercall page has an iret entry");
}

static void check_preserved(void)
{
    static const uint64_t want[7] = {
        0x1111111111111111ULL, 0x2222222222222222ULL, 0x9999999999999999ULL,
        0xccccccccccccccccULL, 0xddddddddddddddddULL, 0xeeeeeeeeeeeeeeeeULL,
        0xffffffffffffffffULL,
    };
    uint64_t out[9];
    int via_page;

    for ( via_page = 0; via_page < 2; via_page++ )
    {
        memset(out, 0, sizeof(out));
        preserve_probe(out, via_page);
        test_check(!memcmp(out, want, sizeof(want)) && out[7] == 0,
                   "%s: rbx rbp r9 r12-r15 rsp preserved across a hypercall",
                   via_page ? "page" : "syscall");
        test_check(out[8] >> 16 >= 3, "%s: xen_version = %#lx",
                   via_page ? "page" : "syscall", out[8]);
    }
}

static void check_version(void)
{
    xen_extraversion_t extra;
    xen_capabilities_info_t caps;
    xen_platform_parameters_t pp = {0};
    long rc;

    rc = hypercall_xen_version(XENVER_version, NULL);
    test_check(rc >= 0x30000, "[%s] XENVER_version %ld.%ld", path_name(),
               rc >> 16, rc & 0xffff);
    memset(extra, 0x55, sizeof(extra));
    rc = hypercall_xen_version(XENVER_extraversion, extra);
    test_check(!rc && strnlen(extra, sizeof(extra)) < sizeof(extra),
               "[%s] XENVER_extraversion '%s' (rc %ld)", path_name(),
               rc ? "" : extra, rc);
    memset(caps, 0, sizeof(caps));
    rc = hypercall_xen_version(XENVER_capabilities, caps);
    test_check(!rc && strstr(caps, "xen-3.0-x86_64"),
               "[%s] XENVER_capabilities '%s'", path_name(), caps);
    rc = hypercall_xen_version(XENVER_platform_parameters, &pp);
    test_check(!rc && pp.virt_start == HYPERVISOR_VIRT_START,
               "[%s] XENVER_platform_parameters virt_start %#lx", path_name(),
               pp.virt_start);
    rc = hypercall_xen_version(XENVER_pagesize, NULL);
    test_rc(rc, PAGE_SIZE, "[%s] XENVER_pagesize", path_name());
    /* Xen's answer to an unknown sub-op is -ENOSYS, not -EINVAL. */
    rc = hypercall_xen_version(0x7777, NULL);
    test_rc(rc, -XEN_ENOSYS, "[%s] unknown XENVER sub-op", path_name());
    rc = hypercall_xen_version(XENVER_extraversion, NULL);
    test_rc(rc, -XEN_EFAULT, "[%s] XENVER_extraversion to NULL", path_name());
}

static void check_features(void)
{
    xen_feature_info_t fi = {.submap_idx = 0};
    uint32_t must = (1u << XENFEAT_mmu_pt_update_preserve_ad) |
                    (1u << XENFEAT_gnttab_map_avail_bits) |
                    (1u << XENFEAT_dom0);
    /* PV must not claim these: Linux would take HVM/translated paths. */
    uint32_t must_not = (1u << XENFEAT_writable_page_tables) |
                        (1u << XENFEAT_auto_translated_physmap) |
                        (1u << XENFEAT_supervisor_mode_kernel) |
                        (1u << XENFEAT_hvm_callback_vector) |
                        (1u << XENFEAT_hvm_safe_pvclock);
    long rc;

    rc = hypercall_xen_version(XENVER_get_features, &fi);
    test_rc(rc, 0, "[%s] XENVER_get_features(0) = %#x", path_name(), fi.submap);
    test_check((fi.submap & must) == must,
               "[%s] features include preserve_ad, map_avail_bits, dom0",
               path_name());
    test_check(!(fi.submap & must_not),
               "[%s] no writable_page_tables/auto_translated/"
               "supervisor_mode/hvm_* features",
               path_name());
    fi.submap_idx = XENFEAT_NR_SUBMAPS;
    rc = hypercall_xen_version(XENVER_get_features, &fi);
    test_rc(rc, -XEN_EINVAL, "[%s] XENVER_get_features(submap %u)", path_name(),
            XENFEAT_NR_SUBMAPS);
}

static void check_console(void)
{
    static const char msg[] = "  info this line is a direct console_io write\n";
    long rc;

    rc = hypercall_console_io(CONSOLEIO_write, sizeof(msg) - 1, msg);
    test_rc(rc, 0, "[%s] console_io(write)", path_name());
    rc = hypercall_console_io(CONSOLEIO_write, 0, msg);
    test_rc(rc, 0, "[%s] console_io(write, 0 bytes)", path_name());
    rc = hypercall_console_io(CONSOLEIO_write, 16, NULL);
    test_rc(rc, -XEN_EFAULT, "[%s] console_io(write) from NULL", path_name());
    rc = hypercall_console_io(CONSOLEIO_read, 0, msg);
    test_rc(rc, 0, "[%s] console_io(read, 0 bytes)", path_name());
    rc = hypercall_console_io(99, 1, msg);
    test_rc(rc, -XEN_ENOSYS, "[%s] console_io unknown sub-op", path_name());
}

static void check_vm_assist(void)
{
    long rc;

    rc =
        hypercall_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables);
    test_rc(rc, 0, "[%s] vm_assist enable writable_pagetables", path_name());
    rc = hypercall_vm_assist(VMASST_CMD_enable,
                             VMASST_TYPE_runstate_update_flag);
    test_rc(rc, 0, "[%s] vm_assist enable runstate_update_flag", path_name());
    rc = hypercall_vm_assist(VMASST_CMD_enable, 31);
    test_rc(rc, -XEN_EINVAL, "[%s] vm_assist unknown type 31", path_name());
    rc = hypercall_vm_assist(7, VMASST_TYPE_writable_pagetables);
    test_rc(rc, -XEN_ENOSYS, "[%s] vm_assist unknown command", path_name());
}

static void check_unknown_numbers(void)
{
    /*
     * Gaps in the table and the arch slots x86 leaves empty (48 is mca and
     * 49 paging_domctl_cont on Xen), then numbers beyond the table.
     */
    static const unsigned long nrs[] = {11, 43, 47, 50, 55, 63, 64, 127};
    static const unsigned long big[] = {128, 1000, 0xffffffffUL};
    unsigned int i, bad = 0;
    long rc;

    for ( i = 0; i < ARRAY_SIZE(nrs); i++ )
    {
        rc = hypercall5(nrs[i], 0, 0, 0, 0, 0);
        if ( rc != -XEN_ENOSYS && !bad++ )
            test_note("hypercall %lu returned %ld", nrs[i], rc);
    }
    for ( i = 0; hypercall_path == HCALL_SYSCALL && i < ARRAY_SIZE(big); i++ )
    {
        rc = hypercall_via_syscall(big[i], 0, 0, 0, 0, 0);
        if ( rc != -XEN_ENOSYS && !bad++ )
            test_note("hypercall %lu returned %ld", big[i], rc);
    }
    test_check(!bad, "[%s] unused hypercall numbers return -ENOSYS",
               path_name());
}

static void check_sched(void)
{
    long rc;

    rc = hypercall_sched_op(SCHEDOP_yield, NULL);
    test_rc(rc, 0, "[%s] SCHEDOP_yield", path_name());
    rc = hypercall_sched_op(77, NULL);
    test_rc(rc, -XEN_ENOSYS, "[%s] unknown SCHEDOP", path_name());
}

void test_main(void)
{
    enum hypercall_path paths[] = {HCALL_PAGE, HCALL_SYSCALL};
    unsigned int i;

    check_hypercall_page();
    check_preserved();
    for ( i = 0; i < ARRAY_SIZE(paths); i++ )
    {
        hypercall_path = paths[i];
        check_version();
        check_features();
        check_console();
        check_vm_assist();
        check_unknown_numbers();
        check_sched();
    }
}
