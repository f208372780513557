/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Dom0 builds, runs and destroys a DomU from the boot module (this same
 * kernel), the way a toolstack does; the DomU checks its side and reports
 * through its console ring.
 */
#define __XEN_TOOLS__ 1          /* domctl.h and sysctl.h are the toolstack's */
#undef __XEN_INTERFACE_VERSION__ /* which then gives the latest */
#include <xenia/pv_image.h>
#undef PAGE_SIZE
#undef PAGE_SHIFT
#undef PAGE_MASK
#include "guest.h"
#include <xen/domctl.h>
#include <xen/sysctl.h>
#include <xen/features.h>
#include <xen/io/console.h>

#define STR(x) #x
#define XSTR(x) STR(x)

const char test_title[] = "domains: Dom0 builds, runs and destroys a DomU "
                          "(foreign memory, memory_op, event channels)";

/*
 * The DomU: 8 MiB populated, 1 MiB more allowed (libxl's slack). Its
 * start-of-day region is mapped in Dom0 at WIN_VA through three L1 tables
 * of our own; slots past the region serve single-page foreign maps.
 */
#define DOMU_PAGES   2048UL
#define DOMU_SLACK   256UL
#define DOMU_MAXKB   ((DOMU_PAGES + DOMU_SLACK) * 4)
#define WIN_VA       0xffffffffa0000000UL /* L2 slot 256 of the boot L2 */
#define WIN_L1S      3
#define WIN_PAGES    (WIN_L1S * 512UL)
#define SCRATCH_SLOT (WIN_PAGES - 8) /* a few single-page maps */
#define MAP_FLAGS    (PTE_P | PTE_RW | PTE_A | PTE_D)
/* More grant frames than one batch of acquire_resource (32) returns. */
#define DOMU_GNT_FRAMES 40

static inline long hypercall_domctl(struct xen_domctl *d)
{
    d->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    return HC(__HYPERVISOR_domctl, d, 0, 0, 0, 0);
}

static inline long hypercall_sysctl(struct xen_sysctl *s)
{
    s->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    return HC(__HYPERVISOR_sysctl, s, 0, 0, 0, 0);
}

static long evtchn_op(int cmd, void *arg)
{
    return hypercall_event_channel_op(cmd, arg);
}

static long reservation(unsigned int op, domid_t dom, xen_pfn_t *list,
                        unsigned long n)
{
    struct xen_memory_reservation r = {.nr_extents = n, .domid = dom};

    set_xen_guest_handle(r.extent_start, list);
    return hypercall_memory_op(op, &r);
}

static long mem_query(unsigned int op, domid_t dom)
{
    struct xen_memory_domain d = {.domid = dom};

    return hypercall_memory_op(op, &d);
}

static long evtchn_status(domid_t dom, evtchn_port_t port,
                          struct evtchn_status *st)
{
    memset(st, 0, sizeof(*st));
    st->dom = dom;
    st->port = port;
    return evtchn_op(EVTCHNOP_status, st);
}

static long acquire_grant_frames(domid_t dom, unsigned int id,
                                 unsigned long frame, unsigned int nr,
                                 xen_pfn_t *list, unsigned int *nr_out)
{
    xen_mem_acquire_resource_t a = {
        .domid = dom,
        .type = XENMEM_resource_grant_table,
        .id = id,
        .nr_frames = nr,
        .frame = frame,
    };
    long rc;

    if ( list )
        set_xen_guest_handle(a.frame_list, list);
    rc = hypercall_memory_op(XENMEM_acquire_resource, &a);
    if ( nr_out )
        *nr_out = a.nr_frames;
    return rc;
}

/* An E820 entry as XENMEM_memory_map/set_memory_map carry them. */
struct e820entry {
    uint64_t addr, size;
    uint32_t type;
} __attribute__((packed));
#define E820_RAM 1

/* ======================= the DomU's side ======================= */

static unsigned long arg_value(const char *name)
{
    const char *p = strstr((const char *)start_info->cmd_line, name);
    unsigned long v = 0;

    if ( !p )
        return 0;
    for ( p += strlen(name); *p >= '0' && *p <= '9'; p++ )
        v = v * 10 + (unsigned long)(*p - '0');
    return v;
}

static void domu_start_info(void)
{
    unsigned long pages = arg_value("pages=");

    test_check(!(start_info->flags & (SIF_PRIVILEGED | SIF_INITDOMAIN)),
               "start_info: neither privileged nor initial domain (flags "
               "%#x)",
               start_info->flags);
    test_check(start_info->nr_pages == pages, "start_info: %lu pages",
               start_info->nr_pages);
    test_check(start_info->store_evtchn && start_info->console.domU.evtchn &&
                   start_info->store_evtchn != start_info->console.domU.evtchn,
               "start_info: xenstore port %u, console port %u",
               start_info->store_evtchn, start_info->console.domU.evtchn);
    /* The builder's pages, found through the M2P populate_physmap set. */
    test_check(mfn_to_virt(start_info->store_mfn) &&
                   mfn_to_virt(start_info->console.domU.mfn),
               "store and console pages are ours, found through the M2P");
}

static void domu_memory(void)
{
    static struct e820entry e820[4];
    struct xen_memory_map map = {.nr_entries = ARRAY_SIZE(e820)};
    unsigned long maxkb = arg_value("maxkb=");
    long rc;

    set_xen_guest_handle(map.buffer, e820);
    rc = hypercall_memory_op(XENMEM_memory_map, &map);
    test_check(!rc && map.nr_entries == 1 && e820[0].addr == 0 &&
                   e820[0].size == maxkb * 1024 && e820[0].type == E820_RAM,
               "XENMEM_memory_map: the E820 Dom0 set (rc %ld, %u entries, "
               "RAM [0, %#lx))",
               rc, map.nr_entries, (unsigned long)e820[0].size);
    test_rc(mem_query(XENMEM_current_reservation, DOMID_SELF),
            (long)start_info->nr_pages, "current_reservation");
    test_rc(mem_query(XENMEM_maximum_reservation, DOMID_SELF),
            (long)(maxkb / 4), "maximum_reservation: max_mem from Dom0");
}

