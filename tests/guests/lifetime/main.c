/* SPDX-License-Identifier: GPL-2.0-only */
/* Running domains: scheduling beside Dom0, pause, shutdown, destruction. */
#include "control.h"

const char test_title[] = "lifetime: a spinning DomU shares the CPU, pauses "
                          "at once, shuts down, dies while Dom0 maps it, "
                          "while it maps Dom0's grant, mid-hypercall";

/*
 * A tiny 64-bit PV guest built here, mapped at DOMU_VA: a code page, a
 * data page Dom0 also maps, a stack, and its four page-table frames.
 * First it tries what only the control domain may do, with requests Dom0
 * prepared in its data page, and leaves the results in data[3..5]. Then
 * it makes the extra hypercall Dom0 may have put in data[6..10] (again
 * and again while data[13] is set), with the result in data[11] and the
 * count of calls in data[12]. Then it counts in data[0] until Dom0 sets
 * data[1], and shuts down with the reason in data[2]. A page of
 * mmu_update requests may be mapped at every VA from DOMU_REQS_VA on: a
 * batch long enough to be preempted many times.
 */
#define DOMU_VA      0x400000UL
#define DOMU_PAGES   8
#define DOMU_REQS_VA (DOMU_VA + 3 * PAGE_SIZE)
#define DOMU_ARG     0x800 /* where in the data page the call's data go */
enum { PG_L4, PG_L3, PG_L2, PG_L1, PG_CODE, PG_DATA, PG_STACK, PG_REQS };
enum { D_NR = 6, D_RESULT = 11, D_CALLS, D_REPEAT };

#define PT_FLAGS (PTE_P | PTE_RW | PTE_US | PTE_A | PTE_D)

/* The guest's code, copied to its code page (absolute addresses). */
extern const uint8_t domu_code[], domu_call[], domu_code_end[];
asm(".pushsection .rodata\n"
    "domu_code:\n"
    "    movl $36, %eax\n" /* __HYPERVISOR_domctl */
    "    movl $0x401100, %edi\n"
    "    syscall\n"
    "    movq %rax, 0x401018\n"
    "    movl $35, %eax\n" /* __HYPERVISOR_sysctl */
    "    movl $0x401200, %edi\n"
    "    syscall\n"
    "    movq %rax, 0x401020\n"
    "    movl $12, %eax\n" /* __HYPERVISOR_memory_op */
    "    movl $6, %edi\n"  /* XENMEM_populate_physmap */
    "    movl $0x401300, %esi\n"
    "    syscall\n"
    "    movq %rax, 0x401028\n"
    "3:  movq 0x401030, %rax\n" /* data[6]: an extra hypercall? */
    "    testq %rax, %rax\n"
    "    jz 1f\n"
    "    movq 0x401038, %rdi\n"
    "    movq 0x401040, %rsi\n"
    "    movq 0x401048, %rdx\n"
    "    movq 0x401050, %r10\n"
    "domu_call:\n"
    "    syscall\n"
    "    movq %rax, 0x401058\n"
    "    lock incq 0x401060\n"
    "    cmpq $0, 0x401068\n" /* data[13]: again? */
    "    jnz 3b\n"
    "1:  lock incq 0x401000\n"  /* data[0]++ */
    "    movq 0x401008, %rax\n" /* data[1]: stop? */
    "    testq %rax, %rax\n"
    "    jz 1b\n"
    "    movl $29, %eax\n"       /* __HYPERVISOR_sched_op */
    "    movl $2, %edi\n"        /* SCHEDOP_shutdown */
    "    movl $0x401010, %esi\n" /* &data[2]: struct sched_shutdown */
    "    syscall\n"
    "2:  jmp 2b\n"
    "domu_code_end:\n"
    ".popsection");

struct domu {
    /* Set before build(): the extra hypercall, its data, repeated? */
    uint64_t call[5];
    const void *arg;
    size_t arg_len;
    bool repeat, reqs;
    domid_t id;
    xen_pfn_t mfn[DOMU_PAGES];
    volatile uint64_t *data; /* Dom0's mapping of the data page */
    uint64_t data_pte;       /* what that PTE held before */
};

static uint64_t pte_maddr(const void *va)
{
    return virt_to_maddr(l1_entry((unsigned long)va));
}

/* Point one of our PTEs at a frame of domain dom (DOMID_SELF: ours). */
static long map_foreign(void *va, unsigned long mfn, domid_t dom,
                        uint64_t flags)
{
    mmu_update_t req = {.ptr = pte_maddr(va),
                        .val = ((uint64_t)mfn << 12) | flags};
    long rc = hypercall_mmu_update(&req, 1, NULL, dom);

    mmuext_simple(MMUEXT_INVLPG_LOCAL, (unsigned long)va);
    return rc;
}

