/* SPDX-License-Identifier: GPL-2.0-only */
/* HYPERVISOR_set_trap_table: a PV kernel's virtual IDT. */
#include <xenia/errno.h>
#include <xenia/guest_access.h>
#include <xenia/hypercall.h>
#include <xenia/sched.h>
#include <asm/pv.h>

long do_set_trap_table(unsigned long traps)
{
    struct vcpu *v = current_vcpu();
    struct trap_info ti;
    unsigned int i;

    /* A null pointer clears the whole table. */
    if ( !traps )
    {
        memset(v->arch.trap_ctxt, 0, sizeof(v->arch.trap_ctxt));
        return 0;
    }
    for ( i = 0; i < 256; i++ )
    {
        if ( copy_from_guest(&ti, traps + i * sizeof(ti), sizeof(ti)) )
            return -EFAULT;
        if ( !ti.address )
            return 0; /* the terminating entry */
        if ( !guest_code_ok(ti.address) )
            return -EINVAL;
        v->arch.trap_ctxt[ti.vector] = ti;
    }
    return 0;
}
