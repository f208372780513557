/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * libhcall: Dom0 user space's way to the hypervisor, over Linux's
 * /dev/xen/privcmd, /dev/xen/evtchn, /dev/xen/gntdev and /dev/xen/gntalloc.
 *
 * Every call that can fail returns -1 (or NULL) with errno set, and leaves
 * a one-line message naming the operation and the problem, read with
 * hcall_error(). Structures are those of Xen's public headers (domctl and
 * sysctl interface version 0x15); callers include this header only.
 */
#ifndef HCALL_H
#define HCALL_H

/*
 * domctl.h and sysctl.h are for tools only, and (through hvm/save.h)
 * refuse __STRICT_ANSI__: users build with -std=gnu11, not -std=c11.
 */
#ifndef __XEN_TOOLS__
#define __XEN_TOOLS__ 1
#endif
#ifndef __XEN_INTERFACE_VERSION__
#define __XEN_INTERFACE_VERSION__ __XEN_LATEST_INTERFACE_VERSION__
#endif
#include <stddef.h>
#include <stdint.h>
#include <xen/xen.h>
#include <xen/domctl.h>
#include <xen/event_channel.h>
#include <xen/grant_table.h>
#include <xen/memory.h>
#include <xen/sysctl.h>

#define HCALL_DOMCTL_VERSION 0x15
#define HCALL_SYSCTL_VERSION 0x15

/* ---- privcmd: hypercalls and foreign memory (privcmd.c) ---------------- */
typedef struct hcall hcall_t;

hcall_t *hcall_open(void); /* NULL + errno: see hcall_open_error() */
const char *hcall_open_error(void);
void hcall_close(hcall_t *h);
const char *hcall_error(const hcall_t *h);
int hcall_fd(const hcall_t *h);

/*
 * Memory a hypercall may point at: pages of /dev/xen/hypercall when the
 * kernel has it, else locked anonymous memory. Zeroed.
 */
void *hcall_buf_alloc(hcall_t *h, size_t len);
void hcall_buf_free(hcall_t *h, void *p, size_t len);

/* A hypercall with up to five arguments: its result, or -1 with errno. */
long hcall_raw(hcall_t *h, unsigned int op, uint64_t a0, uint64_t a1,
               uint64_t a2, uint64_t a3, uint64_t a4);

/*
 * Map n frames of domid (machine frames for a PV guest) contiguously.
 * err[i] gets 0 or the errno of frame i; the call succeeds when the ioctl
 * does, even if some err[i] are set (as privcmd's MMAPBATCH_V2). err may
 * be NULL: then any failed frame fails the call.
 */
void *hcall_map_foreign(hcall_t *h, domid_t domid, int prot,
                        const xen_pfn_t *frames, int *err, size_t n);
/* Map frames [idx, idx + n) of a resource (XENMEM_resource_*) of domid. */
void *hcall_map_resource(hcall_t *h, domid_t domid, unsigned int type,
                         unsigned int id, unsigned long idx, size_t n,
                         int prot);
int hcall_unmap(hcall_t *h, void *addr, size_t n);

/* ---- domctl, sysctl and other control hypercalls (domctl.c) ----------- */
int hcall_domctl(hcall_t *h, struct xen_domctl *d);
int hcall_sysctl(hcall_t *h, struct xen_sysctl *s);

/* *domid: DOMID_INVALID to let the hypervisor choose; the new id back. */
int hcall_domain_create(hcall_t *h, uint32_t *domid,
                        const struct xen_domctl_createdomain *cfg);
int hcall_domain_destroy(hcall_t *h, uint32_t domid);
int hcall_domain_pause(hcall_t *h, uint32_t domid);
int hcall_domain_unpause(hcall_t *h, uint32_t domid);
/* Exactly that domain (ESRCH if absent, though Xen 4.17 answers >=). */
int hcall_domain_getinfo(hcall_t *h, uint32_t domid,
                         struct xen_domctl_getdomaininfo *info);
/* Domains with id >= first, at most max: how many were written. */
int hcall_domain_list(hcall_t *h, uint32_t first, uint32_t max,
                      struct xen_domctl_getdomaininfo *out);
