/* SPDX-License-Identifier: GPL-2.0-only */
/* TLB flushes across CPUs, and the clock that tells when one is needed. */
#ifndef ASM_FLUSHTLB_H
#define ASM_FLUSHTLB_H

#include <xenia/cpumask.h>
#include <xenia/types.h>

/*
 * Every full flush on any CPU takes a tick of one global clock, and each
 * CPU remembers the tick of its last one. A frame stamped with the clock
 * when its last mapping or page-table use went away can only be cached
 * by CPUs whose last flush is not later than that stamp; the others need
 * no IPI. Xenia uses no global pages, so every CR3 load is a full flush.
 */
uint64_t tlbflush_current_time(void);

static inline bool tlbflush_needed(uint64_t cpu_last_flush, uint64_t stamp)
{
    return cpu_last_flush <= stamp;
}

/* Keep in mask only the CPUs that may still cache what was there at stamp. */
void tlbflush_filter(cpumask_t *mask, uint64_t stamp);

/*
 * Load CR3 (a full flush), ticking the clock. Every CR3 load goes here,
 * but for pv/entry.S's guest mode switches, which do the same inline.
 */
void write_cr3_flush(unsigned long cr3);
extern uint64_t tlbflush_clock;
/* Points this CPU's struct cpu_info at its flush time (for entry.S). */
void tlbflush_init_cpu(unsigned int cpu);
void flush_tlb_local(void);

/* Flush every CPU in mask (this one too) and wait until they have. */
void flush_tlb_mask(const cpumask_t *mask);
/* The INVALIDATE_TLB_VECTOR handler. */
void flush_tlb_ipi(void);

#endif /* ASM_FLUSHTLB_H */
