/* SPDX-License-Identifier: GPL-2.0-only */
/* The domctl sub-ops, one function each, behind the dispatcher (domctl.c). */
#ifndef XENIA_DOMCTL_H
#define XENIA_DOMCTL_H

#include <xenia/domain.h>
/*
 * domctl.h pulls in the HVM save records, whose hypervisor flavour wants
 * Xen's internal lib.h: take their tools flavour (the layout is the same).
 */
#undef __XEN__
#include <xen/hvm/save.h>
#define __XEN__
#include <xen/domctl.h>

/*
 * Each sub-op gets the domain op->domain names (referenced; NULL only for
 * createdomain and getdomaininfo) and the copied-in op, which the
 * dispatcher copies back to the caller when the sub-op's table entry
 * says so and the result is not an error. -ERESTART re-issues the whole
 * hypercall later.
 */
typedef long domctl_fn(struct domain *d, struct xen_domctl *op);

/* common/domctl_domain.c: a domain's life and limits. */
domctl_fn domctl_createdomain, domctl_destroydomain, domctl_pausedomain,
    domctl_unpausedomain, domctl_getdomaininfo, domctl_max_mem,
    domctl_max_vcpus, domctl_setdomainhandle, domctl_settimeoffset;
/* common/domctl_vcpu.c: its vCPUs seen from outside. */
domctl_fn domctl_getvcpuinfo, domctl_setvcpuaffinity, domctl_getvcpuaffinity,
    domctl_scheduler_op;
/* arch/x86/pv/domctl.c: PV vCPU context and x86 specifics. */
domctl_fn domctl_setvcpucontext, domctl_getvcpucontext, domctl_set_address_size,
    domctl_get_address_size, domctl_hypercall_init, domctl_getpageframeinfo3,
    domctl_gettscinfo, domctl_settscinfo, domctl_get_cpu_policy,
    domctl_set_cpu_policy;

/* sysctl sub-ops in arch code (arch/x86/pv/cpu_policy.c). */
struct xen_sysctl;
long sysctl_get_cpu_policy(struct xen_sysctl *op);
long sysctl_get_cpu_featureset(struct xen_sysctl *op);

/* What getdomaininfo and sysctl getdomaininfolist report of d. */
void domain_getinfo(struct domain *d, struct xen_domctl_getdomaininfo *info);

#endif /* XENIA_DOMCTL_H */
