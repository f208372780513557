/* SPDX-License-Identifier: GPL-2.0-only */
/* HYPERVISOR_stack_switch: the kernel stack that bounces from user mode use. */
#include <xenia/errno.h>
#include <xenia/guest_access.h>
#include <xenia/hypercall.h>
#include <xenia/sched.h>
#include <asm/pv.h>

long do_stack_switch(unsigned long ss, unsigned long sp)
{
    struct vcpu *v = current_vcpu();

    /* The kernel stack is where bounces from user mode land. */
    if ( !va_canonical(sp) )
        return -EINVAL;
    v->arch.kernel_ss = ss | 3;
    v->arch.kernel_sp = sp;
    return 0;
}
