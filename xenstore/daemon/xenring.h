/* SPDX-License-Identifier: GPL-2.0-only */
/* The ring backend of a xenstored running in Dom0 on Xen or Xenia. */
#ifndef XSD_XENRING_H
#define XSD_XENRING_H

#include <stdbool.h>

#include "ring.h"

/* Is this Dom0 of a hypervisor with /proc/xen and /dev/xen/evtchn? */
bool xenring_available(void);
/*
 * Opens privcmd, gntdev and evtchn, binds VIRQ_DOM_EXC. NULL and a
 * message on stderr when a device is missing.
 */
struct ring_backend *xenring_new(void);
void xenring_free(struct ring_backend *be);
/* Connects Dom0's kernel through /proc/xen/xsd_kva and xsd_port. */
int xenring_connect_dom0(void);
/* Readable when VIRQ_DOM_EXC fired: a domain shut down or died. */
int xenring_virq_fd(struct ring_backend *be);
/* Rescans the introduced domains: @releaseDomain, dead ones go. */
void xenring_check_domains(struct ring_backend *be);

#endif
