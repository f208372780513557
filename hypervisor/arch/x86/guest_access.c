/* SPDX-License-Identifier: GPL-2.0-only */
/* Guest pointer checks and the fault-safe copies that use them. */
#include <xenia/errno.h>
#include <xenia/guest_access.h>
#include <xenia/lib.h>
#include <xen/xen.h>

struct ex_entry {
    unsigned long insn, fixup;
};
extern const struct ex_entry __start_ex_table[], __stop_ex_table[];

/* The hypervisor's slots, as guest_access.h spells them. */
BUILD_BUG_ON(HYPERVISOR_VIRT_START != 0xffff800000000000UL);
BUILD_BUG_ON(HYPERVISOR_VIRT_END != 0xffff880000000000UL);

unsigned long search_exception_table(unsigned long rip)
{
    const struct ex_entry *e;

    for ( e = __start_ex_table; e < __stop_ex_table; e++ )
        if ( e->insn == rip )
            return e->fixup;
    return 0;
}
