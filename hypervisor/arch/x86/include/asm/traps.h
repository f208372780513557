/* SPDX-License-Identifier: GPL-2.0-only */
/* Exception handling and stack traces. */
#ifndef ASM_TRAPS_H
#define ASM_TRAPS_H

#include <xen/xen.h>

/* Called from entry.S for every vector. */
void do_trap(struct cpu_user_regs *regs);

/* Interrupt vectors (>= 32) go here; see irq.c. */
void do_irq(struct cpu_user_regs *regs);

/* Frames from ring 3 are a guest's (kernel and user both run there). */
static inline bool guest_mode(const struct cpu_user_regs *regs)
{
    return (regs->cs & 3) == 3;
}

/* An exception in a PV guest: emulate it, or bounce it to the guest. */
void pv_handle_exception(struct cpu_user_regs *regs);
/* pv_handle_exception() of a #PF from the guest kernel (page_fault_entry). */
void pv_kernel_page_fault(struct cpu_user_regs *regs);

/* "page fault" etc., by vector; NULL for reserved vectors. */
extern const char *const trap_names[32];

/* Print a register dump and call trace for regs. */
void show_execution_state(const struct cpu_user_regs *regs);

/* Print the call trace of the caller. */
void show_stack_here(void);

#endif /* ASM_TRAPS_H */
