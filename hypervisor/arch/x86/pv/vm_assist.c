/* SPDX-License-Identifier: GPL-2.0-only */
/* HYPERVISOR_vm_assist: the optional PV behaviours a guest turns on. */
#include <xenia/errno.h>
#include <xenia/hypercall.h>
#include <xenia/sched.h>
#include <asm/pv.h>

long do_vm_assist(unsigned int cmd, unsigned int type)
{
    struct vcpu *v = current_vcpu();
    /* The assists Xen accepts for 64-bit PV; the 32-bit ones are no-ops. */
    unsigned long valid = (1UL << VMASST_TYPE_4gb_segments) |
                          (1UL << VMASST_TYPE_4gb_segments_notify) |
                          (1UL << VMASST_TYPE_writable_pagetables) |
                          (1UL << VMASST_TYPE_pae_extended_cr3) |
                          (1UL << VMASST_TYPE_architectural_iopl) |
                          (1UL << VMASST_TYPE_runstate_update_flag) |
                          (1UL << VMASST_TYPE_m2p_strict);
    unsigned int i;

    if ( type >= 64 || !(valid & (1UL << type)) )
        return -EINVAL;
    for ( i = 0; i < v->domain->max_vcpus; i++ )
    {
        struct vcpu *w = v->domain->vcpu[i];

        if ( cmd == VMASST_CMD_enable )
            w->arch.vm_assist |= 1UL << type;
        else if ( cmd == VMASST_CMD_disable )
            w->arch.vm_assist &= ~(1UL << type);
        else
            return -ENOSYS;
    }
    return 0;
}
