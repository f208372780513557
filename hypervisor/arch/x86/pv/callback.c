/* SPDX-License-Identifier: GPL-2.0-only */
/* A PV kernel's virtual IDT, callbacks, stack and segment bases. */
#include <xenia/console.h>
#include <xenia/errno.h>
#include <xenia/guest_access.h>
#include <xenia/hypercall.h>
#include <xenia/sched.h>
#include <xen/callback.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/pv.h>

static bool canonical(unsigned long va)
{
    return ((long)va >> 47) == 0 || ((long)va >> 47) == -1;
}

/* Handlers must be guest code: canonical and outside Xenia's slots. */
static bool guest_code_ok(unsigned long eip)
{
    return eip == 0 || guest_range_ok(eip, 1);
}

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

long do_stack_switch(unsigned long ss, unsigned long sp)
{
    struct vcpu *v = current_vcpu();

    /* The kernel stack is where bounces from user mode land. */
    if ( !canonical(sp) )
        return -EINVAL;
    v->arch.kernel_ss = ss | 3;
    v->arch.kernel_sp = sp;
    return 0;
}

long do_set_segment_base(unsigned int which, unsigned long base)
{
    struct vcpu *v = current_vcpu();

    switch ( which )
    {
    case SEGBASE_FS:
        if ( !canonical(base) )
            return -EINVAL;
        wrmsr(MSR_FS_BASE, base);
        v->arch.fs_base = base;
        return 0;
    case SEGBASE_GS_USER:
        /* In kernel mode the user's base waits in the shadow register. */
        if ( !canonical(base) )
            return -EINVAL;
        wrmsr(MSR_SHADOW_GS_BASE, base);
        v->arch.gs_base_user = base;
        return 0;
    case SEGBASE_GS_KERNEL:
        if ( !canonical(base) )
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
