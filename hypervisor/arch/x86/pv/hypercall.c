/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A 64-bit PV guest's SYSCALL from entry.S: a hypercall from its kernel,
 * dispatched here to its do_<name>, or a system call bounced to the guest
 * kernel; and the exit back to the guest that every entry takes.
 */
#include <xenia/errno.h>
#include <xenia/console.h>
#include <xenia/guest_log.h>
#include <xenia/hypercall.h>
#include <xenia/boot_param.h>
#include <xenia/domain.h>
#include <xenia/sched.h>
#include <xenia/softirq.h>
#include <asm/current.h>
#include <asm/pv.h>
#include <asm/asm_defns.h>


/*
 * A continuation rewrites the arguments of the hypercall in progress on
 * this CPU in its frame: the CPU's guest frame, where every entry from a
 * guest lands (SYSCALL's trampoline, and TSS.RSP0 for the others). Inside
 * a multicall, continuations update the entry instead.
 */
static DEFINE_PER_CPU(unsigned long *, multicall_args);

void hypercall_redirect_args(unsigned long *args)
{
    this_cpu(multicall_args) = args;
}

/*
 * A switch rather than a table of casted pointers: every call is typed.
 * Inline in pv_hypercall(), where the arguments come straight from the
 * frame's registers, and out of line for multicall's entries.
 */
static inline __attribute__((always_inline)) long
dispatch(unsigned long nr, const unsigned long a[5])
{
    switch ( nr )
    {
    case __HYPERVISOR_set_trap_table:
        return do_set_trap_table(a[0]);
    case __HYPERVISOR_mmu_update:
        return do_mmu_update(a[0], a[1], a[2], a[3]);
    case __HYPERVISOR_mmuext_op:
        return do_mmuext_op(a[0], a[1], a[2], a[3]);
    case __HYPERVISOR_update_va_mapping:
        return do_update_va_mapping(a[0], a[1], a[2]);
    case __HYPERVISOR_event_channel_op:
        return do_event_channel_op(a[0], a[1]);
    case __HYPERVISOR_vcpu_op:
        return do_vcpu_op(a[0], a[1], a[2]);
    case __HYPERVISOR_set_timer_op:
        return do_set_timer_op(a[0]);
    case __HYPERVISOR_memory_op:
        return do_memory_op(a[0], a[1]);
    case __HYPERVISOR_set_gdt:
        return do_set_gdt(a[0], a[1]);
    case __HYPERVISOR_update_descriptor:
        return do_update_descriptor(a[0], a[1]);
    case __HYPERVISOR_stack_switch:
        return do_stack_switch(a[0], a[1]);
    case __HYPERVISOR_set_callbacks:
        return do_set_callbacks(a[0], a[1], a[2]);
    case __HYPERVISOR_fpu_taskswitch:
        return do_fpu_taskswitch(a[0]);
    case __HYPERVISOR_set_debugreg:
        return do_set_debugreg(a[0], a[1]);
    case __HYPERVISOR_get_debugreg:
        return do_get_debugreg(a[0]);
    case __HYPERVISOR_multicall:
        return do_multicall(a[0], a[1]);
    case __HYPERVISOR_xen_version:
        return do_xen_version(a[0], a[1]);
    case __HYPERVISOR_console_io:
        return do_console_io(a[0], a[1], a[2]);
    case __HYPERVISOR_vm_assist:
        return do_vm_assist(a[0], a[1]);
    case __HYPERVISOR_set_segment_base:
        return do_set_segment_base(a[0], a[1]);
    case __HYPERVISOR_sched_op:
        return do_sched_op(a[0], a[1]);
    case __HYPERVISOR_physdev_op:
        return do_physdev_op(a[0], a[1]);
    case __HYPERVISOR_platform_op:
        return do_platform_op(a[0]);
    case __HYPERVISOR_callback_op:
        return do_callback_op(a[0], a[1]);
    case __HYPERVISOR_grant_table_op:
        return do_grant_table_op(a[0], a[1], a[2]);
    case __HYPERVISOR_domctl:
        return do_domctl(a[0]);
    case __HYPERVISOR_sysctl:
        return do_sysctl(a[0]);
    default:
        return -ENOSYS;
    }
}

