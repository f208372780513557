/* SPDX-License-Identifier: GPL-2.0-only */
/* HYPERVISOR_domctl: checks, serialisation, and one function per sub-op. */
#include <xenia/console.h>
#include <xenia/domctl.h>
#include <xenia/errno.h>
#include <xenia/guest_access.h>
#include <xenia/hypercall.h>
#include <xenia/lib.h>
#include <xenia/sched.h>

#define NEEDS_DOMAIN (1u << 0) /* op->domain must name a domain */
#define COPY_BACK    (1u << 1) /* the op is returned on success */
#define NO_LOCK      (1u << 2) /* runs beside other domctls */
#define COPY_ON_FAIL (1u << 3) /* returned on failure too (error details) */

static const struct {
    domctl_fn *fn;
    unsigned int flags;
} subops[] = {
    [XEN_DOMCTL_createdomain] = {domctl_createdomain, COPY_BACK},
    [XEN_DOMCTL_destroydomain] = {domctl_destroydomain, NEEDS_DOMAIN},
    [XEN_DOMCTL_pausedomain] = {domctl_pausedomain, NEEDS_DOMAIN},
    [XEN_DOMCTL_unpausedomain] = {domctl_unpausedomain, NEEDS_DOMAIN},
    /* As in Xen: listing domains never waits for a long domctl. */
    [XEN_DOMCTL_getdomaininfo] = {domctl_getdomaininfo, COPY_BACK | NO_LOCK},
    [XEN_DOMCTL_setvcpuaffinity] = {domctl_setvcpuaffinity,
                                    NEEDS_DOMAIN | COPY_BACK},
    [XEN_DOMCTL_max_mem] = {domctl_max_mem, NEEDS_DOMAIN},
    [XEN_DOMCTL_setvcpucontext] = {domctl_setvcpucontext, NEEDS_DOMAIN},
    [XEN_DOMCTL_getvcpucontext] = {domctl_getvcpucontext, NEEDS_DOMAIN},
    [XEN_DOMCTL_getvcpuinfo] = {domctl_getvcpuinfo, NEEDS_DOMAIN | COPY_BACK},
    [XEN_DOMCTL_max_vcpus] = {domctl_max_vcpus, NEEDS_DOMAIN},
    [XEN_DOMCTL_scheduler_op] = {domctl_scheduler_op, NEEDS_DOMAIN | COPY_BACK},
    [XEN_DOMCTL_setdomainhandle] = {domctl_setdomainhandle, NEEDS_DOMAIN},
    [XEN_DOMCTL_hypercall_init] = {domctl_hypercall_init, NEEDS_DOMAIN},
    [XEN_DOMCTL_settimeoffset] = {domctl_settimeoffset, NEEDS_DOMAIN},
    [XEN_DOMCTL_getvcpuaffinity] = {domctl_getvcpuaffinity,
                                    NEEDS_DOMAIN | COPY_BACK},
    [XEN_DOMCTL_set_address_size] = {domctl_set_address_size, NEEDS_DOMAIN},
    [XEN_DOMCTL_get_address_size] = {domctl_get_address_size,
                                     NEEDS_DOMAIN | COPY_BACK},
    [XEN_DOMCTL_gettscinfo] = {domctl_gettscinfo, NEEDS_DOMAIN | COPY_BACK},
    [XEN_DOMCTL_settscinfo] = {domctl_settscinfo, NEEDS_DOMAIN},
    [XEN_DOMCTL_getpageframeinfo3] = {domctl_getpageframeinfo3,
                                      NEEDS_DOMAIN | COPY_BACK},
    [XEN_DOMCTL_get_cpu_policy] = {domctl_get_cpu_policy,
                                   NEEDS_DOMAIN | COPY_BACK},
    [XEN_DOMCTL_set_cpu_policy] = {domctl_set_cpu_policy,
                                   NEEDS_DOMAIN | COPY_ON_FAIL},
};

/*
 * Xen serialises domctls behind one lock and, rather than spin, has the
 * caller issue the hypercall again (a continuation), so a CPU never
 * waits in the hypervisor for another's long domctl.
 */
static bool domctl_busy;

long do_domctl(unsigned long arg)
{
    struct domain *caller = current_vcpu()->domain, *d = NULL;
    struct xen_domctl op;
    unsigned int flags;
    long rc;

    if ( copy_from_guest(&op, arg, sizeof(op)) )
        return -EFAULT;
    if ( op.interface_version != XEN_DOMCTL_INTERFACE_VERSION )
        return -EACCES;
    if ( !caller->is_privileged )
        return -EPERM;
    if ( op.cmd >= ARRAY_SIZE(subops) || !subops[op.cmd].fn )
        return -ENOSYS;
    flags = subops[op.cmd].flags;
    if ( flags & NEEDS_DOMAIN )
    {
        /* Dying domains too: destroydomain continues, info shows them. */
        d = domain_get_any(op.domain);
        if ( !d )
            return -ESRCH;
    }
    if ( !(flags & NO_LOCK) &&
         __atomic_exchange_n(&domctl_busy, true, __ATOMIC_ACQUIRE) )
    {
        rc = -ERESTART;
        goto out;
    }
    rc = subops[op.cmd].fn(d, &op);
    if ( !(flags & NO_LOCK) )
        __atomic_store_n(&domctl_busy, false, __ATOMIC_RELEASE);
    if ( ((rc >= 0 && (flags & COPY_BACK)) ||
          (rc < 0 && rc != -EFAULT && (flags & COPY_ON_FAIL))) &&
         copy_to_guest(arg, &op, sizeof(op)) )
        rc = -EFAULT;
out:
    if ( d )
        domain_put(d);
    return rc;
}
