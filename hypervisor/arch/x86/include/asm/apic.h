/* SPDX-License-Identifier: GPL-2.0-only */
/* The local APIC: interrupts acknowledgement and the one-shot timer. */
#ifndef ASM_APIC_H
#define ASM_APIC_H

#include <xenia/types.h>

void apic_init_bsp(void);
void apic_init_ap(void);
/* A fixed-delivery IPI to one CPU. */
void apic_send_ipi(uint32_t dest_apic_id, unsigned int vector);
/* INIT-SIPI-SIPI: start a CPU at the real-mode page trampoline. */
void apic_start_ap(uint32_t dest_apic_id, paddr_t trampoline);
void apic_eoi(void);
uint32_t apic_id(void);

/*
 * Arm the timer to interrupt at system time deadline: at once if it has
 * passed, never for STIME_MAX (disarm). Far deadlines interrupt early;
 * the timer code then finds nothing due and arms it again.
 */
void apic_timer_program(s_time_t deadline);
const char *apic_timer_mode(void);

/* Legacy 8259 PICs: moved off the exception vectors and masked. */
void i8259_mask_all(void);

#endif /* ASM_APIC_H */
