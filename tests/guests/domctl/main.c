/* SPDX-License-Identifier: GPL-2.0-only */
/* domctl and sysctl from the control domain: domains that never run. */
#include "control.h"

const char test_title[] = "domctl/sysctl: versions, create, info, list, "
                          "pause, vCPU context, destroy, ids, memory back";

#define NR_POPULATE 16
#define CYCLES      50
#define BIG_PAGES   8192

static void check_versions(void)
{
    struct xen_domctl d;
    struct xen_sysctl s;

    domctl_init(&d, XEN_DOMCTL_getdomaininfo, 0);
    d.interface_version = XEN_DOMCTL_INTERFACE_VERSION - 1;
    test_rc(domctl(&d), -XEN_EACCES, "domctl at interface version 0x14");
    d.interface_version = XEN_DOMCTL_INTERFACE_VERSION + 1;
    test_rc(domctl(&d), -XEN_EACCES, "domctl at interface version 0x16");
    sysctl_init(&s, XEN_SYSCTL_physinfo);
    s.interface_version = 0;
    test_rc(sysctl(&s), -XEN_EACCES, "sysctl at interface version 0");
    test_rc(domctl_simple(9999, 0), -XEN_ENOSYS, "domctl sub-op 9999 on Dom0");
    sysctl_init(&s, 9999);
    test_rc(sysctl(&s), -XEN_ENOSYS, "sysctl sub-op 9999");
    test_rc(HC(__HYPERVISOR_domctl, 16, 0, 0, 0, 0), -XEN_EFAULT,
            "domctl through a bad pointer");
    test_rc(HC(__HYPERVISOR_sysctl, 16, 0, 0, 0, 0), -XEN_EFAULT,
            "sysctl through a bad pointer");
}

static void check_physinfo(void)
{
    struct xen_sysctl s;
    struct xen_sysctl_physinfo *p = &s.u.physinfo;

    sysctl_init(&s, XEN_SYSCTL_physinfo);
    test_rc(sysctl(&s), 0, "physinfo");
    test_check(p->capabilities & XEN_SYSCTL_PHYSCAP_pv, "PV capability");
    test_check(p->capabilities & XEN_SYSCTL_PHYSCAP_gnttab_v1,
               "grant table v1 capability");
    test_check(!(p->capabilities & XEN_SYSCTL_PHYSCAP_gnttab_v2),
               "no grant table v2 (max-ver:1)");
    test_check(p->nr_cpus >= 1 && p->nr_cpus <= p->max_cpu_id + 1,
               "%u CPUs, max id %u", p->nr_cpus, p->max_cpu_id);
    test_check(p->free_pages && p->free_pages < p->total_pages,
               "%lu of %lu pages free", (unsigned long)p->free_pages,
               (unsigned long)p->total_pages);
    test_check(p->cpu_khz > 0, "cpu_khz %u", p->cpu_khz);
}

static void check_sysctl_misc(void)
{
    struct xen_sysctl s;
    char buf[64];
    uint8_t map[8] = {0};

    sysctl_init(&s, XEN_SYSCTL_readconsole);
    set_xen_guest_handle(s.u.readconsole.buffer, buf);
    s.u.readconsole.count = sizeof(buf);
    test_rc(sysctl(&s), 0, "readconsole");
    test_check(s.u.readconsole.count == sizeof(buf),
               "the console ring has %u bytes for us", s.u.readconsole.count);
    sysctl_init(&s, XEN_SYSCTL_readconsole);
    set_xen_guest_handle(s.u.readconsole.buffer, (char *)16);
    s.u.readconsole.count = sizeof(buf);
    test_rc(sysctl(&s), -XEN_EFAULT, "readconsole into a bad buffer");

    sysctl_init(&s, XEN_SYSCTL_debug_keys);
    set_xen_guest_handle(s.u.debug_keys.keys, "t");
    s.u.debug_keys.nr_keys = 1;
    test_rc(sysctl(&s), 0, "debug_keys \"t\"");
    set_xen_guest_handle(s.u.debug_keys.keys, (char *)16);
    test_rc(sysctl(&s), -XEN_EFAULT, "debug_keys from a bad pointer");

    sysctl_init(&s, XEN_SYSCTL_sched_id);
    test_rc(sysctl(&s), 0, "sched_id: %u", s.u.sched_id.sched_id);

    sysctl_init(&s, XEN_SYSCTL_cpupool_op);
    s.u.cpupool_op.op = XEN_SYSCTL_CPUPOOL_OP_INFO;
    s.u.cpupool_op.cpupool_id = 0;
    set_xen_guest_handle(s.u.cpupool_op.cpumap.bitmap, map);
    s.u.cpupool_op.cpumap.nr_bits = sizeof(map) * 8;
    test_rc(sysctl(&s), 0, "cpupool_op info of pool 0");
    test_check(s.u.cpupool_op.cpupool_id == 0 && s.u.cpupool_op.n_dom >= 1 &&
                   (map[0] & 1),
               "pool 0: %u domains, CPU 0 in it", s.u.cpupool_op.n_dom);
}

