/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The structure offsets the assembly fast paths (pv/entry.S) read. Each is
 * checked against the C layout at build time (pv/fastpath.c): a change to
 * struct vcpu, struct domain or struct cpu_info that moves one fails the
 * build there, and the number here is updated.
 */
#ifndef ASM_PV_ENTRY_OFFSETS_H
#define ASM_PV_ENTRY_OFFSETS_H

/* struct cpu_user_regs, beyond asm_defns.h's. */
#define UREGS_r15  0x00
#define UREGS_r11  0x30
#define UREGS_r10  0x38
#define UREGS_r9   0x40
#define UREGS_r8   0x48
#define UREGS_rcx  0x58
#define UREGS_rdx  0x60
#define UREGS_rsi  0x68
#define UREGS_rdi  0x70

/* struct cpu_info, from the guest frame at its start. */
#define CPUINFO_processor_id  0xc8
#define CPUINFO_current_vcpu  0xd0
#define CPUINFO_tlbflush_time 0xd8

/* struct vcpu. */
#define VCPU_domain             8
#define VCPU_pause_flags        20
#define VCPU_vcpu_info          88
#define VCPU_event_callback_eip 4616
#define VCPU_syscall_callback_eip 4632
#define VCPU_syscall_disables_events 4665
#define VCPU_kernel_sp          4680
#define VCPU_guest_table        4720
#define VCPU_guest_table_user   4728
#define VCPU_kernel_mode        4736
#define VCPU_iret_ok            4888 /* two of { u16 cs, ss; ulong gen; } */
#define IRET_OK_gen             8
#define IRET_OK_size            16

/* struct domain. */
#define DOMAIN_desc_gen         288
#define DOMAIN_is_shutting_down 400

/* struct vcpu_info (public). */
#define VCPUINFO_upcall_pending 0
#define VCPUINFO_upcall_mask    1

/* struct iret_context (public): HYPERVISOR_iret's frame on the guest stack. */
#define IRET_rax    0x00
#define IRET_r11    0x08
#define IRET_rcx    0x10
#define IRET_flags  0x18
#define IRET_rip    0x20
#define IRET_cs     0x28
#define IRET_rflags 0x30
#define IRET_rsp    0x38
#define IRET_ss     0x40
#define IRET_size   0x48
#define IRET_flags_in_syscall 0x100 /* VGCF_in_syscall */

#define HYPERCALL_iret 23 /* __HYPERVISOR_iret */
#define SOFTIRQ_schedule_mask 1 /* 1 << SCHEDULE_SOFTIRQ, in softirq_bits */

#endif /* ASM_PV_ENTRY_OFFSETS_H */
