/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The straight-line path of a page fault in a PV guest's user space,
 * bounced to its kernel. It runs with interrupts off from entry to IRETQ,
 * on the caller-saved half of the frame (entry.S), and does the same
 * checks as the general path through the same functions; anything else
 * (no handler, a frame that does not write, the guest kernel's own
 * faults) is left untouched to the general path. On the way out the one
 * branch is the work ret_to_guest would do: a reschedule, a pause or
 * shutdown, an event to deliver.
 *
 * The two trips of a system call (the user's SYSCALL bounced to its
 * kernel, the kernel's HYPERVISOR_iret) are assembly, in pv/entry.S; the
 * layout they read is checked here.
 */
#include <xenia/sched.h>
#include <xenia/softirq.h>
#include <asm/asm_defns.h>
#include <asm/current.h>
#include <asm/eflags.h>
#include <asm/processor.h>
#include <asm/pv.h>
#include <asm/pv_bounce.h>
#include <asm/pv_entry_offsets.h>

BUILD_BUG_ON(offsetof(struct cpu_user_regs, r15) != UREGS_r15);
BUILD_BUG_ON(offsetof(struct cpu_user_regs, r11) != UREGS_r11);
BUILD_BUG_ON(offsetof(struct cpu_user_regs, r10) != UREGS_r10);
BUILD_BUG_ON(offsetof(struct cpu_user_regs, r9) != UREGS_r9);
BUILD_BUG_ON(offsetof(struct cpu_user_regs, r8) != UREGS_r8);
BUILD_BUG_ON(offsetof(struct cpu_user_regs, rcx) != UREGS_rcx);
BUILD_BUG_ON(offsetof(struct cpu_user_regs, rdx) != UREGS_rdx);
BUILD_BUG_ON(offsetof(struct cpu_user_regs, rsi) != UREGS_rsi);
BUILD_BUG_ON(offsetof(struct cpu_user_regs, rdi) != UREGS_rdi);
BUILD_BUG_ON(offsetof(struct cpu_info, guest_cpu_user_regs) != 0);
BUILD_BUG_ON(offsetof(struct cpu_info, processor_id) != CPUINFO_processor_id);
BUILD_BUG_ON(offsetof(struct cpu_info, current_vcpu) != CPUINFO_current_vcpu);
BUILD_BUG_ON(offsetof(struct cpu_info, tlbflush_time) != CPUINFO_tlbflush_time);
BUILD_BUG_ON(sizeof(struct cpu_info) > CPU_INFO_RESERVE);
BUILD_BUG_ON(offsetof(struct vcpu, domain) != VCPU_domain);
BUILD_BUG_ON(offsetof(struct vcpu, pause_flags) != VCPU_pause_flags);
BUILD_BUG_ON(sizeof(((struct vcpu *)0)->pause_flags) != 4);
BUILD_BUG_ON(offsetof(struct vcpu, vcpu_info) != VCPU_vcpu_info);
BUILD_BUG_ON(offsetof(struct vcpu, arch.event_callback_eip) != VCPU_event_callback_eip);
BUILD_BUG_ON(offsetof(struct vcpu, arch.syscall_callback_eip) !=
             VCPU_syscall_callback_eip);
BUILD_BUG_ON(offsetof(struct vcpu, arch.syscall_disables_events) !=
             VCPU_syscall_disables_events);
BUILD_BUG_ON(offsetof(struct vcpu, arch.kernel_sp) != VCPU_kernel_sp);
BUILD_BUG_ON(offsetof(struct vcpu, arch.guest_table) != VCPU_guest_table);
BUILD_BUG_ON(offsetof(struct vcpu, arch.guest_table_user) != VCPU_guest_table_user);
BUILD_BUG_ON(sizeof(mfn_t) != 8);
BUILD_BUG_ON(offsetof(struct vcpu, arch.kernel_mode) != VCPU_kernel_mode);
BUILD_BUG_ON(sizeof(bool) != 1);
BUILD_BUG_ON(offsetof(struct vcpu, arch.iret_ok) != VCPU_iret_ok);
BUILD_BUG_ON(ARRAY_SIZE(((struct vcpu *)0)->arch.iret_ok) != 2);
BUILD_BUG_ON(sizeof(((struct vcpu *)0)->arch.iret_ok[0]) != IRET_OK_size);
BUILD_BUG_ON(offsetof(struct vcpu, arch.iret_ok[0].cs) != VCPU_iret_ok);
BUILD_BUG_ON(offsetof(struct vcpu, arch.iret_ok[0].ss) != VCPU_iret_ok + 2);
BUILD_BUG_ON(offsetof(struct vcpu, arch.iret_ok[0].gen) != VCPU_iret_ok + IRET_OK_gen);
BUILD_BUG_ON(offsetof(struct domain, desc_gen) != DOMAIN_desc_gen);
BUILD_BUG_ON(offsetof(struct domain, is_shutting_down) != DOMAIN_is_shutting_down);
BUILD_BUG_ON(offsetof(struct vcpu_info, evtchn_upcall_pending) != VCPUINFO_upcall_pending);
BUILD_BUG_ON(offsetof(struct vcpu_info, evtchn_upcall_mask) != VCPUINFO_upcall_mask);
BUILD_BUG_ON(offsetof(struct iret_context, rax) != IRET_rax);
BUILD_BUG_ON(offsetof(struct iret_context, r11) != IRET_r11);
BUILD_BUG_ON(offsetof(struct iret_context, rcx) != IRET_rcx);
BUILD_BUG_ON(offsetof(struct iret_context, flags) != IRET_flags);
BUILD_BUG_ON(offsetof(struct iret_context, rip) != IRET_rip);
BUILD_BUG_ON(offsetof(struct iret_context, cs) != IRET_cs);
BUILD_BUG_ON(offsetof(struct iret_context, rflags) != IRET_rflags);
BUILD_BUG_ON(offsetof(struct iret_context, rsp) != IRET_rsp);
BUILD_BUG_ON(offsetof(struct iret_context, ss) != IRET_ss);
BUILD_BUG_ON(sizeof(struct iret_context) != IRET_size);
BUILD_BUG_ON(VGCF_in_syscall != IRET_flags_in_syscall);
BUILD_BUG_ON(__HYPERVISOR_iret != HYPERCALL_iret);
BUILD_BUG_ON(1UL << SCHEDULE_SOFTIRQ != SOFTIRQ_schedule_mask);
BUILD_BUG_ON(FLAT_KERNEL_CS != FLAT_KERNEL_CS_ASM);
BUILD_BUG_ON(FLAT_KERNEL_SS != FLAT_KERNEL_SS_ASM);
BUILD_BUG_ON(PAGE_SHIFT != 12);

#define PFEC_user_mode (1u << 2)

/*
 * pv_handle_exception()'s #PF from guest user mode: no page-table write
 * to emulate there (the guest kernel's alone), so it goes to the guest's
 * handler with CR2 in vcpu_info and the user bit in the error code.
 */
static unsigned int __attribute__((noinline))
user_page_fault(struct vcpu *v, struct cpu_user_regs *regs)
{
    const struct trap_info *ti = &v->arch.trap_ctxt[14];
    unsigned long cr2 = read_cr2();

    if ( !ti->address )
        return PV_FAST_SLOW;
    if ( !bounce_frame_write(v, regs, ti->address, true,
                             regs->error_code | PFEC_user_mode,
                             TI_GET_IF(ti)) )
    {
        /* Its own fault on the guest stack changed CR2: the slow path reads it. */
        write_cr2(cr2);
        return PV_FAST_SLOW;
    }
    v->vcpu_info->arch.cr2 = cr2;
    return fast_exit_work(v, regs);
}

/*
 * The guest kernel's own faults (writable page tables) leave at once, for
 * pv_kernel_page_fault() once the whole frame is saved.
 */
unsigned int pv_page_fault_fast(struct cpu_user_regs *regs)
{
    struct vcpu *v = current_vcpu();

    if ( v->arch.kernel_mode )
        return PV_FAST_KERNEL_PF;
    return user_page_fault(v, regs);
}