static void check_bad_ids(void)
{
    struct xen_domctl op;
    domid_t id;

    test_rc(domctl_simple(XEN_DOMCTL_pausedomain, 0x7fe0), -XEN_ESRCH,
            "pausedomain of a domain that does not exist");
    test_rc(domctl_simple(XEN_DOMCTL_destroydomain, DOMID_SELF), -XEN_ESRCH,
            "destroydomain(DOMID_SELF): not an id domctl knows");
    test_rc(domctl_simple(XEN_DOMCTL_destroydomain, 0), -XEN_EINVAL,
            "destroydomain of the caller itself");
    test_rc(domctl_simple(XEN_DOMCTL_pausedomain, 0), -XEN_EINVAL,
            "pausedomain of the caller itself");
    test_rc(domctl_simple(XEN_DOMCTL_unpausedomain, 0), -XEN_EINVAL,
            "unpausedomain of Dom0, which the controller never paused");
    domctl_init(&op, XEN_DOMCTL_getdomaininfo, DOMID_SELF);
    test_rc(domctl(&op), -XEN_EINVAL, "getdomaininfo(DOMID_SELF)");
    domctl_init(&op, XEN_DOMCTL_getdomaininfo, 0x7fe0);
    test_rc(domctl(&op), -XEN_ESRCH, "getdomaininfo beyond the last domain");

    /* Configurations a 64-bit PV host refuses. */
    domctl_init(&op, XEN_DOMCTL_createdomain, 0);
    op.u.createdomain.max_vcpus = 1;
    op.u.createdomain.grant_opts = XEN_DOMCTL_GRANT_version(1);
    op.u.createdomain.max_grant_frames = -1;
    op.u.createdomain.max_maptrack_frames = -1;
    op.u.createdomain.flags = 1u << 20;
    test_rc(domctl(&op), -XEN_EINVAL, "createdomain with an unknown flag");
    op.u.createdomain.flags = XEN_DOMCTL_CDF_hap;
    test_rc(domctl(&op), -XEN_EINVAL, "createdomain: HAP without HVM");
    op.u.createdomain.flags = 0;
    op.u.createdomain.max_vcpus = 0;
    test_rc(domctl(&op), -XEN_EINVAL, "createdomain with no vCPU");
    op.u.createdomain.max_vcpus = 1;
    op.u.createdomain.grant_opts = 0;
    test_rc(domctl(&op), -XEN_EINVAL, "createdomain with grant version 0");
    op.u.createdomain.grant_opts = XEN_DOMCTL_GRANT_version(2);
    test_rc(domctl(&op), -XEN_EINVAL, "createdomain with grant version 2");
    op.u.createdomain.grant_opts = XEN_DOMCTL_GRANT_version(1);
    op.u.createdomain.iommu_opts = 1;
    test_rc(domctl(&op), -XEN_EINVAL, "createdomain: IOMMU options, no IOMMU");
    op.u.createdomain.iommu_opts = 0;
    op.u.createdomain.arch.emulation_flags = XEN_X86_EMU_LAPIC;
    test_rc(domctl(&op), -XEN_EOPNOTSUPP, "createdomain: a LAPIC for PV");
    (void)id;
}

