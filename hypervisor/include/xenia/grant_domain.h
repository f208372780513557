/* SPDX-License-Identifier: GPL-2.0-only */
/* A domain's grant table as the rest of the hypervisor sees it. */
#ifndef XENIA_GRANT_DOMAIN_H
#define XENIA_GRANT_DOMAIN_H

#include <xenia/types.h>
#include <xen/xen.h>

struct domain;

/*
 * A new domain's grant table, with its first frame (grant_table_op.c):
 * at most max_frames frames and max_maptrack maptrack frames, a negative
 * value meaning the host's default; -EINVAL beyond the host's limits.
 */
int gnttab_domain_create(struct domain *d, int max_frames, int max_maptrack);
/* The highest grant table version the host offers (gnttab=max-ver). */
unsigned int gnttab_max_version(void);
/* Lower a new domain's (createdomain's grant_opts), before it runs. */
void gnttab_limit_version(struct domain *d, unsigned int max_version);
/*
 * XENMEM_acquire_resource of d's grant table (id: shared or status
 * frames): how many frames it may have, and the MFNs of nr of them from
 * frame on, grown as needed; 0 or -errno (grant_table_op.c).
 */
unsigned int gnttab_resource_max_frames(const struct domain *d,
                                        unsigned int id);
int gnttab_acquire_resource(struct domain *d, unsigned int id,
                            unsigned long frame, unsigned int nr,
                            xen_pfn_t *mfns);

#endif /* XENIA_GRANT_DOMAIN_H */