/* Nothing privileged, nothing of Dom0's. */
static void domu_refusals(void)
{
    static struct xen_domctl dc;
    static struct xen_sysctl sc;
    struct evtchn_alloc_unbound au = {.dom = 0, .remote_dom = DOMID_SELF};
    struct evtchn_status st;
    struct mmuext_op op = {.cmd = MMUEXT_PIN_L1_TABLE};
    struct xen_foreign_memory_map fm = {.domid = 0};
    xen_pfn_t frame = 0;
    mmu_update_t req;
    unsigned int done = 99;
    uint64_t *l1e;

    memset(&dc, 0, sizeof(dc));
    dc.cmd = XEN_DOMCTL_getdomaininfo;
    dc.domain = 0;
    test_rc(hypercall_domctl(&dc), -XEN_EPERM, "domctl getdomaininfo(0)");
    dc.cmd = XEN_DOMCTL_destroydomain;
    test_rc(hypercall_domctl(&dc), -XEN_EPERM, "domctl destroydomain(0)");
    memset(&sc, 0, sizeof(sc));
    sc.cmd = XEN_SYSCTL_physinfo;
    test_rc(hypercall_sysctl(&sc), -XEN_EPERM, "sysctl physinfo");
    test_rc(mem_query(XENMEM_current_reservation, 0), -XEN_EPERM,
            "current_reservation of Dom0");
    test_rc(reservation(XENMEM_populate_physmap, 0, &frame, 1), 0,
            "populate_physmap for Dom0: nothing done");
    test_rc(hypercall_memory_op(XENMEM_set_memory_map, &fm), -XEN_EPERM,
            "set_memory_map of Dom0");
    test_rc(acquire_grant_frames(0, XENMEM_resource_grant_table_id_shared, 0, 1,
                                 &frame, NULL),
            -XEN_EPERM, "acquire_resource of Dom0's grant table");
    test_rc(evtchn_op(EVTCHNOP_alloc_unbound, &au), -XEN_EPERM,
            "alloc_unbound in Dom0's table");
    test_rc(evtchn_status(0, 1, &st), -XEN_EPERM, "status of Dom0's port 1");
    op.arg1.mfn = virt_to_mfn(alloc_page());
    test_rc(hypercall_mmuext_op(&op, 1, NULL, 0), -XEN_EPERM,
            "mmuext_op with Dom0 as the foreign domain");
    /* Map frame 0x100 (some frame not ours) as if Dom0's. */
    l1e = l1_entry((unsigned long)alloc_page());
    req.ptr = virt_to_maddr(l1e);
    req.val = (0x100UL << 12) | MAP_FLAGS;
    test_rc(hypercall_mmu_update(&req, 1, &done, 0), -XEN_EPERM,
            "mmu_update with Dom0 as the foreign domain");
    test_check(done == 0, "  no entry done (%u)", done);
}

/*
 * A hostile DomU: Dom0's memory and ports stay out of reach beyond what
 * was offered. Dom0 names one of its frames on our command line.
 */