long hypercall_dispatch(unsigned long nr, const unsigned long a[5])
{
    return dispatch(nr, a);
}

void hypercall_set_arg(unsigned int i, unsigned long val)
{
    struct cpu_user_regs *r = &get_cpu_info()->guest_cpu_user_regs;

    if ( this_cpu(multicall_args) )
    {
        if ( i < 5 )
            this_cpu(multicall_args)[i] = val;
        return;
    }
    switch ( i )
    {
    case 0:
        r->rdi = val;
        break;
    case 1:
        r->rsi = val;
        break;
    case 2:
        r->rdx = val;
        break;
    case 3:
        r->r10 = val;
        break;
    case 4:
        r->r8 = val;
        break;
    }
}

/*
 * hypercall_trace=<n> logs a guest's first n hypercalls and their results:
 * the quickest way to see where an unfamiliar kernel stops on Xenia, and to
 * diff its conversation against Xen's (its own tracing needs a debug build).
 */
static unsigned int opt_hypercall_trace;
integer_param("hypercall_trace", opt_hypercall_trace);
/* hypercall_errors logs every hypercall that fails, however many. */
static bool opt_hypercall_errors;
boolean_param("hypercall_errors", opt_hypercall_errors);

static void trace(const struct cpu_user_regs *regs, const unsigned long a[5],
                  long rc)
{
    gprintk(XENLOG_G_DEBUG, current_vcpu(),
            "hypercall %lu(%#lx, %#lx, %#lx, %#lx, %#lx) = %ld at %#lx\n",
            (unsigned long)regs->rax, a[0], a[1], a[2], a[3], a[4],
           rc, (unsigned long)regs->rip);
}

void hypercall_note_multicall_entry(unsigned long nr, const unsigned long a[5],
                                    long rc)
{
    if ( opt_hypercall_errors && rc < 0 && rc != -ERESTART )
        gprintk(XENLOG_G_DEBUG, current_vcpu(),
                "multicall entry %lu(%#lx, %#lx, %#lx, %#lx, %#lx) = %ld\n",
                nr, a[0], a[1], a[2], a[3], a[4], rc);
}

static void after_hypercall(struct cpu_user_regs *regs, long rc)
{
    if ( rc == -ERESTART )
    {
        regs->rip -= 2; /* back onto the syscall: the guest calls again */
        current_vcpu()->continuations++; /* for the 'q' debug key */
    }
    else
        regs->rax = rc;
}

/* With a trace or error log asked for: the arguments as called, kept. */
static void __attribute__((noinline))
hypercall_logged(struct cpu_user_regs *regs)
{
    unsigned long args[5] = {regs->rdi, regs->rsi, regs->rdx, regs->r10,
                             regs->r8};
    long rc;

    rc = hypercall_dispatch(regs->rax, args);
    if ( opt_hypercall_trace )
    {
        opt_hypercall_trace--;
        trace(regs, args, rc);
    }
    else if ( opt_hypercall_errors && rc < 0 && rc != -ERESTART )
        trace(regs, args, rc);
    after_hypercall(regs, rc);
}

void pv_hypercall(struct cpu_user_regs *regs)
{
    long rc;

    /* iret rewrites the whole frame, so it cannot go through dispatch. */
    if ( regs->rax == __HYPERVISOR_iret )
    {
        regs->rax = do_iret(regs);
        return;
    }
    if ( opt_hypercall_trace || opt_hypercall_errors )
    {
        hypercall_logged(regs);
        return;
    }
    rc = dispatch(regs->rax,
                  (const unsigned long[5]){regs->rdi, regs->rsi, regs->rdx,
                                           regs->r10, regs->r8});
    after_hypercall(regs, rc);
}