static void restore(void *va, uint64_t pte)
{
    mmu_update_one(pte_maddr(va), pte);
    mmuext_simple(MMUEXT_INVLPG_LOCAL, (unsigned long)va);
}

static void write_frame(struct domu *g, unsigned int pg, const void *src,
                        size_t len, void *window)
{
    uint64_t old = *l1_entry((unsigned long)window);

    if ( map_foreign(window, g->mfn[pg], g->id, PTE_P | PTE_RW | PTE_A) )
        test_error("cannot map frame %u of d%u", pg, g->id);
    memset(window, 0, PAGE_SIZE);
    memcpy(window, src, len);
    restore(window, old);
}

/* The DomU's data page: counters, and requests only Dom0 may make. */
static const void *domu_data(const struct domu *g, uint64_t reason)
{
    static uint64_t page[512];
    struct xen_domctl *dc = (void *)((char *)page + 0x100);
    struct xen_sysctl *sc = (void *)((char *)page + 0x200);
    struct xen_memory_reservation *r = (void *)((char *)page + 0x300);

    memset(page, 0, sizeof(page));
    page[2] = reason;
    page[3] = page[4] = page[5] = 1; /* not run yet */
    domctl_init(dc, XEN_DOMCTL_getdomaininfo, 0);
    sysctl_init(sc, XEN_SYSCTL_physinfo);
    r->nr_extents = 1;
    r->domid = 0; /* frames for Dom0 */
    set_xen_guest_handle(r->extent_start, (xen_pfn_t *)(DOMU_VA + 0x1400));
    memcpy(&page[D_NR], g->call, sizeof(g->call));
    page[D_REPEAT] = g->repeat;
    if ( g->arg )
        memcpy((char *)page + DOMU_ARG, g->arg, g->arg_len);
    return page;
}

static void set_entry(uint64_t *t, unsigned int i, unsigned long mfn)
{
    t[i] = ((uint64_t)mfn << 12) | PT_FLAGS;
}

static unsigned int vcpu0_cpu(domid_t id)
{
    struct xen_domctl op;

    domctl_init(&op, XEN_DOMCTL_getvcpuinfo, id);
    return domctl(&op) ? ~0u : op.u.getvcpuinfo.cpu;
}

/*
 * With several CPUs, the DomU should start on another one than Dom0's,
 * so that pausing it must reach a remote CPU: Xenia places a vCPU when
 * it is made, so try a few ids (Xen may move it anyway: then keep one).
 */
static long create_placed(domid_t *id, bool remote)
{
    domid_t want = 0;
    long rc;

    for ( unsigned int i = 0; i < 4; i++ )
    {
        rc = dom_create(want, 1, id);
        if ( rc || !remote || vcpu0_cpu(*id) != vcpu0_cpu(0) || i == 3 )
            return rc;
        domctl_simple(XEN_DOMCTL_destroydomain, *id);
        dom_wait_gone(*id);
        want = *id + 1;
    }
    return 0;
}

