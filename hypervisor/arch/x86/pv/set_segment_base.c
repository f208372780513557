/* SPDX-License-Identifier: GPL-2.0-only */
/* HYPERVISOR_set_segment_base: a PV guest's %fs and %gs bases and user %gs. */
#include <xenia/errno.h>
#include <xenia/guest_access.h>
#include <xenia/hypercall.h>
#include <xenia/sched.h>
#include <asm/msr.h>
#include <asm/pv.h>

long do_set_segment_base(unsigned int which, unsigned long base)
{
    struct vcpu *v = current_vcpu();

    switch ( which )
    {
    case SEGBASE_FS:
        if ( !va_canonical(base) )
            return -EINVAL;
        wrmsr(MSR_FS_BASE, base);
        v->arch.fs_base = base;
        return 0;
    case SEGBASE_GS_USER:
        /* In kernel mode the user's base waits in the shadow register. */
        if ( !va_canonical(base) )
            return -EINVAL;
        wrmsr(MSR_SHADOW_GS_BASE, base);
        v->arch.gs_base_user = base;
        return 0;
    case SEGBASE_GS_KERNEL:
        if ( !va_canonical(base) )
            return -EINVAL;
        wrmsr(MSR_GS_BASE, base);
        v->arch.gs_base_kernel = base;
        return 0;
    case SEGBASE_GS_USER_SEL:
    {
        unsigned int sel = base & 0xffff;
        long rc = 0;

        /* Load the user selector without disturbing the kernel's base. */
        asm volatile("swapgs\n"
                     "1: mov %k1, %%gs\n"
                     "2: swapgs\n"
                     ".pushsection .fixup, \"ax\"\n"
                     "3: mov $-22, %0\n" /* -EINVAL */
                     "   xor %k1, %k1\n"
                     "   mov %k1, %%gs\n"
                     "   jmp 2b\n"
                     ".popsection\n"
                     ".pushsection .ex_table, \"a\"\n"
                     ".quad 1b, 3b\n"
                     ".popsection"
                     : "+r"(rc), "+r"(sel)
                     :
                     : "memory");
        v->arch.user_regs.gs = sel;
        v->arch.gs_base_user = rdmsr(MSR_SHADOW_GS_BASE);
        return rc;
    }
    default:
        return -EINVAL;
    }
}