void pv_syscall_entry(struct cpu_user_regs *regs)
{
    struct vcpu *v = current_vcpu();
    unsigned long eip;

    if ( regs->entry_vector == TRAP_syscall && v->arch.kernel_mode )
    {
        pv_hypercall(regs);
        return;
    }
    /*
     * A system call from guest user mode goes to the guest kernel, with
     * DF cleared as the PV ABI's virtual SYSCALL_MASK says. With no
     * callback it is the #UD of a CPU without SYSCALL, on the instruction.
     */
    eip = regs->entry_vector == TRAP_syscall32 ? v->arch.syscall32_callback_eip
                                               : v->arch.syscall_callback_eip;
    if ( eip )
    {
        if ( pv_create_bounce_frame(v, regs, eip, false, 0,
                                    v->arch.syscall_disables_events) )
            regs->rflags &= ~X86_EFLAGS_DF;
    }
    else
    {
        regs->rip -= 2;
        pv_inject_trap(v, regs, 6, 0);
    }
}

/*
 * sched_exit_to_guest() has just found nothing to do, with interrupts
 * off: what another CPU asks from now on comes with an IPI, taken as soon
 * as the guest runs. So with no event to bounce the vCPU can go at once
 * (the common case: every return from a system call or a hypercall).
 */
static bool event_to_bounce(const struct vcpu *v)
{
    const struct vcpu_info *vi = v->vcpu_info;

    return vi->evtchn_upcall_pending && !vi->evtchn_upcall_mask &&
           v->arch.event_callback_eip;
}

static void __attribute__((noinline))
bounce_events(struct cpu_user_regs *regs, struct vcpu *v)
{
    do
    {
        pv_create_bounce_frame(v, regs, v->arch.event_callback_eip, false, 0,
                               true);
        /*
         * A bounce that crashed the domain means: pick someone else; and a
         * reschedule asked for meanwhile must not wait for a timer that
         * may no longer be armed.
         */
        if ( !v->domain->is_shutting_down &&
             !softirq_pending(smp_processor_id(), SCHEDULE_SOFTIRQ) )
            return;
        v = sched_exit_to_guest(regs);
    } while ( event_to_bounce(v) );
}

/* The usual case straight through; an event to deliver out of line. */
void pv_exit_to_guest(struct cpu_user_regs *regs)
{
    struct vcpu *v = sched_exit_to_guest(regs);

    if ( event_to_bounce(v) )
        bounce_events(regs, v);
}

/*
 * The hypercall page a kernel asks for with XEN_ELFNOTE_HYPERCALL_PAGE:
 * 32 bytes per hypercall, each saving the registers SYSCALL clobbers:
 *   push %rcx; push %r11; mov $nr, %eax; syscall; pop %r11; pop %rcx; ret
 * iret never returns to its stub, so it pushes %rax as part of the frame
 * (struct iret_context) instead:
 *   push %rcx; push %r11; push %rax; mov $23, %eax; syscall
 */
void pv_write_hypercall_page(uint8_t *page)
{
    static const uint8_t tail[] = {0x0f, 0x05, 0x41, 0x5b, 0x59, 0xc3};
    static const uint8_t iret[] = {0x51, 0x41, 0x53, 0x50, 0xb8,
                                   __HYPERVISOR_iret, 0, 0, 0, 0x0f, 0x05};
    unsigned int i;

    memset(page, 0xcc, PAGE_SIZE); /* int3 between the stubs */
    for ( i = 0; i < PAGE_SIZE / 32; i++ )
    {
        uint8_t *p = page + i * 32;

        p[0] = 0x51;
        p[1] = 0x41;
        p[2] = 0x53;
        p[3] = 0xb8;
        memcpy(p + 4, &i, 4);
        memcpy(p + 8, tail, sizeof(tail));
    }
    memcpy(page + __HYPERVISOR_iret * 32, iret, sizeof(iret));
}