static bool build(struct domu *g, uint64_t reason, bool remote)
{
    static uint64_t table[512];
    static struct vcpu_guest_context c;
    /* Two data pages: two DomUs may run at once. */
    static void *window, *data_pages[2];
    static unsigned int next_data;
    void *data_va;
    struct xen_domctl op;

    if ( !window )
    {
        window = alloc_page();
        data_pages[0] = alloc_page();
        data_pages[1] = alloc_page();
    }
    data_va = data_pages[next_data++ % 2];
    if ( create_placed(&g->id, remote) || dom_max_mem(g->id, DOMU_PAGES * 4) )
        return false;
    for ( unsigned int i = 0; i < DOMU_PAGES; i++ )
        g->mfn[i] = i;
    if ( dom_populate(g->id, g->mfn, DOMU_PAGES) != DOMU_PAGES )
        return false;
    memset(table, 0, sizeof(table));
    set_entry(table, 0, g->mfn[PG_L3]);
    write_frame(g, PG_L4, table, sizeof(table), window);
    memset(table, 0, sizeof(table));
    set_entry(table, 0, g->mfn[PG_L2]);
    write_frame(g, PG_L3, table, sizeof(table), window);
    memset(table, 0, sizeof(table));
    set_entry(table, pt_index(DOMU_VA, 2), g->mfn[PG_L1]);
    write_frame(g, PG_L2, table, sizeof(table), window);
    memset(table, 0, sizeof(table));
    set_entry(table, 0, g->mfn[PG_CODE]);
    set_entry(table, 1, g->mfn[PG_DATA]);
    set_entry(table, 2, g->mfn[PG_STACK]);
    for ( unsigned int i = 3; g->reqs && i < 512; i++ )
        set_entry(table, i, g->mfn[PG_REQS]);
    write_frame(g, PG_L1, table, sizeof(table), window);
    write_frame(g, PG_CODE, domu_code, domu_code_end - domu_code, window);
    write_frame(g, PG_DATA, domu_data(g, reason), PAGE_SIZE, window);
    /* Requests that change nothing: the stack frame's M2P entry, again. */
    for ( unsigned int i = 0; i < 512; i += 2 )
    {
        table[i] = ((uint64_t)g->mfn[PG_STACK] << 12) | MMU_MACHPHYS_UPDATE;
        table[i + 1] = PG_STACK;
    }
    write_frame(g, PG_REQS, table, sizeof(table), window);

    /* The data page stays mapped here: Dom0 watches the counter. */
    g->data_pte = *l1_entry((unsigned long)data_va);
    if ( map_foreign(data_va, g->mfn[PG_DATA], g->id,
                     PTE_P | PTE_RW | PTE_A | PTE_D) )
        return false;
    g->data = data_va;

    memset(&c, 0, sizeof(c));
    c.flags = VGCF_in_kernel | VGCF_online;
    c.user_regs.cs = FLAT_KERNEL_CS;
    c.user_regs.ss = FLAT_KERNEL_SS;
    c.user_regs.rip = DOMU_VA;
    c.user_regs.rsp = DOMU_VA + 3 * PAGE_SIZE;
    c.user_regs.rflags = 0x2;
    c.kernel_ss = FLAT_KERNEL_SS;
    c.kernel_sp = DOMU_VA + 3 * PAGE_SIZE;
    c.event_callback_eip = DOMU_VA + (domu_code_end - domu_code) - 2;
    c.failsafe_callback_eip = c.event_callback_eip;
    c.ctrlreg[3] = (unsigned long)g->mfn[PG_L4] << 12;
    domctl_init(&op, XEN_DOMCTL_setvcpucontext, g->id);
    set_xen_guest_handle(op.u.vcpucontext.ctxt, &c);
    return domctl(&op) == 0;
}

static void unmap_data(struct domu *g)
{
    if ( g->data )
        restore((void *)g->data, g->data_pte);
    g->data = NULL;
}

static uint64_t cpu_time(domid_t id)
{
    struct xen_domctl_getdomaininfo info;

    return dom_getinfo(id, &info) || info.domain != id ? 0 : info.cpu_time;
}

/*
 * How long Dom0 computes without yielding while others spin. Long enough
 * that a stall of the host (whose time is charged to whoever runs) does
 * not decide the shares.
 */
#define WINDOW_NS 600000000ULL

/* Dom0 computes for a while without yielding: the DomU must get turns. */
static void check_sharing(struct domu *g)
{
    uint64_t c0 = g->data[0], d0 = cpu_time(0), u0 = cpu_time(g->id);
    uint64_t end = system_time_ns() + WINDOW_NS, d, u;
    volatile uint64_t spin = 0;

    while ( system_time_ns() < end )
        spin++;
    d = cpu_time(0) - d0;
    u = cpu_time(g->id) - u0;
    test_check(g->data[0] > c0,
               "the DomU counted while Dom0 computed "
               "(%lu -> %lu)",
               (unsigned long)c0, (unsigned long)g->data[0]);
    test_check(d * 100 >= (d + u) * 15 && u * 100 >= (d + u) * 15,
               "CPU time over 600 ms: Dom0 %lu us, DomU %lu us",
               (unsigned long)(d / 1000), (unsigned long)(u / 1000));
}

/* Has the DomU's counter moved within ms (a loaded host is slow)? */
static bool counts_within(const struct domu *g, unsigned int ms)
{
    uint64_t c = g->data[0];

    for ( unsigned int i = 0; i < ms && g->data[0] == c; i++ )
        sleep_ms(1);
    return g->data[0] != c;
}