/* A zeroed frame of the new domain becomes its L4; the vCPU goes online. */
static void check_vcpu_context(domid_t id, unsigned long l4_mfn)
{
    static struct vcpu_guest_context c, back;
    struct xen_domctl op;
    xen_pfn_t info[2] = {l4_mfn, 0};

    memset(&c, 0, sizeof(c));
    c.flags = VGCF_in_kernel | VGCF_online;
    c.user_regs.cs = FLAT_KERNEL_CS;
    c.user_regs.ss = FLAT_KERNEL_SS;
    c.user_regs.rip = 0xffffffff80001000UL;
    c.user_regs.rsp = 0xffffffff80003000UL;
    c.user_regs.rflags = 0x200;
    c.kernel_ss = FLAT_KERNEL_SS;
    c.kernel_sp = 0xffffffff80003000UL;
    c.event_callback_eip = 0xffffffff80001100UL;
    c.failsafe_callback_eip = 0xffffffff80001200UL;
    c.ctrlreg[3] = (unsigned long)l4_mfn << 12;

    domctl_init(&op, XEN_DOMCTL_getvcpucontext, id);
    set_xen_guest_handle(op.u.vcpucontext.ctxt, &back);
    test_rc(domctl(&op), -XEN_ENODATA, "getvcpucontext before any context");

    domctl_init(&op, XEN_DOMCTL_setvcpucontext, id);
    op.u.vcpucontext.vcpu = 1;
    set_xen_guest_handle(op.u.vcpucontext.ctxt, &c);
    test_rc(domctl(&op), -XEN_EINVAL, "setvcpucontext of vCPU 1 of 1");
    op.u.vcpucontext.vcpu = 0;
    set_xen_guest_handle(op.u.vcpucontext.ctxt, (void *)16);
    test_rc(domctl(&op), -XEN_EFAULT, "setvcpucontext from a bad pointer");
    set_xen_guest_handle(op.u.vcpucontext.ctxt, &c);
    test_rc(domctl(&op), 0, "setvcpucontext of vCPU 0 (cr3 = its own frame)");

    domctl_init(&op, XEN_DOMCTL_getvcpucontext, id);
    set_xen_guest_handle(op.u.vcpucontext.ctxt, &back);
    test_rc(domctl(&op), 0, "getvcpucontext of vCPU 0");
    test_check(back.ctrlreg[3] == c.ctrlreg[3] &&
                   back.user_regs.rip == c.user_regs.rip &&
                   back.kernel_sp == c.kernel_sp &&
                   back.event_callback_eip == c.event_callback_eip &&
                   (back.flags & VGCF_online),
               "it reads back: cr3 %#lx rip %#lx flags %#lx", back.ctrlreg[3],
               (unsigned long)back.user_regs.rip, back.flags);

    domctl_init(&op, XEN_DOMCTL_getpageframeinfo3, id);
    op.u.getpageframeinfo3.num = 2;
    info[1] = pfn_to_mfn(0); /* one of ours, not the new domain's */
    set_xen_guest_handle(op.u.getpageframeinfo3.array, info);
    test_rc(domctl(&op), 0, "getpageframeinfo3");
    test_check((info[0] & XEN_DOMCTL_PFINFO_LTABTYPE_MASK) ==
                   XEN_DOMCTL_PFINFO_L4TAB,
               "its cr3 frame is an L4 (%#lx)", (unsigned long)info[0]);
    test_check(
        (info[1] & XEN_DOMCTL_PFINFO_LTAB_MASK) == XEN_DOMCTL_PFINFO_XTAB,
        "a frame of Dom0 is not the domain's (%#lx)", (unsigned long)info[1]);

    domctl_init(&op, XEN_DOMCTL_getvcpuinfo, id);
    test_rc(domctl(&op), 0, "getvcpuinfo of vCPU 0");
    test_check(op.u.getvcpuinfo.online && !op.u.getvcpuinfo.running,
               "online, not running (paused)");
    domctl_init(&op, XEN_DOMCTL_getvcpuinfo, id);
    op.u.getvcpuinfo.vcpu = 5;
    test_rc(domctl(&op), -XEN_EINVAL, "getvcpuinfo of vCPU 5 of 1");
}

