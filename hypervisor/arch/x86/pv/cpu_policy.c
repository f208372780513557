/* SPDX-License-Identifier: GPL-2.0-only */
/* CPUID policies in the toolstack's serialised form (get/set_cpu_policy). */
#include <xenia/console.h>
#include <xenia/domctl.h>
#include <xenia/errno.h>
#include <xenia/guest_access.h>
#include <xenia/lib.h>
#include <xenia/xmalloc.h>
#include <asm/processor.h>
#include <asm/pv.h>
#include <xen/sysctl.h>

/*
 * The leaves go out in Xen's order and within Xen's bounds (libxc parses
 * them into Xen's own structure): basic leaves up to 0xd, with subleaves
 * for 4, 7, 0xb and 0xd; the two hypervisor-range limits; extended leaves
 * up to 0x80000021. MSRs: PLATFORM_INFO and ARCH_CAPABILITIES.
 */
#define MAX_LEAVES        128 /* Xen's CPUID_MAX_SERIALISED_LEAVES, rounded */
#define NR_MSRS           2
#define BASIC_LAST        0xdu
#define NR_CACHE          6u
#define NR_FEAT           3u
#define NR_TOPO           2u
#define NR_XSTATE         63u
#define EXTD_LAST         0x80000021u
#define MSR_PLATFORM_INFO 0xce
#define MSR_ARCH_CAPS     0x10a
#define NR_FEATURESET     19 /* the featureset words Xen 4.17 defines */
#define L1_ECX_OSXSAVE_BIT (1u << 27)

struct pv_cpu_policy {
    unsigned int nr;
    xen_cpuid_leaf_t leaf[MAX_LEAVES];
};

typedef void cpuid_fn(const struct domain *d, uint32_t leaf, uint32_t sub,
                      uint32_t r[4]);

static void host_query(const struct domain *d, uint32_t leaf, uint32_t sub,
                       uint32_t r[4])
{
    (void)d;
    cpuid_count(leaf, sub, &r[0], &r[1], &r[2], &r[3]);
}

static void pv_query(const struct domain *d, uint32_t leaf, uint32_t sub,
                     uint32_t r[4])
{
    pv_domain_cpuid(d, NULL, leaf, sub, &r[0], &r[1], &r[2], &r[3]);
}

/* The policy fn answers with, serialised: *n leaves, -ENOBUFS if max is short. */
static int serialise(cpuid_fn *fn, const struct domain *d,
                     xen_cpuid_leaf_t *out, unsigned int max, unsigned int *n)
{
    uint32_t r[4], max_basic, max_extd, leaf, sub, nsub;
    uint64_t xstates;

    *n = 0;
#define EMIT(l, s)                                                             \
    do                                                                         \
    {                                                                          \
        if ( *n >= max )                                                       \
            return -ENOBUFS;                                                   \
        out[*n] = (xen_cpuid_leaf_t){(l), (s), r[0], r[1], r[2], r[3]};        \
        ++*n;                                                                  \
    } while ( 0 )

    fn(d, 0, 0, r);
    max_basic = MIN(r[0], BASIC_LAST);
    for ( leaf = 0; leaf <= max_basic; leaf++ )
        switch ( leaf )
        {
        case 4: /* caches, up to the first of type 0 */
            for ( sub = 0; sub < NR_CACHE; sub++ )
            {
                fn(d, leaf, sub, r);
                EMIT(leaf, sub);
                if ( !(r[0] & 0x1f) )
                    break;
            }
            break;
        case 7:
            fn(d, leaf, 0, r);
            nsub = MIN(r[0], NR_FEAT - 1);
            for ( sub = 0; sub <= nsub; sub++ )
            {
                fn(d, leaf, sub, r);
                EMIT(leaf, sub);
            }
            break;
        case 0xb: /* topology levels, up to the first of type 0 */
            for ( sub = 0; sub < NR_TOPO; sub++ )
            {
                fn(d, leaf, sub, r);
                EMIT(leaf, sub);
                if ( !((r[2] >> 8) & 0xff) )
                    break;
            }
            break;
        case 0xd: /* XSAVE: 0, 1, then one per state component */
            fn(d, leaf, 0, r);
            xstates = ((uint64_t)r[3] << 32) | r[0];
            EMIT(leaf, 0);
            fn(d, leaf, 1, r);
            xstates |= ((uint64_t)r[3] << 32) | r[2];
            EMIT(leaf, 1);
            for ( xstates >>= 2, sub = 2; xstates && sub < NR_XSTATE;
                  xstates >>= 1, sub++ )
            {
                fn(d, leaf, sub, r);
                EMIT(leaf, sub);
            }
            break;
        default:
            fn(d, leaf, 0, r);
            EMIT(leaf, XEN_CPUID_NO_SUBLEAF);
            break;
        }
    /* Xen's hypervisor leaves are its own: their limits only, 0 here. */
    r[0] = r[1] = r[2] = r[3] = 0;
    EMIT(0x40000000, XEN_CPUID_NO_SUBLEAF);
    EMIT(0x40000100, XEN_CPUID_NO_SUBLEAF);
    fn(d, 0x80000000, 0, r);
    max_extd = r[0] >= 0x80000000 ? MIN(r[0], EXTD_LAST) : 0x80000000;
    for ( leaf = 0x80000000; leaf <= max_extd; leaf++ )
    {
        fn(d, leaf, 0, r);
        EMIT(leaf, XEN_CPUID_NO_SUBLEAF);
    }
#undef EMIT
    return 0;
}

