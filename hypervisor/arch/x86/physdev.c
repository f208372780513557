/* SPDX-License-Identifier: GPL-2.0-only */
/* physdev_op: a PV domain's view of physical devices and its I/O privilege. */
#include <xenia/errno.h>
#include <xenia/guest_access.h>
#include <xenia/hypercall.h>
#include <asm/pv.h>
#include <xen/physdev.h>

/*
 * Xenia gives Dom0 no interrupt lines or PCI devices yet, so everything
 * about PIRQs, GSIs, MSIs and device reporting answers -ENOSYS, the code
 * Xen gives for an absent feature; Linux treats each of those as "no such
 * interrupt" and carries on (research, 5.4).
 */
long do_physdev_op(unsigned int cmd, unsigned long arg)
{
    struct vcpu *v = current_vcpu();

    switch ( cmd )
    {
    case PHYSDEVOP_set_iopl:
    {
        struct physdev_set_iopl op;

        if ( copy_from_guest(&op, arg, sizeof(op)) )
            return -EFAULT;
        if ( op.iopl > 3 )
            return -EINVAL;
        v->arch.iopl = op.iopl;
        return 0;
    }
    default:
        return -ENOSYS;
    }
}
