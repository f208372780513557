/* SPDX-License-Identifier: GPL-2.0-only */
/* Reading and writing guest memory through guest virtual addresses. */
#ifndef XENIA_GUEST_ACCESS_H
#define XENIA_GUEST_ACCESS_H

#include <xenia/types.h>

/*
 * A PV guest's pointers are virtual addresses in its current page
 * tables, which are loaded while it is in a hypercall. A range is only
 * accepted if it is canonical and lies wholly outside the hypervisor's
 * slots (0xffff800000000000-0xffff87ffffffffff): otherwise a guest could
 * make Xenia read or write its own memory. The copy itself stops at the
 * first fault. Both return 0 or -EFAULT.
 */
/* Canonical: bits 63 to 47 all equal. */
static inline bool va_canonical(unsigned long va)
{
    return ((long)va >> 47) == 0 || ((long)va >> 47) == -1;
}

/* Inline: every copy to or from a guest asks first. */
static inline bool guest_range_ok(unsigned long va, size_t len)
{
    unsigned long last = va + len - 1;

    if ( !len )
        return true;
    if ( last < va || !va_canonical(va) || !va_canonical(last) )
        return false;
    /* Both halves of the canonical space are the guest's except our slots. */
    return last < 0xffff800000000000UL || va >= 0xffff880000000000UL;
}
/* A guest's handler address: none (0), or canonical and outside our slots. */
static inline bool guest_code_ok(unsigned long eip)
{
    return eip == 0 || guest_range_ok(eip, 1);
}
int copy_from_guest(void *dst, unsigned long src, size_t len);
int copy_to_guest(unsigned long dst, const void *src, size_t len);

/* Exception table: where a faulting instruction continues, or 0. */
unsigned long search_exception_table(unsigned long rip);

#endif /* XENIA_GUEST_ACCESS_H */
