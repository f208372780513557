/* SPDX-License-Identifier: GPL-2.0-only */
/* Per-CPU softirq bits: set from anywhere, consumed on the exit path. */
#include <xenia/softirq.h>
#include <asm/current.h>
#include <asm/smp.h>

DEFINE_PER_CPU(unsigned long, softirq_bits);

/* Another CPU only looks at its bits on its way out: make it go now. */
void raise_softirq(unsigned int cpu, unsigned int nr)
{
    __atomic_fetch_or(&per_cpu(softirq_bits, cpu), 1UL << nr,
                      __ATOMIC_SEQ_CST);
    smp_send_event_check(cpu);
}

bool test_and_clear_softirq(unsigned int cpu, unsigned int nr)
{
    return __atomic_fetch_and(&per_cpu(softirq_bits, cpu), ~(1UL << nr),
                              __ATOMIC_SEQ_CST) &
           (1UL << nr);
}
