/* SPDX-License-Identifier: GPL-2.0-only */
/* Work deferred from interrupt context to the exit path of each CPU. */
#ifndef XENIA_SOFTIRQ_H
#define XENIA_SOFTIRQ_H

#include <xenia/types.h>

enum {
    SCHEDULE_SOFTIRQ,
    NR_SOFTIRQS
};

void raise_softirq(unsigned int cpu, unsigned int nr);
bool softirq_pending(unsigned int cpu, unsigned int nr);
bool test_and_clear_softirq(unsigned int cpu, unsigned int nr);

#endif /* XENIA_SOFTIRQ_H */