/* Two DomUs spinning beside a computing Dom0: three fair shares. */
static void check_sharing_three(struct domu *g)
{
    struct domu h = {0};
    uint64_t t0[3], t[3], end, total = 0;
    volatile uint64_t spin = 0;
    domid_t ids[3] = {0, g->id, 0};
    unsigned int i;
    bool fair = true;

    if ( !build(&h, SHUTDOWN_poweroff, false) ||
         domctl_simple(XEN_DOMCTL_unpausedomain, h.id) ||
         !counts_within(&h, 1000) )
    {
        test_fail("cannot start a second spinning DomU");
        return;
    }
    ids[2] = h.id;
    for ( i = 0; i < 3; i++ )
        t0[i] = cpu_time(ids[i]);
    end = system_time_ns() + WINDOW_NS;
    while ( system_time_ns() < end )
        spin++;
    for ( i = 0; i < 3; i++ )
    {
        t[i] = cpu_time(ids[i]) - t0[i];
        total += t[i];
    }
    /*
     * Equal shares of one CPU are a third each, more on two CPUs; a
     * tenth at least, whoever the host's stalls were charged to.
     */
    for ( i = 0; i < 3; i++ )
        fair &= t[i] * 10 >= total;
    test_check(fair, "Dom0, d%u and d%u: %lu, %lu, %lu us of CPU", g->id, h.id,
               (unsigned long)(t[0] / 1000), (unsigned long)(t[1] / 1000),
               (unsigned long)(t[2] / 1000));
    unmap_data(&h);
    test_rc(domctl_simple(XEN_DOMCTL_destroydomain, h.id), 0,
            "destroy the second DomU while it spins");
    test_check(dom_wait_gone(h.id), "it is gone");
}

static void check_pause(struct domu *g)
{
    struct xen_domctl_getdomaininfo info;
    uint64_t c;

    test_rc(domctl_simple(XEN_DOMCTL_pausedomain, g->id), 0,
            "pause the running DomU");
    c = g->data[0];
    sleep_ms(30);
    test_check(g->data[0] == c, "its counter stands still (%lu, %lu)",
               (unsigned long)c, (unsigned long)g->data[0]);
    dom_getinfo(g->id, &info);
    test_check((info.flags & XEN_DOMINF_paused) &&
                   !(info.flags & XEN_DOMINF_running),
               "paused, not running (%#x)", info.flags);
    test_rc(domctl_simple(XEN_DOMCTL_unpausedomain, g->id), 0, "unpause it");
    test_check(counts_within(g, 1000), "it counts again");
}

/* The DomU ends itself: Dom0 hears of it and sees why. */
static void check_shutdown(void)
{
    struct xen_domctl_getdomaininfo info;
    struct domu g = {0};
    unsigned int i;

    if ( !build(&g, SHUTDOWN_reboot, false) ||
         domctl_simple(XEN_DOMCTL_unpausedomain, g.id) )
    {
        test_fail("cannot build and start a second DomU");
        return;
    }
    dom_exc_seen();
    g.data[1] = 1;
    for ( i = 0; i < 1000; i++ )
    {
        dom_getinfo(g.id, &info);
        if ( info.flags & XEN_DOMINF_shutdown )
            break;
        sleep_ms(2);
    }
    test_check(info.flags & XEN_DOMINF_shutdown, "d%u shut down (%#x)", g.id,
               info.flags);
    test_check(((info.flags >> XEN_DOMINF_shutdownshift) &
                XEN_DOMINF_shutdownmask) == SHUTDOWN_reboot,
               "with the reason it gave: reboot");
    test_check(dom_exc_wait(1000), "VIRQ_DOM_EXC told Dom0");
    unmap_data(&g);
    test_rc(domctl_simple(XEN_DOMCTL_destroydomain, g.id), 0,
            "destroy the shut-down DomU");
    test_check(dom_wait_gone(g.id), "it is gone");
}

/* Settled free pages as expected (the count printed is the one checked). */
static void check_free_pages(uint64_t before)
{
    uint64_t now = host_settled_free_pages(before);

    test_check(now == before, "free pages back exactly (%lu, %lu)",
               (unsigned long)now, (unsigned long)before);
}

/* Dom0's own grant table, mapped here (Dom0 grants to the DomUs). */
static grant_entry_v1_t *dom0_grants(void)
{
    static grant_entry_v1_t *gt;
    struct gnttab_setup_table st = {.dom = DOMID_SELF, .nr_frames = 1};
    xen_pfn_t frame = 0;

    if ( gt )
        return gt;
    set_xen_guest_handle(st.frame_list, &frame);
    if ( hypercall_grant_table_op(GNTTABOP_setup_table, &st, 1) || st.status )
        test_error("no grant table for Dom0 (%d)", st.status);
    gt = alloc_page();
    if ( map_mfn((unsigned long)gt, frame, PTE_P | PTE_RW | PTE_A | PTE_D) )
        test_error("cannot map Dom0's grant frame");
    return gt;
}

#define GRANT_REF 8

