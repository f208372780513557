/* SPDX-License-Identifier: GPL-2.0-only */
/* HYPERVISOR_set_callbacks: the event, failsafe and syscall entry points at once. */
#include <xenia/errno.h>
#include <xenia/guest_access.h>
#include <xenia/hypercall.h>
#include <xenia/sched.h>
#include <asm/pv.h>

long do_set_callbacks(unsigned long event, unsigned long failsafe,
                      unsigned long syscall)
{
    struct vcpu *v = current_vcpu();

    if ( !guest_code_ok(event) || !guest_code_ok(failsafe) ||
         !guest_code_ok(syscall) )
        return -EINVAL;
    v->arch.event_callback_eip = event;
    v->arch.failsafe_callback_eip = failsafe;
    v->arch.syscall_callback_eip = syscall;
    return 0;
}
