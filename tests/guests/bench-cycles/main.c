/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest-measured cycles of a null hypercall, of a user syscall round trip
 * and of building a DomU's memory (populate_physmap on its behalf).
 */
#include "control.h" /* first: the toolstack's interface version */
#include <xen/callback.h>

const char test_title[] = "bench-cycles: null hypercall, user syscall "
                          "round trip and populate_physmap, in guest TSC "
                          "cycles";

/*
 * A benchmark, not a test: tests/bench/pv-cycles/run boots it on Xenia
 * and on Xen under -icount so that the TSC counts instructions, and
 * compares. The only checks are that the loops really ran.
 */
#define ROUNDS 2000
#define USER_VA 0x400000UL
#define SYS_NOP  1
#define SYS_EXIT 2

/* The user program: ROUNDS empty syscalls, then exit with the TSC delta. */
void user_loop(void);
asm(".pushsection .text\n"
    "user_loop:\n\t"
    "mov %rdi, %r12\n\t"        /* rounds */
    "lfence\n\trdtsc\n\tshl $32, %rdx\n\tor %rax, %rdx\n\tmov %rdx, %r13\n"
    "1:\n\t"
    "mov $1, %eax\n\t"
    "syscall\n\t"
    "dec %r12\n\t"
    "jnz 1b\n\t"
    "lfence\n\trdtsc\n\tshl $32, %rdx\n\tor %rax, %rdx\n\t"
    "sub %r13, %rdx\n\tmov %rdx, %rdi\n\t"
    "mov $2, %eax\n\t"
    "syscall\n\t"
    "ud2\n"
    ".popsection");

static uint8_t kstack[8192] __attribute__((aligned(16)));
static struct user_ctx uctx;
static unsigned long nops;

static bool syscall_hook(struct trap_regs *regs)
{
    if ( regs->rax == SYS_EXIT )
        user_return(&uctx, regs->rdi);
    nops++;
    regs->rax = 0;
    return true;
}

static unsigned long build_user_l4(void)
{
    uint64_t *ul4 = alloc_page(), *l3 = alloc_page(), *l2 = alloc_page(),
             *l1 = alloc_page(), *page = alloc_page();
    const uint64_t *kl4 = mfn_to_virt(cur_l4_mfn);
    const uint64_t f = PTE_P | PTE_RW | PTE_US | PTE_A;

    l1[pt_index(USER_VA, 1)] = ((uint64_t)virt_to_mfn(page) << 12) | f | PTE_D;
    l2[pt_index(USER_VA, 2)] = ((uint64_t)virt_to_mfn(l1) << 12) | f;
    l3[pt_index(USER_VA, 3)] = ((uint64_t)virt_to_mfn(l2) << 12) | f;
    ul4[0] = ((uint64_t)virt_to_mfn(l3) << 12) | f;
    ul4[511] = kl4[511]; /* the kernel image, where user_loop lives */
    if ( set_page_rw(l1, false) || set_page_rw(l2, false) ||
         set_page_rw(l3, false) || set_page_rw(ul4, false) )
        test_error("cannot make the user page tables read-only");
    return virt_to_mfn(ul4);
}

static void setup_user(void)
{
    struct callback_register cb = {
        .type = CALLBACKTYPE_syscall,
        .address = (unsigned long)syscall_callback_entry,
    };
    unsigned long ul4 = build_user_l4();

    test_rc(pin_table(4, ul4), 0, "pin the user L4");
    test_rc(mmuext_simple(MMUEXT_NEW_USER_BASEPTR, ul4), 0, "user base");
    test_rc(hypercall_stack_switch(FLAT_KERNEL_SS,
                                   (unsigned long)kstack + sizeof(kstack)),
            0, "stack_switch");
    test_rc(hypercall_callback_op(CALLBACKOP_register, &cb), 0,
            "syscall callback");
    trap_set_hook(VEC_SYSCALL, syscall_hook);
}

