/* SPDX-License-Identifier: GPL-2.0-only */
/* What common code asks of the architecture (arch/x86/, arch/x86/pv/). */
#ifndef XENIA_ARCH_H
#define XENIA_ARCH_H

#include <xenia/domain.h>
#include <xen/vcpu.h>

/* A new vCPU's register and FPU state before anyone sets it (pv/domain.c). */
void arch_vcpu_init(struct vcpu *v);
/* VCPUOP_initialise / setvcpucontext: a guest-supplied start state. */
int arch_vcpu_initialise(struct vcpu *v, const struct vcpu_guest_context *c);
/*
 * Save prev's state from the CPU's guest frame and load next's into it
 * (either may be NULL: the CPU idles or leaves idle).
 */
void arch_context_switch(struct vcpu *prev, struct vcpu *next,
                         struct cpu_user_regs *frame);

/*
 * Destruction (domain_kill): drop what a vCPU holds (page-table bases,
 * GDT frames, a registered vcpu_info); unpin a frame; devalidate a table
 * that is still validated once nothing but itself can reference it.
 */
void arch_vcpu_relinquish(struct vcpu *v);
void arch_page_unpin(struct page_info *pg);
void arch_page_break_cycles(struct page_info *pg);

/* The hypervisor's own command line, as the boot loader gave it (setup.c). */
const char *hypervisor_cmdline(void);

#endif /* XENIA_ARCH_H */
