/* SPDX-License-Identifier: GPL-2.0-only */
/* Reading and writing guest memory through guest virtual addresses. */
#ifndef XENIA_GUEST_ACCESS_H
#define XENIA_GUEST_ACCESS_H

#include <xenia/errno.h>
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
    /*
     * The guest's: the lower canonical half, and the upper one above our
     * slots. A range that does not wrap lies in one of them when its last
     * byte is in the lower or its first in the upper, and that is all the
     * canonical checks would add: two compares on every copy.
     */
    return last >= va &&
           (last < 0x0000800000000000UL || va >= 0xffff880000000000UL);
}
/* A guest's handler address: none (0), or canonical and outside our slots. */
static inline bool guest_code_ok(unsigned long eip)
{
    return eip == 0 || guest_range_ok(eip, 1);
}
/* Returns the number of bytes not copied (arch/x86/usercopy.S). */
size_t raw_copy(void *dst, const void *src, size_t n);
/* Inline: the hot paths (bounce frames, iret) copy on every entry. */
static inline int copy_from_guest(void *dst, unsigned long src, size_t len)
{
    if ( !guest_range_ok(src, len) )
        return -EFAULT;
    return raw_copy(dst, (const void *)src, len) ? -EFAULT : 0;
}
static inline int copy_to_guest(unsigned long dst, const void *src, size_t len)
{
    if ( !guest_range_ok(dst, len) )
        return -EFAULT;
    return raw_copy((void *)dst, src, len) ? -EFAULT : 0;
}

/* Exception table: where a faulting instruction continues, or 0. */
unsigned long search_exception_table(unsigned long rip);

#endif /* XENIA_GUEST_ACCESS_H */