/* The CPUID policy as libxl's PV create path reads and writes it. */
static void check_cpu_policy(domid_t id)
{
    static xen_cpuid_leaf_t leaves[160];
    static xen_msr_entry_t msrs[8];
    static uint32_t fs[32];
    struct xen_sysctl s;
    struct xen_domctl op;
    uint32_t nr_leaves, nr_msrs;
    domid_t other;

    sysctl_init(&s, XEN_SYSCTL_get_cpu_policy);
    s.u.cpu_policy.index = XEN_SYSCTL_cpu_policy_pv_default;
    test_rc(sysctl(&s), 0, "get_cpu_policy sizes: %u leaves, %u MSRs",
            s.u.cpu_policy.nr_leaves, s.u.cpu_policy.nr_msrs);
    test_check(s.u.cpu_policy.nr_leaves >= 16 &&
                   s.u.cpu_policy.nr_leaves <= ARRAY_SIZE(leaves) &&
                   s.u.cpu_policy.nr_msrs <= ARRAY_SIZE(msrs),
               "sizes a toolstack can hold");
    s.u.cpu_policy.nr_leaves = ARRAY_SIZE(leaves);
    s.u.cpu_policy.nr_msrs = ARRAY_SIZE(msrs);
    set_xen_guest_handle(s.u.cpu_policy.leaves, leaves);
    set_xen_guest_handle(s.u.cpu_policy.msrs, msrs);
    test_rc(sysctl(&s), 0, "get_cpu_policy pv_default: %u leaves",
            s.u.cpu_policy.nr_leaves);
    test_check(leaves[0].leaf == 0 &&
                   leaves[0].subleaf == XEN_CPUID_NO_SUBLEAF &&
                   leaves[0].a >= 1 && leaves[1].leaf == 1,
               "leaf 0 first (max basic leaf %#x), then leaf 1", leaves[0].a);
    s.u.cpu_policy.nr_leaves = 1;
    test_rc(sysctl(&s), -XEN_ENOBUFS, "get_cpu_policy into one leaf");
    s.u.cpu_policy.index = 77;
    test_rc(sysctl(&s), -XEN_EINVAL, "get_cpu_policy of policy 77");

    sysctl_init(&s, XEN_SYSCTL_get_cpu_featureset);
    s.u.cpu_featureset.index = XEN_SYSCTL_cpu_featureset_pv;
    test_rc(sysctl(&s), 0, "get_cpu_featureset size: %u words",
            s.u.cpu_featureset.nr_features);
    s.u.cpu_featureset.nr_features = 4;
    set_xen_guest_handle(s.u.cpu_featureset.features, fs);
    test_rc(sysctl(&s), -XEN_ENOBUFS, "get_cpu_featureset pv, 4 words");
    test_check(s.u.cpu_featureset.nr_features == 4 && (fs[0] & 1),
               "4 words, FPU in the first (%#x)", fs[0]);

    domctl_init(&op, XEN_DOMCTL_get_cpu_policy, id);
    op.u.cpu_policy.nr_leaves = ARRAY_SIZE(leaves);
    op.u.cpu_policy.nr_msrs = ARRAY_SIZE(msrs);
    set_xen_guest_handle(op.u.cpu_policy.leaves, leaves);
    set_xen_guest_handle(op.u.cpu_policy.msrs, msrs);
    test_rc(domctl(&op), 0, "get_cpu_policy of d%u: %u leaves, %u MSRs", id,
            op.u.cpu_policy.nr_leaves, op.u.cpu_policy.nr_msrs);
    nr_leaves = op.u.cpu_policy.nr_leaves;
    nr_msrs = op.u.cpu_policy.nr_msrs;

    domctl_init(&op, XEN_DOMCTL_set_cpu_policy, id);
    op.u.cpu_policy.nr_leaves = nr_leaves;
    op.u.cpu_policy.nr_msrs = nr_msrs;
    set_xen_guest_handle(op.u.cpu_policy.leaves, leaves);
    set_xen_guest_handle(op.u.cpu_policy.msrs, msrs);
    test_rc(domctl(&op), 0, "set_cpu_policy with what it has");
    leaves[0].a = 0xff;
    test_rc(domctl(&op), -XEN_EINVAL, "set_cpu_policy: max leaf 0xff");
    test_check(op.u.cpu_policy.err_leaf == 0 &&
                   op.u.cpu_policy.err_subleaf == XEN_CPUID_NO_SUBLEAF,
               "err_leaf names leaf 0 (%#x/%#x)", op.u.cpu_policy.err_leaf,
               op.u.cpu_policy.err_subleaf);
    domctl_init(&op, XEN_DOMCTL_set_cpu_policy, id);
    leaves[0] = (xen_cpuid_leaf_t){0x12345, XEN_CPUID_NO_SUBLEAF, 0, 0, 0, 0};
    op.u.cpu_policy.nr_leaves = 1;
    set_xen_guest_handle(op.u.cpu_policy.leaves, leaves);
    test_rc(domctl(&op), -XEN_ERANGE, "set_cpu_policy: leaf 0x12345");
    test_check(op.u.cpu_policy.err_leaf == 0x12345, "err_leaf %#x",
               op.u.cpu_policy.err_leaf);
    op.u.cpu_policy.nr_leaves = 100000;
    test_rc(domctl(&op), -XEN_E2BIG, "set_cpu_policy of 100000 leaves");

    /* Once the domain has been started, its policy is fixed. */
    if ( dom_create(0, 1, &other) )
        test_error("cannot create another domain");
    domctl_simple(XEN_DOMCTL_unpausedomain, other);
    domctl_init(&op, XEN_DOMCTL_set_cpu_policy, other);
    test_rc(domctl(&op), -XEN_EEXIST, "set_cpu_policy after the start");
    domctl_simple(XEN_DOMCTL_destroydomain, other);
    dom_wait_gone(other);
}