static const xen_cpuid_leaf_t *find(const struct pv_cpu_policy *p,
                                    uint32_t leaf, uint32_t sub)
{
    for ( unsigned int i = 0; i < p->nr; i++ )
        if ( p->leaf[i].leaf == leaf &&
             (p->leaf[i].subleaf == sub ||
              p->leaf[i].subleaf == XEN_CPUID_NO_SUBLEAF) )
            return &p->leaf[i];
    return NULL;
}

/*
 * What the toolstack may change: feature flags, within what Xenia offers
 * (a flag it does not offer is dropped, as Xen masks against its
 * maximum). Every other leaf (vendor, caches, topology) stays Xenia's.
 */
void pv_domain_cpuid(const struct domain *d, const struct vcpu *v,
                     uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b,
                     uint32_t *c, uint32_t *dx)
{
    const xen_cpuid_leaf_t *l;

    pv_cpuid(v, leaf, sub, a, b, c, dx);
    if ( !d || !d->cpu_policy || !(l = find(d->cpu_policy, leaf, sub)) )
        return;
    switch ( leaf )
    {
    case 1:
        /* OSXSAVE is the vCPU's CR4, not a feature a policy sets. */
        *c &= l->c | (*c & L1_ECX_OSXSAVE_BIT);
        *dx &= l->d;
        break;
    case 0x80000001:
        *c &= l->c;
        *dx &= l->d;
        break;
    case 7:
        if ( sub == 0 )
        {
            *b &= l->b;
            *c &= l->c;
            *dx &= l->d;
        }
        break;
    default:
        break;
    }
}

static bool leaf_in_range(uint32_t leaf, uint32_t sub)
{
    if ( leaf <= BASIC_LAST )
        switch ( leaf )
        {
        case 4:
            return sub < NR_CACHE;
        case 7:
            return sub < NR_FEAT;
        case 0xb:
            return sub < NR_TOPO;
        case 0xd:
            return sub < NR_XSTATE;
        default:
            return sub == XEN_CPUID_NO_SUBLEAF;
        }
    if ( leaf == 0x40000000 || leaf == 0x40000100 ||
         (leaf >= 0x80000000 && leaf <= EXTD_LAST) )
        return sub == XEN_CPUID_NO_SUBLEAF;
    return false;
}

/* The limits a policy may not raise: max leaf, leaf 7 subleaves, extd. */
static int check_limits(const struct pv_cpu_policy *p, uint32_t *err_leaf,
                        uint32_t *err_sub)
{
    static const struct {
        uint32_t leaf, sub;
    } limits[] = {
        {0, XEN_CPUID_NO_SUBLEAF}, {7, 0}, {0x80000000, XEN_CPUID_NO_SUBLEAF}};
    uint32_t r[4];

    for ( unsigned int i = 0; i < ARRAY_SIZE(limits); i++ )
    {
        const xen_cpuid_leaf_t *l = find(p, limits[i].leaf, limits[i].sub);

        pv_cpuid(NULL, limits[i].leaf, 0, &r[0], &r[1], &r[2], &r[3]);
        if ( l && l->a > r[0] )
        {
            *err_leaf = limits[i].leaf;
            *err_sub = limits[i].sub;
            return -EINVAL;
        }
    }
    return 0;
}