/*
 * The DomU maps a page Dom0 granted it and holds the mapping when Dom0
 * destroys it: the kill releases the mapping, so the domain goes at
 * once, Dom0's grant entry is no longer in use and can be ended, and
 * nothing of the page's references is left.
 */
static void check_kill_with_grant_mapped(uint64_t before)
{
    grant_entry_v1_t *gt = dom0_grants();
    static uint64_t *page;
    struct gnttab_map_grant_ref op = {.host_addr = DOMU_REQS_VA,
                                      .flags = GNTMAP_host_map,
                                      .ref = GRANT_REF,
                                      .dom = 0,
                                      .status = 99};
    const struct gnttab_map_grant_ref *done;
    struct domu g = {.call = {__HYPERVISOR_grant_table_op,
                              GNTTABOP_map_grant_ref,
                              DOMU_VA + PAGE_SIZE + DOMU_ARG, 1},
                     .arg = &op,
                     .arg_len = sizeof(op)};
    domid_t id;
    unsigned int i;

    if ( !page )
        page = alloc_page();
    page[0] = 0x6772616e74UL;
    if ( !build(&g, SHUTDOWN_poweroff, false) )
    {
        test_fail("cannot build a DomU to map a grant");
        return;
    }
    gt[GRANT_REF].domid = g.id;
    gt[GRANT_REF].frame = (uint32_t)virt_to_mfn(page);
    barrier();
    gt[GRANT_REF].flags = GTF_permit_access;
    test_rc(domctl_simple(XEN_DOMCTL_unpausedomain, g.id), 0, "start d%u",
            g.id);
    for ( i = 0; i < 1000 && !g.data[D_CALLS]; i++ )
        sleep_ms(1);
    done = (const void *)((const char *)g.data + DOMU_ARG);
    test_check(
        g.data[D_CALLS] == 1 && !g.data[D_RESULT] && done->status == GNTST_okay,
        "d%u mapped Dom0's grant (calls %lu, rc %ld, status %d)", g.id,
        (unsigned long)g.data[D_CALLS], (long)g.data[D_RESULT], done->status);
    test_check(gt[GRANT_REF].flags ==
                   (GTF_permit_access | GTF_reading | GTF_writing),
               "Dom0's entry is in use (%#x)", gt[GRANT_REF].flags);
    test_check(counts_within(&g, 1000), "d%u runs on, holding the mapping",
               g.id);

    unmap_data(&g);
    test_rc(domctl_simple(XEN_DOMCTL_destroydomain, g.id), 0,
            "destroy d%u while it maps Dom0's page", g.id);
    test_check(dom_wait_gone(g.id), "it is gone: its mapping went with it");
    test_check(gt[GRANT_REF].flags == GTF_permit_access,
               "Dom0's entry is no longer read or written (%#x)",
               gt[GRANT_REF].flags);
    test_check(__sync_bool_compare_and_swap(&gt[GRANT_REF].flags,
                                            GTF_permit_access, 0) &&
                   gt[GRANT_REF].flags == 0,
               "Dom0 ends the grant");
    test_check(page[0] == 0x6772616e74UL, "the page is Dom0's, unchanged");
    test_check(no_writable_refs(page), "no reference to the granted page "
                                       "is left");
    check_free_pages(before);
    test_rc(dom_create(g.id, 1, &id), 0, "d%u can be made again", g.id);
    test_check(id == g.id, "with the same id (d%u)", id);
    test_rc(domctl_simple(XEN_DOMCTL_destroydomain, id), 0, "destroy it");
    test_check(dom_wait_gone(id), "gone again");
}

/* SCHEDOP_poll waits only on ports in use: a free one is refused. */
static void check_poll_free_port(void)
{
    evtchn_port_t ports[2] = {0, 1000};
    struct sched_poll p = {.nr_ports = 1};

    for ( unsigned int i = 0; i < 2; i++ )
    {
        set_xen_guest_handle(p.ports, &ports[i]);
        p.timeout = system_time_ns() + 1000000;
        test_rc(hypercall_sched_op(SCHEDOP_poll, &p), -XEN_EINVAL,
                "SCHEDOP_poll on port %u, not in use", ports[i]);
    }
}

/*
 * The reverse: Dom0 maps a page a DomU granted it and still holds the
 * mapping when it destroys the DomU. As in Xen, the page stays alive and
 * the DomU lingers as a dying domain until Dom0 unmaps it.
 */
/*
 * Dom0 maps and unmaps a grant of its own once: the hypervisor keeps what
 * it allocates for Dom0's first grant mapping (its maptrack) until Dom0
 * dies. Then the host's settled free pages are the new baseline.
 */