static void check_pause_counts(domid_t id)
{
    struct xen_domctl_getdomaininfo info;
    unsigned int i;
    long rc = 0;

    test_rc(domctl_simple(XEN_DOMCTL_pausedomain, id), 0, "pause once more");
    test_rc(domctl_simple(XEN_DOMCTL_unpausedomain, id), 0, "unpause");
    dom_getinfo(id, &info);
    test_check(info.flags & XEN_DOMINF_paused, "still paused from birth");
    /* Born with one pause: up to 255 in all. */
    for ( i = 1; i < 255 && !rc; i++ )
        rc = domctl_simple(XEN_DOMCTL_pausedomain, id);
    test_rc(rc, 0, "pausing up to 255 times");
    test_rc(domctl_simple(XEN_DOMCTL_pausedomain, id), -XEN_EOVERFLOW,
            "the 256th pause");
    for ( i = 1; i < 255 && !rc; i++ )
        rc = domctl_simple(XEN_DOMCTL_unpausedomain, id);
    test_rc(rc, 0, "unpausing 254 times");
    dom_getinfo(id, &info);
    test_check(info.flags & XEN_DOMINF_paused, "paused once still");
}

static void check_list(domid_t a, domid_t b)
{
    static struct xen_domctl_getdomaininfo list[4];
    struct xen_domctl_getdomaininfo info;
    struct xen_sysctl s;

    sysctl_init(&s, XEN_SYSCTL_getdomaininfolist);
    s.u.getdomaininfolist.first_domain = 0;
    s.u.getdomaininfolist.max_domains = 4;
    set_xen_guest_handle(s.u.getdomaininfolist.buffer, list);
    test_rc(sysctl(&s), 0, "getdomaininfolist from 0");
    test_check(s.u.getdomaininfolist.num_domains == 3 && list[0].domain == 0 &&
                   list[1].domain == a && list[2].domain == b,
               "Dom0, d%u, d%u in order (%u: %u %u %u)", a, b,
               s.u.getdomaininfolist.num_domains, list[0].domain,
               list[1].domain, list[2].domain);
    s.u.getdomaininfolist.first_domain = a + 1;
    s.u.getdomaininfolist.max_domains = 4;
    test_rc(sysctl(&s), 0, "getdomaininfolist from d%u", a + 1);
    test_check(s.u.getdomaininfolist.num_domains == 1 && list[0].domain == b,
               "only d%u", b);
    s.u.getdomaininfolist.first_domain = 0;
    s.u.getdomaininfolist.max_domains = 1;
    test_rc(sysctl(&s), 0, "getdomaininfolist of one");
    test_check(s.u.getdomaininfolist.num_domains == 1, "one returned");
    set_xen_guest_handle(s.u.getdomaininfolist.buffer, (void *)16);
    test_rc(sysctl(&s), -XEN_EFAULT, "getdomaininfolist into a bad buffer");

    /* Xen 4.17: the first domain at or above the id asked for. */
    test_rc(dom_getinfo(a + 1, &info), 0, "getdomaininfo(d%u)", a + 1);
    test_check(info.domain == b, "answers for d%u (%u)", b, info.domain);
}

