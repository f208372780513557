/* SPDX-License-Identifier: GPL-2.0-only */
/* Inter-processor interrupts between Xenia's CPUs. */
#include <xenia/console.h>
#include <xenia/cpumask.h>
#include <asm/apic.h>
#include <asm/current.h>
#include <asm/desc.h>
#include <asm/processor.h>
#include <asm/smp.h>

cpumask_t cpu_online_map = {.bits = {1}}; /* the boot CPU, from the start */
unsigned int nr_online_cpus = 1;
uint32_t cpu_to_apicid[CONFIG_NR_CPUS];

void smp_send_ipi(unsigned int cpu, unsigned int vector)
{
    if ( cpu < CONFIG_NR_CPUS && cpumask_test_cpu(cpu, &cpu_online_map) )
        apic_send_ipi(cpu_to_apicid[cpu], vector);
}

void smp_send_event_check(unsigned int cpu)
{
    if ( cpu != smp_processor_id() )
        smp_send_ipi(cpu, EVENT_CHECK_VECTOR);
}

void smp_send_timer_ipi(unsigned int cpu)
{
    if ( cpu != smp_processor_id() )
        smp_send_ipi(cpu, TIMER_IPI_VECTOR);
}

void smp_send_stop(void)
{
    unsigned int cpu, me = smp_processor_id();

    for_each_online_cpu(cpu)
        if ( cpu != me )
            smp_send_ipi(cpu, STOP_VECTOR);
}