int hcall_domain_max_vcpus(hcall_t *h, uint32_t domid, uint32_t max);
int hcall_domain_max_mem(hcall_t *h, uint32_t domid, uint64_t max_kb);
/* XEN_DOMCTL_set_address_size / get_address_size (bits: 64 for a 64-bit PV). */
int hcall_domain_set_address_size(hcall_t *h, uint32_t domid, uint32_t bits);
int hcall_domain_get_address_size(hcall_t *h, uint32_t domid, uint32_t *bits);
int hcall_vcpu_setcontext(hcall_t *h, uint32_t domid, uint32_t vcpu,
                          const vcpu_guest_context_t *ctx);
int hcall_vcpu_getcontext(hcall_t *h, uint32_t domid, uint32_t vcpu,
                          vcpu_guest_context_t *ctx);
int hcall_vcpu_getinfo(hcall_t *h, uint32_t domid, uint32_t vcpu,
                       struct xen_domctl_getvcpuinfo *info);
int hcall_domain_hypercall_init(hcall_t *h, uint32_t domid, uint64_t gmfn);
int hcall_physinfo(hcall_t *h, struct xen_sysctl_physinfo *info);
/* The hypervisor's console ring from *index on: bytes read into buf. */
int hcall_readconsole(hcall_t *h, char *buf, uint32_t len, uint32_t *index);

/* memory_op on behalf of domid: extents done (may be fewer than n). */
long hcall_populate_physmap(hcall_t *h, uint32_t domid, unsigned long n,
                            unsigned int order, xen_pfn_t *frames);
int hcall_evtchn_alloc_unbound(hcall_t *h, uint32_t domid, uint32_t remote,
                               evtchn_port_t *port);
/* GNTTABOP_setup_table for domid: the machine frames of its first n frames. */
int hcall_gnttab_setup_table(hcall_t *h, uint32_t domid, uint32_t n,
                             xen_pfn_t *frames);
/* mmuext_op on domid's frame: MMUEXT_PIN_L4_TABLE, MMUEXT_UNPIN_TABLE... */
int hcall_mmuext(hcall_t *h, uint32_t domid, unsigned int cmd, xen_pfn_t mfn);
long hcall_xen_version(hcall_t *h, int cmd, void *buf, size_t len);

/* ---- event channels (evtchn.c) ---------------------------------------- */
typedef struct hcall_evtchn hcall_evtchn_t;

hcall_evtchn_t *hcall_evtchn_open(void);
void hcall_evtchn_close(hcall_evtchn_t *e);
const char *hcall_evtchn_error(const hcall_evtchn_t *e);
int hcall_evtchn_fd(const hcall_evtchn_t *e);
/* Each returns the local port, or -1. */
int hcall_evtchn_bind_interdomain(hcall_evtchn_t *e, uint32_t domid,
                                  evtchn_port_t remote);
int hcall_evtchn_bind_unbound(hcall_evtchn_t *e, uint32_t domid);
int hcall_evtchn_bind_virq(hcall_evtchn_t *e, unsigned int virq);
int hcall_evtchn_unbind(hcall_evtchn_t *e, evtchn_port_t port);
int hcall_evtchn_notify(hcall_evtchn_t *e, evtchn_port_t port);
/* The next pending port (blocks unless the fd is non-blocking), or -1. */
int hcall_evtchn_pending(hcall_evtchn_t *e);
int hcall_evtchn_unmask(hcall_evtchn_t *e, evtchn_port_t port);

/* ---- grant mapping (gntdev.c) and granting (gntalloc.c) --------------- */
typedef struct hcall_gntdev hcall_gntdev_t;

hcall_gntdev_t *hcall_gntdev_open(void);
void hcall_gntdev_close(hcall_gntdev_t *g);
const char *hcall_gntdev_error(const hcall_gntdev_t *g);
/* Map n refs of domid (one domain) contiguously; NULL on failure. */
void *hcall_gntdev_map(hcall_gntdev_t *g, uint32_t domid,
                       const grant_ref_t *refs, size_t n, int prot);
int hcall_gntdev_unmap(hcall_gntdev_t *g, void *addr, size_t n);

typedef struct hcall_gntalloc hcall_gntalloc_t;

hcall_gntalloc_t *hcall_gntalloc_open(void);
void hcall_gntalloc_close(hcall_gntalloc_t *a);
const char *hcall_gntalloc_error(const hcall_gntalloc_t *a);
/* Share n fresh pages with domid: their refs in refs[], mapped here. */
void *hcall_gntalloc_share(hcall_gntalloc_t *a, uint32_t domid, size_t n,
                           int writable, grant_ref_t *refs);
int hcall_gntalloc_unshare(hcall_gntalloc_t *a, void *addr, size_t n);

#endif /* HCALL_H */