static uint64_t dom0_maptrack_warm_up(void *va, uint64_t before)
{
    grant_entry_v1_t *gt = dom0_grants();
    static uint64_t *page;
    struct gnttab_map_grant_ref op = {.host_addr = (unsigned long)va,
                                      .flags = GNTMAP_host_map,
                                      .ref = GRANT_REF + 1,
                                      .dom = 0};
    struct gnttab_unmap_grant_ref un = {.host_addr = (unsigned long)va};

    if ( !page )
        page = alloc_page();
    /* The last domain's frees done first (Xen ends them late). */
    host_settled_free_pages(before);
    gt[GRANT_REF + 1].domid = 0;
    gt[GRANT_REF + 1].frame = (uint32_t)virt_to_mfn(page);
    barrier();
    gt[GRANT_REF + 1].flags = GTF_permit_access;
    if ( hypercall_grant_table_op(GNTTABOP_map_grant_ref, &op, 1) || op.status )
        test_error("Dom0 cannot map its own grant (%d)", op.status);
    un.handle = op.handle;
    if ( hypercall_grant_table_op(GNTTABOP_unmap_grant_ref, &un, 1) ||
         un.status )
        test_error("Dom0 cannot unmap its own grant (%d)", un.status);
    mmuext_simple(MMUEXT_INVLPG_LOCAL, (unsigned long)va);
    if ( set_page_rw(va, true) )
        test_error("cannot map %p back", va);
    gt[GRANT_REF + 1].flags = 0;
    return host_settled_free_pages(0);
}

static void check_kill_with_grant_of_domu_mapped(uint64_t *before)
{
    static void *window, *va;
    struct gnttab_setup_table st = {.nr_frames = 1};
    struct gnttab_map_grant_ref op = {
        .flags = GNTMAP_host_map, .ref = GRANT_REF, .status = 99};
    struct gnttab_unmap_grant_ref un = {.status = 99};
    struct xen_domctl_getdomaininfo info;
    grant_entry_v1_t *gt;
    xen_pfn_t frame = 0;
    struct domu g = {0};
    uint64_t old;
    long rc;

    if ( !window )
    {
        window = alloc_page();
        va = alloc_page();
    }
    {
        uint64_t now = dom0_maptrack_warm_up(va, *before);

        test_note("Dom0's first grant mapping kept %ld pages",
                  (long)(*before - now));
        *before = now;
    }
    if ( !build(&g, SHUTDOWN_poweroff, false) ||
         domctl_simple(XEN_DOMCTL_unpausedomain, g.id) )
    {
        test_fail("cannot start a DomU to grant Dom0 a page");
        return;
    }
    /* Its grant table, filled in here as a builder seeds one. */
    st.dom = g.id;
    set_xen_guest_handle(st.frame_list, &frame);
    rc = hypercall_grant_table_op(GNTTABOP_setup_table, &st, 1);
    test_check(!rc && st.status == GNTST_okay,
               "d%u's grant frame: %#lx (rc %ld, status %d)", g.id,
               (unsigned long)frame, rc, st.status);
    old = *l1_entry((unsigned long)window);
    if ( map_foreign(window, frame, g.id, PTE_P | PTE_RW | PTE_A | PTE_D) )
        test_error("cannot map d%u's grant frame", g.id);
    gt = window;
    gt[GRANT_REF].domid = 0;
    gt[GRANT_REF].frame = (uint32_t)g.mfn[PG_STACK];
    barrier();
    gt[GRANT_REF].flags = GTF_permit_access;
    restore(window, old);

    op.host_addr = (unsigned long)va;
    op.dom = g.id;
    rc = hypercall_grant_table_op(GNTTABOP_map_grant_ref, &op, 1);
    mmuext_simple(MMUEXT_INVLPG_LOCAL, (unsigned long)va);
    test_check(!rc && op.status == GNTST_okay,
               "Dom0 maps d%u's grant (rc %ld, status %d)", g.id, rc,
               op.status);
    *(volatile uint64_t *)va = 0x6772616e74UL;

    unmap_data(&g);
    test_rc(domctl_simple(XEN_DOMCTL_destroydomain, g.id), 0,
            "destroy d%u while Dom0 maps its grant", g.id);
    sleep_ms(20);
    rc = dom_getinfo(g.id, &info);
    test_check(!rc && info.domain == g.id && (info.flags & XEN_DOMINF_dying),
               "it lingers, dying (rc %ld, flags %#x, %lu pages)", rc,
               info.flags, (unsigned long)info.tot_pages);
    test_check(*(volatile uint64_t *)va == 0x6772616e74UL,
               "the granted page still reads");
    un.host_addr = (unsigned long)va;
    un.handle = op.handle;
    rc = hypercall_grant_table_op(GNTTABOP_unmap_grant_ref, &un, 1);
    mmuext_simple(MMUEXT_INVLPG_LOCAL, (unsigned long)va);
    test_check(!rc && un.status == GNTST_okay,
               "Dom0 unmaps it (rc %ld, status %d)", rc, un.status);
    if ( set_page_rw(va, true) )
        test_error("cannot map %p back", va);
    test_check(dom_wait_gone(g.id), "then d%u is gone", g.id);
    check_free_pages(*before);
}