static long copy_msrs_out(unsigned long buf, uint32_t *nr)
{
    xen_msr_entry_t m[NR_MSRS] = {{MSR_PLATFORM_INFO, 0, 0},
                                  {MSR_ARCH_CAPS, 0, 0}};

    if ( !buf )
    {
        *nr = NR_MSRS;
        return 0;
    }
    if ( *nr < NR_MSRS )
        return -ENOBUFS;
    *nr = NR_MSRS;
    return copy_to_guest(buf, m, sizeof(m)) ? -EFAULT : 0;
}

/* Leaves (and MSRs) of fn's policy out to a caller's buffers. */
static long policy_out(cpuid_fn *fn, const struct domain *d,
                       unsigned long leaves, uint32_t *nr_leaves,
                       unsigned long msrs, uint32_t *nr_msrs)
{
    xen_cpuid_leaf_t *buf;
    unsigned int n;
    long rc;

    if ( !leaves )
        *nr_leaves = MAX_LEAVES;
    else
    {
        buf = xzalloc_array(xen_cpuid_leaf_t, MAX_LEAVES);
        if ( !buf )
            return -ENOMEM;
        rc = serialise(fn, d, buf, MIN(*nr_leaves, (uint32_t)MAX_LEAVES), &n);
        if ( !rc && copy_to_guest(leaves, buf, n * sizeof(*buf)) )
            rc = -EFAULT;
        xfree(buf);
        if ( rc )
            return rc;
        *nr_leaves = n;
    }
    return copy_msrs_out(msrs, nr_msrs);
}

long domctl_get_cpu_policy(struct domain *d, struct xen_domctl *op)
{
    struct xen_domctl_cpu_policy *p = &op->u.cpu_policy;

    return policy_out(pv_query, d, (unsigned long)p->leaves.p, &p->nr_leaves,
                      (unsigned long)p->msrs.p, &p->nr_msrs);
}

/*
 * The toolstack's leaves over the domain's current policy, checked as
 * Xen checks them (-E2BIG, -ERANGE, -EINVAL with err_leaf/subleaf/msr),
 * and only before the domain first runs (-EEXIST after).
 */
long domctl_set_cpu_policy(struct domain *d, struct xen_domctl *op)
{
    struct xen_domctl_cpu_policy *p = &op->u.cpu_policy;
    unsigned long leaves = (unsigned long)p->leaves.p;
    unsigned long msrs = (unsigned long)p->msrs.p;
    struct pv_cpu_policy *pol;
    xen_cpuid_leaf_t l;
    xen_msr_entry_t m;
    unsigned int i, j;
    long rc = 0;

    p->err_leaf = p->err_subleaf = p->err_msr = ~0u;
    if ( d == current_vcpu()->domain )
        return -EINVAL;
    if ( d->creation_finished )
        return -EEXIST;
    if ( p->nr_leaves > MAX_LEAVES || p->nr_msrs > NR_MSRS )
        return -E2BIG;
    pol = xmalloc(struct pv_cpu_policy);
    if ( !pol )
        return -ENOMEM;
    /* Start from what the domain has now. */
    rc = serialise(pv_query, d, pol->leaf, MAX_LEAVES, &pol->nr);
    for ( i = 0; !rc && i < p->nr_leaves; i++ )
    {
        if ( copy_from_guest(&l, leaves + i * sizeof(l), sizeof(l)) )
        {
            rc = -EFAULT;
            break;
        }
        if ( !leaf_in_range(l.leaf, l.subleaf) )
        {
            p->err_leaf = l.leaf;
            p->err_subleaf = l.subleaf;
            rc = -ERANGE;
            break;
        }
        for ( j = 0; j < pol->nr; j++ )
            if ( pol->leaf[j].leaf == l.leaf &&
                 pol->leaf[j].subleaf == l.subleaf )
                break;
        if ( j == pol->nr && pol->nr == MAX_LEAVES )
            rc = -E2BIG;
        else
        {
            pol->leaf[j] = l;
            pol->nr += j == pol->nr;
        }
    }
    for ( i = 0; !rc && i < p->nr_msrs; i++ )
    {
        if ( copy_from_guest(&m, msrs + i * sizeof(m), sizeof(m)) )
            rc = -EFAULT;
        else if ( m.idx != MSR_PLATFORM_INFO && m.idx != MSR_ARCH_CAPS )
            rc = -ERANGE;
        else if ( m.flags || m.val ) /* no CPUID faulting, no arch caps */
            rc = -EINVAL;
        if ( rc )
            p->err_msr = m.idx;
    }
    if ( !rc )
        rc = check_limits(pol, &p->err_leaf, &p->err_subleaf);
    if ( rc )
    {
        xfree(pol);
        return rc;
    }
    xfree(d->cpu_policy);
    d->cpu_policy = pol;
    return 0;
}

