/* SPDX-License-Identifier: GPL-2.0-only */
/* HYPERVISOR_callback_op: registering a PV kernel's entry points by type. */
#include <xenia/errno.h>
#include <xenia/guest_access.h>
#include <xenia/hypercall.h>
#include <xenia/sched.h>
#include <xen/callback.h>
#include <asm/pv.h>

static long register_callback(struct vcpu *v, const struct callback_register *cb)
{
    bool mask = cb->flags & CALLBACKF_mask_events;

    if ( !guest_code_ok(cb->address) )
        return -EINVAL;
    switch ( cb->type )
    {
    case CALLBACKTYPE_event:
        v->arch.event_callback_eip = cb->address;
        return 0;
    case CALLBACKTYPE_failsafe:
        v->arch.failsafe_callback_eip = cb->address;
        v->arch.failsafe_disables_events = mask;
        return 0;
    case CALLBACKTYPE_syscall:
        v->arch.syscall_callback_eip = cb->address;
        v->arch.syscall_disables_events = mask;
        return 0;
    case CALLBACKTYPE_nmi:
        v->arch.nmi_callback_eip = cb->address;
        return 0;
    case CALLBACKTYPE_syscall32:
        /*
         * Xen keeps this callback's mask_events flag only for 32-bit
         * guests; a 64-bit guest's compat SYSCALL follows the syscall
         * callback's flag (as on Xen, where the two share one bit).
         */
        v->arch.syscall32_callback_eip = cb->address;
        return 0;
    case CALLBACKTYPE_sysenter:
        v->arch.sysenter_callback_eip = cb->address;
        v->arch.sysenter_disables_events = mask;
        return 0;
    default:
        return -ENOSYS;
    }
}

long do_callback_op(unsigned int cmd, unsigned long arg)
{
    struct vcpu *v = current_vcpu();

    switch ( cmd )
    {
    case CALLBACKOP_register:
    {
        struct callback_register cb;

        if ( copy_from_guest(&cb, arg, sizeof(cb)) )
            return -EFAULT;
        return register_callback(v, &cb);
    }
    case CALLBACKOP_unregister:
    {
        struct callback_unregister cb;
        struct callback_register zero = {0};

        if ( copy_from_guest(&cb, arg, sizeof(cb)) )
            return -EFAULT;
        /* As in Xen, only the NMI callback can be removed. */
        switch ( cb.type )
        {
        case CALLBACKTYPE_nmi:
            zero.type = cb.type;
            return register_callback(v, &zero);
        case CALLBACKTYPE_event:
        case CALLBACKTYPE_failsafe:
        case CALLBACKTYPE_syscall:
        case CALLBACKTYPE_syscall32:
        case CALLBACKTYPE_sysenter:
            return -EINVAL;
        default:
            return -ENOSYS;
        }
    }
    default:
        return -ENOSYS;
    }
}