static void domu_hostile(void)
{
    static uint8_t page_va[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
    unsigned long dom0_mfn = arg_value("dom0mfn=");
    unsigned long va = (unsigned long)page_va;
    struct gnttab_map_grant_ref map = {
        .host_addr = va, .flags = GNTMAP_host_map, .ref = 8, .dom = 0};
    struct gnttab_copy copy = {.len = 8, .flags = GNTCOPY_source_gref};
    struct gnttab_setup_table st = {.dom = 0, .nr_frames = 1};
    struct evtchn_bind_interdomain bi = {.remote_dom = 0, .remote_port = 1};
    struct xen_memory_map mm = {.nr_entries = 0};
    xen_pfn_t frame = dom0_mfn;
    mmu_update_t req;
    unsigned int done = 99;

    test_check(dom0_mfn != 0, "Dom0 named its frame %#lx", dom0_mfn);
    test_rc(map_mfn(va, dom0_mfn, PTE_P | PTE_A), -XEN_EBUSY,
            "mapping Dom0's frame read-only");
    test_rc(map_mfn(va, dom0_mfn, MAP_FLAGS), -XEN_EBUSY,
            "mapping Dom0's frame writable");
    req.ptr = virt_to_maddr(l1_entry(va));
    req.val = ((uint64_t)dom0_mfn << 12) | PTE_P | PTE_A;
    test_rc(hypercall_mmu_update(&req, 1, &done, DOMID_SELF), -XEN_EBUSY,
            "mmu_update of Dom0's frame as ours");
    test_rc(hypercall_mmu_update(&req, 1, &done, DOMID_FIRST_RESERVED - 2),
            -XEN_ESRCH, "mmu_update naming a domain that does not exist");
    test_rc(reservation(XENMEM_decrease_reservation, DOMID_SELF, &frame, 1), 0,
            "decrease_reservation of Dom0's frame: none");
    test_rc(hypercall_grant_table_op(GNTTABOP_map_grant_ref, &map, 1), 0,
            "grant map of a ref Dom0 never granted: call done");
    test_check(map.status == GNTST_general_error, "  refused (status %d)",
               map.status);
    copy.source.u.ref = 8;
    copy.source.domid = 0;
    copy.dest.u.gmfn = virt_to_mfn(page_va);
    copy.dest.domid = DOMID_SELF;
    test_rc(hypercall_grant_table_op(GNTTABOP_copy, &copy, 1), 0,
            "grant copy from a ref Dom0 never granted: call done");
    test_check(copy.status == GNTST_general_error, "  refused (status %d)",
               copy.status);
    copy.flags = 0;
    copy.source.u.gmfn = dom0_mfn;
    copy.status = 0;
    test_rc(hypercall_grant_table_op(GNTTABOP_copy, &copy, 1), 0,
            "grant copy from Dom0's frame by mfn: call done");
    test_check(copy.status == GNTST_permission_denied, "  refused (status %d)",
               copy.status);
    set_xen_guest_handle(st.frame_list, &frame);
    test_rc(hypercall_grant_table_op(GNTTABOP_setup_table, &st, 1), 0,
            "setup_table of Dom0's table: call done");
    test_check(st.status == GNTST_permission_denied,
               "  permission denied "
               "(status %d)",
               st.status);
    test_rc(evtchn_op(EVTCHNOP_bind_interdomain, &bi), -XEN_EINVAL,
            "bind_interdomain to a Dom0 port not offered to us");
    bi.remote_dom = DOMID_FIRST_RESERVED - 2;
    test_rc(evtchn_op(EVTCHNOP_bind_interdomain, &bi), -XEN_ESRCH,
            "bind_interdomain to a domain that does not exist");
    test_rc(evtchn_op(EVTCHNOP_send, &(struct evtchn_send){.port = 100}),
            -XEN_EINVAL, "send on a port we never bound");
    set_xen_guest_handle(mm.buffer, page_va);
    test_rc(hypercall_memory_op(XENMEM_machine_memory_map, &mm), -XEN_EPERM,
            "machine_memory_map");
}

/* Entries 0 and 1 of our grant table were seeded by the builder. */
static void domu_grants(void)
{
    static uint8_t gnt_va[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
    struct gnttab_setup_table st = {.dom = DOMID_SELF, .nr_frames = 1};
    xen_pfn_t frame = 0;
    grant_entry_v1_t *e = (grant_entry_v1_t *)gnt_va;
    long rc;

    set_xen_guest_handle(st.frame_list, &frame);
    rc = hypercall_grant_table_op(GNTTABOP_setup_table, &st, 1);
    test_check(!rc && st.status == GNTST_okay && frame,
               "setup_table: frame 0 is mfn %#lx", (unsigned long)frame);
    if ( rc || st.status || map_mfn((unsigned long)gnt_va, frame, MAP_FLAGS) )
        return;
    test_check(e[GNTTAB_RESERVED_CONSOLE].flags == GTF_permit_access &&
                   e[GNTTAB_RESERVED_CONSOLE].domid == 0 &&
                   e[GNTTAB_RESERVED_CONSOLE].frame ==
                       start_info->console.domU.mfn,
               "grant 0 (console) seeded for Dom0: flags %#x frame %#x",
               e[0].flags, e[0].frame);
    test_check(e[GNTTAB_RESERVED_XENSTORE].flags == GTF_permit_access &&
                   e[GNTTAB_RESERVED_XENSTORE].domid == 0 &&
                   e[GNTTAB_RESERVED_XENSTORE].frame == start_info->store_mfn,
               "grant 1 (xenstore) seeded for Dom0: flags %#x frame %#x",
               e[1].flags, e[1].frame);
}

/* Dom0 signals the xenstore port once it has bound it. */
static void domu_events(void)
{
    evtchn_port_t port = start_info->store_evtchn;
    uint64_t end = system_time_ns() + 5000000000ULL;
    struct evtchn_status st;

    while ( !event_count[port % 64] && !evtchn_is_pending(port) &&
            system_time_ns() < end )
    {
        struct sched_poll poll = {.nr_ports = 1,
                                  .timeout = system_time_ns() + 100000000ULL};

        set_xen_guest_handle(poll.ports, &port);
        hypercall_sched_op(SCHEDOP_poll, &poll);
    }
    test_check(event_count[port % 64] || evtchn_is_pending(port),
               "an event from Dom0 on the xenstore port");
    test_check(!evtchn_status(DOMID_SELF, port, &st) &&
                   st.status == EVTCHNSTAT_interdomain &&
                   st.u.interdomain.dom == 0,
               "xenstore port is interdomain to Dom0 (status %u)", st.status);
}

/*
 * HYPERVISOR_iret with its frame running from a mapped page into an
 * unmapped one: read word by word, it faults half-way (on the cs word),
 * and the domain must crash as for any frame that does not read.
 */
static void domu_bad_iret(void)
{
    static uint8_t pages[2 * PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
    unsigned long hole = (unsigned long)pages + PAGE_SIZE;

    test_rc(hypercall_update_va_mapping(hole, 0, UVMF_INVLPG), 0,
            "unmap a page of our own");
    test_note("HYPERVISOR_iret with its frame at %#lx, across into it: "
              "this DomU must now be crashed", hole - 40);
    asm volatile("mov %0, %%rsp\n\t"
                 "mov $" XSTR(__HYPERVISOR_iret) ", %%eax\n\t"
                 "syscall\n\t"
                 "ud2" ::"r"(hole - 40)
                 : "memory");
}

/* User mode's part in domu_bad_bounce(): a system call at once. */
void domu_user_syscall(void);
asm(".pushsection .text\n"
    "domu_user_syscall:\n\t"
    "syscall\n\t"
    "ud2\n\t"
    ".popsection");

/*
 * A system call from user mode whose bounce frame, on the stack_switch
 * stack, runs from a mapped page into an unmapped one: written word by
 * word, it faults half-way (on the rsp word), and the domain must crash
 * as for any bounce frame that does not write.
 */
static void domu_bad_bounce(void)
{
    static uint8_t pages[2 * PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
    static uint64_t ul4[512] __attribute__((aligned(PAGE_SIZE)));
    static struct user_ctx ctx;
    unsigned long hole = (unsigned long)pages + PAGE_SIZE;
    /* Dom0 still maps the start-of-day region: the L4 is a frame past it. */
    unsigned long l4_mfn = pfn_to_mfn(start_info->nr_pages - 1);
    const uint64_t *kl4 = mfn_to_virt(cur_l4_mfn);
    struct callback_register cb = {
        .type = CALLBACKTYPE_syscall,
        .address = (unsigned long)syscall_callback_entry,
    };

    test_rc(map_mfn((unsigned long)ul4, l4_mfn, PTE_P | PTE_RW | PTE_A | PTE_D),
            0, "map our last frame");
    memset(ul4, 0, PAGE_SIZE);
    ul4[511] = kl4[511]; /* the image, and domu_user_syscall in it */
    test_rc(map_mfn((unsigned long)ul4, l4_mfn, PTE_P | PTE_A), 0,
            "  read-only");
    test_rc(pin_table(4, l4_mfn), 0, "pin it as the user L4");
    test_rc(mmuext_simple(MMUEXT_NEW_USER_BASEPTR, l4_mfn), 0,
            "MMUEXT_NEW_USER_BASEPTR");
    test_rc(hypercall_callback_op(CALLBACKOP_register, &cb), 0,
            "register the syscall callback");
    test_rc(hypercall_stack_switch(FLAT_KERNEL_SS, hole + 16), 0,
            "stack_switch to 16 bytes above a page");
    test_rc(hypercall_update_va_mapping(hole, 0, UVMF_INVLPG), 0,
            "unmap that page");
    test_note("SYSCALL from user mode with the bounce frame at %#lx, across "
              "into it: this DomU must now be crashed", hole - 40);
    ctx.rip = (unsigned long)domu_user_syscall;
    ctx.usp = hole - PAGE_SIZE / 2;
    ctx.rflags = 0x2; /* events masked: no upcall bounce before it */
    user_enter(&ctx);
}

static void domu_main(void)
{
    test_note("running as DomU, %lu pages", start_info->nr_pages);
    if ( arg_value("badiret=") )
        domu_bad_iret();
    if ( arg_value("badbounce=") )
        domu_bad_bounce();
    domu_start_info();
    domu_memory();
    domu_grants();
    domu_events();
    domu_refusals();
    domu_hostile();
}

/* ======================= the Dom0 (builder) side ======================= */

static xen_pfn_t p2m[DOMU_PAGES + 512];
static uint64_t *win_l1[WIN_L1S];
static domid_t domid;
static unsigned long nr_mapped; /* region pages mapped at WIN_VA */

static uint64_t win_pte_maddr(unsigned long slot)
{
    return virt_to_maddr(&win_l1[slot / 512][slot % 512]);
}

static void *win_va(unsigned long slot)
{
    return (void *)(WIN_VA + slot * PAGE_SIZE);
}

/* Dom0's own L1s under WIN_VA, pinned and hooked into the boot L2. */
static void window_create(void)
{
    unsigned int i;
    uint64_t *l2e;
    long rc;

    for ( i = 0; i < WIN_L1S; i++ )
    {
        win_l1[i] = alloc_page();
        l2e = pt_entry(WIN_VA + i * (2UL << 20), 2);
        if ( !l2e || (*l2e & PTE_P) )
            test_error("no free L2 slot for the map window");
        rc = set_page_rw(win_l1[i], false);
        if ( !rc )
            rc = pin_table(1, virt_to_mfn(win_l1[i]));
        if ( !rc )
            rc = mmu_update_one(virt_to_maddr(l2e),
                                ((uint64_t)virt_to_mfn(win_l1[i]) << 12) |
                                    PTE_P | PTE_RW | PTE_US | PTE_A);
        if ( rc )
            test_error("map window L1 %u: %ld", i, rc);
    }
}

/* Unhook and unpin one window L1: what is still mapped through it goes too. */
static long window_drop_l1(unsigned int i)
{
    uint64_t *l2e = pt_entry(WIN_VA + i * (2UL << 20), 2);
    long rc = mmu_update_one(virt_to_maddr(l2e), 0);

    if ( !rc )
        rc = unpin_table(virt_to_mfn(win_l1[i]));
    hypercall_mmuext_op(&(struct mmuext_op){.cmd = MMUEXT_TLB_FLUSH_LOCAL}, 1,
                        NULL, DOMID_SELF);
    return rc;
}

/* The guest kernel runs in ring 3: invlpg is the hypervisor's to do. */
static void invlpg_local(const void *va)
{
    struct mmuext_op op = {.cmd = MMUEXT_INVLPG_LOCAL};

    op.arg1.linear_addr = (unsigned long)va;
    hypercall_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

/*
 * One foreign mapping into window slot `slot`; frames of domid. cmd:
 * MMU_NORMAL_PT_UPDATE, or MMU_PT_UPDATE_NO_TRANSLATE as privcmd maps
 * resources (the same for a PV domain).
 */
static long map_foreign_cmd(unsigned long slot, unsigned long mfn,
                            uint64_t flags, unsigned int cmd)
{
    mmu_update_t req = {.ptr = win_pte_maddr(slot) | cmd,
                        .val = ((uint64_t)mfn << 12) | flags};
    long rc = hypercall_mmu_update(&req, 1, NULL, domid);

    invlpg_local(win_va(slot));
    return rc;
}

static long map_foreign(unsigned long slot, unsigned long mfn, uint64_t flags)
{
    return map_foreign_cmd(slot, mfn, flags, MMU_NORMAL_PT_UPDATE);
}

static long unmap_slot(unsigned long slot)
{
    long rc = mmu_update_one(win_pte_maddr(slot), 0);

    invlpg_local(win_va(slot));
    return rc;
}

/*
 * Map pfns [0, n) of the DomU at the window, 16 entries per mmu_update
 * as Linux's privcmd does; every batch must complete.
 */
static bool map_region(unsigned long n)
{
    mmu_update_t req[16];
    unsigned long i, k;
    unsigned int done;
    long rc;

    for ( i = 0; i < n; i += k )
    {
        for ( k = 0; k < 16 && i + k < n; k++ )
        {
            req[k].ptr = win_pte_maddr(i + k);
            req[k].val = ((uint64_t)p2m[i + k] << 12) | MAP_FLAGS;
        }
        done = 0;
        rc = hypercall_mmu_update(req, k, &done, domid);
        if ( rc || done != k )
        {
            test_fail("mapping DomU pfns %lu..%lu: rc %ld, %u done", i,
                      i + k - 1, rc, done);
            return false;
        }
    }
    hypercall_mmuext_op(&(struct mmuext_op){.cmd = MMUEXT_TLB_FLUSH_LOCAL}, 1,
                        NULL, DOMID_SELF);
    nr_mapped = n;
    return true;
}

/* The builder's memory (pv_image.h's seam): the window, and our p2m. */
struct pv_build_mem {
    const xen_pfn_t *p2m;
};

void *pv_build_map_pfn(const struct pv_build_mem *m, unsigned long pfn)
{
    (void)m;
    if ( pfn >= nr_mapped )
        test_error("the builder asked for pfn %lu outside the region", pfn);
    return win_va(pfn);
}

uint64_t pv_build_pfn_to_mfn(const struct pv_build_mem *m, unsigned long pfn)
{
    return m->p2m[pfn];
}

static long getdomaininfo(domid_t id, struct xen_domctl_getdomaininfo *info)
{
    static struct xen_domctl d;
    long rc;

    memset(&d, 0, sizeof(d));
    d.cmd = XEN_DOMCTL_getdomaininfo;
    d.domain = id;
    rc = hypercall_domctl(&d);
    *info = d.u.getdomaininfo;
    /* Xen 4.17 answers with the first domain at or above id. */
    if ( !rc && info->domain != id )
        rc = -XEN_ESRCH;
    return rc;
}

static uint64_t free_pages(void)
{
    static struct xen_sysctl s;

    memset(&s, 0, sizeof(s));
    s.cmd = XEN_SYSCTL_physinfo;
    if ( hypercall_sysctl(&s) )
        test_error("sysctl physinfo failed");
    return s.u.physinfo.free_pages;
}

static long simple_domctl(uint32_t cmd)
{
    static struct xen_domctl d;

    memset(&d, 0, sizeof(d));
    d.cmd = cmd;
    d.domain = domid;
    return hypercall_domctl(&d);
}

static bool create_domain(void)
{
    static struct xen_domctl d;
    long rc;

    memset(&d, 0, sizeof(d));
    d.cmd = XEN_DOMCTL_createdomain;
    d.domain = DOMID_INVALID; /* any free id, as libxl asks */
    d.u.createdomain.max_vcpus = 1;
    d.u.createdomain.max_evtchn_port = 1023;
    d.u.createdomain.max_grant_frames = DOMU_GNT_FRAMES;
    d.u.createdomain.max_maptrack_frames = 128;
    d.u.createdomain.grant_opts = XEN_DOMCTL_GRANT_version(1);
    rc = hypercall_domctl(&d);
    if ( !test_check(!rc && d.domain && d.domain < DOMID_FIRST_RESERVED,
                     "createdomain: rc %ld, domain %u", rc, d.domain) )
        return false;
    domid = d.domain;
    /* Xen 4.17 creates the vCPUs here, up to createdomain's max_vcpus. */
    memset(&d, 0, sizeof(d));
    d.cmd = XEN_DOMCTL_max_vcpus;
    d.domain = domid;
    d.u.max_vcpus.max = 1;
    test_rc(hypercall_domctl(&d), 0, "max_vcpus 1");
    memset(&d, 0, sizeof(d));
    d.cmd = XEN_DOMCTL_max_mem;
    d.domain = domid;
    d.u.max_mem.max_memkb = DOMU_MAXKB;
    return test_rc(hypercall_domctl(&d), 0, "max_mem %lu KiB", DOMU_MAXKB);
}

static bool populate(bool full)
{
    static xen_pfn_t extra[512];
    unsigned long i, bad = 0;
    long rc;

    for ( i = 0; i < DOMU_PAGES; i++ )
        p2m[i] = i;
    rc = reservation(XENMEM_populate_physmap, domid, p2m, DOMU_PAGES);
    if ( !test_rc(rc, DOMU_PAGES, "populate_physmap of %lu pages for d%u",
                  DOMU_PAGES, domid) )
        return false;
    for ( i = 0; i < DOMU_PAGES; i++ )
        if ( M2P[p2m[i]] != i )
            bad++;
    test_check(!bad, "M2P set for every populated frame (%lu wrong)", bad);
    test_rc(mem_query(XENMEM_current_reservation, domid), DOMU_PAGES,
            "current_reservation of d%u", domid);
    test_rc(mem_query(XENMEM_maximum_reservation, domid),
            DOMU_PAGES + DOMU_SLACK, "maximum_reservation of d%u", domid);
    test_rc(mem_query(XENMEM_maximum_gpfn, domid), 0,
            "maximum_gpfn of d%u: 0 until its p2m size is published", domid);
    if ( !full )
        return true;
    /* max_pages holds: only the slack of the 512 asked for is given. */
    for ( i = 0; i < ARRAY_SIZE(extra); i++ )
        extra[i] = DOMU_PAGES + i;
    rc = reservation(XENMEM_populate_physmap, domid, extra, ARRAY_SIZE(extra));
    test_rc(rc, DOMU_SLACK, "populate_physmap past max_pages stops at it");
    if ( rc > 0 )
        test_rc(reservation(XENMEM_decrease_reservation, domid, extra,
                            (unsigned long)rc),
                rc, "decrease_reservation of them on d%u's behalf", domid);
    extra[0] = 0;
    test_rc(reservation(XENMEM_increase_reservation, domid, extra, 1), 1,
            "increase_reservation of d%u by a page", domid);
    test_rc(mem_query(XENMEM_current_reservation, domid), DOMU_PAGES + 1,
            "  current_reservation %lu", DOMU_PAGES + 1);
    test_rc(reservation(XENMEM_decrease_reservation, domid, extra, 1), 1,
            "  and that page given back");
    test_rc(mem_query(XENMEM_current_reservation, domid), DOMU_PAGES,
            "current_reservation back to %lu", DOMU_PAGES);
    test_rc(reservation(XENMEM_populate_physmap, DOMID_FIRST_RESERVED - 1,
                        extra, 1),
            0, "populate_physmap for a domain that does not exist: none");
    return true;
}

static void set_memory_map(bool full)
{
    struct e820entry e = {
        .addr = 0, .size = DOMU_MAXKB * 1024, .type = E820_RAM};
    struct xen_foreign_memory_map fm = {.domid = domid};

    fm.map.nr_entries = 1;
    set_xen_guest_handle(fm.map.buffer, &e);
    test_rc(hypercall_memory_op(XENMEM_set_memory_map, &fm), 0,
            "set_memory_map of d%u: RAM [0, %lu KiB)", domid, DOMU_MAXKB);
    if ( !full )
        return;
    fm.map.nr_entries = 1025; /* Xen's E820MAX is 1024 */
    test_rc(hypercall_memory_op(XENMEM_set_memory_map, &fm), -XEN_EINVAL,
            "set_memory_map of 1025 entries");
}

/* A batch stops at the first bad entry and says how far it got. */
static void foreign_map_errors(unsigned long data_mfn, unsigned long l4_mfn)
{
    mmu_update_t req[3];
    unsigned int done = 99;
    unsigned long s = SCRATCH_SLOT;
    long rc;

    req[0].ptr = win_pte_maddr(s);
    req[0].val = ((uint64_t)data_mfn << 12) | MAP_FLAGS;
    req[1].ptr = win_pte_maddr(s + 1);
    req[1].val = ((uint64_t)virt_to_mfn(alloc_page()) << 12) | MAP_FLAGS;
    req[2].ptr = win_pte_maddr(s + 2);
    req[2].val = req[0].val;
    rc = hypercall_mmu_update(req, 3, &done, domid);
    test_rc(rc, -XEN_EBUSY, "foreign batch: Dom0's own frame named as d%u's",
            domid);
    test_check(done == 1, "  success_count %u (1)", done);
    req[1].val = ((uint64_t)l4_mfn << 12) | MAP_FLAGS;
    done = 99;
    rc = hypercall_mmu_update(&req[1], 2, &done, domid);
    test_rc(rc, -XEN_EBUSY, "foreign batch: the pinned L4 writable");
    test_check(done == 0, "  success_count %u (0)", done);
    test_rc(map_foreign(s + 1, l4_mfn, PTE_P | PTE_A), 0,
            "the pinned L4 read-only");
    test_check(*(volatile uint64_t *)((char *)win_va(s + 1) + 511 * 8) != 0,
               "  shows its top-slot entry");
    test_rc(unmap_slot(s + 1), 0, "  unmapped");
    test_rc(unmap_slot(s), 0, "first entry of the failed batch unmapped");
}

static void acquire_errors(void)
{
    static xen_pfn_t all[DOMU_GNT_FRAMES];
    xen_pfn_t frame = 0;
    unsigned int nr = 0, i, j, bad = 0;

    test_rc(acquire_grant_frames(domid, XENMEM_resource_grant_table_id_shared,
                                 0, 0, NULL, &nr),
            0, "acquire_resource query: size of d%u's grant table", domid);
    test_check(nr == DOMU_GNT_FRAMES, "  %u frames (max_grant_frames %u)", nr,
               DOMU_GNT_FRAMES);
    test_rc(acquire_grant_frames(domid, XENMEM_resource_grant_table_id_shared,
                                 DOMU_GNT_FRAMES, 1, &frame, NULL),
            -XEN_EINVAL, "acquire_resource: frame %u of %u", DOMU_GNT_FRAMES,
            DOMU_GNT_FRAMES);
    test_rc(acquire_grant_frames(domid, XENMEM_resource_grant_table_id_shared,
                                 DOMU_GNT_FRAMES - 1, 2, all, NULL),
            -XEN_EINVAL, "acquire_resource: frames %u-%u of %u",
            DOMU_GNT_FRAMES - 1, DOMU_GNT_FRAMES, DOMU_GNT_FRAMES);
    /* All of them: the table grows to its maximum, across a continuation. */
    test_rc(acquire_grant_frames(domid, XENMEM_resource_grant_table_id_shared,
                                 0, DOMU_GNT_FRAMES, all, NULL),
            0, "acquire_resource: all %u frames", DOMU_GNT_FRAMES);
    for ( i = 0; i < DOMU_GNT_FRAMES; i++ )
        for ( j = 0; j <= i; j++ )
            bad += !all[i] || (j < i && all[j] == all[i]);
    test_check(!bad, "  %u distinct frames (%u bad)", DOMU_GNT_FRAMES, bad);
    test_rc(acquire_grant_frames(domid, XENMEM_resource_grant_table_id_status,
                                 0, 1, &frame, NULL),
            -XEN_EINVAL, "acquire_resource: status frames of a v1 table");
    {
        xen_mem_acquire_resource_t a = {
            .domid = domid, .type = 0x7777, .nr_frames = 1};

        set_xen_guest_handle(a.frame_list, &frame);
        test_rc(hypercall_memory_op(XENMEM_acquire_resource, &a),
                -XEN_EOPNOTSUPP, "acquire_resource: unknown type");
    }
    test_rc(acquire_grant_frames(DOMID_FIRST_RESERVED - 1,
                                 XENMEM_resource_grant_table_id_shared, 0, 1,
                                 &frame, NULL),
            -XEN_ESRCH, "acquire_resource: no such domain");
    test_rc(acquire_grant_frames(0, XENMEM_resource_grant_table_id_shared, 0, 1,
                                 &frame, NULL),
            -XEN_EPERM, "acquire_resource: our own table by id");
}

static bool seed_grants(unsigned long cons_mfn, unsigned long xs_mfn)
{
    xen_pfn_t frame = 0;
    grant_entry_v1_t *e = win_va(SCRATCH_SLOT + 3);

    if ( !test_rc(acquire_grant_frames(domid,
                                       XENMEM_resource_grant_table_id_shared, 0,
                                       1, &frame, NULL),
                  0, "acquire_resource: d%u's grant frame 0", domid) ||
         !test_check(frame != 0, "  is mfn %#lx", (unsigned long)frame) ||
         !test_rc(map_foreign_cmd(SCRATCH_SLOT + 3, frame, MAP_FLAGS,
                                  MMU_PT_UPDATE_NO_TRANSLATE),
                  0, "  mapped as d%u's frame (MMU_PT_UPDATE_NO_TRANSLATE)",
                  domid) )
        return false;
    e[GNTTAB_RESERVED_CONSOLE].domid = 0;
    e[GNTTAB_RESERVED_CONSOLE].frame = cons_mfn;
    e[GNTTAB_RESERVED_XENSTORE].domid = 0;
    e[GNTTAB_RESERVED_XENSTORE].frame = xs_mfn;
    barrier();
    e[GNTTAB_RESERVED_CONSOLE].flags = GTF_permit_access;
    e[GNTTAB_RESERVED_XENSTORE].flags = GTF_permit_access;
    return test_rc(unmap_slot(SCRATCH_SLOT + 3), 0, "  unmapped");
}

static void mask_upcalls(unsigned long si_mfn)
{
    shared_info_t *s = win_va(SCRATCH_SLOT + 4);
    unsigned int i;

    if ( !test_rc(map_foreign(SCRATCH_SLOT + 4, si_mfn, MAP_FLAGS), 0,
                  "shared_info of d%u mapped", domid) )
        return;
    for ( i = 0; i < XEN_LEGACY_MAX_VCPUS; i++ )
        s->vcpu_info[i].evtchn_upcall_mask = 1;
    test_rc(unmap_slot(SCRATCH_SLOT + 4), 0, "  unmapped");
}

static long set_context(const struct pv_layout *l, unsigned long l4_mfn)
{
    static struct vcpu_guest_context c;
    static struct xen_domctl d;

    memset(&c, 0, sizeof(c));
    c.flags = VGCF_in_kernel | VGCF_online;
    c.user_regs.rip = l->entry;
    c.user_regs.rsp = l->stack_top;
    c.user_regs.rsi = l->start_info;
    c.user_regs.rflags = 0x200;
    c.user_regs.cs = FLAT_KERNEL_CS;
    c.user_regs.ss = FLAT_KERNEL_SS;
    c.kernel_ss = FLAT_KERNEL_SS;
    c.kernel_sp = l->stack_top;
    c.ctrlreg[3] = (uint64_t)l4_mfn << 12;
    c.debugreg[6] = 0xffff0ff0;
    c.debugreg[7] = 0x400;
    /* The kernel requires writable page tables (its FEATURES note). */
    c.vm_assist = 1UL << VMASST_TYPE_writable_pagetables;
    memset(&d, 0, sizeof(d));
    d.cmd = XEN_DOMCTL_setvcpucontext;
    d.domain = domid;
    d.u.vcpucontext.vcpu = 0;
    set_xen_guest_handle(d.u.vcpucontext.ctxt, &c);
    return hypercall_domctl(&d);
}

/* Dom0's VIRQ_DOM_EXC port, bound by the first run_domu(). */
static evtchn_port_t dom_exc;

/*
 * Idle for up to ms (an event on VIRQ_DOM_EXC ends it early): the CPU is
 * free meanwhile, so the hypervisor can finish deferred work.
 */
static void idle_ms(unsigned int ms)
{
    struct sched_poll poll = {
        .nr_ports = dom_exc ? 1 : 0,
        .timeout = system_time_ns() + ms * 1000000ULL,
    };

    set_xen_guest_handle(poll.ports, &dom_exc);
    hypercall_sched_op(SCHEDOP_poll, &poll);
    if ( dom_exc )
        evtchn_clear(dom_exc);
}

/* The DomU's console: echo its lines, find its verdict. */
static char line[256];
static unsigned int line_len;
static int domu_verdict; /* 0 none, 1 SUCCESS, -1 anything else */
/* Its failed checks, and its word that what follows must crash it. */
static unsigned int domu_fails;
static bool domu_to_crash;

static void console_drain(volatile struct xencons_interface *r)
{
    XENCONS_RING_IDX cons = r->out_cons,
                     prod = __atomic_load_n(&r->out_prod, __ATOMIC_ACQUIRE);

    for ( ; cons != prod; cons++ )
    {
        char ch = r->out[cons % sizeof(r->out)];

        if ( ch != '\n' && line_len < sizeof(line) - 1 )
        {
            line[line_len++] = ch;
            continue;
        }
        if ( ch != '\n' )
            continue;
        line[line_len] = 0;
        line_len = 0;
        /* Its verdict line must not end this test's log early. */
        if ( !strncmp(line, "Test result: ", 13) )
        {
            domu_verdict = strcmp(line + 13, "SUCCESS") ? -1 : 1;
            printk("  d%u| verdict %s\n", domid, line + 13);
        }
        else
        {
            if ( !strncmp(line, "  FAIL ", 7) || !strncmp(line, "  ERR ", 6) )
                domu_fails++;
            if ( strstr(line, "must now be crashed") )
                domu_to_crash = true;
            printk("  d%u| %s\n", domid, line);
        }
    }
    __atomic_store_n(&r->out_cons, cons, __ATOMIC_RELEASE);
}

static evtchn_port_t bind_domu_port(evtchn_port_t remote)
{
    struct evtchn_bind_interdomain b = {.remote_dom = domid,
                                        .remote_port = remote};
    long rc = evtchn_op(EVTCHNOP_bind_interdomain, &b);

    test_rc(rc, 0, "bind_interdomain to d%u port %u", domid, remote);
    return rc ? 0 : b.local_port;
}

static void check_remote_port(evtchn_port_t port, uint32_t state,
                              evtchn_port_t peer, const char *what)
{
    struct evtchn_status st;
    long rc = evtchn_status(domid, port, &st);

    if ( state == EVTCHNSTAT_interdomain )
        test_check(!rc && st.status == state && st.u.interdomain.dom == 0 &&
                       st.u.interdomain.port == peer,
                   "d%u port %u %s (status %u)", domid, port, what, st.status);
    else
        test_check(!rc && st.status == state && st.u.unbound.dom == 0,
                   "d%u port %u %s (status %u)", domid, port, what, st.status);
}

/* Run the DomU until it shuts down, echoing its console. */
static void run_domu(volatile struct xencons_interface *ring,
                     evtchn_port_t cons_local, evtchn_port_t xs_local,
                     bool crash)
{
    struct xen_domctl_getdomaininfo info;
    uint64_t end;
    evtchn_port_t ports[2] = {cons_local, 0};
    bool down = false;

    if ( !dom_exc )
    {
        struct evtchn_bind_virq bv = {.virq = VIRQ_DOM_EXC, .vcpu = 0};

        test_rc(evtchn_op(EVTCHNOP_bind_virq, &bv), 0, "bind VIRQ_DOM_EXC");
        dom_exc = bv.port;
    }
    ports[1] = dom_exc;
    line_len = 0;
    domu_verdict = 0;
    domu_fails = 0;
    domu_to_crash = false;
    getdomaininfo(domid, &info);
    test_check(info.flags & XEN_DOMINF_paused,
               "d%u is paused until "
               "unpaused",
               domid);
    test_rc(simple_domctl(XEN_DOMCTL_unpausedomain), 0, "unpause d%u", domid);
    getdomaininfo(domid, &info);
    test_check(!(info.flags & XEN_DOMINF_paused), "  no longer paused");
    test_rc(evtchn_op(EVTCHNOP_send, &(struct evtchn_send){.port = xs_local}),
            0, "send on the xenstore channel");
    end = system_time_ns() + 30000000000ULL;
    while ( !down && system_time_ns() < end )
    {
        struct sched_poll poll = {.nr_ports = 2,
                                  .timeout = system_time_ns() + 50000000ULL};

        set_xen_guest_handle(poll.ports, ports);
        hypercall_sched_op(SCHEDOP_poll, &poll);
        evtchn_clear(cons_local);
        evtchn_clear(ports[1]);
        console_drain(ring);
        down =
            !getdomaininfo(domid, &info) && (info.flags & XEN_DOMINF_shutdown);
    }
    console_drain(ring);
    if ( !test_check(down, "d%u shut down", domid) )
        return;
    if ( crash )
    {
        test_check(((info.flags >> XEN_DOMINF_shutdownshift) &
                    XEN_DOMINF_shutdownmask) == SHUTDOWN_crash,
                   "  reason crash (flags %#x)", info.flags);
        test_check(domu_to_crash && !domu_fails,
                   "  after its set-up passed (%u failed checks)", domu_fails);
        return;
    }
    test_check(((info.flags >> XEN_DOMINF_shutdownshift) &
                XEN_DOMINF_shutdownmask) == SHUTDOWN_poweroff,
               "  reason poweroff (flags %#x)", info.flags);
    test_check(domu_verdict == 1, "d%u reported SUCCESS", domid);
}

/* Tear the window down by every path that must drop foreign references. */
static void window_teardown(unsigned long pt_first, unsigned long pt_n)
{
    mmu_update_t req[16];
    unsigned long i, k, n = nr_mapped < 512 ? nr_mapped : 512;
    unsigned int done;
    long rc = 0;

    /* L1 0: cleared by mmu_update, 16 at a time. */
    for ( i = 0; i < n && !rc; i += k )
    {
        for ( k = 0; k < 16 && i + k < n; k++ )
        {
            req[k].ptr = win_pte_maddr(i + k);
            req[k].val = 0;
        }
        rc = hypercall_mmu_update(req, k, &done, DOMID_SELF);
    }
    test_rc(rc, 0, "unmap pfns 0..%lu with mmu_update", n - 1);
    /* L1 1: four entries cleared by trapped writes to the pinned L1. */
    for ( i = 512; i < 516 && i < nr_mapped; i++ )
        if ( i < pt_first || i >= pt_first + pt_n )
            *(volatile uint64_t *)&win_l1[1][i - 512] = 0;
    test_check(!win_l1[1][0] && !win_l1[1][3], "unmap four with writes to the "
                                               "L1 (emulated)");
    /* The rest of L1 1 and 2: with their tables. */
    for ( i = 0; i < WIN_L1S; i++ )
        test_rc(window_drop_l1(i), 0, "unhook and unpin window L1 %lu", i);
}

static void destroy(void)
{
    test_rc(simple_domctl(XEN_DOMCTL_destroydomain), 0, "destroydomain d%u",
            domid);
}

/*
 * Destroyed while Dom0 still maps its pages: it lingers as a dying domain
 * (its frames are alive) until those mappings go.
 */
static void check_lingers(void)
{
    struct xen_domctl_getdomaininfo info;
    long rc = getdomaininfo(domid, &info);

    test_check(!rc && (info.flags & XEN_DOMINF_dying),
               "d%u lingers, dying, while Dom0 maps its pages (rc %ld, "
               "flags %#x)",
               domid, rc, info.flags);
    test_check(!rc && info.tot_pages > 0 && info.tot_pages < DOMU_PAGES,
               "  holding only what Dom0 maps: %lu pages",
               (unsigned long)info.tot_pages);
}

/*
 * Free pages once the last frees are done (Xen finishes destructions
 * after a grace period): unchanged for 500 ms, or after 3 s.
 */
static uint64_t settled_free_pages(void)
{
    uint64_t now = free_pages(), since = system_time_ns();
    uint64_t end = since + 3000000000ULL;

    while ( system_time_ns() < end && system_time_ns() - since < 500000000ULL )
    {
        uint64_t f;

        idle_ms(10);
        f = free_pages();
        if ( f != now )
            now = f, since = system_time_ns();
    }
    return now;
}

/* Off for a warm-up DomU only (see dom0_main). */
static bool count_pages = true;

static void wait_gone(uint64_t free_before)
{
    struct xen_domctl_getdomaininfo info;
    struct evtchn_status st;
    uint64_t end, now_free = 0;
    bool gone = false;

    end = system_time_ns() + 10000000000ULL;
    while ( system_time_ns() < end )
    {
        gone = getdomaininfo(domid, &info) == -XEN_ESRCH;
        now_free = free_pages();
        if ( gone && (now_free == free_before || !count_pages) )
            break;
        idle_ms(5);
    }
    test_check(gone, "d%u is gone (no reference left behind)", domid);
    if ( count_pages )
        test_check(now_free == free_before,
                   "free memory back to the page: %lu before, %lu after",
                   (unsigned long)free_before, (unsigned long)now_free);
    else
        test_note("warm-up: %lu pages free before, %lu after",
                  (unsigned long)free_before, (unsigned long)now_free);
    test_rc(evtchn_status(domid, 1, &st), -XEN_ESRCH,
            "status of a port of the destroyed domain");
}

/*
 * Build a DomU from a PV kernel image, run it to its shutdown and destroy
 * it; full: with the refusals a builder may meet on the way; args: more
 * of its command line; crash: it is to be crashed, not to pass.
 */
static void build_and_run(const void *image, size_t len, const char *what,
                          bool full, const char *args, bool crash)
{
    static struct pv_kernel k;
    static struct pv_layout l;
    static char cmdline[128];
    struct pv_build_params p = {
        .nr_pages = DOMU_PAGES,
        .cmdline = cmdline,
        .domu = true,
    };
    struct pv_build_mem mem = {p2m};
    struct xen_domctl_getdomaininfo info;
    struct evtchn_alloc_unbound au;
    struct mmuext_op pin = {.cmd = MMUEXT_PIN_L4_TABLE};
    evtchn_port_t xs_port, cons_port, xs_local, cons_local;
    unsigned long pt_first = 0, i, l4_mfn;
    bool destroyed = false;
    uint64_t free_before;
    const char *why = "";
    long rc;

    test_note("--- a DomU from %s", what);
    /* What the DomU checks against, and a frame of ours it must not get. */
    snprintf(cmdline, sizeof(cmdline),
             "domains-domu pages=%lu maxkb=%lu "
             "dom0mfn=%lu %s",
             DOMU_PAGES, DOMU_MAXKB, virt_to_mfn(start_info), args);
    rc = pv_kernel_parse(image, len,
                         (1u << XENFEAT_writable_page_tables) |
                             (1u << XENFEAT_pae_pgdir_above_4gb),
                         &k, &why);
    if ( !test_rc(rc, 0, "%s is a PV kernel%s%s", what, *why ? ": " : "", why) )
        return;
    free_before = free_pages();
    test_note("%lu pages free", (unsigned long)free_before);
    if ( !create_domain() )
        return;
    rc = getdomaininfo(domid, &info);
    test_check(!rc && info.tot_pages == 0 && info.shared_info_frame,
               "getdomaininfo: no pages yet, shared_info mfn %#lx",
               (unsigned long)info.shared_info_frame);
    set_memory_map(full);
    if ( !populate(full) )
        goto destroy;

    /* Its two channels, allocated on its behalf before it runs. */
    au = (struct evtchn_alloc_unbound){.dom = domid, .remote_dom = 0};
    test_rc(evtchn_op(EVTCHNOP_alloc_unbound, &au), 0,
            "alloc_unbound in d%u for Dom0 (xenstore)", domid);
    xs_port = au.port;
    au.port = 0;
    test_rc(evtchn_op(EVTCHNOP_alloc_unbound, &au), 0,
            "alloc_unbound in d%u for Dom0 (console)", domid);
    cons_port = au.port;
    test_check(xs_port == 1 && cons_port == 2,
               "  ports %u and %u: 1 and 2 of a fresh domain", xs_port,
               cons_port);
    check_remote_port(xs_port, EVTCHNSTAT_unbound, 0, "unbound for Dom0");

    p.shared_info_maddr = (uint64_t)info.shared_info_frame << 12;
    rc = pv_layout_compute(&k, &p, &l, &why);
    if ( !test_rc(rc, 0, "DomU layout%s%s", *why ? ": " : "", why) )
        goto destroy;
    p.xs_mfn = p2m[pv_va_to_pfn(&l, l.store_page)];
    p.cons_mfn = p2m[pv_va_to_pfn(&l, l.console_page)];
    p.xs_evtchn = xs_port;
    p.cons_evtchn = cons_port;
    pt_first = pv_va_to_pfn(&l, l.pt_start);
    l4_mfn = p2m[pt_first];

    window_create();
    /* Everything the builder writes lies in pfns [0, nr_used). */
    if ( !test_check(l.nr_used <= SCRATCH_SLOT,
                     "what the builder writes (%lu pages) fits the window",
                     l.nr_used) ||
         !map_region(l.nr_used) )
        goto teardown;
    test_pass("mapped %lu pages of d%u in Dom0 (mmu_update, foreign)",
              nr_mapped, domid);
    rc = pv_build(&k, &p, &l, &mem, NULL, &why);
    if ( !test_rc(rc, 0, "DomU image built%s%s", *why ? ": " : "", why) )
        goto teardown;
    if ( k.hypercall_page )
    {
        static struct xen_domctl d;

        memset(&d, 0, sizeof(d));
        d.cmd = XEN_DOMCTL_hypercall_init;
        d.domain = domid;
        d.u.hypercall_init.gmfn = p2m[pv_va_to_pfn(&l, k.hypercall_page)];
        test_rc(hypercall_domctl(&d), 0, "hypercall_init");
    }

    /* A frame Dom0 maps writable cannot become a page table. */
    pin.arg1.mfn = l4_mfn;
    test_rc(hypercall_mmuext_op(&pin, 1, NULL, domid), -XEN_EINVAL,
            "pin d%u's L4 while Dom0 maps its tables writable", domid);
    for ( i = 0; i < l.nr_pt_frames; i++ )
        unmap_slot(pt_first + i);
    test_rc(hypercall_mmuext_op(&pin, 1, NULL, domid), 0,
            "pin d%u's L4 as d%u once unmapped", domid, domid);
    test_rc(hypercall_mmuext_op(&pin, 1, NULL, domid), -XEN_EINVAL,
            "  pinning it again");
    if ( full )
    {
        foreign_map_errors(p2m[0], l4_mfn);
        acquire_errors();
    }
    if ( !seed_grants(p.cons_mfn, p.xs_mfn) )
        goto teardown;
    mask_upcalls(info.shared_info_frame);
    rc = set_context(&l, l4_mfn);
    if ( !test_rc(rc, 0, "setvcpucontext of d%u vCPU 0", domid) )
        goto teardown;

    xs_local = bind_domu_port(xs_port);
    cons_local = bind_domu_port(cons_port);
    if ( !xs_local || !cons_local )
        goto teardown;
    check_remote_port(cons_port, EVTCHNSTAT_interdomain, cons_local,
                      "bound to Dom0");
    if ( full )
    {
        struct evtchn_bind_interdomain b = {.remote_dom = domid,
                                            .remote_port = cons_port};

        test_rc(evtchn_op(EVTCHNOP_bind_interdomain, &b), -XEN_EINVAL,
                "bind_interdomain to a port already bound");
    }

    run_domu(win_va(pv_va_to_pfn(&l, l.console_page)), cons_local, xs_local,
             crash);

    test_rc(
        evtchn_op(EVTCHNOP_close, &(struct evtchn_close){.port = cons_local}),
        0, "close Dom0's end of the console channel");
    check_remote_port(cons_port, EVTCHNSTAT_unbound, 0, "unbound again");
    evtchn_op(EVTCHNOP_close, &(struct evtchn_close){.port = xs_local});
    /* The first DomU is destroyed before Dom0 lets go of its pages. */
    if ( full )
    {
        destroy();
        destroyed = true;
        check_lingers();
    }
teardown:
    window_teardown(pt_first, l.nr_pt_frames);
destroy:
    if ( !destroyed )
        destroy();
    wait_gone(free_before);
}

/* The hostile test kernel, linked in (embed.S): a second, hostile DomU. */
extern const uint8_t hostile_image[], hostile_image_end[];

static void dom0_main(void)
{
    static struct xen_sysctl sc;

    if ( !start_info->mod_start || !start_info->mod_len )
        test_error("no boot module to build a DomU from");
    /*
     * Xen keeps a few per-CPU structures from the first domain each CPU
     * runs: with several CPUs, a DomU runs once before pages are counted.
     */
    memset(&sc, 0, sizeof(sc));
    sc.cmd = XEN_SYSCTL_physinfo;
    if ( !hypercall_sysctl(&sc) && sc.u.physinfo.nr_cpus > 1 )
    {
        count_pages = false;
        build_and_run(hostile_image, hostile_image_end - hostile_image,
                      "the hostile test kernel (warm-up)", false, "", false);
        count_pages = true;
        test_note("settled at %lu free pages",
                  (unsigned long)settled_free_pages());
    }
    build_and_run((const void *)start_info->mod_start, start_info->mod_len,
                  "the boot module", true, "", false);
    build_and_run(hostile_image, hostile_image_end - hostile_image,
                  "the hostile test kernel", false, "", false);
    build_and_run((const void *)start_info->mod_start, start_info->mod_len,
                  "the boot module, with a bad iret frame", false, "badiret=1",
                  true);
    build_and_run((const void *)start_info->mod_start, start_info->mod_len,
                  "the boot module, with a bad bounce frame", false,
                  "badbounce=1", true);
}

void test_main(void)
{
    if ( start_info->flags & SIF_INITDOMAIN )
        dom0_main();
    else
        domu_main();
}
