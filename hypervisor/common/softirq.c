/* SPDX-License-Identifier: GPL-2.0-only */
/* Per-CPU softirq bits: set from anywhere, consumed on the exit path. */
#include <xenia/softirq.h>
#include <asm/current.h>

static DEFINE_PER_CPU(unsigned long, softirq_bits);

void raise_softirq(unsigned int cpu, unsigned int nr)
{
    __atomic_fetch_or(&per_cpu(softirq_bits, cpu), 1UL << nr,
                      __ATOMIC_SEQ_CST);
}

bool softirq_pending(unsigned int cpu, unsigned int nr)
{
    return __atomic_load_n(&per_cpu(softirq_bits, cpu), __ATOMIC_SEQ_CST) &
           (1UL << nr);
}

bool test_and_clear_softirq(unsigned int cpu, unsigned int nr)
{
    return __atomic_fetch_and(&per_cpu(softirq_bits, cpu), ~(1UL << nr),
                              __ATOMIC_SEQ_CST) &
           (1UL << nr);
}
