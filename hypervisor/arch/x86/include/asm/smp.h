/* SPDX-License-Identifier: GPL-2.0-only */
/* Several physical CPUs: bring-up and inter-processor interrupts. */
#ifndef ASM_SMP_H
#define ASM_SMP_H

#include <xenia/cpumask.h>
#include <xenia/types.h>

/* Each online CPU's local APIC ID, by Xenia's CPU number (0 = the BSP). */
extern uint32_t cpu_to_apicid[CONFIG_NR_CPUS];

/* Start every CPU the MADT lists, up to CONFIG_NR_CPUS; BSP only after. */
void smp_boot_cpus(void);

void smp_send_ipi(unsigned int cpu, unsigned int vector);
/* Make cpu leave its guest (or idle) and look at softirqs and events. */
void smp_send_event_check(unsigned int cpu);
/* A timer of cpu's queue changed its head: make cpu re-arm its APIC. */
void smp_send_timer_ipi(unsigned int cpu);
/* Halt every other CPU; for shutdown and fatal errors. */
void smp_send_stop(void);

#endif /* ASM_SMP_H */