/* Create, fill, inspect and destroy one domain; the bulk of the checks. */
static void check_lifecycle(void)
{
    static xen_pfn_t frames[NR_POPULATE];
    struct xen_domctl_getdomaininfo info;
    domid_t id, other, again;
    long rc;

    rc = dom_create(0, 1, &id);
    test_rc(rc, 0, "createdomain, id chosen: d%u", id);
    if ( rc )
        return;
    test_rc(dom_max_vcpus(id, 2), -XEN_EINVAL, "max_vcpus other than created");
    test_rc(dom_getinfo(id, &info), 0, "getdomaininfo(d%u)", id);
    test_check(info.domain == id, "it is d%u", info.domain);
    test_check((info.flags & XEN_DOMINF_paused) &&
                   !(info.flags & (XEN_DOMINF_running | XEN_DOMINF_dying |
                                   XEN_DOMINF_shutdown)),
               "born paused, not running, dying or shut down (%#x)",
               info.flags);
    test_check(info.tot_pages == 0 && info.nr_online_vcpus == 0 &&
                   info.max_vcpu_id == 0,
               "no pages, vCPU 0 down (%lu, %u, %u)",
               (unsigned long)info.tot_pages, info.nr_online_vcpus,
               info.max_vcpu_id);
    test_check(info.handle[0] == 0xab && info.handle[15] == 0xab,
               "the handle given at creation");
    test_check(info.shared_info_frame != 0, "shared_info at mfn %#lx",
               (unsigned long)info.shared_info_frame);

    test_rc(dom_create(id, 1, &other), -XEN_EEXIST, "createdomain(d%u) again",
            id);
    test_rc(dom_max_mem(id, NR_POPULATE * 4), 0, "max_mem %u KiB",
            NR_POPULATE * 4);
    dom_getinfo(id, &info);
    test_check(info.max_pages == NR_POPULATE, "max_pages %lu",
               (unsigned long)info.max_pages);
    for ( unsigned int i = 0; i < NR_POPULATE; i++ )
        frames[i] = i;
    test_rc(dom_populate(id, frames, NR_POPULATE), NR_POPULATE,
            "populate_physmap of %u frames for d%u", NR_POPULATE, id);
    test_rc(dom_populate(id, frames, 1), 0, "one more is beyond max_mem");
    dom_getinfo(id, &info);
    test_check(info.tot_pages == NR_POPULATE, "tot_pages %lu",
               (unsigned long)info.tot_pages);

    check_vcpu_context(id, frames[0]);
    dom_getinfo(id, &info);
    test_check(info.nr_online_vcpus == 1 && (info.flags & XEN_DOMINF_paused),
               "one vCPU online, still paused (%u, %#x)", info.nr_online_vcpus,
               info.flags);
    check_pause_counts(id);
    check_cpu_policy(id);

    test_rc(dom_create(0, 2, &other), 0, "a second domain: d%u", other);
    check_list(id, other);
    test_rc(domctl_simple(XEN_DOMCTL_destroydomain, other), 0, "destroy d%u",
            other);

    /* An interdomain channel from Dom0 into it, made for it by Dom0. */
    struct evtchn_alloc_unbound au = {.dom = id, .remote_dom = 0};
    struct evtchn_bind_interdomain bi = {.remote_dom = id};
    struct evtchn_status st = {.dom = DOMID_SELF};

    test_rc(hypercall_event_channel_op(EVTCHNOP_alloc_unbound, &au), 0,
            "alloc_unbound in d%u for Dom0: port %u", id, au.port);
    bi.remote_port = au.port;
    test_rc(hypercall_event_channel_op(EVTCHNOP_bind_interdomain, &bi), 0,
            "Dom0 binds to it: port %u", bi.local_port);

    dom_exc_seen();
    test_rc(domctl_simple(XEN_DOMCTL_destroydomain, id), 0,
            "destroydomain(d%u)", id);
    st.port = bi.local_port;
    test_rc(hypercall_event_channel_op(EVTCHNOP_status, &st), 0,
            "status of Dom0's end");
    test_check(st.status == EVTCHNSTAT_unbound && st.u.unbound.dom == id,
               "unbound, waiting for d%u again (%u, %u)", id, st.status,
               st.u.unbound.dom);
    struct evtchn_close cl = {.port = bi.local_port};

    test_rc(hypercall_event_channel_op(EVTCHNOP_close, &cl), 0, "close it");
    test_check(dom_exc_seen(), "VIRQ_DOM_EXC for the kill");
    test_check(dom_wait_gone(id) && dom_wait_gone(other), "both are gone");
    test_rc(domctl_simple(XEN_DOMCTL_pausedomain, id), -XEN_ESRCH,
            "pausedomain of a destroyed domain");

    /* The id is free again: ask for it by number. */
    test_rc(dom_create(id, 1, &again), 0, "createdomain(d%u) after it went",
            id);
    test_check(again == id, "got d%u", again);
    test_rc(domctl_simple(XEN_DOMCTL_destroydomain, again), 0,
            "and destroy it");
    test_check(dom_wait_gone(again), "gone");
}

