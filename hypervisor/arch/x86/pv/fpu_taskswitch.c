/* SPDX-License-Identifier: GPL-2.0-only */
/* HYPERVISOR_fpu_taskswitch: a PV kernel's virtual CR0.TS. */
#include <xenia/hypercall.h>
#include <xenia/sched.h>
#include <asm/processor.h>
#include <asm/pv.h>

long do_fpu_taskswitch(unsigned int set)
{
    struct vcpu *v = current_vcpu();

    /* Virtual CR0.TS: the real one follows so that #NM reaches the guest. */
    if ( set )
    {
        v->arch.ctrlreg[0] |= X86_CR0_TS;
        write_cr0(read_cr0() | X86_CR0_TS);
    }
    else
    {
        v->arch.ctrlreg[0] &= ~X86_CR0_TS;
        asm volatile("clts");
    }
    return 0;
}
