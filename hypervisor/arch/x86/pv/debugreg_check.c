/* SPDX-License-Identifier: GPL-2.0-only */
/* Which debug register values a PV guest may set, as Xen decides (no hardware). */
#include <xenia/errno.h>
#include <xenia/guest_access.h>
#include <asm/debugreg.h>

int debugreg_index(unsigned int reg)
{
    if ( reg > 7 )
        return -ENODEV;
    return reg == 4 || reg == 5 ? (int)reg + 2 : (int)reg;
}

int debugreg_check(unsigned int index, unsigned long value,
                   unsigned long *keep)
{
    unsigned int i;

    switch ( index )
    {
    case 0:
    case 1:
    case 2:
    case 3:
        /* A breakpoint on Xenia's memory would fire inside Xenia. */
        if ( !guest_range_ok(value, 1) )
            return -EPERM;
        break;
    case 6:
        if ( value >> 32 )
            return -EINVAL;
        value = (value & ~DR6_RESERVED_ZERO) | DR6_RESERVED_ONES;
        break;
    case 7:
        if ( value >> 32 )
            return -EINVAL;
        value = (value & DR7_KEEP) | DR7_RESERVED_ONES;
        /* General detect would trap Xenia's own moves. */
        if ( value & DR7_GENERAL_DETECT )
            return -EPERM;
        /* I/O breakpoints need CR4.DE, which PV guests do not get. */
        if ( value & DR7_ENABLES )
            for ( i = 16; i < 32; i += 4 )
                if ( ((value >> i) & 3) == 2 )
                    return -EPERM;
        break;
    default:
        return -ENODEV;
    }
    *keep = value;
    return 0;
}