/*
 * populate_physmap for a DomU as a builder asks, many order-0 extents in
 * one call: gpfns in any order across a list of odd length, a list whose
 * tail is unmapped or read-only (the extents before it done; for the
 * read-only one, the frame whose MFN could not be written stays the
 * domain's uncounted, as in Xen), and the domain's limit reached part way.
 */
static void check_populate_lists(void)
{
    xen_pfn_t *a = alloc_page(), *b = alloc_page();
    xen_pfn_t *list = a + 512 - 40; /* 40 entries in a, the rest in b */
    struct xen_domctl_getdomaininfo info;
    unsigned long i, j, bad = 0;
    domid_t id;

    if ( (unsigned long)b != (unsigned long)a + PAGE_SIZE )
        test_error("two list pages that are not adjacent");
    if ( dom_create(0, 1, &id) || dom_max_mem(id, 256 * 4) )
    {
        test_fail("cannot create a domain");
        return;
    }
    for ( i = 0; i < 100; i++ )
        list[i] = 999 - i;
    test_rc(dom_populate(id, list, 100), 100,
            "100 extents in one call, gpfns descending");
    for ( i = 0; i < 100; i++ )
    {
        bad += M2P[list[i]] != 999 - i;
        for ( j = 0; j < i; j++ )
            bad += list[j] == list[i];
    }
    test_check(!bad, "each its own frame, its M2P entry the gpfn asked for "
                     "(%lu wrong)", bad);
    dom_getinfo(id, &info);
    test_check(info.tot_pages == 100, "tot_pages %lu",
               (unsigned long)info.tot_pages);

    for ( i = 0; i < 60; i++ )
        list[i] = i;
    test_rc(hypercall_update_va_mapping((unsigned long)b, 0, UVMF_INVLPG), 0,
            "unmap the list's second page");
    test_rc(dom_populate(id, list, 60), 40,
            "a list whose last 20 entries are unmapped: 40 extents");
    dom_getinfo(id, &info);
    test_check(info.tot_pages == 140, "tot_pages %lu",
               (unsigned long)info.tot_pages);

    test_rc(set_page_rw(b, true), 0, "map it again");
    for ( i = 0; i < 60; i++ )
        list[i] = 200 + i;
    test_rc(set_page_rw(b, false), 0, "read-only");
    test_rc(dom_populate(id, list, 60), 40,
            "a list whose last 20 entries are read-only: 40 extents");
    dom_getinfo(id, &info);
    test_check(info.tot_pages == 181,
               "tot_pages %lu: the 41st frame is the domain's, uncounted",
               (unsigned long)info.tot_pages);
    test_check(list[40] == 240 && list[59] == 259,
               "the read-only entries unchanged");

    test_rc(set_page_rw(b, true), 0, "writable again");
    for ( i = 0; i < 100; i++ )
        list[i] = 300 + i;
    test_rc(dom_populate(id, list, 100), 75,
            "100 extents with room for 75 under max_mem: 75");
    dom_getinfo(id, &info);
    test_check(info.tot_pages == 256, "tot_pages %lu",
               (unsigned long)info.tot_pages);
    test_check(list[75] == 375, "the extents not done unchanged");
    test_rc(domctl_simple(XEN_DOMCTL_destroydomain, id), 0, "destroy d%u", id);
    test_check(dom_wait_gone(id), "gone");
}