/*
 * The DomU is inside a hypercall when Dom0 destroys it: blocked in
 * SCHEDOP_poll on an unbound port nothing signals, or in long mmu_update batches
 * that are preempted and continued, on the other CPU with -smp 2. The
 * kill ends it there and takes everything; the hypervisor then builds
 * and runs another DomU as before.
 */
static void check_kill_in_hypercall(uint64_t before, bool smp)
{
    static const struct {
        struct sched_poll poll;
        evtchn_port_t port;
    } poll = {.poll = {.nr_ports = 1, .timeout = 0}};
    struct sched_poll *p;
    struct evtchn_alloc_unbound au = {.remote_dom = 0};
    struct domu g = {.call = {__HYPERVISOR_sched_op, SCHEDOP_poll,
                              DOMU_VA + PAGE_SIZE + DOMU_ARG}};
    struct domu m = {.call = {__HYPERVISOR_mmu_update, DOMU_REQS_VA,
                              (512 - 3) * 256, 0, DOMID_SELF},
                     .repeat = true,
                     .reqs = true};
    struct domu h = {0};
    struct xen_domctl op;
    static struct vcpu_guest_context c;
    uint64_t calls;
    unsigned int i;
    long rc;

    /* The port array's address, as the DomU sees it, in its data page. */
    static uint8_t arg[sizeof(poll)];
    memcpy(arg, &poll, sizeof(poll));
    p = (void *)arg;
    set_xen_guest_handle(p->ports,
                         (evtchn_port_t *)(DOMU_VA + PAGE_SIZE + DOMU_ARG +
                                           offsetof(typeof(poll), port)));
    g.arg = arg;
    g.arg_len = sizeof(arg);
    check_poll_free_port();
    if ( !build(&g, SHUTDOWN_poweroff, smp) )
    {
        test_fail("cannot build a DomU that polls");
        return;
    }
    au.dom = g.id;
    rc = hypercall_event_channel_op(EVTCHNOP_alloc_unbound, &au);
    test_rc(rc, 0, "port %u of d%u, unbound for Dom0", au.port, g.id);
    /* The port to poll, in the DomU's data page. */
    *(volatile evtchn_port_t *)((uintptr_t)g.data + DOMU_ARG +
                                offsetof(typeof(poll), port)) = au.port;
    if ( domctl_simple(XEN_DOMCTL_unpausedomain, g.id) )
    {
        test_fail("cannot start a DomU that polls");
        return;
    }
    domctl_init(&op, XEN_DOMCTL_getvcpuinfo, g.id);
    for ( i = 0; i < 1000; i++ )
    {
        if ( !domctl(&op) && op.u.getvcpuinfo.blocked )
            break;
        sleep_ms(1);
    }
    test_check(op.u.getvcpuinfo.blocked && !g.data[D_CALLS],
               "d%u is blocked in SCHEDOP_poll on CPU %u (calls %lu)", g.id,
               op.u.getvcpuinfo.cpu, (unsigned long)g.data[D_CALLS]);
    unmap_data(&g);
    test_rc(domctl_simple(XEN_DOMCTL_destroydomain, g.id), 0,
            "destroy it there");
    test_check(dom_wait_gone(g.id), "it is gone");
    check_free_pages(before);

    if ( !build(&m, SHUTDOWN_poweroff, smp) ||
         domctl_simple(XEN_DOMCTL_unpausedomain, m.id) )
    {
        test_fail("cannot start a DomU that updates its M2P");
        return;
    }
    for ( i = 0; i < 5000 && m.data[D_CALLS] < 2; i++ )
        sleep_ms(1);
    calls = m.data[D_CALLS];
    test_check(calls >= 2 && !m.data[D_RESULT],
               "d%u's batches of %u updates complete (%lu, rc %ld)", m.id,
               (512 - 3) * 256, (unsigned long)calls, (long)m.data[D_RESULT]);
    test_note("Dom0 on CPU %u, d%u on CPU %u", vcpu0_cpu(0), m.id,
              vcpu0_cpu(m.id));
    /* Caught while it runs, it is inside the batch, to be continued. */
    domctl_simple(XEN_DOMCTL_pausedomain, m.id);
    domctl_init(&op, XEN_DOMCTL_getvcpucontext, m.id);
    set_xen_guest_handle(op.u.vcpucontext.ctxt, &c);
    c.user_regs.rip = 0;
    rc = domctl(&op);
    test_check(!rc && c.user_regs.rip == DOMU_VA + (domu_call - domu_code),
               "paused, it is at its hypercall (rc %ld, rip %#lx)", rc,
               (unsigned long)c.user_regs.rip);
    domctl_simple(XEN_DOMCTL_unpausedomain, m.id);
    sleep_ms(5);
    unmap_data(&m);
    test_rc(domctl_simple(XEN_DOMCTL_destroydomain, m.id), 0,
            "destroy d%u amid its batches", m.id);
    test_check(dom_wait_gone(m.id), "it is gone");
    check_free_pages(before);

    if ( !build(&h, SHUTDOWN_poweroff, smp) ||
         domctl_simple(XEN_DOMCTL_unpausedomain, h.id) )
    {
        test_fail("cannot build a DomU after the kills");
        return;
    }
    test_check(counts_within(&h, 1000), "a new DomU, d%u, runs", h.id);
    unmap_data(&h);
    test_rc(domctl_simple(XEN_DOMCTL_destroydomain, h.id), 0, "destroy it");
    test_check(dom_wait_gone(h.id), "it is gone");
}

