/* SPDX-License-Identifier: GPL-2.0-only */
/* The 64-bit PV guest machinery shared by the files under arch/x86/pv. */
#ifndef ASM_PV_H
#define ASM_PV_H

#include <xenia/domain.h>
#include <asm/page.h>
#include <xenia/page.h>

/* ---- The guest's two modes and its page tables (domain.c, ptwr.c). ---- */

/* Switch between the guest kernel's and guest user's page tables. */
void pv_toggle_guest_mode(struct vcpu *v);
/* The CR3 value for the vCPU's current mode. */
unsigned long pv_guest_cr3(const struct vcpu *v);

/* A write fault on one of the guest's own L1 tables: emulate it. */
bool pv_ptwr_emulate(struct vcpu *v, struct cpu_user_regs *regs,
                     unsigned long addr, uint32_t ec);

/* ---- Exceptions and events bounced to the guest (traps.c). ---- */

/*
 * Deliver vector to the guest handler in its virtual IDT, as the
 * hardware would (error code for the vectors that have one). A guest
 * with no handler is crashed, as Xen does.
 */
void pv_inject_trap(struct vcpu *v, struct cpu_user_regs *regs,
                    unsigned int vector, uint32_t error_code);

/* Bounce to eip with the PV frame; false if the guest stack is unusable. */
bool pv_create_bounce_frame(struct vcpu *v, struct cpu_user_regs *regs,
                            unsigned long eip, bool has_error,
                            uint32_t error, bool mask_events);

/* ---- Entering and leaving: SYSCALL, SYSENTER, hypercalls, iret. ---- */

/* HYPERVISOR_iret (iret.c), dispatched from the SYSCALL entry. */
long do_iret(struct cpu_user_regs *regs);
/*
 * The page fault's fast path (fastpath.c), called by its entry with
 * interrupts off and only the caller-saved registers in the frame. It
 * returns what the entry does next (PV_FAST_*, asm_defns.h). The system
 * call's two trips are assembly (pv/entry.S).
 */
unsigned int pv_page_fault_fast(struct cpu_user_regs *regs);
/* From the SYSCALL entry: a hypercall, or a guest user's system call. */
void pv_syscall_entry(struct cpu_user_regs *regs);
/* From the SYSENTER entry (any mode): to the guest's sysenter callback. */
void pv_sysenter_entry(struct cpu_user_regs *regs);
void pv_hypercall(struct cpu_user_regs *regs);

/* The exit path: schedule, deliver events. regs is the CPU's guest frame. */
void pv_exit_to_guest(struct cpu_user_regs *regs);

/* Set up this CPU's SYSCALL and SYSENTER MSRs and trampolines. */
void pv_syscall_init_cpu(unsigned int cpu, unsigned long stack_block);

/* Fill a guest's hypercall page (XEN_ELFNOTE_HYPERCALL_PAGE). */
void pv_write_hypercall_page(uint8_t *page);

void __noreturn pv_enter_first_guest(struct cpu_user_regs *frame);

/* ---- Emulating what a ring-3 kernel may not do itself, and CPUID. ---- */

/* A privileged instruction emulated for the guest: true if handled. */
bool pv_emulate_privileged_op(struct vcpu *v, struct cpu_user_regs *regs);
/* May the vCPU, in its current mode, do port I/O (and cli/sti)? */
bool pv_iopl_ok(const struct vcpu *v);
bool pv_emulate_io(struct vcpu *v, struct cpu_user_regs *regs,
                   const uint8_t *insn, unsigned int len);
bool pv_emulate_forced_cpuid(struct vcpu *v, struct cpu_user_regs *regs);
/*
 * The CPUID leaves PV guests see (emul_priv.c), as vCPU v sees them now
 * (OSXSAVE follows its CR4), or with v NULL as the toolstack sees them...
 */
void pv_cpuid(const struct vcpu *v, uint32_t leaf, uint32_t sub, uint32_t *a,
              uint32_t *b, uint32_t *c, uint32_t *d);
/* ...narrowed by d's toolstack-set policy, if any (cpu_policy.c). */
void pv_domain_cpuid(const struct domain *d, const struct vcpu *v,
                     uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b,
                     uint32_t *c, uint32_t *dx);

/* ---- State loaded or refreshed when a vCPU runs. ---- */

/* Write the run state where the guest registered it (current vCPU). */
void pv_update_runstate_area(struct vcpu *v);

/* Load the vCPU's debug registers into the CPU. */
void pv_load_debugregs(const struct vcpu *v);

/* Refresh the vCPU's pvclock record in its vcpu_info. */
void pv_update_vcpu_time(struct vcpu *v);

/* ---- Guest descriptor tables (descriptor.c). ---- */

int pv_validate_seg_desc_page(struct page_info *pg);
void pv_gdt_init_cpu(unsigned int cpu, void *gdt);
void pv_load_gdt(struct vcpu *v);
int pv_set_gdt(struct vcpu *v, const unsigned long *frames,
               unsigned int entries);
bool pv_iret_selector_ok(const struct vcpu *v, uint16_t sel, bool code);
/* The L1 entry mapping one of Xenia's own 4 KiB pages. */
pte_t *pv_xen_l1e(unsigned long va);

#endif /* ASM_PV_H */
