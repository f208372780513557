/* SPDX-License-Identifier: GPL-2.0-only */
/* Work deferred from interrupt context to the exit path of each CPU. */
#ifndef XENIA_SOFTIRQ_H
#define XENIA_SOFTIRQ_H

#include <xenia/types.h>
#include <asm/current.h>

enum {
    SCHEDULE_SOFTIRQ,
    NR_SOFTIRQS
};

void raise_softirq(unsigned int cpu, unsigned int nr);

/* Inline: every exit to a guest asks, and almost always hears "no". */
DECLARE_PER_CPU(unsigned long, softirq_bits);
static inline bool softirq_pending(unsigned int cpu, unsigned int nr)
{
    return __atomic_load_n(&per_cpu(softirq_bits, cpu), __ATOMIC_SEQ_CST) &
           (1UL << nr);
}
bool test_and_clear_softirq(unsigned int cpu, unsigned int nr);

#endif /* XENIA_SOFTIRQ_H */