/* Cycles per call, the best of three runs (the first warms caches). */
static uint64_t time_hypercalls(bool page)
{
    uint64_t best = ~0UL;
    unsigned int run, i;

    for ( run = 0; run < 3; run++ )
    {
        uint64_t t0 = rdtsc(), t;

        for ( i = 0; i < ROUNDS; i++ )
            if ( page )
                hypercall_via_page(__HYPERVISOR_xen_version, XENVER_version, 0,
                                   0, 0, 0);
            else
                hypercall_via_syscall(__HYPERVISOR_xen_version, XENVER_version,
                                      0, 0, 0, 0);
        t = (rdtsc() - t0) / ROUNDS;
        best = t < best ? t : best;
    }
    return best;
}

/* The tiny DomU of tests/bench/domains: 8 MiB, order-0 extents as builders ask. */
#define POP_PAGES 2048
#define POP_RUNS 3

/*
 * Cycles of one create+max_mem, of populate_physmap per page and of the
 * destroy, for a fresh DomU each run: the first run takes frames nobody
 * has used, the later ones those the previous DomU gave back.
 */
static bool time_populate(uint64_t create[POP_RUNS], uint64_t page[POP_RUNS],
                          uint64_t destroy[POP_RUNS])
{
    static xen_pfn_t list[POP_PAGES];
    unsigned int run, i;

    for ( run = 0; run < POP_RUNS; run++ )
    {
        uint64_t t0, t1, t2, t3;
        domid_t id;
        long rc;

        for ( i = 0; i < POP_PAGES; i++ )
            list[i] = i;
        t0 = rdtsc();
        if ( dom_create(0, 1, &id) || dom_max_mem(id, POP_PAGES * 4 + 1024) )
            return test_fail("cannot create a DomU"), false;
        t1 = rdtsc();
        rc = dom_populate(id, list, POP_PAGES);
        t2 = rdtsc();
        if ( rc != POP_PAGES )
            return test_fail("populate_physmap: %ld of %u", rc, POP_PAGES),
                   false;
        if ( domctl_simple(XEN_DOMCTL_destroydomain, id) )
            return test_fail("cannot destroy d%u", id), false;
        t3 = rdtsc();
        if ( !dom_wait_gone(id) )
            return test_fail("d%u stays", id), false;
        create[run] = t1 - t0;
        page[run] = (t2 - t1) / POP_PAGES;
        destroy[run] = t3 - t2;
    }
    return true;
}

void test_main(void)
{
    uint64_t create[POP_RUNS], page[POP_RUNS], destroy[POP_RUNS];
    uint64_t via_syscall, via_page, user, best = ~0UL;
    unsigned int run;

    via_syscall = time_hypercalls(false);
    via_page = time_hypercalls(true);
    setup_user();
    for ( run = 0; run < 3; run++ )
    {
        uint64_t t;

        uctx.rip = (unsigned long)user_loop;
        uctx.usp = USER_VA + PAGE_SIZE;
        uctx.rflags = 0x202;
        uctx.arg = ROUNDS;
        t = (uint64_t)user_enter(&uctx) / ROUNDS;
        best = t < best ? t : best;
    }
    user = best;
    test_note("cycles: null_hypercall_syscall=%lu null_hypercall_page=%lu "
              "user_syscall_roundtrip=%lu",
              via_syscall, via_page, user);
    test_check(via_syscall > 0 && via_page > 0 && user > 0,
               "all three loops ran and took time");
    test_check(nops == 3UL * ROUNDS, "every user syscall reached the kernel "
                                     "(%lu)", nops);
    if ( time_populate(create, page, destroy) )
    {
        test_note("cycles: create_domain=%lu populate_page_fresh=%lu "
                  "populate_page_reused=%lu destroy_8mib=%lu",
                  create[POP_RUNS - 1], page[0], page[POP_RUNS - 1],
                  destroy[POP_RUNS - 1]);
        test_check(page[0] > 0 && page[POP_RUNS - 1] > 0,
                   "populate_physmap took time");
    }
}