long sysctl_get_cpu_policy(struct xen_sysctl *op)
{
    struct xen_sysctl_cpu_policy *p = &op->u.cpu_policy;
    cpuid_fn *fn;

    if ( p->_rsvd )
        return -EINVAL;
    switch ( p->index )
    {
    case XEN_SYSCTL_cpu_policy_raw:
    case XEN_SYSCTL_cpu_policy_host:
        fn = host_query;
        break;
    case XEN_SYSCTL_cpu_policy_pv_max:
    case XEN_SYSCTL_cpu_policy_pv_default:
        fn = pv_query;
        break;
    case XEN_SYSCTL_cpu_policy_hvm_max:
    case XEN_SYSCTL_cpu_policy_hvm_default:
        return -EOPNOTSUPP; /* no HVM */
    default:
        return -EINVAL;
    }
    return policy_out(fn, NULL, (unsigned long)p->leaves.p, &p->nr_leaves,
                      (unsigned long)p->msrs.p, &p->nr_msrs);
}

/* Xen's featureset words: the feature registers of a policy, in order. */
long sysctl_get_cpu_featureset(struct xen_sysctl *op)
{
    struct xen_sysctl_cpu_featureset *f = &op->u.cpu_featureset;
    static const struct {
        uint32_t leaf, sub;
        unsigned int reg; /* 0..3: a b c d; 4: none (an MSR's) */
    } words[NR_FEATURESET] = {
        {1, 0, 3},          {1, 0, 2}, {0x80000001, 0, 3}, {0x80000001, 0, 2},
        {0xd, 1, 0},        {7, 0, 1}, {7, 0, 2},          {0x80000007, 0, 3},
        {0x80000008, 0, 1}, {7, 0, 3}, {7, 1, 0},          {0x80000021, 0, 0},
        {7, 1, 1},          {7, 2, 3}, {7, 1, 2},          {7, 1, 3},
        {0, 0, 4},          {0, 0, 4}, {0x80000021, 0, 2},
    };
    unsigned long buf = (unsigned long)f->features.p;
    uint32_t r[4], w, max_basic, max_extd;
    cpuid_fn *fn;
    unsigned int i;

    switch ( f->index )
    {
    case XEN_SYSCTL_cpu_featureset_raw:
    case XEN_SYSCTL_cpu_featureset_host:
        fn = host_query;
        break;
    case XEN_SYSCTL_cpu_featureset_pv:
    case XEN_SYSCTL_cpu_featureset_pv_max:
        fn = pv_query;
        break;
    case XEN_SYSCTL_cpu_featureset_hvm:
    case XEN_SYSCTL_cpu_featureset_hvm_max:
        return -EOPNOTSUPP;
    default:
        return -EINVAL;
    }
    if ( !buf )
    {
        f->nr_features = NR_FEATURESET;
        return 0;
    }
    fn(NULL, 0, 0, r);
    max_basic = r[0];
    fn(NULL, 0x80000000, 0, r);
    max_extd = r[0];
    for ( i = 0; i < NR_FEATURESET && i < f->nr_features; i++ )
    {
        w = 0;
        if ( words[i].reg < 4 &&
             (words[i].leaf < 0x80000000 ? words[i].leaf <= max_basic
                                         : words[i].leaf <= max_extd) )
        {
            fn(NULL, words[i].leaf, words[i].sub, r);
            w = r[words[i].reg];
        }
        if ( copy_to_guest(buf + i * sizeof(w), &w, sizeof(w)) )
            return -EFAULT;
    }
    f->nr_features = i;
    return i < NR_FEATURESET ? -ENOBUFS : 0; /* there was more */
}