/*
 * A domain of 32 MiB: destroying it takes more than one slice of the
 * hypervisor's time, so the kill is continued (transparently here).
 */
static void check_big(void)
{
    static xen_pfn_t frames[BIG_PAGES];
    uint64_t before = host_settled_free_pages(0);
    domid_t id;

    for ( unsigned int i = 0; i < BIG_PAGES; i++ )
        frames[i] = i;
    if ( dom_create(0, 1, &id) || dom_max_mem(id, BIG_PAGES * 4) )
    {
        test_fail("cannot create a domain");
        return;
    }
    test_rc(dom_populate(id, frames, BIG_PAGES), BIG_PAGES,
            "populate %u frames for d%u", BIG_PAGES, id);
    test_rc(domctl_simple(XEN_DOMCTL_destroydomain, id), 0,
            "destroy it in one hypercall, continued as needed");
    test_check(dom_wait_gone(id), "it is gone");
    test_check(host_settled_free_pages(before) == before,
               "its %u frames are free again (%lu, %lu)", BIG_PAGES,
               (unsigned long)host_free_pages(), (unsigned long)before);
}

static void check_cycles(void)
{
    static xen_pfn_t frames[NR_POPULATE];
    uint64_t before = host_settled_free_pages(0);
    unsigned int i, ok = 0;
    domid_t id;

    for ( i = 0; i < CYCLES; i++ )
    {
        for ( unsigned int j = 0; j < NR_POPULATE; j++ )
            frames[j] = j;
        if ( dom_create(0, 1, &id) || dom_max_mem(id, 1024) ||
             dom_populate(id, frames, NR_POPULATE) != NR_POPULATE ||
             domctl_simple(XEN_DOMCTL_destroydomain, id) || !dom_wait_gone(id) )
            break;
        ok++;
    }
    test_check(ok == CYCLES, "%u of %u create/populate/destroy cycles", ok,
               CYCLES);
    test_check(host_settled_free_pages(before) == before,
               "free pages after the cycles: %lu, before: %lu",
               (unsigned long)host_free_pages(), (unsigned long)before);
}

void test_main(void)
{
    dom_exc_init();
    check_versions();
    check_physinfo();
    check_sysctl_misc();
    check_bad_ids();
    /*
     * Xen keeps a few structures it allocates when the first domain is
     * made: measure free memory from the second one on.
     */
    domid_t warm;

    if ( dom_create(0, 2, &warm) ||
         domctl_simple(XEN_DOMCTL_destroydomain, warm) || !dom_wait_gone(warm) )
        test_error("cannot create and destroy a first domain");
    check_lifecycle();
    check_populate_lists();
    check_big();
    check_cycles();
}
