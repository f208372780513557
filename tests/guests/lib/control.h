/* SPDX-License-Identifier: GPL-2.0-only */
/* domctl and sysctl from a test Dom0: the calls a toolstack makes. */
#ifndef GUEST_CONTROL_H
#define GUEST_CONTROL_H

/*
 * domctl.h and sysctl.h are the toolstack's ABI, built as tools with the
 * latest interface version (what xen-compat.h then insists on): a file
 * including this header does so before anything else.
 */
#ifndef __XEN_TOOLS__
#undef __XEN_INTERFACE_VERSION__
#define __XEN_TOOLS__
#endif
#include "guest.h"
#include <xen/domctl.h>
#include <xen/event_channel.h>
#include <xen/memory.h>
#include <xen/sysctl.h>

long domctl(struct xen_domctl *op);
long sysctl(struct xen_sysctl *op);
void domctl_init(struct xen_domctl *op, uint32_t cmd, domid_t dom);
void sysctl_init(struct xen_sysctl *op, uint32_t cmd);
/* A sub-op that needs nothing but the domain. */
long domctl_simple(uint32_t cmd, domid_t dom);

/*
 * createdomain as libxl asks for a PV guest (want 0: any id), then
 * max_vcpus, which Xen 4.17 needs to make the vCPUs.
 */
long dom_create(domid_t want, unsigned int vcpus, domid_t *id);
long dom_max_vcpus(domid_t id, unsigned int n);
long dom_getinfo(domid_t id, struct xen_domctl_getdomaininfo *info);
long dom_max_mem(domid_t id, uint64_t kb);
/* populate_physmap of n order-0 extents; list holds pfns in, MFNs out. */
long dom_populate(domid_t id, xen_pfn_t *list, unsigned long n);
/* Wait until no domain has this id any more (false: it stayed). */
bool dom_wait_gone(domid_t id);

uint64_t host_free_pages(void);
/*
 * The host's free pages once the last frees are done (Xen finishes a
 * destruction after a grace period and scrubs when idle): wait up to 2 s
 * for the count expected, or, with 0, until it has not moved for 300 ms.
 */
uint64_t host_settled_free_pages(uint64_t expect);

/* Let others run for ms milliseconds (by yielding the CPU). */
void sleep_ms(unsigned int ms);

/* Bind VIRQ_DOM_EXC; then: was it raised since the last call? */
void dom_exc_init(void);
bool dom_exc_seen(void);
/* The same, waiting up to ms for it (the end of a domain comes late). */
bool dom_exc_wait(unsigned int ms);

#endif