void test_main(void)
{
    struct xen_domctl_getdomaininfo info;
    struct domu g = {0};
    uint64_t before;

    struct xen_sysctl s;
    bool smp;

    dom_exc_init();
    sysctl_init(&s, XEN_SYSCTL_physinfo);
    smp = !sysctl(&s) && s.u.physinfo.nr_cpus > 1;
    /*
     * Xen keeps a few structures from the first domain made and run (on
     * each CPU): warm up with one that runs a little.
     */
    if ( !build(&g, SHUTDOWN_poweroff, smp) ||
         domctl_simple(XEN_DOMCTL_unpausedomain, g.id) )
        test_error("cannot build a DomU");
    sleep_ms(20);
    unmap_data(&g);
    if ( domctl_simple(XEN_DOMCTL_destroydomain, g.id) || !dom_wait_gone(g.id) )
        test_error("cannot destroy a DomU that never ran");
    before = host_settled_free_pages(0);

    test_check(build(&g, SHUTDOWN_poweroff, smp), "built d%u", g.id);
    test_note("Dom0 on CPU %u, d%u on CPU %u", vcpu0_cpu(0), g.id,
              vcpu0_cpu(g.id));
    test_rc(domctl_simple(XEN_DOMCTL_unpausedomain, g.id), 0, "start d%u",
            g.id);
    test_check(counts_within(&g, 1000), "it runs: counter %lu",
               (unsigned long)g.data[0]);
    test_rc((long)g.data[3], -XEN_EPERM, "the DomU's domctl");
    test_rc((long)g.data[4], -XEN_EPERM, "the DomU's sysctl");
    /* Xen's answer for a domain one may not name: no extents done. */
    test_rc((long)g.data[5], 0, "the DomU's populate_physmap for Dom0");
    check_sharing(&g);
    check_sharing_three(&g);
    check_pause(&g);

    /* Destroyed while it runs, and while Dom0 still maps its data page. */
    dom_exc_seen();
    test_rc(domctl_simple(XEN_DOMCTL_destroydomain, g.id), 0,
            "destroy the running DomU");
    test_check(dom_exc_seen(), "VIRQ_DOM_EXC for the kill");
    test_rc(dom_getinfo(g.id, &info), 0, "it is still listed");
    test_check(info.domain == g.id && (info.flags & XEN_DOMINF_dying) &&
                   info.tot_pages == 1,
               "dying, holding the one page Dom0 maps (%#x, %lu pages)",
               info.flags, (unsigned long)info.tot_pages);
    {
        uint64_t c = g.data[0];

        sleep_ms(20);
        test_check(g.data[0] == c, "its page still reads, and nothing runs");
    }
    unmap_data(&g);
    test_check(dom_wait_gone(g.id), "gone once Dom0 unmapped it");
    test_check(dom_exc_wait(1000), "VIRQ_DOM_EXC for its end");
    check_free_pages(before);

    check_shutdown();
    check_kill_with_grant_mapped(before);
    check_kill_with_grant_of_domu_mapped(&before);
    check_kill_in_hypercall(before, smp);
}
