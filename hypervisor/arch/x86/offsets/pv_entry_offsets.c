/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The structure offsets and constants the assembly fast paths
 * (pv/entry.S) read, written out at build time as
 * build/hypervisor/include/asm/pv_entry_offsets.h: struct vcpu and struct
 * domain change with the configuration (CONFIG_NR_CPUS sizes a cpumask in
 * struct domain), so hand-kept numbers would break a build that only
 * changed a Kconfig option. Compiled to assembly only, never linked: each
 * OFFSET() leaves a "->NAME value" line that the Makefile turns into a
 * #define.
 */
#include <xenia/sched.h>
#include <xenia/softirq.h>
#include <asm/asm_defns.h>
#include <asm/current.h>
#include <asm/flushtlb.h>
#include <asm/pv.h>

/* What the assembly assumes beyond offsets: its operand widths and shapes. */
BUILD_BUG_ON(offsetof(struct cpu_info, guest_cpu_user_regs) != 0);
BUILD_BUG_ON(sizeof(struct cpu_info) > CPU_INFO_RESERVE);
BUILD_BUG_ON(sizeof(((struct vcpu *)0)->pause_flags) != 4);   /* cmpl */
BUILD_BUG_ON(sizeof(mfn_t) != 8 || PAGE_SHIFT != 12);         /* shl $12 */
BUILD_BUG_ON(sizeof(bool) != 1);                              /* cmpb, movb */
BUILD_BUG_ON(ARRAY_SIZE(((struct vcpu *)0)->arch.iret_ok) != 2);
BUILD_BUG_ON(offsetof(struct vcpu, arch.iret_ok[0].cs) !=     /* cs | ss << 16 */
             offsetof(struct vcpu, arch.iret_ok[0]));
BUILD_BUG_ON(offsetof(struct vcpu, arch.iret_ok[0].ss) !=
             offsetof(struct vcpu, arch.iret_ok[0].cs) + 2);
BUILD_BUG_ON(sizeof(per_cpu__softirq_bits[0]) != 8);          /* (,%rsi,8) */
BUILD_BUG_ON((1UL << SCHEDULE_SOFTIRQ) > 0xff);                /* testb */
BUILD_BUG_ON(sizeof(tlbflush_clock) != 8);                     /* lock xadd */
BUILD_BUG_ON(FLAT_KERNEL_CS != FLAT_KERNEL_CS_ASM);
BUILD_BUG_ON(FLAT_KERNEL_SS != FLAT_KERNEL_SS_ASM);

#define OFFSET(name, value) \
    asm volatile("\n.ascii \"->" #name " %c0\"" : : "i"(value))

void pv_entry_offsets(void);
void pv_entry_offsets(void)
{
    /* struct cpu_user_regs, beyond asm_defns.h's. */
    OFFSET(UREGS_r15, offsetof(struct cpu_user_regs, r15));
    OFFSET(UREGS_r11, offsetof(struct cpu_user_regs, r11));
    OFFSET(UREGS_r10, offsetof(struct cpu_user_regs, r10));
    OFFSET(UREGS_r9, offsetof(struct cpu_user_regs, r9));
    OFFSET(UREGS_r8, offsetof(struct cpu_user_regs, r8));
    OFFSET(UREGS_rcx, offsetof(struct cpu_user_regs, rcx));
    OFFSET(UREGS_rdx, offsetof(struct cpu_user_regs, rdx));
    OFFSET(UREGS_rsi, offsetof(struct cpu_user_regs, rsi));
    OFFSET(UREGS_rdi, offsetof(struct cpu_user_regs, rdi));

    /* struct cpu_info, from the guest frame at its start. */
    OFFSET(CPUINFO_processor_id, offsetof(struct cpu_info, processor_id));
    OFFSET(CPUINFO_current_vcpu, offsetof(struct cpu_info, current_vcpu));
    OFFSET(CPUINFO_tlbflush_time, offsetof(struct cpu_info, tlbflush_time));

    OFFSET(VCPU_domain, offsetof(struct vcpu, domain));
    OFFSET(VCPU_pause_flags, offsetof(struct vcpu, pause_flags));
    OFFSET(VCPU_vcpu_info, offsetof(struct vcpu, vcpu_info));
    OFFSET(VCPU_event_callback_eip, offsetof(struct vcpu, arch.event_callback_eip));
    OFFSET(VCPU_syscall_callback_eip,
           offsetof(struct vcpu, arch.syscall_callback_eip));
    OFFSET(VCPU_syscall_disables_events,
           offsetof(struct vcpu, arch.syscall_disables_events));
    OFFSET(VCPU_kernel_sp, offsetof(struct vcpu, arch.kernel_sp));
    OFFSET(VCPU_guest_table, offsetof(struct vcpu, arch.guest_table));
    OFFSET(VCPU_guest_table_user, offsetof(struct vcpu, arch.guest_table_user));
    OFFSET(VCPU_kernel_mode, offsetof(struct vcpu, arch.kernel_mode));
    /* Two of { u16 cs, ss; ulong gen; }. */
    OFFSET(VCPU_iret_ok, offsetof(struct vcpu, arch.iret_ok));
    OFFSET(IRET_OK_gen, offsetof(struct vcpu, arch.iret_ok[0].gen) -
                        offsetof(struct vcpu, arch.iret_ok[0]));
    OFFSET(IRET_OK_size, sizeof(((struct vcpu *)0)->arch.iret_ok[0]));

    OFFSET(DOMAIN_desc_gen, offsetof(struct domain, desc_gen));
    OFFSET(DOMAIN_is_shutting_down, offsetof(struct domain, is_shutting_down));

    /* struct vcpu_info (public). */
    OFFSET(VCPUINFO_upcall_pending, offsetof(struct vcpu_info, evtchn_upcall_pending));
    OFFSET(VCPUINFO_upcall_mask, offsetof(struct vcpu_info, evtchn_upcall_mask));

    /* struct iret_context (public): HYPERVISOR_iret's frame on the guest stack. */
    OFFSET(IRET_rax, offsetof(struct iret_context, rax));
    OFFSET(IRET_r11, offsetof(struct iret_context, r11));
    OFFSET(IRET_rcx, offsetof(struct iret_context, rcx));
    OFFSET(IRET_flags, offsetof(struct iret_context, flags));
    OFFSET(IRET_rip, offsetof(struct iret_context, rip));
    OFFSET(IRET_cs, offsetof(struct iret_context, cs));
    OFFSET(IRET_rflags, offsetof(struct iret_context, rflags));
    OFFSET(IRET_rsp, offsetof(struct iret_context, rsp));
    OFFSET(IRET_ss, offsetof(struct iret_context, ss));
    OFFSET(IRET_size, sizeof(struct iret_context));
    OFFSET(IRET_flags_in_syscall, VGCF_in_syscall);

    OFFSET(HYPERCALL_iret, __HYPERVISOR_iret);
    OFFSET(SOFTIRQ_schedule_mask, 1UL << SCHEDULE_SOFTIRQ);
}
